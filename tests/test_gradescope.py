"""autograder/gradescope: the bundle, and the results.json its run_autograder writes, against Gradescope's format."""
import json
import os
import subprocess
import threading
import time
import zipfile
from pathlib import Path

import jsonschema
import nbformat
import psutil
import pytest

from autograder import grade, gradescope
from submissions import solution_with

MODULE = "01_gradient_descent"
WRONG = {"gd_step": "def gd_step(params, grads, state, *, learning_rate):\n    return params + learning_rate * grads, state",
         "answer_gd_q2": "answer_gd_q2 = 0.5"}

# The fields of results.json as Gradescope documents them (gradescope-autograders.readthedocs.io,
# "Autograder Specifications", "Output Format"): written out here, not read from our code.
VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
FORMAT = {"enum": ["text", "html", "simple_format", "md", "ansi"]}
RESULTS_SCHEMA = {
    "type": "object",
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number"},
        "output": {"type": "string"},
        "output_format": FORMAT,
        "test_output_format": FORMAT,
        "test_name_format": FORMAT,
        "visibility": VISIBILITY,
        "stdout_visibility": VISIBILITY,
        "extra_data": {"type": "object"},
        "tests": {"type": "array", "items": {
            "type": "object",
            "properties": {
                "score": {"type": "number"},
                "max_score": {"type": "number"},
                "status": {"enum": ["passed", "failed"]},
                "name": {"type": "string"},
                "name_format": FORMAT,
                "number": {"type": "string"},
                "output": {"type": "string"},
                "output_format": FORMAT,
                "tags": {"type": "array", "items": {"type": "string"}},
                "visibility": VISIBILITY,
                "extra_data": {"type": "object"},
            },
            "additionalProperties": False,
        }},
        "leaderboard": {"type": "array"},
    },
    "additionalProperties": False,
    "anyOf": [{"required": ["score"]}, {"required": ["tests"]}],  # Gradescope needs one of them
}


