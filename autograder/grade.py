"""Grade a class in one command: collect → autograde (in parallel) → feedback → grades.csv.

    python autograder/grade.py 01_gradient_descent path/to/submissions [--jobs 2] [--work autograder/work]
    python autograder/grade.py all path/to/submissions        # every module at once

``submissions`` is a folder as an instructor receives it. Each student is one entry in it:

* a folder ``<student>/`` holding the notebook(s) (anywhere inside, under any name), or
* a zip file ``<student>.zip`` (as learning-management systems export them) holding them, or
* a notebook ``<student>.ipynb`` (one assignment only);

or it is what ``nbgrader collect`` wrote (``timestamp.txt`` files are kept as submission times), or
a Canvas or Moodle download (a zip or its folder; ``--roster`` maps the LMS's ids, see lms.py).
The submissions are only read: grade.py works on its own copies in ``<work>/copies``.

A student's notebook for an assignment is the ``.ipynb`` whose name contains the assignment name,
or else, when one assignment is graded, the only notebook there. Each notebook is graded in a
separate ``nbgrader autograde`` process, so one broken submission (a crashing kernel, a loop that
ignores interrupts) never stops the others; each gets a wall-clock limit. Re-running is safe: every
notebook is graded again from the submission, and the same submission gets the same score;
``--student`` grades one student again and keeps everyone else's grades. Feedback leaves out hidden
tests (nbgrader_config.py). Afterwards: the class's mistakes (report.py), LMS import files (lms.py)
and late penalties (late.py, ``--due``/``--late-policy``). ``--scheduler ADDRESS`` (or ``--scheduler-file``)
grades each notebook as a task on an existing Dask cluster instead of here (dask_grading.py).
"""
from __future__ import annotations

import argparse
import copy
import csv
import os
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
# Processes started from here import quick_start/sitecustomize.py first: it saves each of them 2 s
# of start-up (see there). This process does the same for itself.
QUICK_START = ROOT / "autograder" / "quick_start"
runpy.run_path(str(QUICK_START / "sitecustomize.py"))

import nbformat  # noqa: E402
from nbgrader.utils import parse_utc  # noqa: E402

from autograder import late, lms, release, report, sandbox  # noqa: E402

ALL = "all"
MODULE_PATTERN = release.MODULE_PATTERN  # a glob nbgrader expands itself


class Outcome(NamedTuple):
    student: str
    assignment: str
    graded: bool
    reason: str          # why not graded, or "" when graded
    seconds: float


def modules() -> list[str]:
    return release.modules()


def _pick(notebooks: list[Path], assignment: str, *, only_one_assignment: bool) -> Path | None:
    named = [p for p in notebooks if assignment in p.name]
    if named:  # the exact name before a copy of it ("01_gradient_descent-Copy1.ipynb" sorts first)
        return min(named, key=lambda p: (p.name != f"{assignment}.ipynb", len(p.parts), p.name))
    return notebooks[0] if len(notebooks) == 1 and only_one_assignment else None


COPIES = "copies"  # grade.py's own tidied copy of each notebook, the folder nbgrader autograde reads
LMS_FOLDER = "lms_download"  # an LMS download laid out one folder per student (autograder/lms.py)
TIMESTAMP = "timestamp.txt"  # a submission time, as `nbgrader collect` writes it next to the notebook
# What `nbgrader submit` adds; `release_feedback` names each student's feedback page after it.
SECRET = "submission_secret.txt"


class Submission(NamedTuple):
    """One student's notebook for one assignment, read into memory (the file itself is never touched)."""

    notebook: object     # the nbformat notebook
    timestamp: str | None
    note: str = ""       # something the instructor should know although it is graded
    secret: str | None = None  # the submission's submission_secret.txt, carried through to its feedback


class Collected(NamedTuple):
    problems: dict   # {(student, assignment): why it cannot be graded}
    notes: dict      # {(student, assignment): what to know although it is graded}
    students: set    # every student with an entry in the submissions


