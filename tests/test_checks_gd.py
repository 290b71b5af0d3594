"""The Module 1 checks accept every correct gradient-descent implementation and reject known-wrong
ones, each with a message that names the mistake."""
# The banks of wrong and correct answers for these checks are in tests/banks/ (run by tests/test_banks.py);
# here, what does not fit a bank: invariants, hidden-only cases, the Keras model runs.
import numpy as np
import pytest

from hidden_cases import hidden_cases
from optcourse.grading import checks
from optcourse.learner_code.feedback import CheckFailed


def test_a_step_that_only_fits_the_visible_cases_fails_the_hidden_ones():
    visible = {(0.1, (1,)), (0.37, (2,)), (1.5, (3, 4))}

    def memorised(params, grads, state, *, learning_rate):
        if (learning_rate, params.shape) in visible:
            return params - learning_rate * grads, state
        return params, state

    checks.gd_step(memorised)
    with pytest.raises(CheckFailed):
        checks.gd_step(memorised, **hidden_cases("gd_step")[0])


def test_learner_warnings_and_stderr_stay_out_of_the_cell(capfd):
    """nbgrader scores a test cell with stderr output as 0, even when the answer is right."""
    import sys
    import warnings

    def noisy_but_right(params, grads, state, *, learning_rate):
        warnings.warn("learner warning")
        print("debug", file=sys.stderr)
        np.log(np.zeros(1))  # RuntimeWarning: divide by zero
        return params - learning_rate * grads, state

    checks.gd_step(noisy_but_right)
    assert capfd.readouterr().err == ""
