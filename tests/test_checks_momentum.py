"""Module 3 checks: momentum and Nesterov, compared with Keras step by step."""
# The banks of wrong and correct answers for these checks are in tests/banks/ (run by tests/test_banks.py);
# here, what does not fit a bank: invariants, hidden-only cases, the Keras model runs.
import numpy as np
import pytest

from hidden_cases import hidden_cases
from learner_answers import momentum_step as momentum_functional
from optcourse.grading import checks
from optcourse.learner_code.feedback import CheckFailed
from optcourse.lesson import datasets, keras_bridge
from optcourse.lesson.optim import MomentumState, momentum_init


# ---------------------------------------------------------------- a rule made from a formula
def rule(update):
    """Build a step from a formula (w, m, g, lr, mu) -> (new_w, new_m)."""
    def step(params, grads, state, *, learning_rate, momentum):
        w, m = update(params, state.velocity, grads, learning_rate, momentum)
        return w, MomentumState(m)
    return step


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
