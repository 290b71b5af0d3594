"""What a learner's function returned, read as real numbers, or one plain sentence saying why not.

``calling.as_array`` turns a result into a float array of the expected shape; before it, this
refuses complex numbers, which numpy would cast to real with a ComplexWarning on stderr (and a
warning in a test cell scores 0) while dropping the imaginary part silently.
"""
from __future__ import annotations

import numpy as np

from ..learner_code.calling import as_array
from ..learner_code.feedback import fail

__all__ = ["as_numbers"]


def as_numbers(value, *, name: str, what: str, shape: tuple, finite: bool = True) -> np.ndarray:
    """``as_array(value, …)``, but complex values are refused plainly."""
    __tracebackhide__ = True
    try:
        kind = np.asarray(value).dtype.kind
    except (TypeError, ValueError):  # ragged or odd objects: as_array names them
        kind = "O"
    if kind == "c":
        fail(f"`{name}` returned complex numbers for {what}; it should return real numbers (a float array).")
    return as_array(value, name=name, what=what, shape=shape, finite=finite)
