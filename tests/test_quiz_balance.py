"""Quizzes test understanding, not test-taking: over the whole course, the right answer is not the
longest option more often than 30% of the multiple-choice questions, and no letter is the key of
more than 35% of them. Read from the sources as the release reads them (autograder/release.py)."""
from __future__ import annotations

import re
from collections import Counter

from autograder import release

OPTION = re.compile(r"^\s*[*-]\s*\(([a-z])\)\s*(.+?)\s*$", re.MULTILINE)
LONGEST_AT_MOST, ONE_LETTER_AT_MOST = 0.30, 0.35


def choice_questions() -> dict[str, tuple[str, dict[str, str]]]:
    """``{question: (key letter, {letter: option text})}`` for every multiple-choice question of the course."""
    questions = {}
    for module in release.modules():
        nb = release.read_source(module)
        path = release.source_path(module)
        prompts = {(c.metadata.get("nbgrader") or {}).get("grade_id"): c.source for c in nb.cells}
        for question, entry in release._quiz_questions(module, nb, path, release._header_lines(path.read_text())).items():
            if entry["kind"] == "choice":
                options = dict(OPTION.findall(prompts[f"quiz_{question}_prompt"]))
                questions[question] = (entry["answer"].strip().lower(), options)
    return questions


def key_is_longest(key: str, options: dict[str, str]) -> bool:
    """A tie for the longest counts as longest: a test-taker's rule picks it as readily."""
    return len(options[key]) >= max(len(text) for text in options.values())


def statistics(questions) -> tuple[float, Counter]:
    longest = sum(key_is_longest(key, options) for key, options in questions.values()) / len(questions)
    return longest, Counter(key for key, _ in questions.values())


def test_every_choice_question_has_its_key_among_at_least_three_options():
    questions = choice_questions()
    assert len(questions) >= 19
    for question, (key, options) in questions.items():
        assert len(options) >= 3 and key in options, question


def test_the_right_answer_is_rarely_the_longest_and_keys_are_spread():
    questions = choice_questions()
    longest, keys = statistics(questions)
    longest_ones = sorted(q for q, (key, options) in questions.items() if key_is_longest(key, options))
    assert longest <= LONGEST_AT_MOST, f"the key is the longest option in {longest:.0%} of questions: {longest_ones}"
    letter, count = keys.most_common(1)[0]
    assert count / len(questions) <= ONE_LETTER_AT_MOST, f"{letter!r} is the key of {count} of {len(questions)} questions: {dict(keys)}"


def test_the_statistics_catch_a_skewed_quiz():
    skewed = {f"q{i}": ("c", {"a": "no", "b": "never", "c": "yes, because of a long and careful reason"}) for i in range(10)}
    longest, keys = statistics(skewed)
    assert longest == 1.0 and keys["c"] == 10
    balanced = {f"q{i}": ("abc"[i % 3], {"a": "short", "b": "a bit longer", "c": "the longest of the three"}) for i in range(9)}
    longest, keys = statistics(balanced)
    assert longest == 3 / 9 and max(keys.values()) == 3
