"""Module 3 checks: momentum and Nesterov, compared with Keras step by step."""
import numpy as np
import pytest

from hidden_cases import hidden_cases
from learner_answers import momentum_step as momentum_functional
from learner_answers import nesterov_step as nesterov_functional
from optcourse.grading import checks
from optcourse.learner_code.feedback import CheckFailed
from optcourse.lesson import datasets, keras_bridge
from optcourse.lesson.optim import MomentumState, momentum_init

pytestmark = pytest.mark.tensorflow  # the oracle is Keras: imports TensorFlow


# ---------------------------------------------------------------- correct rules
def momentum_in_place_on_copies(params, grads, state, *, learning_rate, momentum):
    velocity = state.velocity.copy()
    velocity *= momentum
    velocity -= learning_rate * grads
    new = params.copy()
    new += velocity
    return new, state._replace(velocity=velocity)


def momentum_float32(params, grads, state, *, learning_rate, momentum):
    velocity = (momentum * state.velocity - learning_rate * grads).astype(np.float32)
    return (params + velocity).astype(np.float32), MomentumState(velocity=velocity)


def nesterov_expanded(params, grads, state, *, learning_rate, momentum):
    velocity = momentum * state.velocity - learning_rate * grads
    return params + momentum**2 * state.velocity - (1 + momentum) * learning_rate * grads, MomentumState(velocity)




@pytest.mark.parametrize("fn", [momentum_functional, momentum_in_place_on_copies, momentum_float32])
def test_correct_momentum_rules_pass(fn):
    checks.momentum_step(fn)
    for case in hidden_cases("momentum_step"):
        checks.momentum_step(fn, **case)


@pytest.mark.parametrize("fn", [nesterov_functional, nesterov_expanded])
def test_correct_nesterov_rules_pass(fn):
    checks.nesterov_step(fn)
    for case in hidden_cases("nesterov_step"):
        checks.nesterov_step(fn, **case)


# ---------------------------------------------------------------- known-wrong rules
def rule(update):
    """Build a step from a formula (w, m, g, lr, mu) -> (new_w, new_m)."""
    def step(params, grads, state, *, learning_rate, momentum):
        w, m = update(params, state.velocity, grads, learning_rate, momentum)
        return w, MomentumState(m)
    return step


def keras_shaped(velocity_rule, *, nesterov):
    """A wrong velocity update inside Keras's parameter move (classic, or Nesterov's look-ahead)."""
    def update(w, m, g, lr, mu):
        new_m = velocity_rule(m, g, lr, mu)
        return (w + mu * new_m + (new_m - mu * m) if nesterov else w + new_m), new_m
    return rule(update)


def _mutating(params, grads, state, *, learning_rate, momentum):
    state.velocity[...] = momentum * state.velocity - learning_rate * grads
    return params + state.velocity, state


