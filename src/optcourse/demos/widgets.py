"""Slider explorers: thin shells that wire ipywidgets sliders to a ``plots`` drawing function.

An explorer puts PNG bytes into an ``ipywidgets.Image``: a slider change costs one computation and
one redraw of only what moved (see ``plots.RunView``), with no flicker and no pile-up of figures.
While nbgrader executes a notebook (``NBGRADER_EXECUTION`` is set) nobody can move a slider, so an
explorer shows one static picture of its starting values instead.
"""
from __future__ import annotations

import os
from typing import Callable, NamedTuple

import ipywidgets as widgets
import numpy as np
from IPython.display import Image, display

from ..constants import ADAGRAD_EPSILON, ADAM_BETA_1, ADAM_BETA_2, ADAM_EPSILON, RMSPROP_EPSILON, RMSPROP_RHO, SGD_MOMENTUM, diverged
from ..lesson.landscapes import Landscape
from . import plots, runs

__all__ = ["Explorer", "Contestant", "run_rule", "race_explorer", "learning_rate_explorer", "minibatch_explorer",
           "momentum_explorer", "adaptive_explorer", "adam_race_explorer", "bias_correction_explorer",
           "schedule_explorer", "recorded_runs_explorer"]


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
    from ..learner_code.calling import run_learner

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
    from ..learner_code.feedback import fail

    if not isinstance(result, tuple) or len(result) != 2:
        fail(f"`{name}` should return a pair (new_params, new_state).")
    return result


class Contestant(NamedTuple):
    """One optimizer in a race: its step and init, and how slider values become its keyword arguments."""

    label: str
    step: Callable
    init: Callable
    hyperparameters: Callable[[dict], dict]


def run_rule(step: Callable, init: Callable, grad_fn: Callable, w0, num_steps: int, *, name: str = "step",
             **hyperparameters) -> tuple[np.ndarray, list]:
    """Run a learner's step rule from ``init(w0)``; return every point visited and every state.

    Learner code is called quietly; any problem becomes one plain sentence. Once the run has
    diverged to inf/nan the rule is no longer called.
    """
    from ..learner_code.calling import run_learner

    w = np.array(w0, dtype=float)
    state = run_learner(init, getattr(init, "__name__", "init"), (w,), {}, shape=None)
    points, states = [w], [state]
    for _ in range(num_steps):
        if np.all(np.isfinite(w)):
            with np.errstate(all="ignore"):  # a diverging run overflows the gradient: expected, not news
                grads = grad_fn(w)
            new_w, state = _pair(run_learner(step, name, (w, grads, state), hyperparameters, shape=None), name)
            w = np.asarray(new_w, dtype=float)
        points.append(w)
        states.append(state)
    return np.array(points), states


def race_explorer(landscape: Landscape, contestants: list, sliders: dict, *, num_steps: int = 60) -> Explorer:
    """Race several optimizers from the landscape's start under shared sliders.

    The title gives each run's ending: final loss, or the step at which it diverged.
    """
    view = plots.RunView(landscape, num_steps, labels=tuple(c.label for c in contestants))

    def render(**values):
        trajectories, verdicts = [], []
        try:
            for contestant in contestants:
                path, _ = run_rule(contestant.step, contestant.init, landscape.gradient, landscape.start, num_steps,
                                   name=getattr(contestant.step, "__name__", contestant.label),
                                   **contestant.hyperparameters(values))
                trajectories.append(path)
                with np.errstate(all="ignore"):
                    summary = runs.summarize(landscape.value(path))
                verdicts.append(f"{contestant.label}: " + (f"diverged at step {summary.step}" if summary.status == "diverged"
                                                           else f"loss {summary.final_loss:.1e}"))
        except AssertionError as problem:
            view.show_message(str(problem))
        else:
            settings = ", ".join(f"{name.replace('_', ' ')} {value:.3g}" for name, value in values.items())
            view.update(trajectories, title=f"{settings}.  " + ";  ".join(verdicts))
        return view.png()

    explorer = Explorer(render, sliders)
    explorer.view = view
    return explorer


def _float_slider(description: str, value: float, low: float, high: float, step: float = 0.01) -> widgets.FloatSlider:
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description, readout_format=".3g",
                               continuous_update=True, style={"description_width": "initial"})


