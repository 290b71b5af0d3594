"""The course's AdamW rule (Keras AdamW: Adam with decoupled weight decay)."""
from __future__ import annotations

import numpy as np

from ...constants import ADAM_BETA_1, ADAM_BETA_2, ADAM_EPSILON, ADAMW_WEIGHT_DECAY
from ..optim import AdamState

__all__ = ['adamw_step']


def adamw_step(params, grads, state: AdamState, *, learning_rate: float, beta_1: float = ADAM_BETA_1,
               beta_2: float = ADAM_BETA_2, epsilon: float = ADAM_EPSILON, weight_decay: float = ADAMW_WEIGHT_DECAY):
    """Keras AdamW: first shrink the weights, w − learning_rate·weight_decay·w, then a Keras Adam step
    from there (its state as Adam's: m, v and t, with t = 1 on the first step)."""
    decayed = params - learning_rate * weight_decay * params
    t = state.t + 1
    m = state.m + (1 - beta_1) * (grads - state.m)
    v = state.v + (1 - beta_2) * (np.square(grads) - state.v)
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return decayed - alpha * m / (np.sqrt(v) + epsilon), AdamState(m, v, t)
