"""Checks of the learner's functions, used by the notebooks' graded test cells.

Each public check calls the learner's function on deterministic cases, compares the result with
an independent oracle, and on failure raises ``feedback.CheckFailed`` (an ``AssertionError``) with one plain sentence that names
the likely mistake; the learner sees that sentence, not a traceback (see ``feedback``).

Learner code is run with warnings silenced and stderr captured: nbgrader scores any stderr output
in a test cell as zero, and a RuntimeWarning from a diverging run must not cost a correct answer.
"""
from __future__ import annotations

import copy
import functools
from typing import Callable, Iterable, NamedTuple

import numpy as np

from ..constants import RULE_ATOL, RULE_RTOL
from ..learner_code.calling import call_learner as _call
from ..learner_code.calling import close as _close
from ..learner_code.calling import concealed, describe, run_learner
from ..learner_code.feedback import fail
from ..lesson.landscapes import scaled_bowl
from ..lesson.optim import GDState
from .results import as_numbers as _as_array

__all__ = ["gd_step", "gd_trajectory", "minibatch_indices", "sgd_epoch", "momentum_step", "nesterov_step",
           "adagrad_init", "adagrad_step", "rmsprop_step", "adam_init", "adam_step", "exponential_decay",
           "cosine_decay", "cosine_decay_restarts", "lr_range_test", "optimizer_state_size", "fresh_optimizer",
           "fit_with_rule", "keras_range_test", "budget_choice", "run_learner", "adamw_step", "clip_by_global_norm"]

def compares_with_keras(name: str) -> bool:
    """Whether the check ``name`` loads TensorFlow (its oracle is Keras).

    Those are the checks kept in this package's other modules, but for the few there that compare
    with fixed values (``WITHOUT_KERAS``); the numpy-only checks of Modules 1 and 2 live here. The
    referee starts loading TensorFlow early for a notebook that uses one (unless the release recorded
    its answers: grading/keras_record.py).
    """
    check = globals().get(name)
    module = getattr(check, "__module__", "")
    return callable(check) and module.startswith(f"{__package__}.") and module != __name__ and name not in WITHOUT_KERAS


# Compared with the values a new Keras optimizer starts from (zero moments and t = 0; the initial accumulator),
# not with a Keras optimizer built at check time (tests/test_keras_record.py checks those values against Keras).
WITHOUT_KERAS = ("adam_init", "adagrad_init")


# Checks whose oracle runs can be worked out before the check runs (grading/oracles.py): the runs of the
# first group do not depend on what the check is given (a learner's function, which they call); those of
# the second depend on the learner's value itself (plain data), so they can start once it is known.
_ORACLES_WITHOUT_THE_ANSWER = {"fit_with_rule": "fit_with_rule_oracles", "keras_range_test": "keras_range_test_oracles"}
_ORACLES_OF_THE_ANSWER = {"budget_choice": "budget_choice_oracles"}


def oracle_runs(name: str, options: dict, *, answer=None, answer_known: bool = False) -> Callable[[], None] | None:
    """A task that computes (and remembers) the oracle runs ``checks.<name>(x, **options)`` will compare
    with, or None when there are none to compute ahead (or they depend on ``x`` and it is not known yet).

    ``answer``: ``x`` as plain data (``answer_known``), for a check that judges a value. The task never
    calls learner code; the check itself stays as it is, and reuses the runs (grading/oracles.py).
    """
    from . import training_checks

    if name in _ORACLES_WITHOUT_THE_ANSWER:
        work = getattr(training_checks, _ORACLES_WITHOUT_THE_ANSWER[name])
        return functools.partial(work, **options)
    if name in _ORACLES_OF_THE_ANSWER and answer_known:
        work = getattr(training_checks, _ORACLES_OF_THE_ANSWER[name])
        return functools.partial(work, copy.deepcopy(answer), **options)
    return None


