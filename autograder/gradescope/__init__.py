"""A Gradescope autograder for one module: the zip to upload, and what it runs for each submission.

    .venv/bin/python -m autograder.gradescope bundle 05_adam          # writes build/gradescope/05_adam.zip

Upload the zip as the assignment's autograder (*Configure Autograder → Zip file upload*).
Gradescope unpacks it in ``/autograder/source``, runs ``setup.sh`` once when it builds the image
(the course and its grading dependencies, bubblewrap), and ``run_autograder`` for every
submission. That grades ``/autograder/submission`` with grade.py, exactly as a class is graded
locally (a fresh gradebook registered from the module's source, the sandbox, the referee), and
writes ``/autograder/results/results.json``: one test per graded cell, its score and the checks'
sentence, the cells with hidden tests visible to students only once the grades are published.

The bundle holds the course's grading code and the module's source with its hidden tests (never
a gradebook: there are no other students in it); Gradescope keeps the autograder's files from
students, but their code runs beside them, which is why grading still uses the sandbox.
``AUTOGRADER_ROOT`` (default ``/autograder``) moves every path, so a test runs it in a temporary folder.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat

from autograder import grade, release

__all__ = ["STUDENT", "bundle", "results", "run"]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
STUDENT = "submission"  # the one student of a Gradescope run, as the gradebook names it
# What the bundle copies from the course, besides the module's own source folder.
COURSE_FILES = ["pyproject.toml", "README.md", "nbgrader_config.py", "src", "autograder"]
LEFT_OUT = {"__pycache__", "work", ".ipynb_checkpoints", ".build"}
HIDDEN_MARKER = "### BEGIN HIDDEN TESTS"


def _course_files(module: str):
    """(path in the course, name in the zip) for everything grading the module needs."""
    for top in [*COURSE_FILES, f"solutions/{module}", "solutions/_shared"]:
        path = ROOT / top
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            name = file.relative_to(ROOT)
            if not LEFT_OUT & set(name.parts) and not name.name.endswith((".pyc", ".db")):
                yield file, str(name)


def bundle(module: str, out: Path) -> Path:
    """Write the autograder zip for ``module`` to ``out``."""
    if module not in release.modules():
        raise SystemExit(f"There is no module {module!r}; give one of {', '.join(release.modules())}.")
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for file, name in _course_files(module):
            archive.write(file, name)
        for script in ("setup.sh", "run_autograder"):
            info = zipfile.ZipInfo(script, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o100755 << 16  # executable once unpacked
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (HERE / script).read_text().replace("@MODULE@", module))
    return out


def _verdict(cell) -> str:
    """What the referee wrote as a graded cell's outputs: its sentence when the cell failed."""
    lines = []
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            lines.append(f"{output.ename}: {output.evalue}")
        elif output.output_type == "stream":
            lines.append(output.text.strip())
        elif "text/plain" in output.get("data", {}):
            lines.append(output.data["text/plain"])
    return "\n".join(filter(None, lines))[:2000]


def results(module: str, work: Path, student: str, outcome: grade.Outcome | None, seconds: float) -> dict:
    """Gradescope's results.json for one graded (or ungradable) submission, from the gradebook in ``work``."""
    from nbgrader.api import Gradebook, MissingEntry

    source = release.notebook(module)
    graded_cells = [cell for cell in source.cells if cell.metadata.get("nbgrader", {}).get("grade")]
    scores = {}
    if outcome is not None and outcome.graded:
        with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gradebook:
            try:
                submitted = gradebook.find_submission_notebook(module, module, student)
                scores = {g.name: g.score for g in submitted.grades}
            except MissingEntry:
                pass
    autograded = work / "autograded" / student / module / f"{module}.ipynb"
    said = {}
    if autograded.is_file():
        for cell in nbformat.read(autograded, as_version=4).cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id:
                said[grade_id] = _verdict(cell)
    tests = []
    for number, cell in enumerate(graded_cells, start=1):
        grade_id, points = cell.metadata.nbgrader["grade_id"], float(cell.metadata.nbgrader.get("points", 0))
        score = float(scores.get(grade_id) or 0.0)
        tests.append({"name": grade_id, "number": str(number), "score": score, "max_score": points,
                      "status": "passed" if score >= points else "failed", "output": said.get(grade_id, ""),
                      "visibility": "after_published" if HIDDEN_MARKER in cell.source else "visible"})
    if outcome is None or not outcome.graded:
        why = outcome.reason if outcome is not None else "the submission could not be graded"
        output = f"Your submission could not be graded: {why}. Hand in {module}.ipynb and submit again."
    else:
        output = f"Graded: {sum(t['score'] for t in tests):g} of {sum(t['max_score'] for t in tests):g} points."
    return {"score": sum(t["score"] for t in tests), "execution_time": round(seconds, 1), "output": output,
            "visibility": "visible", "stdout_visibility": "hidden", "tests": tests}


def sandbox_works() -> bool:
    """Whether bubblewrap can make a user namespace here (some containers forbid it)."""
    if shutil.which("bwrap") is None:
        return False
    probe = ["bwrap", "--unshare-user", "--unshare-pid", "--unshare-net", "--ro-bind", "/", "/", "--proc", "/proc",
             "--dev", "/dev", "true"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


def run(module: str, root: Path) -> dict:
    """Grade ``root/submission`` and write ``root/results/results.json``; returns what it wrote."""
    start = time.perf_counter()
    outcome = None
    with tempfile.TemporaryDirectory(prefix="gradescope-") as folder:
        folder = Path(folder)
        shutil.copytree(root / "submission", folder / "class" / STUDENT)
        work = folder / "work"
        sandboxed = sandbox_works()
        if not sandboxed:
            print("bubblewrap cannot make a sandbox in this container: student code runs with the grader's rights.")
        try:
            found = grade.grade(module, folder / "class", work=work, jobs=1, limits=grade.Limits(sandbox=sandboxed))
            outcome = next((o for o in found if o.student == STUDENT), None)
        except SystemExit as error:  # grade.py's one-sentence refusals
            outcome = grade.Outcome(STUDENT, module, False, str(error).rstrip("."), 0.0)
        written = results(module, work, STUDENT, outcome, time.perf_counter() - start)
    target = root / "results" / "results.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(written, indent=1))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Gradescope autograder for one module of the course.")
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("bundle", help="write the zip to upload to Gradescope")
    make.add_argument("module", help="e.g. 05_adam")
    make.add_argument("--out", type=Path, help="default: build/gradescope/MODULE.zip")
    grading = commands.add_parser("run", help="grade one submission (what run_autograder calls)")
    grading.add_argument("module")
    grading.add_argument("--root", type=Path, default=Path("/autograder"))
    args = parser.parse_args(argv)
    if args.command == "bundle":
        out = bundle(args.module, args.out or ROOT / "build" / "gradescope" / f"{args.module}.zip")
        print(f"Upload {out} as the autograder of {args.module} on Gradescope.")
        return 0
    written = run(args.module, args.root)
    print(written["output"])
    return 0
