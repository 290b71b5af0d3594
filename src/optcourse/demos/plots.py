"""Drawing: pure functions that draw on given axes, and ``RunView``, the fast picture behind sliders.

Colours are the Okabe-Ito palette, which readers with the common colour-vision deficiencies can
tell apart.
"""
from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import NullFormatter
from PIL import Image

from ..lesson.landscapes import Landscape
from .runs import RunSummary, summarize

__all__ = ["COLORS", "plot_landscape", "plot_stability_map", "plot_effective_steps", "plot_paths", "plot_rate_map",
           "plot_learning_rate_band", "plot_gradient_spread", "plot_noise_floor", "plot_loss_curves",
           "RunView", "MomentView", "ScheduleView", "CurveView"]

COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000"]
_GRID = 120


def plot_landscape(ax, landscape: Landscape) -> None:
    """Draw the loss: a curve in 1-D, log-spaced contours in 2-D, with the minimum marked."""
    if landscape.dim == 1:
        (lo, hi), = landscape.bounds
        w = np.linspace(lo, hi, _GRID)
        ax.plot(w, landscape.value(w[:, None]), color="0.55", linewidth=1.5, label="loss")
        ax.set_xlabel(landscape.axis_labels[0])
        ax.set_ylabel(f"loss f({landscape.axis_labels[0]})")
    else:
        (x_lo, x_hi), (y_lo, y_hi) = landscape.bounds
        x, y = np.meshgrid(np.linspace(x_lo, x_hi, _GRID), np.linspace(y_lo, y_hi, _GRID))
        z = landscape.value(np.stack([x, y], axis=-1))
        z = z - z.min() + 1e-3
        ax.contour(x, y, z, levels=np.geomspace(z.min() * 10, z.max(), 14), colors="0.7", linewidths=0.8)
        ax.set_xlabel(landscape.axis_labels[0])
        ax.set_ylabel(landscape.axis_labels[1])
    if landscape.minimum is not None:
        point = landscape.minimum if landscape.dim == 2 else (landscape.minimum[0], 0.0)
        ax.plot(*point, marker="*", markersize=12, color="black", linestyle="none", label="minimum")
    ax.set_title(f"{landscape.name}: {landscape.formula}")


def plot_stability_map(ax, grid, learning_rates, momenta, *, curvature: float) -> None:
    """Colour a ``runs.stability_grid`` and draw the boundaries theory predicts for classic momentum.

    On ``f(w) = a w²/2`` momentum is smooth while ``η a ≤ (1 − √μ)²``, oscillates beyond that, and
    diverges once ``η a ≥ 2 (1 + μ)``.
    """
    colors = ["#009E73", "#E69F00", "#D55E00"]
    ax.pcolormesh(learning_rates, momenta, grid, cmap=ListedColormap(colors), vmin=-0.5, vmax=2.5, shading="nearest")
    mu = np.linspace(0, max(momenta), 200)
    ax.plot(2 * (1 + mu) / curvature, mu, color="black", linewidth=2, label="theory: divergence, η = 2(1 + μ)/a")
    ax.plot((1 - np.sqrt(mu)) ** 2 / curvature, mu, color="black", linestyle="--", linewidth=1.5,
            label="theory: oscillation starts, η = (1 − √μ)²/a")
    ax.set_xscale("log")
    ax.set_xlim(min(learning_rates), max(learning_rates))
    ax.set_ylim(min(momenta), max(momenta))
    ax.set_xlabel("learning rate η (log scale)")
    ax.set_ylabel("momentum μ")
    ax.set_title(f"Momentum on f(w) = {curvature:g} w²/2: how each (η, μ) run ends")
    patches = [Patch(color=c, label=name) for c, name in zip(colors, ["converges smoothly", "oscillates, converges", "diverges"])]
    ax.legend(handles=patches + ax.get_legend_handles_labels()[0], loc="lower left", fontsize=8, framealpha=0.9)


