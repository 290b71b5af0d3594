"""What a learner's sandboxed kernel (the referee's worker) may see of the course while a module is graded.

A graded exercise must be the learner's own work, so the shipped answers to it are not in the
worker's file system at all (an identity test could be fooled; a missing file cannot):

* the course's reference implementation of each rule the module grades (one file per rule in
  ``optcourse/lesson/reference/``): emptied, and the folder of their compiled copies with them;
* TensorFlow and Keras, unless the module's exercises are about Keras (Module 7): emptied, so no
  Keras optimizer or schedule can stand in for a learner's rule;
* ``optcourse.grading`` (the checks' oracles), unless the module needs it in the kernel (Module 7
  reuses the Module 5 Adam through its checks): replaced by ``worker_stub/grading``, whose
  ``checks`` and ``quiz`` do nothing, since every graded cell is judged by the referee;
* the quiz keys: always replaced by an empty table; the record of Keras's answers to the step checks'
  cases (``grading/keras_record.npz``): always gone or emptied, so no function can look an answer up.

The course's package may be in the worker's file system twice, and both copies are treated alike:
the one Python imports (an editable install can point into another checkout; on Gradescope it is
installed in site-packages) and the one under the course's own ``src/``, which the sandbox shows
with the rest of the course. What is graded and what needs Keras is read from the module's source,
not listed here.
"""
from __future__ import annotations

import ast
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

STUBS = Path(__file__).resolve().parent / "worker_stub"
COURSE = Path(__file__).resolve().parents[1]
PACKAGE = "optcourse"  # what the notebooks import (pyproject.toml)


@dataclass
class WorkerView:
    empty_folders: list[Path] = field(default_factory=list)
    empty_files: list[Path] = field(default_factory=list)
    replaced: list[tuple[Path, Path]] = field(default_factory=list)  # (what is shown instead, where)


def _package_folder(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec else []
    return Path(locations[0]).resolve() if locations else None


def imported_package() -> Path | None:
    """The folder of the course's package as this Python imports it: the copy the grading kernel imports too."""
    return _package_folder(PACKAGE)


def course_packages(course: Path = COURSE) -> list[Path]:
    """Every copy of the course's package a worker can see: the imported one, and the one in ``course``/src."""
    copies = [imported_package(), course / "src" / PACKAGE]
    return list(dict.fromkeys(path.resolve() for path in copies if path is not None and path.is_dir()))


def graded_functions(nb) -> set[str]:
    """The functions the learner writes in the solution cells of a module's notebook ``nb``."""
    names = set()
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            names |= {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    return names


def needs_keras(nb) -> bool:
    """Whether a module's test cells call the Keras checks (its exercises are about Keras itself)."""
    from optcourse.grading import keras_checks, training_checks

    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade") and \
                any(f"checks.{name}(" in cell.source for name in [*keras_checks.__all__, *training_checks.__all__]):
            return True
    return False


def worker_view(module: str, course: Path = COURSE) -> WorkerView:
    """The view of the course for the worker that grades ``module`` (any unknown name: the strictest view).

    ``course`` is the course folder the sandbox shows (the one its kernel script is in).
    """
    from optcourse.lesson import reference

    from . import release

    nb = release.read_source(module) if module in release.modules() else None
    view = WorkerView()
    keras_module = nb is not None and needs_keras(nb)
    graded = graded_functions(nb) if nb is not None else set(reference.HOMES)
    if not keras_module:
        view.empty_folders += [path for path in map(_package_folder, ("tensorflow", "keras", "tf_keras")) if path]
    for package in course_packages(course):
        folder = package / "lesson" / "reference"
        answers = sorted({folder / f"{reference.HOMES[name]}.py" for name in graded if name in reference.HOMES})
        view.empty_files += [path for path in answers if path.is_file()]
        if answers and (folder / "__pycache__").is_dir():  # compiled copies of those files
            view.empty_folders.append(folder / "__pycache__")
        grading = package / "grading"
        if not keras_module and grading.is_dir():
            view.replaced.append((STUBS / "grading", grading))
        else:
            if (grading / "quiz_keys.json").is_file():
                view.replaced.append((STUBS / "quiz_keys.json", grading / "quiz_keys.json"))
            if (grading / "keras_record.npz").is_file():  # Keras's answers to the step checks' cases
                view.empty_files.append(grading / "keras_record.npz")
    return view
