"""Canonical correct answers to the exercises, as a learner would write them.

Used by tests (one of the accepted variants) and by the benchmarks (timing with learner code).
"""
import math

import numpy as np

from optcourse.lesson import datasets
from optcourse.lesson.optim import AdagradState, AdamState, MomentumState, RMSpropState


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


def exponential_decay(step, *, initial_learning_rate, decay_steps, decay_rate, staircase=False):
    exponent = step // decay_steps if staircase else step / decay_steps
    return initial_learning_rate * decay_rate**exponent


def cosine_decay(step, *, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0):
    if warmup_target is None:
        peak, step = initial_learning_rate, min(step, decay_steps)
    else:
        if step < warmup_steps:
            return initial_learning_rate + (warmup_target - initial_learning_rate) * step / warmup_steps
        peak, step = warmup_target, min(step - warmup_steps, decay_steps)
    return peak * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * step / decay_steps)) + alpha)


def cosine_decay_restarts(step, *, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
    fraction, period, cycle = step / first_decay_steps, 1.0, 0
    while fraction >= period:
        fraction, period, cycle = fraction - period, period * t_mul, cycle + 1
    cosine = 0.5 * (1 + math.cos(math.pi * fraction / period))
    return initial_learning_rate * ((1 - alpha) * m_mul**cycle * cosine + alpha)


def lr_range_test(loss_fn, grad_fn, w0, *, min_lr, max_lr, num_steps):
    w, rates, losses = np.array(w0, dtype=float), [], []
    for k in range(num_steps):
        rate = min_lr * (max_lr / min_lr) ** (k / (num_steps - 1))
        rates.append(rate)
        losses.append(float(loss_fn(w)))
        if not np.isfinite(losses[-1]) or losses[-1] > 4 * min(losses):
            break
        w = w - rate * grad_fn(w)
    return np.array(rates), np.array(losses)


def optimizer_state_size(optimizer):
    return sum(int(v.numpy().size) for v in optimizer.variables if v.path.split("/")[-1] not in ("iteration", "learning_rate"))


def fresh_optimizer(optimizer):
    return type(optimizer).from_config(optimizer.get_config())


def adamw_step(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon, weight_decay):
    decayed = params - learning_rate * weight_decay * params
    return adam_step(decayed, grads, state, learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)


def clip_by_global_norm(grads, clipnorm):
    norm = np.sqrt(sum(np.sum(np.square(g)) for g in grads))
    scale = clipnorm / max(norm, clipnorm)
    return [g * scale for g in grads]
