"""The facts every part of the course shares, stated once: Keras 3's default hyperparameters,
the tolerances the checks use, and what counts as a diverged run.

Imports nothing from the course, so any module may import it.
"""
from __future__ import annotations

import numpy as np

__all__ = [
    "SGD_LEARNING_RATE", "SGD_MOMENTUM", "SGD_NESTEROV",
    "ADAGRAD_LEARNING_RATE", "ADAGRAD_INITIAL_ACCUMULATOR_VALUE", "ADAGRAD_EPSILON",
    "RMSPROP_LEARNING_RATE", "RMSPROP_RHO", "RMSPROP_MOMENTUM", "RMSPROP_EPSILON", "RMSPROP_CENTERED",
    "ADAM_LEARNING_RATE", "ADAM_BETA_1", "ADAM_BETA_2", "ADAM_EPSILON", "ADAM_AMSGRAD", "ADAMW_WEIGHT_DECAY",
    "KERAS_DEFAULTS", "RULE_RTOL", "RULE_ATOL", "MODEL_RTOL", "MODEL_ATOL",
    "SWEEP_DIVERGENCE_FACTOR", "RANGE_TEST_BLOW_UP", "diverged", "scientific",
]

# Keras 3 defaults (tf.keras.optimizers.<Class>.__init__), for the hyperparameters the course uses.
SGD_LEARNING_RATE = 0.01
SGD_MOMENTUM = 0.0
SGD_NESTEROV = False

ADAGRAD_LEARNING_RATE = 0.001
ADAGRAD_INITIAL_ACCUMULATOR_VALUE = 0.1
ADAGRAD_EPSILON = 1e-7

RMSPROP_LEARNING_RATE = 0.001
RMSPROP_RHO = 0.9
RMSPROP_MOMENTUM = 0.0
RMSPROP_EPSILON = 1e-7
RMSPROP_CENTERED = False

ADAM_LEARNING_RATE = 0.001
ADAM_BETA_1 = 0.9
ADAM_BETA_2 = 0.999
ADAM_EPSILON = 1e-7
ADAM_AMSGRAD = False

ADAMW_WEIGHT_DECAY = 0.004   # tf.keras.optimizers.AdamW; the other AdamW defaults are Adam's

KERAS_DEFAULTS = {
    "SGD": {"learning_rate": SGD_LEARNING_RATE, "momentum": SGD_MOMENTUM, "nesterov": SGD_NESTEROV},
    "Adagrad": {"learning_rate": ADAGRAD_LEARNING_RATE, "initial_accumulator_value": ADAGRAD_INITIAL_ACCUMULATOR_VALUE,
                "epsilon": ADAGRAD_EPSILON},
    "RMSprop": {"learning_rate": RMSPROP_LEARNING_RATE, "rho": RMSPROP_RHO, "momentum": RMSPROP_MOMENTUM,
                "epsilon": RMSPROP_EPSILON, "centered": RMSPROP_CENTERED},
    "Adam": {"learning_rate": ADAM_LEARNING_RATE, "beta_1": ADAM_BETA_1, "beta_2": ADAM_BETA_2, "epsilon": ADAM_EPSILON,
             "amsgrad": ADAM_AMSGRAD},
    "AdamW": {"weight_decay": ADAMW_WEIGHT_DECAY},
}

# A learner's rule against Keras, step by step (numpy.allclose). Float32 inputs round at ~1e-7
# relative; anything looser would let real mistakes by.
RULE_RTOL = 1e-5
RULE_ATOL = 1e-6

# A learner's rule training a float32 Keras model, against a Keras optimizer (Module 7).
MODEL_RTOL = 1e-4
MODEL_ATOL = 1e-5

# A learning-rate sweep counts a run as diverged once its last loss is above this many times its start.
SWEEP_DIVERGENCE_FACTOR = 10.0
# The learning-rate range test stops once a loss is above this many times the lowest loss so far.
RANGE_TEST_BLOW_UP = 4.0


def diverged(start, loss, *, factor: float = 1.0):
    """True where ``loss`` is not finite or above ``factor`` times the starting loss ``start``.

    With the default factor this is the course's meaning of a diverged run (applied to its last
    loss); it works elementwise on arrays of losses.
    """
    loss = np.asarray(loss, dtype=float)
    return ~np.isfinite(loss) | (loss > factor * start)


def scientific(value: float) -> str:
    """A number as the prose writes it: ``1e-05`` as ``1e-5``."""
    return np.format_float_scientific(value, trim="-", exp_digits=1)