def plot_effective_steps(ax, steps_by_label: dict, *, parameter: int, title: str) -> None:
    """Per-parameter effective step size ``η / sqrt(state + ε)`` over time, one line per optimizer."""
    for color, (label, steps) in zip(COLORS, steps_by_label.items()):
        ax.semilogy(np.arange(len(steps)), np.asarray(steps)[:, parameter], color=color, label=label)
    ax.set_xlabel("step")
    ax.set_ylabel("effective step size (log scale)")
    ax.set_title(title)
    ax.legend(fontsize=8)


def plot_paths(ax, landscape: Landscape, paths: dict, *, title: str | None = None) -> None:
    """Optimizer paths (label → array of points, shape (steps + 1, 2)) over the landscape's contours."""
    plot_landscape(ax, landscape)
    for color, (label, path) in zip(COLORS, paths.items()):
        path = np.asarray(path, dtype=float)
        ax.plot(path[:, 0], path[:, 1], marker="o", markersize=2.5, linewidth=1.2, color=color, label=label)
    (x_lo, x_hi), (y_lo, y_hi) = landscape.bounds
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8, loc="upper right")


def plot_rate_map(ax, rates, learning_rates, momenta, *, marks: dict | None = None, title: str) -> None:
    """Colour each (η, μ) by its contraction per step (``runs.momentum_rate_map``); diverged runs grey.

    ``marks`` maps a label to an (η, μ) point to mark, e.g. the theoretical optimum.
    """
    rates = np.ma.masked_invalid(np.asarray(rates, dtype=float))
    ax.set_facecolor("0.8")
    mesh = ax.pcolormesh(learning_rates, momenta, rates, cmap="cividis_r", vmin=max(0.0, float(rates.min()) - 0.02), vmax=1.0,
                         shading="nearest")
    ax.figure.colorbar(mesh, ax=ax, label="contraction per step (lower is faster)")
    for (label, (eta, mu)), marker in zip((marks or {}).items(), ["*", "o", "s", "D"]):
        ax.plot(eta, mu, marker=marker, markersize=12 if marker == "*" else 8, color=COLORS[4], markeredgecolor="white",
                linestyle="none", label=label)
    ax.set_xscale("log")
    ax.set_xlabel("learning rate η (log scale)")
    ax.set_ylabel("momentum μ")
    ax.set_title(title)
    handles = [Patch(color="0.8", label="diverges")] + ax.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="upper left", fontsize=8, framealpha=0.9)


def plot_learning_rate_band(ax, learning_rates, final_losses: dict, *, limits: dict, good: float, title: str) -> None:
    """Final loss against learning rate, one line per label; the line ``good`` marks what counts as trained,
    and a dotted vertical line per label its stability limit (``limits``: label → 2/a_max).

    Losses more than 10 times the largest loss at the smallest rate are runs that blew up: they are
    left out, so that the axis shows the losses that matter.
    """
    ceiling = 10 * max(float(np.asarray(losses, dtype=float)[0]) for losses in final_losses.values())
    for color, (label, losses) in zip(COLORS, final_losses.items()):
        losses = np.asarray(losses, dtype=float)
        shown = np.where(np.isfinite(losses) & (losses <= ceiling), losses, np.nan)
        ax.loglog(learning_rates, shown, marker="o", markersize=3, color=color, label=label)
        if label in limits:
            ax.axvline(limits[label], color=color, linestyle=":", linewidth=1.2, label=f"{label}: 2/a_max = {limits[label]:.2g}")
    ax.axhline(good, color="0.4", linestyle="--", linewidth=1, label=f"trained: loss ≤ {good:.3g}")
    ax.set_xlabel("learning rate η (log scale; missing points: the run blew up)")
    ax.set_ylabel("loss on all data at the end (log scale)")
    ax.set_title(title)
    ax.legend(fontsize=8)


