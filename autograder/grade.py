"""Grade a class in one command: collect → autograde (in parallel) → feedback → grades.csv.

    python autograder/grade.py 01_gradient_descent path/to/submissions [--jobs 2] [--work autograder/work]

``submissions`` is a folder as an instructor receives it. Each student is one entry in it:

* a folder ``<student>/`` holding the notebook (anywhere inside, under any name), or
* a zip file ``<student>.zip`` (as learning-management systems export them) holding it, or
* a notebook ``<student>.ipynb``.

A student's notebook is the ``.ipynb`` whose name contains the assignment name, or else the only
notebook there. Each student is graded in a separate ``nbgrader autograde --student`` process, so
one broken submission (a crashing kernel, a loop that ignores interrupts) never stops the others;
each gets a wall-clock limit. Re-running is safe: every student is graded again from the submission,
and the same submission gets the same score. Feedback leaves out hidden tests (nbgrader_config.py).
"""
from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "autograder"))
import sandbox  # noqa: E402


class Outcome(NamedTuple):
    student: str
    graded: bool
    reason: str          # why not graded, or "" when graded
    seconds: float


def _find_notebook(folder: Path, assignment: str) -> Path | None:
    notebooks = [p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts]
    named = [p for p in notebooks if assignment in p.name]
    if named:
        return sorted(named)[0]
    return notebooks[0] if len(notebooks) == 1 else None


def collect(assignment: str, submissions: Path, submitted: Path) -> dict[str, str]:
    """Copy each student's notebook to ``submitted/<student>/<assignment>/<assignment>.ipynb``.

    Returns ``{student: problem}`` for students whose notebook could not be found.
    """
    problems = {}
    for entry in sorted(submissions.iterdir()):
        student = entry.stem if entry.is_file() else entry.name
        if entry.name.startswith("."):
            continue
        with tempfile.TemporaryDirectory() as unpacked:
            if entry.suffix == ".zip":
                try:
                    with zipfile.ZipFile(entry) as archive:
                        archive.extractall(unpacked)
                except zipfile.BadZipFile:
                    problems[student] = "the zip file is damaged"
                    continue
                notebook = _find_notebook(Path(unpacked), assignment)
            elif entry.suffix == ".ipynb":
                notebook = entry
            elif entry.is_dir():
                notebook = _find_notebook(entry, assignment)
            else:
                continue
            target = submitted / student / assignment
            shutil.rmtree(target, ignore_errors=True)
            if notebook is None:
                problems[student] = f"no notebook for {assignment} in the submission"
                continue
            try:
                tidy = _tidy(nbformat.read(notebook, as_version=4))
            except Exception:  # noqa: BLE001 - any unreadable file is reported the same way
                problems[student] = f"{notebook.name} is not a readable notebook"
                continue
            target.mkdir(parents=True)
            nbformat.write(tidy, target / f"{assignment}.ipynb")
    return problems


def _tidy(nb):
    """A copied grade cell is graded once: later copies of a grade_id become plain cells.

    (nbgrader's own de-duplication leaves them half-marked and then fails the whole notebook.)
    """
    seen = set()
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in seen:
            del cell.metadata["nbgrader"]
        elif grade_id:
            seen.add(grade_id)
    return nb


def _nbgrader(*args: str, work: Path, timeout: float | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env or {}), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PYTEST_CURRENT_TEST", None)
    folders = [f"--CourseDirectory.{kind}_directory={work / kind}" for kind in ("submitted", "autograded", "feedback")]
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
    student_timeout: float = 600.0  # wall-clock seconds per student, all cells together