def collect(assignments: list[str], submissions: Path, copies: Path, *, students: set[str] | None = None,
            timestamps: dict[str, str] | None = None) -> Collected:
    """Copy each student's notebooks to ``copies/<student>/<assignment>/<assignment>.ipynb``.

    The submissions are only read: everything is read into memory before grade.py replaces its own
    copy, and ``copies`` must not overlap ``submissions`` (``grade`` checks). A ``timestamp.txt`` found
    next to the notebook (or higher up in the student's folder), or given in ``timestamps`` (from an LMS
    download), is copied along, so nbgrader records the submission time. ``students`` narrows it to some.
    """
    problems, notes, seen = {}, {}, set()
    known = {assignment: _grade_ids(assignment) for assignment in assignments}
    for entry in sorted(submissions.iterdir()):
        student = entry.stem if entry.is_file() else entry.name
        if entry.name.startswith(".") or (students is not None and student not in students):
            continue
        with tempfile.TemporaryDirectory() as unpacked:
            if entry.suffix == ".zip":
                try:
                    with zipfile.ZipFile(entry) as archive:
                        archive.extractall(unpacked)
                except (zipfile.BadZipFile, OSError, ValueError):
                    seen.add(student)
                    problems.update({(student, assignment): "the zip file is damaged" for assignment in assignments})
                    continue
                folder = Path(unpacked)
            elif entry.suffix == ".ipynb":
                folder = None
            elif entry.is_dir():
                folder = entry
            else:
                continue
            seen.add(student)
            notebooks = [entry] if folder is None else [p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts]
            for assignment in assignments:
                found = _read(notebooks, assignment, known[assignment], only_one_assignment=len(assignments) == 1,
                              top=folder, timestamp=(timestamps or {}).get(student))
                target = copies / student / assignment
                shutil.rmtree(target, ignore_errors=True)  # grade.py's own copy from an earlier run
                if isinstance(found, str):
                    problems[student, assignment] = found
                    continue
                target.mkdir(parents=True)
                nbformat.write(found.notebook, target / f"{assignment}.ipynb")
                if found.timestamp:
                    (target / TIMESTAMP).write_text(found.timestamp + "\n")
                if found.secret:
                    (target / SECRET).write_text(found.secret)
                if found.note:
                    notes[student, assignment] = found.note
    return Collected(problems, notes, seen)


def _read(notebooks: list[Path], assignment: str, known: set[str], *, only_one_assignment: bool, top: Path | None,
          timestamp: str | None) -> Submission | str:
    """The student's notebook for ``assignment``, tidied, with its submission time; or the problem, in a sentence."""
    notebook = _pick(notebooks, assignment, only_one_assignment=only_one_assignment)
    if notebook is None:
        return f"no notebook for {assignment} in the submission"
    try:
        tidy = _tidy(nbformat.read(notebook, as_version=4), known)
    except Exception:  # noqa: BLE001 - any unreadable file is reported the same way
        return f"{notebook.name} is not a readable notebook"
    if timestamp is None and top is not None:
        timestamp = (_nearest(notebook, top, TIMESTAMP) or "").strip() or None
    secret = _nearest(notebook, top, SECRET) if top is not None else None
    if timestamp is not None:
        try:
            parse_utc(timestamp)
        except (ValueError, OverflowError):  # nbgrader would refuse the whole notebook
            return Submission(tidy, None, f"graded without a submission time: {timestamp[:40]!r} is not a date and time",
                              secret)
    return Submission(tidy, timestamp, secret=secret)


def _nearest(notebook: Path, top: Path, name: str) -> str | None:
    """The text of the file ``name`` nearest the notebook: its own folder first, then up to the student's ``top``."""
    for folder in [notebook.parent, *notebook.parent.parents]:
        if (folder / name).is_file():
            return (folder / name).read_text(errors="replace")
        if folder == top:
            return None
    return None


