"""Grading on an existing Dask cluster: one self-contained task per notebook, merged one at a time.

``grade.py --scheduler ADDRESS`` (or ``--scheduler-file FILE``) hands each student's notebook to the
cluster as a task that carries everything it needs as plain data: the notebook (and its
``timestamp.txt``), a snapshot of the instructor's gradebook and the grading limits. On the worker
the task makes its own work folder, writes the sandbox's kernel spec there, runs the same
``nbgrader autograde --student`` as local grading (same sandbox, same cell and notebook time
limits), writes the student's feedback page, and sends back the graded notebook, the page and the
student's grades as read from its gradebook copy. The instructor's process merges each result into
the real gradebook in one transaction, one result at a time, so the gradebook has one writer
however many workers grade.

A worker that dies mid-task costs nothing but time: Dask gives the task to another worker (its
own work folder is gone with it, and nothing of it reached the gradebook), and the summary says so.
A scheduler that dies mid-run cancels what is still out: the notebooks merged so far are kept, each
other one is reported in one sentence.
Workers need the course at the same path as the instructor's copy, with the same environment
(a shared container image, say), and bubblewrap for the sandbox.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from autograder import grade

__all__ = ["Task", "TaskResult", "connect", "grade_in_task", "grade_on_cluster", "local_cluster", "merge"]

CONNECT_SECONDS = 10   # to reach the scheduler
WORKERS_SECONDS = 30   # for a first worker to be there


class Task(NamedTuple):
    """One notebook to grade, with everything the worker needs (plain data only)."""

    assignment: str
    student: str
    files: dict          # {file name: bytes}: the tidied notebook and its timestamp.txt
    gradebook: bytes     # a snapshot of the instructor's SQLite gradebook (assignments, students, due dates)
    limits: grade.Limits
    options: tuple       # more `nbgrader autograde` options (the late policy's)
    hidden: tuple        # folders student code must not see, besides the task's own work folder


class TaskResult(NamedTuple):
    outcome: grade.Outcome
    grades: dict | None  # the submission as the task's gradebook recorded it (None: no submission recorded)
    autograded: dict     # {relative path: bytes} of the autograded folder
    feedback: dict       # {relative path: bytes} of the feedback folder
    worker: str          # which worker graded it


def connect(scheduler: str | None = None, scheduler_file: Path | None = None):
    """A ``distributed.Client`` of the cluster, or SystemExit with one sentence saying why there is none."""
    try:
        from distributed import Client
    except ImportError:
        raise SystemExit("Grading on Dask needs dask and distributed: pip install '.[grading]'.") from None
    where = scheduler or f"the address in {scheduler_file}"
    if scheduler_file is not None and not Path(scheduler_file).is_file():
        raise SystemExit(f"There is no scheduler file {scheduler_file}; `dask scheduler --scheduler-file FILE` writes it.")
    try:
        client = Client(scheduler, scheduler_file=None if scheduler_file is None else str(scheduler_file),
                        timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise SystemExit(f"Could not reach the Dask scheduler at {where} within {CONNECT_SECONDS} s "
                         f"({type(error).__name__}); start it (dask scheduler) or grade here without --scheduler.") from None
    try:
        client.wait_for_workers(1, timeout=WORKERS_SECONDS)
    except (OSError, TimeoutError):
        client.close()
        raise SystemExit(f"The Dask scheduler at {where} has had no worker for {WORKERS_SECONDS} s; "
                         "start one (dask worker ADDRESS --nthreads 1) or grade here without --scheduler.") from None
    return client


def _snapshot(database: Path) -> bytes:
    """The gradebook's bytes, copied consistently (SQLite's backup) even if something reads it."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "gradebook.db"
        source, target = sqlite3.connect(database), sqlite3.connect(copy)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return copy.read_bytes()


