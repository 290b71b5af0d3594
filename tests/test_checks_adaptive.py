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


def adam_float32_numpy_t(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon):
    t = np.int64(state.t) + 1  # a numpy integer is an int too
    m = np.float32(beta_1) * state.m + np.float32(1 - beta_1) * grads.astype(np.float32)
    v = np.float32(beta_2) * state.v + np.float32(1 - beta_2) * np.square(grads.astype(np.float32))
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return (params - alpha * m / (np.sqrt(v) + epsilon)).astype(np.float32), AdamState(m.astype(np.float32), v.astype(np.float32), t)


def rmsprop_in_place_on_copies(params, grads, state, *, learning_rate, rho, epsilon):
    mean_square = np.array(state.mean_square, copy=True)
    mean_square *= rho
    mean_square += (1 - rho) * grads**2
    new = params.copy()
    new -= learning_rate * grads / np.sqrt(mean_square + epsilon)
    return new, RMSpropState(mean_square)




@pytest.mark.parametrize("fn", [right.adagrad_step, adagrad_in_place_on_copies])
def test_correct_adagrad_rules_pass(fn):
    checks.adagrad_step(fn)
    for case in hidden_cases("adagrad_step"):
        checks.adagrad_step(fn, **case)


@pytest.mark.parametrize("fn", [right.rmsprop_step, rmsprop_expanded, rmsprop_in_place_on_copies])
def test_correct_rmsprop_rules_pass(fn):
    checks.rmsprop_step(fn)
    for case in hidden_cases("rmsprop_step"):
        checks.rmsprop_step(fn, **case)


@pytest.mark.parametrize("fn", [right.adam_step, adam_other_order, adam_float32_numpy_t])
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
    "mutates the state": (_adagrad_mutating, "changed the state's `accumulator` in place"),
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


# ---------------------------------------------------------------- wrong only from the initial state, or in the state's type
# Each of these passed every check before the checks started from the initial state and fed the returned state back as it is.
def adagrad_first_without_initial_value(params, grads, state, *, learning_rate, epsilon):
    untouched = np.all(state.accumulator == 0.1)  # "the first step": the accumulator is still as adagrad_init made it
    accumulator = grads**2 if untouched else state.accumulator + grads**2
    return params - learning_rate * grads / np.sqrt(accumulator + epsilon), AdagradState(accumulator)


def adagrad_accumulator_as_list(params, grads, state, *, learning_rate, epsilon):
    accumulator = np.asarray(state.accumulator) + grads**2
    return params - learning_rate * grads / np.sqrt(accumulator + epsilon), AdagradState(accumulator.tolist())


def rmsprop_started_at_g2(params, grads, state, *, learning_rate, rho, epsilon):
    mean_square = grads**2 if not np.any(state.mean_square) else rho * state.mean_square + (1 - rho) * grads**2
    return params - learning_rate * grads / np.sqrt(mean_square + epsilon), RMSpropState(mean_square)


def rmsprop_plain_tuple(params, grads, state, *, learning_rate, rho, epsilon):
    mean_square = rho * state[0] + (1 - rho) * grads**2
    return params - learning_rate * grads / np.sqrt(mean_square + epsilon), (mean_square,)


def adam_returning(new_state=None, *, moments_from_first=False, correction_t=lambda t: t):
    """A Keras-form Adam step; ``new_state(m, v, t, old)`` builds what it returns."""
    def fn(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon):
        t = state.t + 1
        if moments_from_first and state.t == 0:
            m, v = grads.copy(), grads**2
        else:
            m, v = beta_1 * state.m + (1 - beta_1) * grads, beta_2 * state.v + (1 - beta_2) * grads**2
        tc = correction_t(t)
        new = params - learning_rate * np.sqrt(1 - beta_2**tc) / (1 - beta_1**tc) * m / (np.sqrt(v) + epsilon)
        return new, (new_state or (lambda m, v, t, old: AdamState(m, v, t)))(m, v, t, state)
    return fn


def _first_step(name, keras, hint, label):
    return f"`{name}`: your first step differs from tf.keras.optimizers.{keras} (later steps from a given state agree): {hint} ({label})."


