"""The class's misconceptions, read from the autograded notebooks: which mistake, how many, who.

    python -m autograder.report [--work autograder/work] [MODULE ...]

The course's checks name the mistake a learner probably made ("there is no bias correction"), and
that sentence is the error a failed test cell keeps in the autograded notebook. This module counts
those sentences per graded cell across the class; it reads only the notebooks, so it does not
depend on how the scores were produced. It writes, next to the grades:

* ``misconceptions.csv``: one row per (graded cell, finding) with the count, the share of the
  graded class and the students;
* ``misconceptions.html``: one page, a bar chart per module, the same tables, the quiz questions
  most often missed and the wrong answer given most often. Both name students: they are for the
  instructor, not for the class.

A sentence is grouped by its *mistake key*: the message with the case it failed on (the
parenthesised ``learning_rate=…, shape …`` or ``one of the grader's further cases …``) and every
number removed, so the same mistake found on a visible case and on a hidden one counts once. A
message that names no mistake (``differs from Keras from step 3 on``) is an *unnamed difference*:
those are counted too, by the same key, so the instructor sees what the checks do not yet name.
"""
from __future__ import annotations

import argparse
import ast
import base64
import csv
import html
import io
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import NamedTuple

import nbformat

ROOT = Path(__file__).resolve().parents[1]
CSV_NAME, HTML_NAME = "misconceptions.csv", "misconceptions.html"

NAMED, UNNAMED, NOT_ATTEMPTED, QUIZ = "named mistake", "unnamed difference", "not attempted", "quiz answer"

# The checks' sentences that say *that* a result is wrong without saying *why* (rule_checks,
# checks, schedule_checks, keras_checks). A named mistake reads "`fn`: <the mistake> (<case>)."
_GENERIC = re.compile(r"`\w+` (differs from|is off for|goes wrong at|ends at the wrong|ends at the right parameters, but"
                      r"|moves the parameters correctly but returns the wrong|gives losses|gives \S+ for)")
_CASE_WORDS = ("=", "case", "shape", "~", "grader's")  # every case label has one of these
_NUMBER = re.compile(r"(?<![\w.])[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?(?![\w])", re.IGNORECASE)
_ARRAY = re.compile(r"\[[^\[\]]*\]")


class Finding(NamedTuple):
    module: str
    cell: str          # the graded cell's grade_id (``adam_step_tests``; ``quiz_adam_q1_check``)
    kind: str          # NAMED, UNNAMED, NOT_ATTEMPTED or QUIZ
    what: str          # the mistake as the checks say it (case removed), or the wrong answer given
    students: tuple    # who, sorted
    graded: int        # students whose graded notebook for the module was read

    @property
    def share(self) -> float:
        return len(self.students) / self.graded if self.graded else 0.0


class Quiz(NamedTuple):
    module: str
    question: str      # ``adam_q1``
    missed: int
    graded: int
    wrong_answer: str  # the wrong answer given most often, "" when nobody missed it
    wrong_count: int


def _without_case_groups(message: str) -> str:
    """``message`` without the parenthesised groups that describe a case (balanced, nested ones too)."""
    out, stack = [], []
    for char in message:
        if char == "(":
            stack.append(len(out))
        out.append(char)
        if char == ")" and stack:
            start = stack.pop()
            group = "".join(out[start:])
            if any(word in group for word in _CASE_WORDS) and not stack:
                del out[start:]
    return "".join(out)


def mistake(message: str) -> tuple[str, str]:
    """``(kind, text)`` for a failed check's message; ``text`` is the same for the same mistake on any case."""
    text = _without_case_groups(message.strip())
    text = re.sub(r"\s+([.,:;])", r"\1", re.sub(r"\s+", " ", text)).strip()
    kind = UNNAMED if _GENERIC.match(text) else NAMED
    if kind == UNNAMED:  # what follows the first colon is the learner's values at the case
        text = text.split(": ", 1)[0].rstrip(".")
    return kind, text


def key(text: str) -> str:
    """The grouping key of a mistake's text: numbers and shown arrays left out."""
    return _NUMBER.sub("#", _ARRAY.sub("[…]", text)).rstrip(". ")


def _error_of(cell) -> tuple[str, str] | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return output.get("ename", ""), output.get("evalue", "")
    return None


