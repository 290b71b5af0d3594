"""Prose claims: every number or comparison a module's text states about a run, checked against the run.

Each module has a claims table, ``solutions/NN_topic/claims.py`` (not part of the release: the
build copies a module's other files but never ``.py`` ones). It holds

* ``CLAIMS``: ``claim(prose, *expressions)`` entries. ``prose`` is a passage of the module's markdown
  exactly as written, with every number it claims in double brackets: ``"fastest at [[0.25]]"``.
  Each bracketed number is paired, in order, with a Python expression evaluated in the kernel after
  the notebook has run top to bottom; the value must round to the number as written (``0.16`` means
  0.155 ≤ value < 0.165) unless the claim gives ``tol=``. A claim without brackets states a
  comparison: its one expression must be true (``"AdaGrad ends lower"`` → ``"ada_loss < sgd_loss"``).
* ``GIVEN``: passages whose numbers are settings or facts, not results of a run (problem sizes
  named in the text, list numbering that is not ``1.``-style, …).

A claim about a *recorded* experiment (Module 7's, read from a JSON file in the package) is an
expression like any other: it is evaluated on the record the notebook loaded, so editing a number
in the record breaks the claim (``evaluate`` runs such expressions outside a kernel, for tests).

A number in the prose that is neither in a claim, nor in a ``GIVEN`` passage, nor typed into one of
the module's code cells (then it is a setting the reader can see), nor a Keras default from
``optcourse.constants``, makes ``uncovered`` report it: prose cannot carry a number nothing checks.
"""
from __future__ import annotations

import json
import math
import re
import runpy
from dataclasses import dataclass, field
from pathlib import Path

from autograder import release

MARK = re.compile(r"\[\[([^\]]+)\]\]")
NUMBER = re.compile(r"(?<![\w.])[-−]?\d+(?:\.\d+)?(?:e-?\d+)?(?![\w])")
# Numbers that only name or order things: "Module 3", "Exercise 2", "(3 points)", "1. Set …".
_NAMING = re.compile(r"\b(?:Modules?|Exercises?|Questions?|[Ss]ections?|[Cc]ycles?)\s\d+(?:\s?[–-]\s?\d+)?"
                     r"|\(\d+ points?\)|^\s*\d+\.\s|\bAlgorithm[- ]\d+|\bKeras \d|\d+-D\b|\bt = 1\b|^#+ .*$")
_RESULT_PREFIX = "CLAIM-RESULTS "
# A setting: a literal given to a name in code (``learning_rate=0.05``, ``batch_size = 32``).
_SETTING = re.compile(r"\b\w+\s?=\s?\(?([-]?\d+(?:\.\d+)?(?:e-?\d+)?)\b(?![.\w(])")


@dataclass(frozen=True)
class Claim:
    prose: str
    expressions: tuple[str, ...]
    tol: float | None = None

    @property
    def text(self) -> str:
        """The passage as the reader sees it (brackets removed)."""
        return MARK.sub(r"\1", self.prose)

    @property
    def numbers(self) -> list[str]:
        return MARK.findall(self.prose)


def claim(prose: str, *expressions: str, tol: float | None = None) -> Claim:
    return Claim(prose, expressions, tol)


@dataclass
class Table:
    claims: list[Claim] = field(default_factory=list)
    given: list[str] = field(default_factory=list)


def table_path(module: str) -> Path:
    return release.SOURCES / module / "claims.py"


def load(module: str) -> Table:
    path = table_path(module)
    if not path.is_file():
        return Table()
    namespace = runpy.run_path(str(path), init_globals={"claim": claim})
    return Table(list(namespace.get("CLAIMS", [])), list(namespace.get("GIVEN", [])))


def _flat(text: str) -> str:
    """Markdown as one line of single-spaced words, comment markers of wrapped lines gone."""
    return " ".join(text.split())


