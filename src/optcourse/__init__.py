"""optcourse: the helper library of the optimizer course.

Import modules by name, for example ``from optcourse import checks, landscapes``.
"""
__version__ = "0.1.0"