def _answer(source: str, name: str) -> str:
    """The value a quiz answer cell leaves in ``name``, as the learner wrote it; "" for none."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return "(does not parse)"
    value = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            value = node.value
    if value is None:
        return ""
    try:
        literal = ast.literal_eval(value)
    except (ValueError, SyntaxError, TypeError):
        return ast.unparse(value)[:60]
    if isinstance(literal, str):
        return literal.strip().strip("().").lower() or repr(literal)
    return repr(literal)


def read_module(module: str, autograded: Path) -> tuple[list[Finding], list[Quiz], list[str]]:
    """The findings of every graded notebook of ``module`` under ``autograded/<student>/<module>/``."""
    failures = defaultdict(lambda: defaultdict(set))     # (cell, kind) -> key -> students
    texts = defaultdict(Counter)                         # key -> the texts it stands for
    answers = defaultdict(Counter)                       # question -> wrong answer -> count
    answer_givers = defaultdict(lambda: defaultdict(set))
    missed, questions, unreadable, graded = Counter(), [], [], 0
    for path in sorted(autograded.glob(f"*/{module}/{module}.ipynb")):
        student = path.parent.parent.name
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:  # noqa: BLE001 - one unreadable notebook is reported, the others counted
            unreadable.append(f"{student}: the graded notebook {path.name} could not be read")
            continue
        graded += 1
        answer_cells = {cell.metadata.nbgrader["grade_id"]: cell.source for cell in nb.cells
                        if cell.metadata.get("nbgrader", {}).get("solution")}
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if not meta.get("grade") or cell.cell_type != "code":
                continue
            cell_id = meta["grade_id"]
            question = re.fullmatch(r"quiz_(\w+)_check", cell_id)
            if question and question[1] not in questions:
                questions.append(question[1])
            error = _error_of(cell)
            if error is None:
                continue
            ename, evalue = error
            if question:
                missed[question[1]] += 1
                given = _answer(answer_cells.get(f"answer_{question[1]}", ""), f"answer_{question[1]}") or "(no answer)"
                answers[question[1]][given] += 1
                answer_givers[question[1]][given].add(student)
                continue
            if ename == "NotImplementedError":
                kind, text = NOT_ATTEMPTED, "the solution is still the stub (NotImplementedError)"
            elif ename in ("CheckFailed", "AssertionError") and evalue:
                kind, text = mistake(evalue)
            else:
                kind, text = UNNAMED, f"{ename}: {evalue.splitlines()[0] if evalue else ''}".strip(": ")[:200]
            texts[key(text)][text] += 1
            failures[cell_id, kind][key(text)].add(student)
    findings = [Finding(module, cell_id, kind, texts[k].most_common(1)[0][0], tuple(sorted(who)), graded)
                for (cell_id, kind), groups in failures.items() for k, who in groups.items()]
    findings += [Finding(module, f"quiz_{q}_check", QUIZ, answer, tuple(sorted(answer_givers[q][answer])), graded)
                 for q in questions for answer in answers[q]]
    findings.sort(key=lambda f: (f.kind == QUIZ, f.cell, -len(f.students), f.what))
    quizzes = [Quiz(module, q, missed[q], graded, *(answers[q].most_common(1)[0] if answers[q] else ("", 0)))
               for q in questions]
    quizzes.sort(key=lambda q: (-q.missed, q.question))
    return findings, quizzes, unreadable


class Report(NamedTuple):
    findings: list
    quizzes: list
    problems: list     # notebooks that could not be read, in a sentence each


def build(work: Path, modules: list[str]) -> Report:
    findings, quizzes, problems = [], [], []
    for module in modules:
        f, q, p = read_module(module, work / "autograded")
        findings += f
        quizzes += q
        problems += p
    return Report(findings, quizzes, problems)


def write_csv(report: Report, path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as table:
        out = csv.writer(table)
        out.writerow(["module", "graded_cell", "kind", "what", "students_count", "graded_students", "share", "students"])
        for f in report.findings:
            out.writerow([f.module, f.cell, f.kind, f.what, len(f.students), f.graded, f"{f.share:.3f}", ";".join(f.students)])


def _chart(findings: list[Finding]) -> str:
    """A horizontal bar chart of a module's named mistakes (count per mistake), as an embedded PNG."""
    shown = sorted((f for f in findings if f.kind == NAMED), key=lambda f: len(f.students))[-12:]
    if not shown:  # nothing to draw: matplotlib is not even loaded (0.4 s)
        return ""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    said = [re.sub(r"^`\w+`: ", "", f.what) for f in shown]  # the cell already names the function
    labels = [f"{f.cell}: {text[:60]}{'…' if len(text) > 60 else ''}" for f, text in zip(shown, said)]
    figure, ax = plt.subplots(figsize=(9, 0.45 * len(shown) + 1.2))
    ax.barh(range(len(shown)), [len(f.students) for f in shown], color="#0072B2")
    ax.set_yticks(range(len(shown)), labels, fontsize=8)
    ax.set_xlabel("students")
    ax.set_title(f"Named mistakes in {shown[0].module} ({shown[0].graded} graded)")
    ax.xaxis.get_major_locator().set_params(integer=True)
    figure.tight_layout()
    png = io.BytesIO()
    figure.savefig(png, format="png", dpi=90)
    plt.close(figure)
    return f'<img alt="bar chart of the named mistakes" src="data:image/png;base64,{base64.b64encode(png.getvalue()).decode()}">'


