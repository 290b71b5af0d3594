"""autograder/grade.py: a class graded in one command, whatever shape the submissions come in."""
import shutil
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "autograder"))
import grade  # noqa: E402
from submissions import solution_with  # noqa: E402

MODULE = "01_gradient_descent"
pytestmark = pytest.mark.notebook


def test_a_class_of_mixed_submissions_is_graded_in_one_command(tmp_path, capsys):
    submissions = tmp_path / "submissions"
    (submissions / "ada").mkdir(parents=True)
    nbformat.write(solution_with(MODULE, {}), submissions / "ada" / "my work (1).ipynb")             # renamed notebook
    with zipfile.ZipFile(submissions / "ben.zip", "w") as archive:                          # LMS-style zip of the stub
        archive.write(ROOT / "course" / MODULE / f"{MODULE}.ipynb", f"ben/{MODULE}.ipynb")
    nbformat.write(solution_with(MODULE, {"gd_step": "def gd_step(params, grads, state, *, learning_rate):\n"
                                             "    return params + learning_rate * grads, state",
                                  "answer_gd_q2": "answer_gd_q2 = 0.5"}), submissions / "cy.ipynb")
    (submissions / "dee").mkdir()                                                          # nothing handed in
    (submissions / "eve.zip").write_bytes(b"not a zip file")

    work = tmp_path / "work"
    assert grade.main([MODULE, str(submissions), "--work", str(work), "--jobs", "2"]) == 0
    summary = capsys.readouterr().out
    assert grade.read_grades(work, MODULE) == {"ada": 9.0, "ben": 0.0, "cy": 3.0}
    assert "3 of 5 students graded" in summary
    assert "dee: no notebook for 01_gradient_descent" in summary and "eve: the zip file is damaged" in summary

    # Re-running is safe and gives the same grades.
    grade.main([MODULE, str(submissions), "--work", str(work), "--jobs", "2"])
    assert grade.read_grades(work, MODULE) == {"ada": 9.0, "ben": 0.0, "cy": 3.0}
    assert (work / "feedback" / "cy" / MODULE / f"{MODULE}.html").is_file()
