"""Module 7's checks (optimizer state, fresh optimizers) and bringing earlier work forward (reuse)."""
import json
import shutil
from pathlib import Path

import pytest

import learner_answers as right
from autograder import release
from optcourse.grading import checks, reuse
from optcourse.learner_code.feedback import CheckFailed
from optcourse.lesson import reference

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.tensorflow  # Keras


def test_correct_answers_pass():
    checks.optimizer_state_size(right.optimizer_state_size)
    checks.fresh_optimizer(right.fresh_optimizer)


def _named(optimizer):
    return {v.path.split("/")[-1]: int(v.numpy().size) for v in optimizer.variables}


WRONG_STATE_SIZES = {
    "counts the counter and rate": (lambda o: sum(int(v.numpy().size) for v in o.variables), "counts the step counter"),
    "counts variables": (lambda o: len(o.variables) - 2, "counts variables"),
    "number of parameters": (lambda o: sum(int(v.numpy().size) for v in o._trainable_variables), "number of model parameters"),
    "a float": (lambda o: 1.5, "return a whole number"),
    "only momentum slots": (lambda o: sum(int(v.numpy().size) for v in o.variables if v.path.endswith("momentum")), "keeps"),
}


@pytest.mark.parametrize("name", WRONG_STATE_SIZES)
def test_wrong_state_sizes_are_rejected(name):
    fn, expected = WRONG_STATE_SIZES[name]
    with pytest.raises(CheckFailed) as failure:
        checks.optimizer_state_size(fn)
    assert expected in str(failure.value)


WRONG_FRESH = {
    "same instance": (lambda o: o, "returned the same optimizer"),
    "defaults only": (lambda o: type(o)(), "does not keep the hyperparameters"),
    "always SGD": (lambda o: __import__("tensorflow").keras.optimizers.SGD(learning_rate=float(o.learning_rate)), "keep the same kind"),
    "not an optimizer": (lambda o: o.get_config(), "return a Keras optimizer"),
}


@pytest.mark.parametrize("name", WRONG_FRESH)
def test_wrong_fresh_optimizers_are_rejected(name):
    fn, expected = WRONG_FRESH[name]
    with pytest.raises(CheckFailed) as failure:
        checks.fresh_optimizer(fn)
    assert expected in str(failure.value)


# ---------------------------------------------------------------- reuse of earlier work
FALLBACK = {"adam_init": reference.adam_init, "adam_step": reference.adam_step}


def module_5_checks(functions):
    checks.adam_init(functions["adam_init"])
    checks.adam_step(functions["adam_step"])


def load(path):
    return reuse.from_notebook(path, ("adam_init", "adam_step"), check=module_5_checks, fallback=FALLBACK)


def test_a_finished_module_5_notebook_is_used():
    functions, report = load(release.source_notebook("05_adam"))
    assert report.startswith("Using your adam_init, adam_step")
    assert functions["adam_step"] is not reference.adam_step


def test_an_unfinished_notebook_falls_back_to_the_reference_and_says_why():
    functions, report = load(ROOT / "course" / "05_adam" / "05_adam.ipynb")
    assert functions["adam_step"] is reference.adam_step
    assert "not written yet" in report


def test_a_missing_notebook_falls_back():
    functions, report = load(ROOT / "nowhere" / "05_adam.ipynb")
    assert functions == FALLBACK and "no notebook at" in report


def _edited(tmp_path, grade_id, source):
    target = tmp_path / "05_adam.ipynb"
    shutil.copy(release.source_notebook("05_adam"), target)
    nb = json.loads(target.read_text())
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            cell["source"] = source
    target.write_text(json.dumps(nb))
    return target


def test_a_wrong_adam_falls_back_with_the_checks_message(tmp_path):
    path = _edited(tmp_path, "adam_step", "def adam_step(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon):\n"
                                          "    m = state.m + (1 - beta_1) * (grads - state.m)\n"
                                          "    v = state.v + (1 - beta_2) * (grads**2 - state.v)\n"
                                          "    return params - learning_rate * m / (np.sqrt(v) + epsilon), AdamState(m, v, state.t + 1)\n")
    functions, report = load(path)
    assert functions["adam_step"] is reference.adam_step and "no bias correction" in report