def prose_cells(nb) -> list[str]:
    """The lesson's markdown: quiz prompts (questions, not statements) and shared text left out."""
    cells = []
    for cell in nb.cells:
        grade_id = (cell.metadata.get("nbgrader") or {}).get("grade_id", "")
        if cell.cell_type == "markdown" and not grade_id.startswith("quiz_") and grade_id not in ("notation", "quiz_intro"):
            cells.append(cell.source)
    return cells


def _numbers_in(text: str) -> list[tuple[int, int]]:
    """Spans of the numbers a reader would take as stated values.

    Left out: code spans and display maths (formulas), inline maths except a value after ``=``
    or ``≈`` (``$1/(1-\\mu) = 10$`` states 10), and numbers that only name or order things.
    """
    spans = []
    blanked = re.sub(r"\$\$.*?\$\$|`[^`]*`", lambda m: " " * len(m.group()), text, flags=re.S)
    def inline_math(match):
        inner = match.group()
        kept = re.sub(r"(?:=|\\approx|≈)\s*([-−]?\d+(?:\.\d+)?)(?=\s*(?:\$|[,;)]|\\,|\\%|\\times))", lambda m: m.group().replace(m.group(1), "\0" * len(m.group(1))), inner)
        return "".join(c if c == "\0" else " " for c in kept)
    blanked = re.sub(r"\$[^$\n]*\$", inline_math, blanked)
    blanked = "\n".join(_NAMING.sub(lambda m: " " * len(m.group()), line) for line in blanked.splitlines())
    for match in NUMBER.finditer(blanked.replace("\0", "9")):
        spans.append((match.start(), match.end()))
    return spans


def _settings(nb) -> set[float]:
    """Literals the module's code gives to a name (settings the reader can see), and Keras's defaults."""
    values = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            for text in _SETTING.findall(cell.source):
                values.add(_value(text))
    from optcourse import constants
    for defaults in constants.KERAS_DEFAULTS.values():
        values.update(float(v) for v in defaults.values() if not isinstance(v, bool))
    return values


def _value(text: str) -> float:
    return float(text.replace("−", "-"))


def uncovered(module: str, nb=None, table: Table | None = None) -> list[str]:
    """Numbers in the module's prose that no claim, no GIVEN passage and no code cell accounts for."""
    nb = release.read_source(module) if nb is None else nb
    table = load(module) if table is None else table
    covered = [_flat(c.text) for c in table.claims] + [_flat(g) for g in table.given]
    settings = _settings(nb)
    problems = []
    for source in prose_cells(nb):
        for start, end in _numbers_in(source):
            number = source[start:end]
            if _value(number) in settings:
                continue
            line_start = source.rfind("\n", 0, start) + 1
            context = source[max(line_start, start - 60):end + 40]
            flat_source = _flat(source)
            # The number is covered when a covering passage containing it occurs in this cell around it.
            offset = len(_flat(source[:start] + "x")) - 1
            if any(number in passage and _contains_at(flat_source, passage, offset) for passage in covered):
                continue
            problems.append(f"{module}: {number!r} in “…{_flat(context)}…” is in no claim and no GIVEN passage")
    return problems


def _contains_at(text: str, passage: str, offset: int) -> bool:
    position = text.find(passage)
    while position != -1:
        if position <= offset < position + len(passage):
            return True
        position = text.find(passage, position + 1)
    return False


def missing_passages(module: str, nb=None, table: Table | None = None) -> list[str]:
    """Claims and GIVEN passages that no longer occur in the prose (the prose changed under them)."""
    prose = _flat("\n".join(prose_cells(release.read_source(module) if nb is None else nb)))
    table = load(module) if table is None else table
    problems = [f"{module}: claim passage not in the prose: “{c.text}”" for c in table.claims if _flat(c.text) not in prose]
    problems += [f"{module}: GIVEN passage not in the prose: “{g}”" for g in table.given if _flat(g) not in prose]
    for c in table.claims:
        wanted = len(c.numbers) or 1
        if len(c.expressions) != wanted:
            problems.append(f"{module}: claim “{c.text}” states {len(c.numbers)} number(s) but has {len(c.expressions)} expression(s)")
    return problems


