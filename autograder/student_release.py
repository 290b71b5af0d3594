"""Build what learners get: the course notebooks and the package they import, and nothing graded-only.

    python -m autograder.student_release                   # a folder: build/student-release/
    python -m autograder.student_release --format zip      # an archive: build/optcourse-student.zip
    python -m autograder.student_release --format branch   # the git branch `student` of this repository (not pushed)
    python -m autograder.student_release --hub-link https://hub.example.edu https://github.com/OWNER/REPO
                                                          # the nbgitpuller link that puts the branch on a hub

`make student-release FORMAT=folder|zip|branch` runs the first three.

The release is made fresh from the module sources (``autograder.release`` writes its ``course/`` and
quiz keys), so it never carries a stale ``course/``. It holds:

    README.md        for learners (its home is docs/learners/README.md)
    course/          the notebooks, solutions and hidden tests removed by nbgrader
    src/optcourse/   the package the notebooks import (pyproject.toml beside it); in ``--mode class``
                     its quiz table has no answer digests (MODES)
    binder/          Binder's recipe: environment.yml, postBuild (installs the package), start (learner mode)
    learner_mode/    the Jupyter configuration that shows learners only nbgrader's Validate button

and never ``solutions/``, tests, the autograder, benchmarks, a gradebook or the repository's history.

A branch release is a commit whose tree is exactly the release. The first has no parent; each
later one has the previous release as its parent, so the branch's history holds releases only and
learners who pulled it with nbgitpuller receive the next release as an ordinary update.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import zipfile
from pathlib import Path

from autograder import release

ROOT = release.ROOT
PACKAGE = ROOT / "src" / "optcourse"
LEARNER_README = ROOT / "docs" / "learners" / "README.md"
# Copied as they are, relative to the repository root.
LEARNER_FILES = ("pyproject.toml", "binder", "learner_mode")
# Two modes (the grade is the referee's in both): a self-paced release checks quiz answers at once
# (salted digests in the package); a graded class's release ships no digest, so its quiz checks only
# the form of an answer and the grader marks it.
MODES = ("self-paced", "class")
LEARNER_GITIGNORE = ".ipynb_checkpoints/\n__pycache__/\n*.egg-info/\nbuild/\n"
DEFAULT_FOLDER = ROOT / "build" / "student-release"
DEFAULT_ZIP = ROOT / "build" / "optcourse-student.zip"
DEFAULT_BRANCH = "student"
FIRST_NOTEBOOK = "course/01_gradient_descent/01_gradient_descent.ipynb"
ZIP_TOP = "optcourse-student"
COMMIT_TITLE = "Student release"


class ReleaseError(Exception):
    """A release that cannot be made; the message is one sentence."""


def _ignore_build_leftovers(folder: str, names: list[str]) -> set[str]:
    return {name for name in names if name in ("__pycache__", ".ipynb_checkpoints") or name.endswith((".pyc", ".egg-info"))}


def build(target: Path, *, mode: str = "self-paced") -> Path:
    """Write the release into the empty or missing folder ``target`` and return it."""
    if mode not in MODES:
        raise ReleaseError(f"there is no release mode {mode!r}: choose one of {', '.join(MODES)}.")
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(LEARNER_README, target / "README.md")
    for name in LEARNER_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=_ignore_build_leftovers)
        else:
            shutil.copy2(source, target / name)
    package = target / "src" / "optcourse"
    shutil.copytree(PACKAGE, package, ignore=_ignore_build_leftovers)
    (target / ".gitignore").write_text(LEARNER_GITIGNORE)
    # Regenerated here, from the sources: the notebooks and the quiz keys they check answers with.
    keys = package / "grading" / "quiz_keys.json"
    release.release(course=target / "course", keys_file=keys)
    if mode == "class":
        keys.write_text(json.dumps(release.quiz_keys(with_digests=False), indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    return target


def _release_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def _check_folder(output: Path) -> None:
    if output.exists() and (not output.is_dir() or any(output.iterdir())) and output.resolve() != DEFAULT_FOLDER.resolve():
        raise ReleaseError(f"{output} already exists and is not an empty folder; choose another --output or remove it.")


def write_folder(output: Path, mode: str = "self-paced") -> str:
    _check_folder(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".student-") as scratch:
        fresh = build(Path(scratch) / "release", mode=mode)
        if output.exists():
            shutil.rmtree(output)
        fresh.rename(output)
    return f"Student release written to {output}/."


def _check_zip(output: Path) -> None:
    if output.is_dir() or output.suffix != ".zip":
        raise ReleaseError(f"{output} is not a .zip file name; give --output a file name ending in .zip.")


def archive(folder: Path, output: Path) -> None:
    """Write the release ``folder`` as the zip ``output``, its files under one top folder, ``ZIP_TOP/``."""
    _check_zip(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(path for path in folder.rglob("*") if path.is_file()):
            # Fixed dates, so that the same release gives the same archive; modes kept (postBuild runs).
            info = zipfile.ZipInfo(f"{ZIP_TOP}/{path.relative_to(folder).as_posix()}", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if os.access(path, os.X_OK) else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zipped.writestr(info, path.read_bytes())
    partial.replace(output)


def write_zip(output: Path, mode: str = "self-paced") -> str:
    _check_zip(output)
    with tempfile.TemporaryDirectory() as scratch:
        archive(build(Path(scratch) / ZIP_TOP, mode=mode), output)
    return f"Student release written to {output}."


def _git(*args: str, cwd: Path, env: dict | None = None, check: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise ReleaseError(f"git {args[0]} failed: {(result.stderr.strip().splitlines() or ['no message'])[-1]}")
    return result.stdout.strip()


def _previous_release(branch: str, repository: Path) -> str:
    """The commit at the tip of ``branch`` ('' if there is none yet); raises if it is no release to build on."""
    if subprocess.run(["git", "rev-parse", "--git-dir"], cwd=repository, capture_output=True).returncode != 0:
        raise ReleaseError(f"{repository} is not a git repository; use --format folder or zip.")
    if subprocess.run(["git", "check-ref-format", "--branch", branch], cwd=repository, capture_output=True).returncode != 0:
        raise ReleaseError(f"{branch!r} is not a valid branch name.")
    ref = f"refs/heads/{branch}"
    parent = _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=repository, check=False)
    if parent:
        if _git("symbolic-ref", "--quiet", "HEAD", cwd=repository, check=False) == ref:
            raise ReleaseError(f"branch {branch!r} is checked out here; switch to another branch first.")
        title = _git("log", "-1", "--format=%s", parent, cwd=repository)
        names = _git("ls-tree", "--name-only", parent, cwd=repository).splitlines()
        if not title.startswith(COMMIT_TITLE) or "solutions" in names:
            raise ReleaseError(f"branch {branch!r} exists and is not a student release; choose another --branch.")
    return parent


def commit(folder: Path, branch: str, repository: Path = ROOT) -> str:
    """Commit the release ``folder`` as the tip of ``branch`` in ``repository``; its work tree and index are untouched."""
    parent = _previous_release(branch, repository)
    source = _git("rev-parse", "--short", "HEAD", cwd=repository, check=False) or "an empty repository"
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(scratch) / "index")}
        for key, fallback in (("NAME", "optcourse release"), ("EMAIL", "release@optcourse.invalid")):
            if not _git("config", f"user.{key.lower()}", cwd=repository, check=False):
                env.setdefault(f"GIT_AUTHOR_{key}", fallback)
                env.setdefault(f"GIT_COMMITTER_{key}", fallback)
        git = ("--git-dir", _git("rev-parse", "--absolute-git-dir", cwd=repository), "--work-tree", str(folder))
        _git(*git, "add", "--all", "--force", ".", cwd=folder, env=env)
        tree = _git(*git, "write-tree", cwd=folder, env=env)
    if parent and _git("rev-parse", f"{parent}^{{tree}}", cwd=repository) == tree:
        return f"Branch {branch!r} already holds this release; nothing committed."
    message = f"{COMMIT_TITLE}, built from {source}"
    new = _git("commit-tree", tree, *(("-p", parent) if parent else ()), "-m", message, cwd=repository, env=env)
    _git("update-ref", "-m", message, f"refs/heads/{branch}", new, parent, cwd=repository)
    return f"Student release committed as branch {branch!r} ({new[:10]}); publish it with `git push origin {branch}`."


def write_branch(branch: str, repository: Path = ROOT, mode: str = "self-paced") -> str:
    _previous_release(branch, repository)  # bad input is reported before the build
    with tempfile.TemporaryDirectory() as scratch:
        return commit(build(Path(scratch) / "release", mode=mode), branch, repository)


def hub_link(hub: str, repository: str, *, branch: str = DEFAULT_BRANCH, notebook: str = FIRST_NOTEBOOK) -> str:
    """An nbgitpuller link: a hub user who opens it gets ``branch`` of ``repository`` pulled into ``~/<name>/``
    (cloned the first time, merged later, the learner's own edits kept) and ``notebook`` opened in JupyterLab."""
    name = repository.rstrip("/").split("/")[-1].removesuffix(".git")
    query = urllib.parse.urlencode({"repo": repository, "branch": branch, "targetpath": name,
                                    "urlpath": f"lab/tree/{name}/{notebook}"})
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=("folder", "zip", "branch"), default="folder", help="what to produce (default: folder)")
    parser.add_argument("--output", type=Path, help=f"the folder or .zip file to write (default: {DEFAULT_FOLDER.relative_to(ROOT)}/ "
                                                     f"or {DEFAULT_ZIP.relative_to(ROOT)})")
    parser.add_argument("--mode", choices=MODES, default="self-paced",
                        help="self-paced: quiz answers checked at once; class: no answer key shipped, the grader marks them")
    parser.add_argument("--branch", default=DEFAULT_BRANCH, help=f"the branch to commit to (default: {DEFAULT_BRANCH})")
    parser.add_argument("--hub-link", nargs=2, metavar=("HUB_URL", "REPOSITORY_URL"),
                        help="print the nbgitpuller link that pulls --branch of REPOSITORY_URL onto the hub, and stop")
    args = parser.parse_args(argv)
    if args.output is not None and args.format == "branch":
        parser.error("--output is for --format folder or zip; a branch release takes --branch.")
    if args.hub_link:
        print(hub_link(*args.hub_link, branch=args.branch))
        return 0
    try:
        if args.format == "folder":
            message = write_folder(args.output or DEFAULT_FOLDER, args.mode)
        elif args.format == "zip":
            message = write_zip(args.output or DEFAULT_ZIP, args.mode)
        else:
            message = write_branch(args.branch, mode=args.mode)
    except (ReleaseError, release.SourceError) as error:
        print(error, file=sys.stderr)
        return 1
    print(message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
