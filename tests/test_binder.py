"""Replay the Binder recipe as closely as this machine allows.

A fresh virtual environment gets exactly environment.yml's pip list, then postBuild runs in a copy
of the repository. In that environment: the course package imports from anywhere, nbgrader's
instructor tools are off (Validate stays), every course notebook opens, and every solution
notebook executes and validates.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from autograder import release

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.tensorflow


def run(command, *, cwd, env):
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{' '.join(map(str, command))} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    return result.stdout + result.stderr


def test_binder_recipe_installs_a_working_learner_environment(tmp_path):
    release.build_all()  # the notebooks nbgrader reads, built from the text sources (no jupytext on Binder)
    repo = tmp_path / "repo"
    shutil.copytree(ROOT, repo, ignore=shutil.ignore_patterns(".venv", ".git", "work", "*.egg-info", "build", "__pycache__"))
    venv = tmp_path / "binder"
    base_python = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base_python, "-m", "venv", str(venv)], check=True)
    env = {name: value for name, value in os.environ.items()
           if name not in ("PYTEST_CURRENT_TEST", "TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"

    environment = yaml.safe_load((repo / "environment.yml").read_text())
    pip = next(item["pip"] for item in environment["dependencies"] if isinstance(item, dict))
    run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", *pip], cwd=repo, env=env)
    run(["bash", "postBuild"], cwd=repo, env=env)

    located = run([venv / "bin" / "python", "-c", "import optcourse, sys; print(optcourse.__file__)"], cwd=tmp_path, env=env)
    assert str(venv) in located, "postBuild should install the package into the environment (not use the source tree)"

    labextensions = run([venv / "bin" / "jupyter", "labextension", "list"], cwd=repo, env=env)
    for plugin in ("create-assignment", "course-list", "assignment-list", "menu"):
        assert f"@jupyter/nbgrader:{plugin}" in labextensions.split("Disabled extensions:")[-1], plugin
    assert "@jupyter/nbgrader:validate-assignment" not in labextensions.split("Disabled extensions:")[-1]
    server = run([venv / "bin" / "jupyter", "server", "extension", "list"], cwd=repo, env=env)
    for extension in ("formgrader", "course_list", "assignment_list"):
        assert f"nbgrader.server_extensions.{extension} \x1b[31mdisabled" in server or \
               f"nbgrader.server_extensions.{extension} disabled" in server, extension
    assert "validate_assignment \x1b[32menabled" in server or "validate_assignment enabled" in server

    for notebook in sorted((repo / "course").glob("*/*.ipynb")):
        nbformat.validate(nbformat.read(notebook, as_version=4))
    solutions = sorted(str(p) for p in (repo / "solutions" / ".build").glob("*/*.ipynb"))
    report = run([venv / "bin" / "python", "autograder/validate.py", *solutions], cwd=repo, env=env)
    assert f"{len(solutions)} of {len(solutions)} notebook(s) passes." in report