def plot_gradient_spread(ax, batch_sizes, spread, *, num_examples: int, title: str) -> None:
    """Measured spread of the mini-batch gradient against batch size, with the 1/√B law through B = 1
    and the same law corrected for drawing without replacement, √((n − B)/(B (n − 1)))."""
    batch_sizes, spread = np.asarray(batch_sizes, dtype=float), np.asarray(spread, dtype=float)
    shown = spread > 1e-9 * spread.max()          # the whole data as one batch has no noise: nothing to draw on a log axis
    ax.loglog(batch_sizes[shown], spread[shown], marker="o", linestyle="none", color=COLORS[0], label="measured")
    sizes = np.geomspace(batch_sizes.min(), batch_sizes.max(), 100)
    first = spread[0] * np.sqrt(batch_sizes[0])
    ax.loglog(sizes, first / np.sqrt(sizes), color=COLORS[1], linestyle="--", label="1/√B")
    finite = first * np.sqrt((num_examples - sizes) / (sizes * (num_examples - 1)))
    ax.loglog(sizes[finite > 0], finite[finite > 0], color=COLORS[2], linestyle=":", label="1/√B, without replacement")
    ax.set_xlabel("batch size B (log scale)")
    ax.set_ylabel("spread of the mini-batch gradient (log scale)")
    ax.set_title(title)
    ax.legend(fontsize=8)


def plot_noise_floor(ax, learning_rates, floors: dict, *, title: str) -> None:
    """The loss a constant-rate run hovers at, above the minimum, against the learning rate (log-log)."""
    for color, (label, floor) in zip(COLORS, floors.items()):
        ax.loglog(learning_rates, floor, marker="o", color=color, label=label)
    rates = np.asarray(learning_rates, dtype=float)
    first = np.asarray(next(iter(floors.values())), dtype=float)[0]
    ax.loglog(rates, first * rates / rates[0], color="0.5", linestyle=":", label="∝ η (for reference)")
    ax.set_xticks(rates, [f"{rate:g}" for rate in rates])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("learning rate η (log scale)")
    ax.set_ylabel("loss above the minimum (log scale)")
    ax.set_title(title)
    ax.legend(fontsize=8)


def plot_loss_curves(ax, curves: dict, *, xlabel: str, title: str, ylabel: str = "loss on all data (log scale)") -> None:
    """Loss curves on a log scale: ``curves`` maps a label to (x values, losses)."""
    styles = ["-", "--", "-.", ":"]
    for k, (color, (label, (x, losses))) in enumerate(zip(COLORS, curves.items())):
        losses = np.asarray(losses, dtype=float)
        ax.semilogy(x, np.where(np.isfinite(losses), losses, np.nan), color=color, linestyle=styles[k % 4], label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)


class _BlitFigure:
    """A figure whose static parts are drawn once; ``_blit`` draws only the moving artists on top."""

    def _finish(self) -> None:
        self.figure.tight_layout(rect=(0, 0, 1, 0.92))
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)

    def _blit(self, *artists) -> None:
        self.canvas.restore_region(self.background)
        for artist in artists:
            self.figure.draw_artist(artist)

    def png(self) -> bytes:
        """The current picture as PNG bytes (fast compression: it is redrawn often)."""
        buffer = io.BytesIO()
        Image.fromarray(np.asarray(self.canvas.buffer_rgba())).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()


