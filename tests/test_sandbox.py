"""The grading sandbox (autograder/sandbox.py): what student code inside it can and cannot do.

A kernel is started from the sandbox kernel spec exactly as grading starts it (IPC sockets, its own
runtime folder), and code is run in it the way a notebook cell would be.
"""
from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from jupyter_client import KernelManager

from autograder import grade, release, sandbox

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
    submissions = tmp_path_factory.mktemp("submissions")
    (submissions / "bob.ipynb").write_text("bob's work")
    # What grade.py hides, as it computes it.
    sandbox.write_kernel_spec(grading / "jupyter", hide=grade.hidden_from_students(grading, submissions),
                              memory_gb=grade.Limits().memory_gb)  # as grading sets it (full TensorFlow maps more than 2 GiB)
    with tempfile.TemporaryDirectory(prefix="sbx-") as runtime, pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(grading / "jupyter"))
        patch.setenv("JUPYTER_RUNTIME_DIR", runtime)
        patch.setenv("OPTCOURSE_GRADER_SECRET", SECRET)  # as a token in the grader's environment would be
        with started_kernel(runtime, own) as client:
            yield client, {"gradebook": gradebook, "own": own, "submissions": submissions, "runtime": runtime}


SECRET = "grader-token-5f3a"


@contextlib.contextmanager
def started_kernel(runtime: str, cwd: Path):
    manager = KernelManager(kernel_name=sandbox.KERNEL_NAME, transport="ipc", ip=f"{runtime}/kernel-{os.urandom(4).hex()}")
    manager.start_kernel(cwd=str(cwd))
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        yield client
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


def test_student_code_writes_only_its_private_tmp(kernel):
    """Its own graded folder is read-only too: nbgrader writes there after the kernel exits, with the
    grader's rights, and would follow a link left there (to the gradebook, a classmate's notebook)."""
    client, paths = kernel
    assert outcome(client, "open('/tmp/scratch.txt', 'w').write('mine')") == "ok"
    assert outcome(client, "open('scratch.txt', 'w').write('mine')") == "OSError"
    assert outcome(client, f"import os; os.symlink({str(paths['gradebook'])!r}, 'leak.txt')") == "OSError"
    assert list(paths["own"].iterdir()) == []
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


def test_student_code_runs_as_nobody_with_no_capabilities(kernel):
    """As root (as CI and many single-server installs grade), bubblewrap alone would keep every capability."""
    client, _ = kernel
    assert run(client, "import os; print(os.getuid(), os.getgid(), end='')") == "65534 65534"
    code = "print([l.split()[1] for l in open('/proc/self/status') if l.startswith(('CapEff', 'CapPrm', 'CapBnd'))], end='')"
    assert run(client, code) == "['0000000000000000', '0000000000000000', '0000000000000000']"


def test_student_code_sees_and_signals_no_process_outside(kernel):
    client, paths = kernel
    outsider = subprocess.Popen(["sleep", "300"])
    try:
        assert outcome(client, f"import os; os.kill({outsider.pid}, 0)") == "ProcessLookupError"
        assert run(client, f"import os; print(os.path.exists('/proc/{outsider.pid}'), end='')") == "False"
        # Only the sandbox's own few processes exist; none of them leads to the host's files.
        assert run(client, "import os; print(len([p for p in os.listdir('/proc') if p.isdigit()]) < 6, end='')") == "True"
        gradebook = str(paths["gradebook"])
        code = (f"import os\nfound = []\nfor p in [p for p in os.listdir('/proc') if p.isdigit()]:\n"
                f"    try:\n        open('/proc/' + p + '/root' + {gradebook!r}).read(); found.append(p)\n"
                f"    except OSError:\n        pass\nprint(found, end='')")
        assert run(client, code) == "[]"
        assert outcome(client, "import os; os.chroot('/proc/1/root')") == "PermissionError"
        assert outsider.poll() is None, "the process outside was signalled"
    finally:
        outsider.kill()


def test_nothing_the_student_starts_outlives_the_kernel(kernel):
    _, paths = kernel
    marker = f"{31000 + os.getpid() % 1000}"
    leave_behind = (
        "import os, subprocess\n"
        f"subprocess.Popen(['setsid', 'sleep', '{marker}'])\n"
        f"subprocess.Popen('nohup sleep {marker} >/dev/null 2>&1 &', shell=True)\n"
        "if os.fork() == 0:\n    if os.fork() == 0:\n"
        f"        os.setsid(); os.execvp('sleep', ['sleep', '{marker}'])\n    os._exit(0)\n"
        "print('started', end='')")
    with started_kernel(paths["runtime"], paths["own"]) as client:
        assert run(client, leave_behind) == "started"
        assert subprocess.run(["pgrep", "-f", f"sleep {marker}"], capture_output=True).stdout.split(), \
            "the test should see the processes while the kernel runs"
    deadline = time.time() + 10
    while subprocess.run(["pgrep", "-f", f"sleep {marker}"], capture_output=True).returncode == 0 and time.time() < deadline:
        time.sleep(0.2)
    assert subprocess.run(["pgrep", "-f", f"sleep {marker}"], capture_output=True).returncode == 1, "a process outlived grading"


