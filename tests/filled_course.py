"""The course's notebooks as a learner who has finished them has them: every solution cell filled in."""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from autograder import release


def fill(course: Path, target: Path) -> list[Path]:
    """Copy the released ``course`` folder to ``target``, each solution cell (code and quiz answers)
    holding the module source's solution; return the notebooks in module order."""
    shutil.copytree(course, target)
    notebooks = []
    for module in release.modules():
        solutions = {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in release.notebook(module).cells
                     if cell.metadata.get("nbgrader", {}).get("solution")}
        path = target / module / f"{module}.ipynb"
        nb = nbformat.read(path, as_version=4)
        filled = 0
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in solutions:
                cell.source, filled = solutions[grade_id], filled + 1
        assert filled == len(solutions), f"{module}: {len(solutions) - filled} solution cell(s) not found in the release"
        nbformat.write(nb, path)
        notebooks.append(path)
    return notebooks