def test_a_cell_that_crashes_falls_back(tmp_path):
    functions, report = load(_edited(tmp_path, "adam_init", "1 / 0"))
    assert functions["adam_init"] is reference.adam_init and "ZeroDivisionError" in report


def test_an_adam_wrong_only_on_its_first_step_is_not_reused(tmp_path):
    """Issue 14: this rule passed the reuse gate when no case started from the initial state, then trained unlike Keras."""
    path = _edited(tmp_path, "adam_step", "def adam_step(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon):\n"
                                          "    t = state.t + 1\n"
                                          "    if state.t == 0:\n"
                                          "        m, v = grads.copy(), grads**2\n"
                                          "    else:\n"
                                          "        m = beta_1 * state.m + (1 - beta_1) * grads\n"
                                          "        v = beta_2 * state.v + (1 - beta_2) * grads**2\n"
                                          "    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)\n"
                                          "    return params - alpha * m / (np.sqrt(v) + epsilon), AdamState(m, v, t)\n")
    functions, report = load(path)
    assert functions["adam_step"] is reference.adam_step
    assert "your first step differs from tf.keras.optimizers.Adam" in report, report


# ---------------------------------------------------------------- the graded training work (issue 16)
import numpy as np  # noqa: E402

from optcourse.learner_code import channel  # noqa: E402
from optcourse.lesson import keras_bridge, optim  # noqa: E402


def test_a_course_model_crosses_the_channel_as_its_recipe_and_weights():
    model = keras_bridge.small_classifier(10, 3, hidden=4, seed=3)
    data = channel.encode(model)
    assert data["t"] == "keras_model" and data["builder"] == "small_classifier"
    rebuilt = channel.decode(data, rebuild_callables=True)
    assert rebuilt is not model and rebuilt.optcourse_recipe == model.optcourse_recipe
    assert all(np.array_equal(a, b) for a, b in zip(rebuilt.get_weights(), model.get_weights()))


def test_a_model_trained_in_the_worker_writes_its_weights_back_to_the_referees():
    from autograder.referee import _write_back

    mine, theirs = keras_bridge.small_classifier(10, 3, hidden=4, seed=0), keras_bridge.small_classifier(10, 3, hidden=4, seed=1)
    _write_back((mine,), (channel.decode(channel.encode(theirs)),))
    assert all(np.array_equal(a, b) for a, b in zip(mine.get_weights(), theirs.get_weights()))


def test_a_model_description_that_does_not_fit_its_builder_is_refused():
    data = channel.encode(keras_bridge.small_classifier(10, 3, hidden=4))
    data["settings"]["items"]["hidden"] = 5
    with pytest.raises(channel.NotPlainData):
        channel.decode(data, rebuild_callables=True)
    data["builder"] = "os.system"
    assert type(channel.decode(data, rebuild_callables=True)).__name__ == "Sequential"  # a stand-in, nothing built


def test_the_course_rules_cross_by_name_and_nothing_else_does():
    assert channel.decode(channel.encode(optim.momentum_init)) is optim.momentum_init
    assert channel.decode(channel.encode(reference.adam_step)) is reference.adam_step
    with pytest.raises(channel.NotPlainData):
        channel.decode({"t": "rule", "home": "reference", "name": "__builtins__"})
    assert channel.encode(lambda params: params)["t"] == "opaque"


def test_tensors_a_learner_returns_arrive_as_arrays():
    tf = keras_bridge.import_tensorflow()
    arrived = channel.decode(channel.encode([tf.constant(1.5), tf.Variable([1.0, 2.0])]))
    assert arrived[0] == np.float32(1.5) and np.array_equal(arrived[1], [1.0, 2.0])


