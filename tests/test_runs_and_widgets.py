"""Run diagnosis (converged / diverged and when) and the slider explorer's behaviour."""
import numpy as np
import pytest

from learner_answers import gd_trajectory, minibatch_indices, momentum_step
from optcourse.demos import runs, widgets
from optcourse.lesson import datasets, landscapes


def gd_path(landscape, learning_rate, num_steps):
    w = np.array(landscape.start, dtype=float)
    rows = [w]
    for _ in range(num_steps):
        w = w - learning_rate * landscape.gradient(w)
        rows.append(w)
    return np.stack(rows)


def test_diverging_parabola_is_flagged_at_the_first_step_above_the_start():
    # a = 4, learning rate 0.6: w is multiplied by 1 - 2.4 = -1.4 each step, so the loss grows at step 1.
    parabola = landscapes.parabola(a=4.0)
    summary = runs.summarize(parabola.value(gd_path(parabola, 0.6, 20)))
    assert (summary.status, summary.step) == ("diverged", 1)
    assert "Diverged at step 1" in summary.describe()


def test_slow_divergence_of_one_direction_is_flagged_when_the_loss_passes_its_start():
    bowl = landscapes.scaled_bowl()
    losses = bowl.value(gd_path(bowl, 0.52, 60))  # y factor |1 - 2.08| = 1.08: slow blow-up
    summary = runs.summarize(losses)
    assert summary.status == "diverged"
    assert losses[summary.step] > losses[0] and np.all(losses[:summary.step] <= losses[0])


def test_converging_and_still_descending_runs():
    parabola = landscapes.parabola(a=4.0)
    assert runs.summarize(parabola.value(gd_path(parabola, 0.25, 5))).status == "converged"
    assert runs.summarize(parabola.value(gd_path(parabola, 0.01, 5))).status == "descending"


def test_overflow_counts_as_divergence():
    summary = runs.summarize([1.0, 0.5, np.inf, np.nan])
    assert (summary.status, summary.step) == ("diverged", 2)


@pytest.mark.parametrize("landscape", [landscapes.parabola(a=4.0), landscapes.scaled_bowl()], ids=["1-D", "2-D"])
def test_moving_the_slider_redraws_the_figure(landscape):
    explorer = widgets.learning_rate_explorer(gd_trajectory, landscape, learning_rate=0.05)
    before = explorer.image.value
    explorer.sliders["learning_rate"].value = 0.6
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert explorer.image.value != before


def test_the_title_reports_divergence_and_its_step():
    explorer = widgets.learning_rate_explorer(gd_trajectory, landscapes.parabola(a=4.0), learning_rate=0.6)
    assert "Diverged at step 1" in explorer.view.title.get_text()
    explorer.sliders["learning_rate"].value = 0.25
    assert "Converged" in explorer.view.title.get_text()


def test_the_path_panel_shows_the_learners_points():
    bowl = landscapes.scaled_bowl()
    explorer = widgets.learning_rate_explorer(gd_trajectory, bowl, learning_rate=0.1, num_steps=30)
    x, y = explorer.view.path.get_data()
    expected = gd_trajectory(bowl.gradient, bowl.start, learning_rate=0.1, num_steps=30)
    np.testing.assert_allclose(np.column_stack([x, y]), expected)


def test_a_broken_learner_function_is_reported_in_the_figure_not_raised():
    def broken(grad_fn, w0, *, learning_rate, num_steps):
        raise ValueError("oops")

    explorer = widgets.learning_rate_explorer(broken, landscapes.scaled_bowl())
    texts = [t.get_text() for t in explorer.view.figure.texts]
    assert any("raised ValueError (oops)" in t for t in texts)


def test_a_trajectory_of_the_wrong_shape_is_reported_in_the_figure():
    explorer = widgets.learning_rate_explorer(lambda grad_fn, w0, **k: w0, landscapes.scaled_bowl())
    assert any("should have shape (31, 2)" in t.get_text() for t in explorer.view.figure.texts)