def test_the_schema_refuses_what_gradescope_would_refuse():
    good = {"score": 1.0, "tests": [{"name": "a", "score": 1, "max_score": 1, "visibility": "after_published"}]}
    jsonschema.validate(good, RESULTS_SCHEMA)
    for bad in ({"tests": [{"name": "a", "score": "1"}]}, {"tests": [{"name": "a", "visibility": "published"}]},
                {"score": 1, "grade": 1}, {"output": "no score"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, RESULTS_SCHEMA)


def test_the_bundle_holds_the_grading_code_and_the_module_only(tmp_path):
    out = gradescope.bundle(MODULE, tmp_path / "bundle.zip")
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
        runner = archive.read("run_autograder").decode()
    assert {"setup.sh", "run_autograder", "nbgrader_config.py", "pyproject.toml", "autograder/grade.py",
            "autograder/referee.py", "src/optcourse/grading/checks.py", f"solutions/{MODULE}/{MODULE}.py"} <= names
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    assert f'run "{MODULE}"' in runner
    assert not [n for n in names if n.endswith(".db") or "/work/" in n or n.startswith(("tests/", ".git", "course/"))]
    assert not [n for n in names if n.startswith("solutions/") and not n.startswith((f"solutions/{MODULE}/", "solutions/_shared/"))]


def _run_autograder(root: Path) -> tuple[subprocess.CompletedProcess, float]:
    """run_autograder in ``root`` (standing for /autograder); the peak memory of its whole process tree, in MiB."""
    environment = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": os.sys.executable}
    environment.pop("PYTEST_CURRENT_TEST", None)
    process = subprocess.Popen(["bash", str(root / "source" / "run_autograder")], env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = [0.0]

    def watch():
        while process.poll() is None:
            try:
                tree = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
                peak[0] = max(peak[0], sum(p.memory_info().rss for p in tree if p.is_running()) / 2**20)
            except psutil.Error:
                pass
            time.sleep(0.1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    out, _ = process.communicate(timeout=900)
    watcher.join()
    return subprocess.CompletedProcess(process.args, process.returncode, out, ""), peak[0]


@pytest.mark.tensorflow
@pytest.mark.alone
def test_results_json_follows_gradescope_s_format_and_scores_as_the_gradebook(tmp_path):
    notebook = solution_with(MODULE, WRONG)

    # Graded as a class is graded: grade.py, its gradebook.
    (tmp_path / "class" / "ada").mkdir(parents=True)
    nbformat.write(notebook, tmp_path / "class" / "ada" / f"{MODULE}.ipynb")
    grade.grade(MODULE, tmp_path / "class", work=tmp_path / "work", jobs=1)
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{tmp_path / 'work' / 'gradebook.db'}") as gradebook:
        cells = gradebook.find_submission_notebook(MODULE, MODULE, "ada").grades
        in_gradebook = {g.name: (g.score, g.max_score) for g in cells}

    # Graded as Gradescope grades it: the bundle unpacked in /autograder/source, the upload in /autograder/submission.
    root = tmp_path / "autograder"
    with zipfile.ZipFile(gradescope.bundle(MODULE, tmp_path / "bundle.zip")) as archive:
        archive.extractall(root / "source")
    (root / "submission").mkdir()
    nbformat.write(notebook, root / "submission" / f"{MODULE}.ipynb")
    finished, peak_mib = _run_autograder(root)
    print(f"run_autograder: peak memory of its process tree {peak_mib:.0f} MiB")
    assert finished.returncode == 0, finished.stdout[-3000:]
    results = json.loads((root / "results" / "results.json").read_text())

    jsonschema.validate(results, RESULTS_SCHEMA)
    # Why, when it fails: a submission that could not be graded scores 0 on every test.
    assert results["output"].startswith("Graded"), f"{results['output']}\n{finished.stdout[-3000:]}"
    differing = {t["name"]: t["output"] for t in results["tests"] if (t["score"], t["max_score"]) != in_gradebook.get(t["name"])}
    assert {t["name"]: (t["score"], t["max_score"]) for t in results["tests"]} == in_gradebook, \
        f"results.json's outputs where it differs: {differing}\n{finished.stdout[-3000:]}"
    assert in_gradebook["gd_step_tests"] == (0.0, 2.0) and in_gradebook["quiz_gd_q2_check"] == (0.0, 1.0)
    assert results["score"] == sum(score for score, _ in in_gradebook.values()) == 3.0
    by_name = {t["name"]: t for t in results["tests"]}
    # The cells with hidden tests are shown once the grades are published; the quiz checks at once.
    assert {name for name, t in by_name.items() if t["visibility"] == "after_published"} == {"gd_step_tests", "gd_trajectory_tests"}
    assert {t["visibility"] for name, t in by_name.items() if name.startswith("quiz_")} == {"visible"}
    failed = by_name["gd_step_tests"]
    assert failed["status"] == "failed" and failed["output"] and "Traceback" not in failed["output"]
    assert by_name["quiz_gd_q1_check"]["status"] == "passed" and by_name["gd_trajectory_tests"]["status"] == "failed"


@pytest.mark.tensorflow
def test_a_submission_without_the_notebook_scores_zero_with_one_sentence(tmp_path):
    root = tmp_path / "autograder"
    with zipfile.ZipFile(gradescope.bundle(MODULE, tmp_path / "bundle.zip")) as archive:
        archive.extractall(root / "source")
    (root / "submission").mkdir()
    (root / "submission" / "notes.txt").write_text("I forgot the notebook")
    finished, _ = _run_autograder(root)
    assert finished.returncode == 0, finished.stdout[-3000:]
    results = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(results, RESULTS_SCHEMA)
    assert results["score"] == 0 and {t["score"] for t in results["tests"]} == {0.0}
    assert results["output"] == (f"Your submission could not be graded: no notebook for {MODULE} in the submission. "
                                 f"Hand in {MODULE}.ipynb and submit again.")
