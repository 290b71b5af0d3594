"""Set-up files agree with each other, so Binder and `make` install the same course."""
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_binder_environment_pins_match_pyproject_for_linux():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    # Binder runs Linux x86-64, where the environment marker picks tensorflow-cpu.
    linux = {dep.split(";")[0].strip() for dep in project
             if ";" not in dep or "sys_platform == 'linux'" in dep}
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(item["pip"] for item in environment["dependencies"] if isinstance(item, dict))
    assert set(pip) == linux
    assert "python=3.11" in environment["dependencies"] and "pip" in environment["dependencies"]


def test_postbuild_installs_the_course_package():
    text = (ROOT / "postBuild").read_text()
    assert "pip install --no-deps ." in text
