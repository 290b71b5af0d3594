"""The referee: every graded test cell is judged in the grader's process, never where learner code runs.

nbgrader's autograde runs a notebook cell by cell in the sandboxed kernel (autograder/sandbox.py).
With ``RefereedExecute`` as its Execute preprocessor, the learner's cells still run there, in that
kernel (the *worker*), but a graded test cell is never sent to it. Instead the referee:

1. reads the test cell's source, which nbgrader has just restored from the gradebook (the
   instructor's version, hidden tests included; the learner's copy of it is ignored);
2. runs it here, with the course's own ``checks`` and ``quiz``; every other name the cell uses
   (``gd_step``, ``answer_gd_q1``) is looked up in the worker when the notebook reaches the cell:
   a value arrives as plain data, a function is kept there as it stands and becomes a stand-in
   that calls it through a narrow channel of plain data (``optcourse.learner_code.channel``). The
   calls themselves are made after the notebook's last cell, so no learner cell runs after them;
3. writes what the checks said as the cell's outputs: nothing or the quiz's "correct." when it
   passes, one error output with the check's sentence when it fails. nbgrader's SaveAutoGrades
   then scores the cell from those outputs, so the gradebook, feedback, export and formgrader work
   as before, and the messages the learner reads are the referee's.

The hidden tests therefore never reach the learner's kernel, and nothing the learner's code does
there (hooks, patched modules, frames, printed results) can change a score: only the plain data
its functions return reaches the checks. A call that hangs, kills the kernel, returns too much or
returns something that is not plain data fails that cell with one sentence; the kernel is then
interrupted or restarted (the learner's cells so far run again) and the rest of the notebook is
graded.
"""
from __future__ import annotations

import builtins
import contextlib
import io
import json
import math
import os
import re
import time
from queue import Empty
from typing import NamedTuple

import numpy as np
from nbclient.util import ensure_async, run_sync
from nbformat.v4 import new_output
from traitlets import Enum, Integer

from optcourse.learner_code import channel

from .experiments import SKIP, _names
from .outputs import ExecuteWithOutputBudget

_RED, _RESET = "\x1b[31m", "\x1b[0m"


class RefereeStop(BaseException):
    """A learner's call could not be completed.

    A BaseException: the checks' ``except Exception`` must not turn it into a wrong-answer message.
    """


def is_test_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


class RemoteFunction:
    """A learner's function that lives in the worker, as it stood at its test cell (kept there under
    ``kept``); calling it sends plain data there and back."""

    def __init__(self, worker: Worker, name: str, module: str, kept: str | None = None):
        self._worker, self._kept, self.__name__, self.__qualname__, self.__module__ = worker, kept, name, name, module

    def __call__(self, *args, **kwargs):
        return self._worker.call(self.__name__, args, kwargs, kept=self._kept)

    def __repr__(self) -> str:
        return f"<your function {self.__name__}>"


