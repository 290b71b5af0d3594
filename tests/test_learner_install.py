"""Where learners are: a fresh Python 3.13 gets the learner package from the student release with
pip alone (no JupyterLab, no nbgrader), and all seven modules run there with the solutions filled in.

The notebooks run in a kernel of that environment, one after another in their own folders (Module 7
reads the learner's Module 5 beside it), without TensorFlow's quieting variables, as a learner's
kernel would start. Slow: the first run downloads TensorFlow for Python 3.13 (pip caches it).
"""
import glob
import json
import shutil
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from filled_course import fill

pytestmark = pytest.mark.install


def python_313() -> str | None:
    """A Python 3.13 that runs: on PATH, or pyenv's (its shim fails where a pyenv-local version is set)."""
    candidates = [shutil.which("python3.13"), *sorted(glob.glob(str(Path.home() / ".pyenv" / "versions" / "3.13*" / "bin" / "python3.13")))]
    for candidate in filter(None, candidates):
        if subprocess.run([candidate, "-c", "import venv"], capture_output=True).returncode == 0:
            return candidate
    return None


PYTHON_313 = python_313()
LEARNER_PACKAGES = {"numpy", "matplotlib", "pillow", "ipywidgets", "nbformat", "tensorflow"}


def run(command, **kwargs):
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, command))} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    return result.stdout


@pytest.mark.tensorflow
@pytest.mark.skipif(PYTHON_313 is None, reason="needs Python 3.13 (on PATH, or `pyenv install 3.13`)")
def test_a_fresh_python_313_runs_every_module_from_the_learner_package(learner_release, tmp_path, like_a_grader):
    started = time.monotonic()
    venv = tmp_path / "py313"
    run([PYTHON_313, "-m", "venv", venv])
    python = venv / "bin" / "python"
    assert run([python, "-c", "import sys; print(sys.version_info[:2])"]).strip() == "(3, 13)"
    # From a copy: pip builds in the folder it installs (build/, *.egg-info), which other tests read.
    source = shutil.copytree(learner_release, tmp_path / "release")
    run([python, "-m", "pip", "install", "--quiet", source])
    installed = {item["name"].lower().replace("_", "-") for item in json.loads(run([python, "-m", "pip", "list", "--format=json"]))}
    assert LEARNER_PACKAGES <= installed
    assert not installed & {"jupyterlab", "nbgrader", "jupytext", "tensorflow-cpu"}, "the learner package pulls in more than it needs"
    run([python, "-m", "pip", "install", "--quiet", "ipykernel"])  # what Jupyter or Colab brings: a kernel
    installing = time.monotonic() - started

    kernels = tmp_path / "kernels"
    (kernels / "py313").mkdir(parents=True)
    (kernels / "py313" / "kernel.json").write_text(json.dumps(
        {"argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"], "display_name": "3.13", "language": "python"}))
    specs = KernelSpecManager(kernel_dirs=[str(kernels)])
    timings = {}
    for path in fill(learner_release / "course", tmp_path / "course"):
        began = time.monotonic()
        nb = nbformat.read(path, as_version=4)
        with like_a_grader():
            manager = KernelManager(kernel_name="py313", kernel_spec_manager=specs)
            NotebookClient(nb, km=manager, timeout=300, resources={"metadata": {"path": str(path.parent)}}).execute()
        timings[path.stem] = round(time.monotonic() - began, 1)
        assert nb.metadata.language_info.version.startswith("3.13"), nb.metadata.language_info
        for cell in nb.cells:
            errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
            assert not errors, f"{path.name}, cell {cell.id}: {errors[0].ename}: {errors[0].evalue}"
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
                assert not [o for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"], f"{path.name}, {cell.id}: stderr"
        printed = "".join(o.get("text", "") for cell in nb.cells for o in cell.get("outputs", []))
        if path.stem == "07_tradeoffs":
            assert "Using your adam_init, adam_step from 05_adam.ipynb" in printed, "Module 7 did not reuse the learner's Module 5 Adam"
        nbformat.write(nb, path)
    print(f"install {installing:.0f} s; notebooks {timings}; total {time.monotonic() - started:.0f} s")


def fake_tensorflow_wheel(folder: Path, version: str) -> Path:
    """A wheel named tensorflow that installs no code: stands for a TensorFlow already on the machine."""
    import base64
    import hashlib
    import zipfile

    info = f"tensorflow-{version}.dist-info"
    files = {f"{info}/METADATA": f"Metadata-Version: 2.1\nName: tensorflow\nVersion: {version}\n",
             f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = "".join(f"{name},sha256={base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b'=').decode()},{len(text)}\n"
                     for name, text in files.items()) + f"{info}/RECORD,,\n"
    wheel = folder / f"tensorflow-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zipped:
        for name, text in {**files, f"{info}/RECORD": record}.items():
            zipped.writestr(name, text)
    return wheel


@pytest.mark.parametrize(("installed", "kept"), [("2.23.0", True), ("2.19.0", False)])
def test_pip_keeps_an_installed_tensorflow_within_the_course_range(installed, kept, tmp_path):
    """What `pip install optcourse` would do beside an installed TensorFlow (a dry run: nothing is downloaded
    but metadata): a newer 2.x is kept, an older one is replaced (the course needs 2.21's Keras)."""
    import sys

    venv = tmp_path / "venv"
    run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", venv])
    python = venv / "bin" / "python"
    run([python, "-m", "pip", "install", "--quiet", "--no-index", fake_tensorflow_wheel(tmp_path, installed)])
    report = tmp_path / "report.json"
    run([python, "-m", "pip", "install", "--quiet", "--dry-run", "--report", report, Path(__file__).resolve().parents[1]])
    to_install = {item["metadata"]["name"].lower() for item in json.loads(report.read_text())["install"]}
    assert {"numpy", "optcourse"} <= to_install
    assert ("tensorflow" not in to_install) == kept, to_install
