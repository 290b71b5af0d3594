"""Module 6: the learning-rate range test and three schedules, against keras.optimizers.schedules."""
import math

import numpy as np

from . import Bank
from .bad_input import common, expect, not_written, printing_to_stderr, raising


# ---------------------------------------------------------------- exponential_decay
def exponential(step, *, initial_learning_rate, decay_steps, decay_rate, staircase=False):
    exponent = step // decay_steps if staircase else step / decay_steps
    return initial_learning_rate * decay_rate**exponent


def exponential_via_exp(step, *, initial_learning_rate, decay_steps, decay_rate, staircase=False):
    exponent = math.floor(step / decay_steps) if staircase else step / decay_steps
    return initial_learning_rate * math.exp(exponent * math.log(decay_rate))


def exponential_numpy(step, *, initial_learning_rate, decay_steps, decay_rate, staircase=False):
    exponent = np.divide(step, decay_steps)
    return np.float64(initial_learning_rate) * np.power(decay_rate, np.floor(exponent) if staircase else exponent)


def exponential_float32(step, *, initial_learning_rate, decay_steps, decay_rate, staircase=False):
    return np.float32(exponential(step, initial_learning_rate=initial_learning_rate, decay_steps=decay_steps, decay_rate=decay_rate, staircase=staircase))


