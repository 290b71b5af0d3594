"""How a failed check reaches the learner: one plain sentence, no traceback into this package.

Checks raise ``CheckFailed`` (an ``AssertionError``, so nbgrader and pytest treat it as a failed
test). Inside IPython a custom exception handler shows only the message, as an error output: the
cell still counts as failed for nbgrader, but the learner reads what went wrong, not our frames.
Outside IPython it is an ordinary exception.
"""
from __future__ import annotations

__all__ = ["CheckFailed", "fail"]

_RED, _RESET = "\x1b[31m", "\x1b[0m"


class CheckFailed(AssertionError):
    """A learner's answer or function did not pass a check; the message says why."""


def fail(message: str):
    """Raise ``CheckFailed(message)``, detached from whatever exception is being handled."""
    __tracebackhide__ = True
    raise CheckFailed(message) from None


def _show_message_only(shell, etype, value, tb, tb_offset=None):
    lines = [f"{_RED}✗ Check failed:{_RESET} {value}"]
    shell._showtraceback(etype, value, lines)  # sends an "error" output, as a traceback would
    return lines


def _register_with_ipython() -> None:
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((CheckFailed,), _show_message_only)


_register_with_ipython()
