"""A Jupyter kernel for grading that runs student code inside a bubblewrap sandbox.

nbgrader starts it through the kernel spec that ``write_kernel_spec`` creates (grade.py does this
and selects it with ``--Execute.kernel_name``). Inside the sandbox the student's code

* runs as ``nobody`` in a user namespace with no capabilities, even when grading runs as root (as
  root, bubblewrap would otherwise keep every capability and the host would be reachable through
  ``/proc``),
* has its own process namespace and session: it sees and can signal only its own processes, and
  everything it starts (``setsid``, ``nohup``, double forks) dies with the sandbox,
* starts from an empty environment plus the few variables a kernel needs (``KEPT_ENVIRONMENT``),
  so nothing of the grader's environment (tokens, passwords) reaches it,
* sees the whole file system read-only, with ``solutions/``, ``.git``, the grading folder
  (gradebook, other students' work) and the submissions folder replaced by empty read-only folders
  (none of which may hold what the kernel runs from: ``hidden_need``, which grade.py checks),
* sees none of the grader's home folders or password hashes, and none of the shipped answers to
  the module it grades (reference rules, Keras where a rule is graded, the checks' oracles, the
  quiz keys: autograder/worker_view.py),
* sees the course, its Python and the course's package (wherever Python imports it from: an editable
  install can point into another checkout, under ``/tmp`` too) although they may live under ``/tmp``
  or a home folder,
* can write only to a private ``/tmp`` (its notebook's folder is read-only) and its kernel's
  socket folder,
* has no network (a network namespace with nothing in it), so the kernel talks to nbgrader over
  Unix sockets (``--KernelManager.transport=ipc``) instead of TCP,
* has a limit on its address space, so a memory blow-up is a MemoryError in one cell rather than
  the machine swapping or the kernel being killed.

Time is limited by nbgrader's per-cell timeout and grade.py's per-student limit. What it does
not protect against is listed in autograder/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import sys
from pathlib import Path

KERNEL_NAME = "optcourse-sandbox"
HERE = Path(__file__).resolve()
NOBODY = "65534"
PRIVATE_FOLDERS = ("/root", "/home")
TMP_BYTES = 256 * 2**20  # the private /tmp is memory; the address-space limit does not count it
PRIVATE_FILES = ("/etc/shadow", "/etc/gshadow")
# What a kernel needs from the environment it is started with; everything else is left outside.
# The OpenBLAS variables keep numpy correct on processors where this machine sets them.
KEPT_ENVIRONMENT = ("HOME", "MPLCONFIGDIR", "IPYTHONDIR", "PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED", "NBGRADER_EXECUTION",
                    "TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
                    "LANG", "LC_ALL", "TZ")


def bwrap_available() -> bool:
    return shutil.which("bwrap") is not None


def write_kernel_spec(kernels_root: Path, *, hide: list[Path], memory_gb: float) -> Path:
    """Write ``<kernels_root>/kernels/optcourse-sandbox/kernel.json``; put ``kernels_root`` on JUPYTER_PATH."""
    folder = kernels_root / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, str(HERE), "--memory-gb", str(memory_gb)]
    for path in hide:
        argv += ["--hide", str(Path(path).resolve())]
    # Interrupts travel as messages: the kernel runs in a session of its own, out of reach of the
    # process-group signal jupyter_client would otherwise send, and interrupts itself on request.
    spec = {"argv": [*argv, "--", "{connection_file}"], "display_name": "Python 3 (grading sandbox)",
            "language": "python", "interrupt_mode": "message",
            "env": {"HOME": "/tmp", "MPLCONFIGDIR": "/tmp/matplotlib", "IPYTHONDIR": "/tmp/ipython",
                    "PYTHONDONTWRITEBYTECODE": "1"}}
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1))
    return folder


def _outermost(paths: list[Path]) -> list[Path]:
    """The existing folders among ``paths`` that are not inside another one (hiding those hides the rest)."""
    folders = {Path(p).resolve() for p in paths if Path(p).is_dir()}
    return sorted(p for p in folders if not any(other in p.parents for other in folders))


def bwrap_command(connection_file: Path, work_folder: Path, hide: list[Path], memory_gb: float) -> list[str]:
    connection = json.loads(connection_file.read_text())
    if connection.get("transport") != "ipc":
        raise SystemExit("the grading sandbox has no network: start it with --KernelManager.transport=ipc")
    sockets = Path(connection["ip"]).parent
    if not sockets.is_absolute():
        raise SystemExit("the grading sandbox needs an absolute socket path: --KernelManager.ip=/some/folder/kernel")
    command = ["bwrap", "--unshare-user", "--uid", NOBODY, "--gid", NOBODY, "--cap-drop", "ALL",
               "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
               "--die-with-parent", "--new-session", "--clearenv",
               "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--size", str(TMP_BYTES), "--tmpfs", "/tmp"]
    # The grader's own files: home folders (keys, tokens) and the password hashes. As root, student
    # code acts as root on the host's files it can see, so they must not be there to see.
    for private in PRIVATE_FOLDERS:
        if Path(private).is_dir():
            command += ["--tmpfs", private]
    for private in PRIVATE_FILES:
        if Path(private).exists():
            command += ["--ro-bind", "/dev/null", private]
    path = os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"])
    for name, value in [("PATH", path), *((name, os.environ[name]) for name in KEPT_ENVIRONMENT if name in os.environ)]:
        command += ["--setenv", name, value]
    # The private /tmp and the hidden home folders must not hide the course and its Python (a CI clone
    # lives under /tmp; pyenv's Python under /root), nor the course's package where the kernel imports
    # it from: an editable install can point into another checkout, under /tmp too. Hidden, the
    # kernel could not import it, the referee's questions would go unanswered, and every answer
    # would read as None.
    needed = {Path(path).resolve() for path in (HERE.parents[1], sys.prefix, sys.base_prefix)} | set(_course_package())
    for path in sorted(needed):
        if not any(other in path.parents for other in needed):
            command += ["--ro-bind", str(path), str(path)]
    command += _view_arguments(work_folder.name)
    hide = _outermost(hide)
    for path in hide:
        command += ["--tmpfs", str(path)]
    # Visible again inside hidden folders: the notebook's own folder, read-only (nbgrader writes there
    # after the kernel exits, with the grader's rights, and would follow a link a student left in
    # it), and the kernel's sockets, writable.
    command += ["--ro-bind", str(work_folder), str(work_folder), "--bind", str(sockets), str(sockets),
                "--ro-bind", str(connection_file), str(connection_file)]
    for path in hide:
        command += ["--remount-ro", str(path)]
    command += ["--chdir", str(work_folder), "--", sys.executable, str(HERE), "--inside",
                "--memory-gb", str(memory_gb), "--", str(connection_file)]
    return command


def _course_package() -> list[Path]:
    """The folder the kernel imports the course's package from (none if it is not installed)."""
    from autograder.worker_view import imported_package

    return [path for path in [imported_package()] if path is not None]


