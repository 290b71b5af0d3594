"""Learner answers that return or do the wrong kind of thing, built from a correct answer.

Each factory takes the correct function and returns a wrong one; the banks pair each with the
message its check must give. The result of the wrapped function is changed in one way only.
"""
from __future__ import annotations

import sys

import numpy as np


def returning(change):
    """``fn`` with its result replaced by ``change(result)``."""
    def wrap(fn):
        def wrong(*args, **kwargs):
            return change(fn(*args, **kwargs))
        return wrong
    return wrap


def first(change):
    """``fn`` whose result's first item (the new parameters, or the only value) is ``change(item)``."""
    def apply(result):
        if isinstance(result, tuple):
            return (change(result[0]), *result[1:])
        return change(result)
    return returning(apply)


def state_field(field, change):
    """``fn`` whose returned state has ``field`` replaced by ``change(value)``."""
    return returning(lambda result: (result[0], result[1]._replace(**{field: change(getattr(result[1], field))})))


def raising(error):
    def wrap(fn):
        def wrong(*args, **kwargs):
            raise error
        return wrong
    return wrap


def not_written(*args, **kwargs):
    raise NotImplementedError()


def mutating(position, field=None):
    """``fn`` that gives the right result but then changes its argument ``position`` in place
    (a field of it when the argument is a state)."""
    def wrap(fn):
        def wrong(*args, **kwargs):
            result = fn(*args, **kwargs)
            target = args[position] if field is None else getattr(args[position], field)
            target[...] = target * 0.5 + 0.25
            return result
        return wrong
    return wrap


def printing_to_stderr(fn):
    """``fn`` that also writes a line to stderr (debugging output): the check must keep it off the cell."""
    def noisy(*args, **kwargs):
        print("debug: called", file=sys.stderr)
        return fn(*args, **kwargs)
    return noisy


def common(right, *, pair=True):
    """The bad-input answers every check of a function returning ``(new_params, other)`` must meet
    (``pair=False``: a function returning one value)."""
    found = {
        "returns None": returning(lambda r: None)(right),
        "raises ValueError": raising(ValueError("shapes do not match"))(right),
        "not written yet": not_written,
        "not a function": 42,
        "NaN in the result": first(lambda v: np.asarray(v, dtype=float) * np.nan)(right),
        "inf in the result": first(lambda v: np.asarray(v, dtype=float) + np.inf)(right),
        "complex result": first(lambda v: np.asarray(v, dtype=float) + 0j)(right),
        "a string result": first(lambda v: "w")(right),
        "result of the wrong shape": first(lambda v: np.append(np.asarray(v, dtype=float), 0.0))(right),
    }
    if pair:
        found.update({
            "returns only the first item": returning(lambda r: r[0])(right),
            "returns a triple": returning(lambda r: (*r, None))(right),
            "returns a list, not a tuple": returning(lambda r: list(r))(right),
        })
    return found


def expect(answers: dict, messages: dict) -> dict:
    """Pair each answer with its message: ``{name: (fn, messages[name])}`` (None if not recorded)."""
    return {name: (fn, messages.get(name)) for name, fn in answers.items()}


def rule_state(right, field, state_type):
    """Bad answers about the state an optimizer rule returns and is given (``field`` one of its arrays)."""
    return {
        "state as a dict": returning(lambda r: (r[0], r[1]._asdict()))(right),
        "state as a plain tuple": returning(lambda r: (r[0], tuple(r[1])))(right),
        "state dropped": returning(lambda r: (r[0], None))(right),
        f"`{field}` as a list": state_field(field, lambda v: np.asarray(v).tolist())(right),
        f"`{field}` of the wrong shape": state_field(field, lambda v: np.asarray(v).reshape(1, -1))(right),
        f"`{field}` with NaN": state_field(field, lambda v: np.asarray(v) * np.nan)(right),
        "parameters changed in place": mutating(0)(right),
        "gradients changed in place": mutating(1)(right),
        f"state's `{field}` changed in place": mutating(2, field)(right),
    }


def merged(*answers: dict) -> dict:
    """One dict of answers from several factories (names must not repeat)."""
    found = {}
    for more in answers:
        assert not set(found) & set(more), set(found) & set(more)
        found.update(more)
    return found
