"""Calling learner code safely: quietly, with every problem turned into one plain sentence.

Shared by ``checks`` (graded), ``rule_checks`` (optimizer rules against Keras) and the widgets
(demonstrations, which accept diverging values).
"""
from __future__ import annotations

import contextlib
import contextvars
import io
import sys
import warnings
from typing import Callable

import numpy as np

from ..constants import RULE_ATOL, RULE_RTOL
from .feedback import fail

__all__ = ["call_learner", "as_array", "run_learner", "close", "concealed", "describe"]

# While a hidden test runs, messages name its case without its hyperparameters: a learner who reads
# the feedback learns what went wrong, not the grader's further cases.
_concealed = contextvars.ContextVar("concealed", default=False)


@contextlib.contextmanager
def concealed():
    """Within it, ``describe`` hides what a case is made of."""
    token = _concealed.set(True)
    try:
        yield
    finally:
        _concealed.reset(token)


def describe(case: str, *, hidden: str = "one of the grader's further cases") -> str:
    """``case`` as a message shows it, or ``hidden`` while a hidden test runs."""
    return hidden if _concealed.get() else case


class _KerasOptimizerUsed(BaseException):
    """Raised inside learner code that builds a Keras optimizer (a BaseException: ``except Exception`` won't hide it)."""


_KERAS_BASE = "keras.src.optimizers.base_optimizer"


@contextlib.contextmanager
def _without_keras_optimizers():
    """While it is active, building any Keras optimizer raises _KerasOptimizerUsed."""
    module = sys.modules.get(_KERAS_BASE)
    if module is None:
        yield
        return
    base = module.BaseOptimizer
    original = base.__init__

    def refuse(self, *args, **kwargs):
        raise _KerasOptimizerUsed()

    base.__init__ = refuse
    try:
        yield
    finally:
        base.__init__ = original


def call_learner(fn: Callable, name: str, args: tuple, kwargs: dict, *, graded: bool = True, keras_allowed: bool = False):
    """Call learner code quietly; turn any exception into one plain sentence.

    A graded call refuses the course's own reference implementations (``optcourse.lesson.reference``),
    which demonstrations may use, and, unless ``keras_allowed``, any use of a Keras optimizer or a
    first import of TensorFlow inside the call: the rule has to be the learner's own.
    """
    __tracebackhide__ = True
    if not callable(fn):
        fail(f"`{name}` is not a function (it is a {type(fn).__name__}); define it with `def {name}(...)`.")
    if graded and str(getattr(fn, "__module__", "")).startswith("optcourse.lesson.reference"):
        fail(f"`{name}` is the course's reference implementation, not yours: write the rule yourself.")
    keras_guarded = graded and not keras_allowed
    keras_loaded = _KERAS_BASE in sys.modules
    guard = _without_keras_optimizers() if keras_guarded else contextlib.nullcontext()
    with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stderr(io.StringIO()), guard:
        warnings.simplefilter("ignore")
        try:
            result = fn(*args, **kwargs)
        except _KerasOptimizerUsed:
            fail(f"`{name}` uses a tf.keras optimizer; the exercise is to write the rule yourself with numpy.")
        except NotImplementedError:
            fail(f"`{name}` is not written yet: replace `raise NotImplementedError()` with your code.")
        except Exception as error:  # noqa: BLE001 - any learner error becomes a message
            shown = ", ".join([*("…" for _ in args), *(f"{k}={v!r}" for k, v in kwargs.items())])
            called = describe(f"when called as {name}({shown})", hidden="in one of the grader's further cases")
            fail(f"`{name}` raised {type(error).__name__} ({error}) {called}.")
    if keras_guarded and not keras_loaded and _KERAS_BASE in sys.modules:
        fail(f"`{name}` imports TensorFlow; write the rule yourself with numpy.")
    return result


def as_array(value, *, name: str, what: str, shape: tuple, finite: bool = True) -> np.ndarray:
    """Turn a learner's result into a float array of the expected shape, or fail plainly."""
    __tracebackhide__ = True
    if value is None:
        fail(f"`{name}` returned None for {what}; did you forget a `return`?")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        fail(f"`{name}` returned {type(value).__name__} for {what}; it should be a numpy array of numbers.")
    if array.shape != shape:
        fail(f"`{name}` returned {what} of shape {array.shape}; it should have shape {shape}.")
    if finite and not np.all(np.isfinite(array)):
        fail(f"`{name}` returned NaN or infinite values in {what} for finite inputs.")
    return array


def run_learner(fn: Callable, name: str, args: tuple, kwargs: dict, *, shape: tuple | None):
    """Run learner code for a demonstration: quiet, and any problem raised as one sentence.

    Unlike the graded checks it accepts infinite or NaN values, since a diverging run is a
    legitimate thing to show. With ``shape=None`` the result is returned as it is (not None).
    """
    __tracebackhide__ = True
    result = call_learner(fn, name, args, kwargs, graded=False)
    if shape is None:  # structured results (tuples, lists of batches) are the caller's to read
        if result is None:
            fail(f"`{name}` returned None; did you forget a `return`?")
        return result
    return as_array(result, name=name, what="its result", shape=shape, finite=False)


def close(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RULE_RTOL, atol=RULE_ATOL))