def momentum_explorer(momentum_step: Callable, landscape: Landscape, *, nesterov_step: Callable | None = None,
                      learning_rate: float = 0.05, momentum: float = 0.9, num_steps: int = 60) -> Explorer:
    """Race plain SGD (your momentum step with momentum 0), momentum and optionally Nesterov.

    Sliders: learning rate (log scale) and momentum. All runs start at rest.
    """
    from ..lesson.optim import momentum_init

    contestants = [
        Contestant("SGD (momentum 0)", momentum_step, momentum_init,
                   lambda v: {"learning_rate": v["learning_rate"], "momentum": SGD_MOMENTUM}),
        Contestant("momentum", momentum_step, momentum_init, dict),
    ]
    if nesterov_step is not None:
        contestants.append(Contestant("Nesterov", nesterov_step, momentum_init, dict))
    sliders = {"learning_rate": _learning_rate_slider(1e-3, 1.0, learning_rate),
               "momentum": _float_slider("momentum", momentum, 0.0, 0.99)}
    return race_explorer(landscape, contestants, sliders, num_steps=num_steps)


def adaptive_explorer(adagrad_step: Callable, adagrad_init: Callable, rmsprop_step: Callable, landscape: Landscape, *,
                      learning_rate: float = 0.3, rho: float = RMSPROP_RHO, num_steps: int = 60) -> Explorer:
    """Race plain gradient descent, your AdaGrad and your RMSprop under shared learning-rate and rho sliders."""
    from ..lesson.optim import momentum_init, rmsprop_init
    from ..lesson.reference import momentum_step

    contestants = [
        Contestant("gradient descent", momentum_step, momentum_init,
                   lambda v: {"learning_rate": v["learning_rate"], "momentum": SGD_MOMENTUM}),
        Contestant("AdaGrad", adagrad_step, adagrad_init, lambda v: {"learning_rate": v["learning_rate"], "epsilon": ADAGRAD_EPSILON}),
        Contestant("RMSprop", rmsprop_step, rmsprop_init,
                   lambda v: {"learning_rate": v["learning_rate"], "rho": v["rho"], "epsilon": RMSPROP_EPSILON}),
    ]
    sliders = {"learning_rate": _learning_rate_slider(1e-3, 3.0, learning_rate), "rho": _float_slider("rho", rho, 0.0, 0.999, 0.001)}
    return race_explorer(landscape, contestants, sliders, num_steps=num_steps)


def adam_race_explorer(adam_step: Callable, adam_init: Callable, landscape: Landscape, *, learning_rate: float = 0.1,
                       beta_1: float = ADAM_BETA_1, num_steps: int = 80) -> Explorer:
    """Your Adam against the course's RMSprop and momentum, under one learning rate and Adam's beta_1.

    RMSprop uses rho = 0.999 (Adam's beta_2) and momentum uses beta_1 as its momentum, so with the
    sliders you can see which part of Adam each one supplies.
    """
    from ..lesson.optim import momentum_init, rmsprop_init
    from ..lesson.reference import momentum_step, rmsprop_step

    contestants = [
        Contestant("your Adam", adam_step, adam_init,
                   lambda v: {"learning_rate": v["learning_rate"], "beta_1": v["beta_1"], "beta_2": ADAM_BETA_2,
                              "epsilon": ADAM_EPSILON}),
        Contestant("RMSprop", rmsprop_step, rmsprop_init, lambda v: {"learning_rate": v["learning_rate"], "rho": ADAM_BETA_2}),
        Contestant("momentum", momentum_step, momentum_init, lambda v: {"learning_rate": v["learning_rate"], "momentum": v["beta_1"]}),
    ]
    sliders = {"learning_rate": _learning_rate_slider(1e-3, 1.0, learning_rate), "beta_1": _float_slider("beta_1", beta_1, 0.0, 0.99)}
    return race_explorer(landscape, contestants, sliders, num_steps=num_steps)


