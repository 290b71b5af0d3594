"""Graded quiz questions with immediate feedback that does not give the answer away.

Each question's key is stored only as a salted SHA-256 digest of its normalised answer, so the
released notebooks and this package never show the answer in plain text. A learner can still try
every choice (that is what immediate feedback allows); the grade records the answer they leave.

That is the self-paced release. A graded class gets a package without digests (``digest`` is
empty): ``check`` then only makes sure the answer has the right form, and says the grader will
judge it; the grader's referee holds the full table.

A question, its answer and its hint live in the module's source (``solutions/``); ``make release``
derives ``quiz_keys.json`` from them (CONTRIBUTING.md says how to add a question).
"""
from __future__ import annotations

import hashlib
import json
import math
import numbers
import re
from dataclasses import dataclass
from importlib import resources

from ..learner_code.feedback import fail

__all__ = ["check", "Choice", "Number", "KEYS", "digest"]

_SALT = "optcourse-quiz-v1"


@dataclass(frozen=True)
class Choice:
    """A multiple-choice question: the answer is one letter among ``choices``."""

    choices: str
    digest: str
    hint: str

    def normalise(self, question_id: str, answer) -> str:
        __tracebackhide__ = True
        if isinstance(answer, bool) or not isinstance(answer, str):
            kind = "nothing (None)" if answer is None else f"the {type(answer).__name__} {answer!r}"
            fail(f'{question_id}: give one letter in quotes, such as "{self.choices[0]}"; you gave {kind}.')
        letter = answer.strip().strip("().").lower()
        if letter not in self.choices or len(letter) != 1:
            options = ", ".join(self.choices)
            fail(f'{question_id}: "{_shown(answer)}" is not one of the choices {options}; give a single letter in quotes.')
        return letter


@dataclass(frozen=True)
class Number:
    """A numeric question, compared after rounding to ``digits`` significant digits."""

    digits: int
    digest: str
    hint: str

    def normalise(self, question_id: str, answer) -> str:
        __tracebackhide__ = True
        if isinstance(answer, str):
            fail(f"{question_id}: {_why_not_a_number(answer)}")
        if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
            kind = "nothing (None)" if answer is None else f"the {type(answer).__name__} {_shown(repr(answer))}"
            fail(f"{question_id}: give a number without quotes, such as 0.5; you gave {kind}.")
        if not math.isfinite(answer):
            fail(f"{question_id}: give a finite number; you gave {answer}.")
        return f"{float(answer):.{self.digits}g}"


_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def _shown(text: str, limit: int = 40) -> str:
    """A learner's answer as quoted back to them: never more than ``limit`` characters."""
    return text if len(text) <= limit else text[:limit] + "…"


def _why_not_a_number(text: str) -> str:
    """One sentence for a number question answered with a string: quotes, units, words or a formula."""
    stripped = text.strip()
    if _NUMBER.fullmatch(stripped):
        return f'give the number without quotes: {stripped}, not "{_shown(text)}".'
    leading = _NUMBER.match(stripped)
    if leading and re.fullmatch(r"\s*(%|[^\W\d_][\w\s./²]*)", stripped[leading.end():]):  # "0.5 s", "10x", "32 updates"
        return f'give the number alone, without units or words: {leading.group()}, not "{_shown(text)}".'
    if re.fullmatch(r"[^\W\d_]{2,}([\s'-]+[^\W\d_]+)*", stripped):  # "zero point two"; a lone letter is a symbol
        return f'give the value in digits without quotes, such as 0.5, not the words "{_shown(text)}".'
    if re.search(r"[/*+^()√]|[^\W\d_]|\d\s*-", stripped):  # an operator, a symbol (a, η, sqrt) or a subtraction
        return f'work the value out and give it as a number without quotes (such as 0.5), not the expression "{_shown(text)}".'
    return f'give a number without quotes, such as 0.5; you gave the str "{_shown(text)}".'


def digest(question_id: str, normalised: str) -> str:
    return hashlib.sha256(f"{_SALT}:{question_id}:{normalised}".encode()).hexdigest()



def _load_keys() -> dict[str, Choice | Number]:
    keys_file = resources.files(__package__).joinpath("quiz_keys.json")
    if not keys_file.is_file():  # only while `make release` derives it for the first time
        return {}
    entries = json.loads(keys_file.read_text(encoding="utf-8"))
    return {question: (Choice(e["choices"], e.get("digest", ""), e["hint"]) if e["kind"] == "choice"
                       else Number(e["digits"], e.get("digest", ""), e["hint"]))
            for question, e in entries.items()}


# Derived from the module sources by `make release` (autograder/release.py); never edited by hand.
KEYS: dict[str, Choice | Number] = _load_keys()


def check(question_id: str, answer) -> None:
    """Raise ``CheckFailed`` (an ``AssertionError``) with a plain message unless ``answer`` is right."""
    __tracebackhide__ = True
    key = KEYS.get(question_id)
    if key is None:
        fail(f"There is no quiz question called {question_id!r}.")
    normalised = key.normalise(question_id, answer)
    if not key.digest:  # a graded class: the form is right, the grader decides the rest
        print(f"{question_id}: answer {normalised!r} recorded; it is marked when your notebook is graded.")
        return
    if digest(question_id, normalised) != key.digest:
        fail(f"{question_id}: not this one. {key.hint}")
    print(f"{question_id}: correct.")
