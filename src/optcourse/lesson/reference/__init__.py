"""Reference update rules, for modules that build on an earlier one (racing Adam against RMSprop
and momentum, training with a rule from a module you skipped).

One file per rule, so that the grader can leave out of a learner's sandbox exactly the rules that
module grades (autograder/worker_view.py). The graded checks refuse these functions: in an
exercise, write the rule yourself.
"""
from __future__ import annotations

from importlib import import_module

# Which file holds each rule.
HOMES = {"momentum_step": "momentum", "rmsprop_step": "rmsprop", "adam_init": "adam", "adam_step": "adam",
         "fit_with_rule": "training_loop",
         "adamw_step": "adamw"}

__all__ = list(HOMES)


def __getattr__(name: str):
    if name not in HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        return getattr(import_module(f".{HOMES[name]}", __name__), name)
    except (AttributeError, ImportError):
        raise AttributeError(f"the course's reference {name} is not available while this module's exercises are graded") from None


def __dir__():
    return sorted(__all__)