class RunView(_BlitFigure):
    """A fast, reusable picture of one or more runs, for sliders: path panel and relative-loss panel.

    Everything that does not change between runs (landscape, axes, ticks, legend) is drawn once
    and kept as a bitmap; an update draws only the paths, the loss curves and the title on top of
    it. The loss is shown relative to its starting value on a fixed log axis (``loss_range``), so
    the axes never move and the picture can be reused.
    """

    def __init__(self, landscape: Landscape, x_max: float, *, labels=("optimizer path",), x_label: str = "step",
                 loss_range=(1e-12, 1e6), figsize=(10, 4), dpi: int = 80):
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
        self.paths, self.starts, self.losses = [], [], []
        for color, _ in zip(COLORS, labels):
            self.paths.append(path_ax.plot([], [], marker="o", markersize=3, linewidth=1.2, color=color, animated=True)[0])
            self.starts.append(path_ax.plot([], [], marker="s", markersize=6, color=color, linestyle="none", animated=True)[0])
            self.losses.append(loss_ax.semilogy([], [], color=color, animated=True)[0])
        handles, names = path_ax.get_legend_handles_labels()
        handles += [Line2D([], [], marker="o", color=color) for color, _ in zip(COLORS, labels)]
        path_ax.legend(handles, names + list(labels), loc="upper right", fontsize=8)
        loss_ax.set_xlim(0, x_max)
        loss_ax.set_ylim(*loss_range)
        loss_ax.axhline(1.0, color="0.6", linewidth=0.8, linestyle="--")
        loss_ax.set_xlabel(x_label)
        loss_ax.set_ylabel("loss ÷ starting loss (log scale)")
        loss_ax.set_title("Loss")
        self.title = self.figure.suptitle(" ", fontsize=11, animated=True)
        self.message = self.figure.text(0.5, 0.5, "", ha="center", va="center", wrap=True, color=COLORS[4],
                                        animated=True, bbox={"facecolor": "white", "edgecolor": COLORS[4]})
        self._finish()

    @property
    def path(self):
        """The first run's path line (the only one when there is a single run)."""
        return self.paths[0]

    def update(self, trajectories, *, title: str, x=None) -> list[RunSummary]:
        """Show new runs (one trajectory per label) under ``title``; return their summaries.

        ``x`` gives the loss panel's horizontal positions (default: the step number).
        """
        summaries = []
        for trajectory, path, start, loss in zip(trajectories, self.paths, self.starts, self.losses):
            trajectory = np.asarray(trajectory, dtype=float)
            with np.errstate(all="ignore"):
                losses = self.landscape.value(trajectory)
                relative = losses / losses[0]
            summaries.append(summarize(losses))
            along = trajectory[:, 0]
            across = losses if self.landscape.dim == 1 else trajectory[:, 1]
            path.set_data(along, across)
            start.set_data(along[:1], across[:1])
            loss.set_data(np.arange(len(losses)) if x is None else x, np.where(relative > 0, relative, np.nan))
        self.title.set_text(title)
        diverged = any(summary.status == "diverged" for summary in summaries)
        self.title.set_color(COLORS[4] if diverged else "black")
        self.message.set_text("")
        self._blit(*self.paths[:len(summaries)], *self.starts[:len(summaries)], *self.losses[:len(summaries)], self.title)
        return summaries

    def show_message(self, text: str) -> None:
        """Show a problem (for example, the learner's function failed) instead of a run."""
        self.message.set_text(text)
        self.title.set_text("")
        self._blit(self.message)



class MomentView(_BlitFigure):
    """Adam's moment estimates over time, uncorrected and bias-corrected, with one step marked."""

    def __init__(self, num_steps: int, *, true_mean: float, true_mean_square: float, figsize=(10, 3.6), dpi: int = 80):
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        axes = self.figure.subplots(1, 2)
        self.lines, self.markers = [], []
        for ax, truth, name, top in zip(axes, (true_mean, true_mean_square), ("first moment m", "second moment v"),
                                        (2 * true_mean, 2 * true_mean_square)):
            ax.axhline(truth, color="0.5", linestyle=":", label=f"true value {truth:g}")
            self.lines.append(ax.plot([], [], color=COLORS[1], label=f"{name[-1]} (uncorrected)", animated=True)[0])
            self.lines.append(ax.plot([], [], color=COLORS[0], label=f"{name[-1]}̂ (bias-corrected)", animated=True)[0])
            self.markers.append(ax.axvline(1, color=COLORS[4], linewidth=1, animated=True))
            ax.set_xlim(1, num_steps)
            ax.set_ylim(0, top)
            ax.set_xlabel("step t")
            ax.set_title(f"Adam's {name}")
            ax.legend(loc="lower right", fontsize=8)
        self.title = self.figure.suptitle(" ", fontsize=11, animated=True)
        self._finish()

    def update(self, moments, *, t: int, beta_1: float, beta_2: float) -> None:
        """``moments``: rows (m, m̂, v, v̂) for steps 1, 2, …; mark step ``t``."""
        moments = np.asarray(moments)
        steps = np.arange(1, len(moments) + 1)
        for line, column in zip(self.lines, moments.T):
            line.set_data(steps, column)
        for marker in self.markers:
            marker.set_xdata([t, t])
        m, m_hat, v, v_hat = moments[t - 1]
        self.title.set_text(f"beta_1 {beta_1:.3g}, beta_2 {beta_2:.4g}, at t = {t}:  m = {m:.3f} → m̂ = {m_hat:.3f};  "
                            f"v = {v:.4f} → v̂ = {v_hat:.3f}")
        self._blit(*self.lines, *self.markers, self.title)


