"""Pure drawing functions: each takes matplotlib axes (or a figure) and the data, nothing else.

Colours are the Okabe-Ito palette, which readers with the common colour-vision deficiencies can
tell apart.
"""
from __future__ import annotations

import numpy as np

from .landscapes import Landscape
from .runs import RunSummary, summarize

__all__ = ["COLORS", "plot_landscape", "plot_path", "plot_losses", "plot_run"]

COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000"]
_GRID = 120


def plot_landscape(ax, landscape: Landscape) -> None:
    """Draw the loss: a curve in 1-D, log-spaced contours in 2-D, with the minimum marked."""
    if landscape.dim == 1:
        (lo, hi), = landscape.bounds
        w = np.linspace(lo, hi, _GRID)
        ax.plot(w, landscape.value(w[:, None]), color="0.55", linewidth=1.5, label="loss")
        ax.set_xlabel("w")
        ax.set_ylabel("loss f(w)")
    else:
        (x_lo, x_hi), (y_lo, y_hi) = landscape.bounds
        x, y = np.meshgrid(np.linspace(x_lo, x_hi, _GRID), np.linspace(y_lo, y_hi, _GRID))
        z = landscape.value(np.stack([x, y], axis=-1))
        z = z - z.min() + 1e-3
        ax.contour(x, y, z, levels=np.geomspace(z.min() * 10, z.max(), 14), colors="0.7", linewidths=0.8)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
    if landscape.minimum is not None:
        point = landscape.minimum if landscape.dim == 2 else (landscape.minimum[0], 0.0)
        ax.plot(*point, marker="*", markersize=12, color="black", linestyle="none", label="minimum")
    ax.set_title(f"{landscape.name}: {landscape.formula}")


def plot_path(ax, landscape: Landscape, trajectory, *, label: str, color: str = COLORS[0]) -> None:
    """Draw the points an optimizer visited, start to end, clipped to the landscape's window."""
    trajectory = np.asarray(trajectory, dtype=float)
    if landscape.dim == 1:
        x, y = trajectory[:, 0], landscape.value(trajectory)
    else:
        x, y = trajectory[:, 0], trajectory[:, 1]
    ax.plot(x, y, marker="o", markersize=3, linewidth=1.2, color=color, label=label)
    ax.plot(x[:1], y[:1], marker="s", markersize=6, color=color, linestyle="none")
    (x_lo, x_hi), *rest = landscape.bounds
    ax.set_xlim(x_lo, x_hi)
    if rest:
        ax.set_ylim(*rest[0])
    else:
        ax.set_ylim(-0.05 * landscape.value(np.array([x_hi])), 1.05 * landscape.value(np.array([x_hi])))


def plot_losses(ax, losses_by_label: dict, *, title: str = "Loss per step") -> None:
    """Loss curves on a log axis, one line per entry of ``{label: losses}``."""
    for color, (label, losses) in zip(COLORS, losses_by_label.items()):
        losses = np.asarray(losses, dtype=float)
        shown = np.where(np.isfinite(losses) & (losses > 0), losses, np.nan)
        ax.semilogy(np.arange(len(losses)), shown, color=color, label=label)
    ax.set_xlabel("step")
    ax.set_ylabel("loss (log scale)")
    ax.set_title(title)
    if len(losses_by_label) > 1:
        ax.legend()


def plot_run(figure, landscape: Landscape, trajectory, *, learning_rate: float) -> RunSummary:
    """Two panels for one run: the path over the landscape and the loss per step.

    The figure's title says plainly whether the run converged or diverged, and at which step.
    """
    trajectory = np.asarray(trajectory, dtype=float)
    with np.errstate(all="ignore"):
        losses = landscape.value(trajectory)
    summary = summarize(losses)
    path_ax, loss_ax = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.4, 1]})
    plot_landscape(path_ax, landscape)
    plot_path(path_ax, landscape, trajectory, label=f"learning rate {learning_rate:.3g}")
    path_ax.legend(loc="upper right", fontsize=8)
    plot_losses(loss_ax, {f"learning rate {learning_rate:.3g}": losses})
    color = "#D55E00" if summary.status == "diverged" else "black"
    figure.suptitle(f"learning rate {learning_rate:.3g}, {len(trajectory) - 1} steps. {summary.describe()}",
                    color=color, fontsize=11)
    figure.tight_layout()
    return summary