def test_under_nbgrader_the_explorer_shows_a_static_picture(monkeypatch):
    shown = []
    monkeypatch.setattr(widgets, "display", shown.append)
    explorer = widgets.learning_rate_explorer(gd_trajectory, landscapes.scaled_bowl())
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    explorer._ipython_display_()
    monkeypatch.delenv("NBGRADER_EXECUTION")
    explorer._ipython_display_()
    assert type(shown[0]).__name__ == "Image" and shown[0].data == explorer.image.value
    assert shown[1] is explorer.widget


# ---------------------------------------------------------------- Modules 2 and 3


@pytest.mark.parametrize("learning_rate, momentum, expected", [
    (0.1, 0.0, runs.SMOOTH),         # 0 < 1 - ηa < 1
    (1.5, 0.0, runs.OSCILLATING),    # -1 < 1 - ηa < 0: crosses the minimum every step
    (2.5, 0.0, runs.DIVERGED),       # ηa > 2
    (3.5, 0.9, runs.OSCILLATING),    # momentum stretches the limit to 2(1 + μ) = 3.8
    (3.9, 0.9, runs.DIVERGED),
    (0.01, 0.5, runs.SMOOTH),        # ηa below (1 - √μ)² ≈ 0.086
])
def test_stability_grid_agrees_with_the_theory_away_from_the_boundaries(learning_rate, momentum, expected):
    grid = runs.stability_grid(momentum_step, curvature=1.0, learning_rates=[learning_rate], momenta=[momentum], num_steps=300)
    assert grid[0, 0] == expected


def test_momentum_race_with_zero_momentum_gives_identical_paths():
    explorer = widgets.momentum_explorer(momentum_step, landscapes.scaled_bowl(), nesterov_step=momentum_step, momentum=0.0)
    first, *others = [np.column_stack(path.get_data()) for path in explorer.view.paths]
    for other in others:
        np.testing.assert_array_equal(first, other)
    explorer.sliders["momentum"].value = 0.9
    assert not np.allclose(np.column_stack(explorer.view.paths[0].get_data()), np.column_stack(explorer.view.paths[1].get_data()))


def test_momentum_race_reports_a_broken_rule_in_the_figure():
    explorer = widgets.momentum_explorer(lambda params, grads, state, **k: params, landscapes.scaled_bowl())
    assert any("should return a pair" in t.get_text() for t in explorer.view.figure.texts)


def one_epoch(params, X, y, batches, *, learning_rate):
    for batch in batches:
        params = params - learning_rate * datasets.mse_gradient(params, X[batch], y[batch])
    return params, np.zeros(len(batches))


@pytest.mark.parametrize("batch_size, points", [(200, 3 + 1), (50, 12 + 1), (1, 600 + 1)])
def test_minibatch_explorer_takes_one_step_per_batch(batch_size, points):
    explorer = widgets.minibatch_explorer(minibatch_indices, one_epoch, datasets.line_data(), epochs=3, batch_size=batch_size)
    x, _ = explorer.view.path.get_data()
    assert len(x) == points
    assert f"batch size {batch_size}:" in explorer.view.title.get_text()


def test_full_batch_path_in_the_explorer_is_plain_gradient_descent():
    data = datasets.line_data()
    explorer = widgets.minibatch_explorer(minibatch_indices, one_epoch, data, epochs=3, batch_size=200, learning_rate=0.3)
    landscape = datasets.regression_landscape(data)
    w = np.array(landscape.start)
    for _ in range(3):
        w = w - 0.3 * landscape.gradient(w)
    np.testing.assert_allclose(np.column_stack(explorer.view.path.get_data())[-1], w)


# ---------------------------------------------------------------- Modules 4 and 5
import learner_answers as right  # noqa: E402
from optcourse.lesson.optim import AdagradState, momentum_init  # noqa: E402


def test_run_rule_returns_every_point_and_state():
    bowl = landscapes.scaled_bowl()
    path, states = widgets.run_rule(right.momentum_step, momentum_init, bowl.gradient, bowl.start, 5,
                                    learning_rate=0.1, momentum=0.0)
    assert path.shape == (6, 2) and len(states) == 6
    np.testing.assert_allclose(path, right.gd_trajectory(bowl.gradient, bowl.start, learning_rate=0.1, num_steps=5))


