"""Reading a run: did the loss converge, keep descending or blow up, and when."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["RunSummary", "summarize"]


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
