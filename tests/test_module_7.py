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
