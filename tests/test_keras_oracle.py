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
