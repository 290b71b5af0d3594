"""Every class of cheat in issue 13, written against the referee, graded end to end in the sandbox.

One ``grade.grade`` run, of every module at once (one gradebook, one feedback and export step), holds all the submissions (tests/referee_attacks.py
says what each one tries and why its fair score is what it is). Each submission is then its own
test: it must get exactly its fair score. A submission the grader currently over-scores is marked
``xfail(strict=True)`` with the bug: when the grader is fixed, the mark must go.

Before grading, the test leaves the machine as a normal course checkout is after any run of the
later notebooks: the reference rules compiled in ``reference/__pycache__`` (Python writes them on
the first import), and it puts a secret in the grader's environment.
"""
from __future__ import annotations

import html
import importlib.util
import os
import py_compile
import re
from pathlib import Path

import nbformat
import pytest

import referee_attacks as attacks
from autograder import grade
from hidden_cases import hidden_cases

pytestmark = [pytest.mark.tensorflow, pytest.mark.xdist_group("adversarial")]

LIMITS = grade.Limits(sandbox=True, memory_gb=3.0, cell_timeout=40, notebook_timeout=150)
_EXPECTED = {module: attacks.bank(module, Path("/nowhere"), Path("/nowhere")) for module in attacks.MODULES}


def _compile_reference_rules() -> None:
    from optcourse.lesson import reference

    folder = Path(reference.__file__).parent
    for rule in sorted(set(reference.HOMES.values())):
        source = folder / f"{rule}.py"
        py_compile.compile(str(source), cfile=importlib.util.cache_from_source(str(source)), doraise=True)


class Graded:
    """The one grading run (every module at once: a single gradebook, feedback and export), shared by the tests."""

    def __init__(self, folder: Path):
        self.work, submissions = folder / "work", folder / "submissions"
        self.module_of = {}
        for module in attacks.MODULES:
            for student, (make, _, _) in attacks.bank(module, self.work, submissions).items():
                (submissions / student).mkdir(parents=True)
                nbformat.write(make(), submissions / student / f"{module}.ipynb")
                self.module_of[student] = module
        outcomes = grade.grade(grade.ALL, submissions, work=self.work, jobs=2, limits=LIMITS)
        self.outcomes = {o.student: o for o in outcomes if o.assignment == self.module_of[o.student]}
        self.scores = {student: grade.read_grades(self.work, module).get(student) for student, module in self.module_of.items()}
        self.log = "\n".join(f"{o.student}: {o.graded} {o.reason} {o.seconds:.1f} s" for o in self.outcomes.values())
        print("\nstudent, fair score, actual score, seconds")  # shown with pytest -s: the table of the report
        for student, module in self.module_of.items():
            fair = attacks.bank(module, self.work, submissions)[student][1]
            print(f"{student}, {fair}, {self.scores[student]}, {self.outcomes[student].seconds:.1f}")

    def feedback(self, student: str) -> str:
        module = self.module_of[student]
        page = (self.work / "feedback" / student / module / f"{module}.html").read_text()
        return html.unescape(re.sub(r"<[^>]+>", "", page))

    def graded_notebook(self, student: str):
        module = self.module_of[student]
        return nbformat.read(self.work / "autograded" / student / module / f"{module}.ipynb", as_version=4)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    _compile_reference_rules()
    saved = os.environ.get(attacks.SECRET_NAME)
    os.environ[attacks.SECRET_NAME] = attacks.SECRET_VALUE
    try:
        yield Graded(tmp_path_factory.mktemp("referee_attacks"))
    finally:
        if saved is None:
            os.environ.pop(attacks.SECRET_NAME, None)
        else:
            os.environ[attacks.SECRET_NAME] = saved


def _cases():
    for module, entries in _EXPECTED.items():
        for student, (_, fair, bug) in entries.items():
            marks = [pytest.mark.xfail(strict=True, raises=AssertionError, reason=f"grader bug: {bug}")] if bug else []
            yield pytest.param(module, student, fair, id=student, marks=marks)


@pytest.mark.parametrize(("module", "student", "fair"), list(_cases()))
def test_each_attack_gets_its_fair_score(graded, module, student, fair):
    outcome = graded.outcomes[student]
    assert outcome.graded and not outcome.reason, (outcome, graded.log)
    assert graded.scores[student] == fair, graded.feedback(student)[-3000:]


def test_module_1_attacks_leave_nothing_behind_and_learn_nothing(graded):
    run = graded
    # Nothing a submission started is still running once its notebook is graded.
    left = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if attacks.SURVIVOR_MARK.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                left.append(pid)
        except OSError:
            continue
    assert not left, f"processes left behind by a submission: {left}"
    # The thief could read no solution, .git, gradebook or classmate's notebook, write none of them,
    # and saw neither the grader's environment nor any process outside its sandbox.
    printed = "".join(output.get("text", "") for cell in run.graded_notebook("m1_thief_and_survivors").cells for output in cell.get("outputs", []))
    assert "sources: False grades: False outside: False" in printed, printed[-2000:]
    assert "questions recovered: []" in run.feedback("m1_quiz_digests_and_malformed")
    # A crash or a hang inside a call costs that cell, with one sentence, and the kernel is restarted.
    assert "stopped your notebook's kernel" in run.feedback("m1_kills_kernel_in_call")
    assert "did not return within" in run.feedback("m1_hangs_in_call")
    assert "more data than the grader reads" in run.feedback("m1_huge_returns") or \
        "too much data" in run.feedback("m1_huge_returns"), run.feedback("m1_huge_returns")[-3000:]
    # No hidden test reaches any feedback page.
    hidden = f"seed={hidden_cases('gd_step')[0]['seed']}"
    for student, module in run.module_of.items():
        if module == attacks.M1:
            assert hidden not in run.feedback(student), student


def test_a_forged_optimizer_is_not_built_by_the_referee(graded):
    """Module 1's patched channel answers gd_trajectory with an optimizer recipe: it must stay a stand-in."""
    message = graded.feedback("m1_patches_channel")
    # Built, it made the referee import TensorFlow, and the check then blamed the learner for the import.
    assert "`gd_trajectory` imports TensorFlow" not in message, "the referee imported TensorFlow for a forged reply"
    # A stand-in has its type's name and nothing else: not an array, so the trajectory fails plainly.
    assert "`gd_trajectory` returned SGD for the trajectory; it should be a numpy array of numbers." in message


def test_hidden_cases_do_not_reach_the_feedback(graded):
    """gd_step's hidden test (solutions/01_gradient_descent) calls it with shape (2, 3, 2) and learning_rate 2.5."""
    assert "(2, 3, 2), 2.5" not in graded.feedback("m1_thief_and_survivors")


def test_a_forged_reply_cannot_flood_the_feedback(graded):
    page = graded.work / "feedback" / "m1_publishes_referee_mime" / attacks.M1 / f"{attacks.M1}.html"
    assert page.stat().st_size < 3_000_000, page.stat().st_size
