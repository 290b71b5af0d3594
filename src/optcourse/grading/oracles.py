"""The checks' oracle runs, remembered by their inputs and, at grading, worked out ahead of the checks.

An oracle run (``model.fit`` with a built-in optimizer, the course's range test, a training run
under the budget) depends only on what it is given, never on the learner. A check asks for one with
``remembered(inputs, compute)``: the first caller computes it, and a later call with the same inputs
gets a copy of that result. The key is a digest of the inputs themselves (arrays by their dtype,
shape and bytes, optimizers by their class and configuration, and Keras's float type), so a result
is only ever reused for exactly the inputs it was computed from: a check is as strict as before,
it just does not run the same oracle twice.

At grading, the referee (autograder/referee.py) works a notebook's oracle runs out *ahead*, in one
background thread (``work_ahead``): while the learner's kernel starts and runs the learner's cells,
and while a check waits for a learner's function, the grader's second core computes what the checks
will compare with. A check that reaches a run the thread is computing waits for it; one the thread
has not started yet is computed by the check itself (the thread then skips it). A run that failed in
the thread is computed again by the check, so any error it raises is raised where it always was.
Ahead-of-time work must never call learner code: it is given plain data only.
"""
from __future__ import annotations

import copy
import hashlib
import queue
import struct
import threading
from concurrent.futures import Future
from typing import Any, Callable

import numpy as np

__all__ = ["digest", "remembered", "work_ahead", "finished_ahead"]

_results: dict[str, Future] = {}
_claims = threading.Lock()
_PATIENCE = 120.0  # seconds a check waits for a run being worked out ahead before it computes the run itself


def _feed(h, value) -> None:
    """Add ``value`` to the hash ``h``, with its type, so that different inputs never collide."""
    if value is None or isinstance(value, (bool, int, str)):
        h.update(f"{type(value).__name__}:{value!r};".encode())
    elif isinstance(value, float):
        h.update(b"float:" + struct.pack("<d", value))
    elif isinstance(value, (np.ndarray, np.generic)):
        array = np.ascontiguousarray(value)
        h.update(f"array:{array.dtype.str}:{array.shape};".encode())
        h.update(array.tobytes())
    elif isinstance(value, (list, tuple)):
        h.update(f"{type(value).__name__}:{len(value)}[".encode())
        for item in value:
            _feed(h, item)
        h.update(b"]")
    elif isinstance(value, dict):
        h.update(f"dict:{len(value)}{{".encode())
        for key in sorted(value, key=repr):
            _feed(h, key)
            _feed(h, value[key])
        h.update(b"}")
    else:
        raise TypeError(f"an oracle's input must be plain data, not {type(value).__name__}")


def digest(*inputs) -> str:
    """A digest of plain data (numbers, strings, arrays, and lists, tuples and dicts of them)."""
    h = hashlib.sha256()
    _feed(h, inputs)
    return h.hexdigest()


def _floatx() -> str:
    import sys

    config = sys.modules.get("keras.src.backend.config")
    return config.floatx() if config is not None else ""


def remembered(inputs: tuple, compute: Callable[[], Any], *, ahead: bool = False):
    """``compute()``, or a copy of its result for the same ``inputs`` computed before (or being computed now).

    ``inputs`` must hold everything the result depends on, as plain data. ``ahead``: the caller is
    the thread working ahead; it skips (returns None) a run that someone else has started already.
    """
    try:
        key = digest(_floatx(), *inputs)
    except TypeError:  # inputs that are not plain data are not remembered
        return None if ahead else compute()
    with _claims:
        future = _results.get(key)
        mine = future is None
        if mine:
            future = _results[key] = Future()
            future.set_running_or_notify_cancel()
            future.ahead = ahead
    if not mine:
        if ahead:
            return None
        try:
            return copy.deepcopy(future.result(timeout=_PATIENCE))
        except TimeoutError:
            return compute()
        except Exception:  # it failed ahead of time: compute it here, where its error belongs
            if not future.ahead:
                raise
            return compute()
    try:
        result = compute()
    except BaseException as error:
        with _claims:  # not remembered: the next caller computes it again
            _results.pop(key, None)
        future.set_exception(error)
        raise
    future.set_result(result)
    return copy.deepcopy(result)


_queue: queue.Queue | None = None
_thread: threading.Thread | None = None


def _work() -> None:
    while True:
        task = _queue.get()
        try:
            if task is None:
                return
            task()
        except Exception:  # noqa: BLE001 - the check computes it again and meets the error there
            pass
        finally:
            _queue.task_done()


def work_ahead(task: Callable[[], None]) -> None:
    """Run ``task`` in the background thread that works ahead (started on first use); tasks run in order."""
    global _queue, _thread
    with _claims:
        if _thread is None:
            _queue = queue.Queue()
            _thread = threading.Thread(target=_work, name="oracles-ahead", daemon=True)
            _thread.start()
    _queue.put(task)


def finished_ahead(timeout: float | None = None, *, drop_waiting: bool = False) -> bool:
    """Wait until the tasks given to ``work_ahead`` so far are done; ``drop_waiting``: those not started
    are dropped, and only the one running is waited for. False if that took longer than ``timeout``.

    The referee calls it once every cell is judged: nothing is left running in the background
    (TensorFlow at work in a thread while the process exits could crash it)."""
    if _queue is None:
        return True
    if drop_waiting:
        with _queue.mutex:
            dropped = len(_queue.queue)
            _queue.queue.clear()
            _queue.unfinished_tasks -= dropped
            _queue.all_tasks_done.notify_all()
    done = threading.Event()
    _queue.put(done.set)
    return done.wait(timeout)
