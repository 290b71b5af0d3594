"""Module 4-5 checks: AdaGrad, RMSprop and Adam against Keras, each known mistake named."""
# The banks of wrong and correct answers for these checks are in tests/banks/ (run by tests/test_banks.py);
# here, what does not fit a bank: invariants, hidden-only cases, the Keras model runs.
import numpy as np
import pytest

import learner_answers as right
from optcourse.grading import checks
from optcourse.learner_code.feedback import CheckFailed
from optcourse.lesson.optim import AdagradState, AdamState


def test_correct_inits_pass():
    checks.adagrad_init(right.adagrad_init)
    checks.adam_init(right.adam_init)


WRONG_ADAGRAD_INIT = {
    "accumulator from zero": (lambda params, initial_accumulator_value=0.1: AdagradState(np.zeros_like(params)), "starts the accumulator at 0"),
    "ignores the argument": (lambda params, initial_accumulator_value=0.1: AdagradState(np.full(params.shape, 0.1)), "should fill the accumulator"),
    "shares memory": (lambda params, initial_accumulator_value=0.1: AdagradState(params), "should fill"),
    "returns an array": (lambda params, initial_accumulator_value=0.1: np.full(params.shape, 0.1), "returned ndarray"),
}


@pytest.mark.parametrize("name", WRONG_ADAGRAD_INIT)
def test_wrong_adagrad_inits_are_rejected(name):
    fn, expected = WRONG_ADAGRAD_INIT[name]
    with pytest.raises(CheckFailed) as failure:
        checks.adagrad_init(fn)
    assert expected in str(failure.value)


WRONG_ADAM_INIT = {
    "t starts at 1": (lambda params: AdamState(np.zeros_like(params), np.zeros_like(params), 1), "should start t at 0"),
    "v starts at one": (lambda params: AdamState(np.zeros_like(params), np.ones_like(params), 0), "should start `v` at zero"),
    "shared arrays": (lambda params: (lambda z: AdamState(z, z, 0))(np.zeros_like(params)), "share memory"),
    "tuple instead": (lambda params: (np.zeros_like(params), np.zeros_like(params), 0), "returned tuple"),
    "scalar moments": (lambda params: AdamState(0.0, 0.0, 0), "should have shape"),
}


@pytest.mark.parametrize("name", WRONG_ADAM_INIT)
def test_wrong_adam_inits_are_rejected(name):
    fn, expected = WRONG_ADAM_INIT[name]
    with pytest.raises(CheckFailed) as failure:
        checks.adam_init(fn)
    assert expected in str(failure.value)


def _first_step(name, keras, hint, label):
    return f"`{name}`: your first step differs from tf.keras.optimizers.{keras} (later steps from a given state agree): {hint} ({label})."


_ADAM_START = _first_step(
    "adam_step", "Adam", "check how the state starts — Adam's m and v start at zero and t at 0, so the first update uses t = 1",
    "learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from the initial state")
FIRST_STEP_INITS = {
    "adam_init with m as a list": (checks.adam_init, lambda params: AdamState(np.zeros(np.shape(params)).tolist(), np.zeros(np.shape(params)), 0),
                                   "`adam_init` returned the state's `m` as a list; return a numpy array of the parameters' shape inside AdamState."),
    "adagrad_init as a list": (checks.adagrad_init, lambda params, initial_accumulator_value=0.1: AdagradState(np.full(np.shape(params), initial_accumulator_value).tolist()),
                               "`adagrad_init` returned the state's `accumulator` as a list; return a numpy array of the parameters' shape inside AdagradState."),
}


@pytest.mark.parametrize("name", FIRST_STEP_INITS)
def test_inits_with_list_fields_are_rejected_plainly(name):
    check, fn, expected = FIRST_STEP_INITS[name]
    with pytest.raises(CheckFailed) as failure:
        check(fn)
    assert str(failure.value) == expected


def test_steps_can_start_from_the_learners_own_init():
    checks.adagrad_step(right.adagrad_step, init=right.adagrad_init)
    checks.adam_step(right.adam_step, init=right.adam_init)
    with pytest.raises(CheckFailed) as failure:  # v starting at one is only wrong from the start
        checks.adam_step(right.adam_step, init=lambda params: AdamState(np.zeros(np.shape(params)), np.ones(np.shape(params)), 0))
    assert str(failure.value) == _ADAM_START
    with pytest.raises(CheckFailed) as failure:
        checks.adagrad_step(right.adagrad_step, init=lambda params: AdagradState(np.zeros(np.shape(params)).tolist()))
    assert str(failure.value) == ("`adagrad_init` returned the state's `accumulator` as a list; "
                                  "return a numpy array of the parameters' shape inside AdagradState.")


def test_the_course_reference_is_refused_by_graded_checks():
    from optcourse.lesson import reference

    with pytest.raises(CheckFailed, match="reference implementation"):
        checks.rmsprop_step(reference.rmsprop_step)


def test_learner_adam_on_a_keras_model_matches_built_in_adam():
    """Stated tolerance: batch losses and final weights within rtol=1e-4, atol=1e-5 (float32 model)."""
    from optcourse.lesson import datasets, keras_bridge

    tf = keras_bridge.import_tensorflow()
    data = datasets.regression_data(200, 10)
    ours = keras_bridge.small_regression_model(10, seed=3)
    theirs = keras_bridge.small_regression_model(10, seed=3)
    theirs.set_weights(ours.get_weights())
    mine = keras_bridge.train_with_rule(ours, data.X, data.y, right.adam_step, right.adam_init,
                                        learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-7, epochs=3)
    keras = keras_bridge.train_with_keras_optimizer(theirs, data.X, data.y, tf.keras.optimizers.Adam(learning_rate=0.01), epochs=3)
    assert mine[-1] < 0.1 * mine[0]  # it trained
    np.testing.assert_allclose(mine, keras, rtol=1e-4, atol=1e-5)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("make_rule", ["_adam_rule", "_rmsprop_rule"])
def test_cases_run_side_by_side_in_keras_give_what_each_gives_alone(make_rule):
    """The oracle runs cases that share hyperparameters as one variable; each case's answer must be its own."""
    from optcourse.grading import keras_record
    from optcourse.grading import rule_checks as rc

    rule = getattr(rc, make_rule)()
    hyper = {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-7} if make_rule == "_adam_rule" else \
        {"learning_rate": 0.01, "rho": 0.8, "epsilon": 1e-7}
    state = rc._adam_state if make_rule == "_adam_rule" else (lambda params, rng, scale: rule.state_type(rc._positive_state(params, rng, scale)))
    cases = list(rc._regime_cases(5, rc._adaptive_settings([(3,), (2, 2)], [hyper, hyper]), state, num_steps=4))
    rc._KERAS_RUNS.clear()
    with keras_record.live():  # computed by Keras now, not taken from the release's record
        rc._run_keras(rule, cases)
    for case in cases:
        params, states = rule.keras(case)
        together_params, together_states = rc._KERAS_RUNS[rc._case_key(rule, case)]
        np.testing.assert_array_equal(together_params, params)
        for field, values in states.items():
            np.testing.assert_array_equal(together_states[field], values)