class Worker:
    """The learner's kernel, as the referee reaches it: a name is described, a function called."""

    def __init__(self, executor: RefereedExecute, deadline: float | None = None):
        self.executor, self.deadline = executor, deadline

    def describe(self, name: str, *, keep: str | None = None):
        reply = self._request({"op": "describe", "name": name, "keep": keep}, name)
        if reply.get("missing"):
            raise RefereeStop(f"`{name}` is not defined in your notebook: run (or write) the cell that defines it, with this exact name.")
        if reply.get("callable"):
            return RemoteFunction(self, name, str(reply.get("module", ""))[:200], keep)
        if "not_plain" in reply:
            return channel.decode({"t": "opaque", "type": "object"})
        if "value" not in reply:  # no answer at all (a kernel that cannot import the channel): not a None
            raise RefereeStop(f"the grader could not read `{name}` from your notebook's kernel: the kernel did not "
                              "answer the grader's request.")
        return self._decode(reply["value"], name, ())

    def call(self, name: str, args: tuple, kwargs: dict, *, kept: str | None = None):
        try:
            payload = {"op": "call", "name": name, "kept": kept, "args": channel.encode(tuple(args)),
                       "kwargs": channel.encode(dict(kwargs))}
        except channel.NotPlainData as problem:  # the checks only send plain data: this is a bug of ours
            raise RuntimeError(f"the referee cannot send these arguments ({problem})") from None
        reply = self._request(payload, name)
        if "raised" in reply:
            raised = reply["raised"] if isinstance(reply["raised"], dict) else {}
            kind = str(raised.get("type", "Exception"))[:80]
            error_type = channel.builtin_exception(kind) or type(kind if kind.isidentifier() else "Exception", (Exception,), {})
            raise error_type(str(raised.get("message", ""))[:500])
        if "not_plain" in reply:  # the worker's words: only the two the channel itself uses are repeated
            what = reply["not_plain"] if reply["not_plain"] in ("too much data", "nested too deeply") else "something"
            raise RefereeStop(f"`{name}` returned {what} for the grader to read: return numbers, arrays or tuples of them.")
        if "result" not in reply:
            raise RefereeStop(f"`{name}` gave no answer (it was interrupted or stopped the call).")
        if "arguments_after" in reply:
            _write_back(args, self._decode(reply["arguments_after"], name, ()))
        return self._decode(reply["result"], name, args)

    def _decode(self, data, name: str, arguments: tuple):
        try:
            return channel.decode(data, arguments=arguments)
        except (channel.NotPlainData, RecursionError, TypeError, ValueError) as problem:
            raise RefereeStop(f"`{name}` returned something the grader cannot read as plain data ({problem}).") from None

    def _request(self, payload: dict, name: str) -> dict:
        remaining = (self.deadline or time.monotonic() + self.executor.call_timeout) - time.monotonic()
        if remaining <= 0:
            raise RefereeStop(f"the test of `{name}` ran out of time ({self.executor.timeout} s for the cell).")
        return run_sync(self.executor.ask_worker)(payload, name, min(remaining, self.executor.call_timeout))


def _write_back(sent, after) -> None:
    """A learner's call changed its arguments in place: change the referee's objects the same way."""
    if isinstance(sent, np.ndarray) and isinstance(after, np.ndarray):
        if sent.shape == after.shape and sent.flags.writeable:
            np.copyto(sent, after.astype(sent.dtype, copy=False))
    elif isinstance(sent, np.random.Generator) and isinstance(after, np.random.Generator):
        sent.bit_generator.state = after.bit_generator.state
    elif hasattr(sent, "optcourse_recipe") and hasattr(after, "optcourse_recipe"):  # a model the learner trained
        sent.set_weights(after.get_weights())
    elif isinstance(sent, list) and isinstance(after, list):
        for index, (old, new) in enumerate(zip(sent, after)):
            if isinstance(old, (np.ndarray, np.random.Generator, list, tuple)):
                _write_back(old, new)
            else:
                sent[index] = new
        sent[len(after):] = []
        sent.extend(after[len(sent):])
    elif isinstance(sent, tuple) and isinstance(after, tuple):
        for old, new in zip(sent, after):
            _write_back(old, new)


def _trusted_namespace() -> dict:
    from optcourse.grading import checks, quiz

    return {"checks": checks, "quiz": quiz, "np": np, "numpy": np, "math": math,
            "__builtins__": builtins, "__name__": "__referee__"}


def _error(name: str, message: str) -> dict:
    message = message if len(message) <= 2000 else message[:2000] + " …"
    return new_output("error", ename=name, evalue=message, traceback=[f"{_RED}✗ Check failed:{_RESET} {message}"])


def learner_names(source: str, worker: Worker, *, keep: str) -> dict | RefereeStop:
    """What a test cell needs from the learner's notebook, looked up now (functions kept as they are)."""
    found = {}
    _, used = _names(source)
    try:
        for name in sorted(used - set(_trusted_namespace()) - set(dir(builtins))):
            found[name] = worker.describe(name, keep=f"{keep}:{name}")
    except RefereeStop as stop:
        return stop
    return found


