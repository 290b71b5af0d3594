"""A class of adversarial Module 1 submissions graded end to end in the sandbox, each with its exact score.

Module 1's autograded points are 9: gd_step 2, gd_trajectory 3 (it calls the learner's gd_step), four
quiz questions 1 each (the explain-why answer, 1 more, waits for a person and counts 0 here). One grading run holds every submission, so the test also shows that no
submission, however broken, stops the run or changes anyone else's grade.
"""
from __future__ import annotations

import copy
import html
import re
from pathlib import Path

import nbformat
import pytest

from autograder import grade, release
from hidden_cases import hidden_cases
from submissions import solution_with

ROOT = Path(__file__).resolve().parents[1]

MODULE = "01_gradient_descent"
pytestmark = [pytest.mark.tensorflow, pytest.mark.xdist_group("adversarial")]

WRONG_STEP = "def gd_step(params, grads, state, *, learning_rate):\n    return params + learning_rate * grads, state"
NAN_STEP = "def gd_step(params, grads, state, *, learning_rate):\n    return params * float('nan'), state"
MISSING_START = '''def gd_trajectory(grad_fn, w0, *, learning_rate, num_steps):
    w, state, points = np.array(w0, dtype=float), gd_init(w0), []
    for _ in range(num_steps):
        w, state = gd_step(w, grad_fn(w), state, learning_rate=learning_rate)
        points.append(w)
    return np.stack(points)'''
RIGHT_STEP = "def gd_step(params, grads, state, *, learning_rate):\n    return params - learning_rate * grads, state"
# The kernel's socket folder is on the host: a tree too deep for shutil.rmtree once crashed grade.py for everyone.
DEEP_SOCKET_TREE = """
import json, os
from pathlib import Path
from ipykernel import get_connection_file
folder = os.open(str(Path(json.load(open(get_connection_file()))["ip"]).parent), os.O_RDONLY)
for _ in range(3000):
    os.mkdir("d", dir_fd=folder)
    inner = os.open("d", os.O_RDONLY, dir_fd=folder)
    os.close(folder)
    folder = inner
"""
PRINTS_HISTORY = "\nfor text in In:\n    if 'HIDDEN' in text:\n        print(text)"
SCRIPT = "\nfrom IPython.display import HTML, Javascript, display\ndisplay(HTML('<script>window.graderPwned = 1</script>'))"
METADATA_FLOOD = ("\nfrom IPython.display import display\nfor _ in range(5):\n"
                  "    display({'text/plain': 'tiny'}, raw=True, metadata={'pad': 'x' * 5_000_000})")
KERAS_STEP = '''tf = keras_bridge.import_tensorflow()

def gd_step(params, grads, state, *, learning_rate):
    weights = tf.Variable(np.asarray(params, dtype="float64"))
    tf.keras.optimizers.SGD(learning_rate=learning_rate).apply_gradients([(tf.constant(grads, dtype="float64"), weights)])
    return weights.numpy(), state'''
THIEF = f"""# Try to copy the answer from the solutions, then to wipe the gradebook.
try:
    open({str(release.source_notebook(MODULE))!r}).read()
    answer_gd_q1 = "b"
except OSError:
    answer_gd_q1 = "a"
try:
    open(GRADEBOOK, "w").close()
except OSError:
    pass"""


def with_cell_edit(edit) -> nbformat.NotebookNode:
    nb = solution_with(MODULE, {})
    edit(nb.cells)
    return nb


