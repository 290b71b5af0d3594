"""grade.py --scheduler: a class graded on a real Dask cluster (a scheduler and two workers on 127.0.0.1)."""
import contextlib
import csv
import os
import signal
import threading
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from autograder import dask_grading, grade
from submissions import solution_with

pytest.importorskip("distributed")
pytestmark = pytest.mark.tensorflow

MODULE = "01_gradient_descent"
WRONG_STEP = {"gd_step": "def gd_step(params, grads, state, *, learning_rate):\n    return params + learning_rate * grads, state"}
LATE_POLICY = ["--due", "2026-12-01 07:00:00 UTC", "--late-policy", "per-hour:10"]


def a_class(folder: Path, size: int = 4) -> Path:
    """Full marks, a stub, a wrong step with a wrong quiz answer, and a late full-marks one; then more full ones."""
    kinds = [{}, None, {**WRONG_STEP, "answer_gd_q2": "answer_gd_q2 = 0.5"}, {}]
    for n in range(size):
        student = folder / f"student{n}"
        student.mkdir(parents=True)
        kind = kinds[n] if n < len(kinds) else {}
        notebook = nbformat.read(Path(grade.ROOT) / "course" / MODULE / f"{MODULE}.ipynb", as_version=4) if kind is None \
            else solution_with(MODULE, kind)
        nbformat.write(notebook, student / f"{MODULE}.ipynb")
        if n == 3:  # 2.5 hours late: 3 started hours at 10 %
            (student / "timestamp.txt").write_text("2026-12-01 09:30:00.000000 UTC")
    return folder


def gradebook_rows(work: Path) -> dict:
    """Every grade, comment and late penalty in the gradebook, by student and cell."""
    from nbgrader.api import Gradebook

    rows = {}
    with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gradebook:
        for submission in gradebook.assignment_submissions(MODULE):
            for notebook in submission.notebooks:
                rows[submission.student.id, "late"] = (str(submission.timestamp), notebook.late_submission_penalty)
                for g in notebook.grades:
                    rows[submission.student.id, g.name] = (g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade)
                for c in notebook.comments:
                    rows[submission.student.id, c.name] = (c.auto_comment, c.manual_comment)
    return rows


def produced(work: Path, kind: str) -> dict:
    folder = work / kind
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def without_run_times(files: dict) -> dict:
    """Graded notebooks as read, without the execution timestamps Jupyter puts in each cell's metadata."""
    kept = {}
    for name, content in files.items():
        if name.endswith(".ipynb"):
            notebook = nbformat.reads(content.decode(), as_version=4)
            for cell in notebook.cells:
                cell.metadata.pop("execution", None)
            content = nbformat.writes(notebook)
        kept[name] = content
    return kept


def test_the_dask_path_gives_the_same_grades_and_feedback_as_local_grading(tmp_path, capsys):
    submissions = a_class(tmp_path / "class")
    local, remote = tmp_path / "local", tmp_path / "dask"
    assert grade.main([MODULE, str(submissions), "--work", str(local), "--jobs", "2", *LATE_POLICY]) == 0
    with dask_grading.local_cluster(tmp_path) as (address, scheduler_file, _):
        assert grade.main([MODULE, str(submissions), "--work", str(remote), "--scheduler-file", str(scheduler_file),
                           *LATE_POLICY]) == 0
    summary = capsys.readouterr().out
    assert summary.count("4 of 4 students graded") == 2, summary  # both runs graded everyone

    assert grade.read_grades(remote, MODULE) == {"student0": 9.0, "student1": 0.0, "student2": 3.0, "student3": 6.3}
    assert (remote / "grades.csv").read_text() == (local / "grades.csv").read_text()
    assert gradebook_rows(remote) == gradebook_rows(local)
    assert produced(remote, "feedback") == produced(local, "feedback")
    # The graded notebooks too, but for the times at which each cell ran.
    assert without_run_times(produced(remote, "autograded")) == without_run_times(produced(local, "autograded"))
    assert "Late submission penalty (Score: -2.7)" in (remote / "feedback" / "student3" / MODULE / f"{MODULE}.html").read_text()
    assert (remote / "misconceptions.csv").read_text() == (local / "misconceptions.csv").read_text()


