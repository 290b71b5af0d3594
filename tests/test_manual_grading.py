"""Explain-why answers are marked by a person: grading leaves them to Formgrader, says so, reports an
answer left empty as unanswered (not as an error), and counts a mark once it is given."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import grade, rubric
from submissions import solution_with

ROOT = Path(__file__).resolve().parents[1]
MODULE = "01_gradient_descent"
pytestmark = pytest.mark.tensorflow


def give_mark(work: Path, student: str, points: float) -> None:
    """What Formgrader's Manual Grading view does when the instructor types a score (its GradeHandler)."""
    with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gradebook:
        found = gradebook.find_grade("quiz_explain_gd", MODULE, MODULE, student)
        found.manual_score = points
        found.needs_manual_grade = False
        gradebook.db.commit()


def test_an_explain_why_answer_waits_for_a_person_and_counts_once_marked(tmp_path, capsys):
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    nbformat.write(solution_with(MODULE, {}), submissions / "ada.ipynb")                              # wrote an answer
    nbformat.write(solution_with(MODULE, {"quiz_explain_gd": "YOUR ANSWER HERE"}), submissions / "ben.ipynb")  # left as released
    nbformat.write(solution_with(MODULE, {"quiz_explain_gd": "  \n"}), submissions / "cy.ipynb")             # emptied it
    work = tmp_path / "work"

    assert grade.main([MODULE, str(submissions), "--work", str(work), "--jobs", "2"]) == 0
    printed = capsys.readouterr().out
    # Everything the grader scores is right for all three; the written answer is worth 1 more point.
    assert grade.read_grades(work, MODULE) == {"ada": 9.0, "ben": 9.0, "cy": 9.0}
    with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gradebook:
        assert gradebook.find_assignment(MODULE).max_score == 10
        flags = {s: (g.needs_manual_grade, g.auto_score) for s in ("ada", "ben", "cy")
                 for g in [gradebook.find_grade("quiz_explain_gd", MODULE, MODULE, s)]}
    assert flags == {"ada": (True, None), "ben": (False, 0.0), "cy": (False, 0.0)}
    assert "1 written answer(s) need manual grading in Formgrader" in printed and printed.count("ada quiz_explain_gd") == 1
    assert "2 written answer(s) left unanswered (0 points, nothing to mark): ben quiz_explain_gd, cy quiz_explain_gd" in printed
    assert "Error" not in printed and "Traceback" not in printed

    give_mark(work, "ada", 1.0)
    assert grade.main([MODULE, str(submissions), "--work", str(work), "--student", "ada"]) == 0  # re-grading keeps the mark
    printed = capsys.readouterr().out
    assert "need manual grading" not in printed
    assert grade.read_grades(work, MODULE) == {"ada": 10.0, "ben": 9.0, "cy": 9.0}
    assert [a.state for a in grade.manual_answers(work, [("ada", MODULE), ("ben", MODULE)])] == [grade.MARKED, grade.UNANSWERED]


def test_the_rubric_is_in_the_source_for_the_instructor_and_in_no_learner_notebook(capsys):
    assert rubric.main([MODULE]) == 0
    printed = capsys.readouterr().out
    assert "quiz_explain_gd (1 point)" in printed and "**Rubric (1 point).**" in printed and "Model answer" in printed
    for notebook in (ROOT / "course").glob("*/*.ipynb"):
        text = notebook.read_text()
        assert "Rubric (1 point)" not in text and "Model answer" not in text, notebook
    for module in [path.name for path in (ROOT / "course").iterdir() if path.name < "07"]:
        released = nbformat.read(ROOT / "course" / module / f"{module}.ipynb", as_version=4)
        manual = [c for c in released.cells if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade")]
        assert [c.source for c in manual] == ["YOUR ANSWER HERE"], module
    assert rubric.main(["no_such_module"]) == 1
