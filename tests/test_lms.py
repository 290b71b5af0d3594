"""A Canvas and a Moodle download graded end to end; the gradebook import files they take back."""
import csv
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder import grade, lms
from submissions import solution_with

ROOT = Path(__file__).resolve().parents[1]
MODULE = "01_gradient_descent"
UPHILL = {"gd_step": "def gd_step(params, grads, state, *, learning_rate):\n    return params + learning_rate * grads, state"}
ON_TIME, LATE = (2026, 11, 30, 10, 0, 0), (2026, 12, 2, 8, 15, 0)


def notebook_bytes(replacements):
    return nbformat.writes(solution_with(MODULE, replacements)).encode()


def add(archive, name, data, when):
    archive.writestr(zipfile.ZipInfo(name, date_time=when), data)


def rows(path):
    with open(path, newline="") as table:
        return list(csv.reader(table))


def test_lms_file_names_are_read_by_nbgrader_s_collector_plugins():
    assert lms.CanvasCollector(log=lms._collectors()["canvas"].log).collect("x/smithjane_LATE_12345_67890_05_adam-1.ipynb") == {
        "name": "smithjane", "late": "LATE_", "student_id": "12345", "submission_id": "67890", "file_id": "05_adam-1.ipynb"}
    assert lms._match("Jane Smith_12345_assignsubmission_file_/05_adam.ipynb")[1]["student_id"] == "12345"
    assert lms._match("Jane Smith_12345_assignsubmission_file_05_adam.ipynb")[1]["file_id"] == "05_adam.ipynb"
    assert lms._match("ada/05_adam.ipynb") == (None, None)
    assert lms.is_download(Path(__file__).parent) is False  # the tests folder is no LMS download


@pytest.mark.tensorflow
def test_a_canvas_download_is_graded_and_its_gradebook_import_written(tmp_path, capsys):
    download = tmp_path / "submissions.zip"
    with zipfile.ZipFile(download, "w") as archive:
        add(archive, f"lovelaceada_101_9001_{MODULE}.ipynb", notebook_bytes({}), ON_TIME)
        add(archive, f"babbagecharles_LATE_102_9002_{MODULE}-1.ipynb", notebook_bytes(UPHILL), LATE)  # a resubmission, late
        add(archive, "hoppergrace_103_9003_work.zip", b"not a zip file", ON_TIME)  # her own zip, damaged
        add(archive, "readme.pdf", b"%PDF", ON_TIME)                              # fits no Canvas name
    roster = tmp_path / "roster.csv"
    roster.write_text("lms_id,student_id,name,sis_user_id\n101,ada,Ada Lovelace,S-101\n102,charles,Charles Babbage,S-102\n")
    before = download.read_bytes()

    work = tmp_path / "work"
    assert grade.main([MODULE, str(download), "--work", str(work), "--roster", str(roster), "--jobs", "2",
                       "--due", "2026-12-01 23:59 UTC", "--late-policy", "zero"]) == 0
    summary = capsys.readouterr().out
    assert download.read_bytes() == before
    assert grade.read_grades(work, MODULE) == {"ada": 9.0, "charles": 0.0}  # 4 points, zeroed: late
    assert "103: the zip file is damaged" in summary
    assert "hoppergrace (canvas id 103) is not in the roster: graded as 103." in summary
    assert "readme.pdf: unexpected file name" in summary
    assert "charles: the LMS marked this submission late." in summary
    with open(work / "grades.csv", newline="") as table:
        times = {row["student_id"]: row["timestamp"] for row in csv.DictReader(table)}
    assert times == {"ada": "2026-11-30 10:00:00", "charles": "2026-12-02 08:15:00"}
    assert rows(work / lms.CANVAS_IMPORT) == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", MODULE],
        ["Ada Lovelace", "101", "S-101", "", "", "9.0"],
        ["Charles Babbage", "102", "S-102", "", "", "0.0"],
        ["hoppergrace", "103", "", "", "", ""],        # nothing graded: the instructor sees the gap
    ]
    assert not (work / lms.MOODLE_IMPORT).exists()


@pytest.mark.tensorflow
def test_a_moodle_download_is_graded_and_a_damaged_download_is_one_sentence(tmp_path, capsys):
    download = tmp_path / "moodle.zip"
    with zipfile.ZipFile(download, "w") as archive:
        add(archive, f"Ada Lovelace_5001_assignsubmission_file_/{MODULE}.ipynb", notebook_bytes({}), ON_TIME)
        add(archive, f"Charles Babbage_5002_assignsubmission_file_/sub/{MODULE}.ipynb", notebook_bytes(UPHILL), LATE)
    work = tmp_path / "work"
    assert grade.main([MODULE, str(download), "--work", str(work), "--jobs", "2"]) == 0
    assert grade.read_grades(work, MODULE) == {"5001": 9.0, "5002": 4.0}
    assert rows(work / lms.MOODLE_IMPORT) == [["Participant", "Full name", "Email address", MODULE],
                                              ["5001", "Ada Lovelace", "", "9.0"], ["5002", "Charles Babbage", "", "4.0"]]
    capsys.readouterr()

    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(b"PK\x03\x04 cut short")
    assert grade.main([MODULE, str(damaged), "--work", str(tmp_path / "work2")]) == 0
    summary = capsys.readouterr().out
    assert "damaged.zip is not a readable zip file; nothing in it was graded." in summary
    assert "Traceback" not in summary
