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
    # Module 2
    "sgd_q1": Choice("abcd", "52b504d4661c166a846c791adc2d96f53f1e6228da933d8bb908375bca21e8b2",
                     "Count the examples behind one update in the table at the top of the module."),
    "sgd_q2": Number(3, "e408688c634754f7a8b4e05b18d0ebd225e173400378e921677df027c554fb4b",
                     "Divide, then round up: the smaller last batch is one more update."),
    "sgd_q3": Choice("abcd", "1bfd0c5d9d638f0fba7bd85e1e9c1e23ef2ac34e0b874bc567f72f2f53e914d8",
                     "How many batches does one epoch have when a batch holds all the data?"),
    "sgd_q4": Choice("abcd", "6b34101d8104cf19308f969a56b5524b9124052da7f93debcfaa7f719b4cd8e6",
                     "Think about what the batches would look like in every epoch without it."),
    # Module 3
    "mom_q1": Choice("abcd", "02318f76594f11ddbe8d1c7aee9f09e4da62ed39df426384f8553e7af1273109",
                     "Which of these is something momentum keeps between steps?"),
    "mom_q2": Number(3, "d4793bf7e29ed6b2cb6f473a603eece5e6207154217f5e9ea833793bb5aaeb0f",
                     "Add up the geometric series 1 + μ + μ² + … ."),
    "mom_q3": Choice("abcd", "41ff881c9c87a1e40b7394fceb4e52d3ec4bd8ef143a940a82bc3bc22ec5e909",
                     "Re-read the two traps in the Keras section."),
    "mom_q4": Number(3, "2415b3969f0f455e92c2836436050dfae3fb55485e51669c5a88796335073f41",
                     "Use the divergence line of the stability map: η a = 2(1 + μ)."),
    # Module 4
    "ada_q1": Choice("abcd", "7502dee2ea93b623c4934fc09f1ab347c10163523d0ff39e652be27c533d0700",
                     "Which one sums squared gradients for ever?"),
    "ada_q2": Choice("abcd", "da73e8b314b9d82ce29137964ec9d7a01240868e9112cdcadaace398ed01adbb",
                     "Look again at the plot of each parameter's effective step size."),
    "ada_q3": Number(3, "d9cedcccb906e5e54ad6c7fa0872f114c2eec2c8b65eb6f32afc314583f1d317",
                     "One extra array per parameter array, of the same size."),
    "ada_q4": Choice("abcd", "08fef28bb9907492e6ade0db0d08b1dc61af3ee7f7efee6578a1b51991dd0de7",
                     "Re-read 'Where epsilon goes' in section 1."),
    # Module 5
    "adam_q1": Choice("abcd", "f972630a539a16f8bc3c0f615a3fc36e84575dce5fa6853104bb0e9bdee1c13e",
                      "Which optimizers keep an average of gradients, and of squared gradients?"),
    "adam_q2": Choice("abcd", "9288b13cc9abaaa5c6e1ff3add9f1059313650243285e2e873603ee7402d50c7",
                      "Which of these divides each parameter's step by its own gradient history?"),
    "adam_q3": Number(3, "54902d5b951a4fa089c0a7daf55a7a00fb5f10a86dcc7cfbe77b98044dfdcb88",
                      "The correction divides by 1 − beta_1^t."),
    "adam_q4": Number(3, "1b8d09748795225214d7b3c60412bd2463a79886257c49cff640a8104cd6654b",
                      "Look at the example after Exercise 2: how far did each parameter move per step?"),
    # Module 6
    "tune_q1": Choice("abcd", "dabfca7b1d584ae3ae14d4ca8cfcf6d880fab380c9f97012d0ea7272e4c8ba7a",
                      "Take the rate where the loss was lowest, then stay well below it."),
    "tune_q2": Number(3, "ed827aa8eab2a6c90da51c7cd716b56b45216e9c0ff21128bf2e42d06bff95a3",
                      "Step 20 is two decay periods: the rate has been multiplied by 0.5 twice."),
    "tune_q3": Choice("abcd", "bbb22edbbe20c42a1eba7de3ada34c144cbc7af6d40fbe0d66bddedb623726e4",
                      "What is still unsettled in the first steps of training?"),
    "tune_q4": Choice("abcd", "e26f3d1a1838d968d61a0a658c96ac26b3de16254f4922fbcf2c5234b29c01f2",
                      "Think of Module 1's parabola and of the schedule experiment."),
    # Module 7: the whole course
    "final_q1": Number(3, "d71ad21257da3912a319e010cc405f7821f3eb3b163d61592172216eedc9e59f",
                       "Module 1: stable exactly when the learning rate is below 2/a."),
    "final_q2": Number(3, "0c6fd5d529aa0a45ed514d30424ca89daf057ec3fd146c6e957390dbc30d95d2",
                       "Adam keeps two moving averages per parameter."),
    "final_q3": Choice("abcd", "3caf0fe0f53b1d72527c2183f27e09fefdfa4e83440009e9a0e45e0418437a80",
                       "Section 7: which of these exists in Keras 3, and which keeps the old state?"),
    "final_q4": Choice("abcd", "02d5eedb8483b70da18e17a6fecdb1889462fa3719d90ff0bffb91bd935fb30b",
                       "Look at both the default-settings table and the several-seed comparison."),
    "final_q5": Choice("abcd", "01fc83ece1fad8ff24790fa33b130e6bfe731280a72ce358292f0b62d5c15f9a",
                       "Which one sums squared gradients and never forgets?"),
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


def _digest_for(question_id: str, raw: str) -> str:
    """The digest to put in ``KEYS`` for an answer typed on the command line.

    A new question is numeric if its answer parses as a number, otherwise a letter question.
    """
    key = KEYS.get(question_id)
    if key is None:
        try:
            float(raw)
            key = Number(3, "", "")
        except ValueError:
            key = Choice("abcd", "", "")
    value = float(raw) if isinstance(key, Number) else raw
    return _digest(question_id, key.normalise(question_id, value))


if __name__ == "__main__":  # python -m optcourse.quiz QUESTION_ID ANSWER  -> digest for KEYS
    print(_digest_for(sys.argv[1], sys.argv[2]))