def kernel_needs() -> list[tuple[Path, str]]:
    """What a sandboxed kernel runs from, with what each is: no folder the sandbox hides may hold one."""
    needs = [(HERE, "the grading sandbox's kernel script"), (Path(sys.prefix), "the Python that grades"),
             (Path(sys.base_prefix), "the Python that grades"),
             *((path, "the course's package that notebooks import") for path in _course_package())]
    return [(path.resolve(), what) for path, what in needs]


def hidden_need(hide: list[Path]) -> tuple[Path, Path, str] | None:
    """(hidden folder, what it holds, what that is) if hiding ``hide`` would hide something the kernel runs from."""
    for folder in sorted(Path(path).resolve() for path in hide):
        for needed, what in kernel_needs():
            if folder == needed or folder in needed.parents:
                return folder, needed, what
    return None


def _view_arguments(module: str) -> list[str]:
    """Leave out of the sandbox the shipped answers to ``module``'s exercises (autograder/worker_view.py)."""
    from autograder.worker_view import worker_view

    view, arguments = worker_view(module, course=HERE.parents[1]), []
    for path in view.empty_folders:
        arguments += ["--tmpfs", str(path), "--remount-ro", str(path)]
    for path in view.empty_files:
        arguments += ["--ro-bind", "/dev/null", str(path)]
    for shown, target in view.replaced:
        arguments += ["--ro-bind", str(shown), str(target)]
    return arguments


def start_kernel_inside(connection_file: str, memory_gb: float) -> None:
    signal.signal(signal.SIGINT, signal.default_int_handler)  # the outer bwrap ignores it; the kernel must not
    limit = int(memory_gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    Path(os.environ.get("MPLCONFIGDIR", "/tmp/matplotlib")).mkdir(parents=True, exist_ok=True)
    from ipykernel import kernelapp

    kernelapp.launch_new_instance(argv=["-f", connection_file])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Start an ipykernel inside a bubblewrap sandbox.")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--hide", type=Path, action="append", default=[])
    parser.add_argument("--memory-gb", type=float, default=3.0)
    parser.add_argument("connection_file")
    args = parser.parse_args(argv)
    if args.inside:
        start_kernel_inside(args.connection_file, args.memory_gb)
        return
    # The view of the course is computed by this copy of the course's grading code, not by another one
    # this Python may have installed (Gradescope's image has a copy in site-packages, without solutions/).
    sys.path.insert(0, str(HERE.parents[1]))
    command = bwrap_command(Path(args.connection_file).resolve(), Path.cwd().resolve(), args.hide, args.memory_gb)
    # Interrupts arrive as messages (see the kernel spec), but a stray SIGINT to this process group
    # must not kill bwrap and the kernel with it: bwrap ignores SIGINT; the kernel inside restores it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # bwrap itself runs as the sandbox's process 1, whose /proc/1/environ the student can read: it
    # gets the kept variables only (as --setenv arguments), never the grader's environment.
    os.execve(shutil.which("bwrap") or "/usr/bin/bwrap", command, {})


if __name__ == "__main__":
    main()