def test_effective_step_sizes_follow_the_state():
    states = [AdagradState(np.array([0.25, 4.0])), AdagradState(np.array([1.0, 16.0]))]
    steps = runs.effective_step_sizes(states, "accumulator", learning_rate=0.5, epsilon=0.0)
    np.testing.assert_allclose(steps, [[1.0, 0.25], [0.5, 0.125]])


def test_adaptive_race_shows_gradient_descent_diverging_where_the_adaptive_rules_do_not():
    explorer = widgets.adaptive_explorer(right.adagrad_step, right.adagrad_init, right.rmsprop_step,
                                         landscapes.scaled_bowl(), learning_rate=0.6)  # GD's limit on the bowl is 0.5
    title = explorer.view.title.get_text()
    assert "gradient descent: diverged" in title
    assert "AdaGrad: loss" in title and "RMSprop: loss" in title


def test_adam_race_at_beta_1_zero_puts_no_momentum_in_the_momentum_run():
    explorer = widgets.adam_race_explorer(right.adam_step, right.adam_init, landscapes.scaled_bowl(), beta_1=0.0)
    momentum_path = np.column_stack(explorer.view.paths[2].get_data())
    bowl = landscapes.scaled_bowl()
    expected = right.gd_trajectory(bowl.gradient, bowl.start, learning_rate=0.1, num_steps=80)
    np.testing.assert_allclose(momentum_path, expected)


def test_bias_correction_explorer_corrects_the_first_moment_exactly_at_t_1():
    explorer = widgets.bias_correction_explorer(beta_1=0.9, beta_2=0.999, t=1)
    m, m_hat, v, v_hat = (line.get_ydata()[0] for line in explorer.view.lines)
    g = m_hat  # at t = 1 the corrected estimates are the first gradient and its square
    assert m == pytest.approx(0.1 * g) and v == pytest.approx(0.001 * g * g) and v_hat == pytest.approx(g * g)
    explorer.sliders["t"].value = 50
    assert "at t = 50" in explorer.view.title.get_text()


# ---------------------------------------------------------------- Modules 6 and 7
def test_schedule_explorer_follows_the_chosen_schedule():
    data = datasets.regression_data(200, 10)
    schedules = {"constant": lambda step: 1.0, "halving": lambda step: 0.5 ** (step // 10)}
    explorer = widgets.schedule_explorer(schedules, data, learning_rate=0.2, epochs=2)
    np.testing.assert_allclose(explorer.view.rate.get_ydata(), 0.2)
    explorer.sliders["schedule"].value = "halving"
    rates = explorer.view.rate.get_ydata()
    assert len(rates) == 14  # 200 examples in batches of 32: 7 steps an epoch
    assert rates[0] == pytest.approx(0.2) and rates[9] == pytest.approx(0.2) and rates[10] == pytest.approx(0.1)


def test_schedule_explorer_reports_a_broken_schedule():
    explorer = widgets.schedule_explorer({"broken": lambda step: None}, datasets.regression_data(100, 10), epochs=1)
    assert "returned None" in explorer.view.message.get_text()


def test_train_minibatch_with_a_constant_schedule_is_plain_training():
    data = datasets.regression_data(100, 3)
    plain = runs.train_minibatch(right.momentum_step, momentum_init, data, learning_rate=0.1, momentum=0.0)[1]
    halved = runs.train_minibatch(right.momentum_step, momentum_init, data, learning_rate=0.2, momentum=0.0, schedule=lambda step: 0.5)[1]
    np.testing.assert_allclose(plain, halved)


def test_suggested_learning_rate_is_a_tenth_of_the_best():
    assert runs.suggest_learning_rate([0.01, 0.1, 1.0, 10.0], [5.0, 2.0, 1.0, np.inf]) == pytest.approx(0.1)


def test_recorded_runs_explorer_browses_the_recorded_curves():
    recorded = {rate: {"A": {"loss": [1.0, rate]}, "B": {"loss": [2.0, 2 * rate]}} for rate in (0.1, 0.5)}
    explorer = widgets.recorded_runs_explorer(recorded, panels={"loss": (0, 3)}, num_epochs=2)
    explorer.sliders["learning_rate"].value = 0.5
    assert list(explorer.view.lines[("B", "loss")].get_ydata()) == [2.0, 1.0]
    assert "learning rate 0.5" in explorer.view.title.get_text()