def test_a_merge_that_fails_half_way_leaves_nothing_of_it_in_the_gradebook(tmp_path):
    submissions = a_class(tmp_path / "class", size=1)
    work = tmp_path / "work"
    grade.grade(MODULE, submissions, work=work, jobs=1)
    before = gradebook_rows(work)
    good = dask_grading.grade_in_task(dask_grading.Task(
        MODULE, "student0", {f"{MODULE}.ipynb": (work / grade.COPIES / "student0" / MODULE / f"{MODULE}.ipynb").read_bytes()},
        dask_grading._snapshot(work / "gradebook.db"), grade.Limits(), (), tuple(map(str, grade.hidden_from_students(work, submissions)))))
    assert good.outcome.graded and good.worker == "this process" and good.feedback

    # A new student and a known one, each with a result that lacks one cell's grade: the merge fails
    # after it has changed some rows, and none of them stays.
    grade._register_students(work, ["newcomer"])
    cells = dict(good.grades["notebooks"][MODULE]["grades"])
    cells = {name: (0.0, None, None, False) for name in list(cells)[1:]}
    broken = {**good.grades, "notebooks": {MODULE: {**good.grades["notebooks"][MODULE], "grades": cells}}}
    for student in ("newcomer", "student0"):
        result = good._replace(outcome=good.outcome._replace(student=student), grades=broken)
        with pytest.raises(KeyError):
            dask_grading.merge(work, result)
        assert gradebook_rows(work) == before
    assert not (work / "autograded" / "newcomer").exists()


def test_an_unreachable_scheduler_is_one_sentence_and_nothing_is_graded(tmp_path):
    submissions = a_class(tmp_path / "class", size=1)
    with contextlib.closing(__import__("socket").socket()) as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SystemExit) as stopped:
        grade.main([MODULE, str(submissions), "--work", str(tmp_path / "work"), "--scheduler", f"tcp://127.0.0.1:{port}"])
    assert str(stopped.value) == (f"Could not reach the Dask scheduler at tcp://127.0.0.1:{port} within 10 s (OSError); "
                                  "start it (dask scheduler) or grade here without --scheduler.")
    assert not (tmp_path / "work").exists()
    with pytest.raises(SystemExit, match="There is no scheduler file"):
        grade.main([MODULE, str(submissions), "--scheduler-file", str(tmp_path / "none.json")])


def _kill_a_worker_mid_task(processes, killed: list) -> None:
    """Wait until a worker is running `nbgrader autograde`, let it work 2 s, then kill its whole process group."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        for process in processes:
            with contextlib.suppress(psutil.Error):
                if any("autograde" in " ".join(child.cmdline()) for child in psutil.Process(process.pid).children(recursive=True)):
                    time.sleep(2)
                    os.killpg(process.pid, signal.SIGKILL)
                    killed.append(process.pid)
                    return
        time.sleep(0.2)


def test_a_worker_killed_mid_task_costs_a_retry_and_every_grade_is_kept(tmp_path, capsys):
    submissions = a_class(tmp_path / "class", size=5)
    work = tmp_path / "work"
    with dask_grading.local_cluster(tmp_path) as (address, _, processes):
        killed = []
        killer = threading.Thread(target=_kill_a_worker_mid_task, args=(processes, killed))
        killer.start()
        assert grade.main([MODULE, str(submissions), "--work", str(work), "--scheduler", address, *LATE_POLICY]) == 0
        killer.join()
    summary = capsys.readouterr().out
    assert killed, summary
    assert grade.read_grades(work, MODULE) == {"student0": 9.0, "student1": 0.0, "student2": 3.0, "student3": 6.3, "student4": 9.0}
    assert "5 of 5 students graded" in summary
    retried = [line for line in summary.splitlines() if "a Dask worker stopped while grading it, so it was graded again on" in line]
    assert len(retried) >= 2, summary  # its progress line and its summary line
    with open(work / "grades.csv", newline="") as table:
        assert sorted(row["student_id"] for row in csv.DictReader(table)) == [f"student{n}" for n in range(5)]
    for n in range(5):
        assert (work / "feedback" / f"student{n}" / MODULE / f"{MODULE}.html").is_file()


def _graded_students(work: Path) -> set[str]:
    """The students whose graded notebook grade.py has put in place (after their grades were merged)."""
    return {folder.parent.name for folder in (work / "autograded").glob(f"*/{MODULE}")}


def _kill_the_scheduler_after_a_merge(scheduler_file: Path, work: Path, killed: list) -> None:
    """Wait until one notebook's grades are merged, then kill the `dask scheduler` process."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not _graded_students(work):
        time.sleep(0.2)
    for process in psutil.process_iter(["cmdline"]):
        if "scheduler" in (process.info["cmdline"] or []) and str(scheduler_file) in process.info["cmdline"]:
            killed.append(sorted(_graded_students(work)))
            process.kill()


EXPECTED = {"student0": 9.0, "student1": 0.0, "student2": 3.0, "student3": 6.3}  # a_class's grades, late penalty applied


