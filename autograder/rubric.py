"""The instructor's rubric for the answers marked by hand, read from the module sources.

    python -m autograder.rubric                 # every module
    python -m autograder.rubric 03_momentum     # one module

Each module asks one "explain why" question: a markdown answer cell with ``solution`` and
``points`` in its nbgrader metadata (``quiz_explain_<topic>``), preceded by its prompt
(``quiz_explain_<topic>_prompt``). The model answer and the rubric are the cell's solution, between
``### BEGIN SOLUTION`` and ``### END SOLUTION``: the release replaces them with "YOUR ANSWER HERE",
so they are in no learner's notebook (course/, the student release) and have one home, the source.
Print them next to Formgrader's Manual Grading view (autograder/README.md).
"""
from __future__ import annotations

import argparse
import re
import sys

from autograder import release

__all__ = ["rubrics", "main"]

_SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.DOTALL)


def rubrics(module: str) -> list[tuple[str, float, str, str]]:
    """``(grade_id, points, prompt, model answer and rubric)`` for each hand-marked answer of ``module``."""
    cells = release.notebook(module).cells
    prompts = {cell.id: cell.source for cell in cells}
    found = []
    for cell in cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and meta.get("grade") and meta.get("solution"):
            solution = _SOLUTION.search(cell.source)
            found.append((meta["grade_id"], float(meta["points"]), prompts.get(f"{meta['grade_id']}_prompt", ""),
                          solution.group(1).strip() if solution else "(no rubric written in the source)"))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="modules (default: all)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.modules) - set(release.modules()))
    if unknown:
        print(f"There is no module {unknown[0]!r}; give one of {', '.join(release.modules())}.")
        return 1
    for module in args.modules or release.modules():
        for grade_id, points, prompt, rubric in rubrics(module):
            print(f"## {module} · {grade_id} ({points:g} point{'s' if points != 1 else ''})\n\n{prompt}\n\n{rubric}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
