"""Imported at start-up by every Python process grade.py starts (it puts this folder on PYTHONPATH).

jsonschema, under nbformat, imports rfc3987_syntax, which builds ~35 Lark parsers at import
(jsonschema issue #1428): 2 s in every nbgrader process, and in the `alembic` process nbgrader
starts when it creates a gradebook, for a string format no notebook schema uses. Blocking that
one import makes jsonschema leave the format unchecked; nothing else changes.

An ``nbgrader`` command (``python -m nbgrader …``) reads the gradebook's schema version in its own
process when it creates a gradebook (nbgrader runs ``alembic heads`` as a new process for it: 1.4 s
of registering an assignment in a new work folder; the same head, read from nbgrader's own
migration scripts, takes 0.1 s), and it ends without Python's teardown of its modules:
once nbgrader has finished, the process waits for its threads and runs its exit handlers as Python
would (logging is flushed, files are closed, the gradebook is committed already), then leaves with the
same exit status. The teardown itself only frees memory, and with TensorFlow loaded (the referee
imports it to judge Keras checks) it took 0.7–1.1 s of every autograde, 0.25 s of the other commands.
"""
import sys

sys.modules.setdefault("rfc3987_syntax", None)


def _exit_status(stop: SystemExit) -> int:
    """The exit status Python gives ``raise SystemExit(code)`` (a message is printed, status 1)."""
    if stop.code is None:
        return 0
    if isinstance(stop.code, int):
        return stop.code
    print(stop.code, file=sys.stderr)
    return 1


def _alembic_head_read_here() -> None:
    import nbgrader.api
    import nbgrader.dbutil

    def head() -> str:
        from alembic.script import ScriptDirectory

        return ScriptDirectory(nbgrader.dbutil.ALEMBIC_DIR).get_current_head()

    nbgrader.api.get_alembic_version = head


def _leave_quickly_after(run_module_as_main):
    def run(module_name, alter_argv=True):
        if module_name != "nbgrader":
            return run_module_as_main(module_name, alter_argv)
        import atexit
        import os
        import threading

        try:
            _alembic_head_read_here()
            run_module_as_main(module_name, alter_argv)
            status = 0
        except SystemExit as stop:
            status = _exit_status(stop)
        except Exception:  # noqa: BLE001 - reported as Python reports it, status 1
            sys.excepthook(*sys.exc_info())
            status = 1
        threading._shutdown()      # what Python does first at exit: wait for the threads that are not daemons
        atexit._run_exitfuncs()    # then the exit handlers
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (AttributeError, OSError, ValueError):
                pass
        os._exit(status)
    return run


import runpy  # noqa: E402 - after the block above, which must come first

if not getattr(runpy._run_module_as_main, "_optcourse_quick", False):
    runpy._run_module_as_main = _leave_quickly_after(runpy._run_module_as_main)
    runpy._run_module_as_main._optcourse_quick = True
