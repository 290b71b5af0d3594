"""The text sources of the notebooks: lossless, diff-friendly, and refused with one sentence when broken."""
from __future__ import annotations

import difflib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml
from jupyter_server.services.contents.filemanager import FileContentsManager
from jupytext.sync_contentsmanager import build_sync_jupytext_contents_manager_class

from autograder import release
from optcourse.grading import quiz

ROOT = Path(__file__).resolve().parents[1]
MODULES = release.modules()


def test_every_module_has_one_text_source_and_no_committed_solution_notebook():
    assert len(MODULES) == 7
    assert not list(ROOT.glob("solutions/[0-9][0-9]_*/*.ipynb")), "solutions/ holds text sources only"


@pytest.mark.parametrize("module", MODULES)
def test_text_to_notebook_to_text_is_a_no_op(module):
    text = release.source_path(module).read_text()
    as_json = nbformat.writes(jupytext.reads(text, fmt=release.TEXT_FORMAT))
    assert jupytext.writes(nbformat.reads(as_json, as_version=4), fmt=release.TEXT_FORMAT) == text


def _lab_contents_manager(root: Path):
    """The contents manager JupyterLab uses with jupytext installed (it opens .py sources as notebooks)."""
    return build_sync_jupytext_contents_manager_class(FileContentsManager)(root_dir=str(root))