def test_the_oracle_matches_the_reference_loop_and_fit_with_rule_tells_the_two_apart():
    """model.fit with Keras's Adam and the course's loop with the reference Adam end together; one wrong sign does not."""
    from optcourse.grading import training_checks

    rng = np.random.default_rng(0)
    X, y = rng.uniform(size=(20, 10)).astype(np.float32), rng.integers(0, 3, 20)
    batches = [np.arange(0, 8), np.arange(8, 16), np.arange(16, 20)]
    start = keras_bridge.small_classifier(10, 3, hidden=8).get_weights()
    tf = keras_bridge.import_tensorflow()
    keras_losses, keras_weights = training_checks._keras_fit(start, X, y, batches, tf.keras.optimizers.Adam(learning_rate=0.05))
    model = keras_bridge.small_classifier(10, 3, hidden=8)
    model.set_weights(start)
    losses, _ = reference.fit_with_rule(model, X, y, batches, reference.adam_init, reference.adam_step, learning_rate=0.05)
    assert np.allclose(losses, keras_losses, rtol=1e-4, atol=1e-5)
    assert training_checks._close(model.get_weights(), keras_weights)
    rule = training_checks._rules()["adam"]._replace(hyperparameters={"learning_rate": 0.05})
    _, uphill, _ = training_checks._own_loop(start, X, y, batches, rule, "uphill")
    assert not training_checks._close(uphill, keras_weights)


def test_a_budget_run_is_deterministic_and_a_malformed_choice_gets_one_sentence():
    choice = {"optimizer": "adam", "learning_rate": 0.03, "schedule": "cosine"}
    task = keras_bridge.BUDGET._replace(steps=20)
    first, second = keras_bridge.budget_run(choice, task=task), keras_bridge.budget_run(choice, task=task)
    assert first.validation_accuracy == second.validation_accuracy and np.array_equal(first.losses, second.losses)
    assert len(first.losses) == 20
    with pytest.raises(ValueError, match="choose one of"):
        keras_bridge.budget_run({**choice, "optimizer": "lion"}, task=task)


def test_the_budget_separates_a_tuned_choice_from_the_defaults():
    """The target sits between Keras's default SGD and the solution's choice, on every seed the checks use."""
    solution = {"optimizer": "momentum", "learning_rate": 0.1, "schedule": "cosine"}
    for seed in (0, 3):
        assert keras_bridge.budget_run(solution, seed=seed).validation_accuracy >= keras_bridge.BUDGET.target + 0.01
    default = keras_bridge.budget_run({"optimizer": "sgd", "learning_rate": 0.01, "schedule": "constant"})
    assert default.validation_accuracy < keras_bridge.BUDGET.target - 0.05


def _cells_after(nb, grade_id: str, count: int = 1) -> list[str]:
    index = next(i for i, cell in enumerate(nb.cells) if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    return [cell.source for cell in nb.cells[index + 1:index + 1 + count]]


def test_when_the_reference_adam_and_loop_stand_in_every_label_says_so(tmp_path, monkeypatch, capsys):
    """No Module 5 notebook next to Module 7 and a loop that fails its check: the printed lines, the table,
    the legend and the title of section 4 name the course's Adam and loop, and never say "your Adam"."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from IPython import display as ipython_display

    nb = release.read_source("07_tradeoffs")
    imports = next(cell.source for cell in nb.cells if cell.cell_type == "code")
    shown, figures = [], []
    monkeypatch.setattr(ipython_display, "display", lambda *objects: shown.extend(getattr(o, "data", str(o)) for o in objects))
    monkeypatch.setattr(plt, "show", lambda: figures.append(plt.gcf()))
    monkeypatch.chdir(tmp_path)  # no ../05_adam/05_adam.ipynb here
    namespace: dict = {}
    exec(imports, namespace)  # noqa: S102 - the module's own cells
    namespace["display"] = lambda *objects: shown.extend(getattr(o, "data", str(o)) for o in objects)
    from banks.m7_tradeoffs import _loop

    namespace["fit_with_rule"] = _loop("uphill")
    exec(_cells_after(nb, "your_adam_loop_intro")[0], namespace)  # noqa: S102
    printed = capsys.readouterr().out
    labels = [text.get_text() for figure in figures for ax in figure.axes
              for text in [ax.title, *(ax.get_legend().get_texts() if ax.get_legend() else [])]]
    everything = "\n".join([printed, *map(str, shown), *labels])
    assert "your Adam" not in everything, everything
    assert "Using the course's reference adam_init, adam_step: no notebook at" in printed
    assert "Using the course's training loop:" in printed and "the steps go uphill" in printed
    assert all("reference Adam" in text for text in [labels[0], labels[-1], shown[0]]), (labels, shown)
    assert "the course's loop" in shown[0] and "True" in shown[0]  # the reference pair still matches model.fit
    plt.close("all")