def bank(nesterov):
    def pytorch(w, m, g, lr, mu):
        v = mu * m + g
        return w - lr * (g + mu * v if nesterov else v), v

    def without_lr(w, m, g, lr, mu):
        v = mu * m - g
        return w + lr * (mu * v - g if nesterov else v), v

    def against(w, m, g, lr, mu):
        new_m = mu * m - lr * g
        return w - (mu * new_m - lr * g if nesterov else new_m), new_m

    return {
        "PyTorch form": (rule(pytorch), "PyTorch form"),
        "velocity without learning rate": (rule(without_lr), "without the learning rate"),
        "moves against the velocity": (rule(against), "against the velocity"),
        "velocity points uphill": (keras_shaped(lambda m, g, lr, mu: mu * m + lr * g, nesterov=nesterov), "points uphill"),
        "state not carried": (keras_shaped(lambda m, g, lr, mu: -lr * g, nesterov=nesterov), "is ignored"),
        "learning rate ignored": (keras_shaped(lambda m, g, lr, mu: mu * m - g, nesterov=nesterov), "`learning_rate` is not used"),
        "damped (1 - momentum) form": (keras_shaped(lambda m, g, lr, mu: mu * m - lr * (1 - mu) * g, nesterov=nesterov), "damped"),
        "momentum squared": (keras_shaped(lambda m, g, lr, mu: mu**2 * m - lr * g, nesterov=nesterov), "differs from tf.keras"),
        "state not updated": (rule(lambda w, m, g, lr, mu: (
            (w + mu * (mu * m - lr * g) - lr * g) if nesterov else (w + mu * m - lr * g), m)), "still holds the old velocity"),
        "mutates state": (_mutating, "changed the state's `velocity` in place"),
        "returns None": (lambda params, grads, state, **k: None, "returned None"),
        "returns a dict state": (lambda params, grads, state, **k: (params, {"velocity": state.velocity}), "state of type dict"),
        "NaN velocity": (rule(lambda w, m, g, lr, mu: (w, m * np.nan)), "NaN"),
        "infinite parameters": (rule(lambda w, m, g, lr, mu: (w * np.inf, mu * m - lr * g)), "NaN or infinite"),
        "returns a triple": (lambda params, grads, state, **k: (params, state, 0), "returned a tuple"),
        "wrong velocity shape": (rule(lambda w, m, g, lr, mu: (w, (mu * m - lr * g).ravel()[:1])), "should have shape"),
        "raises": (lambda params, grads, state, *, learning_rate, momentum: params @ np.ones(99), "raised ValueError"),
        "keyword missing": (lambda params, grads, state, *, learning_rate: (params, state), "raised TypeError"),
    }


WRONG_MOMENTUM = {**bank(nesterov=False), "Nesterov instead": (nesterov_functional, "Nesterov's look-ahead")}
WRONG_NESTEROV = {
    **bank(nesterov=True),
    "classic momentum instead": (momentum_functional, "classic momentum"),
    "look-ahead without the gradient term": (rule(lambda w, m, g, lr, mu: (w + mu * (mu * m - lr * g), mu * m - lr * g)),
                                             "term is missing"),
}


@pytest.mark.parametrize("name", WRONG_MOMENTUM)
def test_wrong_momentum_rules_are_rejected_with_their_mistake_named(name):
    fn, expected = WRONG_MOMENTUM[name]
    with pytest.raises(CheckFailed) as failure:
        checks.momentum_step(fn)
    assert expected in str(failure.value)


@pytest.mark.parametrize("name", WRONG_NESTEROV)
def test_wrong_nesterov_rules_are_rejected_with_their_mistake_named(name):
    fn, expected = WRONG_NESTEROV[name]
    with pytest.raises(CheckFailed) as failure:
        checks.nesterov_step(fn)
    assert expected in str(failure.value)


# ---------------------------------------------------------------- wrong only from the initial state, or in the state's type
# Each of these passed every check before the checks started from momentum_init and fed the returned state back as it is.
def first_step_special(first, later):
    """A step that treats a zero velocity (the very first step) differently: (w, new_m, g, lr, mu) -> new_w."""
    def step(params, grads, state, *, learning_rate, momentum):
        velocity = momentum * state.velocity - learning_rate * grads
        move = first if not np.any(state.velocity) else later
        return move(params, velocity, grads, learning_rate, momentum), MomentumState(velocity)
    return step


def velocity_as_list(params, grads, state, *, learning_rate, momentum):
    velocity = momentum * np.asarray(state.velocity) - learning_rate * grads
    return params + velocity, MomentumState(velocity.tolist())


def state_as_plain_tuple(params, grads, state, *, learning_rate, momentum):
    velocity = momentum * state[0] - learning_rate * grads
    return params + velocity, (velocity,)


CLASSIC = lambda w, m, g, lr, mu: w + m  # noqa: E731
LOOK_AHEAD = lambda w, m, g, lr, mu: w + mu * m - lr * g  # noqa: E731
_FROM_START = "(learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from the initial state)."
_MOMENTUM_START = ("check how the state starts — the velocity starts at zero, and the first step is a step like any other: "
                   "velocity = −learning_rate × g, then params + velocity ")