@pytest.mark.parametrize("module", MODULES)
def test_saving_in_jupyterlab_changes_nothing_and_one_word_is_one_line(module, tmp_path):
    shutil.copytree(ROOT / "solutions" / module, tmp_path / module)
    path = f"{module}/{module}.py"
    manager = _lab_contents_manager(tmp_path)
    model = manager.get(path, type="notebook", content=True)
    manager.save(model, path)
    original = release.source_path(module).read_text().splitlines()
    assert (tmp_path / path).read_text().splitlines() == original, "a save without edits rewrote the source"
    assert sorted(p.name for p in (tmp_path / module).iterdir()) == sorted(p.name for p in (ROOT / "solutions" / module).iterdir())

    prose = next(cell for cell in model["content"]["cells"] if cell["cell_type"] == "markdown" and " the " in cell["source"])
    prose["source"] = prose["source"].replace(" the ", " THE ", 1)
    manager.save(model, path)
    changed = [line for line in difflib.unified_diff(original, (tmp_path / path).read_text().splitlines(), lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert len(changed) == 2 and "THE" in changed[1], changed


def test_one_word_of_prose_is_a_small_diff_in_the_release(tmp_path, monkeypatch):
    module = "03_momentum"
    for folder in (module, "_shared"):
        shutil.copytree(ROOT / "solutions" / folder, tmp_path / "solutions" / folder)
    source = tmp_path / "solutions" / module / f"{module}.py"
    source.write_text(source.read_text().replace("the gradient stays about the same for many steps",
                                                "the gradient stays about the same for many earlier steps", 1))
    monkeypatch.setattr(release, "SOURCES", tmp_path / "solutions")
    monkeypatch.setattr(release, "BUILD", tmp_path / "solutions" / ".build")
    release.release(course=tmp_path / "course", keys_file=tmp_path / "keys.json")
    before = (ROOT / "course" / module / f"{module}.ipynb").read_text().splitlines()
    after = (tmp_path / "course" / module / f"{module}.ipynb").read_text().splitlines()
    changed = [line for line in difflib.unified_diff(before, after, lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    # The changed line, and the checksum nbgrader keeps of a locked cell.
    text = [line for line in changed if '"checksum"' not in line]
    assert len(text) == 2 and "earlier steps" in text[1] and len(changed) <= 4, changed


def test_cell_ids_are_the_grade_ids_or_derived_from_them():
    for module in MODULES:
        nb = release.notebook(module)
        ids = [cell.id for cell in nb.cells]
        assert len(ids) == len(set(ids)), module
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id:
                assert cell.id == grade_id
            else:
                anchor, _, count = cell.id.rpartition("-")
                assert count.isdigit() and anchor, cell.id
        assert "jupytext" not in nb.metadata and not any("quiz" in cell.metadata for cell in nb.cells)


def test_the_notation_and_the_quiz_introduction_exist_once_and_every_module_shows_them():
    for name in ("notation", "quiz_intro"):
        shared = release.shared_text(name).read_text().rstrip("\n")
        for module in MODULES:
            source = [c for c in release.read_source(module).cells if c.metadata.get("include") == name]
            assert len(source) == 1 and source[0].source == release.INCLUDE_PLACEHOLDER.format(name=name), module
            built = [c for c in release.notebook(module).cells if c.id == name]
            assert len(built) == 1 and built[0].source == shared, module
            released = [c for c in nbformat.read(ROOT / "course" / module / f"{module}.ipynb", as_version=4).cells
                        if c.id == name]
            assert released[0].source == shared, f"course/{module} is not regenerated"


def test_the_pre_commit_hooks_are_valid_and_need_no_download():
    config = ROOT / ".pre-commit-config.yaml"
    result = subprocess.run([str(Path(sys.executable).parent / "pre-commit"), "validate-config", str(config)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    hooks = yaml.safe_load(config.read_text())
    assert [repo["repo"] for repo in hooks["repos"]] == ["local"]
    assert {hook["id"] for hook in hooks["repos"][0]["hooks"]} == {"ruff", "sources", "release", "strip-outputs"}
    assert any("--keep-id" in hook["entry"] for hook in hooks["repos"][0]["hooks"])


# One home for each quiz answer -----------------------------------------------------------------

def test_every_quiz_check_has_a_key_and_every_key_a_check():
    checked = {question for module in MODULES for cell in release.notebook(module).cells
               for question, _ in release._CHECK_CALL.findall(cell.source)}
    assert checked == set(quiz.KEYS) == set(json.loads(release.QUIZ_KEYS.read_text()))
    assert len(checked) >= 3 * len(MODULES)


def test_the_answer_appears_only_in_the_solution_line():
    """The answer is typed once: the keys file holds digests and hints, never the answer itself."""
    keys = release.QUIZ_KEYS.read_text()
    assert '"answer"' not in keys
    for module in MODULES:
        nb = release.read_source(module)
        answers = release._quiz_questions(module, nb, release.source_path(module), [])
        for question, entry in answers.items():
            key = quiz.KEYS[question]
            assert quiz.digest(question, key.normalise(question, entry["answer"])) == key.digest
            assert key.hint == entry["hint"]


# Bad input: one sentence, nothing written -------------------------------------------------------

GD = "01_gradient_descent"
BROKEN = {
    "metadata that is not JSON": (
        ('"grade": false, "grade_id": "gd_step",', '"grade": fals, "grade_id": "gd_step",'),
        "cell 7, line {line}: the metadata on its '# %%' line is not valid JSON."),
    "a duplicated grade id": (
        ('"grade_id": "gd_trajectory_tests"', '"grade_id": "gd_step_tests"'),
        "(gd_step_tests): grade_id 'gd_step_tests' is already used by cell 9."),
    "a question without an answer cell": (
        ('"grade_id": "answer_gd_q2"', '"grade_id": "answer_gd_q2b"'),
        "(quiz_gd_q2_check): quiz question 'gd_q2' has no answer cell with grade_id 'answer_gd_q2'."),
    "an answer without a question": (
        ('quiz.check("gd_q3", answer_gd_q3)', 'print(answer_gd_q3)'),
        "(answer_gd_q3): this quiz answer has no question (no quiz.check(...) cell reads it)."),
    "a question without a hint": (
        (' quiz={"hint": "Between 1/a and 2/a each step overshoots the minimum, but by less than the distance it started from."}', ''),
        "(answer_gd_q1): quiz question 'gd_q1' has no hint"),
    "an answer that is not a choice": (
        ('answer_gd_q1 = "b"', 'answer_gd_q1 = "e"'),
        "(answer_gd_q1): quiz question 'gd_q1' answers 'e', which is not among the choices of its prompt cell"),
    "an answer that is not a literal": (
        ('answer_gd_q2 = 0.25', 'answer_gd_q2 = 1 / a'),
        "(answer_gd_q2): quiz question 'gd_q2' needs its answer as 'answer_gd_q2 = <letter or number>'"),
    "an included cell edited in place": (
        ("# *(Shared text: `make release` puts solutions/_shared/notation.md here; edit it there.)*",
         "# ### Notation, as I would like it"),
        "(notation): its text comes from solutions/_shared/notation.md; edit it there and leave the placeholder here."),
    "an include that does not exist": (
        ('include="quiz_intro"', 'include="quiz_intro_v2"'),
        "(quiz_intro): it includes 'quiz_intro_v2', but there is no solutions/_shared/quiz_intro_v2.md."),
    "a grade_id too long for a cell id": (
        ('"grade_id": "ex1_intro"', '"grade_id": "' + "x" * 57 + '"'),
        "grade_id '" + "x" * 57 + "' must be 1 to 56 letters, digits and _."),
    "quiz metadata that is not a dict": (
        (' quiz={"hint": "Between 1/a and 2/a each step overshoots the minimum, but by less than the distance it started from."}', ' quiz="Think again"'),
        "(answer_gd_q1): its quiz metadata must look like quiz={\"hint\": \"...\", \"digits\": 3}"),
    "a grade_id that collides with a derived id": (
        ('# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, '
         '"solution": false, "task": false}',
         '# %% [markdown]\n# one\n\n# %% [markdown] nbgrader={"grade": false, "grade_id": "cell", "locked": true, '
         '"schema_version": 3, "solution": false, "task": false}\n# two\n\n# %% [markdown]'),
        "solutions/01_gradient_descent/01_gradient_descent.py: two cells would get the id"),
    "a graded cell without points": (
        ('"locked": true, "points": 3,', '"locked": true,'),
        "(gd_trajectory_tests): a graded cell needs points."),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_source_stops_the_release_with_one_sentence_and_writes_nothing(case, tmp_path, monkeypatch, capsys):
    (old, new), expected = BROKEN[case]
    shutil.copytree(ROOT / "solutions", tmp_path / "solutions", ignore=shutil.ignore_patterns(".build"))
    shutil.copytree(ROOT / "course", tmp_path / "course")
    source = tmp_path / "solutions" / GD / f"{GD}.py"
    assert old in source.read_text()
    source.write_text(source.read_text().replace(old, new, 1))
    if "{line}" in expected:
        expected = expected.format(line=1 + source.read_text().split(new)[0].count("\n"))
    monkeypatch.setattr(release, "SOURCES", tmp_path / "solutions")
    monkeypatch.setattr(release, "BUILD", tmp_path / "solutions" / ".build")
    monkeypatch.setattr(release, "COURSE", tmp_path / "course")
    monkeypatch.setattr(release, "QUIZ_KEYS", tmp_path / "keys.json")
    for argv in (["--check"], []):
        assert release.main(argv) == 1
        output = capsys.readouterr()
        assert output.out == "" and output.err.count("\n") == 1 and "Traceback" not in output.err
        assert output.err.startswith(f"solutions/{GD}/{GD}.py: ") and expected in output.err, output.err
    assert not (tmp_path / "solutions" / ".build").exists() and not (tmp_path / "keys.json").exists()
    for module in MODULES:
        assert (tmp_path / "course" / module / f"{module}.ipynb").read_bytes() == \
               (ROOT / "course" / module / f"{module}.ipynb").read_bytes()
