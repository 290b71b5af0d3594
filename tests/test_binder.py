"""Replay Binder's build of the student release as closely as this machine allows.

repo2docker reads the release's binder/ folder: a fresh virtual environment gets exactly
binder/environment.yml's pip list, binder/postBuild runs in the release, and the Jupyter server
starts through binder/start. In that environment the course package imports from anywhere,
JupyterLab offers learners only nbgrader's Validate button, and that button (its REST call) passes
every module once the solutions are filled in, with no instructor configuration in the release.
"""
import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from browser import free_port
from filled_course import fill
from lab_api import nbgrader_tools, server_args, serving

pytestmark = pytest.mark.tensorflow
VALIDATE_PROBLEMS = ("failed", "changed", "type_changed")


def run(command, *, cwd, env):
    result = subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{' '.join(map(str, command))} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    return result.stdout + result.stderr


def test_binder_builds_the_student_release_into_a_working_learner_environment(learner_release, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(learner_release, repo, ignore=shutil.ignore_patterns("course"))
    fill(learner_release / "course", repo / "course")
    venv = tmp_path / "binder"
    subprocess.run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", str(venv)], check=True)
    env = {name: value for name, value in os.environ.items()
           if name not in ("PYTEST_CURRENT_TEST", "TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"

    environment = yaml.safe_load((repo / "binder" / "environment.yml").read_text())
    pip = next(item["pip"] for item in environment["dependencies"] if isinstance(item, dict))
    run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", *pip], cwd=repo, env=env)
    run(["bash", "binder/postBuild"], cwd=repo, env=env)
    located = run([venv / "bin" / "python", "-c", "import optcourse; print(optcourse.__file__)"], cwd=tmp_path, env=env)
    assert str(venv) in located, "postBuild should install the package into the environment (not use the source tree)"

    port = free_port()
    command = ["bash", "binder/start", venv / "bin" / "jupyter", "lab", f"--ServerApp.root_dir={repo}", *server_args(port)]
    with serving(command, port, cwd=repo, env=env) as api:
        assert nbgrader_tools(api) == ({"validate-assignment"}, {"validate_assignment"})
        for notebook in sorted((repo / "course").glob("*/*.ipynb")):
            # nbgrader answers with JSON text under an HTML content type.
            reply = json.loads(api("assignments/validate", method="POST", body={"path": str(notebook.relative_to(repo))}, timeout=600))
            assert reply["success"], f"{notebook.name}: {str(reply['value'])[-1500:]}"
            problems = {key: reply["value"][key] for key in VALIDATE_PROBLEMS if reply["value"].get(key)}
            assert not problems, f"{notebook.name}: Validate reports {problems}"
