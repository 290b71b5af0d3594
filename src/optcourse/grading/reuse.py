"""Bring a function you wrote in an earlier module into a later one, without copying it by hand.

``from_notebook`` reads your saved notebook of the earlier module, runs only the cells in which you
wrote the named functions, checks them with that module's checks, and hands them over. When the
notebook is missing, a function is not written yet, or it fails its check, you get the course's
reference implementation instead and one sentence saying why, so the later module still runs.
"""
from __future__ import annotations

import contextlib
import io
import math
from pathlib import Path
from typing import Callable

import numpy as np

from ..lesson import optim

__all__ = ["from_notebook"]


def _run_solution_cells(path: Path, names: tuple) -> dict:
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    namespace = {"np": np, "math": math, **{name: getattr(optim, name) for name in optim.__all__}}
    for cell in notebook.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code" and grade_id in names:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                exec(compile(cell.source, f"{path.name}:{grade_id}", "exec"), namespace)  # noqa: S102 - the learner's own cell
    return {name: namespace[name] for name in names if callable(namespace.get(name))}


def from_notebook(path, names: tuple, *, check: Callable, fallback: dict) -> tuple[dict, str]:
    """Return ``({name: function}, report)``: yours from ``path`` if they pass ``check``, else ``fallback``.

    ``check(functions)`` raises ``AssertionError`` with a plain message when they are wrong.
    """
    path = Path(path)
    reason = None
    if not path.is_file():
        reason = f"no notebook at {path}"
    else:
        try:
            found = _run_solution_cells(path, names)
        except Exception as error:  # noqa: BLE001 - the learner's cell may fail in any way
            reason = f"running your cells in {path.name} raised {type(error).__name__} ({error})"
        else:
            missing = [name for name in names if name not in found]
            if missing:
                reason = f"{', '.join(missing)} not found in {path.name}"
            else:
                try:
                    check(found)
                except AssertionError as problem:
                    reason = str(problem)
                else:
                    return found, f"Using your {', '.join(names)} from {path.name} (they pass the checks)."
    return dict(fallback), f"Using the course's reference {', '.join(names)}: {reason}"
