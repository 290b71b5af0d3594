"""Set-up files agree with each other, so Binder, `make` and a learner's `pip install` install the same course."""
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_binder_installs_the_learner_package_and_its_lab_and_hub_extras():
    """environment.yml lists the package's dependencies, [lab] and [hub], TensorFlow as its CPU-only build."""
    extras = PROJECT["optional-dependencies"]
    wanted = {dep.split(";")[0].strip().replace("tensorflow>=", "tensorflow-cpu>=")
              for dep in PROJECT["dependencies"] + extras["lab"] + extras["hub"]}
    environment = yaml.safe_load((ROOT / "binder" / "environment.yml").read_text())
    pip = next(item["pip"] for item in environment["dependencies"] if isinstance(item, dict))
    assert set(pip) == wanted
    assert "python=3.11" in environment["dependencies"] and "pip" in environment["dependencies"]


def test_the_learner_package_needs_neither_jupyterlab_nor_nbgrader():
    names = {dep.split(">")[0].split("=")[0].split(";")[0].strip() for dep in PROJECT["dependencies"]}
    assert names == {"numpy", "matplotlib", "pillow", "ipywidgets", "nbformat", "tensorflow"}
    assert PROJECT["requires-python"] == ">=3.11,<3.14"
    assert "optcourse[lab,hub,grading]" in PROJECT["optional-dependencies"]["dev"], "`make env` installs .[dev]: it must hold everything"


def test_postbuild_installs_the_course_package():
    text = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps ." in text


def test_learners_validate_with_the_graders_time_per_cell():
    """Validate in learner mode (Binder, `make lab`) reads learner_mode/nbgrader_config.json, not nbgrader_config.py."""
    import json
    import re

    learner = json.loads((ROOT / "learner_mode" / "nbgrader_config.json").read_text())["Execute"]
    grader = int(re.search(r"^c\.Execute\.timeout = (\d+)$", (ROOT / "nbgrader_config.py").read_text(), re.M).group(1))
    assert learner["timeout"] == grader
