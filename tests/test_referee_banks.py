"""One library of checks for both callers: every bank entry gets the same verdict through the referee.

At grading time a check reaches the learner's function only through the referee's plain-data
channel (autograder/referee.py). Here that channel is looped back in this process: each call's
arguments and reply go through JSON and ``channel``'s own request handler exactly as they would
between the grader and the sandboxed kernel, only without the kernel. Every wrong answer of every
bank must get the exact message it gets when the check calls it directly, every right one must pass.
"""
import json

import pytest

from autograder.referee import Worker
from optcourse.grading import checks
from optcourse.learner_code import channel
from optcourse.learner_code.feedback import CheckFailed
from test_banks import _entries


class LoopbackWorker(Worker):
    """The referee's worker with the kernel replaced by a dictionary of functions, data still in JSON."""

    def __init__(self, namespace: dict):
        self.namespace = namespace

    def _request(self, payload: dict, name: str) -> dict:
        reply = channel._answer(json.loads(json.dumps(payload)), self.namespace)
        return json.loads(json.dumps(reply))


def through_the_referee(bank, fn):
    name = bank.check if bank.check not in ("lr_range_test",) else bank.check
    return LoopbackWorker({name: fn}).describe(name)


@pytest.mark.parametrize(("bank", "name"), list(_entries("wrong")))
def test_a_wrong_answer_gets_the_same_message_through_the_referee(bank, name):
    fn, expected = bank.wrong[name]
    getattr(fn, "reset", lambda: None)()  # a variant that counts its calls starts afresh
    with pytest.raises(CheckFailed) as failure:
        getattr(checks, bank.check)(through_the_referee(bank, fn))
    assert str(failure.value) == expected


@pytest.mark.parametrize(("bank", "name"), list(_entries("right")))
def test_a_correct_answer_passes_through_the_referee(bank, name):
    getattr(checks, bank.check)(through_the_referee(bank, bank.right[name]))
