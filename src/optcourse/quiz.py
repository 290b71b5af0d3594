"""Graded quiz questions with immediate feedback that does not give the answer away.

Each question's key is stored only as a salted SHA-256 digest of its normalised answer, so the
released notebooks and this package never show the answer in plain text. A learner can still try
every choice (that is what immediate feedback allows); the grade records the answer they leave.

To add a question: choose an id, compute the digest with
``python -m optcourse.quiz <question_id> <answer>`` and add an entry to ``KEYS``.
"""
from __future__ import annotations

import hashlib
import math
import numbers
import sys
from dataclasses import dataclass

from .feedback import fail

__all__ = ["check", "Choice", "Number", "KEYS"]

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
            fail(f'{question_id}: "{answer}" is not one of the choices {options}; give a single letter in quotes.')
        return letter


@dataclass(frozen=True)
class Number:
    """A numeric question, compared after rounding to ``digits`` significant digits."""

    digits: int
    digest: str
    hint: str

    def normalise(self, question_id: str, answer) -> str:
        __tracebackhide__ = True
        if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
            kind = "nothing (None)" if answer is None else f"the {type(answer).__name__} {answer!r}"
            fail(f"{question_id}: give a number without quotes, such as 0.5; you gave {kind}.")
        if not math.isfinite(answer):
            fail(f"{question_id}: give a finite number; you gave {answer}.")
        return f"{float(answer):.{self.digits}g}"


def _digest(question_id: str, normalised: str) -> str:
    return hashlib.sha256(f"{_SALT}:{question_id}:{normalised}".encode()).hexdigest()



KEYS: dict[str, Choice | Number] = {
    "gd_q1": Choice("abcd", "041db9b03a80a5d14e755afd4ad020e235fdc1cd0d068347c2d460b92f7eb946",
                    "Think about what the gradient points towards."),
    "gd_q2": Number(3, "41098936944bdc33e8ee92d698c0ec7631de4be4f1d63520d8476492f016c662",
                    "Go back to the parabola experiment: where did the path stop shrinking?"),
    "gd_q3": Choice("abcd", "c93e11aa347b2db703d9c54ef7a9040871428604ffd71fd7e788df7b974f2e1c",
                    "Compare the two curvatures of the badly scaled bowl with the limit 2/a."),
    "gd_q4": Choice("abcd", "1bf9a98177231da8f3baced914b3333130c87af533a1d3332b5b8509b6afec62",
                    "Recall what the slider showed just below and just above the stability limit."),
}


def check(question_id: str, answer) -> None:
    """Raise ``CheckFailed`` (an ``AssertionError``) with a plain message unless ``answer`` is right."""
    __tracebackhide__ = True
    key = KEYS.get(question_id)
    if key is None:
        fail(f"There is no quiz question called {question_id!r}.")
    if _digest(question_id, key.normalise(question_id, answer)) != key.digest:
        fail(f"{question_id}: not this one. {key.hint}")
    print(f"{question_id}: correct.")


if __name__ == "__main__":  # python -m optcourse.quiz QUESTION_ID ANSWER  -> digest for KEYS
    qid, raw = sys.argv[1], sys.argv[2]
    key = KEYS.get(qid)
    value = float(raw) if isinstance(key, Number) else raw
    normalised = key.normalise(qid, value) if key else raw.strip().lower()
    print(_digest(qid, normalised))
