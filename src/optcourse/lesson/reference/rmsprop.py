"""The course's RMSprop rule (Keras RMSprop, not centered)."""
from __future__ import annotations

import numpy as np

from ...constants import RMSPROP_EPSILON
from ..optim import RMSpropState

__all__ = ['rmsprop_step']


def rmsprop_step(params, grads, state: RMSpropState, *, learning_rate: float, rho: float, epsilon: float = RMSPROP_EPSILON):
    """Keras RMSprop: mean_square = rho·mean_square + (1 − rho)·g²; params − lr·g / sqrt(mean_square + epsilon)."""
    mean_square = rho * state.mean_square + (1 - rho) * np.square(grads)
    return params - learning_rate * grads / np.sqrt(mean_square + epsilon), RMSpropState(mean_square)
