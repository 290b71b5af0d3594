"""autograder/experiments.py: which cells the grader leaves unrun, checked without running any."""
from pathlib import Path

import nbformat
import pytest

from autograder import experiments, release

ROOT = Path(__file__).resolve().parents[1]

TAG = "skip-when-grading"


def notebook(*cells) -> nbformat.NotebookNode:
    """Cells given as source strings; ("experiment", source) is a tagged experiment, ("answer", source) a solution cell."""
    nb = nbformat.v4.new_notebook()
    for cell in cells:
        kind, source = cell if isinstance(cell, tuple) else ("plain", cell)
        new = nbformat.v4.new_code_cell(source)
        if kind == "experiment":
            new.metadata["tags"] = [TAG]
        elif kind == "answer":
            new.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": f"answer{len(nb.cells)}"}
        nb.cells.append(new)
    return nb


def run_or_skip(nb) -> list[str]:
    """For each cell: "skip" if the grader's kernel will not run it, else "run"."""
    nb, _ = experiments.SkipExperiments().preprocess(nb, {})
    return ["skip" if experiments.SKIP in cell.metadata.get("tags", []) else "run" for cell in nb.cells]


@pytest.mark.parametrize("path", release.build_all(), ids=lambda path: path.parent.name)
def test_no_solution_needs_an_experiment_so_every_experiment_is_skipped(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [TAG in cell.metadata.get("tags", []) for cell in nb.cells]
    assert any(tagged)
    assert [decision == "skip" for decision in run_or_skip(nb)] == tagged


def test_an_answer_computed_in_an_experiment_makes_the_grader_run_it():
    nb = notebook("import numpy as np",
                  ("experiment", "rates = np.geomspace(0.01, 1, 20)\ndiverges_above = 2 / 10"),
                  ("experiment", "import matplotlib.pyplot as plt\nplt.plot(rates)"),
                  ("answer", "answer_q2 = diverges_above"))
    assert run_or_skip(nb) == ["run", "run", "skip", "run"]
    assert nb.cells[1].source.startswith("# (An experiment, run while grading because it defines `diverges_above`")


def test_a_helper_function_from_an_experiment_is_found_inside_the_answer_and_so_is_what_it_needs():
    nb = notebook(("experiment", "SCALE = 2.0"),
                  ("experiment", "def double(x):\n    return SCALE * x"),
                  ("answer", "def step(params, grads):\n    return params - double(grads)"))
    assert run_or_skip(nb) == ["run", "run", "run"]


def test_names_the_answer_binds_itself_or_only_uses_locally_do_not_pull_an_experiment_in():
    nb = notebook("import numpy as np",
                  ("experiment", "import numpy as np\nbatch_size = 8\nrate = 0.1\nfor k in range(3):\n    pass"),
                  ("answer", "def sgd(params, batch_size, *, rate):\n    return [k * rate for k in range(batch_size)]"),
                  ("answer", "k = 3\nanswer = np.sqrt(k)"))
    assert run_or_skip(nb) == ["run", "skip", "run", "run"]


def test_a_global_statement_in_an_experiment_counts_as_defining_the_name():
    nb = notebook(("experiment", "def setup():\n    global best\n    best = 0.2\nsetup()"), ("answer", "answer = best"))
    assert run_or_skip(nb) == ["run", "run"]


def test_magics_and_broken_cells_are_read_without_failing():
    nb = notebook(("experiment", "%matplotlib inline\nlimit = 2 / 10"), ("experiment", "def broken(:"),
                  "this is not python", ("answer", "answer = limit"))
    assert run_or_skip(nb) == ["run", "skip", "run", "run"]


def test_tags_on_graded_cells_are_removed_and_grading_twice_adds_one_note():
    nb = notebook(("experiment", "x = 1"), ("answer", "answer = 2"))
    nb.cells[1].metadata["tags"] = [TAG, experiments.SKIP]
    assert run_or_skip(nb) == ["skip", "run"]
    assert run_or_skip(nb) == ["skip", "run"]
    assert nb.cells[0].source == experiments.NOTE + "x = 1"
    assert nb.cells[1].metadata["tags"] == []
