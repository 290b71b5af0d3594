"""The notebooks themselves: committed clean, released faithfully, executed, validated."""
from __future__ import annotations

import filecmp
import keyword
import os
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import claims
from autograder import release, validate

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = release.build_all()  # the notebooks nbgrader reads, built from solutions/*/*.py
MODULES = [path.parent.name for path in SOLUTIONS]


def nbgrader_cells(path: Path, **flags):
    for cell in nbformat.read(path, as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if all(meta.get(key) == value for key, value in flags.items()) and meta:
            yield cell


def test_every_module_is_released():
    assert MODULES, "no solution notebooks found"
    for module in MODULES:
        assert (ROOT / "course" / module / f"{module}.ipynb").is_file()


def test_notebooks_are_committed_without_outputs():
    tracked = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True, check=True)
    paths = [ROOT / name for name in tracked.stdout.split()] or SOLUTIONS
    for path in paths:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{path.name}: outputs committed"


def test_grade_ids_are_meaningful_and_unique():
    for path in SOLUTIONS:
        ids = [cell.metadata.nbgrader["grade_id"] for cell in nbgrader_cells(path)]
        assert len(ids) == len(set(ids)), path
        assert not any(grade_id.startswith("cell-") for grade_id in ids), path


def test_every_module_has_the_required_parts():
    for path in SOLUTIONS:
        nb = nbformat.read(path, as_version=4)
        text = "\n".join(cell.source for cell in nb.cells)
        for heading in ("## Key takeaways", "## Quiz", "## Exercise 1", "The Keras way"):
            assert heading in text, f"{path.name} lacks {heading!r}"
        assert "Predict" in text or "prediction" in text, f"{path.name} has no prediction prompt"
        assert len([c for c in nbgrader_cells(path, grade=True) if "quiz.check" in c.source]) >= 3
        assert any("widgets." in cell.source for cell in nb.cells if cell.cell_type == "code")
        for cell in nbgrader_cells(path, grade=True):
            if cell.cell_type == "markdown":  # an explain-why answer, marked by hand: no test code
                continue
            assert cell.source.lstrip().startswith('"""Check'), f"test cell {cell.metadata.nbgrader['grade_id']} lacks its docstring"


def test_release_from_the_text_sources_regenerates_course_byte_for_byte(tmp_path):
    release.release(course=tmp_path / "course", keys_file=tmp_path / "quiz_keys.json")
    assert sorted(p.name for p in (tmp_path / "course").iterdir()) == MODULES
    for module in MODULES:
        comparison = filecmp.dircmp(tmp_path / "course" / module, ROOT / "course" / module)
        assert not comparison.left_only and not comparison.right_only, module
        for name in comparison.common_files:
            assert (tmp_path / "course" / module / name).read_bytes() == (ROOT / "course" / module / name).read_bytes(), \
                f"course/{module}/{name} differs from a fresh release: run `make release`"
    assert (tmp_path / "quiz_keys.json").read_bytes() == release.QUIZ_KEYS.read_bytes(), \
        "optcourse/grading/quiz_keys.json differs from the one derived from the sources: run `make release`"


def solution_and_hidden_lines(cell) -> list[str]:
    lines, inside = [], False
    for line in cell.source.splitlines():
        marker = line.strip()
        if marker in ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS"):
            inside = True
        elif marker in ("### END SOLUTION", "### END HIDDEN TESTS"):
            inside = False
        elif inside and len(marker) > 3 and not keyword.iskeyword(marker.rstrip(":")):  # `break`, `else:` give nothing away
            lines.append(marker)
    return lines


def test_no_solution_code_or_hidden_test_in_the_release():
    for path, module in zip(SOLUTIONS, MODULES):
        released = (ROOT / "course" / module / path.name).read_text()
        assert "BEGIN SOLUTION" not in released and "HIDDEN TESTS" not in released
        secret = [line for cell in nbgrader_cells(path) for line in solution_and_hidden_lines(cell)]
        assert secret, "expected solution lines in the solutions notebook"
        # A line the lesson's prose hands out on purpose (an API hint) is no leak; code outside the markers still is.
        given = "\n".join(_outside_solutions(cell.source) for cell in nbformat.read(path, as_version=4).cells
                           if cell.cell_type == "markdown")
        leaked = [line for line in secret if line in released and line not in given]
        assert not leaked, f"{module}: released notebook shows {leaked[:3]}"


