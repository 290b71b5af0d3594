"""autograder/grade.py: a class graded in one command, whatever shape the submissions come in."""
import csv
import json
import shutil
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder import grade
from submissions import solution_with

ROOT = Path(__file__).resolve().parents[1]

MODULE = "01_gradient_descent"
pytestmark = pytest.mark.tensorflow


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


def test_the_whole_course_is_graded_in_one_command_without_running_the_experiments(tmp_path, capsys):
    submissions = tmp_path / "submissions"
    (submissions / "ada").mkdir(parents=True)
    for module in grade.modules():                                  # every module, fully correct
        nbformat.write(solution_with(module, {}), submissions / "ada" / f"{module}.ipynb")
    (submissions / "ben").mkdir()                                   # only Module 1 handed in, as a stub
    shutil.copy(ROOT / "course" / MODULE / f"{MODULE}.ipynb", submissions / "ben")

    work = tmp_path / "work"
    assert grade.main(["all", str(submissions), "--work", str(work), "--jobs", "2"]) == 0
    summary = capsys.readouterr().out

    full_marks = {}
    for module in grade.modules():
        released = nbformat.read(ROOT / "course" / module / f"{module}.ipynb", as_version=4)
        # Every point but those of the answers a person marks (markdown cells, "needs manual grade" until then).
        full_marks[module] = sum(cell.metadata.get("nbgrader", {}).get("points", 0) for cell in released.cells
                                 if cell.cell_type == "code")
        assert grade.read_grades(work, module).get("ada") == full_marks[module], (module, summary)
        graded = nbformat.read(work / "autograded" / "ada" / module / f"{module}.ipynb", as_version=4)
        code = [cell for cell in graded.cells if cell.cell_type == "code"]
        skipped = [cell for cell in code if cell.source.startswith("# (An experiment: not run while grading")]
        assert skipped and not any(cell.outputs for cell in skipped), module
        # Everything the grader did run ran cleanly: no experiment was needed by a graded cell.
        errors = [cell.source[:60] for cell in code if any(o.output_type == "error" for o in cell.get("outputs", []))]
        assert not errors, (module, errors)
    assert grade.read_grades(work, MODULE)["ben"] == 0
    assert "ben 02_sgd: no notebook for 02_sgd" in summary
    assert f"{len(grade.modules()) + 1} of {2 * len(grade.modules())} notebooks graded" in summary


def test_grading_what_nbgrader_collect_wrote_leaves_every_file_and_keeps_submission_times(tmp_path, capsys):
    """As on a hub: `nbgrader collect` fills autograder/work/submitted (notebook and timestamp.txt), grade.py grades it."""
    work = tmp_path / "work"
    collected = work / "submitted"                         # nbgrader_config.py's submitted_directory, under --work
    times = {"ada": "2026-11-30 17:05:00.000000 UTC", "ben": "2026-12-01 09:30:00.000000 UTC"}
    wrong = {"gd_step": "def gd_step(params, grads, state, *, learning_rate):\n    return params + learning_rate * grads, state"}
    for student, replacements in (("ada", {}), ("ben", wrong)):
        folder = collected / student / MODULE
        folder.mkdir(parents=True)
        nbformat.write(solution_with(MODULE, replacements), folder / f"{MODULE}.ipynb")
        (folder / "timestamp.txt").write_text(times[student])
    before = {path: path.read_bytes() for path in collected.rglob("*") if path.is_file()}
    assert len(before) == 4

    # Due at 07:00: Ben is 2.5 hours late, 3 started hours, 10 % each.
    assert grade.main([MODULE, str(collected), "--work", str(work), "--jobs", "2",
                       "--due", "2026-12-01 07:00:00 UTC", "--late-policy", "per-hour:10"]) == 0
    assert {path: path.read_bytes() for path in collected.rglob("*") if path.is_file()} == before
    with open(work / "grades.csv", newline="") as table:
        recorded = {row["student_id"]: (row["timestamp"], row["raw_score"], row["late_submission_penalty"], row["score"])
                    for row in csv.DictReader(table)}
    assert recorded == {"ada": ("2026-11-30 17:05:00", "9.0", "0.0", "9.0"),
                        "ben": ("2026-12-01 09:30:00", "4.0", "1.2", "2.8")}  # both exercises fail, the quiz is right
    assert "Late submission penalty (Score: -1.2)" in (work / "feedback" / "ben" / MODULE / f"{MODULE}.html").read_text()

    # Ben fixes his step and is graded again on his own: Ada's grade, and every submitted file, stay;
    # the late policy of the first run still holds (30 % of 9).
    nbformat.write(solution_with(MODULE, {}), collected / "ben" / MODULE / f"{MODULE}.ipynb")
    before = {path: path.read_bytes() for path in collected.rglob("*") if path.is_file()}
    assert grade.main([MODULE, str(collected), "--work", str(work), "--student", "ben"]) == 0
    assert "1 of 1 students graded" in capsys.readouterr().out
    assert grade.read_grades(work, MODULE) == {"ada": 9.0, "ben": 6.3}
    assert {path: path.read_bytes() for path in collected.rglob("*") if path.is_file()} == before