def _index(cells, grade_id: str) -> int:
    return next(i for i, cell in enumerate(cells) if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _set_points(cells, grade_id, points):
    cells[_index(cells, grade_id)].metadata.nbgrader["points"] = points


def _duplicate(cells, grade_id):
    i = _index(cells, grade_id)
    cells.insert(i + 1, copy.deepcopy(cells[i]))


def bank(gradebook: Path) -> dict[str, tuple[nbformat.NotebookNode | None, float | None]]:
    """student → (notebook, expected score); a score of None means no grade row (nothing handed in)."""
    def edited_test_cell(cells):
        cells[_index(cells, "gd_step")].source = WRONG_STEP
        cells[_index(cells, "gd_step_tests")].source = "pass  # nothing to see here"

    def skipped_test_cells(cells):
        cells[_index(cells, "gd_step")].source = WRONG_STEP
        for grade_id in ("gd_step_tests", "gd_trajectory_tests"):
            cells[_index(cells, grade_id)].metadata["tags"] = ["skip-when-grading", "skip-execution"]

    def crashing_experiment(cells):
        experiment = next(cell for cell in cells if "skip-when-grading" in cell.metadata.get("tags", []))
        experiment.source = "import os\nos._exit(1)"

    def answer_from_experiment(cells):
        sweep = [cell for cell in cells if "skip-when-grading" in cell.metadata.get("tags", [])][1]
        sweep.source += "\none_step_rate = 1 / 4.0  # for question 2 (the parabola's a is 4)"
        cells[_index(cells, "answer_gd_q2")].source = "answer_gd_q2 = one_step_rate"

    def foreign_test_cell(cells):  # an honest mistake: a check cell copied from Module 2's notebook
        course_2 = nbformat.read(ROOT / "course" / "02_sgd" / "02_sgd.ipynb", as_version=4)
        cells.insert(_index(cells, "gd_step_tests") + 1, copy.deepcopy(course_2.cells[_index(course_2.cells, "minibatch_indices_tests")]))

    def quoted_marker(cells):  # a learner's note that quotes nbgrader's markers
        cells[_index(cells, "gd_step")].source += "\n# (my note: the grader adds ### BEGIN HIDDEN TESTS ... ### END HIDDEN TESTS)"
        prediction = next(cell for cell in cells if cell.cell_type == "markdown" and "My prediction" in cell.source)
        prediction.source += "\n\nThe check cells end with `### BEGIN HIDDEN TESTS`, I guess."

    def deleted_test_cell(cells):
        cells[_index(cells, "gd_step")].source = WRONG_STEP
        del cells[_index(cells, "gd_step_tests")]

    return {
        "correct": (solution_with(MODULE, {}), 9),
        "stubs": (nbformat.read(ROOT / "course" / MODULE / f"{MODULE}.ipynb", as_version=4), 0),
        "wrong_step": (solution_with(MODULE, {"gd_step": WRONG_STEP}), 4),
        "wrong_trajectory": (solution_with(MODULE, {"gd_trajectory": MISSING_START}), 6),
        "wrong_and_malformed_quiz": (solution_with(MODULE, {"answer_gd_q1": 'answer_gd_q1 = "a"',
                                                            "answer_gd_q2": 'answer_gd_q2 = "zero point two"'}), 7),
        "syntax_error": (solution_with(MODULE, {"gd_step": "def gd_step(params, grads, state, *, learning_rate)\n    return"}), 4),
        "import_error": (solution_with(MODULE, {"gd_step": "import no_such_module\n\n" + RIGHT_STEP}), 4),
        "endless_loop": (solution_with(MODULE, {"gd_trajectory": "while True:\n    pass"}), 6),
        "loop_ignoring_interrupt": (solution_with(MODULE, {
            "gd_trajectory": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"}), 0),
        "kernel_crash": (solution_with(MODULE, {"gd_trajectory": "import os\nos._exit(1)"}), 0),
        "memory_blow_up": (solution_with(MODULE, {"gd_step": "hog = [np.ones(10**8) for _ in range(200)]\n\n" + RIGHT_STEP}), 4),
        "nan_results": (solution_with(MODULE, {"gd_step": NAN_STEP}), 4),
        "huge_output": (solution_with(MODULE, {"gd_step": RIGHT_STEP + "\n\nfor i in range(200_000):\n    print(i)"}), 9),
        "huge_lines": (solution_with(MODULE, {"gd_step": RIGHT_STEP + "\n\nfor i in range(5):\n    print('x' * 20_000_000)"}), 9),
        "edited_test_cell": (with_cell_edit(edited_test_cell), 4),
        "deleted_test_cell": (with_cell_edit(deleted_test_cell), 4),
        "skipped_test_cells": (with_cell_edit(skipped_test_cells), 4),      # tests are run whatever their tags
        "crashing_experiment": (with_cell_edit(crashing_experiment), 9),    # experiments are not run by the grader
        "answer_from_experiment": (with_cell_edit(answer_from_experiment), 9),  # ... unless an answer needs them
        "duplicated_test_cell": (with_cell_edit(lambda cells: _duplicate(cells, "gd_trajectory_tests")), 9),
        "changed_points": (with_cell_edit(lambda cells: _set_points(cells, "gd_step_tests", 50)), 9),
        "foreign_test_cell": (with_cell_edit(foreign_test_cell), 9),
        "deep_socket_tree": (solution_with(MODULE, {"gd_step": RIGHT_STEP + DEEP_SOCKET_TREE}), 9),
        "prints_history": (with_cell_edit(lambda cells: cells.append(nbformat.v4.new_code_cell(PRINTS_HISTORY))), 9),
        "script_in_feedback": (solution_with(MODULE, {"gd_step": RIGHT_STEP + SCRIPT}), 9),
        "metadata_flood": (solution_with(MODULE, {"gd_step": RIGHT_STEP + METADATA_FLOOD}), 9),
        "quoted_marker": (with_cell_edit(quoted_marker), 9),
        "patched_allclose": (solution_with(MODULE, {"gd_step": WRONG_STEP + "\n\nnp.allclose = lambda *args, **kwargs: True"}), 4),
        "patched_numpy_testing": (solution_with(MODULE, {
            "gd_step": WRONG_STEP + "\n\nnp.testing.assert_allclose = lambda *args, **kwargs: None"}), 4),
        "patched_checks": (solution_with(MODULE, {
            "gd_step": WRONG_STEP + "\n\nchecks.gd_step = checks.gd_trajectory = lambda *args, **kwargs: None"}), 4),
        "keras_wrapper": (solution_with(MODULE, {"gd_step": KERAS_STEP}), 4),
        "thief": (solution_with(MODULE, {"answer_gd_q1": f"GRADEBOOK = {str(gradebook)!r}\n" + THIEF}), 8),
        "missing": (None, None),
    }


def test_every_adversarial_submission_gets_its_exact_score(tmp_path, capsys):
    work = tmp_path / "work"
    submissions = tmp_path / "submissions"
    expected = {}
    for student, (notebook, score) in bank(work / "gradebook.db").items():
        (submissions / student).mkdir(parents=True)
        if notebook is not None:
            nbformat.write(notebook, submissions / student / f"{MODULE}.ipynb")
        expected[student] = score
    nbformat.write(solution_with(MODULE, {}), submissions / "renamed.ipynb")  # a loose, oddly named notebook
    expected["renamed"] = 9

    limits = grade.Limits(sandbox=True, memory_gb=3.0, cell_timeout=30, notebook_timeout=150)
    outcomes = {o.student: o for o in grade.grade(MODULE, submissions, work=work, jobs=2, limits=limits)}
    scores = grade.read_grades(work, MODULE)
    log = capsys.readouterr().out

    assert scores == {student: score for student, score in expected.items() if score is not None}, log
    # Submissions that could not be graded are reported with a reason, and only those.
    not_graded = {student for student, outcome in outcomes.items() if not outcome.graded}
    assert not_graded == {"loop_ignoring_interrupt", "kernel_crash", "missing"}, log
    assert "no notebook" in outcomes["missing"].reason
    assert "Kernel died" in outcomes["kernel_crash"].reason or "died" in outcomes["kernel_crash"].reason, outcomes["kernel_crash"]
    assert outcomes["loop_ignoring_interrupt"].reason, outcomes["loop_ignoring_interrupt"]

    # What the learners are told.
    def feedback(student):
        return (work / "feedback" / student / MODULE / f"{MODULE}.html").read_text()

    # What a learner's code patches in its own kernel changes nothing: the referee judges the step.
    assert "TensorFlow is not available while this module is graded" in feedback("keras_wrapper")
    for student in ("patched_allclose", "patched_numpy_testing", "patched_checks"):
        assert "the step goes uphill" in feedback(student), student
    assert "MemoryError" in feedback("memory_blow_up")
    assert "run while grading because it defines `one_step_rate`" in feedback("answer_from_experiment")
    # Honest students are never hurt by the grader: every graded notebook has its feedback, and a
    # solution cell that does not parse shows no hidden test (they sit below the visible check).
    hidden = f"seed={hidden_cases('gd_step')[0]['seed']}"
    for student, outcome in outcomes.items():
        if outcome.graded:
            assert not outcome.reason, (student, outcome.reason)
            assert hidden not in html.unescape(re.sub(r"<[^>]+>", "", feedback(student))), student
    assert "NameError" in feedback("syntax_error")
    # 100 MB printed in five lines is cut to the per-cell budget as it arrives.
    assert "truncated by the grader" in feedback("huge_lines") and len(feedback("huge_lines")) < 3_000_000
    graded_copy = work / "autograded" / "metadata_flood" / MODULE / f"{MODULE}.ipynb"
    assert graded_copy.stat().st_size < 12_000_000, "output metadata must count against the budget"
    # The hidden tests never reach the learner's kernel: its whole input history holds none of them.
    graded = nbformat.read(work / "autograded" / "prints_history" / MODULE / f"{MODULE}.ipynb", as_version=4)
    printed = "".join(output.get("text", "") for output in graded.cells[-1].outputs)
    assert "for text in In" in printed and "BEGIN HIDDEN TESTS" not in printed and hidden not in printed, printed
    assert "window.graderPwned = 1</script>" not in feedback("script_in_feedback"), "student HTML must not run in feedback"