_ADAGRAD_START = _first_step(
    "adagrad_step", "Adagrad", "check how the state starts — the accumulator starts at initial_accumulator_value (0.1), and the "
    "first step adds g² to it like any other step", "learning_rate=0.5, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from the initial state")
_ADAM_START = _first_step(
    "adam_step", "Adam", "check how the state starts — Adam's m and v start at zero and t at 0, so the first update uses t = 1",
    "learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from the initial state")
FIRST_STEP_ADAGRAD = {
    "first step ignores initial_accumulator_value": (adagrad_first_without_initial_value, _ADAGRAD_START),
    "accumulator returned as a list": (adagrad_accumulator_as_list, "`adagrad_step` returned the state's `accumulator` as a list; "
                                                                    "return a numpy array of the parameters' shape inside AdagradState."),
}
FIRST_STEP_RMSPROP = {
    "average started at g²": (rmsprop_started_at_g2, _first_step(
        "rmsprop_step", "RMSprop", "check how the state starts — the average starts at zero, so the first step makes it "
        "rho × 0 + (1 − rho) × g², not g²", "learning_rate=0.01, rho=0.8, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from the initial state")),
    "state as a plain tuple": (rmsprop_plain_tuple, "`rmsprop_step` returned a state of type tuple; return a new `RMSpropState(mean_square=...)`."),
}
FIRST_STEP_ADAM = {
    "moments initialised from the first gradient": (adam_returning(moments_from_first=True), _ADAM_START),
    "bias correction off by one only at t = 1": (adam_returning(correction_t=lambda t: max(t, 2)), _ADAM_START),
    "t returned as a float": (adam_returning(lambda m, v, t, old: AdamState(m, v, float(t))),
                              "`adam_step` returned the state's `t` as a float; t counts the steps taken: keep it an int inside AdamState."),
    "t returned as a float array": (adam_returning(lambda m, v, t, old: AdamState(m, v, np.asarray(t, dtype=float))),
                                    "`adam_step` returned the state's `t` as a numpy array; t counts the steps taken: keep it an int inside AdamState."),
    "t not incremented from 0": (adam_returning(lambda m, v, t, old: AdamState(m, v, t if old.t else 0)),
                                 "`adam_step` returned t = 0 after step 1 from the initial state (t = 0); t counts the steps taken, so it should be 1."),
    "m returned as a list": (adam_returning(lambda m, v, t, old: AdamState(m.tolist(), v, t)),
                             "`adam_step` returned the state's `m` as a list; return a numpy array of the parameters' shape inside AdamState."),
    "m of the wrong shape": (adam_returning(lambda m, v, t, old: AdamState(m.reshape(1, -1), v, t)),
                             "`adam_step` returned the new state's `m` of shape (1, 3); it should have shape (3,)."),
}
FIRST_STEP_INITS = {
    "adam_init with m as a list": (checks.adam_init, lambda params: AdamState(np.zeros(np.shape(params)).tolist(), np.zeros(np.shape(params)), 0),
                                   "`adam_init` returned the state's `m` as a list; return a numpy array of the parameters' shape inside AdamState."),
    "adagrad_init as a list": (checks.adagrad_init, lambda params, initial_accumulator_value=0.1: AdagradState(np.full(np.shape(params), initial_accumulator_value).tolist()),
                               "`adagrad_init` returned the state's `accumulator` as a list; return a numpy array of the parameters' shape inside AdagradState."),
}


@pytest.mark.parametrize(("check", "bank", "name"), [
    *(("adagrad_step", FIRST_STEP_ADAGRAD, name) for name in FIRST_STEP_ADAGRAD),
    *(("rmsprop_step", FIRST_STEP_RMSPROP, name) for name in FIRST_STEP_RMSPROP),
    *(("adam_step", FIRST_STEP_ADAM, name) for name in FIRST_STEP_ADAM),
])
def test_rules_wrong_from_the_start_or_in_their_state_type_are_rejected_plainly(check, bank, name):
    fn, expected = bank[name]
    with pytest.raises(CheckFailed) as failure:
        getattr(checks, check)(fn)
    assert str(failure.value) == expected


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