def test_student_code_cannot_read_the_graders_environment(kernel):
    client, _ = kernel
    assert os.environ["OPTCOURSE_GRADER_SECRET"] == SECRET  # the grader's environment has it while the kernel runs
    assert run(client, "import os; print(sorted(k for k in os.environ if 'SECRET' in k or 'TOKEN' in k), end='')") == "[]"
    assert run(client, f"import os; print({SECRET!r} in repr(dict(os.environ)), end='')") == "False"
    code = (f"import os\nseen = False\nfor p in [p for p in os.listdir('/proc') if p.isdigit()]:\n"
            f"    try:\n        seen |= {SECRET!r}.encode() in open('/proc/' + p + '/environ', 'rb').read()\n"
            f"    except OSError:\n        pass\nprint(seen, end='')")
    assert run(client, code) == "False"


def test_student_code_cannot_see_the_repository_history_or_the_class_submissions(kernel):
    client, paths = kernel
    if (ROOT / ".git").is_dir():  # in a worktree .git is a file naming the real folder
        assert run(client, f"import os; print(os.listdir({str(ROOT / '.git')!r}), end='')") == "[]"
    for answers in ("tests", "solutions"):  # correct implementations live in both
        assert run(client, f"import os; print(os.listdir({str(ROOT / answers)!r}), end='')") == "[]", answers
    assert (paths["submissions"] / "bob.ipynb").is_file()
    assert run(client, f"import os; print(os.listdir({str(paths['submissions'])!r}), end='')") == "[]"


def test_student_code_cannot_read_the_graders_home_or_password_hashes(kernel):
    client, _ = kernel
    for private in ("/root", "/home"):
        if Path(private).is_dir():
            shown = run(client, f"import os; print(sorted(os.listdir({private!r})), end='')")
            needed = sorted(p.name for p in Path(private).iterdir()
                            if any(Path(q).resolve().is_relative_to(p) for q in (ROOT, sys.prefix, sys.base_prefix)))
            assert shown == str(needed), f"{private} shows more than the course and its Python: {shown}"
    if Path("/etc/shadow").exists():
        assert run(client, "print(repr(open('/etc/shadow').read()), end='')") in ("''", "ERROR PermissionError")


def test_the_private_tmp_is_small(kernel):
    """It is memory, which the address-space limit does not count: 2 GiB there once filled the host's RAM."""
    client, _ = kernel
    assert outcome(client, "open('/tmp/big', 'wb').write(b'0' * (300 * 2**20))") == "OSError"
    assert run(client, "import os; os.remove('/tmp/big'); print('ok', end='')").endswith("ok")  # may warn first


SHIPPED_ANSWERS = """
import importlib, json
found = {}
import tensorflow
found["tensorflow"] = tensorflow.__file__ is not None
for name in ("optcourse.grading.rule_checks", "optcourse.grading.schedule_checks"):
    try:
        importlib.import_module(name)
        found[name] = True
    except ImportError:
        found[name] = False
from optcourse.grading import checks, quiz
found["quiz keys"] = bool(getattr(quiz, "KEYS", {}))
import optcourse, os
try:
    with open(os.path.join(os.path.dirname(optcourse.__file__), "grading", "keras_record.npz"), "rb") as record:
        found["keras record"] = bool(record.read())
except OSError:
    found["keras record"] = False
from optcourse.lesson import reference
for rule in ("adam_step", "adamw_step", "momentum_step"):
    try:
        getattr(reference, rule)
        found[rule] = True
    except AttributeError:
        found[rule] = False
print("FOUND" + json.dumps(found), end="")
"""


@pytest.mark.parametrize("module, present", [
    ("01_gradient_descent", {"adam_step": True, "momentum_step": True}),
    ("05_adam", {"adam_step": False, "adamw_step": False, "momentum_step": True}),
    ("07_tradeoffs", {"tensorflow": True, "optcourse.grading.rule_checks": True, "optcourse.grading.schedule_checks": True,
                      "adam_step": True, "adamw_step": True, "momentum_step": True}),
])
def test_the_shipped_answers_to_a_module_are_not_in_its_sandbox(kernel, module, present, tmp_path):
    """Absent from the file system, not refused by a test: Keras (unless the module is about Keras), the
    checks' oracles, the quiz keys, Keras's recorded answers and the reference rule of each graded exercise
    (autograder/worker_view.py)."""
    _, paths = kernel
    own = Path(paths["own"]).parents[1] / f"ada-{module}" / module
    own.mkdir(parents=True, exist_ok=True)
    expected = {"tensorflow": False, "optcourse.grading.rule_checks": False, "optcourse.grading.schedule_checks": False,
                "quiz keys": False, "keras record": False, "adam_step": True, "adamw_step": True, "momentum_step": True, **present}
    with started_kernel(paths["runtime"], own) as client:
        printed = run(client, SHIPPED_ANSWERS)  # TensorFlow may log to stderr first
        assert "FOUND" in printed, printed
        assert json.loads(printed.split("FOUND")[-1]) == expected


