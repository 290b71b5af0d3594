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

__all__ = ["Explorer", "learning_rate_explorer"]


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
