"""Run diagnosis (converged / diverged and when) and the slider explorer's behaviour."""
import numpy as np
import pytest

from learner_answers import gd_trajectory, minibatch_indices, momentum_step, sgd_epoch
from optcourse.demos import plots, runs, widgets
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


# The data's scalings and condition number, and the vectorised runs behind Modules 2 and 3's maps.

def test_the_three_scalings_are_the_same_problem_with_different_curvatures():
    versions = {scaling: datasets.regression_data(300, 4, seed=2, scaling=scaling) for scaling in ("min-max", "standard", "none")}
    np.testing.assert_array_equal(versions["none"].y, versions["min-max"].y)
    np.testing.assert_allclose(versions["min-max"].X, datasets.min_max_scale(versions["none"].X))
    standard = versions["standard"].X
    np.testing.assert_allclose(standard.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(standard.std(axis=0), 1.0)
    lowest = []
    for data in versions.values():
        design = np.column_stack([data.X, np.ones(len(data.y))])
        lowest.append(datasets.mse_loss(np.linalg.lstsq(design, data.y, rcond=None)[0], data.X, data.y))
    np.testing.assert_allclose(lowest, lowest[0], rtol=1e-8)       # an affine change of each column: the same best fit
    with pytest.raises(ValueError, match="scaling"):
        datasets.regression_data(scaling="unit")


def test_curvatures_are_the_eigenvalues_of_the_mse_hessian():
    X = np.random.default_rng(5).uniform(size=(50, 3))
    # The Hessian of the MSE by finite differences of its exact gradient.
    h, y = 1e-5, np.zeros(50)
    hessian = np.array([(datasets.mse_gradient(np.eye(4)[i] * h, X, y) - datasets.mse_gradient(-np.eye(4)[i] * h, X, y)) / (2 * h)
                        for i in range(4)])
    np.testing.assert_allclose(datasets.curvatures(X), np.linalg.eigvalsh(hessian), rtol=1e-6)
    # A standardised single feature and the bias are two independent directions of curvature 2.
    np.testing.assert_allclose(datasets.curvatures(datasets.standardize(X[:, :1])), [2.0, 2.0])


def test_vectorised_sgd_is_the_learners_sgd_run_for_each_rate():
    data = datasets.regression_data(100, 3, seed=1)
    rates = [0.01, 0.3]
    losses = runs.minibatch_sgd_losses(data.X, data.y, rates, batch_size=32, epochs=2, seed=4)
    assert losses.shape == (2, 2 * 4 + 1)                          # 100 examples in batches of 32: 4 steps per epoch
    for rate, curve in zip(rates, losses):
        rng, params, expected = np.random.default_rng(4), np.zeros(4), [datasets.mse_loss(np.zeros(4), data.X, data.y)]
        for _ in range(2):
            for batch in minibatch_indices(100, 32, rng):
                params, _ = sgd_epoch(params, data.X, data.y, [batch], learning_rate=rate)
                expected.append(datasets.mse_loss(params, data.X, data.y))
        np.testing.assert_allclose(curve, expected, rtol=1e-10)


def test_vectorised_sgd_draws_independent_batches_on_request_and_survives_divergence():
    data = datasets.regression_data(100, 3, seed=1)
    shuffled = runs.minibatch_sgd_losses(data.X, data.y, [0.1], batch_size=10, epochs=1)
    independent = runs.minibatch_sgd_losses(data.X, data.y, [0.1], batch_size=10, epochs=1, sampling="replace")
    assert shuffled.shape == independent.shape == (1, 11)
    assert not np.allclose(shuffled, independent)
    exploding = runs.minibatch_sgd_losses(data.X, data.y, [50.0], batch_size=10, epochs=3)
    assert not exploding[0, -1] < 1e6
    with pytest.raises(ValueError, match="sampling"):
        runs.minibatch_sgd_losses(data.X, data.y, [0.1], batch_size=10, epochs=1, sampling="bootstrap")


def _spectral_radius(curvatures, learning_rate, momentum):
    """Largest |eigenvalue| of the heavy-ball update (w, m) → (w + μm − ηaw, μm − ηaw), over the curvatures."""
    return max(np.abs(np.linalg.eigvals([[1 - learning_rate * a, momentum], [-learning_rate * a, momentum]])).max()
               for a in curvatures)


@pytest.mark.parametrize("learning_rate, momentum", [(0.3, 0.0), (0.1, 0.5), (0.6, 0.9), (0.05, 0.2), (0.668, 0.403)])
def test_momentum_rate_map_measures_the_spectral_radius(learning_rate, momentum):
    measured = runs.momentum_rate_map([0.2, 4.0], [learning_rate], [momentum])[0, 0]
    assert measured == pytest.approx(_spectral_radius([0.2, 4.0], learning_rate, momentum), abs=3e-3)


def test_momentum_rate_map_marks_divergence_and_keeps_fast_runs_finite():
    rates = runs.momentum_rate_map([1.0], [0.5, 1.0, 2.5, 3.9], [0.0, 0.9])
    assert rates.shape == (2, 4)
    assert np.isnan(rates[0, 2]) and np.isnan(rates[1, 3])     # beyond 2(1 + μ)/a
    assert rates[0, 1] < 1e-6                                   # η = 1/a: there in one step, still a number
    assert np.isfinite(rates[1, :3]).all()


def _drawn(draw):
    from matplotlib.figure import Figure
    ax = Figure().subplots()
    draw(ax)
    return ax


@pytest.mark.parametrize("draw", [
    lambda ax: plots.plot_paths(ax, landscapes.rotated_bowl(), {"a": [[-7, -5], [0, 0]], "b": [[-7, -5], [1, 1]]}, title="paths"),
    lambda ax: plots.plot_rate_map(ax, np.array([[0.9, np.nan], [0.6, 0.7]]), [0.1, 1.0], [0.0, 0.5],
                                   marks={"theory": (0.5, 0.4)}, title="rates"),
    lambda ax: plots.plot_learning_rate_band(ax, [0.01, 0.1, 1.0], {"min-max": [0.5, 0.1, np.inf], "standard": [0.1, 0.01, 0.02]},
                                             limits={"min-max": 0.3}, good=0.02, title="band"),
    lambda ax: plots.plot_gradient_spread(ax, [1, 4, 16, 100], [1.0, 0.5, 0.25, 0.0], num_examples=100, title="spread"),
    lambda ax: plots.plot_noise_floor(ax, [0.1, 0.2], {"shuffled": [1e-4, 3e-4], "independent": [2e-4, 4e-4]}, title="floor"),
    lambda ax: plots.plot_loss_curves(ax, {"x": ([0, 1], [1.0, 0.5]), "y": ([0, 1], [1.0, np.inf])}, xlabel="epochs", title="curves"),
], ids=["paths", "rate_map", "band", "spread", "floor", "curves"])
def test_new_plots_have_a_title_labelled_axes_and_a_legend(draw):
    ax = _drawn(draw)
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    legend = ax.get_legend()
    assert legend is not None and len(legend.get_texts()) >= 2


def test_rate_map_greys_out_diverged_runs_and_marks_the_theory():
    ax = _drawn(lambda ax: plots.plot_rate_map(ax, np.array([[0.9, np.nan], [0.6, 0.7]]), [0.1, 1.0], [0.0, 0.5],
                                                marks={"theory": (0.5, 0.4)}, title="rates"))
    mesh = ax.collections[0]
    assert np.ma.getmaskarray(mesh.get_array()).sum() == 1          # the one diverged cell is left to the grey background
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["diverges", "theory"]


def test_spread_plot_leaves_out_the_exact_full_batch_and_draws_the_law_through_batch_size_one():
    ax = _drawn(lambda ax: plots.plot_gradient_spread(ax, [1, 4, 100], [2.0, 1.0, 0.0], num_examples=100, title="spread"))
    measured, law = ax.lines[0], ax.lines[1]
    assert list(measured.get_xdata()) == [1.0, 4.0]
    assert law.get_ydata()[0] == pytest.approx(2.0)


def test_band_plot_leaves_out_runs_that_blew_up():
    ax = _drawn(lambda ax: plots.plot_learning_rate_band(ax, [0.01, 0.1, 1.0], {"min-max": [0.5, 0.1, 1e200]},
                                                         limits={}, good=0.02, title="band"))
    shown = ax.lines[0].get_ydata()
    assert np.isnan(shown[2]) and shown[1] == pytest.approx(0.1)
    assert ax.get_ylim()[1] < 1e3