def grade_student(assignment: str, student: str, work: Path, limits: Limits) -> Outcome:
    start = time.perf_counter()
    options = [f"--Execute.timeout={limits.cell_timeout}"]
    env = {}
    with tempfile.TemporaryDirectory(prefix="grade-") as runtime:  # short: Unix socket paths are limited
        if limits.sandbox:
            # Each student's kernel gets its own runtime folder: no kernel can see another's sockets.
            options += [f"--Execute.kernel_name={sandbox.KERNEL_NAME}", "--KernelManager.transport=ipc",
                        f"--KernelManager.ip={runtime}/kernel"]
            env = {"JUPYTER_RUNTIME_DIR": runtime, "JUPYTER_PATH": str(work / "jupyter")}
        try:
            result = _nbgrader("autograde", assignment, "--student", student, "--force", *options, work=work,
                               timeout=limits.student_timeout, env=env)
        except subprocess.TimeoutExpired:
            return Outcome(student, False, f"grading took longer than {limits.student_timeout:.0f} s and was stopped",
                           time.perf_counter() - start)
    if result.returncode != 0 or not (work / "autograded" / student / assignment).is_dir():
        return Outcome(student, False, _reason(result.stdout + result.stderr), time.perf_counter() - start)
    return Outcome(student, True, "", time.perf_counter() - start)


def grade(assignment: str, submissions: Path, *, work: Path, jobs: int = 2, limits: Limits = Limits()) -> list[Outcome]:
    work.mkdir(parents=True, exist_ok=True)
    if limits.sandbox:
        if not sandbox.bwrap_available():
            raise SystemExit("The grading sandbox needs bubblewrap (apt-get install bubblewrap); "
                             "--no-sandbox grades without it, with student code running with your rights.")
        sandbox.write_kernel_spec(work / "jupyter", hide=[ROOT / "solutions", work], memory_gb=limits.memory_gb)
    registered = _nbgrader("generate_assignment", assignment, "--force", work=work)
    if registered.returncode != 0:
        raise SystemExit(f"Could not register {assignment} from solutions/: {_reason(registered.stdout + registered.stderr)}")
    problems = collect(assignment, submissions, work / "submitted")
    students = sorted(p.name for p in (work / "submitted").iterdir() if (p / assignment).is_dir())
    outcomes = [Outcome(student, False, problem, 0.0) for student, problem in problems.items()]
    done = 0
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for outcome in pool.map(lambda s: grade_student(assignment, s, work, limits), students):
            done += 1
            print(f"[{done}/{len(students)}] {outcome.student}: " + ("graded" if outcome.graded else f"NOT graded: {outcome.reason}")
                  + f" ({outcome.seconds:.1f} s)", flush=True)
            outcomes.append(outcome)
    _nbgrader("generate_feedback", assignment, "--force", work=work)
    _nbgrader("export", "--to", str(work / "grades.csv"), work=work)
    return outcomes


def read_grades(work: Path, assignment: str) -> dict[str, float]:
    with open(work / "grades.csv", newline="") as table:
        return {row["student_id"]: float(row["score"]) for row in csv.DictReader(table) if row["assignment"] == assignment}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", help="e.g. 01_gradient_descent")
    parser.add_argument("submissions", type=Path, help="folder of student folders, zip files or notebooks")
    parser.add_argument("--work", type=Path, default=ROOT / "autograder" / "work", help="gradebook and grading folders")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="students graded at once")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds allowed per student")
    parser.add_argument("--cell-timeout", type=int, default=120, help="seconds allowed per cell")
    parser.add_argument("--memory-gb", type=float, default=3.0, help="memory limit of a student's kernel")
    parser.add_argument("--no-sandbox", action="store_true", help="run student code without bubblewrap (not recommended)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    limits = Limits(sandbox=not args.no_sandbox, memory_gb=args.memory_gb, cell_timeout=args.cell_timeout,
                    student_timeout=args.timeout)
    outcomes = grade(args.assignment, args.submissions, work=args.work.resolve(), jobs=args.jobs, limits=limits)
    failed = [o for o in outcomes if not o.graded]
    print(f"\n{len(outcomes) - len(failed)} of {len(outcomes)} students graded in {time.perf_counter() - start:.0f} s; "
          f"grades in {args.work / 'grades.csv'}, feedback in {args.work / 'feedback'}.")
    for outcome in failed:
        print(f"  {outcome.student}: {outcome.reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
