"""The one interface every update rule in the course follows.

Each optimizer is a pair of pure functions::

    state = <rule>_init(params)
    new_params, new_state = <rule>_step(params, grads, state, *, learning_rate=..., ...)

* ``params`` and ``grads`` are numpy arrays of the same shape.
* ``state`` is a ``NamedTuple`` holding the optimizer's memory (velocity, accumulators, step
  count ...). A step never changes its inputs: it returns new arrays and a new state.
* Hyperparameters are keyword-only and carry the Keras names (``learning_rate``, ``momentum``,
  ``rho``, ``epsilon``, ``beta_1``, ``beta_2`` ...), so a rule can be checked step by step
  against ``tf.keras.optimizers``.

Gradient descent keeps no memory, so its state is empty; momentum keeps a velocity, and later
modules add more fields.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["GDState", "gd_init", "MomentumState", "momentum_init", "AdagradState", "RMSpropState", "rmsprop_init",
           "AdamState"]


class GDState(NamedTuple):
    """Gradient descent remembers nothing between steps: the state has no fields."""


def gd_init(params: np.ndarray) -> GDState:
    """Return the (empty) state gradient descent starts with."""
    return GDState()


class MomentumState(NamedTuple):
    """Momentum's memory, in the Keras convention: the velocity *includes* the learning rate.

    Keras updates ``velocity = momentum * velocity - learning_rate * grads`` and then moves the
    parameters by it, so ``velocity`` has the units of a step, not of a gradient (PyTorch stores
    ``momentum * v + grads`` instead; see Module 3).
    """

    velocity: np.ndarray


def momentum_init(params: np.ndarray) -> MomentumState:
    """Momentum (and Nesterov) start at rest: a zero velocity of the parameters' shape."""
    return MomentumState(velocity=np.zeros_like(np.asarray(params, dtype=float)))


class AdagradState(NamedTuple):
    """AdaGrad's memory: the running *sum* of squared gradients, one number per parameter.

    Keras starts it at ``initial_accumulator_value`` (0.1), not at zero. (Keras's slot name:
    ``accumulator``.)
    """

    accumulator: np.ndarray


class RMSpropState(NamedTuple):
    """RMSprop's memory: an exponential moving *average* of squared gradients, per parameter.

    Starts at zero; Keras calls this slot ``velocity``.
    """

    mean_square: np.ndarray


def rmsprop_init(params: np.ndarray) -> RMSpropState:
    """RMSprop starts with a zero average of squared gradients."""
    return RMSpropState(mean_square=np.zeros_like(np.asarray(params, dtype=float)))


class AdamState(NamedTuple):
    """Adam's memory: first moment ``m`` (mean of gradients), second moment ``v`` (mean of squared
    gradients), and ``t``, the number of steps taken so far (0 before the first step).

    Keras's slots: ``momentum`` (m) and ``velocity`` (v); ``t`` is the optimizer's ``iterations``.
    """

    m: np.ndarray
    v: np.ndarray
    t: int
