"""Quiz keys: exactly one accepted answer per question, and plain messages for malformed answers."""
import pytest

from optcourse.grading import quiz
from optcourse.learner_code.feedback import CheckFailed


def accepted(question_id, answer):
    try:
        quiz.check(question_id, answer)
    except CheckFailed:
        return False
    return True


@pytest.mark.parametrize("question_id", [q for q, key in quiz.KEYS.items() if isinstance(key, quiz.Choice)])
def test_each_choice_question_accepts_exactly_one_letter(question_id):
    choices = quiz.KEYS[question_id].choices
    assert sum(accepted(question_id, letter) for letter in choices) == 1


def test_letters_are_accepted_in_any_reasonable_form():
    right = next(letter for letter in "abcd" if accepted("gd_q1", letter))
    for form in (right.upper(), f" {right} ", f"({right})", f"{right}."):
        assert accepted("gd_q1", form), form


def test_numeric_answers_compare_at_three_significant_digits():
    # gd_q2: the learning rate that lands on the minimum in one step, 1/a = 0.25; 2/a = 0.5 is the limit, not it.
    assert accepted("gd_q2", 0.25) and accepted("gd_q2", 0.2500001) and accepted("gd_q2", 1 / 4)
    assert not accepted("gd_q2", 0.251) and not accepted("gd_q2", 0.5) and not accepted("gd_q2", 2.5)
    # ada_q3: RMSprop's first step from a zero average is 1/sqrt(1 − rho) = 3.162… learning rates, with no bias correction.
    assert accepted("ada_q3", 1 / 0.1**0.5) and accepted("ada_q3", 3.16) and not accepted("ada_q3", 3.2)
    assert not accepted("ada_q3", 1)    # the step a bias-corrected average (Adam's) would take


@pytest.mark.parametrize("answer, message", [
    ("0.25", 'give the number without quotes: 0.25, not "0.25".'),
    (" 1e-3 ", 'give the number without quotes: 1e-3, not " 1e-3 ".'),
    ("0.5 s", 'give the number alone, without units or words: 0.5, not "0.5 s".'),
    ("10x", 'give the number alone, without units or words: 10, not "10x".'),
    ("3.16η", 'give the number alone, without units or words: 3.16, not "3.16η".'),
    ("2/a", 'work the value out and give it as a number without quotes (such as 0.5), not the expression "2/a".'),
    ("1/(1-0.9)", 'not the expression "1/(1-0.9)".'),
    ("2(1 + μ)", 'not the expression "2(1 + μ)".'),
    ("zero point two", 'give the value in digits without quotes, such as 0.5, not the words "zero point two".'),
    ("", 'give a number without quotes, such as 0.5; you gave the str "".'),
    ("7" * 30 + " apples" + "!" * 50, '…".'),
])
def test_a_number_written_as_text_gets_one_sentence_that_says_what_to_change(answer, message):
    with pytest.raises(CheckFailed) as failure:
        quiz.check("gd_q2", answer)
    text = str(failure.value)
    assert text.startswith("gd_q2: ") and text.endswith(message) and "\n" not in text and len(text) < 200


@pytest.mark.parametrize("question_id, answer, message", [
    ("gd_q1", 2, 'give one letter in quotes, such as "a"; you gave the int 2'),
    ("gd_q1", None, "you gave nothing (None)"),
    ("gd_q1", "e", '"e" is not one of the choices a, b, c, d'),
    ("gd_q1", "ab", "is not one of the choices"),
    ("gd_q1", True, "you gave the bool True"),
    ("gd_q2", "0.25", "give the number without quotes"),
    ("gd_q2", "0.25 s", "without units"),
    ("gd_q2", "2/a", "not the expression"),
    ("gd_q2", 1j, "you gave the complex 1j"),
    ("gd_q1", "b" * 10_000, "is not one of the choices"),
    ("gd_q2", float("nan"), "give a finite number"),
    ("gd_q2", float("inf"), "give a finite number"),
    ("gd_q2", [0.2], "you gave the list"),
    ("no_such_question", "a", "There is no quiz question called 'no_such_question'"),
])
def test_malformed_answers_get_a_plain_message(question_id, answer, message):
    with pytest.raises(CheckFailed) as failure:
        quiz.check(question_id, answer)
    assert message in str(failure.value) and len(str(failure.value)) < 200


def test_a_wrong_answer_gets_a_hint_not_the_answer():
    wrong = next(letter for letter in "abcd" if not accepted("gd_q1", letter))
    with pytest.raises(CheckFailed) as failure:
        quiz.check("gd_q1", wrong)
    assert "not this one" in str(failure.value) and quiz.KEYS["gd_q1"].hint in str(failure.value)


def test_the_graded_class_table_checks_the_form_only_and_tells_nothing(monkeypatch, capsys):
    from autograder import release

    table = release.quiz_keys(["01_gradient_descent"], with_digests=False)
    assert table and not any("digest" in entry or "answer" in entry for entry in table.values())
    keys = {question: (quiz.Choice(e["choices"], "", e["hint"]) if e["kind"] == "choice" else quiz.Number(e["digits"], "", e["hint"]))
            for question, e in table.items()}
    monkeypatch.setattr(quiz, "KEYS", keys)
    for letter in "abcd":      # every letter gets the same reply: nothing to learn from trying them
        quiz.check("gd_q1", letter)
    replies = capsys.readouterr().out.splitlines()
    assert replies == [f"gd_q1: answer '{letter}' recorded; it is marked when your notebook is graded." for letter in "abcd"]
    with pytest.raises(AssertionError, match="give one letter in quotes"):
        quiz.check("gd_q1", 3)
