"""The quiz's figure questions: every key is read off the figure its own cell draws, so the key cannot
drift from the plot. Each figure cell is run here on its own (it imports what it uses), and the
statement the key makes is checked against the numbers drawn, and against the lines of the figure.

Also: every module of 1–6 has a figure to read, revisits its prediction, and asks one explain-why
answer that a person marks."""
from __future__ import annotations

import re

import matplotlib
import numpy as np
import pytest

from autograder import release
from test_quiz_balance import OPTION

matplotlib.use("Agg")
import matplotlib.pyplot as plt

MODULES = [m for m in release.modules() if m < "07"]
LEADING_NUMBER = re.compile(r"(?:about )?(\d+(?:\.\d+)?)")


def figure_question(module: str, question: str) -> tuple[dict, str, dict[str, str], object]:
    """Run the figure cell of ``question`` alone: its names, the key letter, the options, the figure."""
    nb = release.notebook(module)
    cells = {cell.id: cell for cell in nb.cells}
    figure_cell = cells[f"quiz_{question}_prompt-1"]
    assert figure_cell.cell_type == "code" and "skip-when-grading" in figure_cell.metadata.get("tags", [])
    plt.close("all")
    names: dict = {}
    exec(compile(figure_cell.source, f"{module}:{figure_cell.id}", "exec"), names)  # noqa: S102 - our own source
    path = release.source_path(module)
    entry = release._quiz_questions(module, release.read_source(module), path, [])[question]
    options = dict(OPTION.findall(cells[f"quiz_{question}_prompt"].source))
    return names, entry["answer"], options, plt.gcf()


def lines_by_label(figure) -> dict[str, object]:
    return {line.get_label(): line for ax in figure.axes for line in ax.get_lines() if not line.get_label().startswith("_")}


def test_module_1_the_run_just_below_the_limit_is_the_one_the_key_names_in_the_colour_it_is_drawn():
    names, key, options, figure = figure_question("01_gradient_descent", "gd_q1")
    a = names["quiz_curvature"]
    between = [run for run, rate in names["quiz_runs"].items() if 1 / a < rate < 2 / a]
    assert len(between) == 1
    assert re.match(r"run (\w)", options[key]).group(1) == between[0]
    lines = lines_by_label(figure)
    for text in options.values():  # every option's colour is the colour that run is drawn in
        run, colour = re.fullmatch(r"run (\w) \((\w+)\)", text).groups()
        assert matplotlib.colors.same_color(lines[f"run {run}"].get_color(), f"tab:{colour}"), text
    path = lines[f"run {between[0]}"].get_ydata()
    assert np.all(np.sign(path[1:]) != np.sign(path[:-1])) and abs(path[-1]) < abs(path[0])  # zig-zags, shrinking


def test_module_2_the_smaller_rate_ends_lower_though_it_starts_slower():
    names, key, options, figure = figure_question("02_sgd", "sgd_q1")
    excess = names["quiz_excess"]
    lower_at_end = min(excess, key=lambda rate: excess[rate][-100:].mean())
    assert float(LEADING_NUMBER.match(options[key]).group(1)) == lower_at_end == 0.03
    assert excess[0.3][19] < excess[0.03][19]            # "slower at first"
    assert excess[0.3][-100:].mean() > 3 * excess[0.03][-100:].mean()   # not "the same loss"
    assert set(lines_by_label(figure)) == {"learning rate 0.3", "learning rate 0.03"}


def test_module_3_momentum_gets_there_first_and_its_steep_coordinate_swings():
    names, key, options, _ = figure_question("03_momentum", "mom_q3")
    (gd_loss, gd_y), (momentum_loss, momentum_y) = names["quiz_runs"].values()
    first_below = lambda losses: int(np.argmax(losses < 1e-6)) if (losses < 1e-6).any() else np.inf  # noqa: E731
    crossings = lambda ys: int(np.sum(np.sign(ys[1:40]) != np.sign(ys[:39])))  # noqa: E731
    assert first_below(momentum_loss) < first_below(gd_loss)         # faster (so not (c) or (d))
    assert crossings(momentum_y) >= 3 and crossings(gd_y) == 0        # it swings (so not (a))
    assert options[key].startswith("faster, though") and "swings across zero" in options[key]


def test_module_4_the_flat_direction_leads_until_the_steep_one_has_converged():
    names, key, options, _ = figure_question("04_adagrad_rmsprop", "ada_q2")
    effective = names["quiz_effective"]          # step × (x, y)
    assert effective[9, 0] > 2 * effective[9, 1]        # the flat x first
    assert effective[-1, 1] > effective[-1, 0]          # the steep y at the end
    assert options[key].startswith("the flat $x$ at first; later the steep $y$")


def test_module_5_the_uncorrected_step_is_worst_near_step_12_and_still_twice_too_large_at_300():
    names, key, options, _ = figure_question("05_adam", "adam_q4")
    too_large, steps = names["quiz_too_large"], names["quiz_steps"]
    assert round(float(too_large[0])) == 3 and round(float(too_large.max()), 1) == 6.6
    assert int(steps[np.argmax(too_large)]) == 12 and round(float(too_large[-1])) == 2 and steps[-1] == 300
    assert re.fullmatch(r"about 3× at step 1, rising to about 6\.6× near step 12, still 2× at step 300", options[key])


def test_module_6_the_rule_of_thumb_is_a_tenth_of_the_range_tests_lowest_point():
    names, key, options, _ = figure_question("06_tuning", "tune_q1")
    losses, rates = names["quiz_losses"], names["quiz_rates"]
    lowest = rates[np.argmin(losses)]
    said = {letter: float(LEADING_NUMBER.match(text).group(1)) for letter, text in options.items()}
    assert said[key] == pytest.approx(lowest / 10, rel=0.3) and "a tenth of where the loss is lowest" in options[key]
    assert said["a"] == pytest.approx(lowest, rel=0.3)                       # "where the loss is lowest"
    assert said["b"] == pytest.approx(rates[len(losses) - 1], rel=0.3)       # "just before the loss blows up"
    # The explain-why prompt quotes this data's constant-rate stability limit, 2 / λmax.
    X = names["quiz_X"]
    limit = 2 / np.linalg.eigvalsh(X.T @ X / len(X)).max()
    prompt = {c.id: c.source for c in release.notebook("06_tuning").cells}["quiz_explain_tune_prompt"]
    assert f"about {limit:.2f} for this data" in prompt and lowest > 3 * limit


@pytest.mark.parametrize("module", MODULES)
def test_every_module_has_a_figure_to_read_a_revisited_prediction_and_an_explain_why(module):
    nb = release.notebook(module)
    quiz_cells = nb.cells[[c.id for c in nb.cells].index("quiz_intro"):]
    prompts = [c.source for c in quiz_cells if c.id.endswith("_prompt")]
    assert any("*Read the figure" in p or "read the figure" in p for p in prompts), module
    assert any("*Revisit your prediction" in p for p in prompts), module
    manual = [c for c in quiz_cells if c.metadata.get("nbgrader", {}).get("grade")
              and c.metadata["nbgrader"].get("solution")]
    assert len(manual) == 1 and manual[0].cell_type == "markdown" and manual[0].metadata["nbgrader"]["points"] == 1
    assert "**Rubric" in manual[0].source     # the instructor's rubric, in the solution (never released)
