"""Tamper detection for grading: did the notebook replace what the checks rely on?

At autograde a first cell takes a ``snapshot()`` before any learner code runs, and every test
cell starts with ``verify()`` (autograder/tamper.py inserts both). A notebook that replaced, say,
``numpy.allclose``, something in ``numpy.testing`` or one of the course's check functions then
fails every test cell that runs after the change, with one plain sentence saying what changed.

It protects against the usual cheats, not a determined attack on this module itself: code can
always reach and change anything in its own process. autograder/README.md says so.
"""
from __future__ import annotations

import builtins
import importlib
import pkgutil
import sys

from ..learner_code.feedback import fail

__all__ = ["snapshot", "verify"]

# Python's and numpy's checking tools, and every module of the course that a check relies on: all but
# the demonstrations (sliders and plots), which learner code may change freely.
_OUTSIDE = ("builtins", "numpy", "numpy.testing", "numpy.linalg")
_UNWATCHED_PACKAGES = ("optcourse.demos",)


def watched_modules() -> tuple[str, ...]:
    """The modules whose attributes the snapshot records: derived from the package, not hand-kept."""
    import optcourse

    names = ["optcourse"]
    for info in pkgutil.walk_packages(optcourse.__path__, prefix="optcourse."):
        if not info.name.startswith(_UNWATCHED_PACKAGES) and info.name not in _UNWATCHED_PACKAGES:
            names.append(info.name)
    return _OUTSIDE + tuple(sorted(names))


_original: dict[str, tuple[object, dict[str, object]]] = {}


def _watched_attributes(name: str, module) -> dict[str, object]:
    attributes = dict(vars(module))
    if name == "builtins":  # only Python's own; IPython adds and re-adds helpers such as get_ipython
        attributes = {key: value for key, value in attributes.items()
                      if type(value) in (type, type(len)) and getattr(value, "__module__", "builtins") == "builtins"
                      and getattr(value, "__self__", builtins) is builtins}
    return attributes


def snapshot() -> None:
    """Remember every module above and each of its attributes, as they are now."""
    for name in watched_modules():
        module = importlib.import_module(name)
        _original[name] = (module, _watched_attributes(name, module))


def _changes() -> list[str]:
    changed = []
    for name, (module, attributes) in _original.items():
        if sys.modules.get(name) is not module:
            changed.append(f"the module `{name}`")
            continue
        current = vars(module)
        for attribute, value in attributes.items():
            if not attribute.startswith("__") and current.get(attribute, builtins) is not value:
                changed.append(f"`{'' if name == 'builtins' else name + '.'}{attribute}`")
    return changed


def verify() -> None:
    """Fail, in one sentence, if anything in the snapshot was replaced since it was taken."""
    __tracebackhide__ = True
    changed = _changes()
    if changed:
        fail(f"This notebook replaced {', '.join(changed[:3])}, which grading relies on, so no check can be "
             "trusted: tests after the change score 0. Remove the code that changes it.")