def _outside_solutions(source: str) -> str:
    kept, inside = [], False
    for line in source.splitlines():
        marker = line.strip()
        if marker in ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS"):
            inside = True
        elif marker in ("### END SOLUTION", "### END HIDDEN TESTS"):
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


@pytest.mark.tensorflow
@pytest.mark.parametrize("module", MODULES)
def test_solutions_validate_and_course_stubs_fail_every_graded_cell(module, like_a_grader):
    with like_a_grader():
        assert validate.validate(release.source_notebook(module)) == []
        assert validate.validate(ROOT / "course" / module / f"{module}.ipynb", invert=True) == []


@pytest.mark.tensorflow
@pytest.mark.parametrize("module", MODULES)
def test_solution_runs_cleanly_and_graded_cells_are_scored_safely(module, like_a_grader):
    """Runs as nbgrader does; checks the traps that give silent wrong grades.

    TensorFlow's quieting variables are absent (``like_a_grader``), as on a Binder kernel
    started without the Makefile: the helper package alone must keep TensorFlow's start-up lines
    out of graded cells.
    """
    path = release.source_notebook(module)
    nb = nbformat.read(path, as_version=4)
    # The prose's claims about the runs are evaluated in the same kernel, after the last cell.
    table = claims.load(module)
    if table.claims:
        nb.cells.append(nbformat.v4.new_code_cell(claims.evaluation_source(table.claims)))
    os.environ["NBGRADER_EXECUTION"] = "validate"
    try:
        with like_a_grader():
            NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        del os.environ["NBGRADER_EXECUTION"]
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kinds = [output.output_type for output in cell.outputs]
        assert "error" not in kinds
        if cell.metadata.get("nbgrader", {}).get("grade"):
            grade_id = cell.metadata.nbgrader["grade_id"]
            # Any stderr scores 0, and a last-line expression is scored from its text (trap 1 and 2).
            assert not [o for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"], grade_id
            assert "execute_result" not in kinds, f"{grade_id} ends with an expression"
    if table.claims:
        problems = claims.verify(table.claims, claims.results_from(nb.cells[-1].outputs))
        assert not problems, "the prose and the run disagree:\n" + "\n".join(problems)


def code_cells(path: Path):
    return [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def test_no_cell_uses_an_api_that_keras_3_does_not_have():
    import re

    gone = {"reset_state(": re.compile(r"reset_states?\("), "lr=": re.compile(r"\blr\s*="), "optimizers.legacy": re.compile(r"optimizers\.legacy")}
    for path in SOLUTIONS + sorted(ROOT.glob("course/*/*.ipynb")):
        for cell in code_cells(path):
            for name, pattern in gone.items():
                assert not pattern.search(cell.source), f"{path.name} uses {name}: {cell.source[:80]!r}"


def stream_text(nb) -> list[str]:
    """Per cell, everything printed and every table displayed (figures left out: their bytes vary).

    A cell's printed text is joined first: how the kernel splits stdout into messages varies from
    run to run, the text does not.
    """
    cells = []
    for cell in nb.cells:
        text = ""
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                text += output.text
            elif output.output_type in ("display_data", "execute_result") and "text/markdown" in output.data:
                text += output.data["text/markdown"]
        cells.append(text)
    return cells


@pytest.mark.tensorflow
@pytest.mark.parametrize("module", [m for m in MODULES if m.startswith(("06", "07"))])
def test_modules_with_measured_tables_are_deterministic(module, like_a_grader):
    path = release.source_notebook(module)
    runs = []
    for _ in range(2):
        nb = nbformat.read(path, as_version=4)
        with like_a_grader():
            NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
        runs.append(stream_text(nb))
    assert any(runs[0]) and runs[0] == runs[1]
