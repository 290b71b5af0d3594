"""Reading a run: did the loss converge, keep descending or blow up, and when."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..constants import SWEEP_DIVERGENCE_FACTOR, diverged

__all__ = ["RunSummary", "summarize", "SMOOTH", "OSCILLATING", "DIVERGED", "stability_grid", "effective_step_sizes",
           "train_minibatch", "learning_rate_sweep", "suggest_learning_rate", "minibatch_sgd_losses", "momentum_rate_map"]


class RunSummary(NamedTuple):
    """``status`` is ``"converged"``, ``"descending"`` or ``"diverged"``.

    ``step`` is the step at which the run diverged (the first step whose loss rose above the
    starting loss, or overflowed), else ``None``.
    """

    status: str
    step: int | None
    final_loss: float

    def describe(self) -> str:
        if self.status == "diverged":
            return f"Diverged at step {self.step}: the loss rose above its starting value and kept growing."
        if self.status == "converged":
            return f"Converged: final loss {self.final_loss:.2e}."
        return f"Still descending: final loss {self.final_loss:.2e}."


def summarize(losses, *, converged_fraction: float = 1e-6) -> RunSummary:
    """Classify a loss curve ``losses[0], losses[1], ...`` (``losses[0]`` is the start).

    A run *diverged* if its last loss is not finite or is above the starting loss; the step
    reported is the first one above the starting loss. It *converged* if the last loss is below
    ``converged_fraction`` times the starting loss (for losses whose minimum is 0).
    """
    losses = np.asarray(losses, dtype=float)
    start, final = losses[0], losses[-1]
    if diverged(start, final):
        return RunSummary("diverged", int(np.flatnonzero(diverged(start, losses))[0]), float(final))
    if abs(final) <= converged_fraction * abs(start):
        return RunSummary("converged", None, float(final))
    return RunSummary("descending", None, float(final))


SMOOTH, OSCILLATING, DIVERGED = 0, 1, 2


def stability_grid(step, *, curvature: float, learning_rates, momenta, num_steps: int = 100) -> np.ndarray:
    """Run a momentum-style ``step`` on ``f(w) = curvature · w² / 2`` for every (learning rate, momentum).

    Each run starts at ``w = 1`` at rest. Returns an int array of shape
    ``(len(momenta), len(learning_rates))``: ``DIVERGED`` if ``|w|`` ends no smaller than it
    started, ``OSCILLATING`` if it converges but crosses the minimum more than once, else
    ``SMOOTH``. The learner's function is called as in the checks: quietly, and any error becomes
    one plain sentence.
    """
    from ..learner_code.calling import run_learner
    from ..lesson.optim import MomentumState

    grid = np.empty((len(momenta), len(learning_rates)), dtype=int)
    for i, momentum in enumerate(momenta):
        for j, learning_rate in enumerate(learning_rates):
            w, state, path = np.array([1.0]), MomentumState(np.zeros(1)), [1.0]
            for _ in range(num_steps):
                w, state = run_learner(step, getattr(step, "__name__", "step"), (w, curvature * w, state),
                                       {"learning_rate": float(learning_rate), "momentum": float(momentum)}, shape=None)
                w = np.asarray(w, dtype=float)
                path.append(float(w[0]))
                if not abs(path[-1]) < 1e6:
                    break
            path = np.array(path)
            crossings = np.count_nonzero(np.diff(np.sign(path[path != 0])))
            grid[i, j] = DIVERGED if not abs(path[-1]) < 1.0 else OSCILLATING if crossings > 1 else SMOOTH
    return grid


def effective_step_sizes(states, field: str, *, learning_rate: float, epsilon: float) -> np.ndarray:
    """``learning_rate / sqrt(state.field + epsilon)`` for each state of a run: one row per step.

    This is how far an adaptive optimizer moves a parameter per unit of gradient; for plain
    gradient descent it would be ``learning_rate`` throughout.
    """
    return np.array([learning_rate / np.sqrt(np.asarray(getattr(state, field), dtype=float) + epsilon) for state in states])


def train_minibatch(step, init, data, *, learning_rate: float, epochs: int = 3, batch_size: int = 32, seed: int = 0,
                    schedule=None, **hyperparameters) -> tuple[np.ndarray, np.ndarray]:
    """Mini-batch training of the linear regression model with an update rule; the loss on all data after each step.

    ``schedule(step)``, if given, multiplies ``learning_rate`` at each step (step 0 first, as in Keras).
    Returns the final parameters and the loss curve (starting loss first). Stops early once the
    loss is not finite.
    """
    from ..lesson.datasets import mse_gradient, mse_loss

    rng = np.random.default_rng(seed)
    params = np.zeros(data.X.shape[1] + 1)
    state, losses, step_count = init(params), [float(mse_loss(params, data.X, data.y))], 0
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            order = rng.permutation(len(data.y))
            for start in range(0, len(order), batch_size):
                batch = order[start:start + batch_size]
                rate = learning_rate * (schedule(step_count) if schedule else 1.0)
                params, state = step(params, mse_gradient(params, data.X[batch], data.y[batch]), state,
                                     learning_rate=float(rate), **hyperparameters)
                losses.append(float(mse_loss(params, data.X, data.y)))
                step_count += 1
                if not np.isfinite(losses[-1]):
                    return params, np.array(losses)
    return params, np.array(losses)


def learning_rate_sweep(step, init, data, learning_rates, **options) -> np.ndarray:
    """Final loss on all data for each learning rate (``inf`` where the run diverged)."""
    finals = []
    for rate in learning_rates:
        _, losses = train_minibatch(step, init, data, learning_rate=float(rate), **options)
        finals.append(np.inf if diverged(losses[0], losses[-1], factor=SWEEP_DIVERGENCE_FACTOR) else losses[-1])
    return np.array(finals)


def suggest_learning_rate(learning_rates, losses, *, factor: float = 10.0) -> float:
    """The usual reading of a range test: the rate where the loss was lowest, divided by ``factor``."""
    losses = np.where(np.isfinite(losses), losses, np.inf)
    return float(np.asarray(learning_rates)[int(np.argmin(losses))] / factor)


def minibatch_sgd_losses(X, y, learning_rates, *, batch_size: int, epochs: int, seed: int = 0,
                         sampling: str = "shuffle") -> np.ndarray:
    """Mini-batch SGD on the linear model (MSE, from zero), one run per learning rate, all at once.

    Every run sees the same batches. ``sampling="shuffle"`` cuts a fresh ``rng.permutation`` into
    batches each epoch (the smaller last batch kept), exactly as the course's ``minibatch_indices``
    and ``sgd_epoch`` do; ``"replace"`` draws every batch independently, with replacement. Returns
    the loss on all the data before the first step and after every step, shape
    ``(len(learning_rates), num_steps + 1)``; a run that overflows shows ``inf`` or ``nan`` from then on.
    """
    if sampling not in ("shuffle", "replace"):
        raise ValueError(f"sampling must be 'shuffle' or 'replace', got {sampling!r}")
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    rates = np.asarray(learning_rates, dtype=float)[:, None]
    num_examples = len(y)
    rng = np.random.default_rng(seed)
    weights, bias = np.zeros((len(rates), X.shape[1])), np.zeros((len(rates), 1))
    losses = [np.mean((weights @ X.T + bias - y) ** 2, axis=1)]
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            if sampling == "shuffle":
                order = rng.permutation(num_examples)
                batches = [order[start:start + batch_size] for start in range(0, num_examples, batch_size)]
            else:
                batches = [rng.integers(0, num_examples, batch_size) for _ in range(-(-num_examples // batch_size))]
            for batch in batches:
                residual = weights @ X[batch].T + bias - y[batch]           # (runs, batch)
                weights = weights - rates * (2 * residual @ X[batch] / len(batch))
                bias = bias - rates * (2 * residual.mean(axis=1, keepdims=True))
                losses.append(np.mean((weights @ X.T + bias - y) ** 2, axis=1))
    return np.array(losses).T


def momentum_rate_map(curvatures, learning_rates, momenta, *, num_steps: int = 1000) -> np.ndarray:
    """Measured contraction per step of momentum (Keras form) on the quadratic ``Σ_i curvature_i w_i² / 2``.

    One run per (momentum, learning rate), all at once, from ``w = 1`` in every direction at rest.
    The contraction is the geometric mean, over the second half of the run, of the factor by which
    the whole state (parameters and velocity) shrinks per step, so the start-up transient is left out;
    for long runs it tends to the spectral radius of the update. (The state is rescaled after every
    step, which changes nothing in a linear update but keeps fast and diverging runs finite.) Shape
    ``(len(momenta), len(learning_rates))``; ``nan`` where the run diverged (contraction ≥ 1).
    """
    curvatures = np.asarray(curvatures, dtype=float)
    rates = np.asarray(learning_rates, dtype=float)[None, :, None]
    mus = np.asarray(momenta, dtype=float)[:, None, None]
    w = np.ones((mus.shape[0], rates.shape[1], len(curvatures)))
    velocity = np.zeros_like(w)
    half = num_steps // 2
    log_shrink = np.zeros(w.shape[:2])
    for step in range(1, 2 * half + 1):
        velocity = mus * velocity - rates * (curvatures * w)
        w = w + velocity
        size = np.maximum(np.sqrt((w**2).sum(-1) + (velocity**2).sum(-1)), 1e-300)[..., None]
        w, velocity = w / size, velocity / size
        if step > half:
            log_shrink += np.log(size[..., 0])
    rate = np.exp(log_shrink / half)
    return np.where(rate < 1.0, rate, np.nan)
