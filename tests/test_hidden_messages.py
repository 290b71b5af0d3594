"""A failed hidden test says what went wrong without giving away the grader's hidden cases."""
import re

import numpy as np
import pytest

import learner_answers as right
from hidden_cases import hidden_cases
from optcourse.grading import checks
from optcourse.learner_code.feedback import CheckFailed
from optcourse.lesson.optim import GDState

pytestmark = pytest.mark.tensorflow  # the rule and schedule oracles are Keras


def off(fn):
    """A rule 1 % off the right one, in whatever it returns."""
    def wrong(*args, **kwargs):
        result = fn(*args, **kwargs)
        if isinstance(result, tuple):
            return (np.asarray(result[0]) * 1.01, *result[1:])
        return np.asarray(result) * 1.01 if not np.isscalar(result) else result * 1.01
    return wrong


def gd_step(params, grads, state, *, learning_rate):
    return params - learning_rate * grads, state


def drops_the_last_example(num_examples, batch_size, rng):
    batches = right.minibatch_indices(num_examples, batch_size, rng)
    return [*batches[:-1], batches[-1][:-1]] if len(batches[-1]) > 1 else batches[:-1]


WRONG = {
    "gd_step": off(gd_step),
    "gd_trajectory": off(right.gd_trajectory),
    "minibatch_indices": drops_the_last_example,
    "sgd_epoch": off(right.sgd_epoch),
    "momentum_step": off(right.momentum_step),
    "nesterov_step": off(right.nesterov_step),
    "adagrad_step": off(right.adagrad_step),
    "rmsprop_step": off(right.rmsprop_step),
    "adam_step": off(right.adam_step),
    "exponential_decay": off(right.exponential_decay),
    "cosine_decay": off(right.cosine_decay),
    "cosine_decay_restarts": off(right.cosine_decay_restarts),
    "adamw_step": off(right.adamw_step),
    "clip_by_global_norm": lambda grads, clipnorm: [g * 1.01 for g in right.clip_by_global_norm(grads, clipnorm)],
}


def telling_values(case: dict) -> set[str]:
    """The hidden case's numbers as a message would print them (values too common to tell left out)."""
    found = set()

    def walk(value):
        if isinstance(value, dict):
            list(map(walk, value.values()))
        elif isinstance(value, (list, tuple)):
            if value and all(isinstance(v, int) for v in value):
                found.add(str(tuple(value)))
            list(map(walk, value))
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and value not in (0, 1, 2, 0.5):
            found.update({str(value), f"{value:g}"})
    walk(case)
    return found


@pytest.mark.parametrize("name", WRONG)
def test_a_hidden_case_failure_names_no_hidden_hyperparameter(name):
    case = hidden_cases(name)[0]
    with pytest.raises(CheckFailed) as failure:
        getattr(checks, name)(WRONG[name], **case)
    message = str(failure.value)
    assert "further cases" in message, message
    leaked = {value for value in telling_values(case) if re.search(rf"(?<![\d.]){re.escape(value)}(?![\d])", message)}
    assert not leaked, f"{message!r} shows {leaked}"


def test_the_visible_cases_still_say_what_they_are():
    with pytest.raises(CheckFailed) as failure:
        checks.gd_step(off(gd_step))
    assert "learning_rate=" in str(failure.value) and "further cases" not in str(failure.value)
    assert GDState  # the visible check uses the course's own state


def test_a_learner_error_in_a_hidden_case_hides_the_call():
    def raises_for_large_rates(params, grads, state, *, learning_rate):
        if learning_rate > 1:
            raise ValueError("too large")
        return params - learning_rate * grads, state
    with pytest.raises(CheckFailed) as failure:
        checks.gd_step(raises_for_large_rates, **hidden_cases("gd_step")[0])
    assert str(failure.value) == ("`gd_step` raised ValueError (too large) in one of the grader's further cases.")