def _files(folder: Path) -> dict:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def _read_submission(database: Path, assignment: str, student: str) -> dict | None:
    """What autograde recorded for one submission, as plain data."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{database}") as gradebook:
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return None
        return {"timestamp": submission.timestamp, "extension": submission.extension,
                "notebooks": {notebook.name: {
                    "flagged": notebook.flagged, "late_submission_penalty": notebook.late_submission_penalty,
                    "grades": {g.name: (g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade) for g in notebook.grades},
                    "comments": {c.name: (c.auto_comment, c.manual_comment) for c in notebook.comments},
                } for notebook in submission.notebooks}}


def grade_in_task(task: Task) -> TaskResult:
    """Grade one notebook in a work folder of its own (this runs on a Dask worker)."""
    try:
        from distributed import get_worker
        worker = get_worker().address
    except (ImportError, ValueError):  # called outside a worker (a test, or a debugging session)
        worker = "this process"
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="grade-task-") as folder:
        work = Path(folder) / "work"
        copy = work / grade.COPIES / task.student / task.assignment
        copy.mkdir(parents=True)
        (work / "gradebook.db").write_bytes(task.gradebook)
        for name, content in task.files.items():
            (copy / name).write_bytes(content)
        try:
            if task.limits.sandbox:
                from autograder import sandbox
                sandbox.write_kernel_spec(work / "jupyter", hide=[*map(Path, task.hidden), work],
                                          memory_gb=task.limits.memory_gb)
            outcome = grade.grade_notebook(task.assignment, task.student, work, task.limits, task.options)
            if outcome.graded:  # the feedback page, from this task's own gradebook
                written = grade._nbgrader("generate_feedback", task.assignment, "--student", task.student, "--force", work=work)
                outcome = grade._with_feedback_checked(outcome, work, written)
            recorded = _read_submission(work / "gradebook.db", task.assignment, task.student)
        except Exception as error:  # noqa: BLE001 - one notebook's trouble must not stop the class
            outcome = grade.Outcome(task.student, task.assignment, False,
                                    f"grading failed on a Dask worker: {type(error).__name__}: {str(error)[:200]}", 0.0)
            recorded = None
        graded, feedback = (work / kind / task.student / task.assignment for kind in ("autograded", "feedback"))
        return TaskResult(outcome._replace(seconds=time.perf_counter() - start), recorded,
                          _files(graded) if graded.is_dir() else {}, _files(feedback) if feedback.is_dir() else {}, worker)


def merge(work: Path, result: TaskResult, gradebook_url: str | None = None) -> None:
    """Put one task's grades into the instructor's gradebook in one transaction, then its folders in place.

    Either every grade, comment, timestamp and late penalty of the submission is written, or (on any
    error) none is. The graded notebook and feedback page replace the old ones only after that.
    ``gradebook_url``: another gradebook than ``work``'s SQLite file (any SQLAlchemy URL nbgrader accepts).
    """
    from nbgrader.api import Comment, Grade, Gradebook, MissingEntry, SubmittedAssignment, SubmittedNotebook

    student, assignment = result.outcome.student, result.outcome.assignment
    if result.grades is not None:
        with Gradebook(gradebook_url or f"sqlite:///{work / 'gradebook.db'}") as gradebook:
            session = gradebook.db
            try:
                try:
                    submission = gradebook.find_submission(assignment, student)
                except MissingEntry:  # as nbgrader's add_submission builds it, without its intermediate commit
                    found = gradebook.find_assignment(assignment), gradebook.find_student(student)
                    with session.no_autoflush:  # built whole, then added: the rows cascade from the submission
                        submission = SubmittedAssignment(assignment=found[0], student=found[1])
                        for notebook in found[0].notebooks:
                            submitted = SubmittedNotebook(notebook=notebook, assignment=submission)
                            for cell in notebook.grade_cells:
                                Grade(cell_id=cell.id, notebook=submitted)
                            for cell in notebook.solution_cells:
                                Comment(cell_id=cell.id, notebook=submitted)
                        session.add(submission)
                    session.flush()  # the new rows get their cells (still inside this transaction)
                submission.timestamp, submission.extension = result.grades["timestamp"], result.grades["extension"]
                for notebook in submission.notebooks:
                    recorded = result.grades["notebooks"][notebook.name]
                    notebook.flagged = recorded["flagged"]
                    notebook.late_submission_penalty = recorded["late_submission_penalty"]
                    for cell in notebook.grades:
                        cell.auto_score, cell.manual_score, cell.extra_credit, cell.needs_manual_grade = recorded["grades"][cell.name]
                    for cell in notebook.comments:
                        cell.auto_comment, cell.manual_comment = recorded["comments"][cell.name]
                session.commit()
            except BaseException:
                session.rollback()
                raise
    for kind, files in (("autograded", result.autograded), ("feedback", result.feedback)):
        _replace_folder(work / kind / student / assignment, files)


def _replace_folder(folder: Path, files: dict) -> None:
    """``folder`` holds exactly ``files`` afterwards; written beside it first, then swapped in."""
    incoming = folder.with_name(f".{folder.name}.incoming")
    shutil.rmtree(incoming, ignore_errors=True)
    for name, content in files.items():
        (incoming / name).parent.mkdir(parents=True, exist_ok=True)
        (incoming / name).write_bytes(content)
    shutil.rmtree(folder, ignore_errors=True)
    if files:
        incoming.rename(folder)


def _attempts(client, future) -> int:
    """How many times the scheduler gave this task to a worker (more than once: a worker died holding it)."""
    try:  # the scheduler's transitions of this key: (key, start, finish, recommendations, stimulus_id, timestamp)
        story = client.sync(client.scheduler.get_story, keys_or_stimuli=[future.key])
    except Exception:  # noqa: BLE001 - a scheduler that cannot tell: count one
        return 1
    return max(1, sum(1 for entry in story if len(entry) > 2 and entry[0] == future.key and entry[2] == "processing"))


def _lost(error: BaseException, workers_seen: int, scheduler_lost: bool) -> str:
    """One sentence for a task that never came back."""
    if scheduler_lost:
        return ("the Dask scheduler stopped before this notebook came back, so nothing of it is in the gradebook; "
                "grade it again (the notebooks already graded are kept)")
    name = type(error).__name__
    if name == "KilledWorker":
        return (f"the Dask workers grading it stopped {workers_seen or 'several'} times, so the scheduler gave up; "
                "nothing of it is in the gradebook")
    said = " ".join(str(error).split())[:120]  # one line, whatever the error's text
    return f"the Dask cluster did not return it ({name}: {said}); nothing of it is in the gradebook"


def grade_on_cluster(client, notebooks: list[tuple[str, str]], *, work: Path, limits: grade.Limits, options: tuple,
                     hidden: list[Path]) -> Iterator[grade.Outcome]:
    """Grade ``notebooks`` ((assignment, student) pairs, copied into ``work/copies``) on the cluster.

    Yields each outcome after its grades are merged into ``work``'s gradebook; a notebook the cluster
    lost is an outcome with the reason, and the others are graded all the same.
    """
    from distributed import as_completed

    snapshot = _snapshot(work / "gradebook.db")
    futures = {}
    for assignment, student in notebooks:
        task = Task(assignment, student, _files(work / grade.COPIES / student / assignment), snapshot, limits,
                    tuple(options), tuple(str(path) for path in hidden))
        future = client.submit(grade_in_task, task, key=f"grade-{assignment}-{student}-{time.time_ns()}", pure=False,
                               retries=0)
        futures[future] = (assignment, student)
    for future in as_completed(futures, loop=client.loop):
        assignment, student = futures[future]
        try:
            result = future.result()
        except Exception as error:  # noqa: BLE001 - a lost task is reported, the rest goes on
            # A client that lost its scheduler cancels every task it still waits for, at once.
            scheduler_lost = client.status != "running"
            attempts = 1 if scheduler_lost else _attempts(client, future)
            yield grade.Outcome(student, assignment, False, _lost(error, attempts, scheduler_lost), 0.0)
            continue
        attempts = _attempts(client, future)
        try:
            merge(work, result)
        except Exception as error:  # noqa: BLE001 - the transaction was rolled back: nothing of it is in the gradebook
            yield result.outcome._replace(graded=False, reason=f"its grades could not be saved ({type(error).__name__}: "
                                                               f"{str(error)[:120]}); nothing of it is in the gradebook")
            continue
        outcome = result.outcome
        if attempts > 1:
            retried = f"a Dask worker stopped while grading it, so it was graded again on {result.worker}"
            outcome = outcome._replace(reason="; ".join(filter(None, [outcome.reason, retried])))
        yield outcome


@contextlib.contextmanager
def local_cluster(folder: Path, workers: int = 2, allowed_failures: int | None = None, pin: bool = False):
    """``dask scheduler`` and ``workers`` ``dask worker`` processes (one thread each) on 127.0.0.1, for tests and
    benchmarks; yields (scheduler address, scheduler file, worker processes). Logs go to ``folder``; every
    process started here is killed afterwards, with its process group (each has a session of its own).
    ``allowed_failures``: how many dead workers the scheduler accepts per task before it gives up (default 3).
    ``pin``: worker n and everything it starts (nbgrader, the sandboxed kernel) run on core n only
    (``taskset``), as on machines of one core each; unpinned, one worker may also use the other cores."""
    dask = str(Path(sys.executable).parent / "dask")
    scheduler_file = folder / "scheduler.json"
    environment = {name: value for name, value in os.environ.items() if name != "PYTEST_CURRENT_TEST"}
    if allowed_failures is not None:
        environment["DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES"] = str(allowed_failures)
    started = []

    def start(*args, log, prefix=()):
        with open(folder / log, "w") as output:
            process = subprocess.Popen([*prefix, dask, *args], stdout=output, stderr=subprocess.STDOUT, env=environment,
                                       start_new_session=True)
        started.append(process)
        return process

    try:
        start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(scheduler_file),
              log="scheduler.log")
        deadline = time.monotonic() + 120
        while not (scheduler_file.is_file() and scheduler_file.stat().st_size):
            if time.monotonic() > deadline or started[0].poll() is not None:
                raise RuntimeError(f"dask scheduler did not start: {(folder / 'scheduler.log').read_text()[-500:]}")
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        processes = [start("worker", address, "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard", "--name", f"w{n}",
                           log=f"worker{n}.log", prefix=("taskset", "--cpu-list", str(n % os.cpu_count())) if pin else ())
                     for n in range(workers)]
        from distributed import Client
        with Client(address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=120)
        yield address, scheduler_file, processes
    finally:
        for process in started:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
