"""Learning-management systems: a Canvas or Moodle download in, their gradebook import files out.

Canvas's "Download submissions" zip names every file ``<name>_<user id>_<submission id>_<file>``
(``<name>_LATE_<user id>_…`` when it came after the due date); Moodle's assignment download puts each
student's files in ``<Full Name>_<participant id>_assignsubmission_file_/`` (or, without folders, names
them ``<Full Name>_<participant id>_assignsubmission_file_<file>``). The names are read by subclasses of
nbgrader's own ``FileNameCollectorPlugin`` (the plugin ``nbgrader zip_collect`` uses), so the same
classes also work there: ``nbgrader zip_collect A --collector=autograder.lms.CanvasCollector``.

``arrange`` lays a download out as grade.py reads a class, one folder per student, and remembers
who is who (``identities.csv`` in the work folder) so that ``write_imports`` can give each grade back
under the LMS's own identifier. A roster CSV (``--roster``) maps the LMS's numbers to the course's
student ids where they differ: columns ``lms_id`` and ``student_id``, and optionally ``name``,
``email``, ``sis_user_id``, ``sis_login_id`` and ``section`` (copied into the import files).
"""
from __future__ import annotations

import csv
import datetime
import logging
import shutil
import zipfile
from pathlib import Path
from typing import NamedTuple

from nbgrader.plugins import FileNameCollectorPlugin
from traitlets import List, Unicode

__all__ = ["CanvasCollector", "MoodleCollector", "Arranged", "arrange", "read_roster", "write_imports",
           "CANVAS_IMPORT", "MOODLE_IMPORT"]

CANVAS_IMPORT, MOODLE_IMPORT, IDENTITIES = "canvas_import.csv", "moodle_import.csv", "identities.csv"
_KEPT = [".ipynb", ".zip", ".txt"]  # notebooks, a student's own zip, nbgrader's timestamp.txt


class CanvasCollector(FileNameCollectorPlugin):
    """``smithjane_12345_67890_05_adam.ipynb``, ``smithjane_LATE_12345_67890_05_adam-1.ipynb``."""

    named_regexp = Unicode(r"(?:.*/)?(?P<name>[^/_]+)_(?P<late>LATE_)?(?P<student_id>\d+)_(?P<submission_id>\d+)_"
                           r"(?P<file_id>[^/]+)$").tag(config=True)
    valid_ext = List(_KEPT).tag(config=True)


class MoodleCollector(FileNameCollectorPlugin):
    """``Jane Smith_12345_assignsubmission_file_/05_adam.ipynb`` (or ``…_assignsubmission_file_05_adam.ipynb``)."""

    named_regexp = Unicode(r"(?:.*/)?(?P<name>[^/]+?)_(?P<student_id>\d+)_assignsubmission_file_/?(?:[^/]+/)*"
                           r"(?P<file_id>[^/]+)$").tag(config=True)
    valid_ext = List(_KEPT).tag(config=True)


_COLLECTORS = {"moodle": MoodleCollector, "canvas": CanvasCollector}  # Moodle's names are the more specific


class Identity(NamedTuple):
    student_id: str   # the id grades are kept under in the gradebook
    lms: str          # "canvas" or "moodle"
    lms_id: str       # Canvas's user id, Moodle's participant id
    name: str
    email: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""


class Arranged(NamedTuple):
    folder: Path                 # one folder per student, as grade.collect reads a class
    timestamps: dict             # student_id -> submission time (UTC, as the zip stores it)
    identities: dict             # student_id -> Identity
    notes: list                  # one sentence each: what was skipped or guessed, and why
    late: set                    # student_ids the LMS marked late


def read_roster(path: Path | None) -> dict[str, dict]:
    """``{lms_id: row}`` from the roster CSV, or ``{}``; a roster without the two columns is refused in a sentence."""
    if path is None:
        return {}
    try:
        with open(path, newline="", encoding="utf-8-sig") as table:
            rows = list(csv.DictReader(table))
    except OSError as error:
        raise SystemExit(f"The roster {path} cannot be read ({error.strerror}).") from None
    if rows and not {"lms_id", "student_id"} <= set(rows[0]):
        raise SystemExit(f"The roster {path} needs the columns lms_id and student_id; it has {', '.join(rows[0])}.")
    return {row["lms_id"].strip(): row for row in rows if row.get("lms_id", "").strip()}


def _members(download: Path):
    """``(relative name, bytes or None when unreadable, time)`` for every file of the download (a zip, or a folder)."""
    if download.is_file():
        with zipfile.ZipFile(download) as archive:
            for info in archive.infolist():
                if not info.is_dir():
                    try:
                        data = archive.read(info)
                    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
                        data = None
                    yield info.filename, data, datetime.datetime(*info.date_time)
    else:
        for path in sorted(download.rglob("*")):
            if path.is_file():
                yield path.relative_to(download).as_posix(), path.read_bytes(), None


