"""Replay hub/Dockerfile's build in a virtual environment, as the single-user image would be built.

There is no Docker daemon here, so the image's steps run in a fresh virtual environment made from a
Python 3.11 every Unix account may execute (the image's `python:3.11` base): each `python -m pip` RUN
step in order, each COPY into a folder that stands for the image's file system, each ENV collected.
The user-creation step is left out (the hub test creates real accounts). `--no-cache-dir` is dropped,
so pip may use its cache: the image wants no cache left behind, the test wants the wheels it has.

The result is kept in /tmp/optcourse-hub-image/ (outside the repository, whose folder other accounts may
not be able to enter) under a hash of the Dockerfile and the files it copies (but README.md), so a second
run reuses it; a fresh machine builds it fresh.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "hub" / "Dockerfile"
CACHE = Path(tempfile.gettempdir()) / "optcourse-hub-image"
IMAGE_ROOT = "/opt/optcourse"  # where the Dockerfile puts the course; moved into the replay's folder


class Instruction(NamedTuple):
    keyword: str
    argument: str


class Image(NamedTuple):
    folder: Path          # stands for the image's file system: folder/opt/optcourse, folder/venv
    python: Path          # the image's python
    env: dict[str, str]   # the image's ENV settings
    cmd: list[str]        # the image's CMD, with its executable found in the environment


def instructions(dockerfile: Path = DOCKERFILE) -> list[Instruction]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, argument = line.partition(" ")
            found.append(Instruction(keyword.upper(), argument.strip()))
    return found


def shared_python() -> str:
    """A Python 3.11 that other Unix accounts may run (pyenv's lives under /root, which they cannot enter)."""
    candidates = [os.path.realpath(getattr(sys, "_base_executable", sys.executable)), "/usr/bin/python3.11"]
    for candidate in candidates:
        try:
            usable = subprocess.run([candidate, "-c", "import venv, ensurepip"], user="nobody", capture_output=True).returncode == 0
        except OSError:  # not there, or not executable by others
            usable = False
        if usable:
            return candidate
    raise RuntimeError("No Python 3.11 here can be run by other users with venv and ensurepip "
                       "(Debian: apt-get install python3.11-venv); the hub's students need one.")


def _copied_sources(steps: list[Instruction]) -> list[Path]:
    sources = []
    for step in steps:
        if step.keyword == "COPY":
            *parts, _ = shlex.split(step.argument)
            sources += [ROOT / part for part in parts]
    return sources


def _fingerprint(steps: list[Instruction]) -> str:
    digest = hashlib.sha256(DOCKERFILE.read_bytes())
    for source in _copied_sources(steps):
        if source.name == "README.md":  # copied only because pyproject.toml names it: its text changes nothing installed
            continue
        files = sorted(p for p in source.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if source.is_dir() else [source]
        for path in files:
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def build(log=print) -> Image:
    """The replayed image (built now, or reused when neither the Dockerfile nor what it copies has changed)."""
    steps = instructions()
    folder = CACHE / _fingerprint(steps)
    if not (folder / "built").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        _replay(steps, folder, log)
        (folder / "built").write_text("ok\n")
    env = {}
    for step in steps:
        if step.keyword == "ENV":
            env.update(dict(pair.split("=", 1) for pair in shlex.split(step.argument)))
    cmd = next(json.loads(step.argument) for step in reversed(steps) if step.keyword == "CMD")  # the exec form
    python = folder / "venv" / "bin" / "python"
    return Image(folder, python, env, [str(folder / "venv" / "bin" / cmd[0]), *cmd[1:]])


def _replay(steps: list[Instruction], folder: Path, log) -> None:
    folder.mkdir(parents=True)
    for made in (CACHE, folder):  # other accounts must reach the environment
        made.chmod(0o755)
    assert steps[0].keyword == "FROM" and steps[0].argument.startswith("python:3.11"), "the replay expects a python:3.11 base image"
    subprocess.run([shared_python(), "-m", "venv", str(folder / "venv")], check=True)
    env = {**{k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTEST_CURRENT_TEST")},
           "PATH": f"{folder / 'venv' / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    for step in steps[1:]:
        if step.keyword == "COPY":
            *sources, target = shlex.split(step.argument)
            for source in sources:  # as Docker does: a target ending in "/" is a folder the files go into
                destination = folder / target.lstrip("/") / (Path(source).name if target.endswith("/") else "")
                destination.parent.mkdir(parents=True, exist_ok=True)
                if (ROOT / source).is_dir():
                    shutil.copytree(ROOT / source, destination, dirs_exist_ok=True,
                                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
                else:
                    shutil.copy2(ROOT / source, destination)
        elif step.keyword == "RUN" and step.argument.startswith("python -m pip "):
            command = step.argument.replace(IMAGE_ROOT, str(folder / IMAGE_ROOT.lstrip("/"))).replace(" --no-cache-dir", "")
            log(f"replaying: {command}")
            result = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True)
            if result.returncode != 0:
                raise RuntimeError(f"hub/Dockerfile step failed: {step.argument}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
        elif step.keyword == "RUN":
            assert step.argument.startswith("useradd "), f"the replay cannot run this step: RUN {step.argument}"
        else:
            assert step.keyword in ("ENV", "USER", "WORKDIR", "CMD"), f"the replay does not know {step.keyword}"