class ScheduleView(_BlitFigure):
    """A learning-rate schedule (left) and the loss of a training run that follows it (right)."""

    def __init__(self, num_steps: int, *, rate_range=(1e-5, 3.0), loss_range=(1e-3, 10.0), figsize=(10, 3.6), dpi: int = 80):
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        rate_ax, loss_ax = self.figure.subplots(1, 2)
        self.rate = rate_ax.semilogy([], [], color=COLORS[0], animated=True)[0]
        self.loss = loss_ax.semilogy([], [], color=COLORS[1], animated=True)[0]
        for ax, ylabel, limits, title in ((rate_ax, "learning rate (log scale)", rate_range, "Schedule"),
                                          (loss_ax, "loss on all data (log scale)", loss_range, "Training with it")):
            ax.set_xlim(0, num_steps)
            ax.set_ylim(*limits)
            ax.set_xlabel("step")
            ax.set_ylabel(ylabel)
            ax.set_title(title)
        self.title = self.figure.suptitle(" ", fontsize=11, animated=True)
        self.message = self.figure.text(0.5, 0.5, "", ha="center", va="center", wrap=True, color=COLORS[4],
                                        animated=True, bbox={"facecolor": "white", "edgecolor": COLORS[4]})
        self._finish()

    def update(self, rates, losses, *, title: str) -> None:
        self.rate.set_data(np.arange(len(rates)), rates)
        self.loss.set_data(np.arange(len(losses)), np.where(np.isfinite(losses), losses, np.nan))
        self.title.set_text(title)
        self._blit(self.rate, self.loss, self.title)

    def show_message(self, text: str) -> None:
        self.message.set_text(text)
        self._blit(self.message)


class CurveView(_BlitFigure):
    """Curves over epochs for several optimizers on fixed axes (one panel per quantity)."""

    def __init__(self, labels, panels: dict, num_epochs: int, *, figsize=(10, 3.6), dpi: int = 80):
        """``panels`` maps a quantity (e.g. "training loss") to its (low, high) y-limits."""
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        self.lines = {}
        for ax, (quantity, limits) in zip(np.atleast_1d(self.figure.subplots(1, len(panels))), panels.items()):
            for color, label in zip(COLORS, labels):
                self.lines[(label, quantity)] = ax.plot([], [], marker="o", color=color, label=label, animated=True)[0]
            ax.set_xlim(0.5, num_epochs + 0.5)
            ax.set_ylim(*limits)
            ax.set_xlabel("epoch")
            ax.set_ylabel(quantity)
            ax.set_title(quantity)
            ax.legend(handles=[Line2D([], [], marker="o", color=c, label=label) for c, label in zip(COLORS, labels)], fontsize=8)
        self.title = self.figure.suptitle(" ", fontsize=11, animated=True)
        self._finish()

    def update(self, curves: dict, *, title: str) -> None:
        """``curves`` maps (label, quantity) to the values per epoch."""
        for key, line in self.lines.items():
            values = np.asarray(curves.get(key, []), dtype=float)
            line.set_data(np.arange(1, len(values) + 1), values)
        self.title.set_text(title)
        self._blit(*self.lines.values(), self.title)