class _Mistake(NamedTuple):
    """A known wrong variant: its output for the same inputs, and what to tell the learner."""

    output: np.ndarray
    message: str


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
        case = describe(f"params of shape {params.shape} ({params.dtype}), learning_rate={learning_rate}")
        result = _call(fn, "gd_step", (params, grads, GDState()), {"learning_rate": learning_rate})
        if not isinstance(result, tuple) or len(result) != 2:
            got = "None" if result is None else f"a {type(result).__name__}"
            if isinstance(result, tuple):
                got = f"a tuple of {len(result)} items"
            fail(f"`gd_step` returned {got}; it should return a pair `(new_params, state)`.")
        new_params, state = result
        if not isinstance(state, GDState):
            fail(f"`gd_step` returned a state of type {type(state).__name__}; return the `state` it was given (a GDState).")
        if not np.array_equal(params, params_before):
            fail("`gd_step` changed its input arrays in place (for example with `-=`); "
                  "compute and return a new array so the caller's parameters stay as they were.")
        if not np.array_equal(grads, grads_before):
            fail("`gd_step` changed the gradients it was given; leave `grads` as it is and return new parameters.")
        got = _as_array(new_params, name="gd_step", what="the new parameters", shape=params.shape)
        p, g = params.astype(float), grads.astype(float)
        expected = p - learning_rate * g
        if not _close(got, expected):
            mistakes = [
                _Mistake(p + learning_rate * g, "the step goes uphill; subtract the gradient instead of adding it"),
                _Mistake(p - g, "`learning_rate` is not used; the step should be learning_rate × gradient"),
                _Mistake(-learning_rate * g, "it returns the step itself; return params minus the step"),
                _Mistake(p - learning_rate * p, "it multiplies the parameters, not the gradient, by the learning rate"),
                _Mistake(p, "it returns the parameters unchanged; return params − learning_rate × gradient"),
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
        case = describe(f"learning_rate={learning_rate}, num_steps={num_steps}")
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
        if rows == num_steps and num_steps > 0 and _close(_as_array(result, name="gd_trajectory", what="the trajectory",
                                                                  shape=expected[1:].shape)[0], w0_before):
            fail(f"`gd_trajectory` returned {rows} points for {num_steps} steps, starting at w0: it takes one step too "
                 f"few; take num_steps steps, so there are num_steps + 1 rows ({case}).")
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
        row = int(np.argmax(np.any(~np.isclose(got, expected, rtol=RULE_RTOL, atol=RULE_ATOL), axis=1)))
        fail(f"`gd_trajectory` goes wrong at row {row} ({case}): it gives {np.round(got[row], 6)} "
              f"where {np.round(expected[row], 6)} is expected. Does it call gd_step with the gradient at the current point?")


# ---------------------------------------------------------------- Module 2: mini-batches

def _batches_of(fn: Callable, num_examples: int, batch_size: int, rng) -> list[np.ndarray]:
    __tracebackhide__ = True
    result = _call(fn, "minibatch_indices", (num_examples, batch_size, rng), {})
    if result is None:
        fail("`minibatch_indices` returned None; return a list of index arrays, one per batch.")
    try:
        batches = [np.asarray(batch) for batch in result]
    except TypeError:
        fail(f"`minibatch_indices` returned a {type(result).__name__}; return a list of index arrays, one per batch.")
    for batch in batches:
        if batch.ndim != 1 or (batch.size and not np.issubdtype(batch.dtype, np.integer)):
            fail("`minibatch_indices` should give 1-D arrays of integer indices (such as the output of "
                 f"rng.permutation); one batch was {batch.dtype} with shape {batch.shape}.")
    return batches


def _orders_equal(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def minibatch_indices(fn: Callable, *, sizes=((10, 3), (100, 32), (64, 16), (7, 7), (5, 8), (1000, 1))) -> None:
    """Check ``fn(num_examples, batch_size, rng)``: one epoch of shuffled, seeded index batches."""
    __tracebackhide__ = True
    for num_examples, batch_size in sizes:
        case = describe(f"num_examples={num_examples}, batch_size={batch_size}")
        batches = _batches_of(fn, num_examples, batch_size, np.random.default_rng(3))
        seen = np.concatenate(batches) if batches else np.array([], dtype=int)
        if seen.size and (seen.min() < 0 or seen.max() >= num_examples):
            fail(f"`minibatch_indices` gave index {seen.max() if seen.max() >= num_examples else seen.min()}, "
                 f"outside 0 … {num_examples - 1} ({case}).")
        counts = np.bincount(seen.astype(int), minlength=num_examples)
        if counts.max(initial=0) > 1:
            fail(f"`minibatch_indices`: some examples appear twice in one epoch ({case}); an epoch uses every "
                 "example exactly once, so shuffle a permutation rather than sampling with replacement.")
        missing = int((counts == 0).sum())
        if missing:
            hint = ("it drops the last, smaller batch; keep it" if missing == num_examples % batch_size
                    else "every example must appear once per epoch")
            of = describe(f" of {num_examples}", hidden="")
            fail(f"`minibatch_indices` leaves out {missing}{of} examples ({case}): {hint}.")
        expected = [batch_size] * (num_examples // batch_size) + ([num_examples % batch_size] if num_examples % batch_size else [])
        if [len(b) for b in batches] != expected:
            fail(f"`minibatch_indices` gives batches of sizes {[len(b) for b in batches][:6]}… ({case}); "
                 f"every batch should hold batch_size examples except the last, which holds the remainder.")
    n = 100
    epoch = _batches_of(fn, n, 10, np.random.default_rng(3))
    if np.array_equal(np.concatenate(epoch), np.arange(n)):
        fail("`minibatch_indices` keeps the examples in their original order: shuffle them each epoch.")
    if all(np.array_equal(np.sort(batch), np.arange(batch.min(), batch.min() + len(batch))) for batch in epoch if len(batch)):
        fail("`minibatch_indices` keeps neighbouring examples together: every batch holds consecutive examples "
             "(only the order within or of the batches is shuffled). Shuffle all the examples, then split them into batches.")
    saved = np.random.get_state()
    try:
        np.random.seed(1)
        first = _batches_of(fn, n, 10, np.random.default_rng(11))
        np.random.seed(2)
        second = _batches_of(fn, n, 10, np.random.default_rng(11))
    finally:
        np.random.set_state(saved)
    if not _orders_equal(first, second):
        fail("`minibatch_indices` gives different batches for two generators with the same seed: draw the "
             "shuffle from the `rng` argument (rng.permutation), not from np.random.")
    if _orders_equal(first, _batches_of(fn, n, 10, np.random.default_rng(12))):
        fail("`minibatch_indices` gives the same batches whatever generator it is given: use the `rng` argument.")
    rng = np.random.default_rng(5)
    if _orders_equal(_batches_of(fn, n, 10, rng), _batches_of(fn, n, 10, rng)):
        fail("`minibatch_indices` gives the same order in two epochs from one generator: draw a fresh "
             "permutation from `rng` on every call instead of making a new generator with a fixed seed.")


def _sgd_epoch_cases(seed: int):
    from ..lesson.datasets import regression_data

    rng = np.random.default_rng(seed)
    for num_examples, num_features, batch_size, learning_rate in ((50, 3, 8, 0.3), (21, 2, 5, 0.05), (12, 4, 12, 0.7)):
        data = regression_data(num_examples, num_features, seed=seed)
        order = rng.permutation(num_examples)
        batches = [order[i:i + batch_size] for i in range(0, num_examples, batch_size)]
        yield data.X, data.y, rng.normal(size=num_features + 1), batches, learning_rate


def _sgd_epoch_variants(params, X, y, batches, learning_rate):
    """The correct epoch, then known mistakes, each as (params after, batch losses)."""
    from ..lesson.datasets import mse_gradient, mse_loss

    def run(gradient_at, loss_at, rate=learning_rate, sign=-1.0):
        w, losses = params.astype(float), []
        for k, batch in enumerate(batches):
            losses.append(loss_at(w, batch, k))
            w = w + sign * rate * gradient_at(w, batch, k)
        return w, np.array(losses)

    def run_measuring_after():
        w, losses = params.astype(float), []
        for batch in batches:
            w = w - learning_rate * mse_gradient(w, X[batch], y[batch])
            losses.append(mse_loss(w, X[batch], y[batch]))
        return w, np.array(losses)

    on_batch = lambda w, b, k: mse_gradient(w, X[b], y[b])  # noqa: E731
    batch_loss = lambda w, b, k: mse_loss(w, X[b], y[b])  # noqa: E731
    correct = run(on_batch, batch_loss)
    mistakes = [
        (run(lambda w, b, k: mse_gradient(w, X, y), batch_loss), "every step uses the gradient of all the data; use only the batch's examples, X[batch] and y[batch]"),
        (run(lambda w, b, k: mse_gradient(w, X[batches[0]], y[batches[0]]), batch_loss), "every step uses the first batch; loop over all the batches"),
        (run(lambda w, b, k: mse_gradient(params, X[b], y[b]), batch_loss), "the gradient is taken at the starting parameters every time; recompute it at the current parameters"),
        (run(on_batch, lambda w, b, k: mse_loss(w, X, y)), "the losses are measured on all the data; record the batch's loss, as Keras does"),
        (run_measuring_after(), "each loss is measured after the step on its batch; record it before, at the parameters the step starts from"),
        (run(on_batch, batch_loss, sign=1.0), "the steps go uphill; subtract learning_rate × gradient"),
        (run(on_batch, batch_loss, rate=1.0), "`learning_rate` is not used"),
    ]
    return correct, mistakes


def sgd_epoch(fn: Callable, *, seed: int = 0) -> None:
    """Check ``fn(params, X, y, batches, *, learning_rate) -> (new_params, batch_losses)``."""
    __tracebackhide__ = True
    for X, y, params, batches, learning_rate in _sgd_epoch_cases(seed):
        case = describe(f"{len(y)} examples in {len(batches)} batches, learning_rate={learning_rate}")
        before, data_before, batches_before = params.copy(), (X.copy(), y.copy()), [b.copy() for b in batches]
        result = _call(fn, "sgd_epoch", (params, X, y, batches), {"learning_rate": learning_rate})
        if not np.array_equal(params, before):
            fail("`sgd_epoch` changed `params` in place; work on a copy and return the new parameters.")
        if not (np.array_equal(X, data_before[0]) and np.array_equal(y, data_before[1])
                and _orders_equal(batches, batches_before)):
            fail("`sgd_epoch` changed the data it was given (X, y or the batches); read them, and change only a copy of the parameters.")
        if not isinstance(result, tuple) or len(result) != 2:
            fail("`sgd_epoch` should return a pair `(new_params, losses)`.")
        (expected_params, expected_losses), mistakes = _sgd_epoch_variants(params, X, y, batches, learning_rate)
        got_params = _as_array(result[0], name="sgd_epoch", what="the new parameters", shape=params.shape)
        got_losses = _as_array(result[1], name="sgd_epoch", what="the losses", shape=(len(batches),))
        if _close(got_params, expected_params) and _close(got_losses, expected_losses):
            continue
        for (mistake_params, mistake_losses), message in mistakes:
            if _close(got_params, mistake_params) and _close(got_losses, mistake_losses):
                fail(f"`sgd_epoch`: {message} (case: {case}).")
        off = [not _close(a, b) for a, b in zip(got_losses, expected_losses)]
        if _close(got_params, expected_params):
            fail(f"`sgd_epoch` ends at the right parameters, but the loss of {describe(f'batch {off.index(True) + 1}', hidden='a batch')} is off ({case}): "
                 "record each batch's mean squared error at the parameters its step starts from.")
        if off[0]:
            fail(f"`sgd_epoch` is off from the first batch ({case}): its loss there should be the mean squared error of "
                 "X[batch], y[batch] at the starting parameters.")
        # The loss of batch k is measured where the step on batch k − 1 ended: the first loss that
        # differs tells which step went wrong.
        wrong_step = off.index(True) if any(off) else len(batches)
        which = describe(f"batch {wrong_step} of {len(batches)}", hidden="one of the batches")  # the count would tell the case
        fail(f"`sgd_epoch` goes wrong at the step on {which} ({case}): the losses agree "
             f"{'up to that batch' if wrong_step > 1 else 'on the first batch'}, the parameters after it differ "
             f"(at the end it gives {np.round(got_params, 5)}, expected {np.round(expected_params, 5)}).")


from .keras_checks import fresh_optimizer, optimizer_state_size  # noqa: E402  (Module 7's Keras exercises)
from .rule_checks import adagrad_init, adagrad_step, adam_init, adam_step, momentum_step, nesterov_step, rmsprop_step  # noqa: E402  (optimizer rules, checked against Keras)
from .schedule_checks import cosine_decay, cosine_decay_restarts, exponential_decay, lr_range_test  # noqa: E402  (schedules against keras.optimizers.schedules; the range test)
from .training_checks import budget_choice, fit_with_rule, keras_range_test  # noqa: E402  (Module 7: a training loop against model.fit; a choice under a budget)


def _hidden_when_given_cases(check: Callable) -> Callable:
    """A check called with cases of its own is a hidden test: its messages keep those cases to itself."""
    @functools.wraps(check)
    def run(fn, **options):
        __tracebackhide__ = True
        if not set(options) - {"init"}:  # the visible test: the check's own cases
            return check(fn, **options)
        with concealed():
            return check(fn, **options)
    return run


gd_step = _hidden_when_given_cases(gd_step)
gd_trajectory = _hidden_when_given_cases(gd_trajectory)
minibatch_indices = _hidden_when_given_cases(minibatch_indices)
sgd_epoch = _hidden_when_given_cases(sgd_epoch)
momentum_step = _hidden_when_given_cases(momentum_step)
nesterov_step = _hidden_when_given_cases(nesterov_step)
adagrad_step = _hidden_when_given_cases(adagrad_step)
rmsprop_step = _hidden_when_given_cases(rmsprop_step)
adam_step = _hidden_when_given_cases(adam_step)
exponential_decay = _hidden_when_given_cases(exponential_decay)
cosine_decay = _hidden_when_given_cases(cosine_decay)
cosine_decay_restarts = _hidden_when_given_cases(cosine_decay_restarts)
fit_with_rule = _hidden_when_given_cases(fit_with_rule)
keras_range_test = _hidden_when_given_cases(keras_range_test)
budget_choice = _hidden_when_given_cases(budget_choice)


from .clip_checks import clip_by_global_norm  # noqa: E402  (Module 6's clipping, against Keras's global_clipnorm)
from .rule_checks import adamw_step  # noqa: E402  (Module 5's AdamW, against tf.keras.optimizers.AdamW)

adamw_step = _hidden_when_given_cases(adamw_step)
clip_by_global_norm = _hidden_when_given_cases(clip_by_global_norm)
