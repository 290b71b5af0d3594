"""Slider explorers: thin shells that wire ipywidgets sliders to a ``plots`` drawing function.

An explorer puts PNG bytes into an ``ipywidgets.Image``: a slider change costs one computation and
one redraw of only what moved (see ``plots.RunView``), with no flicker and no pile-up of figures.
While nbgrader executes a notebook (``NBGRADER_EXECUTION`` is set) nobody can move a slider, so an
explorer shows one static picture of its starting values instead.
"""
from __future__ import annotations

import os
from typing import Callable

import ipywidgets as widgets
import numpy as np
from IPython.display import Image, display

from . import plots, runs
from .landscapes import Landscape

__all__ = ["Explorer", "learning_rate_explorer", "minibatch_explorer", "momentum_explorer"]


class Explorer:
    """Calls ``render(**values) -> PNG bytes`` whenever one of the named sliders moves."""

    def __init__(self, render: Callable[..., bytes], sliders: dict):
        self.render = render
        self.sliders = sliders
        self.image = widgets.Image(format="png")
        for slider in sliders.values():
            slider.observe(self._on_change, names="value")
        self.widget = widgets.VBox([widgets.HBox(list(sliders.values())), self.image])
        self.redraw()

    def values(self) -> dict:
        return {name: slider.value for name, slider in self.sliders.items()}

    def redraw(self) -> None:
        self.image.value = self.render(**self.values())

    def _on_change(self, _change) -> None:
        self.redraw()

    def _ipython_display_(self) -> None:
        if os.environ.get("NBGRADER_EXECUTION"):
            display(Image(data=self.image.value))
        else:
            display(self.widget)


def _learning_rate_slider(low: float, high: float, value: float) -> widgets.FloatLogSlider:
    return widgets.FloatLogSlider(
        value=value, base=10, min=np.log10(low), max=np.log10(high), step=0.01,
        description="learning rate", readout_format=".3g", continuous_update=True,
        style={"description_width": "initial"}, layout=widgets.Layout(width="520px"),
    )


def learning_rate_explorer(trajectory_fn: Callable, landscape: Landscape, *, learning_rate: float = 0.1,
                           low: float = 1e-3, high: float = 1.0, num_steps: int = 30) -> Explorer:
    """Explore ``trajectory_fn(grad_fn, w0, learning_rate=…, num_steps=…)`` with a log-scale slider.

    The figure shows the path over the landscape and the loss per step, and its title says
    whether the run converged or diverged, and at which step. A trajectory function that fails
    is reported in the figure instead of breaking the widget.
    """
    from .checks import run_learner  # local import: checks imports the landscapes, not widgets

    view = plots.RunView(landscape, num_steps)

    def render(learning_rate):
        try:
            trajectory = run_learner(
                trajectory_fn, "your trajectory function",
                (landscape.gradient, np.array(landscape.start, dtype=float)),
                {"learning_rate": float(learning_rate), "num_steps": num_steps},
                shape=(num_steps + 1, landscape.dim),
            )
        except AssertionError as problem:
            view.show_message(str(problem))
        else:
            with np.errstate(all="ignore"):
                summary = runs.summarize(landscape.value(trajectory))
            view.update([trajectory], title=f"learning rate {learning_rate:.3g}, {num_steps} steps. {summary.describe()}")
        return view.png()

    explorer = Explorer(render, {"learning_rate": _learning_rate_slider(low, high, learning_rate)})
    explorer.view = view
    return explorer


def _pair(result, name: str):
    """A learner's ``(new_params, new_state)`` result, or one plain sentence."""
    from .feedback import fail

    if not isinstance(result, tuple) or len(result) != 2:
        fail(f"`{name}` should return a pair (new_params, new_state).")
    return result


def _run_rule(step: Callable, name: str, grad_fn: Callable, w0, num_steps: int, **hyperparameters) -> np.ndarray:
    """Run a learner's step rule from rest (zero velocity) and return every point visited."""
    from .checks import run_learner
    from .optim import MomentumState

    w = np.array(w0, dtype=float)
    state, points = MomentumState(np.zeros_like(w)), [w]
    for _ in range(num_steps):
        if np.all(np.isfinite(w)):  # once diverged, stop calling learner code on inf/nan
            new_w, state = _pair(run_learner(step, name, (w, grad_fn(w), state), hyperparameters, shape=None), name)
            w = np.asarray(new_w, dtype=float)
        points.append(w)
    return np.array(points)


