"""The grading sandbox (autograder/sandbox.py): what student code inside it can and cannot do.

A kernel is started from the sandbox kernel spec exactly as grading starts it (IPC sockets, its own
runtime folder), and code is run in it the way a notebook cell would be.
"""
from __future__ import annotations

import os
import socket
import tempfile
from pathlib import Path

import pytest
from jupyter_client import KernelManager

from autograder import release, sandbox

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.kernel


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    if not sandbox.bwrap_available():
        if os.environ.get("OPTCOURSE_REQUIRE_SANDBOX"):
            pytest.fail("bubblewrap is not installed (make test installs it when run as root)")
        pytest.skip("bubblewrap is not installed: apt-get install bubblewrap")
    grading = tmp_path_factory.mktemp("grading")
    gradebook = grading / "gradebook.db"
    gradebook.write_bytes(b"grades")
    own = grading / "autograded" / "ada" / "01_gradient_descent"
    own.mkdir(parents=True)
    sandbox.write_kernel_spec(grading / "jupyter", hide=[ROOT / "solutions", grading], memory_gb=2.0)
    with tempfile.TemporaryDirectory(prefix="sbx-") as runtime, pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(grading / "jupyter"))
        patch.setenv("JUPYTER_RUNTIME_DIR", runtime)
        manager = KernelManager(kernel_name=sandbox.KERNEL_NAME, transport="ipc", ip=f"{runtime}/kernel")
        manager.start_kernel(cwd=str(own))
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=120)
        try:
            yield client, {"gradebook": gradebook, "own": own}
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)


def run(client, code: str) -> str:
    """Run ``code`` in the kernel; return what it printed, or 'ERROR <name>' if it raised."""
    printed = []
    reply = client.execute_interactive(code, timeout=60, output_hook=lambda msg: printed.append(msg))
    if reply["content"]["status"] == "error":
        return f"ERROR {reply['content']['ename']}"
    return "".join(m["content"].get("text", "") for m in printed if m["msg_type"] == "stream")


def outcome(client, action: str) -> str:
    """'ok' or the exception's name, for one line of Python run in the sandbox."""
    return run(client, f"try:\n    {action}\n    print('ok', end='')\nexcept BaseException as e:\n    print(type(e).__name__, end='')")


def test_student_code_cannot_read_the_solutions(kernel):
    client, _ = kernel
    solution = release.source_notebook("01_gradient_descent")
    assert solution.is_file()  # it is there outside the sandbox
    assert outcome(client, f"open({str(solution)!r}).read()") == "FileNotFoundError"
    assert run(client, f"import os; print(os.listdir({str(ROOT / 'solutions')!r}), end='')") == "[]"


def test_student_code_cannot_read_or_write_the_gradebook(kernel):
    client, paths = kernel
    gradebook = str(paths["gradebook"])
    assert outcome(client, f"open({gradebook!r}).read()") == "FileNotFoundError"
    assert outcome(client, f"open({gradebook!r}, 'w').write('0')") == "OSError"  # read-only file system
    assert paths["gradebook"].read_bytes() == b"grades"


def test_student_code_writes_only_its_own_folder(kernel):
    client, paths = kernel
    assert outcome(client, "open('scratch.txt', 'w').write('mine')") == "ok"
    assert (paths["own"] / "scratch.txt").read_text() == "mine"
    assert outcome(client, f"open({str(ROOT / 'README.md')!r}, 'a').write('x')") == "OSError"
    assert outcome(client, f"open({str(ROOT / 'planted.py')!r}, 'w').write('x')") == "OSError"
    assert not (ROOT / "planted.py").exists()


def test_student_code_has_no_network(kernel):
    client, _ = kernel
    with socket.socket() as listener:  # a server on this machine's loopback, reachable from outside the sandbox
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        for address in (("127.0.0.1", port), ("pypi.org", 443)):  # PyPI is reachable from this machine
            code = (f"import socket\ntry:\n    socket.create_connection({address!r}, timeout=5)\n    print('connected', end='')\n"
                    "except OSError:\n    print('blocked', end='')")
            assert run(client, code) == "blocked", address


def test_a_memory_blow_up_is_a_memory_error_and_the_kernel_lives_on(kernel):
    client, _ = kernel
    assert outcome(client, "import numpy as np; hog = np.ones((3, 2**30))") == "MemoryError"  # 24 GiB
    assert run(client, "print(1 + 1, end='')") == "2"
