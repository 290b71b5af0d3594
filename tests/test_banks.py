"""Every bank in tests/banks/: each wrong answer is rejected by the check's visible cases with its
exact message, each correct one passes the visible and the hidden cases, and nothing reaches stderr
(nbgrader scores a test cell with stderr output 0)."""
import pytest

from banks import Bank, m1_gradient_descent, m2_sgd, m3_momentum, m4_adaptive, m5_adam, m6_tuning, m7_tradeoffs
from hidden_cases import hidden_cases
from optcourse.grading import checks
from optcourse.learner_code.feedback import CheckFailed

BANKS: list[Bank] = [bank for module in (m1_gradient_descent, m2_sgd, m3_momentum, m4_adaptive, m5_adam, m6_tuning, m7_tradeoffs)
                     for bank in module.BANKS]
MIN_WRONG, MIN_RIGHT = 25, 6


def _entries(kind: str):
    for bank in BANKS:
        marks = [pytest.mark.tensorflow] if bank.tensorflow else []
        for name in getattr(bank, kind):
            yield pytest.param(bank, name, marks=marks, id=f"{bank.check}: {name}")


@pytest.mark.parametrize(("bank", "name"), list(_entries("wrong")))
def test_a_wrong_answer_is_rejected_with_its_message(bank, name, capfd):
    fn, expected = bank.wrong[name]
    getattr(fn, "reset", lambda: None)()
    with pytest.raises(CheckFailed) as failure:
        getattr(checks, bank.check)(fn)
    assert str(failure.value) == expected
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize(("bank", "name"), list(_entries("right")))
def test_a_correct_answer_passes_every_case(bank, name, capfd):
    fn = bank.right[name]
    check = getattr(checks, bank.check)
    check(fn)
    for case in hidden_cases(bank.check) if bank.check not in ("lr_range_test", "optimizer_state_size", "fresh_optimizer") else ():
        check(fn, **case)
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("bank", BANKS, ids=[bank.check for bank in BANKS])
def test_every_bank_is_large_enough(bank):
    assert len(bank.wrong) >= MIN_WRONG and len(bank.right) >= MIN_RIGHT, (len(bank.wrong), len(bank.right))
    assert all(message for _, message in bank.wrong.values()), "a message not recorded yet"