def momentum_explorer(momentum_step: Callable, landscape: Landscape, *, nesterov_step: Callable | None = None,
                      learning_rate: float = 0.05, momentum: float = 0.9, num_steps: int = 60) -> Explorer:
    """Race plain SGD (your momentum step with momentum 0), momentum and optionally Nesterov.

    Sliders: learning rate (log scale) and momentum. All runs start at rest from the landscape's
    demonstration start; the title says how each run ended.
    """
    contestants = {"SGD (momentum 0)": (momentum_step, True), "momentum": (momentum_step, False)}
    if nesterov_step is not None:
        contestants["Nesterov"] = (nesterov_step, False)
    view = plots.RunView(landscape, num_steps, labels=tuple(contestants))

    def render(learning_rate, momentum):
        trajectories, verdicts = [], []
        try:
            for label, (step, plain) in contestants.items():
                path = _run_rule(step, step.__name__, landscape.gradient, landscape.start, num_steps,
                                 learning_rate=float(learning_rate), momentum=0.0 if plain else float(momentum))
                trajectories.append(path)
                with np.errstate(all="ignore"):
                    summary = runs.summarize(landscape.value(path))
                verdicts.append(f"{label}: " + (f"diverged at step {summary.step}" if summary.status == "diverged"
                                                 else f"loss {summary.final_loss:.1e}"))
        except AssertionError as problem:
            view.show_message(str(problem))
        else:
            view.update(trajectories, title=f"learning rate {learning_rate:.3g}, momentum {momentum:.2f}.  " + ";  ".join(verdicts))
        return view.png()

    momentum_slider = widgets.FloatSlider(value=momentum, min=0.0, max=0.99, step=0.01, description="momentum",
                                          readout_format=".2f", continuous_update=True)
    explorer = Explorer(render, {"learning_rate": _learning_rate_slider(1e-3, 1.0, learning_rate), "momentum": momentum_slider})
    explorer.view = view
    return explorer


def minibatch_explorer(minibatch_indices: Callable, sgd_epoch: Callable, data, *, epochs: int = 3,
                       batch_size: int = 10, learning_rate: float = 0.3, seed: int = 0) -> Explorer:
    """Mini-batch SGD on a one-feature line fit, drawn over (slope, intercept), with your two functions.

    Sliders: batch size and learning rate (log scale). Each step is one call of your ``sgd_epoch``
    on a single batch from your ``minibatch_indices``, so every step appears on the path.
    """
    from .checks import run_learner
    from .datasets import regression_landscape

    landscape = regression_landscape(data)
    num_examples = len(data.y)
    view = plots.RunView(landscape, epochs, labels=("mini-batch SGD",), x_label="epochs (passes over the data)",
                         loss_range=(0.03, 30))  # the loss cannot fall below the noise in the data

    def render(batch_size, learning_rate):
        rng = np.random.default_rng(seed)
        w, points, seen = np.array(landscape.start, dtype=float), [np.array(landscape.start, dtype=float)], [0]
        try:
            for _ in range(epochs):
                batches = run_learner(minibatch_indices, "minibatch_indices", (num_examples, int(batch_size), rng), {},
                                      shape=None)
                for batch in list(batches):
                    new_w, _ = _pair(run_learner(sgd_epoch, "sgd_epoch", (w, data.X, data.y, [np.asarray(batch)]),
                                                 {"learning_rate": float(learning_rate)}, shape=None), "sgd_epoch")
                    w = np.asarray(new_w, dtype=float)
                    points.append(w)
                    seen.append(seen[-1] + len(batch))
        except AssertionError as problem:
            view.show_message(str(problem))
            return view.png()
        trajectory = np.array(points)
        with np.errstate(all="ignore"):
            summary = runs.summarize(landscape.value(trajectory))
        steps_per_epoch = -(-num_examples // int(batch_size))
        view.update([trajectory], x=np.array(seen) / num_examples,
                    title=f"batch size {int(batch_size)}: {steps_per_epoch} steps per epoch, learning rate {learning_rate:.3g}. "
                          + (summary.describe() if summary.status == "diverged" else f"Final loss {summary.final_loss:.4f}."))
        return view.png()

    sizes = [1, 2, 5, 10, 20, 50, 100, num_examples]
    batch_slider = widgets.SelectionSlider(options=sizes, value=batch_size if batch_size in sizes else 10,
                                           description="batch size", continuous_update=True)
    explorer = Explorer(render, {"batch_size": batch_slider, "learning_rate": _learning_rate_slider(1e-3, 3.0, learning_rate)})
    explorer.view = view
    return explorer