def test_a_scheduler_that_dies_mid_run_keeps_the_merged_grades_and_reports_the_rest(tmp_path, capsys):
    submissions = a_class(tmp_path / "class", size=4)
    work = tmp_path / "work"
    with dask_grading.local_cluster(tmp_path, workers=1) as (address, scheduler_file, _):
        killed = []
        killer = threading.Thread(target=_kill_the_scheduler_after_a_merge, args=(scheduler_file, work, killed))
        killer.start()
        assert grade.main([MODULE, str(submissions), "--work", str(work), "--scheduler", address, *LATE_POLICY]) == 0
        killer.join()
    captured = capsys.readouterr()
    summary = captured.out
    assert killed and "Traceback" not in summary + captured.err, summary
    graded = {line.split()[1].rstrip(":") for line in summary.splitlines() if line.startswith("[") and ": graded" in line}
    assert set(killed[0]) <= graded < set(EXPECTED), summary
    assert f"{len(graded)} of 4 students graded" in summary
    # What was merged before the scheduler died is kept, and right; the rest has nothing in the gradebook.
    assert {who: score for who, score in grade.read_grades(work, MODULE).items() if who in graded} == \
        {who: EXPECTED[who] for who in graded}
    assert {who for who, _ in gradebook_rows(work)} == graded
    for who in set(EXPECTED) - graded:
        assert (f"  {who}: the Dask scheduler stopped before this notebook came back, so nothing of it is in the "
                "gradebook; grade it again (the notebooks already graded are kept)") in summary.splitlines(), summary
        assert not (work / "autograded" / who).exists()


def _keep_killing_the_worker_grading(student: str, processes, stop: threading.Event, kills: list) -> None:
    """Whenever a worker runs `nbgrader autograde --student STUDENT`, kill that worker process and everything it
    started (its nanny, `dask worker`, starts a new one), until ``stop``."""
    while not stop.is_set():
        for nanny in processes:
            with contextlib.suppress(psutil.Error):
                for worker in psutil.Process(nanny.pid).children():
                    tree = worker.children(recursive=True)
                    if any("autograde" in (command := " ".join(p.cmdline())) and f"--student {student}" in command for p in tree):
                        for process in [worker, *tree]:
                            with contextlib.suppress(psutil.Error):
                                process.kill()
                        kills.append(worker.pid)
        time.sleep(0.2)


def test_a_notebook_that_keeps_killing_its_worker_is_reported_and_every_other_grade_kept(tmp_path, capsys):
    submissions = a_class(tmp_path / "class", size=3)
    work = tmp_path / "work"
    # The scheduler gives up on a task after 1 dead worker more than it allows (here 2 deaths; by default 4).
    with dask_grading.local_cluster(tmp_path, allowed_failures=1) as (address, _, processes):
        stop, kills = threading.Event(), []
        killer = threading.Thread(target=_keep_killing_the_worker_grading, args=("student1", processes, stop, kills))
        killer.start()
        try:
            assert grade.main([MODULE, str(submissions), "--work", str(work), "--scheduler", address, *LATE_POLICY]) == 0
        finally:
            stop.set()
            killer.join()
    summary = capsys.readouterr().out
    assert len(kills) == 2, summary
    assert "2 of 3 students graded" in summary
    assert ("  student1: the Dask workers grading it stopped 2 times, so the scheduler gave up; nothing of it is in the "
            "gradebook") in summary.splitlines(), summary
    assert {who: score for who, score in grade.read_grades(work, MODULE).items() if who != "student1"} == \
        {"student0": 9.0, "student2": 3.0}
    assert {who for who, _ in gradebook_rows(work)} == {"student0", "student2"}
    assert not (work / "autograded" / "student1").exists() and not (work / "feedback" / "student1").exists()


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two cores to pin two workers apart")
def test_pinned_workers_each_run_on_a_core_of_their_own(tmp_path):
    """The benchmark's one-core-per-worker configuration: worker n, and what it starts, may use core n only."""
    with dask_grading.local_cluster(tmp_path, workers=2, pin=True) as (_, _, processes):
        assert [os.sched_getaffinity(p.pid) for p in processes] == [{0}, {1}]
        for process in processes:
            assert psutil.Process(process.pid).name().startswith(("dask", "python")), "taskset must exec the worker"
    (tmp_path / "unpinned").mkdir()
    with dask_grading.local_cluster(tmp_path / "unpinned", workers=1) as (_, _, processes):
        assert os.sched_getaffinity(processes[0].pid) == os.sched_getaffinity(0)
