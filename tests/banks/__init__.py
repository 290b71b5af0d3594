"""Banks of learner answers for every check, as data: wrong ones with the exact message each must
get from the check's visible cases, and correct ones, written differently, that must all pass.

One module per course module (``m1_gradient_descent`` … ``m7_tradeoffs``), each with a list
``BANKS`` of ``Bank``; ``tests/test_banks.py`` runs them all. ``bad_input`` builds the answers
that return or do the wrong kind of thing (None, a wrong tuple, NaN, a raise, a mutated input …)
from a correct one, so every check meets the same list.
"""
from __future__ import annotations

from typing import Callable, NamedTuple


class Bank(NamedTuple):
    check: str                                # the name of the check in optcourse.grading.checks
    wrong: dict[str, tuple[Callable, str]]    # mistake -> (learner function, the exact message)
    right: dict[str, Callable]                # how it is written -> learner function
    tensorflow: bool = True                   # the check's oracle imports TensorFlow


TBD = None  # a message not recorded yet; test_banks fails on it
