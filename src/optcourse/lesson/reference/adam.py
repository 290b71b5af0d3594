"""The course's Adam rule (Keras Adam)."""
from __future__ import annotations

import numpy as np

from ...constants import ADAM_BETA_1, ADAM_BETA_2, ADAM_EPSILON
from ..optim import AdamState

__all__ = ['adam_init', 'adam_step']


def adam_init(params) -> AdamState:
    """Zero moments, no steps taken."""
    return AdamState(m=np.zeros(np.shape(params)), v=np.zeros(np.shape(params)), t=0)


def adam_step(params, grads, state: AdamState, *, learning_rate: float, beta_1: float = ADAM_BETA_1,
              beta_2: float = ADAM_BETA_2, epsilon: float = ADAM_EPSILON):
    """Keras Adam ("epsilon-hat" form): t counts steps; alpha_t = lr·sqrt(1 − beta_2^t)/(1 − beta_1^t)."""
    t = state.t + 1
    m = state.m + (1 - beta_1) * (grads - state.m)
    v = state.v + (1 - beta_2) * (np.square(grads) - state.v)
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return params - alpha * m / (np.sqrt(v) + epsilon), AdamState(m, v, t)
