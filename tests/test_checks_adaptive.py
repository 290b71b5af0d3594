"""Module 4-5 checks: AdaGrad, RMSprop and Adam against Keras, each known mistake named."""
import numpy as np
import pytest

import learner_answers as right
from hidden_cases import hidden_cases
from optcourse.grading import checks
from optcourse.learner_code.feedback import CheckFailed
from optcourse.lesson.optim import AdagradState, AdamState, RMSpropState

pytestmark = pytest.mark.tensorflow  # the oracle is Keras: imports TensorFlow


# ---------------------------------------------------------------- correct variants
def adagrad_in_place_on_copies(params, grads, state, *, learning_rate, epsilon):
    accumulator = state.accumulator.copy()
    accumulator += np.square(grads)
    new = np.array(params, copy=True)
    new -= learning_rate * grads * (accumulator + epsilon) ** -0.5
    return new, state._replace(accumulator=accumulator)


def rmsprop_expanded(params, grads, state, *, learning_rate, rho, epsilon):
    mean_square = state.mean_square + (1 - rho) * (grads * grads - state.mean_square)
    return params - learning_rate / np.sqrt(mean_square + epsilon) * grads, RMSpropState(mean_square.astype(np.float32))


def adam_other_order(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon):
    t = state.t + 1
    m = beta_1 * state.m + (1 - beta_1) * grads
    v = beta_2 * state.v + (1 - beta_2) * grads * grads
    step = learning_rate * (np.sqrt(1 - beta_2**t) / (1 - beta_1**t)) * m / (np.sqrt(v) + epsilon)
    return params - step, AdamState(m=m, v=v, t=t)




@pytest.mark.parametrize("fn", [right.adagrad_step, adagrad_in_place_on_copies])
def test_correct_adagrad_rules_pass(fn):
    checks.adagrad_step(fn)
    for case in hidden_cases("adagrad_step"):
        checks.adagrad_step(fn, **case)


@pytest.mark.parametrize("fn", [right.rmsprop_step, rmsprop_expanded])
def test_correct_rmsprop_rules_pass(fn):
    checks.rmsprop_step(fn)
    for case in hidden_cases("rmsprop_step"):
        checks.rmsprop_step(fn, **case)


@pytest.mark.parametrize("fn", [right.adam_step, adam_other_order])
def test_correct_adam_rules_pass(fn):
    checks.adam_step(fn)
    for case in hidden_cases("adam_step"):
        checks.adam_step(fn, **case)


def test_correct_inits_pass():
    checks.adagrad_init(right.adagrad_init)
    checks.adam_init(right.adam_init)


# ---------------------------------------------------------------- AdaGrad mistakes
def adagrad(accumulate, step):
    def fn(params, grads, state, *, learning_rate, epsilon):
        acc = accumulate(state.accumulator, grads)
        return params - step(grads, acc, state.accumulator, learning_rate, epsilon), AdagradState(acc)
    return fn


SUM = lambda a, g: a + g**2  # noqa: E731
RIGHT_ADAGRAD = lambda g, acc, old, lr, eps: lr * g / np.sqrt(acc + eps)  # noqa: E731


def _adagrad_mutating(params, grads, state, *, learning_rate, epsilon):
    state.accumulator[...] += grads**2
    return params - learning_rate * grads / np.sqrt(state.accumulator + epsilon), state


