"""Build the course from its text sources: ``solutions/NN_topic/NN_topic.py`` → notebooks → ``course/``.

    python -m autograder.release            # check every source, build, regenerate course/, the quiz keys
                                            # and the record of Keras's answers to the step checks
    python -m autograder.release --check    # only check the sources (no file written)
    python -m autograder.release --build    # check and build the notebooks in solutions/.build/ only

Each module's hand-edited form is a jupytext ``py:percent`` file: every cell starts with a ``# %%``
line that carries its nbgrader metadata, so a change of one word is a one-line diff. From it this
module builds the notebook nbgrader reads, in ``solutions/.build/`` (git-ignored; hidden from
graded kernels with the rest of ``solutions/``), and gives every cell a stable, meaningful id: its
nbgrader ``grade_id``, or that of the nearest graded cell above it with a counter (``gd_step-1``).

Text that every module shows (the notation table, the quiz introduction) has one home too:
``solutions/_shared/NAME.md``, put into each cell whose header says ``include="NAME"``.

Quiz answers have one home: the solution line of the answer cell (``answer_gd_q1 = "b"``), with
the hint in that cell's ``quiz`` metadata and the choices in the question's prompt cell. The keys
the learner's package checks answers with (``optcourse/grading/quiz_keys.json``: salted digests, choices,
hints) are derived from them here, never typed.

A source that cannot be built (broken metadata, a duplicated grade id, a quiz question without an
answer or an answer without a question) stops the build with one sentence naming the file, the
cell and the problem, before anything is written.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "solutions"
BUILD = SOURCES / ".build"
COURSE = ROOT / "course"
QUIZ_KEYS = ROOT / "src" / "optcourse" / "grading" / "quiz_keys.json"
MODULE_PATTERN = "[0-9][0-9]_*"
TEXT_FORMAT = "py:percent"

_CHECK_CALL = re.compile(r"""quiz\.check\(\s*["'](\w+)["']\s*,\s*(\w+)\s*\)""")
_CHOICE_LINE = re.compile(r"^\s*[*-]\s*\(([a-z])\)", re.MULTILINE)
# A cell whose header says include="notation" shows this in the source; the release puts
# solutions/_shared/notation.md in its place (the notation table and the quiz introduction exist once).
INCLUDE_PLACEHOLDER = "*(Shared text: `make release` puts solutions/_shared/{name}.md here; edit it there.)*"


def shared_text(name: str) -> Path:
    """The one home of a text every module shows: ``solutions/_shared/<name>.md``."""
    return SOURCES / "_shared" / f"{name}.md"


_NBGRADER_KEYS = {"schema_version", "grade_id", "grade", "solution", "locked"}


class SourceError(Exception):
    """A module source that cannot be built; the message is one sentence for the author."""


def modules() -> list[str]:
    """The course's modules, in order (``01_gradient_descent`` …)."""
    return sorted(p.name for p in SOURCES.glob(MODULE_PATTERN) if (p / f"{p.name}.py").is_file())


def source_path(module: str) -> Path:
    return SOURCES / module / f"{module}.py"


def _shown(path: Path) -> str:
    """A source's path as its author knows it: ``solutions/NN_topic/NN_topic.py``."""
    return str(path.relative_to(SOURCES.parent))


def _header_lines(text: str) -> list[int]:
    """The line number (1-based) of each cell's ``# %%`` line, in order."""
    return [n for n, line in enumerate(text.splitlines(), start=1) if line.startswith("# %%")]


def _where(path: Path, index: int, lines: list[int], cell=None) -> str:
    line = f", line {lines[index]}" if index < len(lines) else ""
    meta = cell.metadata.get("nbgrader") if cell is not None else None
    grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
    name = f" ({grade_id})" if isinstance(grade_id, str) else ""
    return f"{_shown(path)}: cell {index + 1}{line}{name}"


def read_source(module: str):
    """The module's notebook as written in its text source, checked; raises SourceError."""
    import jupytext

    path = source_path(module)
    if not path.is_file():
        raise SourceError(f"{_shown(path)}: no such source file.")
    text = path.read_text(encoding="utf-8")
    lines = _header_lines(text)
    try:
        nb = jupytext.reads(text, fmt=TEXT_FORMAT)
    except Exception as error:  # noqa: BLE001 - jupytext raises many kinds; name the file at least
        raise SourceError(f"{_shown(path)}: jupytext cannot read it ({error}).") from None
    if len(lines) != len(nb.cells):
        raise SourceError(f"{_shown(path)}: {len(lines)} '# %%' lines but {len(nb.cells)} cells; "
                          "a cell header is malformed.")
    seen: dict[str, int] = {}
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader")
        if "incorrectly_encoded_metadata" in cell.metadata or (meta is not None and not isinstance(meta, dict)):
            raise SourceError(f"{_where(path, index, lines)}: the metadata on its '# %%' line is not valid JSON.")
        quiz = cell.metadata.get("quiz")
        if quiz is not None and not (isinstance(quiz, dict) and isinstance(quiz.get("hint", ""), str)
                                     and type(quiz.get("digits", 3)) is int and 1 <= quiz.get("digits", 3) <= 15):
            raise SourceError(f'{_where(path, index, lines, cell)}: its quiz metadata must look like '
                              f'quiz={{"hint": "...", "digits": 3}} (digits optional, a whole number).')
        include = cell.metadata.get("include")
        if include is not None:
            if not isinstance(include, str) or not shared_text(include).is_file():
                raise SourceError(f"{_where(path, index, lines, cell)}: it includes {include!r}, but there is no "
                                  f"{_shown(shared_text(include))}.")
            if cell.source.strip() != INCLUDE_PLACEHOLDER.format(name=include):
                raise SourceError(f"{_where(path, index, lines, cell)}: its text comes from "
                                  f"{_shown(shared_text(include))}; edit it there and leave the placeholder here.")
        if meta is None:
            continue
        missing = sorted(_NBGRADER_KEYS - set(meta))
        if missing:
            raise SourceError(f"{_where(path, index, lines, cell)}: nbgrader metadata lacks {', '.join(missing)}.")
        grade_id = meta["grade_id"]
        if not isinstance(grade_id, str) or not re.fullmatch(r"[A-Za-z0-9_]{1,56}", grade_id):
            raise SourceError(f"{_where(path, index, lines)}: grade_id {grade_id!r} must be 1 to 56 letters, digits and _.")
        if grade_id in seen:
            raise SourceError(f"{_where(path, index, lines, cell)}: grade_id {grade_id!r} is already used by "
                              f"cell {seen[grade_id] + 1}.")
        seen[grade_id] = index
        if meta["grade"] and "points" not in meta:
            raise SourceError(f"{_where(path, index, lines, cell)}: a graded cell needs points.")
    _quiz_questions(module, nb, path, lines)  # raises on an unmatched question or answer
    return nb


def _solution_value(cell, name: str):
    """The literal assigned to ``name`` between the solution markers of an answer cell."""
    match = re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.DOTALL)
    if not match:
        return None
    try:
        tree = ast.parse(match.group(1))
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            try:
                return ast.literal_eval(node.value)
            except ValueError:
                return None
    return None


def _quiz_questions(module: str, nb, path: Path, lines: list[int]) -> dict[str, dict]:
    """``{question_id: {"kind", "answer", "hint", "choices" | "digits"}}`` from the module's cells."""
    by_id = {(c.metadata.get("nbgrader") or {}).get("grade_id"): (i, c) for i, c in enumerate(nb.cells)}
    questions: dict[str, dict] = {}
    for index, cell in enumerate(nb.cells):
        for question, variable in _CHECK_CALL.findall(cell.source if cell.cell_type == "code" else ""):
            answer_index, answer_cell = by_id.get(variable, (None, None))
            if answer_cell is None:
                raise SourceError(f"{_where(path, index, lines, cell)}: quiz question {question!r} has no answer cell "
                                  f"with grade_id {variable!r}.")
            answer = _solution_value(answer_cell, variable)
            where = _where(path, answer_index, lines, answer_cell)
            if answer is None or isinstance(answer, bool) or not isinstance(answer, (str, int, float)):
                raise SourceError(f"{where}: quiz question {question!r} needs its answer as "
                                  f"'{variable} = <letter or number>' between the solution markers.")
            hint = (answer_cell.metadata.get("quiz") or {}).get("hint")
            if not isinstance(hint, str) or not hint.strip():
                raise SourceError(f'{where}: quiz question {question!r} has no hint (quiz={{"hint": "..."}} in the header).')
            entry = {"hint": hint, "answer": answer}
            if isinstance(answer, str):
                prompt = by_id.get(f"quiz_{question}_prompt", (None, None))[1]
                choices = "".join(_CHOICE_LINE.findall(prompt.source)) if prompt is not None else ""
                if answer.strip().lower() not in choices or not choices:
                    raise SourceError(f"{where}: quiz question {question!r} answers {answer!r}, which is not among the "
                                      f"choices of its prompt cell quiz_{question}_prompt ({choices or 'none found'}).")
                entry.update(kind="choice", choices=choices)
            else:
                entry.update(kind="number", digits=int((answer_cell.metadata.get("quiz") or {}).get("digits", 3)))
            if question in questions:
                raise SourceError(f"{_where(path, index, lines, cell)}: quiz question {question!r} is checked twice.")
            questions[question] = entry
    checked = {f"answer_{q}" for q in questions} | {v for c in nb.cells for _, v in _CHECK_CALL.findall(c.source)}
    for index, cell in enumerate(nb.cells):
        grade_id = (cell.metadata.get("nbgrader") or {}).get("grade_id", "")
        if (grade_id.startswith("answer_") or "quiz" in cell.metadata) and grade_id not in checked:
            raise SourceError(f"{_where(path, index, lines, cell)}: this quiz answer has no question "
                              "(no quiz.check(...) cell reads it).")
    return questions


def _cell_ids(nb, module: str) -> None:
    """Give every cell a stable, meaningful id (see the module docstring)."""
    anchor, count, seen = "cell", 0, set()
    for cell in nb.cells:
        grade_id = (cell.metadata.get("nbgrader") or {}).get("grade_id")
        if grade_id:
            anchor, count = grade_id, 0
            cell.id = grade_id
        else:
            count += 1
            cell.id = f"{anchor}-{count}"
        if cell.id in seen:  # only a grade_id such as "cell" can collide with a derived id
            raise SourceError(f"{_shown(source_path(module))}: two cells would get the id {cell.id!r}; "
                              f"rename the grade_id {anchor!r}.")
        seen.add(cell.id)


def notebook(module: str):
    """The notebook nbgrader reads for ``module``: the source with ids set, the build-only metadata removed."""
    nb = read_source(module)
    nb.metadata.pop("jupytext", None)
    nb.metadata["language_info"] = {"name": nb.metadata.get("kernelspec", {}).get("language", "python")}
    for cell in nb.cells:
        cell.metadata.pop("quiz", None)
        include = cell.metadata.pop("include", None)
        if include:
            cell.source = shared_text(include).read_text(encoding="utf-8").rstrip("\n")
    _cell_ids(nb, module)
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as error:
        raise SourceError(f"{_shown(source_path(module))}: the notebook built from it is not valid ({error.message}).") from None
    return nb


def quiz_keys(modules_: list[str] | None = None, *, with_digests: bool = True) -> dict[str, dict]:
    """What the learner's package needs to check each quiz answer, derived from the sources.

    ``with_digests=False`` is the graded-class table: the form of each answer (its choices or
    digits, its hint) and nothing that tells a right answer from a wrong one; the referee, with
    the full table, decides.
    """
    from optcourse.grading import quiz

    keys = {}
    for module in modules_ or modules():
        nb = read_source(module)
        path = source_path(module)
        for question, entry in _quiz_questions(module, nb, path, _header_lines(path.read_text())).items():
            key = (quiz.Choice(entry["choices"], "", entry["hint"]) if entry["kind"] == "choice"
                   else quiz.Number(entry["digits"], "", entry["hint"]))
            digest = quiz.digest(question, key.normalise(question, entry["answer"]))
            keys[question] = {k: v for k, v in entry.items() if k != "answer"} | ({"digest": digest} if with_digests else {})
    return keys


def _write_if_changed(path: Path, content: str | bytes) -> None:
    """Write atomically, and only when the content changes: parallel test workers build side by side."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as scratch:
        scratch.write(data)
    os.chmod(scratch.name, 0o644)  # NamedTemporaryFile makes it private; the build is an ordinary file
    os.replace(scratch.name, path)


def build(module: str, nb=None) -> Path:
    """Write ``solutions/.build/<module>/<module>.ipynb`` (and the module's other files) and return its path.

    ``nb`` is the module's ``notebook()`` when the caller has it already."""
    nb = notebook(module) if nb is None else nb
    target = BUILD / module
    target.mkdir(parents=True, exist_ok=True)
    for asset in (SOURCES / module).iterdir():
        if asset.is_file() and asset.suffix != ".py":
            _write_if_changed(target / asset.name, asset.read_bytes())
    path = target / f"{module}.ipynb"
    _write_if_changed(path, nbformat.writes(nb) + "\n")
    return path


def source_notebook(module: str) -> Path:
    """The built notebook of ``module`` (built now, from the current text): the solutions as nbgrader reads them."""
    return build(module)


def build_all() -> list[Path]:
    return [build(module) for module in modules()]


def release(course: Path | None = None, keys_file: Path | None = None) -> None:
    """Check every source, build them, then regenerate ``course/`` and the quiz keys.

    nbgrader writes into a scratch release folder first; ``course/`` is replaced in one rename once
    every module has been generated, so a failure never leaves it half-written (and a module whose
    source is gone leaves the release with it).
    """
    course = COURSE if course is None else course
    keys_file = QUIZ_KEYS if keys_file is None else keys_file
    checked = {module: notebook(module) for module in modules()}  # raises before anything is written
    keys = quiz_keys(list(checked))
    for module, nb in checked.items():
        build(module, nb)
    bin_dir = Path(sys.executable).parent  # nbgrader, and the alembic it runs to create a gradebook
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    course.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=course.parent, prefix=".release-") as scratch:
        for module in checked:
            result = subprocess.run([str(bin_dir / "nbgrader"), "generate_assignment", module, "--force",
                                     f"--CourseDirectory.source_directory={BUILD}",
                                     f"--CourseDirectory.release_directory={scratch}",
                                     f"--CourseDirectory.db_url=sqlite:///{scratch}/gradebook.db"],
                                    cwd=ROOT, env=env, capture_output=True, text=True)
            if result.returncode != 0 or not (Path(scratch) / module).is_dir():
                tail = (result.stdout + result.stderr).strip().splitlines()[-1:] or ["no output"]
                raise SourceError(f"nbgrader could not generate {module}: {tail[0]}")
        fresh, old = Path(scratch) / "course", Path(scratch) / "old"
        fresh.mkdir()
        for module in checked:
            shutil.move(Path(scratch) / module, fresh / module)
        if course.exists():
            course.rename(old)
        fresh.rename(course)
    _write_if_changed(keys_file, json.dumps(keys, indent=1, ensure_ascii=False, sort_keys=True) + "\n")


def keras_answers() -> tuple[dict, list]:
    """Keras's answers to every step check the course's test cells call (grading/keras_record.py), computed
    now with the installed Keras, and the calls they cover. Only the cases matter: each check is handed a
    stand-in that returns nothing, after Keras has answered all its cases."""
    from optcourse.grading import checks, keras_record, rule_checks

    from .referee import check_calls, is_test_cell

    calls = [(call.check, call.options) for module in modules() for cell in read_source(module).cells if is_test_cell(cell)
             for call in check_calls(cell.source) if call.check in rule_checks.RECORDED_CHECKS]
    rule_checks._KERAS_RUNS.clear()
    with keras_record.live():
        for check, options in calls:
            try:
                getattr(checks, check)(lambda *args, **kwargs: None, **options)
            except Exception:  # noqa: BLE001 - the stand-in is refused once Keras has answered
                pass
    answers = dict(rule_checks._KERAS_RUNS)
    rule_checks._KERAS_RUNS.clear()
    return answers, calls


def record_keras_answers(path: Path | None = None) -> bool:
    """Write the record of ``keras_answers()`` (to the package's keras_record.npz), unless it holds them
    already; True when written."""
    from optcourse.grading import keras_record

    path = keras_record.PATH if path is None else path
    answers, calls = keras_answers()
    if keras_record.holds(answers, calls, path):
        return False
    keras_record.write(path, answers, calls)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="check the sources and the quiz keys; write nothing")
    mode.add_argument("--build", action="store_true", help="check and build solutions/.build/ only")
    args = parser.parse_args(argv)
    try:
        if args.check:
            for module in modules():
                notebook(module)
            quiz_keys()
        elif args.build:
            build_all()
        else:
            release()
            record_keras_answers()
    except SourceError as error:
        print(error, file=sys.stderr)
        return 1
    done = "checked" if args.check else "built in solutions/.build/" if args.build else "released into course/"
    print(f"{len(modules())} module(s) {done}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
