"""Drawing: pure functions that draw on given axes, and ``RunView``, the fast picture behind sliders.

Colours are the Okabe-Ito palette, which readers with the common colour-vision deficiencies can
tell apart.
"""
from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image

from .landscapes import Landscape
from .runs import RunSummary, summarize

__all__ = ["COLORS", "plot_landscape", "RunView"]

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


class RunView:
    """A fast, reusable picture of one run, for sliders: path panel and relative-loss panel.

    Everything that does not change between runs (landscape, axes, ticks, legend) is drawn once
    and kept as a bitmap; an update draws only the path, the loss curve and the title on top of
    it. The loss is shown relative to its starting value on a fixed log axis, so the axes never
    move and the picture can be reused.
    """

    LOSS_RANGE = (1e-12, 1e6)

    def __init__(self, landscape: Landscape, num_steps: int, *, figsize=(10, 4), dpi: int = 80):
        self.landscape = landscape
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        path_ax, loss_ax = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.4, 1]})
        plot_landscape(path_ax, landscape)
        (x_lo, x_hi), *rest = landscape.bounds
        path_ax.set_xlim(x_lo, x_hi)
        if rest:
            path_ax.set_ylim(*rest[0])
        else:
            top = float(landscape.value(np.array([x_hi])))
            path_ax.set_ylim(-0.05 * top, 1.05 * top)
        self.path, = path_ax.plot([], [], marker="o", markersize=3, linewidth=1.2, color=COLORS[0], animated=True)
        self.start, = path_ax.plot([], [], marker="s", markersize=6, color=COLORS[0], linestyle="none", animated=True)
        handles, labels = path_ax.get_legend_handles_labels()
        path_ax.legend(handles + [Line2D([], [], marker="o", color=COLORS[0])], labels + ["optimizer path"],
                       loc="upper right", fontsize=8)
        self.loss, = loss_ax.semilogy([], [], color=COLORS[0], animated=True)
        loss_ax.set_xlim(0, num_steps)
        loss_ax.set_ylim(*self.LOSS_RANGE)
        loss_ax.axhline(1.0, color="0.6", linewidth=0.8, linestyle="--")
        loss_ax.set_xlabel("step")
        loss_ax.set_ylabel("loss ÷ starting loss (log scale)")
        loss_ax.set_title("Loss per step")
        self.title = self.figure.suptitle(" ", fontsize=11, animated=True)
        self.message = self.figure.text(0.5, 0.5, "", ha="center", va="center", wrap=True, color=COLORS[4],
                                        animated=True, bbox={"facecolor": "white", "edgecolor": COLORS[4]})
        self.figure.tight_layout(rect=(0, 0, 1, 0.93))
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)

    def update(self, trajectory, *, learning_rate: float) -> RunSummary:
        """Show a new run; return its summary."""
        trajectory = np.asarray(trajectory, dtype=float)
        with np.errstate(all="ignore"):
            losses = self.landscape.value(trajectory)
            relative = losses / losses[0]
        summary = summarize(losses)
        x = trajectory[:, 0]
        y = losses if self.landscape.dim == 1 else trajectory[:, 1]
        self.path.set_data(x, y)
        self.start.set_data(x[:1], y[:1])
        self.loss.set_data(np.arange(len(losses)), np.where(relative > 0, relative, np.nan))
        self.title.set_text(f"learning rate {learning_rate:.3g}, {len(trajectory) - 1} steps. {summary.describe()}")
        self.title.set_color(COLORS[4] if summary.status == "diverged" else "black")
        self.message.set_text("")
        self._blit(self.path, self.start, self.loss, self.title)
        return summary

    def show_message(self, text: str) -> None:
        """Show a problem (for example, the learner's function failed) instead of a run."""
        self.message.set_text(text)
        self.title.set_text("")
        self._blit(self.message)

    def _blit(self, *artists) -> None:
        self.canvas.restore_region(self.background)
        for artist in artists:
            self.figure.draw_artist(artist)

    def png(self) -> bytes:
        """The current picture as PNG bytes (fast compression: it is redrawn often)."""
        buffer = io.BytesIO()
        Image.fromarray(np.asarray(self.canvas.buffer_rgba())).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()
