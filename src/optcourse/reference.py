"""Reference update rules, for modules that build on an earlier one (racing Adam against RMSprop
and momentum, training with a rule from a module you skipped).

The graded checks refuse these functions: in an exercise, write the rule yourself.
"""
from __future__ import annotations

import numpy as np

from .optim import MomentumState, RMSpropState

__all__ = ["momentum_step", "rmsprop_step"]


def momentum_step(params, grads, state: MomentumState, *, learning_rate: float, momentum: float):
    """Keras SGD with momentum: velocity = momentum·velocity − learning_rate·g; params + velocity."""
    velocity = momentum * state.velocity - learning_rate * grads
    return params + velocity, MomentumState(velocity)


def rmsprop_step(params, grads, state: RMSpropState, *, learning_rate: float, rho: float, epsilon: float = 1e-7):
    """Keras RMSprop: mean_square = rho·mean_square + (1 − rho)·g²; params − lr·g / sqrt(mean_square + epsilon)."""
    mean_square = rho * state.mean_square + (1 - rho) * np.square(grads)
    return params - learning_rate * grads / np.sqrt(mean_square + epsilon), RMSpropState(mean_square)