WRONG_ADAGRAD = {
    "epsilon outside the root": (adagrad(SUM, lambda g, acc, old, lr, eps: lr * g / (np.sqrt(acc) + eps)), "outside the square root"),
    "update before accumulating": (adagrad(SUM, lambda g, acc, old, lr, eps: lr * g / np.sqrt(old + eps)), "before this gradient was added"),
    "absolute value": (adagrad(lambda a, g: a + np.abs(g), RIGHT_ADAGRAD), "adds |g|"),
    "no square root": (adagrad(SUM, lambda g, acc, old, lr, eps: lr * g / (acc + eps)), "square root is missing"),
    "old state returned": (lambda p, g, s, *, learning_rate, epsilon: (p - learning_rate * g / np.sqrt(s.accumulator + g**2 + epsilon), s), "old accumulator"),
    "accumulator replaced": (adagrad(lambda a, g: g**2, RIGHT_ADAGRAD), "replaced by g²"),
    "learning rate ignored": (adagrad(SUM, lambda g, acc, old, lr, eps: g / np.sqrt(acc + eps)), "`learning_rate` is not used"),
    "uphill": (adagrad(SUM, lambda g, acc, old, lr, eps: -lr * g / np.sqrt(acc + eps)), "uphill"),
    "decays like RMSprop": (adagrad(lambda a, g: 0.9 * a + 0.1 * g**2, RIGHT_ADAGRAD), "never forgets"),
    "epsilon missing": (adagrad(SUM, lambda g, acc, old, lr, eps: lr * g / np.sqrt(acc)), "epsilon is missing"),
    "mutates the state": (_adagrad_mutating, "changed its inputs in place"),
    "returns None": (lambda p, g, s, **k: None, "returned None"),
    "dict state": (lambda p, g, s, **k: (p, {"accumulator": s.accumulator}), "state of type dict"),
    "NaN": (adagrad(SUM, lambda g, acc, old, lr, eps: g * np.nan), "NaN"),
}


@pytest.mark.parametrize("name", WRONG_ADAGRAD)
def test_wrong_adagrad_rules_are_rejected_with_their_mistake_named(name):
    fn, expected = WRONG_ADAGRAD[name]
    with pytest.raises(CheckFailed) as failure:
        checks.adagrad_step(fn)
    assert expected in str(failure.value)


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


# ---------------------------------------------------------------- RMSprop mistakes
def rmsprop(average, step):
    def fn(params, grads, state, *, learning_rate, rho, epsilon):
        v = average(state.mean_square, grads, rho)
        return params - step(grads, v, state.mean_square, learning_rate, epsilon), RMSpropState(v)
    return fn


EMA = lambda v, g, rho: rho * v + (1 - rho) * g**2  # noqa: E731
RIGHT_RMS = lambda g, v, old, lr, eps: lr * g / np.sqrt(v + eps)  # noqa: E731


def _bias_corrected_rmsprop():
    count = {"t": 0}

    def fn(params, grads, state, *, learning_rate, rho, epsilon):
        count["t"] += 1
        v = rho * state.mean_square + (1 - rho) * grads**2
        return params - learning_rate * grads / np.sqrt(v / (1 - rho ** count["t"]) + epsilon), RMSpropState(v)
    return fn


WRONG_RMSPROP = {
    "epsilon outside the root": (rmsprop(EMA, lambda g, v, old, lr, eps: lr * g / (np.sqrt(v) + eps)), "outside the square root"),
    "rho swapped": (rmsprop(lambda v, g, rho: (1 - rho) * v + rho * g**2, RIGHT_RMS), "swapped"),
    "bias-corrected like Adam": (_bias_corrected_rmsprop(), "bias-corrected"),
    "state not carried": (rmsprop(lambda v, g, rho: (1 - rho) * g**2, RIGHT_RMS), "is ignored"),
    "absolute value": (rmsprop(lambda v, g, rho: rho * v + (1 - rho) * np.abs(g), RIGHT_RMS), "uses |g|"),
    "no square root": (rmsprop(EMA, lambda g, v, old, lr, eps: lr * g / (v + eps)), "square root is missing"),
    "old state returned": (lambda p, g, s, *, learning_rate, rho, epsilon: (p - learning_rate * g / np.sqrt(EMA(s.mean_square, g, rho) + epsilon), s), "old average"),
    "AdaGrad instead": (rmsprop(lambda v, g, rho: v + g**2, RIGHT_RMS), "like AdaGrad"),
    "learning rate ignored": (rmsprop(EMA, lambda g, v, old, lr, eps: g / np.sqrt(v + eps)), "`learning_rate` is not used"),
    "uphill": (rmsprop(EMA, lambda g, v, old, lr, eps: -lr * g / np.sqrt(v + eps)), "uphill"),
    "update before averaging": (rmsprop(EMA, lambda g, v, old, lr, eps: lr * g / np.sqrt(old + eps)), "before this gradient"),
    "epsilon missing": (rmsprop(EMA, lambda g, v, old, lr, eps: lr * g / np.sqrt(v)), "epsilon is missing"),
    "triple returned": (lambda p, g, s, **k: (p, s, 1), "returned a tuple"),
    "wrong state shape": (lambda p, g, s, **k: (p, RMSpropState(s.mean_square.ravel()[:1])), "should have shape"),
    "raises": (lambda p, g, s, *, learning_rate, rho, epsilon: p[99], "raised IndexError"),
}


