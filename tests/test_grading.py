"""End to end through nbgrader: release, autograde submissions, feedback without hidden tests."""
from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import release
from hidden_cases import hidden_cases
from submissions import solution_with

ROOT = Path(__file__).resolve().parents[1]
MODULE = "01_gradient_descent"
# As an instructor's shell would be: no pytest markers (ipykernel would stop forwarding stderr) and no
# TensorFlow quieting variables (nbgrader_config.py must set those itself).
ENV = {name: value for name, value in os.environ.items()
       if name not in ("PYTEST_CURRENT_TEST", "TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS")}
ENV["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
pytestmark = pytest.mark.tensorflow


def nbgrader(tmp: Path, *args: str) -> None:
    directories = {"release": "release", "submitted": "submitted", "autograded": "autograded", "feedback": "feedback"}
    overrides = [f"--CourseDirectory.{kind}_directory={tmp / name}" for kind, name in directories.items()]
    subprocess.run([sys.executable, "-m", "nbgrader", *args, "--force", *overrides,
                    f"--CourseDirectory.db_url=sqlite:///{tmp / 'gradebook.db'}"],
                   cwd=ROOT, env=ENV, check=True, capture_output=True)


def submit(tmp: Path, student: str, notebook) -> None:
    folder = tmp / "submitted" / student / MODULE
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / f"{MODULE}.ipynb")


def feedback_text(tmp: Path, student: str) -> str:
    """The feedback page as plain text (code in it is split into highlighting tags)."""
    page = (tmp / "feedback" / student / MODULE / f"{MODULE}.html").read_text()
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_autograde_scores_and_feedback_hides_hidden_tests(tmp_path):
    release.build(MODULE)  # the notebook nbgrader reads, from the text source
    nbgrader(tmp_path, "generate_assignment", MODULE)
    submit(tmp_path, "correct", solution_with(MODULE, {}))
    submit(tmp_path, "untouched", nbformat.read(ROOT / "course" / MODULE / f"{MODULE}.ipynb", as_version=4))
    # Uphill step (so both exercises fail: the trajectory uses it) and one wrong quiz answer: 3 quiz points left.
    submit(tmp_path, "mixed", solution_with(MODULE, {
        "gd_step": "def gd_step(params, grads, state, *, learning_rate):\n    return params + learning_rate * grads, state",
        "answer_gd_q2": "answer_gd_q2 = 0.5",
    }))
    # A solution cell that does not parse: the test cell after it fails with a NameError, whose
    # traceback would quote the hidden tests restored below the visible check.
    submit(tmp_path, "broken", solution_with(MODULE, {"gd_step": "def gd_step(params, grads, state, *, learning_rate)\n    return"}))
    nbgrader(tmp_path, "autograde", MODULE)

    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gradebook:
        scores = {student: gradebook.find_submission(MODULE, student).score
                  for student in ("correct", "untouched", "mixed", "broken")}
        max_score = gradebook.find_assignment(MODULE).max_score
        explain = {student: gradebook.find_grade("quiz_explain_gd", MODULE, MODULE, student).needs_manual_grade
                   for student in ("correct", "untouched")}
    # 10 points: 9 graded here, and 1 for the explain-why answer, which a person marks in Formgrader
    # (tests/test_manual_grading.py): until then it counts 0, and an untouched one needs no marking.
    assert max_score == 10
    assert scores == {"correct": 9, "untouched": 0, "mixed": 3, "broken": 4}
    assert explain == {"correct": True, "untouched": False}

    nbgrader(tmp_path, "generate_feedback", MODULE)
    for student in scores:
        text = feedback_text(tmp_path, student)
        assert "checks.gd_step(gd_step)" in text  # the visible test is there, so the search below can find code
        hidden_seed = f"seed={hidden_cases('gd_step')[0]['seed']}"
        assert hidden_seed not in text and "HIDDEN TESTS" not in text, f"{student}'s feedback shows hidden tests"
    assert "NameError: name 'gd_step' is not defined" in feedback_text(tmp_path, "broken")
    assert "goes uphill" in feedback_text(tmp_path, "mixed"), "feedback should name the mistake"
