"""Reading a run: did the loss converge, keep descending or blow up, and when."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["RunSummary", "summarize", "SMOOTH", "OSCILLATING", "DIVERGED", "stability_grid", "effective_step_sizes"]


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
    if not np.isfinite(final) or final > start:
        above = np.flatnonzero(~np.isfinite(losses) | (losses > start))
        return RunSummary("diverged", int(above[0]), float(final))
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
    from .checks import run_learner
    from .optim import MomentumState

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
