"""Checks of the learner's functions, used by the notebooks' graded test cells.

Each public check calls the learner's function on deterministic cases, compares the result with
an independent oracle, and on failure raises ``feedback.CheckFailed`` (an ``AssertionError``) with one plain sentence that names
the likely mistake; the learner sees that sentence, not a traceback (see ``feedback``).

Learner code is run with warnings silenced and stderr captured: nbgrader scores any stderr output
in a test cell as zero, and a RuntimeWarning from a diverging run must not cost a correct answer.
"""
from __future__ import annotations

import contextlib
import io
import warnings
from typing import Callable, Iterable, NamedTuple

import numpy as np

from .feedback import fail
from .landscapes import scaled_bowl
from .optim import GDState

__all__ = ["gd_step", "gd_trajectory", "run_learner"]

# Float32 inputs round at ~1e-7 relative; anything looser than this would let real mistakes by.
RTOL = 1e-5
ATOL = 1e-6


class _Mistake(NamedTuple):
    """A known wrong variant: its output for the same inputs, and what to tell the learner."""

    output: np.ndarray
    message: str



def _call(fn: Callable, name: str, args: tuple, kwargs: dict):
    """Call learner code quietly; turn any exception into one plain sentence."""
    __tracebackhide__ = True
    if not callable(fn):
        fail(f"`{name}` is not a function (it is a {type(fn).__name__}); define it with `def {name}(...)`.")
    with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        try:
            return fn(*args, **kwargs)
        except NotImplementedError:
            fail(f"`{name}` is not written yet: replace `raise NotImplementedError()` with your code.")
        except Exception as error:  # noqa: BLE001 - any learner error becomes a message
            shown = ", ".join([*("…" for _ in args), *(f"{k}={v!r}" for k, v in kwargs.items())])
            fail(f"`{name}` raised {type(error).__name__} ({error}) when called as {name}({shown}).")


def _as_array(value, *, name: str, what: str, shape: tuple, finite: bool = True) -> np.ndarray:
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


def run_learner(fn: Callable, name: str, args: tuple, kwargs: dict, *, shape: tuple) -> np.ndarray:
    """Run learner code for a demonstration: quiet, and any problem raised as one sentence.

    Unlike the graded checks it accepts infinite or NaN values, since a diverging run is a
    legitimate thing to show.
    """
    __tracebackhide__ = True
    result = _call(fn, name, args, kwargs)
    return _as_array(result, name=name, what="its result", shape=shape, finite=False)


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


def _explain(name: str, got: np.ndarray, expected: np.ndarray, mistakes: Iterable[_Mistake], case: str) -> str:
    """Name the known mistake the output matches, or describe the first difference."""
    for mistake in mistakes:
        if _close(got, mistake.output) and not _close(expected, mistake.output):
            return f"`{name}`: {mistake.message} (case: {case})."
    index = np.unravel_index(np.argmax(np.abs(got - expected)), got.shape)
    return (
        f"`{name}` is off for {case}: at index {tuple(int(i) for i in index)} it gives "
        f"{got[index]:.6g} where {expected[index]:.6g} is expected."
    )


def _cases(seed: int, shapes: Iterable[tuple], learning_rates: Iterable[float]):
    """Deterministic (params, grads, learning_rate) triples: several shapes, both float types."""
    rng = np.random.default_rng(seed)
    for shape, learning_rate in zip(shapes, learning_rates):
        for dtype in (np.float64, np.float32):
            params = rng.uniform(-3, 3, size=shape).astype(dtype)
            grads = rng.normal(0, 2, size=shape).astype(dtype)
            yield params, grads, learning_rate


# ---------------------------------------------------------------- Module 1: gradient descent

_GD_SHAPES = [(1,), (2,), (3, 4)]
_GD_RATES = [0.1, 0.37, 1.5]