def write_html(report: Report, path: Path) -> None:
    e = html.escape
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>Class misconceptions</title><style>"
             "body{font-family:sans-serif;max-width:70em;margin:1em auto;padding:0 1em}table{border-collapse:collapse;margin:.5em 0}"
             "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}.n{text-align:right}"
             "</style></head><body><h1>What the class got wrong</h1>",
             "<p><strong>For the instructor only: this page names students.</strong> Each row is a mistake a check "
             "named in a failed test cell, counted once per student; unnamed differences are failures no known "
             "mistake explains.</p>"]
    for module in dict.fromkeys(f.module for f in [*report.findings, *report.quizzes]):
        found = [f for f in report.findings if f.module == module and f.kind != QUIZ]
        parts.append(f"<h2>{e(module)}</h2>{_chart(found)}")
        if found:
            parts.append("<table><tr><th>graded cell</th><th>kind</th><th>what</th><th>students</th><th>share</th>"
                         "<th>who</th></tr>")
            parts += [f"<tr><td>{e(f.cell)}</td><td>{e(f.kind)}</td><td>{e(f.what)}</td><td class='n'>{len(f.students)}"
                      f"</td><td class='n'>{f.share:.0%}</td><td>{e(', '.join(f.students))}</td></tr>" for f in found]
            parts.append("</table>")
        quizzes = [q for q in report.quizzes if q.module == module and q.missed]
        if quizzes:
            parts.append("<h3>Quiz questions most often missed</h3><table><tr><th>question</th><th>missed</th>"
                         "<th>wrong answer given most often</th></tr>")
            parts += [f"<tr><td>{e(q.question)}</td><td class='n'>{q.missed} of {q.graded}</td>"
                      f"<td>{e(q.wrong_answer)} ({q.wrong_count})</td></tr>" for q in quizzes]
            parts.append("</table>")
    if report.problems:
        parts.append("<h2>Not read</h2><ul>" + "".join(f"<li>{e(p)}</li>" for p in report.problems) + "</ul>")
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")


def summary(report: Report, *, rows: int = 12) -> str:
    """A plain-text table of the most common named mistakes and the most missed quiz questions."""
    named = sorted((f for f in report.findings if f.kind == NAMED), key=lambda f: (-len(f.students), f.module, f.cell))
    lines = ["Most common mistakes (students, share of the graded class):"]
    lines += [f"  {len(f.students):>3} {f.share:>5.0%}  {f.module} {f.cell}: {f.what}" for f in named[:rows]]
    if not named:
        lines.append("  none named")
    unnamed = sorted((f for f in report.findings if f.kind == UNNAMED), key=lambda f: (-len(f.students), f.module, f.cell))
    if unnamed:
        lines.append("Most common unnamed differences (no known mistake explains them):")
        lines += [f"  {len(f.students):>3} {f.share:>5.0%}  {f.module} {f.cell}: {f.what}" for f in unnamed[:rows // 2]]
    missed = [q for q in sorted(report.quizzes, key=lambda q: -q.missed) if q.missed][:rows]
    if missed:
        lines.append("Quiz questions most often missed (wrong answer given most often):")
        lines += [f"  {q.missed:>3} of {q.graded}  {q.module} {q.question}: {q.wrong_answer} ({q.wrong_count})" for q in missed]
    return "\n".join(lines)


def write(work: Path, modules: list[str]) -> Report:
    """Build the report for ``modules`` from ``work/autograded`` and write the CSV and the page into ``work``."""
    report = build(work, modules)
    write_csv(report, work / CSV_NAME)
    write_html(report, work / HTML_NAME)
    return report


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    from autograder import release

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="modules to report on (default: every module)")
    parser.add_argument("--work", type=Path, default=ROOT / "autograder" / "work", help="the folder grade.py worked in")
    args = parser.parse_args(argv)
    if not (args.work / "autograded").is_dir():
        print(f"There are no graded notebooks in {args.work / 'autograded'}; run grade.py first.")
        return 1
    report = write(args.work, args.modules or release.modules())
    print(summary(report))
    print(f"Report: {args.work / HTML_NAME} and {args.work / CSV_NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