def judge(source: str, found: dict | RefereeStop, worker: Worker) -> list:
    """The outputs of a graded test cell, decided here; learner functions (in ``found``) are called through ``worker``."""
    from optcourse.learner_code.feedback import CheckFailed

    namespace = _trusted_namespace()
    printed = io.StringIO()
    try:
        if isinstance(found, RefereeStop):
            raise found
        code = compile(source, "<test cell>", "exec")
        namespace.update(found)
        for function in found.values():
            if isinstance(function, RemoteFunction):
                function._worker = worker
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
            exec(code, namespace)  # noqa: S102 - the instructor's test cell, from the gradebook
    except CheckFailed as failure:
        outcome = _error("CheckFailed", str(failure))
    except RefereeStop as stop:
        outcome = _error("CheckFailed", str(stop))
    except Exception as error:  # noqa: BLE001 - e.g. a learner error the checks let through: one line
        outcome = _error(type(error).__name__, f"{type(error).__name__}: {error}"[:2000])
    else:
        outcome = None
    outputs = [new_output("stream", name="stdout", text=printed.getvalue())] if printed.getvalue() else []
    return outputs + ([outcome] if outcome else [])


EARLY_KERAS_SWITCH = "OPTCOURSE_EARLY_KERAS"
# Oracle runs worked out ahead (optcourse/grading/oracles.py) unless the environment sets this to 0
# (to measure what they save); they need TensorFlow early, so EARLY_KERAS_SWITCH=0 switches them off too.
AHEAD_SWITCH = "OPTCOURSE_ORACLES_AHEAD"


def _load_keras_early_if_needed(nb) -> bool:
    """Start loading TensorFlow now if a test cell calls a check whose oracle is Keras and whose answers
    the release did not record (optcourse/grading/keras_record.py): it loads while the learner's cells
    run, instead of after them (unless the environment sets EARLY_KERAS_SWITCH=0). True when it does."""
    from optcourse.grading import checks, keras_record

    if os.environ.get(EARLY_KERAS_SWITCH) == "0":  # to measure what loading early saves
        return False
    for cell in nb.cells:
        if not is_test_cell(cell):
            continue
        keras_calls = [name for name in re.findall(r"\bchecks\.(\w+)", cell.source) if checks.compares_with_keras(name)]
        recorded = [call for call in check_calls(cell.source) if keras_record.covers(call.check, call.options)]
        if len(recorded) < len(keras_calls):  # a call the record does not answer, or one not read as literals
            from optcourse.lesson.keras_bridge import start_importing_tensorflow

            start_importing_tensorflow()
            return True
    return False


def _background_work_stopped(timeout: float = 60.0) -> None:
    """Once the notebook is judged: oracle runs not started are dropped, and the one running (or TensorFlow
    still loading) is waited for, so that no thread is at work in TensorFlow while this process exits."""
    import sys

    oracles = sys.modules.get("optcourse.grading.oracles")
    if oracles is not None:
        oracles.finished_ahead(timeout, drop_waiting=True)
    keras_bridge = sys.modules.get("optcourse.lesson.keras_bridge")
    loading = getattr(keras_bridge, "_early_import", None)
    if loading is not None:
        loading.join(timeout)


class CheckCall(NamedTuple):
    """A statement ``checks.<check>(<argument>, option=literal, …)`` of a test cell."""

    check: str
    argument: str          # the name the check is given (the learner's function or value)
    options: dict


def check_calls(source: str) -> list[CheckCall]:
    """The test cell's check calls whose options are all literals, in order (others are left out)."""
    import ast

    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    calls = []
    for statement in tree.body:
        call = statement.value if isinstance(statement, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
                and call.func.value.id == "checks" and len(call.args) == 1 and isinstance(call.args[0], ast.Name)
                and all(keyword.arg for keyword in call.keywords)):
            continue
        try:
            options = {keyword.arg: ast.literal_eval(keyword.value) for keyword in call.keywords}
        except Exception:  # noqa: BLE001 - not a literal (ValueError, TypeError, …): this call is left out
            continue
        calls.append(CheckCall(call.func.attr, call.args[0].id, options))
    return calls


