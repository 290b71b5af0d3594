"""The course's momentum rule (Keras SGD with momentum)."""
from __future__ import annotations

from ..optim import MomentumState

__all__ = ['momentum_step']


def momentum_step(params, grads, state: MomentumState, *, learning_rate: float, momentum: float):
    """Keras SGD with momentum: velocity = momentum·velocity − learning_rate·g; params + velocity."""
    velocity = momentum * state.velocity - learning_rate * grads
    return params + velocity, MomentumState(velocity)