def test_grading_refuses_a_submissions_folder_grade_py_itself_rewrites(tmp_path):
    work = tmp_path / "work"
    (work / grade.COPIES / "ada" / MODULE).mkdir(parents=True)
    (work / "autograded").mkdir()
    for inside in (work / grade.COPIES, work / "autograded", work):
        with pytest.raises(SystemExit, match="overlaps"):
            grade.grade(MODULE, inside, work=work)


@pytest.mark.parametrize("role", ["work", "submissions"])
def test_grading_refuses_a_folder_to_hide_that_holds_what_the_sandbox_runs_from(tmp_path, monkeypatch, role):
    """The sandbox hides the work and submissions folders whole: one holding the course (here) or its Python
    would leave the kernel unable to start or to import the course, and every answer would read as None."""
    def not_reached(*args, **kwargs):
        raise AssertionError("grading went on")

    monkeypatch.setattr(grade.sandbox, "write_kernel_spec", not_reached)  # nothing is written into the course
    monkeypatch.setattr(grade, "_nbgrader", not_reached)
    (tmp_path / "class").mkdir()
    work, submissions = (ROOT, tmp_path / "class") if role == "work" else (tmp_path / "work", ROOT)
    with pytest.raises(SystemExit) as refused:
        grade.grade(MODULE, submissions, work=work)
    script = ROOT / "autograder" / "sandbox.py"
    assert str(refused.value) == {
        "work": f"The work folder {ROOT} holds the grading sandbox's kernel script ({script}), which the grading "
                "sandbox would hide with it; give --work a folder outside the course and its Python.",
        "submissions": f"The submissions folder {ROOT} holds the grading sandbox's kernel script ({script}), which the "
                       "grading sandbox would hide with it; give a folder of submissions that holds neither the course "
                       "nor its Python."}[role]
    assert not (tmp_path / "work").exists()


def _count_autograde_calls(monkeypatch, first_attempt: dict | None = None, *, first_kernel_silent: bool = False) -> list[str]:
    """The student of every `nbgrader autograde` grade.py starts; ``first_attempt`` changes the limits of the first.

    ``first_kernel_silent``: the first attempt's kernel starts but never answers (its kernel spec, in the
    work folder, runs a process that only sleeps), as a kernel on a machine too busy to start one in time.
    """
    calls, real = [], grade.autograde

    def counted(assignment, work, limits, *selection):
        calls.append(selection[selection.index("--student") + 1])
        if len(calls) > 1:
            return real(assignment, work, limits, *selection)
        limits = limits._replace(**(first_attempt or {}))
        if not first_kernel_silent:
            return real(assignment, work, limits, *selection)
        spec = work / "jupyter" / "kernels" / grade.sandbox.KERNEL_NAME / "kernel.json"
        kept = spec.read_text()
        silent = {**json.loads(kept), "argv": [sys.executable, "-c", "import time; time.sleep(600)", "{connection_file}"]}
        spec.write_text(json.dumps(silent))
        try:
            return real(assignment, work, limits, *selection)
        finally:
            spec.write_text(kept)

    monkeypatch.setattr(grade, "autograde", counted)
    return calls


def test_a_notebook_whose_kernel_did_not_start_in_time_is_graded_a_second_time(tmp_path, monkeypatch, capsys):
    (tmp_path / "class" / "ada").mkdir(parents=True)
    nbformat.write(solution_with(MODULE, {}), tmp_path / "class" / "ada" / f"{MODULE}.ipynb")
    # As on a machine too busy to start a kernel in the time allowed: the first attempt's kernel never
    # answers, and it is allowed no time (a kernel that does answer within nbclient's first second of
    # waiting would be accepted even then, so that alone does not make the first attempt fail).
    calls = _count_autograde_calls(monkeypatch, first_attempt={"kernel_start_timeout": 0}, first_kernel_silent=True)
    work = tmp_path / "work"
    assert grade.main([MODULE, str(tmp_path / "class"), "--work", str(work), "--jobs", "1"]) == 0
    summary = capsys.readouterr().out
    assert calls == ["ada", "ada"]
    assert grade.read_grades(work, MODULE) == {"ada": 9.0}
    assert "1 of 1 students graded" in summary
    assert ("ada: graded a second time, because the first attempt failed on the grading machine's side "
            "(RuntimeError: Kernel didn't respond in 0 seconds)") in summary, summary


def test_a_submission_s_own_time_limit_or_crash_is_not_graded_again(tmp_path, monkeypatch, capsys):
    submissions = tmp_path / "class"
    for student, step in (("slow", "import time\ntime.sleep(600)"), ("crash", "import os\nos._exit(1)")):
        (submissions / student).mkdir(parents=True)
        nbformat.write(solution_with(MODULE, {"gd_step": step}), submissions / student / f"{MODULE}.ipynb")
    calls = _count_autograde_calls(monkeypatch)
    work = tmp_path / "work"
    assert grade.main([MODULE, str(submissions), "--work", str(work), "--jobs", "2", "--timeout", "45"]) == 0
    summary = capsys.readouterr().out
    assert sorted(calls) == ["crash", "slow"]
    assert "0 of 2 students graded" in summary and "second time" not in summary
    assert "slow: grading took longer than 45 s and was stopped" in summary
    # (a machine under heavy load may reach the time limit before the crash: that is not retried either)
    assert "crash: nbclient.exceptions.DeadKernelError: Kernel died" in summary or "crash: grading took longer" in summary