FIRST_STEP_MOMENTUM = {
    "first step skipped": (first_step_special(lambda w, m, g, lr, mu: w.copy(), CLASSIC),
                           "`momentum_step`: your first step differs from tf.keras.optimizers.SGD(momentum=…, nesterov=False) "
                           "(later steps from a given state agree): " + _MOMENTUM_START + _FROM_START),
    "first step doubled": (first_step_special(lambda w, m, g, lr, mu: w + 2 * m, CLASSIC),
                           "`momentum_step`: your first step differs from tf.keras.optimizers.SGD(momentum=…, nesterov=False) "
                           "(later steps from a given state agree): " + _MOMENTUM_START + _FROM_START),
    "velocity returned as a list": (velocity_as_list, "`momentum_step` returned the state's `velocity` as a list; return a numpy "
                                                      "array of the parameters' shape inside MomentumState."),
    "state as a plain tuple": (state_as_plain_tuple, "`momentum_step` returned a state of type tuple; return a new "
                                                     "`MomentumState(velocity=...)`."),
}
FIRST_STEP_NESTEROV = {
    "first step without look-ahead": (
        first_step_special(CLASSIC, LOOK_AHEAD),
        "`nesterov_step`: your first step differs from tf.keras.optimizers.SGD(momentum=…, nesterov=True) (later steps from a "
        "given state agree): check how the state starts — the velocity starts at zero, and the first step is a Nesterov step "
        "like any other: velocity = −learning_rate × g, then params + momentum × velocity − learning_rate × g " + _FROM_START),
}


@pytest.mark.parametrize("name", FIRST_STEP_MOMENTUM)
def test_momentum_wrong_from_the_start_or_in_its_state_type_is_rejected_plainly(name):
    fn, expected = FIRST_STEP_MOMENTUM[name]
    with pytest.raises(CheckFailed) as failure:
        checks.momentum_step(fn)
    assert str(failure.value) == expected


@pytest.mark.parametrize("name", FIRST_STEP_NESTEROV)
def test_nesterov_wrong_from_the_start_is_rejected_plainly(name):
    fn, expected = FIRST_STEP_NESTEROV[name]
    with pytest.raises(CheckFailed) as failure:
        checks.nesterov_step(fn)
    assert str(failure.value) == expected


def test_momentum_zero_must_be_plain_sgd():
    ignores_zero = rule(lambda w, m, g, lr, mu: (w + (mu or 0.5) * m - lr * g, (mu or 0.5) * m - lr * g))
    checks.momentum_step(ignores_zero)  # visible cases use non-zero momentum
    with pytest.raises(CheckFailed, match="momentum=0 should be plain SGD"):
        checks.momentum_step(ignores_zero, **hidden_cases("momentum_step")[0])


def test_learner_momentum_on_a_keras_model_matches_built_in_sgd_momentum():
    """The learner's rule in a tf.GradientTape loop vs SGD(momentum=0.9): same batches, same start."""
    tf = keras_bridge.import_tensorflow()
    data = datasets.regression_data(200, 10)
    ours = keras_bridge.small_regression_model(10, seed=3)
    theirs = keras_bridge.small_regression_model(10, seed=3)
    theirs.set_weights(ours.get_weights())
    mine = keras_bridge.train_with_rule(ours, data.X, data.y, momentum_functional, momentum_init,
                                        learning_rate=0.05, momentum=0.9, epochs=3)
    keras = keras_bridge.train_with_keras_optimizer(theirs, data.X, data.y,
                                                    tf.keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), epochs=3)
    assert len(mine) == 21 and mine[-1] < 0.5 * mine[0]  # it trained
    np.testing.assert_allclose(mine, keras, rtol=1e-4, atol=1e-5)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