def _grade_ids(assignment: str) -> dict:
    """The assignment's grade_ids, each with the released stub of its cell where it is a solution cell.

    The stubs come from course/ (never the source, which holds the solutions): a submission that lacks a
    solution cell gets the stub back, so nbgrader can place the missing test cells after it and grade them
    0 instead of failing the whole notebook.
    """
    stubs = {}
    released = ROOT / "course" / assignment / f"{assignment}.ipynb"
    if released.is_file():
        for cell in nbformat.read(released, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution") and meta.get("grade_id"):
                stubs[meta["grade_id"]] = cell
    return {cell.metadata.nbgrader["grade_id"]: stubs.get(cell.metadata.nbgrader["grade_id"])
            for cell in release.notebook(assignment).cells if "nbgrader" in cell.metadata}


_MARKERS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def _tidy(nb, known: dict):
    """What an honest student may have done to the nbgrader side of a notebook, made harmless.

    * A copied grade cell is graded once: later copies of a grade_id become plain cells (nbgrader's
      own de-duplication leaves them half-marked and then fails the whole notebook).
    * A cell carrying a grade_id this assignment does not have (copied from another module) becomes
      a plain cell: nbgrader would otherwise fail the whole notebook (KeyError: 'grade_id').
    * Outside the assignment's own test cells, a line that merely quotes a hidden-test marker is
      defused: nbgrader's feedback step refuses a marker outside a test cell and writes no feedback.
    * A solution cell the notebook lacks (a foreign or emptied notebook) is appended as released, so
      nbgrader grades its tests 0 rather than failing the whole notebook.
    """
    seen = set()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        kept = bool(grade_id) and grade_id in known and grade_id not in seen
        if meta and not kept:
            del cell.metadata["nbgrader"]
        elif kept:
            seen.add(grade_id)
        if not (kept and meta.get("grade")) and any(marker in cell.source for marker in _MARKERS):
            for marker in _MARKERS:
                cell.source = cell.source.replace(marker, marker.replace("HIDDEN TESTS", "HIDDEN-TESTS"))
    nb.cells.extend(copy.deepcopy(stub) for grade_id, stub in known.items() if stub is not None and grade_id not in seen)
    return nb


def _nbgrader(*args: str, work: Path, timeout: float | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env or {}), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(QUICK_START), os.environ.get("PYTHONPATH")]))}
    env.pop("PYTEST_CURRENT_TEST", None)
    folders = [f"--CourseDirectory.submitted_directory={work / COPIES}",
               *(f"--CourseDirectory.{kind}_directory={work / kind}" for kind in ("autograded", "feedback"))]
    return subprocess.run([sys.executable, "-m", "nbgrader", *args, *folders,
                           f"--CourseDirectory.release_directory={work / 'release'}",
                           f"--CourseDirectory.db_url=sqlite:///{work / 'gradebook.db'}"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def _reason(log: str) -> str:
    """The most useful line of an nbgrader log, for the summary."""
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    for marker in ("Kernel died", "Timeout", "timed out", "MemoryError", "Error", "ERROR"):
        found = [line for line in lines if marker in line]
        if found:
            return found[-1][-200:]
    return (lines[-1] if lines else "nbgrader failed without a message")[-200:]


class Limits(NamedTuple):
    """How student code is confined while it is graded."""

    sandbox: bool = True        # run kernels in bubblewrap (autograder/sandbox.py)
    memory_gb: float = 3.0      # address-space limit of a sandboxed kernel
    cell_timeout: int = 120     # seconds per cell (nbgrader interrupts the kernel after it)
    notebook_timeout: float = 600.0  # wall-clock seconds per notebook, all cells together
    # What a busy machine may need (nbclient's defaults, 60 s and 4 s, fail whole notebooks under load):
    kernel_start_timeout: int = 180  # seconds for a kernel to start and answer
    iopub_timeout: int = 30     # seconds for a cell's last output after its reply (nbgrader fails the notebook after it)


def autograde(assignment: str, work: Path, limits: Limits, *selection: str) -> subprocess.CompletedProcess:
    """``nbgrader autograde`` with the limits; ``selection`` narrows it (``--student``, a name)."""
    options = [f"--Execute.timeout={limits.cell_timeout}", f"--Execute.startup_timeout={limits.kernel_start_timeout}",
               f"--Execute.iopub_timeout={limits.iopub_timeout}"]
    env = {}
    runtime = tempfile.mkdtemp(prefix="grade-")  # short: Unix socket paths are limited
    try:
        if limits.sandbox:
            # Each process's kernels get their own runtime folder: no kernel can see another's sockets.
            options += [f"--Execute.kernel_name={sandbox.KERNEL_NAME}", "--KernelManager.transport=ipc",
                        f"--KernelManager.ip={runtime}/kernel"]
            env = {"JUPYTER_RUNTIME_DIR": runtime, "JUPYTER_PATH": str(work / "jupyter")}
        return _nbgrader("autograde", assignment, *selection, "--force", *options, work=work,
                         timeout=limits.notebook_timeout, env=env)
    finally:  # the kernel could write in its socket folder (a tree too deep for shutil.rmtree, say)
        subprocess.run(["rm", "-rf", "--", runtime], check=False)


# nbgrader's log lines that mean the machine failed, not the submission: the kernel did not start, or
# answered too late, before any student code ran, or a cell's last output came late on a busy machine.
NOT_THE_SUBMISSION = ("Kernel didn't respond in", "Kernel didn't respond to heartbeats",
                      "Kernel died before replying to kernel_info", "Timeout waiting for IOPub output")


def grade_notebook(assignment: str, student: str, work: Path, limits: Limits, options: tuple[str, ...] = ()) -> Outcome:
    """``options``: more ``nbgrader autograde`` options (the late policy's).

    A notebook whose grading failed on the grading machine's side (``NOT_THE_SUBMISSION``) is graded
    once more, and its reason says so; the submission's own failures (its time limit, a crashed
    kernel) are not retried.
    """
    outcome, machine_failed = _autograde_once(assignment, student, work, limits, options)
    if not machine_failed:
        return outcome
    again, _ = _autograde_once(assignment, student, work, limits, options)
    retried = f"graded a second time, because the first attempt failed on the grading machine's side ({outcome.reason})"
    return again._replace(reason="; ".join(filter(None, [again.reason, retried])), seconds=outcome.seconds + again.seconds)


def _autograde_once(assignment: str, student: str, work: Path, limits: Limits, options: tuple[str, ...]) -> tuple[Outcome, bool]:
    """One ``nbgrader autograde`` of one notebook; True when it failed for a reason in ``NOT_THE_SUBMISSION``."""
    start = time.perf_counter()
    try:
        result = autograde(assignment, work, limits, "--student", student, *options)
    except subprocess.TimeoutExpired:
        return Outcome(student, assignment, False, f"grading took longer than {limits.notebook_timeout:.0f} s and was stopped",
                       time.perf_counter() - start), False
    except Exception as error:  # noqa: BLE001 - one notebook's trouble must not stop the class
        return Outcome(student, assignment, False, f"grading failed: {type(error).__name__}: {str(error)[:200]}",
                       time.perf_counter() - start), False
    log = result.stdout + result.stderr
    if result.returncode == 0 and (work / "autograded" / student / assignment).is_dir():
        return Outcome(student, assignment, True, "", time.perf_counter() - start), False
    return (Outcome(student, assignment, False, _reason(log), time.perf_counter() - start),
            any(marker in log for marker in NOT_THE_SUBMISSION))


def hidden_from_students(work: Path, submissions: Path) -> list[Path]:
    """What student code must not see: the solutions and hidden tests (in git's history too), the
    course's tests and benchmarks, every gradebook and grading folder, and the original submissions
    of the whole class."""
    given = submissions if submissions.is_dir() else submissions.parent  # a download zip: the folder it is in
    near_python = [ROOT, Path(sys.prefix), Path(sys.base_prefix), *(path for path, _ in sandbox.kernel_needs())]
    if any(given.resolve() == p.resolve() or given.resolve() in p.resolve().parents for p in near_python):
        given = submissions  # never the course or Python itself (a zip cannot be hidden alone: see the README)
    # tests/ and benchmarks/ hold correct answers too; build/ may hold a student release with the reference rules.
    course_only = [ROOT / name for name in ("solutions", "tests", "benchmarks", "build")]
    return [*course_only, *_git_folders(), ROOT / "autograder" / "work", work, given]


def _git_folders() -> list[Path]:
    """The repository's git folder; in a worktree or submodule `.git` is a file naming it elsewhere."""
    folders = [ROOT / ".git"]
    found = subprocess.run(["git", "rev-parse", "--git-common-dir", "--git-dir"], cwd=ROOT, capture_output=True, text=True) \
        if shutil.which("git") else None
    if found is not None and found.returncode == 0:
        folders += [(ROOT / line).resolve() for line in found.stdout.split()]
    return [folder for folder in folders if folder.is_dir()]


def grade(assignment: str, submissions: Path, *, work: Path, jobs: int = 2, limits: Limits = Limits(),
          student: str | None = None, roster: Path | None = None, notes: list | None = None,
          due: list[str] = (), late_policy: str | None = None, cluster=None) -> list[Outcome]:
    """Grade ``assignment`` (a module, or ``"all"``) for every student in ``submissions`` (or only ``student``).

    ``submissions`` is a folder of students, or a Canvas or Moodle download (a zip, or the folder it
    unpacks to; ``roster`` maps its ids to the course's). Grades of students not graded in this run
    stay in the gradebook as they were. What the instructor should know about the download (a file
    name that fits no LMS, a student missing from the roster) is added to ``notes``, one sentence each.
    ``due`` (``"WHEN"`` for every module graded, or ``"MODULE=WHEN"``) sets due dates in the gradebook;
    ``late_policy`` (``none``, ``zero``, ``per-hour:P``) is applied by nbgrader to late submissions (autograder/late.py);
    it is kept in the work folder, so a later run without one (re-grading a student) applies the same.
    ``cluster`` (a ``distributed.Client``, from ``dask_grading.connect``) grades each notebook as a task on
    that Dask cluster, feedback included, and merges the results here one at a time; without it, here.
    """
    notes = [] if notes is None else notes
    if assignment != ALL and assignment not in modules():
        raise SystemExit(f"There is no module {assignment!r}; give one of {', '.join(modules())}, or {ALL!r}.")
    if not submissions.is_dir() and not (submissions.is_file() and submissions.suffix == ".zip"):
        raise SystemExit(f"There is no folder or zip file {submissions}; give the submissions as you received them.")
    _refuse_overlap(submissions, work)
    download = lms.is_download(submissions)
    known_roster = lms.read_roster(roster)
    assignments = modules() if assignment == ALL else [assignment]
    saved_policy = work / "late_policy.txt"
    if late_policy is None:
        late_policy = saved_policy.read_text().strip() if saved_policy.is_file() else "none"
    late_policy, due_dates = late.parse_policy(late_policy), late.parse_due_dates(list(due), assignments)
    pattern = MODULE_PATTERN if assignment == ALL else assignment
    hidden = hidden_from_students(work, submissions)
    if limits.sandbox:
        if not sandbox.bwrap_available():
            raise SystemExit("The grading sandbox needs bubblewrap (apt-get install bubblewrap); "
                             "--no-sandbox grades without it, with student code running with your rights.")
        _refuse_hiding_what_kernels_need(hidden, work, submissions)
    work.mkdir(parents=True, exist_ok=True)
    if limits.sandbox:
        sandbox.write_kernel_spec(work / "jupyter", hide=hidden, memory_gb=limits.memory_gb)
    try:  # nbgrader reads the notebooks built from the text sources
        for name in assignments:
            release.build(name)
    except release.SourceError as error:
        raise SystemExit(str(error)) from None
    registered = _nbgrader("generate_assignment", pattern, "--force", work=work)
    if registered.returncode != 0:
        raise SystemExit(f"Could not register {assignment} from solutions/: {_reason(registered.stdout + registered.stderr)}")
    _set_due_dates(work, due_dates)
    saved_policy.write_text(f"{late_policy[0].replace('_', '-')}{f':{late_policy[1]:g}' if late_policy[0] == 'per_hour' else ''}\n")
    timestamps = None
    if download:  # one folder per student, under the work folder (hidden from student code like the rest)
        arranged = lms.arrange(submissions, work / LMS_FOLDER, known_roster)
        notes += arranged.notes + [f"{who}: the LMS marked this submission late." for who in sorted(arranged.late)]
        lms.save_identities(work, arranged.identities)
        submissions, timestamps = arranged.folder, arranged.timestamps
    collected = collect(assignments, submissions, work / COPIES, students=None if student is None else {student},
                        timestamps=timestamps)
    if student is not None and student not in collected.students:
        raise SystemExit(f"There is no submission of {student!r} in {submissions}.")
    outcomes = [Outcome(who, name, False, problem, 0.0) for (who, name), problem in collected.problems.items()]
    # Later modules first: they take longest (TensorFlow), so the short ones fill in at the end.
    notebooks = [(name, who) for name in reversed(assignments) for who in sorted(collected.students)
                 if (who, name) not in collected.problems]
    _register_students(work, sorted({who for _, who in notebooks}))
    options = late.autograde_options(late_policy)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        if cluster is None:
            graded = pool.map(lambda pair: grade_notebook(*pair, work, limits, options), notebooks)
        else:  # each task writes its own feedback page; the gradebook here gets one result at a time
            from autograder import dask_grading
            graded = dask_grading.grade_on_cluster(cluster, notebooks, work=work, limits=limits, options=options, hidden=hidden)
        for done, outcome in enumerate(graded, start=1):
            noted = collected.notes.get((outcome.student, outcome.assignment), "")
            outcome = outcome._replace(reason="; ".join(filter(None, [noted, outcome.reason])))
            print(f"[{done}/{len(notebooks)}] {_who(outcome, assignment)}: "
                  + ("graded" if outcome.graded else f"NOT graded: {outcome.reason}")
                  + f" ({outcome.seconds:.1f} s)", flush=True)
            outcomes.append(outcome)
    only = () if student is None else ("--student", student)
    steps = [("export", "--to", str(work / "grades.csv"))]
    if cluster is None:
        steps.append(("generate_feedback", pattern, *only, "--force"))
    with ThreadPoolExecutor(max_workers=2) as pool:  # both only read the gradebook: side by side
        _, *feedback = pool.map(lambda args: _nbgrader(*args, work=work), steps)
    if lms.load_identities(work) and (work / "grades.csv").is_file():
        lms.write_imports(work, work / "grades.csv", modules())
    return [_with_feedback_checked(outcome, work, feedback[0]) if feedback else outcome for outcome in outcomes]


def _set_due_dates(work: Path, due_dates: dict[str, str]) -> None:
    """Due dates into the gradebook (a module without one keeps what it had: none, or nbgrader db's)."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gradebook:
        for name, when in due_dates.items():
            gradebook.update_or_create_assignment(name, duedate=when)


def _refuse_overlap(submissions: Path, work: Path) -> None:
    """grade.py replaces what is in its own folders; the submissions must not be one of them, or hold one."""
    given = submissions.resolve()
    for own in (work / COPIES, work / LMS_FOLDER, work / "autograded", work / "feedback", work / "jupyter"):
        own = own.resolve()
        if given == own or own in given.parents or given in own.parents:
            raise SystemExit(f"The submissions folder {submissions} overlaps {own}, which grade.py rewrites; "
                             "give the folder the submissions came in (nbgrader collect writes autograder/work/submitted).")


def _refuse_hiding_what_kernels_need(hidden: list[Path], work: Path, submissions: Path) -> None:
    """Every folder student code must not see is hidden whole: none may hold what the sandboxed kernel runs from
    (it would not start, or could not import the course, and every answer would read as None)."""
    clash = sandbox.hidden_need(hidden)
    if clash is None:
        return
    folder, needed, what = clash
    if folder == work.resolve():
        raise SystemExit(f"The work folder {work} holds {what} ({needed}), which the grading sandbox would hide "
                         "with it; give --work a folder outside the course and its Python.")
    if folder in (submissions.resolve(), submissions.resolve().parent):
        raise SystemExit(f"The submissions folder {folder} holds {what} ({needed}), which the grading sandbox would "
                         "hide with it; give a folder of submissions that holds neither the course nor its Python.")
    raise SystemExit(f"{folder} holds {what} ({needed}), but student code must not see that folder; "
                     "install the course and its Python outside it.")


def _with_feedback_checked(outcome: Outcome, work: Path, result: subprocess.CompletedProcess) -> Outcome:
    """A graded notebook whose feedback page is missing is reported, with nbgrader's reason."""
    page = work / "feedback" / outcome.student / outcome.assignment / f"{outcome.assignment}.html"
    if not outcome.graded or page.is_file():
        return outcome
    log = (result.stdout + result.stderr).splitlines()
    about = [line for line in log if outcome.student in line] or log  # prefer the lines that name this student
    return outcome._replace(reason=f"graded, but no feedback could be written: {_reason(chr(10).join(about))}")


def _register_students(work: Path, students: list[str]) -> None:
    """Every student in the gradebook before grading starts: two of a student's notebooks graded side by
    side would otherwise both try to create the student (sqlite: UNIQUE constraint failed: student.id)."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gradebook:
        for student in students:
            gradebook.update_or_create_student(student)


def _who(outcome: Outcome, assignment: str) -> str:
    """The student, and the module too when several are graded."""
    return outcome.student if assignment != ALL else f"{outcome.student} {outcome.assignment}"


class ManualAnswer(NamedTuple):
    """A written answer a person marks in Formgrader (a markdown cell with solution and points)."""

    student: str
    assignment: str
    cell: str           # its grade_id (``quiz_explain_gd``)
    state: str          # TO_MARK, UNANSWERED or MARKED


TO_MARK, UNANSWERED, MARKED = "to mark", "unanswered", "marked"


def manual_answers(work: Path, graded: list[tuple[str, str]]) -> list[ManualAnswer]:
    """The hand-marked answers of the ``(student, assignment)`` notebooks graded, as the gradebook holds them.

    nbgrader leaves such a cell "needs manual grade" when the learner wrote something, and scores it
    0 with nothing to mark when the cell is still as released: that is an unanswered question, not
    an error. A cell the learner emptied (only blanks left) is recorded the same way here, so nobody
    is asked to mark nothing. A mark given in Formgrader (``manual_score``) counts from then on and
    survives re-grading.
    """
    from nbgrader.api import Gradebook, MissingEntry

    found = []
    with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gradebook:
        for student, assignment in graded:
            try:
                notebook = gradebook.find_submission_notebook(assignment, assignment, student)
            except MissingEntry:
                continue
            written = _written_answers(work / "autograded" / student / assignment / f"{assignment}.ipynb")
            for grade in sorted(notebook.grades, key=lambda g: g.name):
                if grade.cell.cell_type != "markdown":  # code test cells are scored by the referee
                    continue
                if grade.needs_manual_grade and grade.manual_score is None and grade.name in written and not written[grade.name].strip():
                    grade.auto_score, grade.needs_manual_grade = 0.0, False
                    gradebook.db.commit()
                state = (MARKED if grade.manual_score is not None else TO_MARK if grade.needs_manual_grade
                         else UNANSWERED)
                found.append(ManualAnswer(student, assignment, grade.name, state))
    return found


def _written_answers(graded_notebook: Path) -> dict[str, str]:
    """``{grade_id: text}`` of the hand-marked answer cells in a graded notebook ({} if it cannot be read)."""
    try:
        nb = nbformat.read(graded_notebook, as_version=4)
    except Exception:  # noqa: BLE001 - then nothing is re-recorded; nbgrader's own flags stand
        return {}
    return {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in nb.cells
            if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("grade")}


def manual_summary(answers: list[ManualAnswer], assignment: str) -> list[str]:
    """Lines for the summary: what waits to be marked by hand, and what was left unanswered."""
    lines = []
    waiting = [a for a in answers if a.state == TO_MARK]
    empty = [a for a in answers if a.state == UNANSWERED]
    name = lambda a: f"{a.student} {a.assignment if assignment == ALL else ''} {a.cell}".replace("  ", " ")  # noqa: E731
    if waiting:
        lines.append(f"{len(waiting)} written answer(s) need manual grading in Formgrader (make author → Nbgrader → "
                     "Formgrader → Manual Grading; rubric: python -m autograder.rubric); their points count once "
                     "marked, then run this again or `nbgrader export`: " + ", ".join(map(name, waiting)))
    if empty:
        lines.append(f"{len(empty)} written answer(s) left unanswered (0 points, nothing to mark): " + ", ".join(map(name, empty)))
    return lines


def read_grades(work: Path, assignment: str) -> dict[str, float]:
    with open(work / "grades.csv", newline="") as table:
        return {row["student_id"]: float(row["score"]) for row in csv.DictReader(table) if row["assignment"] == assignment}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", help="a module, e.g. 01_gradient_descent, or 'all'")
    parser.add_argument("submissions", type=Path, help="folder of student folders, zip files or notebooks, "
                                                       "or a Canvas or Moodle download")
    parser.add_argument("--work", type=Path, default=ROOT / "autograder" / "work", help="gradebook and grading folders")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="notebooks graded at once")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds allowed per notebook")
    parser.add_argument("--cell-timeout", type=int, default=120, help="seconds allowed per cell")
    parser.add_argument("--memory-gb", type=float, default=3.0, help="memory limit of a student's kernel")
    parser.add_argument("--roster", type=Path, help="CSV mapping LMS ids to student ids (columns lms_id, student_id)")
    parser.add_argument("--due", action="append", default=[], metavar="[MODULE=]WHEN",
                        help="due date, e.g. '2026-12-01 23:59 UTC' (every module graded) or '05_adam=2026-12-01 23:59 UTC'")
    parser.add_argument("--late-policy", help="none, zero, or per-hour:P (P %% of the score per started hour); "
                                              "default: the policy of the last run in this work folder, else none")
    parser.add_argument("--student", help="grade only this student again (the others' grades are kept)")
    parser.add_argument("--no-sandbox", action="store_true", help="run student code without bubblewrap (not recommended)")
    cluster = parser.add_mutually_exclusive_group()
    cluster.add_argument("--scheduler", metavar="ADDRESS", help="grade on this Dask cluster, e.g. tcp://10.0.0.5:8786 "
                                                              "(each notebook one task; --jobs is then unused)")
    cluster.add_argument("--scheduler-file", type=Path, help="grade on the Dask cluster this file names (dask scheduler --scheduler-file)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    limits = Limits(sandbox=not args.no_sandbox, memory_gb=args.memory_gb, cell_timeout=args.cell_timeout,
                    notebook_timeout=args.timeout)
    work = args.work.resolve()
    notes: list[str] = []
    client = None
    if args.scheduler or args.scheduler_file:
        from autograder import dask_grading
        client = dask_grading.connect(args.scheduler, args.scheduler_file)
    try:
        outcomes = grade(args.assignment, args.submissions, work=work, jobs=args.jobs, limits=limits, student=args.student,
                         roster=args.roster, notes=notes, due=args.due, late_policy=args.late_policy, cluster=client)
    finally:
        if client is not None:
            client.close()
    misconceptions = report.write(work, modules() if args.assignment == ALL else [args.assignment])
    failed = [o for o in outcomes if not o.graded or o.reason]
    what = "students" if args.assignment != ALL else "notebooks"
    print(f"\n{sum(o.graded for o in outcomes)} of {len(outcomes)} {what} graded in {time.perf_counter() - start:.0f} s; "
          f"grades in {args.work / 'grades.csv'}, feedback in {args.work / 'feedback'}.")
    for outcome in failed:
        print(f"  {_who(outcome, args.assignment)}: {outcome.reason}")
    for note in notes:
        print(f"  {note}")
    for line in manual_summary(manual_answers(work, [(o.student, o.assignment) for o in outcomes if o.graded]), args.assignment):
        print(line)
    imports = [work / name for name in (lms.CANVAS_IMPORT, lms.MOODLE_IMPORT) if (work / name).is_file()]
    if imports:
        print("Gradebook import files for the LMS: " + ", ".join(str(path) for path in imports))
    print(f"\n{report.summary(misconceptions)}\nThe class's mistakes, per exercise and student: "
          f"{work / report.HTML_NAME} (and {report.CSV_NAME}); it names students, so keep it to yourself.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
