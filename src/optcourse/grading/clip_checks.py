"""The check of gradient clipping by global norm (Module 6), against Keras's ``global_clipnorm``.

The oracle is Keras itself: an SGD optimizer with ``learning_rate=1.0`` and ``global_clipnorm`` applies
the gradients to float64 variables that start at zero, so each variable ends at minus its clipped
gradient. The cases clip several arrays together (where the global norm and each array's own norm
part), leave gradients under the threshold alone, hold a single array, come as a list and as a
tuple, in float64 and float32, and end with gradients that are all zero (norm 0: nothing to clip,
and nothing to divide by).
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from ..learner_code.calling import call_learner, close, describe
from ..learner_code.feedback import fail
from .results import as_numbers

__all__ = ["clip_by_global_norm"]


class ClipCase(NamedTuple):
    grads: list | tuple   # the arrays, as the learner receives them (a list or a tuple)
    clipnorm: float
    label: str


def _cases(seed: int, shapes, clipnorms) -> list[ClipCase]:
    """One case per (shapes, clipnorm): gradients of about 2 per entry, so the global norm is about twice
    the square root of the number of entries; then the first shapes again, with all-zero gradients."""
    rng = np.random.default_rng(seed)
    found = []
    for k, (group, clipnorm) in enumerate(zip(shapes, clipnorms)):
        dtype = np.float32 if k % 2 else np.float64
        arrays = [rng.normal(0, 2.0, size=shape).astype(dtype) for shape in group]
        norm = float(np.sqrt(sum(np.sum(np.square(a.astype(float))) for a in arrays)))
        given = tuple(arrays) if k % 2 else arrays
        where = "above" if norm > clipnorm else "below"
        found.append(ClipCase(given, clipnorm, describe(
            f"a {type(given).__name__} of arrays of shapes {[tuple(s) for s in group]} ({np.dtype(dtype).name}), "
            f"global norm {norm:.4g}, {where} clipnorm={clipnorm:g}",
            hidden=f"one of the grader's further cases, global norm {where} clipnorm")))
    zeros = [np.zeros(shape) for shape in shapes[0]]
    found.append(ClipCase(zeros, clipnorms[0], describe(f"all-zero gradients of shapes {[tuple(s) for s in shapes[0]]}, "
                                                        f"clipnorm={clipnorms[0]:g}",
                                                        hidden="one of the grader's further cases, all-zero gradients")))
    return found


_KERAS_RUNS: dict = {}  # the oracle's answers by case (the cases are fixed)


def _keras_clipped(arrays: list, clipnorm: float) -> list:
    """What ``tf.keras.optimizers.SGD(learning_rate=1.0, global_clipnorm=clipnorm)`` applies: minus the
    variables after one step from zero."""
    key = (float(clipnorm), tuple((a.dtype.str, a.shape, a.tobytes()) for a in arrays))
    if key not in _KERAS_RUNS:
        from ..lesson.keras_bridge import import_tensorflow

        tf = import_tensorflow()
        variables = [tf.Variable(np.zeros(a.shape, dtype=np.float64)) for a in arrays]
        optimizer = tf.keras.optimizers.SGD(learning_rate=1.0, global_clipnorm=float(clipnorm))
        optimizer.apply_gradients([(tf.constant(np.asarray(a, dtype=np.float64)), v) for a, v in zip(arrays, variables)])
        _KERAS_RUNS[key] = [-v.numpy() for v in variables]
    return _KERAS_RUNS[key]


def _mistakes(arrays: list, clipnorm: float) -> list:
    """Known wrong answers for these gradients: (their output, what to tell the learner)."""
    squares = sum(np.sum(a * a) for a in arrays)
    norm = np.sqrt(squares)

    def scaled(factor):
        return [a * factor for a in arrays]

    with np.errstate(all="ignore"):
        per_array = [a * min(1.0, clipnorm / np.sqrt(np.sum(a * a))) if np.any(a) else a for a in arrays]
        found = [
            ([np.array(a) for a in arrays], "the gradients come back unchanged although their global norm is above clipnorm: "
                                            "scale them all by clipnorm / (global norm)"),
            (per_array, "each array is clipped by its own norm (that is Keras's `clipnorm`); `global_clipnorm` scales all "
                        "of them by one factor, clipnorm / (the norm of all the gradients together)"),
            (scaled(clipnorm / norm), "the gradients are rescaled to the norm clipnorm even when their global norm is "
                                      "below it; leave them unchanged then"),
            (scaled(min(1.0, clipnorm / squares)), "the global norm is the square root of the sum of squares; the square "
                                                   "root is missing"),
            (scaled(min(1.0, clipnorm / np.sqrt(np.mean(np.concatenate([a.ravel() for a in arrays]) ** 2)))),
             "the squares are averaged (a root mean square); the global norm adds them up: sqrt(sum of every g²)"),
            (scaled(min(1.0, clipnorm / sum(np.sum(np.abs(a)) for a in arrays))),
             "the norm adds up absolute values (an L1 norm); use the Euclidean norm, sqrt(sum of every g²)"),
            (scaled(min(1.0, clipnorm / sum(np.sqrt(np.sum(a * a)) for a in arrays))),
             "the arrays' norms are added up; the global norm is sqrt(norm₁² + norm₂² + …), the norm of all entries together"),
            (scaled(min(1.0, clipnorm / max(np.sqrt(np.sum(a * a)) for a in arrays))),
             "the largest of the arrays' norms is used; the global norm is the norm of all the entries together"),
            (scaled(min(1.0, clipnorm / np.sqrt(np.sum(arrays[0] * arrays[0])))),
             "only the first array's norm is used; the global norm includes every array"),
            ([np.clip(a, -clipnorm, clipnorm) for a in arrays],
             "each entry is clipped to ±clipnorm (that is Keras's `clipvalue`); scale all the arrays by one factor instead"),
            (scaled(max(1.0, norm / clipnorm)), "the factor is upside down: multiply by clipnorm / (global norm), not its inverse"),
        ]
    return found


def _explain(got: list, expected: list, arrays: list, case: ClipCase) -> str:
    for output, message in _mistakes(arrays, case.clipnorm):
        output = [np.asarray(o, dtype=float) for o in output]
        if all(close(g, o) for g, o in zip(got, output)) and not all(close(e, o) for e, o in zip(expected, output)):
            return f"`clip_by_global_norm`: {message} ({case.label})."
    index = next(i for i, (g, e) in enumerate(zip(got, expected)) if not close(g, e))
    ratio = [float(np.sum(g * e) / np.sum(e * e)) if np.any(e) else np.nan for g, e in zip(got, expected)]
    if np.all(np.isfinite(ratio)) and all(close(g, r * e) for g, e, r in zip(got, expected, ratio)) and np.ptp(ratio) < 1e-6:
        return (f"`clip_by_global_norm` keeps the gradients' directions but scales them by {ratio[0]:.6g} times too much "
                f"({case.label}): the factor is clipnorm / (global norm) when the global norm is above clipnorm, else 1.")
    return f"`clip_by_global_norm`: array {index} differs from Keras's global_clipnorm ({case.label})."


def _as_arrays(result, case: ClipCase) -> list:
    __tracebackhide__ = True
    name, count = "clip_by_global_norm", len(case.grads)
    if result is None:
        fail(f"`{name}` returned None; return a list of the clipped arrays, one per gradient array.")
    if isinstance(result, np.ndarray) or not isinstance(result, (list, tuple)):
        fail(f"`{name}` returned {'a numpy array' if isinstance(result, np.ndarray) else f'a {type(result).__name__}'}; "
             f"return a list of arrays, one per gradient array it was given ({count} here).")
    if len(result) != count:
        fail(f"`{name}` returned {len(result)} array{'' if len(result) == 1 else 's'} for {count} gradient arrays; "
             "return one clipped array for each.")
    arrays = [as_numbers(item, name=name, what=f"array {i}", shape=np.shape(case.grads[i]), finite=False)
              for i, item in enumerate(result)]
    if not all(np.all(np.isfinite(a)) for a in arrays):
        if not any(np.any(g) for g in case.grads):
            fail(f"`{name}` returned NaN or infinite values for all-zero gradients: their global norm is 0, below "
                 "clipnorm, so return them unchanged instead of dividing by the norm.")
        fail(f"`{name}` returned NaN or infinite values for finite gradients ({case.label}).")
    return arrays


_SHAPES = [[(3,), (2, 2)], [(3,), (2, 2)], [(5,)], [(2, 3), (3,), (1,)]]
_CLIPNORMS = [1.0, 30.0, 0.5, 2.0]


def clip_by_global_norm(fn: Callable, *, seed: int = 0, shapes=None, clipnorms=None) -> None:
    """Check ``fn(grads, clipnorm) -> list of arrays`` against Keras's ``global_clipnorm``.

    ``shapes``: a list of groups, each a list of array shapes; ``clipnorms``: one threshold per group.
    """
    __tracebackhide__ = True
    for case in _cases(seed, shapes or _SHAPES, clipnorms or _CLIPNORMS):
        arrays = [np.asarray(a, dtype=float) for a in case.grads]
        before = [a.copy() for a in case.grads]
        result = call_learner(fn, "clip_by_global_norm", (case.grads, case.clipnorm), {})
        if len(case.grads) != len(before) or not all(np.array_equal(a, b) for a, b in zip(case.grads, before)):
            fail("`clip_by_global_norm` changed the gradients it was given in place (for example with `*=`); "
                 "return new arrays and leave `grads` as it was.")
        got = _as_arrays(result, case)
        expected = _keras_clipped(arrays, case.clipnorm)
        if not all(close(g, e) for g, e in zip(got, expected)):
            fail(_explain(got, expected, arrays, case))