def bias_correction_explorer(*, beta_1: float = ADAM_BETA_1, beta_2: float = ADAM_BETA_2, t: int = 10, num_steps: int = 100,
                             seed: int = 0) -> Explorer:
    """Adam's moment estimates for a noisy gradient (mean 1, spread 0.5), with and without bias correction.

    Sliders: beta_1, beta_2 and the step t marked on the curves (its values are in the title).
    """
    rng = np.random.default_rng(seed)
    grads = 1.0 + 0.5 * rng.normal(size=num_steps)
    view = plots.MomentView(num_steps, true_mean=1.0, true_mean_square=1.25)

    def render(beta_1, beta_2, t):
        m = v = 0.0
        moments = []
        for step, g in enumerate(grads, start=1):
            m = beta_1 * m + (1 - beta_1) * g
            v = beta_2 * v + (1 - beta_2) * g * g
            moments.append((m, m / (1 - beta_1**step), v, v / (1 - beta_2**step)))
        view.update(np.array(moments), t=int(t), beta_1=beta_1, beta_2=beta_2)
        return view.png()

    sliders = {"beta_1": _float_slider("beta_1", beta_1, 0.0, 0.999, 0.001), "beta_2": _float_slider("beta_2", beta_2, 0.9, 0.9999, 0.0001),
               "t": widgets.IntSlider(value=t, min=1, max=num_steps, description="t", continuous_update=True)}
    sliders["beta_2"].readout_format = ".4f"
    explorer = Explorer(render, sliders)
    explorer.view = view
    return explorer


def minibatch_explorer(minibatch_indices: Callable, sgd_epoch: Callable, data, *, epochs: int = 2,
                       batch_size: int = 10, learning_rate: float = 0.3, seed: int = 0) -> Explorer:
    """Mini-batch SGD on a one-feature line fit, drawn over (slope, intercept), with your two functions.

    Sliders: batch size and learning rate (log scale). Each step is one call of your ``sgd_epoch``
    on a single batch from your ``minibatch_indices``, so every step appears on the path.
    """
    from ..learner_code.calling import run_learner
    from ..lesson.datasets import regression_landscape

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


def schedule_explorer(schedules: dict, data, *, learning_rate: float = 0.1, momentum: float = 0.9, epochs: int = 8,
                      batch_size: int = 32) -> Explorer:
    """Train the linear regression with SGD + momentum under a chosen schedule and peak learning rate.

    ``schedules`` maps a name to ``f(step) -> multiplier`` (1 at the peak); the learning rate at a
    step is the slider's value times the multiplier. Your schedule functions are called quietly;
    a failure is shown in the figure.
    """
    from ..learner_code.calling import run_learner
    from ..lesson.optim import momentum_init
    from ..lesson.reference import momentum_step

    num_steps = epochs * -(-len(data.y) // batch_size)
    view = plots.ScheduleView(num_steps)

    def render(schedule, learning_rate):
        shape = schedules[schedule]
        try:
            multipliers = np.array([float(run_learner(shape, schedule, (step,), {}, shape=())) for step in range(num_steps)])
        except AssertionError as problem:
            view.show_message(str(problem))
            return view.png()
        _, losses = runs.train_minibatch(momentum_step, momentum_init, data, learning_rate=float(learning_rate), epochs=epochs,
                                         batch_size=batch_size, schedule=lambda step: multipliers[step], momentum=momentum)
        ending = "diverged" if diverged(losses[0], losses[-1]) else f"final loss {losses[-1]:.4f}"
        view.update(learning_rate * multipliers, losses, title=f"{schedule}, peak learning rate {learning_rate:.3g}, "
                                                               f"momentum {momentum}: {ending}")
        return view.png()

    sliders = {"schedule": widgets.Dropdown(options=list(schedules), description="schedule"),
               "learning_rate": _learning_rate_slider(1e-3, 1.0, learning_rate)}
    explorer = Explorer(render, sliders)
    explorer.view = view
    return explorer


def recorded_runs_explorer(recorded: dict, *, panels: dict, num_epochs: int) -> Explorer:
    """Browse training runs recorded beforehand (too slow to train at every slider move).

    ``recorded[learning_rate][optimizer label][quantity]`` is a list of values per epoch; the
    slider picks the learning rate, and the title gives each optimizer's last value of the first
    quantity.
    """
    rates = sorted(recorded)
    labels = list(recorded[rates[0]])
    view = plots.CurveView(labels, panels, num_epochs)
    first = next(iter(panels))

    def render(learning_rate):
        runs_at = recorded[learning_rate]
        curves = {(label, quantity): values for label, by_quantity in runs_at.items() for quantity, values in by_quantity.items()}
        ending = ";  ".join(f"{label}: {first} {by_quantity[first][-1]:.3f}" for label, by_quantity in runs_at.items())
        view.update(curves, title=f"learning rate {learning_rate:g}.  {ending}")
        return view.png()

    slider = widgets.SelectionSlider(options=rates, value=rates[len(rates) // 2], description="learning rate",
                                     continuous_update=True, style={"description_width": "initial"})
    explorer = Explorer(render, {"learning_rate": slider})
    explorer.view = view
    return explorer