def _work_ahead(source: str, found: dict | None = None) -> None:
    """Hand the oracle runs of a test cell's checks to the thread that works them out ahead: those that
    do not depend on what the learner wrote (``found`` None), or those that depend on a value the learner
    wrote, looked up (``found``) when the notebook reached the cell. Never a learner's function."""
    from optcourse.grading import checks, oracles

    for call in check_calls(source):
        try:
            if found is None:
                task = checks.oracle_runs(call.check, call.options)
            elif call.argument in found and not isinstance(found[call.argument], RemoteFunction):
                task = checks.oracle_runs(call.check, call.options, answer=found[call.argument], answer_known=True)
            else:
                task = None
        except Exception:  # noqa: BLE001 - working ahead only saves time: without it the check computes its runs itself
            task = None
        if task is not None:
            oracles.work_ahead(task)


class RefereedExecute(ExecuteWithOutputBudget):
    """nbgrader's Execute (with the output budget) that hands graded test cells to the referee."""

    call_timeout = Integer(30, help="Seconds one call of a learner's function may take during a test.").tag(config=True)
    restart_timeout = Integer(60, help="Seconds to restart the kernel and run the learner's cells again.").tag(config=True)
    # Once the last cell is judged the kernel has nothing left to do: stopped at once, rather than asked
    # to shut down and waited for (about 1 s with TensorFlow loaded, with the learner's atexit code run).
    shutdown_kernel = Enum(["graceful", "immediate"], default_value="immediate",
                           help="How the kernel is stopped after the last cell.").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._ran: list = []          # code cells run so far and functions kept, to redo after a restart
        self._broken: str | None = None
        self._waiting: list = []      # test cells with what they need, judged after the last cell
        self._ahead = False           # whether oracle runs are worked out ahead
        self.judged, self.judging_seconds = 0, 0.0  # what the referee cost (benchmarks/run.py reports it)
        try:
            result = super().preprocess(nb, resources, km)
        finally:
            _background_work_stopped()
        self.log.info("Referee: %d test cells judged in %.2f s", self.judged, self.judging_seconds)
        return result

    def start_new_kernel(self, **kwargs):
        """Start the learner's kernel; while it starts and runs the learner's cells, this process loads
        TensorFlow (when a check needs it) and works out the oracle runs that need no learner's answer.
        Both begin once the kernel is on its way, so that they do not delay its start."""
        super().start_new_kernel(**kwargs)
        if _load_keras_early_if_needed(self.nb) and os.environ.get(AHEAD_SWITCH) != "0":
            self._ahead = True
            for cell in self.nb.cells:
                if is_test_cell(cell):
                    _work_ahead(cell.source)

    def preprocess_cell(self, cell, resources, index):
        """Run a learner's cell; for a test cell, look up what it needs now and judge it after the last cell.

        The calls wait for the end so that no learner cell runs after them: a function that records
        the hidden cases' arguments has no cell left to show them in.
        """
        if is_test_cell(cell):
            self._check_assign_resources(resources)
            start = time.monotonic()
            found = learner_names(cell.source, Worker(self), keep=str(index))
            self._waiting.append((cell, found))
            if self._ahead and isinstance(found, dict):  # a value the learner wrote: its oracle runs can start now
                _work_ahead(cell.source, found)
            if isinstance(found, dict):  # after a restart, these are kept again at the same point
                self._ran.append([{"op": "describe", "name": f.__name__, "keep": f._kept}
                                  for f in found.values() if isinstance(f, RemoteFunction)])
            self.judging_seconds += time.monotonic() - start
        else:
            cell, resources = super().preprocess_cell(cell, resources, index)
            if cell.cell_type == "code" and SKIP not in cell.metadata.get("tags", []):
                self._ran.append(cell.source)
        if index == len(self.nb.cells) - 1:
            self._judge_waiting()
        return cell, self.resources

    def _judge_waiting(self) -> None:
        for cell, found in self._waiting:
            start = time.monotonic()
            cell.outputs = judge(cell.source, found, Worker(self, start + (self.timeout or 120)))
            cell.execution_count = None
            self.judged, self.judging_seconds = self.judged + 1, self.judging_seconds + time.monotonic() - start
        self._waiting = []

    # ------------------------------------------------------------ the channel to the worker

    @staticmethod
    def _request_code(payload: dict) -> str:
        return f"__import__('optcourse.learner_code.channel', fromlist=['serve']).serve({json.dumps(payload)!r})"

    async def ask_worker(self, payload: dict, name: str, timeout: float) -> dict:
        """Send one request to the worker and return its reply; a worker that fails raises RefereeStop."""
        if self._broken:
            raise RefereeStop(self._broken)
        msg_id = await ensure_async(self.kc.execute(self._request_code(payload), store_history=False, allow_stdin=False))
        outcome, reply = await self._await_idle(msg_id, timeout)
        if outcome == "died":
            await self._restart(f"`{name}` stopped the notebook's kernel")
            raise RefereeStop(f"`{name}` stopped your notebook's kernel (it exited or crashed it); the kernel was "
                              "restarted for the rest of the grading.")
        if outcome == "timeout":
            await self._interrupt(msg_id, name)
            raise RefereeStop(f"`{name}` did not return within {timeout:.0f} s in one call; does it loop forever?")
        if reply is None:
            return {}
        if not isinstance(reply, str) or len(reply) > channel.MAX_MESSAGE_BYTES:
            raise RefereeStop(f"`{name}` returned more data than the grader reads ({channel.MAX_MESSAGE_BYTES // 2**20} MB at most).")
        try:
            answer = json.loads(reply)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise RefereeStop(f"`{name}` returned something the grader cannot read as plain data.")
        return answer

    async def _await_idle(self, msg_id: str, timeout: float) -> tuple[str, str | None]:
        """Collect the reply of request ``msg_id`` until the kernel is idle again: ("idle"|"timeout"|"died", reply)."""
        deadline, reply = time.monotonic() + timeout, None
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "timeout", reply
            try:
                msg = await ensure_async(self.kc.get_iopub_msg(timeout=min(remaining, 1.0)))
            except Empty:
                if not await ensure_async(self.km.is_alive()):
                    return "died", None
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            content = msg.get("content", {})
            if msg.get("msg_type") == "display_data" and channel.MIME in content.get("data", {}):
                reply = content["data"][channel.MIME]
            elif msg.get("msg_type") == "status" and content.get("execution_state") == "idle":
                await self._drain_shell(msg_id)
                return "idle", reply

    async def _drain_shell(self, msg_id: str) -> None:
        with contextlib.suppress(Empty):
            while True:
                msg = await ensure_async(self.kc.get_shell_msg(timeout=1.0))
                if msg.get("parent_header", {}).get("msg_id") == msg_id:
                    return

    async def _interrupt(self, msg_id: str, name: str) -> None:
        await ensure_async(self.km.interrupt_kernel())
        outcome, _ = await self._await_idle(msg_id, 5)
        if outcome != "idle":
            await self._restart(f"`{name}` did not stop when interrupted")

    async def _restart(self, why: str) -> None:
        """Restart the worker and run the learner's cells again, so later cells can still be graded."""
        try:
            await ensure_async(self.km.restart_kernel(now=True))
            await ensure_async(self.kc.wait_for_ready(timeout=self.restart_timeout))
            for step in self._ran:
                codes = [step] if isinstance(step, str) else [self._request_code(request) for request in step]
                for code in codes:
                    msg_id = await ensure_async(self.kc.execute(code, store_history=False, allow_stdin=False))
                    outcome, _ = await self._await_idle(msg_id, self.timeout or 120)
                    if outcome != "idle":
                        raise RuntimeError(outcome)
        except Exception:  # noqa: BLE001 - whatever fails, the rest is graded as far as it can be
            self._broken = f"{why}, and your notebook could not be run again afterwards, so this cell could not be graded."