_MODULE_7_RUNS = ("lowest_at", "early_gain", "budgets", "trains_at")  # names Module 7's own cells compute


def on_the_record(claims: list[Claim]) -> list[Claim]:
    """Module 7's claims drawn from its recorded experiment alone (``verdicts``, ``record``), which a test can
    evaluate without running the notebook; a claim that also reads one of the notebook's own runs (the
    range test's ``lowest_at``, or a table of the notebook's) is left to the executed notebook."""
    def reads(pattern, claim):
        return any(re.search(pattern, expression) for expression in claim.expressions)
    return [c for c in claims if reads(r"\b(verdicts|record)\b", c) and not reads(rf"\b({'|'.join(_MODULE_7_RUNS)})\b", c)]


def evaluate(claims: list[Claim], namespace: dict) -> list:
    """Every claim's expressions evaluated in ``namespace`` (as ``evaluation_source`` does in the kernel)."""
    values = []
    for expression in (e for c in claims for e in c.expressions):
        try:
            value = eval(expression, dict(namespace))
            values.append(bool(value) if type(value).__name__ in ("bool", "bool_") else float(value))
        except Exception as error:  # noqa: BLE001 -- any failure is reported as the claim's value, as in the kernel
            values.append(f"error: {type(error).__name__}: {error}")
    return values


def evaluation_source(claims: list[Claim]) -> str:
    """A code cell that evaluates every claim's expressions in the executed notebook and prints them."""
    expressions = [e for c in claims for e in c.expressions]
    return (
        "import json as _claims_json, math as _claims_math\n"
        "def _claims_value(expression):\n"
        "    try:\n"
        "        value = eval(expression, globals())\n"
        "        return bool(value) if type(value).__name__ in ('bool', 'bool_') else float(value)\n"
        "    except Exception as error:\n"
        "        return f'error: {type(error).__name__}: {error}'\n"
        f"print({_RESULT_PREFIX!r} + _claims_json.dumps([_claims_value(e) for e in {expressions!r}]))\n"
    )


def results_from(outputs) -> list:
    for output in outputs:
        if output.get("output_type") == "stream" and _RESULT_PREFIX in output.get("text", ""):
            line = next(ln for ln in output["text"].splitlines() if ln.startswith(_RESULT_PREFIX))
            return json.loads(line[len(_RESULT_PREFIX):])
    raise AssertionError("the claims cell printed nothing")


def _rounds_to(value: float, written: str, tol: float | None) -> bool:
    target = _value(written)
    if tol is None:
        decimals = len(written.split(".")[1]) if "." in written and "e" not in written else 0
        tol = 0.5 * 10.0 ** -decimals + 1e-12 if "e" not in written else abs(target) * 0.05
    return math.isfinite(value) and abs(value - target) <= tol


def verify(claims: list[Claim], values: list) -> list[str]:
    """Problems: a claim whose run disagrees with its prose. ``values`` come from ``evaluation_source``."""
    problems, values = [], list(values)
    for c in claims:
        mine = [values.pop(0) for _ in c.expressions]
        for expression, value in zip(c.expressions, mine):
            if isinstance(value, str):
                problems.append(f"“{c.text}”: {expression} could not be evaluated ({value})")
        if any(isinstance(v, str) for v in mine):
            continue
        if not c.numbers:
            if mine[0] is not True:
                problems.append(f"“{c.text}”: the run says otherwise ({c.expressions[0]} is false)")
            continue
        for written, expression, value in zip(c.numbers, c.expressions, mine):
            if not _rounds_to(float(value), written, c.tol):
                problems.append(f"“{c.text}”: the prose says {written}, the run gives {expression} = {value:.4g}")
    return problems
