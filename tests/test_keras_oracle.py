"""The checks' oracle for gradient descent is the update Keras runs (independent of our code)."""
import numpy as np
import pytest

from optcourse.grading import checks
from optcourse.lesson import keras_bridge, landscapes

pytestmark = pytest.mark.tensorflow  # imports TensorFlow: seconds


def test_gd_oracle_matches_keras_sgd_on_the_bowl():
    tf = keras_bridge.import_tensorflow()
    bowl = landscapes.scaled_bowl()
    for learning_rate in (0.05, 0.3, 0.49):
        w = tf.Variable(bowl.start, dtype=tf.float64)
        optimizer = tf.keras.optimizers.SGD(learning_rate=learning_rate)
        path = [w.numpy()]
        for _ in range(25):
            with tf.GradientTape() as tape:
                loss = 0.1 * w[0] ** 2 + 2.0 * w[1] ** 2
            optimizer.apply_gradients(zip(tape.gradient(loss, [w]), [w]))
            path.append(w.numpy())
        oracle = checks._oracle_trajectory(bowl.gradient, np.array(bowl.start), learning_rate, 25)
        np.testing.assert_allclose(np.array(path), oracle, rtol=1e-6, atol=1e-9)


def test_adamw_oracle_is_keras_adamw_and_decays_before_the_step():
    """With hyperparameters float32 holds exactly, Keras's AdamW (the checks' oracle) is the course's
    reference rule to float64 rounding: the decay w − lr·wd·w first, then the Adam step."""
    from optcourse.grading import rule_checks
    from optcourse.lesson.optim import AdamState
    from optcourse.lesson.reference.adamw import adamw_step

    rng = np.random.default_rng(5)
    params = rng.uniform(-3, 3, size=(2, 3))
    state = AdamState(rng.normal(0, 0.5, size=(2, 3)), rng.uniform(0.5, 3.0, size=(2, 3)), 3)
    grads = [rng.normal(size=(2, 3)) for _ in range(10)]
    hyper = {"learning_rate": 0.125, "beta_1": 0.875, "beta_2": 0.998046875, "epsilon": 1e-3, "weight_decay": 0.25}
    case = rule_checks.Case(params, state, grads, hyper, "strict")
    keras_params, keras_states = rule_checks._adamw_rule().keras(case)
    w, s = params, state
    for k, g in enumerate(grads):
        w, s = adamw_step(w, g, s, **hyper)
        np.testing.assert_allclose(keras_params[k], w, rtol=0, atol=1e-12)
        np.testing.assert_allclose(keras_states["m"][k], s.m, rtol=0, atol=1e-12)
        np.testing.assert_allclose(keras_states["v"][k], s.v, rtol=0, atol=1e-12)
        assert keras_states["t"][k] == s.t
    shrunk_after = adamw_step(params, grads[0], state, **{**hyper, "weight_decay": 0.0})[0]
    shrunk_after = shrunk_after - hyper["learning_rate"] * hyper["weight_decay"] * shrunk_after
    assert np.abs(keras_params[0] - shrunk_after).max() > 1e-4  # the order is visible in these cases


def test_clip_oracle_is_the_global_norm_rule():
    from optcourse.grading import clip_checks

    rng = np.random.default_rng(2)
    for arrays, clipnorm in (([rng.normal(size=(3,)), rng.normal(size=(2, 2))], 1.0),
                             ([rng.normal(size=(4,))], 10.0),
                             ([np.zeros(3), np.zeros((2, 1))], 1.0)):
        norm = np.sqrt(sum(np.sum(a**2) for a in arrays))
        expected = [a * (clipnorm / norm if norm > clipnorm else 1.0) for a in arrays]
        got = clip_checks._keras_clipped(arrays, clipnorm)
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-15)
    arrays = [np.array([3.0, 0.0]), np.array([0.0, 0.5])]
    assert not np.allclose(clip_checks._keras_clipped(arrays, 1.0)[1], arrays[1])  # global, not per array: the small one shrinks too
