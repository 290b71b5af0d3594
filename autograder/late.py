"""Late submissions: a due date per module and the instructor's policy, applied by nbgrader itself.

nbgrader records each submission's time (``timestamp.txt``, which grade.py keeps from ``nbgrader
collect`` and from LMS downloads) and, at autograde, asks a ``LateSubmissionPlugin`` for the penalty
of every notebook submitted after the assignment's due date. Its own plugin knows ``none`` and
``zero``; ``LatePolicy`` adds ``per_hour``: a share of the notebook's score for every hour or part of
an hour late, never more than the score. The penalty is in ``grades.csv``
(``late_submission_penalty``, and ``score`` is after it) and on the student's feedback page.

    grade.py 05_adam subs --due "2026-12-01 23:59 UTC" --late-policy per-hour:10   # 10 % per started hour
"""
from __future__ import annotations

import math

from nbgrader.plugins import LateSubmissionPlugin
from nbgrader.utils import parse_utc
from traitlets import Enum, Float

__all__ = ["LatePolicy", "autograde_options", "parse_policy", "parse_due_dates"]


class LatePolicy(LateSubmissionPlugin):
    """nbgrader's ``none`` and ``zero``, and ``per_hour``: ``percent_per_hour`` % of the score per started hour."""

    penalty_method = Enum(("none", "zero", "per_hour"), default_value="none").tag(config=True)
    percent_per_hour = Float(0.0, help="per_hour: share of the notebook's score lost per started hour late, in %").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float):
        if self.penalty_method != "per_hour":
            return super().late_submission_penalty(student_id, score, total_seconds_late)
        hours = math.ceil(total_seconds_late / 3600)
        return round(min(score, score * self.percent_per_hour / 100 * hours), 6)  # 1.2, not 1.2000000000000002


def parse_policy(text: str) -> tuple[str, float]:
    """``"none"``, ``"zero"`` or ``"per-hour:P"`` → (method, percent per hour); anything else in one sentence."""
    method, _, rate = text.strip().lower().replace("-", "_").partition(":")
    if method in ("none", "zero") and not rate:
        return method, 0.0
    if method == "per_hour":
        try:
            percent = float(rate)
        except ValueError:
            percent = -1.0
        if 0 < percent <= 100:
            return method, percent
    raise SystemExit(f"--late-policy {text!r} is not a policy: give none, zero, or per-hour:P with P the percent of the "
                     "score lost per started hour (0 < P <= 100).")


def autograde_options(policy: tuple[str, float]) -> tuple[str, ...]:
    """The ``nbgrader autograde`` options that apply ``policy`` (none for nbgrader's default, no penalty)."""
    method, percent = policy
    if method == "none":
        return ()
    return ("--AssignLatePenalties.plugin_class=autograder.late.LatePolicy", f"--LatePolicy.penalty_method={method}",
            f"--LatePolicy.percent_per_hour={percent}")


def parse_due_dates(given: list[str], assignments: list[str]) -> dict[str, str]:
    """``["2026-12-01 23:59 UTC"]`` (every module graded) or ``["05_adam=2026-12-01 23:59 UTC", ...]`` → {module: when}."""
    due = {}
    for item in given:
        module, sep, when = item.partition("=")
        targets = [module.strip()] if sep else assignments
        when = when if sep else item
        if sep and module.strip() not in assignments:
            raise SystemExit(f"--due {item!r}: {module.strip()!r} is not graded in this run ({', '.join(assignments)}).")
        try:
            parse_utc(when.strip())
        except (ValueError, OverflowError):
            raise SystemExit(f"--due {item!r}: {when.strip()!r} is not a date and time (e.g. 2026-12-01 23:59 UTC).") from None
        due.update({target: when.strip() for target in targets})
    return due
