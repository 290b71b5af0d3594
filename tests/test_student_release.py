"""`make student-release`: what learners get holds no solution, hidden test or history, in every format,
and a hub learner who pulls it with nbgitpuller gets the next release without losing their edits."""
from __future__ import annotations

import json
import shutil
import subprocess
import urllib.parse
import zipfile
from pathlib import Path

import pytest

from autograder import release, student_release
from browser import free_port
from lab_api import server_args, serving

ROOT = Path(__file__).resolve().parents[1]
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
GRADED_ONLY_PATHS = ("solutions", "tests", "autograder", "benchmarks", ".git", "nbgrader_config.py", "gradebook.db")
# The package keeps the course's reference rules (Module 7 falls back on them) and the checks'
# oracles, so solution lines are looked for outside it; hidden tests are looked for everywhere.
PACKAGE = Path("src") / "optcourse"
SHORTEST_SECRET = 12  # shorter solution lines ("else:", "break") are not secrets


def secret_lines() -> tuple[set[str], set[str]]:
    """(solution lines, hidden-test lines) of every module source; a line the learners are given
    elsewhere in a source (a loop header in a demonstration, an API hint in the prose) is no secret."""
    regions = {"### BEGIN SOLUTION": set(), "### BEGIN HIDDEN TESTS": set()}
    given, prose = set(), []
    for module in release.modules():
        for cell in release.notebook(module).cells:
            if cell.cell_type == "markdown" and "### BEGIN" not in cell.source:
                prose.append(cell.source)
            inside = None
            for line in cell.source.splitlines():
                text = line.strip()
                if text in regions:
                    inside = regions[text]
                elif text.startswith("### END"):
                    inside = None
                elif inside is not None and len(text) >= SHORTEST_SECRET:
                    inside.add(text)
                elif inside is None:
                    given.add(text)
    prose_text = "\n".join(prose)
    return tuple({line for line in regions[marker] - given if line not in prose_text}
                 for marker in ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS"))


def leaks(folder: Path) -> list[str]:
    """Everything in ``folder`` that learners must not get, one line each."""
    solutions, hidden = secret_lines()
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if relative.name in GRADED_ONLY_PATHS or relative.suffix == ".db":
            found.append(f"{relative}: graded-only")
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        found += [f"{relative}: {marker}" for marker in MARKERS if marker in text]
        found += [f"{relative}: hidden test {line!r}" for line in hidden if line in text]
        if PACKAGE not in relative.parents:
            found += [f"{relative}: solution {line!r}" for line in solutions if line in text]
    return found


def test_the_search_finds_each_kind_of_leak(tmp_path):
    """The search itself: a solution notebook, a hidden test line, a marker and a git folder are each found."""
    solutions, hidden = secret_lines()
    assert solutions and hidden
    shutil.copy(release.source_notebook("03_momentum"), tmp_path / "03_momentum.ipynb")
    (tmp_path / "notes.md").write_text(f"see {sorted(hidden)[0]}\n")
    (tmp_path / "src" / "optcourse").mkdir(parents=True)
    (tmp_path / "src" / "optcourse" / "extra.py").write_text("### BEGIN HIDDEN TESTS\n")
    (tmp_path / ".git").mkdir()
    found = leaks(tmp_path)
    assert any(line.startswith("03_momentum.ipynb: ### BEGIN SOLUTION") for line in found)
    assert any(line.startswith("03_momentum.ipynb: solution") for line in found)
    assert any(line.startswith("notes.md: hidden test") for line in found)
    assert "src/optcourse/extra.py: ### BEGIN HIDDEN TESTS" in found and ".git: graded-only" in found


def test_the_release_holds_the_course_and_package_and_nothing_graded_only(learner_release):
    assert sorted(p.name for p in learner_release.iterdir()) == [
        ".gitignore", "README.md", "binder", "course", "learner_mode", "pyproject.toml", "src"]
    assert sorted(p.name for p in (learner_release / "course").iterdir()) == release.modules()
    assert (learner_release / "README.md").read_bytes() == student_release.LEARNER_README.read_bytes()
    assert (learner_release / PACKAGE / "grading" / "quiz_keys.json").read_bytes() == release.QUIZ_KEYS.read_bytes()
    assert leaks(learner_release) == []


def test_the_zip_holds_the_release_under_one_folder(learner_release, tmp_path):
    archive = tmp_path / "course.zip"
    student_release.archive(learner_release, archive)
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(tmp_path / "unzipped")
        modes = {info.filename: info.external_attr >> 16 for info in zipped.infolist()}
    unzipped = tmp_path / "unzipped" / student_release.ZIP_TOP
    assert sorted(p.relative_to(unzipped) for p in unzipped.rglob("*")) == sorted(p.relative_to(learner_release) for p in learner_release.rglob("*"))
    assert modes[f"{student_release.ZIP_TOP}/binder/postBuild"] & 0o111, "postBuild must stay executable"
    assert leaks(unzipped) == []
    again = tmp_path / "again.zip"
    student_release.archive(learner_release, again)
    assert again.read_bytes() == archive.read_bytes(), "the same release should give the same archive"


def test_bad_output_gets_one_sentence_and_nothing_is_built(tmp_path, capsys):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("keep me")
    assert student_release.main(["--output", str(tmp_path / "mine")]) == 1
    assert capsys.readouterr().err == f"{tmp_path / 'mine'} already exists and is not an empty folder; choose another --output or remove it.\n"
    assert [p.name for p in (tmp_path / "mine").iterdir()] == ["thesis.tex"]
    assert student_release.main(["--format", "zip", "--output", str(tmp_path / "course.tar")]) == 1
    assert "not a .zip file name" in capsys.readouterr().err
    assert student_release.main(["--format", "branch", "--branch", "no..dots"]) == 1
    assert capsys.readouterr().err == "'no..dots' is not a valid branch name.\n"


def git(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)


def pull(api, query: str) -> None:
    """What the hub link's page does: nbgitpuller's API streams the pull's progress, then 'finished'."""
    events = [json.loads(line[len("data: "):]) for line in api(f"git-pull/api?{query}").decode().splitlines() if line.startswith("data: ")]
    assert events and events[-1]["phase"] == "finished", events[-3:]


@pytest.mark.kernel
def test_a_hub_learner_pulls_each_branch_release_and_keeps_their_edits(learner_release, tmp_path):
    origin = tmp_path / "optimizers-course"
    (origin / "solutions").mkdir(parents=True)
    (origin / "solutions" / "answers.py").write_text("ANSWER = 42\n")  # the instructor's own history
    for command in (["init", "--quiet", "--initial-branch=main"], ["add", "."],
                    ["-c", "user.name=Instructor", "-c", "user.email=i@example.org", "commit", "--quiet", "-m", "solutions"]):
        assert git(*command, cwd=origin).returncode == 0

    assert "committed as branch 'student'" in student_release.commit(learner_release, "student", origin)
    assert git("rev-list", "--count", "student", cwd=origin).stdout.strip() == "1"
    assert git("merge-base", "main", "student", cwd=origin).returncode == 1, "the release must not share the instructor's history"
    tree = git("ls-tree", "-r", "--name-only", "student", cwd=origin).stdout.split()
    assert tree == sorted(str(p.relative_to(learner_release)) for p in learner_release.rglob("*") if p.is_file())
    assert student_release.commit(learner_release, "student", origin).endswith("nothing committed.")
    with pytest.raises(student_release.ReleaseError, match="^branch 'main' is checked out here"):
        student_release.commit(learner_release, "main", origin)
    assert git("branch", "drafts", cwd=origin).returncode == 0
    with pytest.raises(student_release.ReleaseError, match="^branch 'drafts' exists and is not a student release"):
        student_release.commit(learner_release, "drafts", origin)

    home = tmp_path / "home"
    home.mkdir()
    port = free_port()
    link = urllib.parse.urlsplit(student_release.hub_link(f"http://127.0.0.1:{port}", origin.as_uri()))
    assert link.path == "/hub/user-redirect/git-pull"
    notebook = dict(urllib.parse.parse_qsl(link.query))["urlpath"].removeprefix("lab/tree/")
    with serving([ROOT / ".venv" / "bin" / "jupyter", "server", f"--ServerApp.root_dir={home}", *server_args(port)], port) as api:
        pull(api, link.query)
        model = api(f"api/contents/{notebook}?content=1")
        assert model["type"] == "notebook", "the link should open the first module"
        model["content"]["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "My notes", "id": "my-notes"})
        api(f"api/contents/{notebook}", method="PUT", body={"type": "notebook", "format": "json", "content": model["content"]})

        update = tmp_path / "update"
        shutil.copytree(learner_release, update)
        (update / "README.md").write_text((update / "README.md").read_text() + "\nUpdated.\n")
        first_module = update / "course" / "01_gradient_descent" / "01_gradient_descent.ipynb"
        first_module.write_text(first_module.read_text().replace("gradient descent", "gradient  descent", 1))
        student_release.commit(update, "student", origin)
        assert git("rev-list", "--count", "student", cwd=origin).stdout.strip() == "2"
        pull(api, link.query)
        name = notebook.split("/")[0]
        assert (home / name / "README.md").read_text().endswith("Updated.\n"), "the second release did not arrive"
        cells = api(f"api/contents/{notebook}?content=1")["content"]["cells"]
        assert cells[-1]["source"] == "My notes", "the learner's edit was lost"


def test_a_class_release_ships_no_answer_key(tmp_path):
    """Graded-class mode: the quiz table keeps each question's form and hint, not a digest of its answer."""
    folder = student_release.build(tmp_path / "class", mode="class")
    table = json.loads((folder / PACKAGE / "grading" / "quiz_keys.json").read_text())
    assert set(table) == set(json.loads(release.QUIZ_KEYS.read_text()))
    assert not [question for question, entry in table.items() if "digest" in entry or "answer" in entry]
    with pytest.raises(student_release.ReleaseError, match="no release mode"):
        student_release.build(tmp_path / "other", mode="graded")
