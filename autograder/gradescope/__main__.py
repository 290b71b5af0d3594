"""``python -m autograder.gradescope``: see the package's docstring."""
import sys

from autograder.gradescope import main

sys.exit(main())
