"""What grade.py does to a submission before nbgrader sees it, and how it reports missing feedback (no kernel)."""
import subprocess

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell

from autograder import grade

MODULE = "01_gradient_descent"


def cell(source, **nbgrader):
    made = new_code_cell(source)
    if nbgrader:
        made.metadata["nbgrader"] = {"schema_version": 3, "solution": False, "locked": True, "grade": False, **nbgrader}
    return made


def test_copied_and_foreign_grade_cells_become_plain_cells_and_the_real_ones_stay():
    known = grade._grade_ids(MODULE)
    assert {"gd_step", "gd_step_tests", "quiz_gd_q1_check"} <= set(known)
    nb = nbformat.v4.new_notebook(cells=[
        cell("checks.gd_step(gd_step)", grade_id="gd_step_tests", grade=True, points=2),
        cell("checks.gd_step(gd_step)", grade_id="gd_step_tests", grade=True, points=2),            # a copy
        cell("checks.minibatch_indices(f)", grade_id="minibatch_indices_tests", grade=True, points=2),  # Module 2's
        cell("x = 1", task=False),                                                                   # no grade_id
    ])
    tidy = grade._tidy(nb, known)
    assert [c.metadata.get("nbgrader", {}).get("grade_id") for c in tidy.cells[:4]] == ["gd_step_tests", None, None, None]


def test_missing_solution_cells_come_back_as_released_stubs_so_their_tests_can_be_graded_zero():
    known = grade._grade_ids(MODULE)
    solutions = {grade_id for grade_id, stub in known.items() if stub is not None}
    assert {"gd_step", "gd_trajectory", "answer_gd_q1"} <= solutions
    kept = cell("def gd_step(w, g, lr): return w - lr * g", grade_id="gd_step", solution=True, locked=False)
    tidy = grade._tidy(nbformat.v4.new_notebook(cells=[kept]), known)
    added = tidy.cells[1:]
    assert tidy.cells[0].source == kept.source  # the learner's own cell is untouched, not duplicated
    assert sorted(c.metadata.nbgrader["grade_id"] for c in added) == sorted(solutions - {"gd_step"})
    assert all("BEGIN SOLUTION" not in c.source and "YOUR" in c.source for c in added), "a stub must come from course/, not the source"


def test_the_submission_secret_is_carried_next_to_the_copy(tmp_path):
    submitted = tmp_path / "submitted" / "ada" / MODULE
    submitted.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), submitted / f"{MODULE}.ipynb")
    (submitted / "timestamp.txt").write_text("2026-12-08 10:00:00 UTC\n")
    (submitted / "submission_secret.txt").write_text("4f2a")
    grade.collect([MODULE], tmp_path / "submitted", tmp_path / "copies")
    copy = tmp_path / "copies" / "ada" / MODULE
    assert (copy / "submission_secret.txt").read_text() == "4f2a"
    assert (copy / "timestamp.txt").read_text().strip() == "2026-12-08 10:00:00 UTC"


def test_a_quoted_hidden_test_marker_is_defused_outside_the_test_cells_only():
    known = grade._grade_ids(MODULE)
    test_cell = cell("checks.gd_step(gd_step)\n### BEGIN HIDDEN TESTS\nchecks.gd_step(gd_step, seed=1)\n### END HIDDEN TESTS",
                     grade_id="gd_step_tests", grade=True, points=2)
    note = new_markdown_cell("I read that tests hide behind ### BEGIN HIDDEN TESTS")
    solution = cell("def gd_step(): pass  # ### END HIDDEN TESTS", grade_id="gd_step", solution=True, locked=False)
    original = test_cell.source
    tidy = grade._tidy(nbformat.v4.new_notebook(cells=[test_cell, note, solution]), known)
    assert tidy.cells[0].source == original  # the assignment's own test cell keeps its markers
    assert tidy.cells[1].source == "I read that tests hide behind ### BEGIN HIDDEN-TESTS"
    assert tidy.cells[2].source == "def gd_step(): pass  # ### END HIDDEN-TESTS"


def test_a_graded_notebook_without_feedback_is_reported_with_nbgrader_s_reason(tmp_path):
    page = tmp_path / "feedback" / "ada" / MODULE / f"{MODULE}.html"
    page.parent.mkdir(parents=True)
    page.write_text("<html></html>")
    log = subprocess.CompletedProcess([], 0, "", "[GenerateFeedback | ERROR] There was an error processing bob\n")
    ada = grade.Outcome("ada", MODULE, True, "", 1.0)
    bob = grade.Outcome("bob", MODULE, True, "", 1.0)
    absent = grade.Outcome("cy", MODULE, False, "no notebook for 01_gradient_descent in the submission", 0.0)
    assert grade._with_feedback_checked(ada, tmp_path, log) == ada
    assert grade._with_feedback_checked(absent, tmp_path, log) == absent
    reported = grade._with_feedback_checked(bob, tmp_path, log)
    assert reported.graded and reported.reason == ("graded, but no feedback could be written: "
                                                   "[GenerateFeedback | ERROR] There was an error processing bob")
