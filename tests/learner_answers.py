"""Canonical correct answers to the exercises, as a learner would write them.

Used by tests (one of the accepted variants) and by the benchmarks (timing with learner code).
"""
import numpy as np

from optcourse import datasets
from optcourse.optim import AdagradState, AdamState, MomentumState, RMSpropState


def gd_trajectory(grad_fn, w0, *, learning_rate, num_steps):
    rows = [np.array(w0, dtype=float)]
    for _ in range(num_steps):
        rows.append(rows[-1] - learning_rate * grad_fn(rows[-1]))
    return np.stack(rows)


def minibatch_indices(num_examples, batch_size, rng):
    order = rng.permutation(num_examples)
    return [order[i:i + batch_size] for i in range(0, num_examples, batch_size)]


def sgd_epoch(params, X, y, batches, *, learning_rate):
    losses = []
    for batch in batches:
        losses.append(datasets.mse_loss(params, X[batch], y[batch]))
        params = params - learning_rate * datasets.mse_gradient(params, X[batch], y[batch])
    return params, np.array(losses)


def momentum_step(params, grads, state, *, learning_rate, momentum):
    velocity = momentum * state.velocity - learning_rate * grads
    return params + velocity, MomentumState(velocity)


def nesterov_step(params, grads, state, *, learning_rate, momentum):
    velocity = momentum * state.velocity - learning_rate * grads
    return params + momentum * velocity - learning_rate * grads, MomentumState(velocity)


def adagrad_init(params, initial_accumulator_value=0.1):
    return AdagradState(accumulator=np.full(np.shape(params), initial_accumulator_value, dtype=float))


def adagrad_step(params, grads, state, *, learning_rate, epsilon):
    accumulator = state.accumulator + grads**2
    return params - learning_rate * grads / np.sqrt(accumulator + epsilon), AdagradState(accumulator)


def rmsprop_step(params, grads, state, *, learning_rate, rho, epsilon):
    mean_square = rho * state.mean_square + (1 - rho) * grads**2
    return params - learning_rate * grads / np.sqrt(mean_square + epsilon), RMSpropState(mean_square)


def adam_init(params):
    return AdamState(m=np.zeros(np.shape(params)), v=np.zeros(np.shape(params)), t=0)


def adam_step(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon):
    t = state.t + 1
    m = state.m + (1 - beta_1) * (grads - state.m)
    v = state.v + (1 - beta_2) * (grads**2 - state.v)
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return params - alpha * m / (np.sqrt(v) + epsilon), AdamState(m, v, t)