INSTALLED_ELSEWHERE = """
import json, os, sys
sys.path.insert(0, {site!r})  # as the kernel's Python would import the course in such a layout
from optcourse.learner_code import channel
from optcourse.grading import quiz
found = {{"channel": channel.__file__, "quiz keys": bool(getattr(quiz, "KEYS", {{}}))}}
def readable(path):
    try:
        with open(path, "rb") as file:
            return "readable" if file.read() else "empty"
    except FileNotFoundError:
        return "absent"
    except OSError:
        return "unreadable"
for copy in ({site!r}, {course!r}):
    found[copy] = {{name: readable(os.path.join(copy, "optcourse", name))
                   for name in ("lesson/reference/adam.py", "grading/quiz_keys.json", "grading/rule_checks.py",
                                 "grading/keras_record.npz")}}
found["tensorflow"] = bool(os.listdir({tensorflow!r}))
print("FOUND" + json.dumps(found), end="")
"""


@pytest.fixture
def course_installed_under_tmp(tmp_path):
    """Grading as on Gradescope (a clone under /tmp, or its image): the course's grading code runs from the
    course folder, while Python imports the course's packages (optcourse, autograder) from another folder,
    here one under /tmp (which the sandbox makes private) and without solutions next to it."""
    if not sandbox.bwrap_available():
        pytest.skip("bubblewrap is not installed: apt-get install bubblewrap")
    with tempfile.TemporaryDirectory(dir="/tmp", prefix="site-") as site:
        ignore = shutil.ignore_patterns("__pycache__", "work", "*.pyc")
        for package in (ROOT / "src" / "optcourse", ROOT / "autograder"):
            shutil.copytree(package, Path(site) / package.name, ignore=ignore)
        grading, submissions = tmp_path / "grading", tmp_path / "class"
        submissions.mkdir()
        sandbox.write_kernel_spec(grading / "jupyter", hide=grade.hidden_from_students(grading, submissions),
                                  memory_gb=grade.Limits().memory_gb)
        with tempfile.TemporaryDirectory(prefix="sbx-") as runtime, pytest.MonkeyPatch.context() as patch:
            patch.setenv("JUPYTER_PATH", str(grading / "jupyter"))
            patch.setenv("JUPYTER_RUNTIME_DIR", runtime)
            patch.setenv("PYTHONPATH", site)  # what the kernel's launcher imports, as from site-packages

            def seen_by(module: str) -> dict:
                own = grading / "autograded" / "ada" / module
                own.mkdir(parents=True)
                tensorflow = Path(importlib.util.find_spec("tensorflow").submodule_search_locations[0])
                code = INSTALLED_ELSEWHERE.format(site=site, course=str(ROOT / "src"), tensorflow=str(tensorflow))
                with started_kernel(runtime, own) as client:
                    printed = run(client, code)
                assert "FOUND" in printed, printed
                return json.loads(printed.split("FOUND")[-1])

            yield site, seen_by


def test_the_course_s_package_is_imported_where_python_installed_it_even_under_tmp(course_installed_under_tmp):
    """Hidden by the private /tmp, the package could not be imported: the referee's questions went unanswered
    and a Gradescope run of a clone under /tmp read every quiz answer as None (issue 18)."""
    site, seen_by = course_installed_under_tmp
    found = seen_by("01_gradient_descent")
    assert found["channel"] == f"{site}/optcourse/learner_code/channel.py"
    assert found["quiz keys"] is False  # the grading stub, not the checks' oracles


def test_every_copy_of_the_course_s_package_leaves_out_the_answers(course_installed_under_tmp):
    """Gradescope's image holds the course twice: installed (what the kernel imports) and unpacked in the
    course folder (which the sandbox shows). Neither copy may hand out a reference rule or the quiz keys."""
    site, seen_by = course_installed_under_tmp
    found = seen_by("05_adam")
    assert found[site] == found[str(ROOT / "src")] == {
        "lesson/reference/adam.py": "unreadable", "grading/quiz_keys.json": "absent", "grading/rule_checks.py": "absent",
        "grading/keras_record.npz": "absent"}
    assert found["tensorflow"] is False


def test_the_view_of_the_course_is_read_from_the_course_being_graded(course_installed_under_tmp):
    """The installed copy of the grading code has no solutions/ beside it: had the sandbox read the module's
    needs there, it would not know Module 7 and would hide Keras from a module about Keras."""
    site, seen_by = course_installed_under_tmp
    found = seen_by("07_tradeoffs")
    assert found["tensorflow"] is True
    assert found["quiz keys"] is False
    for copy in (site, str(ROOT / "src")):  # the checks are there (Module 7 needs them), Keras's recorded answers are not
        assert found[copy]["grading/rule_checks.py"] == "readable"
        assert found[copy]["grading/keras_record.npz"] == "unreadable"
