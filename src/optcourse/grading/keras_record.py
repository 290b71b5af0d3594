"""Keras's answers to the step checks' fixed cases, recorded when the course is released.

The step checks (momentum to AdamW, grading/rule_checks.py) compare a learner's rule with a Keras
optimizer on cases built from the check's options alone. Keras's answers to them depend only on
those cases and on the TensorFlow and Keras versions, so ``make release`` records them here
(``keras_record.npz`` beside this file) for every such check call in the course's test cells. A
check takes its answers from the record and runs Keras only for what is missing; the referee
(autograder/referee.py) grades a notebook whose Keras-compared checks are all covered without
loading TensorFlow at all.

A record written under another TensorFlow or Keras than the one installed, or one that cannot be
read, is not used: every answer is then computed live, as without it. tests/test_keras_record.py
computes every recorded answer again with Keras and requires it equal, bit for bit, and requires
the record to cover every call in the sources. A graded kernel never sees the record
(autograder/worker_view.py), so no learner's function can look its answers up.
"""
from __future__ import annotations

import contextlib
import json
from importlib import metadata
from pathlib import Path

import numpy as np

__all__ = ["PATH", "case_digest", "call_key", "answer", "covers", "live", "read", "fields", "versions", "holds", "write"]

PATH = Path(__file__).with_name("keras_record.npz")
_VERSIONS, _CALLS, _INDEX = "versions", "calls", "index"  # the record's entries besides the arrays ("data.<dtype>")
_loaded: dict | None = None
_live = False


def versions() -> str:
    """The installed TensorFlow and Keras, read without importing them."""
    found = []
    for name in ("tensorflow", "keras"):
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} missing")
    return ", ".join(found)


def case_digest(rule_name: str, case) -> str:
    """What identifies a step check's case: the rule, the arrays (dtype, shape and bytes), the hyperparameters."""
    from .oracles import digest

    arrays = lambda values: tuple(np.asarray(value) for value in values)  # noqa: E731 - a learner's int t too
    return digest(rule_name, np.asarray(case.params), arrays(case.state), arrays(case.grads), case.hyper, case.fresh)


def call_key(check: str, options: dict) -> str:
    """A check call ``checks.<check>(fn, **options)`` as text (options as JSON: tuples read as lists)."""
    return json.dumps([check, options], sort_keys=True)


def read(path: Path | None = None) -> tuple[str, dict, set]:
    """A record's versions, answers (digest → field → array) and covered calls; raises if it cannot be read."""
    with np.load(PATH if path is None else path, allow_pickle=False) as stored:
        data = {name[len("data."):]: stored[name] for name in stored.files if name.startswith("data.")}
        answers = {digest: {field: data[dtype][start:start + int(np.prod(shape))].reshape(shape)
                            for field, (dtype, shape, start) in entry.items()}
                   for digest, entry in json.loads(str(stored[_INDEX])).items()}
        return str(stored[_VERSIONS]), answers, set(json.loads(str(stored[_CALLS])))


def _record() -> dict:
    global _loaded
    if _loaded is None:
        _loaded = {"answers": {}, "calls": set()}
        try:
            made_with, answers, calls = read()
        except Exception:  # noqa: BLE001 - missing, emptied (in a graded kernel) or damaged: computed live
            return _loaded
        if made_with == versions():
            _loaded = {"answers": answers, "calls": calls}
    return _loaded


def answer(digest: str) -> tuple[np.ndarray, dict] | None:
    """Keras's parameters and state after each step of the case ``digest``, or None when not recorded."""
    found = None if _live else _record()["answers"].get(digest)
    if found is None:
        return None
    return found["params"].copy(), {field[len("state."):]: value.copy() for field, value in found.items() if field != "params"}


def covers(check: str, options: dict) -> bool:
    """Whether every Keras answer the call ``checks.<check>(fn, **options)`` compares with is recorded."""
    return not _live and call_key(check, options) in _record()["calls"]


@contextlib.contextmanager
def live():
    """Inside: the record is not used (every answer is computed with Keras), as when recording it."""
    global _live
    before, _live = _live, True
    try:
        yield
    finally:
        _live = before


def fields(params, states: dict) -> dict:
    """One answer as the record keeps it: field name → array."""
    return {"params": np.asarray(params), **{f"state.{field}": np.asarray(value) for field, value in states.items()}}


def holds(answers: dict, calls: list[tuple[str, dict]], path: Path | None = None) -> bool:
    """Whether the record in ``path`` holds exactly ``answers`` (the same bits) for ``calls``, made with the
    installed TensorFlow and Keras; False too when it cannot be read."""
    try:
        made_with, stored, covered = read(path)
    except Exception:  # noqa: BLE001 - no record yet, or a damaged one
        return False
    wanted = {digest: fields(*answer) for digest, answer in answers.items()}
    same = lambda a, b: (a.dtype, a.shape, a.tobytes()) == (b.dtype, b.shape, b.tobytes())  # noqa: E731
    return (made_with == versions() and covered == {call_key(*call) for call in calls} and stored.keys() == wanted.keys()
            and all(stored[d].keys() == wanted[d].keys() and all(same(stored[d][f], wanted[d][f]) for f in wanted[d])
                    for d in wanted))


def write(path: Path, answers: dict, calls: list[tuple[str, dict]]) -> None:
    """Record ``answers`` (digest → (params, states)) and the ``calls`` they cover in ``path``: the arrays
    of one dtype end to end in one array, and an index of where each answer's fields are."""
    data: dict[str, list] = {}
    ends: dict[str, int] = {}  # where the next array of each dtype starts
    index: dict[str, dict] = {}
    for digest in sorted(answers):
        for field, value in fields(*answers[digest]).items():
            dtype = value.dtype.str
            index.setdefault(digest, {})[field] = [dtype, list(value.shape), ends.get(dtype, 0)]
            data.setdefault(dtype, []).append(value.ravel())
            ends[dtype] = ends.get(dtype, 0) + value.size
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as file:
        np.savez_compressed(file, **{_VERSIONS: np.array(versions()), _CALLS: np.array(json.dumps(sorted(call_key(*c) for c in calls))),
                                     _INDEX: np.array(json.dumps(index, sort_keys=True)),
                                     **{f"data.{dtype}": np.concatenate(parts) for dtype, parts in data.items()}})