def exponential_per_step_factor(step, *, initial_learning_rate, decay_steps, decay_rate, staircase=False):
    if staircase:
        return initial_learning_rate * decay_rate ** (step // decay_steps)
    return initial_learning_rate * (decay_rate ** (1 / decay_steps)) ** step


def exponential_as_array(step, *, initial_learning_rate, decay_steps, decay_rate, staircase=False):
    return np.array(exponential(step, initial_learning_rate=initial_learning_rate, decay_steps=decay_steps, decay_rate=decay_rate, staircase=staircase))


def exp_rule(rule):
    def fn(step, *, initial_learning_rate, decay_steps, decay_rate, staircase=False):
        return initial_learning_rate * rule(step, decay_steps, decay_rate, staircase)
    return fn


EXPONENTIAL_DECAY = Bank("exponential_decay", right={
    "functional": exponential,
    "exp and log": exponential_via_exp,
    "numpy power": exponential_numpy,
    "float32 result": exponential_float32,
    "per-step factor": exponential_per_step_factor,
    "a 0-d array": exponential_as_array,
    "prints to stderr": printing_to_stderr(exponential),
}, wrong={
    **expect(common(exponential, pair=False), {
        'returns None': '`exponential_decay` returned None for the learning rate at step 0; did you forget a `return`?',
        'raises ValueError': '`exponential_decay` raised ValueError (shapes do not match) when called as exponential_decay(…, initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=False).',
        'not written yet': '`exponential_decay` is not written yet: replace `raise NotImplementedError()` with your code.',
        'not a function': '`exponential_decay` is not a function (it is a int); define it with `def exponential_decay(...)`.',
        'NaN in the result': '`exponential_decay` returned NaN or infinite values in the learning rate at step 0 for finite inputs.',
        'inf in the result': '`exponential_decay` returned NaN or infinite values in the learning rate at step 0 for finite inputs.',
        'complex result': '`exponential_decay` returned complex numbers for the learning rate at step 0; it should return real numbers (a float array).',
        'a string result': '`exponential_decay` returned str for the learning rate at step 0; it should be a numpy array of numbers.',
        'result of the wrong shape': '`exponential_decay` returned the learning rate at step 0 of shape (2,); it should have shape ().',
    }),
    "off by one step": (exp_rule(lambda s, k, r, st: r ** ((s + 1) // k if st else (s + 1) / k)), '`exponential_decay`: one step ahead: the first update uses step 0, where the rate is initial_learning_rate (initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=False).'),
    "one step behind": (exp_rule(lambda s, k, r, st: r ** (max(s - 1, 0) // k if st else max(s - 1, 0) / k)), '`exponential_decay` differs from Keras at step 1: 0.1 where 0.0933033 is expected (initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=False).'),
    "staircase ignored": (exp_rule(lambda s, k, r, st: r ** (s / k)), '`exponential_decay`: staircase is the wrong way round: with staircase=True the exponent is floor(step / decay_steps), otherwise step / decay_steps (initial_learning_rate=0.3, decay_steps=7, decay_rate=0.8, staircase=True).'),
    "staircase always": (exp_rule(lambda s, k, r, st: r ** (s // k)), '`exponential_decay`: staircase is the wrong way round: with staircase=True the exponent is floor(step / decay_steps), otherwise step / decay_steps (initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=False).'),
    "staircase by rounding": (exp_rule(lambda s, k, r, st: r ** (round(s / k) if st else s / k)), '`exponential_decay` differs from Keras at step 4: 0.24 where 0.3 is expected (initial_learning_rate=0.3, decay_steps=7, decay_rate=0.8, staircase=True).'),
    "staircase by ceiling": (exp_rule(lambda s, k, r, st: r ** (math.ceil(s / k) if st else s / k)), '`exponential_decay` differs from Keras at step 1: 0.24 where 0.3 is expected (initial_learning_rate=0.3, decay_steps=7, decay_rate=0.8, staircase=True).'),
    "exponent is the step": (exp_rule(lambda s, k, r, st: r ** s), '`exponential_decay`: the exponent is step, not step / decay_steps (initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=False).'),
    "exponent times decay_steps": (exp_rule(lambda s, k, r, st: r ** (s * k)), '`exponential_decay` differs from Keras at step 1: 9.76563e-05 where 0.0933033 is expected (initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=False).'),
    "decays by 1 − rate": (exp_rule(lambda s, k, r, st: (1 - r) ** (s // k if st else s / k)), '`exponential_decay`: it decays by (1 − decay_rate); Keras multiplies by decay_rate every decay_steps (initial_learning_rate=0.3, decay_steps=7, decay_rate=0.8, staircase=True).'),
    "linear decay": (exp_rule(lambda s, k, r, st: max(0.0, 1 - (1 - r) * s / k)), '`exponential_decay` differs from Keras at step 1: 0.095 where 0.0933033 is expected (initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=False).'),
    "inverse-time decay": (exp_rule(lambda s, k, r, st: 1 / (1 + r * s / k)), '`exponential_decay` differs from Keras at step 1: 0.0952381 where 0.0933033 is expected (initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=False).'),
    "natural exp of the rate": (exp_rule(lambda s, k, r, st: math.exp(-r * (s // k if st else s / k))), '`exponential_decay` differs from Keras at step 1: 0.0951229 where 0.0933033 is expected (initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=False).'),
    "rate and steps swapped": (lambda step, *, initial_learning_rate, decay_steps, decay_rate, staircase=False: initial_learning_rate * decay_steps ** (step / decay_rate) * 0 + initial_learning_rate * decay_rate ** (step / 2), '`exponential_decay` differs from Keras at step 1: 0.0707107 where 0.0933033 is expected (initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=False).'),
    "initial rate ignored": (lambda step, *, initial_learning_rate, decay_steps, decay_rate, staircase=False: decay_rate ** (step // decay_steps if staircase else step / decay_steps), '`exponential_decay` differs from Keras at step 0: 1 where 0.1 is expected (initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=False).'),
    "keyword missing": (lambda step, *, initial_learning_rate, decay_steps, decay_rate: exponential(step, initial_learning_rate=initial_learning_rate, decay_steps=decay_steps, decay_rate=decay_rate), "`exponential_decay` raised TypeError (<lambda>() got an unexpected keyword argument 'staircase') when called as exponential_decay(…, initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=False)."),
    "an int for staircase": (exp_rule(lambda s, k, r, st: r ** int(s / k)), '`exponential_decay`: staircase is the wrong way round: with staircase=True the exponent is floor(step / decay_steps), otherwise step / decay_steps (initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=False).'),
    "returns a list": (lambda step, **kw: [exponential(step, **kw)], '`exponential_decay` returned the learning rate at step 0 of shape (1,); it should have shape ().'),
})


# ---------------------------------------------------------------- cosine_decay
def cosine(step, *, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0):
    if warmup_target is None:
        peak, step = initial_learning_rate, min(step, decay_steps)
    else:
        if step < warmup_steps:
            return initial_learning_rate + (warmup_target - initial_learning_rate) * step / warmup_steps
        peak, step = warmup_target, min(step - warmup_steps, decay_steps)
    return peak * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * step / decay_steps)) + alpha)


def cosine_numpy(step, *, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0):
    warm = warmup_steps if warmup_target is not None else 0
    peak = initial_learning_rate if warmup_target is None else warmup_target
    if step < warm:
        return np.interp(step, [0, warm], [initial_learning_rate, warmup_target])
    progress = np.clip((step - warm) / decay_steps, 0.0, 1.0)
    return peak * (alpha + (1 - alpha) * 0.5 * (1 + np.cos(np.pi * progress)))


def cosine_squared_form(step, *, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0):
    """0.5 (1 + cos x) written as cos²(x / 2)."""
    if warmup_target is not None and step < warmup_steps:
        return initial_learning_rate + (warmup_target - initial_learning_rate) * (step / warmup_steps)
    offset = warmup_steps if warmup_target is not None else 0
    peak = warmup_target if warmup_target is not None else initial_learning_rate
    s = min(max(step - offset, 0), decay_steps)
    return alpha * peak + (1 - alpha) * peak * math.cos(math.pi * s / decay_steps / 2) ** 2


def cosine_float32(step, **kwargs):
    return np.float32(cosine(step, **kwargs))


def cosine_explicit_branches(step, *, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0):
    if warmup_target is None or warmup_steps == 0:
        start, peak, decay_from = initial_learning_rate, warmup_target or initial_learning_rate, 0
        if warmup_target is not None:
            start = peak
    else:
        start, peak, decay_from = initial_learning_rate, warmup_target, warmup_steps
        if step < warmup_steps:
            return start + (peak - start) * step / warmup_steps
    done = min(step - decay_from, decay_steps) / decay_steps
    return peak * alpha + peak * (1 - alpha) * (1 + math.cos(math.pi * done)) / 2


def cosine_rule(*, shift=0, late=0, floor=True, clamp=True, start_zero=False, floor_from_initial=False, less_equal=False,
                warm_without_target=False, early=0):
    def fn(step, *, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0):
        step += shift
        a = alpha if floor else 0.0
        target = warmup_target if warmup_target is not None else (initial_learning_rate if warm_without_target else None)
        if target is None:
            peak, base, s = initial_learning_rate, initial_learning_rate, (min(step, decay_steps) if clamp else step)
        else:
            warm = warmup_steps + late - early
            start = 0.0 if start_zero else initial_learning_rate
            if step < warm or (less_equal and step <= warm):
                return start + (target - start) * step / warm
            peak = target
            base = initial_learning_rate if floor_from_initial else target
            s = min(step - warm, decay_steps) if clamp else step - warm
        return peak * (1 - a) * 0.5 * (1 + math.cos(math.pi * s / decay_steps)) + a * base
    return fn


COSINE_DECAY = Bank("cosine_decay", right={
    "functional": cosine,
    "numpy, np.interp warmup": cosine_numpy,
    "cos² form": cosine_squared_form,
    "float32 result": cosine_float32,
    "explicit branches": cosine_explicit_branches,
    "prints to stderr": printing_to_stderr(cosine),
}, wrong={
    **expect(common(cosine, pair=False), {
        'returns None': '`cosine_decay` returned None for the learning rate at step 0; did you forget a `return`?',
        'raises ValueError': '`cosine_decay` raised ValueError (shapes do not match) when called as cosine_decay(…, initial_learning_rate=0.0, decay_steps=20, alpha=0.1, warmup_target=0.5, warmup_steps=5).',
        'not written yet': '`cosine_decay` is not written yet: replace `raise NotImplementedError()` with your code.',
        'not a function': '`cosine_decay` is not a function (it is a int); define it with `def cosine_decay(...)`.',
        'NaN in the result': '`cosine_decay` returned NaN or infinite values in the learning rate at step 0 for finite inputs.',
        'inf in the result': '`cosine_decay` returned NaN or infinite values in the learning rate at step 0 for finite inputs.',
        'complex result': '`cosine_decay` returned complex numbers for the learning rate at step 0; it should return real numbers (a float array).',
        'a string result': '`cosine_decay` returned str for the learning rate at step 0; it should be a numpy array of numbers.',
        'result of the wrong shape': '`cosine_decay` returned the learning rate at step 0 of shape (2,); it should have shape ().',
        'ignores the warmup': '`cosine_decay` differs from Keras at step 0: 0.5 where 0 is expected (initial_learning_rate=0.0, decay_steps=20, alpha=0.1, warmup_target=0.5, warmup_steps=5).',
        'cosine over decay_steps + warmup_steps': '`cosine_decay` differs from Keras at step 6: 0.498226 where 0.49723 is expected (initial_learning_rate=0.0, decay_steps=20, alpha=0.1, warmup_target=0.5, warmup_steps=5).',
        'half cosine period': '`cosine_decay` differs from Keras at step 6: 0.499306 where 0.49723 is expected (initial_learning_rate=0.0, decay_steps=20, alpha=0.1, warmup_target=0.5, warmup_steps=5).',
        'alpha as the floor itself': '`cosine_decay` differs from Keras at step 0: 0.1 where 0 is expected (initial_learning_rate=0.0, decay_steps=20, alpha=0.1, warmup_target=0.5, warmup_steps=5).',
        'linear decay': '`cosine_decay` differs from Keras at step 1: 0 where 0.1 is expected (initial_learning_rate=0.0, decay_steps=20, alpha=0.1, warmup_target=0.5, warmup_steps=5).',
    }),
    "off by one step": (cosine_rule(shift=1), '`cosine_decay`: one step ahead: the first update uses step 0 (initial_learning_rate=0.0, decay_steps=20, alpha=0.1, warmup_target=0.5, warmup_steps=5).'),
    "warmup ends one step late": (cosine_rule(late=1), '`cosine_decay`: the warmup ends one step late: the peak is reached at step warmup_steps (initial_learning_rate=0.0, decay_steps=20, alpha=0.1, warmup_target=0.5, warmup_steps=5).'),
    "warmup ends one step early": (cosine_rule(early=1), '`cosine_decay` differs from Keras at step 1: 0.125 where 0.1 is expected (initial_learning_rate=0.0, decay_steps=20, alpha=0.1, warmup_target=0.5, warmup_steps=5).'),
    "warmup up to and including the peak": (cosine_rule(less_equal=True), '`cosine_decay` raised ZeroDivisionError (float division by zero) when called as cosine_decay(…, initial_learning_rate=0.05, decay_steps=6, alpha=0.0, warmup_target=0.2, warmup_steps=0).'),
    "missing alpha floor": (cosine_rule(floor=False), '`cosine_decay`: the alpha floor is missing: the rate should decay to alpha × the peak rate, not to 0 (initial_learning_rate=0.0, decay_steps=20, alpha=0.1, warmup_target=0.5, warmup_steps=5).'),
    "not clamped after decay_steps": (cosine_rule(clamp=False), '`cosine_decay`: after decay_steps the rate should stay at its floor, not follow the cosine back up (initial_learning_rate=0.0, decay_steps=20, alpha=0.1, warmup_target=0.5, warmup_steps=5).'),
    "warmup from zero": (cosine_rule(start_zero=True), '`cosine_decay`: the warmup starts from 0; it starts from initial_learning_rate (initial_learning_rate=0.01, decay_steps=9, alpha=0.0, warmup_target=0.1, warmup_steps=4).'),
    "floor from the initial rate": (cosine_rule(floor_from_initial=True), '`cosine_decay`: the floor is alpha × initial_learning_rate; with a warmup it is alpha × warmup_target (initial_learning_rate=0.0, decay_steps=20, alpha=0.1, warmup_target=0.5, warmup_steps=5).'),
    "warms up without a warmup_target": (cosine_rule(warm_without_target=True), '`cosine_decay`: without a warmup_target Keras does no warmup: warmup_steps is then ignored and the cosine starts at step 0 (initial_learning_rate=0.3, decay_steps=8, alpha=0.1, warmup_target=None, warmup_steps=5).'),
    "ignores the warmup": (lambda step, *, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0:
                           cosine(step, initial_learning_rate=warmup_target or initial_learning_rate, decay_steps=decay_steps, alpha=alpha), '`cosine_decay` differs from Keras at step 0: 0.5 where 0 is expected (initial_learning_rate=0.0, decay_steps=20, alpha=0.1, warmup_target=0.5, warmup_steps=5).'),
    "cosine over decay_steps + warmup_steps": (lambda step, *, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0:
                                               cosine(step, initial_learning_rate=initial_learning_rate, decay_steps=decay_steps + warmup_steps, alpha=alpha,
                                                      warmup_target=warmup_target, warmup_steps=warmup_steps), '`cosine_decay` differs from Keras at step 6: 0.498226 where 0.49723 is expected (initial_learning_rate=0.0, decay_steps=20, alpha=0.1, warmup_target=0.5, warmup_steps=5).'),
    "half cosine period": (lambda step, *, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0:
                           cosine(step, initial_learning_rate=initial_learning_rate, decay_steps=2 * decay_steps, alpha=alpha,
                                  warmup_target=warmup_target, warmup_steps=warmup_steps), '`cosine_decay` differs from Keras at step 6: 0.499306 where 0.49723 is expected (initial_learning_rate=0.0, decay_steps=20, alpha=0.1, warmup_target=0.5, warmup_steps=5).'),
    "alpha as the floor itself": (lambda step, *, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0:
                                  cosine(step, initial_learning_rate=initial_learning_rate, decay_steps=decay_steps, alpha=0.0,
                                         warmup_target=warmup_target, warmup_steps=warmup_steps) + alpha, '`cosine_decay` differs from Keras at step 0: 0.1 where 0 is expected (initial_learning_rate=0.0, decay_steps=20, alpha=0.1, warmup_target=0.5, warmup_steps=5).'),
    "raises math domain error": (lambda step, **kwargs: math.sqrt(-1.0), '`cosine_decay` raised ValueError (math domain error) when called as cosine_decay(…, initial_learning_rate=0.0, decay_steps=20, alpha=0.1, warmup_target=0.5, warmup_steps=5).'),
    "linear decay": (lambda step, *, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0:
                     initial_learning_rate * max(1 - step / decay_steps, alpha), '`cosine_decay` differs from Keras at step 1: 0 where 0.1 is expected (initial_learning_rate=0.0, decay_steps=20, alpha=0.1, warmup_target=0.5, warmup_steps=5).'),
    "returns a list": (lambda step, **kw: [cosine(step, **kw)], '`cosine_decay` returned the learning rate at step 0 of shape (1,); it should have shape ().'),
})


# ---------------------------------------------------------------- cosine_decay_restarts
def restarts(step, *, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
    fraction, period, cycle = step / first_decay_steps, 1.0, 0
    while fraction >= period:
        fraction, period, cycle = fraction - period, period * t_mul, cycle + 1
    cosine_part = 0.5 * (1 + math.cos(math.pi * fraction / period))
    return initial_learning_rate * ((1 - alpha) * m_mul**cycle * cosine_part + alpha)


def restarts_closed_form(step, *, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
    """Keras's own closed form: the cycle from a logarithm when t_mul ≠ 1."""
    completed = step / first_decay_steps
    if t_mul == 1.0:
        cycle = math.floor(completed)
        fraction = completed - cycle
    else:
        cycle = math.floor(math.log(1 - completed * (1 - t_mul) + 1e-12) / math.log(t_mul))
        fraction = (completed - (1 - t_mul**cycle) / (1 - t_mul)) / t_mul**cycle
    return initial_learning_rate * ((1 - alpha) * m_mul**cycle * 0.5 * (1 + math.cos(math.pi * fraction)) + alpha)


def restarts_in_steps(step, *, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
    start, length, peak = 0.0, float(first_decay_steps), 1.0
    while step >= start + length:
        start, length, peak = start + length, length * t_mul, peak * m_mul
    return initial_learning_rate * (alpha + (1 - alpha) * peak * math.cos(math.pi * (step - start) / length / 2) ** 2)


def restarts_float32(step, **kwargs):
    return np.float32(restarts(step, **kwargs))


def restarts_recursive(step, *, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
    def find(fraction, period, cycle):
        return find(fraction - period, period * t_mul, cycle + 1) if fraction >= period else (fraction, period, cycle)
    fraction, period, cycle = find(step / first_decay_steps, 1.0, 0)
    return initial_learning_rate * (alpha + (1 - alpha) * m_mul**cycle * 0.5 * (1 + np.cos(np.pi * fraction / period)))


def restarts_rule(*, fixed_period=False, ignore_m=False, floor=True, shift=0, m_on_floor=False, by_steps=False, period_from_cycle=False):
    def fn(step, *, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
        fraction, period, cycle = (step + shift) / first_decay_steps, 1.0, 0
        while fraction > period if by_steps else fraction >= period:
            fraction, cycle = fraction - period, cycle + 1
            period = (t_mul * cycle if period_from_cycle else period * (1.0 if fixed_period else t_mul))
        a = alpha if floor else 0.0
        peak = (1.0 if ignore_m else m_mul) ** cycle
        if m_on_floor:
            return initial_learning_rate * peak * ((1 - a) * 0.5 * (1 + math.cos(math.pi * fraction / period)) + a)
        return initial_learning_rate * ((1 - a) * peak * 0.5 * (1 + math.cos(math.pi * fraction / period)) + a)
    return fn


COSINE_DECAY_RESTARTS = Bank("cosine_decay_restarts", right={
    "functional": restarts,
    "Keras's closed form": restarts_closed_form,
    "counting steps, cos² form": restarts_in_steps,
    "float32 result": restarts_float32,
    "recursive": restarts_recursive,
    "prints to stderr": printing_to_stderr(restarts),
}, wrong={
    **expect(common(restarts, pair=False), {
        'returns None': '`cosine_decay_restarts` returned None for the learning rate at step 0; did you forget a `return`?',
        'raises ValueError': '`cosine_decay_restarts` raised ValueError (shapes do not match) when called as cosine_decay_restarts(…, initial_learning_rate=0.1, first_decay_steps=5, t_mul=2.0, m_mul=0.5, alpha=0.1).',
        'not written yet': '`cosine_decay_restarts` is not written yet: replace `raise NotImplementedError()` with your code.',
        'not a function': '`cosine_decay_restarts` is not a function (it is a int); define it with `def cosine_decay_restarts(...)`.',
        'NaN in the result': '`cosine_decay_restarts` returned NaN or infinite values in the learning rate at step 0 for finite inputs.',
        'inf in the result': '`cosine_decay_restarts` returned NaN or infinite values in the learning rate at step 0 for finite inputs.',
        'complex result': '`cosine_decay_restarts` returned complex numbers for the learning rate at step 0; it should return real numbers (a float array).',
        'a string result': '`cosine_decay_restarts` returned str for the learning rate at step 0; it should be a numpy array of numbers.',
        'result of the wrong shape': '`cosine_decay_restarts` returned the learning rate at step 0 of shape (2,); it should have shape ().',
        'plain cosine, no restarts': '`cosine_decay_restarts` differs from Keras at step 5: 0.01 where 0.055 is expected (initial_learning_rate=0.1, first_decay_steps=5, t_mul=2.0, m_mul=0.5, alpha=0.1).',
        'restarts at the floor, rising': '`cosine_decay_restarts` differs from Keras at step 0: 0.01 where 0.1 is expected (initial_learning_rate=0.1, first_decay_steps=5, t_mul=2.0, m_mul=0.5, alpha=0.1).',
        'first period doubled': '`cosine_decay_restarts` differs from Keras at step 1: 0.0977975 where 0.0914058 is expected (initial_learning_rate=0.1, first_decay_steps=5, t_mul=2.0, m_mul=0.5, alpha=0.1).',
        'linear within a cycle': '`cosine_decay_restarts` differs from Keras at step 1: 0.08 where 0.0914058 is expected (initial_learning_rate=0.1, first_decay_steps=5, t_mul=2.0, m_mul=0.5, alpha=0.1).',
    }),
    "restart period wrong": (restarts_rule(fixed_period=True), '`cosine_decay_restarts`: the restart period is wrong: each cycle should last t_mul times longer than the one before (initial_learning_rate=0.1, first_decay_steps=5, t_mul=2.0, m_mul=0.5, alpha=0.1).'),
    "m_mul ignored": (restarts_rule(ignore_m=True), "`cosine_decay_restarts`: m_mul is ignored: each restart's peak is m_mul times the last one's (initial_learning_rate=0.1, first_decay_steps=5, t_mul=2.0, m_mul=0.5, alpha=0.1)."),
    "missing alpha floor": (restarts_rule(floor=False), '`cosine_decay_restarts`: the alpha floor is missing (initial_learning_rate=0.1, first_decay_steps=5, t_mul=2.0, m_mul=0.5, alpha=0.1).'),
    "off by one step": (restarts_rule(shift=1), '`cosine_decay_restarts`: one step ahead: the first update uses step 0 (initial_learning_rate=0.1, first_decay_steps=5, t_mul=2.0, m_mul=0.5, alpha=0.1).'),
    "restart one step late": (restarts_rule(by_steps=True), '`cosine_decay_restarts` differs from Keras at step 5: 0.01 where 0.055 is expected (initial_learning_rate=0.1, first_decay_steps=5, t_mul=2.0, m_mul=0.5, alpha=0.1).'),
    "m_mul scales the floor too": (restarts_rule(m_on_floor=True), '`cosine_decay_restarts` differs from Keras at step 5: 0.05 where 0.055 is expected (initial_learning_rate=0.1, first_decay_steps=5, t_mul=2.0, m_mul=0.5, alpha=0.1).'),
    "period t_mul × cycle": (restarts_rule(period_from_cycle=True), '`cosine_decay_restarts` differs from Keras at step 36: 0.0212192 where 0.0212327 is expected (initial_learning_rate=0.1, first_decay_steps=5, t_mul=2.0, m_mul=0.5, alpha=0.1).'),
    "plain cosine, no restarts": (lambda step, *, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0:
                                  cosine(step, initial_learning_rate=initial_learning_rate, decay_steps=first_decay_steps, alpha=alpha), '`cosine_decay_restarts` differs from Keras at step 5: 0.01 where 0.055 is expected (initial_learning_rate=0.1, first_decay_steps=5, t_mul=2.0, m_mul=0.5, alpha=0.1).'),
    "restarts at the floor, rising": (lambda step, *, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0:
                                      initial_learning_rate * (1 + alpha) - restarts(step, initial_learning_rate=initial_learning_rate, first_decay_steps=first_decay_steps, t_mul=t_mul, m_mul=m_mul, alpha=alpha), '`cosine_decay_restarts` differs from Keras at step 0: 0.01 where 0.1 is expected (initial_learning_rate=0.1, first_decay_steps=5, t_mul=2.0, m_mul=0.5, alpha=0.1).'),
    "first period doubled": (lambda step, *, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0:
                             restarts(step, initial_learning_rate=initial_learning_rate, first_decay_steps=2 * first_decay_steps, t_mul=t_mul, m_mul=m_mul, alpha=alpha), '`cosine_decay_restarts` differs from Keras at step 1: 0.0977975 where 0.0914058 is expected (initial_learning_rate=0.1, first_decay_steps=5, t_mul=2.0, m_mul=0.5, alpha=0.1).'),
    "raises after the first cycle": (lambda step, **kw: restarts(step, **kw) if step < kw["first_decay_steps"] else [][0], '`cosine_decay_restarts` raised IndexError (list index out of range) when called as cosine_decay_restarts(…, initial_learning_rate=0.1, first_decay_steps=5, t_mul=2.0, m_mul=0.5, alpha=0.1).'),
    "None after the first cycle": (lambda step, **kw: restarts(step, **kw) if step < kw["first_decay_steps"] else None, '`cosine_decay_restarts` returned None for the learning rate at step 5; did you forget a `return`?'),
    "keyword missing": (lambda step, *, initial_learning_rate, first_decay_steps, t_mul=2.0, alpha=0.0: 0.1, "`cosine_decay_restarts` raised TypeError (<lambda>() got an unexpected keyword argument 'm_mul') when called as cosine_decay_restarts(…, initial_learning_rate=0.1, first_decay_steps=5, t_mul=2.0, m_mul=0.5, alpha=0.1)."),
    "linear within a cycle": (lambda step, *, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0:
                              initial_learning_rate * (1 - (step % first_decay_steps) / first_decay_steps), '`cosine_decay_restarts` differs from Keras at step 1: 0.08 where 0.0914058 is expected (initial_learning_rate=0.1, first_decay_steps=5, t_mul=2.0, m_mul=0.5, alpha=0.1).'),
    "returns a list": (lambda step, **kw: [restarts(step, **kw)], '`cosine_decay_restarts` returned the learning rate at step 0 of shape (1,); it should have shape ().'),
    "m_mul from the first cycle on": (lambda step, *, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0:
                                      restarts(step, initial_learning_rate=initial_learning_rate * m_mul, first_decay_steps=first_decay_steps, t_mul=t_mul, m_mul=m_mul, alpha=alpha), '`cosine_decay_restarts` differs from Keras at step 0: 0.05 where 0.1 is expected (initial_learning_rate=0.1, first_decay_steps=5, t_mul=2.0, m_mul=0.5, alpha=0.1).'),
})


# ---------------------------------------------------------------- lr_range_test
def range_test(loss_fn, grad_fn, w0, *, min_lr, max_lr, num_steps):
    w, rates, losses = np.array(w0, dtype=float), [], []
    for k in range(num_steps):
        rate = min_lr * (max_lr / min_lr) ** (k / (num_steps - 1))
        rates.append(rate)
        losses.append(float(loss_fn(w)))
        if not np.isfinite(losses[-1]) or losses[-1] > 4 * min(losses):
            break
        w = w - rate * grad_fn(w)
    return np.array(rates), np.array(losses)


def range_test_geomspace(loss_fn, grad_fn, w0, *, min_lr, max_lr, num_steps):
    schedule, w, losses = np.geomspace(min_lr, max_lr, num_steps), np.array(w0, dtype=float), []
    lowest = np.inf
    for rate in schedule:
        loss = loss_fn(w)
        losses.append(loss)
        lowest = min(lowest, loss)
        if not np.isfinite(loss) or loss > 4 * lowest:
            break
        w = w - rate * grad_fn(w)
    return schedule[:len(losses)], np.array(losses)


def range_test_preallocated(loss_fn, grad_fn, w0, *, min_lr, max_lr, num_steps):
    rates = min_lr * (max_lr / min_lr) ** (np.arange(num_steps) / (num_steps - 1))
    losses, w = np.full(num_steps, np.nan), np.array(w0, dtype=float)
    for k in range(num_steps):
        losses[k] = loss_fn(w)
        if not np.isfinite(losses[k]) or losses[k] > 4 * np.nanmin(losses):
            return rates[:k + 1], losses[:k + 1]
        w -= rates[k] * grad_fn(w)
    return rates, losses


def range_test_while(loss_fn, grad_fn, w0, *, min_lr, max_lr, num_steps):
    w, rates, losses, k = np.copy(w0).astype(float), [], [], 0
    factor = (max_lr / min_lr) ** (1 / (num_steps - 1))
    rate = min_lr
    while k < num_steps:
        loss = float(loss_fn(w))
        rates.append(rate)
        losses.append(loss)
        if math.isnan(loss) or math.isinf(loss) or loss > 4 * min(losses):
            break
        w = w - rate * grad_fn(w)
        rate, k = rate * factor, k + 1
    return np.asarray(rates), np.asarray(losses)


def range_test_lists(loss_fn, grad_fn, w0, *, min_lr, max_lr, num_steps):
    rates, losses = range_test(loss_fn, grad_fn, w0, min_lr=min_lr, max_lr=max_lr, num_steps=num_steps)
    return list(rates), list(losses)


def range_test_rule(*, linear=False, after=False, stop=True, record_last=True, exponent_n=False, blow_up=4.0, against_start=False,
                    rate_after=False):
    def fn(loss_fn, grad_fn, w0, *, min_lr, max_lr, num_steps):
        w, rates, losses = np.array(w0, dtype=float), [], []
        for k in range(num_steps):
            if linear:
                rate = min_lr + (max_lr - min_lr) * k / (num_steps - 1)
            else:
                rate = min_lr * (max_lr / min_lr) ** ((k + rate_after) / (num_steps if exponent_n else num_steps - 1))
            loss = float(loss_fn(w))
            reference = losses[:1] if against_start else losses
            blown = not np.isfinite(loss) or (bool(losses) and loss > blow_up * min(reference + [loss]))
            if stop and blown and not record_last:
                break
            rates.append(rate)
            if not after:
                losses.append(loss)
            if stop and blown:
                break
            with np.errstate(all="ignore"):
                w = w - rate * grad_fn(w)
            if after:
                losses.append(float(loss_fn(w)))
        return np.array(rates), np.array(losses)
    return fn


def _loss_after_step(loss_fn, grad_fn, w0, *, min_lr, max_lr, num_steps):
    w, rates, losses = np.array(w0, dtype=float), [], []
    for k in range(num_steps):
        rate = min_lr * (max_lr / min_lr) ** (k / (num_steps - 1))
        with np.errstate(all="ignore"):
            w = w - rate * grad_fn(w)
        rates.append(rate)
        losses.append(float(loss_fn(w)))
        if not np.isfinite(losses[-1]) or losses[-1] > 4 * min(losses):
            break
    return np.array(rates), np.array(losses)


def _mutates_w0(loss_fn, grad_fn, w0, *, min_lr, max_lr, num_steps):
    result = range_test(loss_fn, grad_fn, w0, min_lr=min_lr, max_lr=max_lr, num_steps=num_steps)
    w0 -= 1.0
    return result


LR_RANGE_TEST = Bank("lr_range_test", tensorflow=False, right={
    "functional": range_test,
    "np.geomspace": range_test_geomspace,
    "preallocated, in place on a copy": range_test_preallocated,
    "a while loop with a growth factor": range_test_while,
    "lists": range_test_lists,
    "prints to stderr": printing_to_stderr(range_test),
}, wrong={
    **expect(common(range_test), {
        'returns None': '`lr_range_test` should return a pair `(learning_rates, losses)`.',
        'raises ValueError': '`lr_range_test` raised ValueError (shapes do not match) when called as lr_range_test(…, …, …, min_lr=0.001, max_lr=10.0, num_steps=40).',
        'not written yet': '`lr_range_test` is not written yet: replace `raise NotImplementedError()` with your code.',
        'not a function': '`lr_range_test` is not a function (it is a int); define it with `def lr_range_test(...)`.',
        'NaN in the result': '`lr_range_test` returned NaN or infinite values in the learning rates for finite inputs.',
        'inf in the result': '`lr_range_test` returned NaN or infinite values in the learning rates for finite inputs.',
        'complex result': '`lr_range_test` returned complex numbers for the learning rates; it should return real numbers (a float array).',
        'a string result': '`lr_range_test` should return the learning rates as a 1-D array of numbers, one per step taken.',
        'result of the wrong shape': '`lr_range_test` returned 36 learning rates but 35 losses: return one loss per learning rate tried (badly scaled bowl, min_lr=0.001, max_lr=10.0, num_steps=40).',
        'returns only the first item': '`lr_range_test` should return a pair `(learning_rates, losses)`.',
        'returns a triple': '`lr_range_test` should return a pair `(learning_rates, losses)`.',
        'returns a list, not a tuple': '`lr_range_test` should return a pair `(learning_rates, losses)`.',
    }),
    "linear growth": (range_test_rule(linear=True), '`lr_range_test` grows the learning rate in equal steps; grow it geometrically, by the same factor each step, from min_lr to max_lr (badly scaled bowl, min_lr=0.001, max_lr=10.0, num_steps=40).'),
    "losses one short": (range_test_rule(after=True), '`lr_range_test` returned 35 learning rates but 34 losses: return one loss per learning rate tried (badly scaled bowl, min_lr=0.001, max_lr=10.0, num_steps=40).'),
    "loss after the step": (_loss_after_step, '`lr_range_test` records the loss after each step; record it before, at the point the step starts from (badly scaled bowl, min_lr=0.001, max_lr=10.0, num_steps=40).'),
    "never stops": (range_test_rule(stop=False), '`lr_range_test` keeps going after the loss blew up: stop once a loss is not finite or above 4 × the lowest so far (that loss included) (badly scaled bowl, min_lr=0.001, max_lr=10.0, num_steps=40).'),
    "drops the blow-up loss": (range_test_rule(record_last=False), '`lr_range_test` stops one step early: record the loss that blew up, then stop (badly scaled bowl, min_lr=0.001, max_lr=10.0, num_steps=40).'),
    "exponent over num_steps": (range_test_rule(exponent_n=True), '`lr_range_test`: step k should use min_lr × (max_lr / min_lr) ** (k / (num_steps − 1)), from min_lr at k = 0 to max_lr at the last step (badly scaled bowl, min_lr=0.001, max_lr=10.0, num_steps=40).'),
    "rate one step ahead": (range_test_rule(rate_after=True), '`lr_range_test`: step k should use min_lr × (max_lr / min_lr) ** (k / (num_steps − 1)), from min_lr at k = 0 to max_lr at the last step (badly scaled bowl, min_lr=0.001, max_lr=10.0, num_steps=40).'),
    "blow-up at twice the lowest": (range_test_rule(blow_up=2.0), '`lr_range_test` stops after 34 steps where 36 are expected (parabola (a = 4), min_lr=0.3, max_lr=0.9, num_steps=60): stop once a loss is not finite or above 4 × the lowest loss so far (that loss included).'),
    "blow-up against the first loss": (range_test_rule(against_start=True), '`lr_range_test` stops after 36 steps where 35 are expected (badly scaled bowl, min_lr=0.001, max_lr=10.0, num_steps=40): stop once a loss is not finite or above 4 × the lowest loss so far (that loss included).'),
    "ragged learning rates": (lambda loss_fn, grad_fn, w0, **k: ([[1.0], [1.0, 2.0]], [1.0, 2.0]), '`lr_range_test` should return the learning rates as a 1-D array of numbers, one per step taken.'),
    "losses None": (lambda loss_fn, grad_fn, w0, **k: (range_test(loss_fn, grad_fn, w0, **k)[0], None), '`lr_range_test` returned None for the losses; did you forget a `return`?'),
    "mutates w0": (_mutates_w0, '`lr_range_test` changed `w0` in place; start from a copy (`w = np.array(w0, dtype=float)`).'),
    "swapped pair": (lambda loss_fn, grad_fn, w0, **k: range_test(loss_fn, grad_fn, w0, **k)[::-1], '`lr_range_test`: step k should use min_lr × (max_lr / min_lr) ** (k / (num_steps − 1)), from min_lr at k = 0 to max_lr at the last step (badly scaled bowl, min_lr=0.001, max_lr=10.0, num_steps=40).'),
    "NaN losses": (lambda loss_fn, grad_fn, w0, **k: (range_test(loss_fn, grad_fn, w0, **k)[0], range_test(loss_fn, grad_fn, w0, **k)[1] * np.nan), "`lr_range_test` gives the loss nan at step 0 where 16.1 is expected (badly scaled bowl, min_lr=0.001, max_lr=10.0, num_steps=40): record the loss at the current point, then step with that step's learning rate."),
})



# ---------------------------------------------------------------- clip_by_global_norm

def clip(grads, clipnorm):
    norm = np.sqrt(sum(np.sum(g**2) for g in grads))
    return [g * min(1.0, clipnorm / norm) if norm > 0 else g.copy() for g in grads]


def clip_concatenated(grads, clipnorm):
    norm = np.linalg.norm(np.concatenate([np.ravel(g) for g in grads]))
    return [g * (clipnorm / norm) if norm > clipnorm else np.array(g) for g in grads]


def clip_like_keras(grads, clipnorm):
    norm = math.sqrt(sum(float(np.vdot(g, g)) for g in grads))
    with np.errstate(divide="ignore"):
        scale = clipnorm * np.minimum(1.0 / np.float64(norm), 1.0 / clipnorm)
    return [np.multiply(g, scale) for g in grads]


def clip_float32(grads, clipnorm):
    norm = np.float32(np.sqrt(sum(np.sum(np.square(np.float32(g))) for g in grads)))
    return [(np.float32(g) * np.float32(clipnorm / max(norm, clipnorm))) for g in grads]


def clip_as_tuple(grads, clipnorm):
    squares = 0.0
    for g in grads:
        for value in np.ravel(g):
            squares += float(value) ** 2
    norm = math.sqrt(squares)
    return tuple(np.array(g, dtype=float) / max(1.0, norm / clipnorm) for g in grads)


def clip_on_copies(grads, clipnorm):
    copies = [np.array(g, dtype=float) for g in grads]
    norm = math.hypot(*[np.linalg.norm(c) for c in copies])
    if norm > clipnorm:
        for c in copies:
            c *= clipnorm / norm
    return copies


def clip_scaled(change):
    """The right norm, with the factor (or what is returned) changed: ``change(grads, clipnorm, norm)``."""
    def fn(grads, clipnorm):
        norm = np.sqrt(sum(np.sum(np.square(g)) for g in grads))
        return change(list(grads), clipnorm, norm)
    return fn


def clip_by_norm(norm_of):
    """The right factor, min(1, clipnorm / norm), from the wrong norm: ``norm_of(grads)``."""
    def fn(grads, clipnorm):
        norm = norm_of(grads)
        return [g * min(1.0, clipnorm / norm) for g in grads]
    return fn


def clip_in_place(grads, clipnorm):
    norm = np.sqrt(sum(np.sum(g**2) for g in grads))
    if norm > clipnorm:
        for g in grads:
            g *= clipnorm / norm
    return list(grads)


def clip_replacing_items(grads, clipnorm):
    grads[:] = clip(grads, clipnorm)
    return grads


CLIP_BY_GLOBAL_NORM = Bank("clip_by_global_norm", right={
    "min(1, clipnorm / norm)": clip,
    "np.linalg.norm of everything concatenated": clip_concatenated,
    "Keras's own formula": clip_like_keras,
    "float32 throughout": clip_float32,
    "a tuple, squares summed in a loop": clip_as_tuple,
    "in place on copies, math.hypot of the norms": clip_on_copies,
    "prints to stderr": printing_to_stderr(clip),
}, wrong={
    "returns None": (lambda grads, clipnorm: None, '`clip_by_global_norm` returned None; return a list of the clipped arrays, one per gradient array.'),
    "raises ValueError": (raising(ValueError("shapes do not match"))(clip), '`clip_by_global_norm` raised ValueError (shapes do not match) when called as clip_by_global_norm(…, …).'),
    "not written yet": (not_written, '`clip_by_global_norm` is not written yet: replace `raise NotImplementedError()` with your code.'),
    "not a function": (42, '`clip_by_global_norm` is not a function (it is a int); define it with `def clip_by_global_norm(...)`.'),
    "NaN in the result": (clip_scaled(lambda grads, c, n: [g * np.nan for g in grads]), '`clip_by_global_norm` returned NaN or infinite values for finite gradients (a list of arrays of shapes [(3,), (2, 2)] (float64), global norm 3.208, above clipnorm=1).'),
    "inf in the result": (clip_scaled(lambda grads, c, n: [g + np.inf for g in grads]), '`clip_by_global_norm` returned NaN or infinite values for finite gradients (a list of arrays of shapes [(3,), (2, 2)] (float64), global norm 3.208, above clipnorm=1).'),
    "complex result": (clip_scaled(lambda grads, c, n: [g * min(1.0, c / n) + 0j for g in grads]), '`clip_by_global_norm` returned complex numbers for array 0; it should return real numbers (a float array).'),
    "strings in the result": (clip_scaled(lambda grads, c, n: ["g" for g in grads]), '`clip_by_global_norm` returned str for array 0; it should be a numpy array of numbers.'),
    "a number, not a list": (clip_scaled(lambda grads, c, n: min(1.0, c / n)), '`clip_by_global_norm` returned a float64; return a list of arrays, one per gradient array it was given (2 here).'),
    "one concatenated array": (clip_scaled(lambda grads, c, n: np.concatenate([np.ravel(g) * min(1.0, c / n) for g in grads])), '`clip_by_global_norm` returned a numpy array; return a list of arrays, one per gradient array it was given (2 here).'),
    "the last array dropped": (clip_scaled(lambda grads, c, n: [g * min(1.0, c / n) for g in grads][:-1]), '`clip_by_global_norm` returned 1 array for 2 gradient arrays; return one clipped array for each.'),
    "arrays flattened": (clip_scaled(lambda grads, c, n: [np.ravel(g) * min(1.0, c / n) for g in grads]), '`clip_by_global_norm` returned array 1 of shape (4,); it should have shape (2, 2).'),
    "changes the arrays in place": (clip_in_place, '`clip_by_global_norm` changed the gradients it was given in place (for example with `*=`); return new arrays and leave `grads` as it was.'),
    "replaces the list's items": (clip_replacing_items, '`clip_by_global_norm` changed the gradients it was given in place (for example with `*=`); return new arrays and leave `grads` as it was.'),
    "each array by its own norm (clipnorm)": (lambda grads, c: [g * min(1.0, c / np.linalg.norm(g)) for g in grads], "`clip_by_global_norm`: each array is clipped by its own norm (that is Keras's `clipnorm`); `global_clipnorm` scales all of them by one factor, clipnorm / (the norm of all the gradients together) (a list of arrays of shapes [(3,), (2, 2)] (float64), global norm 3.208, above clipnorm=1)."),
    "clips below the threshold too": (clip_scaled(lambda grads, c, n: [g * c / n for g in grads]), '`clip_by_global_norm`: the gradients are rescaled to the norm clipnorm even when their global norm is below it; leave them unchanged then (a tuple of arrays of shapes [(3,), (2, 2)] (float32), global norm 5.946, below clipnorm=30).'),
    "squares not rooted": (clip_by_norm(lambda grads: sum(np.sum(g**2) for g in grads)), '`clip_by_global_norm`: the global norm is the square root of the sum of squares; the square root is missing (a list of arrays of shapes [(3,), (2, 2)] (float64), global norm 3.208, above clipnorm=1).'),
    "root mean square": (clip_by_norm(lambda grads: np.sqrt(np.mean(np.concatenate([np.ravel(g) for g in grads]) ** 2))), '`clip_by_global_norm`: the squares are averaged (a root mean square); the global norm adds them up: sqrt(sum of every g²) (a list of arrays of shapes [(3,), (2, 2)] (float64), global norm 3.208, above clipnorm=1).'),
    "L1 norm": (clip_by_norm(lambda grads: sum(np.sum(np.abs(g)) for g in grads)), '`clip_by_global_norm`: the norm adds up absolute values (an L1 norm); use the Euclidean norm, sqrt(sum of every g²) (a list of arrays of shapes [(3,), (2, 2)] (float64), global norm 3.208, above clipnorm=1).'),
    "norms added up": (clip_by_norm(lambda grads: sum(np.linalg.norm(g) for g in grads)), "`clip_by_global_norm`: the arrays' norms are added up; the global norm is sqrt(norm₁² + norm₂² + …), the norm of all entries together (a list of arrays of shapes [(3,), (2, 2)] (float64), global norm 3.208, above clipnorm=1)."),
    "largest array norm": (clip_by_norm(lambda grads: max(np.linalg.norm(g) for g in grads)), "`clip_by_global_norm`: the largest of the arrays' norms is used; the global norm is the norm of all the entries together (a list of arrays of shapes [(3,), (2, 2)] (float64), global norm 3.208, above clipnorm=1)."),
    "first array's norm": (clip_by_norm(lambda grads: np.linalg.norm(grads[0])), "`clip_by_global_norm`: only the first array's norm is used; the global norm includes every array (a list of arrays of shapes [(3,), (2, 2)] (float64), global norm 3.208, above clipnorm=1)."),
    "clips each entry (clipvalue)": (lambda grads, c: [np.clip(g, -c, c) for g in grads], "`clip_by_global_norm`: each entry is clipped to ±clipnorm (that is Keras's `clipvalue`); scale all the arrays by one factor instead (a list of arrays of shapes [(3,), (2, 2)] (float64), global norm 3.208, above clipnorm=1)."),
    "factor upside down": (clip_scaled(lambda grads, c, n: [g * max(1.0, n / c) for g in grads]), '`clip_by_global_norm`: the factor is upside down: multiply by clipnorm / (global norm), not its inverse (a list of arrays of shapes [(3,), (2, 2)] (float64), global norm 3.208, above clipnorm=1).'),
    "norm / clipnorm capped at 1": (clip_scaled(lambda grads, c, n: [g * min(1.0, n / c) for g in grads]), '`clip_by_global_norm`: the gradients come back unchanged although their global norm is above clipnorm: scale them all by clipnorm / (global norm) (a list of arrays of shapes [(3,), (2, 2)] (float64), global norm 3.208, above clipnorm=1).'),
    "0/0 for all-zero gradients": (clip_scaled(lambda grads, c, n: [g / n * min(n, c) for g in grads]), '`clip_by_global_norm` returned NaN or infinite values for all-zero gradients: their global norm is 0, below clipnorm, so return them unchanged instead of dividing by the norm.'),
    "normalised to 1, not clipnorm": (clip_scaled(lambda grads, c, n: [g / n if n > c else g for g in grads]), "`clip_by_global_norm` keeps the gradients' directions but scales them by 2 times too much (a list of arrays of shapes [(5,)] (float64), global norm 3.258, above clipnorm=0.5): the factor is clipnorm / (global norm) when the global norm is above clipnorm, else 1."),
    "never clips": (clip_scaled(lambda grads, c, n: [np.array(g) for g in grads]), '`clip_by_global_norm`: the gradients come back unchanged although their global norm is above clipnorm: scale them all by clipnorm / (global norm) (a list of arrays of shapes [(3,), (2, 2)] (float64), global norm 3.208, above clipnorm=1).'),
})

BANKS = [EXPONENTIAL_DECAY, COSINE_DECAY, COSINE_DECAY_RESTARTS, LR_RANGE_TEST, CLIP_BY_GLOBAL_NORM]