def is_download(submissions: Path) -> bool:
    """Whether ``submissions`` is an LMS download: a zip, or a folder whose entries carry LMS names."""
    if submissions.is_file():
        return submissions.suffix == ".zip"
    entries = [p for p in submissions.iterdir() if not p.name.startswith(".")]
    return any(_match(p.name if p.is_file() else p.name + "/x.ipynb")[0] for p in entries)


def _match(name: str):
    for lms, collector in _collectors().items():
        info = collector.collect(name) if name.endswith(tuple(_KEPT)) else None
        if info:
            return lms, info
    return None, None


def _collectors() -> dict:
    # nbgrader's plugins warn about every name that does not match; here that is expected.
    quiet = logging.getLogger("autograder.lms.names")
    quiet.setLevel(logging.CRITICAL)
    return {lms: plugin(log=quiet) for lms, plugin in _COLLECTORS.items()}


def arrange(download: Path, into: Path, roster: dict[str, dict]) -> Arranged:
    """Lay the LMS ``download`` out under ``into`` as ``<student_id>/<file>``; nothing in ``download`` is changed."""
    shutil.rmtree(into, ignore_errors=True)
    into.mkdir(parents=True)
    timestamps, identities, notes, late = {}, {}, [], set()
    try:
        members = list(_members(download))
    except (zipfile.BadZipFile, OSError, ValueError):
        return Arranged(into, {}, {}, [f"{download.name} is not a readable zip file; nothing in it was graded."], set())
    for name, data, when in members:
        if Path(name).name.startswith(".") or "__MACOSX" in name:
            continue
        lms, info = _match(name)
        if info is None:
            notes.append(f"{name}: unexpected file name (neither Canvas's name_id_submission_file nor Moodle's "
                         "Name_id_assignsubmission_file_), skipped.")
            continue
        row = roster.get(info["student_id"])
        student = (row or {}).get("student_id", "").strip() or info["student_id"]
        if roster and row is None:
            notes.append(f"{info['name']} ({lms} id {info['student_id']}) is not in the roster: graded as {student}.")
        identities[student] = Identity(student, lms, info["student_id"], (row or {}).get("name") or info["name"],
                                       *((row or {}).get(k, "") for k in ("email", "sis_user_id", "sis_login_id", "section")))
        if info.get("late"):
            late.add(student)
        if data is None:
            notes.append(f"{name} could not be read from the download (damaged), skipped.")
            continue
        target = into / student / info["file_id"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        if when is not None and (student not in timestamps or str(when) > timestamps[student]):
            timestamps[student] = str(when)  # a student's latest file is the submission time
    for student in list(identities):  # a student who handed in only a zip: grade.collect unpacks it
        files = list((into / student).iterdir()) if (into / student).is_dir() else []
        if len(files) == 1 and files[0].suffix == ".zip":
            files[0].rename(into / f"{student}.zip")
            (into / student).rmdir()
    return Arranged(into, timestamps, identities, notes, late)


def save_identities(work: Path, identities: dict) -> dict:
    """Merge this run's identities into ``work/identities.csv`` (a re-graded student keeps everyone else's)."""
    known = load_identities(work)
    known.update(identities)
    with open(work / IDENTITIES, "w", newline="", encoding="utf-8") as table:
        out = csv.writer(table)
        out.writerow(Identity._fields)
        out.writerows(sorted(known.values()))
    return known


def load_identities(work: Path) -> dict:
    if not (work / IDENTITIES).is_file():
        return {}
    with open(work / IDENTITIES, newline="", encoding="utf-8") as table:
        return {row["student_id"]: Identity(**row) for row in csv.DictReader(table)}


def write_imports(work: Path, grades: Path, modules: list[str]) -> list[Path]:
    """Canvas's and Moodle's gradebook import files from nbgrader's ``grades.csv``: one column per module."""
    identities = load_identities(work)
    with open(grades, newline="", encoding="utf-8") as table:
        scores = {(row["student_id"], row["assignment"]): row["score"] for row in csv.DictReader(table)}
    modules = [module for module in modules if any(assignment == module for _, assignment in scores)]
    written = []
    canvas = [who for who in identities.values() if who.lms == "canvas"]
    if canvas:
        with open(work / CANVAS_IMPORT, "w", newline="", encoding="utf-8") as table:
            out = csv.writer(table)
            out.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *modules])
            for who in sorted(canvas, key=lambda w: w.name):
                out.writerow([who.name, who.lms_id, who.sis_user_id, who.sis_login_id, who.section,
                              *(scores.get((who.student_id, module), "") for module in modules)])
        written.append(work / CANVAS_IMPORT)
    moodle = [who for who in identities.values() if who.lms == "moodle"]
    if moodle:
        with open(work / MOODLE_IMPORT, "w", newline="", encoding="utf-8") as table:
            out = csv.writer(table)
            out.writerow(["Participant", "Full name", "Email address", *modules])
            for who in sorted(moodle, key=lambda w: w.name):
                out.writerow([who.lms_id, who.name, who.email, *(scores.get((who.student_id, module), "") for module in modules)])
        written.append(work / MOODLE_IMPORT)
    return written