def gd_step(fn: Callable, *, seed: int = 0, shapes=_GD_SHAPES, learning_rates=_GD_RATES) -> None:
    """Check ``fn(params, grads, state, *, learning_rate) -> (new_params, new_state)``."""
    __tracebackhide__ = True
    for params, grads, learning_rate in _cases(seed, shapes, learning_rates):
        params_before, grads_before = params.copy(), grads.copy()
        case = f"params of shape {params.shape} ({params.dtype}), learning_rate={learning_rate}"
        result = _call(fn, "gd_step", (params, grads, GDState()), {"learning_rate": learning_rate})
        if not isinstance(result, tuple) or len(result) != 2:
            got = "None" if result is None else f"a {type(result).__name__}"
            if isinstance(result, tuple):
                got = f"a tuple of {len(result)} items"
            fail(f"`gd_step` returned {got}; it should return a pair `(new_params, state)`.")
        new_params, state = result
        if not isinstance(state, GDState):
            fail(f"`gd_step` returned a state of type {type(state).__name__}; return the `state` it was given (a GDState).")
        if not np.array_equal(params, params_before) or not np.array_equal(grads, grads_before):
            fail("`gd_step` changed its input arrays in place (for example with `-=`); "
                  "compute and return a new array so the caller's parameters stay as they were.")
        got = _as_array(new_params, name="gd_step", what="the new parameters", shape=params.shape)
        p, g = params.astype(float), grads.astype(float)
        expected = p - learning_rate * g
        if not _close(got, expected):
            mistakes = [
                _Mistake(p + learning_rate * g, "the step goes uphill; subtract the gradient instead of adding it"),
                _Mistake(p - g, "`learning_rate` is not used; the step should be learning_rate × gradient"),
                _Mistake(-learning_rate * g, "it returns the step itself; return params minus the step"),
                _Mistake(p - learning_rate * p, "it multiplies the parameters, not the gradient, by the learning rate"),
            ]
            fail(_explain("gd_step", got, expected, mistakes, case))


def _oracle_trajectory(grad_fn, w0: np.ndarray, learning_rate: float, num_steps: int) -> np.ndarray:
    rows = [w0.astype(float)]
    for _ in range(num_steps):
        rows.append(rows[-1] - learning_rate * grad_fn(rows[-1]))
    return np.stack(rows)


def gd_trajectory(fn: Callable, *, cases=((0.2, 6), (0.45, 3), (0.05, 1), (0.3, 0))) -> None:
    """Check ``fn(grad_fn, w0, *, learning_rate, num_steps)`` returns every point, start included.

    The cases run on the badly scaled bowl, from its demonstration start, as
    ``(learning_rate, num_steps)`` pairs.
    """
    __tracebackhide__ = True
    bowl = scaled_bowl()
    for learning_rate, num_steps in cases:
        w0 = np.array(bowl.start)
        w0_before = w0.copy()
        case = f"learning_rate={learning_rate}, num_steps={num_steps}"
        result = _call(fn, "gd_trajectory", (bowl.gradient, w0), {"learning_rate": learning_rate, "num_steps": num_steps})
        if not np.array_equal(w0, w0_before):
            fail("`gd_trajectory` changed `w0` in place; start from a copy (`w = np.array(w0, dtype=float)`).")
        expected = _oracle_trajectory(bowl.gradient, w0_before, learning_rate, num_steps)
        if result is None:
            fail("`gd_trajectory` returned None; did you forget a `return`?")
        try:
            rows = len(result)
        except TypeError:
            rows = None
        if rows == num_steps and num_steps > 0:
            fail(f"`gd_trajectory` returned {rows} points for {num_steps} steps: include the starting point "
                  f"too, so there are num_steps + 1 rows ({case}).")
        if rows == num_steps + 2:
            fail(f"`gd_trajectory` returned {rows} points for {num_steps} steps: it takes one step too many ({case}).")
        got = _as_array(result, name="gd_trajectory", what="the trajectory", shape=expected.shape)
        if _close(got, expected):
            continue
        if num_steps > 1 and np.allclose(got, got[-1]) and _close(got[-1], expected[-1]):
            fail("`gd_trajectory` returned the final point in every row: the same array was appended each time "
                  "and then changed in place. Append a copy, or build a new array each step.")
        if num_steps > 0 and np.allclose(got, w0_before):
            fail("`gd_trajectory` returned the starting point in every row: update `w` inside the loop.")
        if not _close(got[0], expected[0]):
            fail(f"`gd_trajectory`: the first row should be the starting point w0 ({case}).")
        row = int(np.argmax(np.any(~np.isclose(got, expected, rtol=RTOL, atol=ATOL), axis=1)))
        fail(f"`gd_trajectory` goes wrong at row {row} ({case}): it gives {np.round(got[row], 6)} "
              f"where {np.round(expected[row], 6)} is expected. Does it call gd_step with the gradient at the current point?")