@pytest.mark.parametrize("name", WRONG_RMSPROP)
def test_wrong_rmsprop_rules_are_rejected_with_their_mistake_named(name):
    fn, expected = WRONG_RMSPROP[name]
    with pytest.raises(CheckFailed) as failure:
        checks.rmsprop_step(fn)
    assert expected in str(failure.value)


# ---------------------------------------------------------------- Adam mistakes
def adam(*, first=None, second=None, step=None, t_used=lambda t: t + 1, t_kept=lambda t: t + 1, keep=False):
    def fn(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon):
        b1, b2, lr = beta_1, beta_2, learning_rate
        m = (first or (lambda m, g: b1 * m + (1 - b1) * g))(state.m, grads)
        v = (second or (lambda v, g: b2 * v + (1 - b2) * g**2))(state.v, grads)
        t = t_used(state.t)
        default = lambda m, v, t: lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + epsilon)  # noqa: E731
        new = params - (step(m, v, t, lr, b1, b2, epsilon) if step else default(m, v, t))
        return new, (state if keep else AdamState(m, v, t_kept(state.t)))
    return fn


def _algorithm_1(m, v, t, lr, b1, b2, eps):
    return lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)


def _swapped(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon):
    return right.adam_step(params, grads, state, learning_rate=learning_rate, beta_1=beta_2, beta_2=beta_1, epsilon=epsilon)


WRONG_ADAM = {
    "Algorithm-1 epsilon": (adam(step=_algorithm_1), "Algorithm 1"),
    "no bias correction": (adam(step=lambda m, v, t, lr, b1, b2, eps: lr * m / (np.sqrt(v) + eps)), "no bias correction"),
    "t used before increment": (adam(t_used=lambda t: t), "t is 1 on the first step"),
    "betas swapped": (_swapped, "swapped"),
    "epsilon inside the root": (adam(step=lambda m, v, t, lr, b1, b2, eps: lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / np.sqrt(v + eps)), "inside the square root"),
    "state not returned": (adam(keep=True), "old m, v and t"),
    "t not counted": (adam(t_kept=lambda t: t), "keeps the old t"),
    "absolute value": (lambda p, g, s, *, learning_rate, beta_1, beta_2, epsilon: adam(second=lambda v, gg: v + (1 - beta_2) * (np.abs(gg) - v))(p, g, s, learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon), "averages |g|"),
    "v without (1 - beta_2)": (lambda p, g, s, *, learning_rate, beta_1, beta_2, epsilon: adam(second=lambda v, gg: beta_2 * v + gg**2)(p, g, s, learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon), "without the (1 − beta_2)"),
    "m without (1 - beta_1)": (lambda p, g, s, *, learning_rate, beta_1, beta_2, epsilon: adam(first=lambda m, gg: beta_1 * m + gg)(p, g, s, learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon), "without the (1 − beta_1)"),
    "learning rate ignored": (adam(step=lambda m, v, t, lr, b1, b2, eps: np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)), "`learning_rate` is not used"),
    "uphill": (adam(step=lambda m, v, t, lr, b1, b2, eps: -lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)), "uphill"),
    "only m corrected": (adam(step=lambda m, v, t, lr, b1, b2, eps: lr / (1 - b1**t) * m / (np.sqrt(v) + eps)), "only m is bias-corrected"),
    "returns None": (lambda p, g, s, **k: None, "returned None"),
    "NaN": (adam(step=lambda m, v, t, lr, b1, b2, eps: m * np.nan), "NaN"),
}


@pytest.mark.parametrize("name", WRONG_ADAM)
def test_wrong_adam_rules_are_rejected_with_their_mistake_named(name):
    fn, expected = WRONG_ADAM[name]
    with pytest.raises(CheckFailed) as failure:
        checks.adam_step(fn)
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
