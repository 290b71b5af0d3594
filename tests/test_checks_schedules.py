"""Module 6 checks: schedules against keras.optimizers.schedules, and the learning-rate range test."""
import math

import numpy as np
import pytest

import learner_answers as right
from hidden_cases import hidden_cases
from optcourse.grading import checks
from optcourse.learner_code.feedback import CheckFailed

pytestmark = pytest.mark.tensorflow  # the oracle is Keras: imports TensorFlow


def test_correct_schedules_and_range_test_pass():
    checks.exponential_decay(right.exponential_decay)
    checks.cosine_decay(right.cosine_decay)
    checks.cosine_decay_restarts(right.cosine_decay_restarts)
    checks.lr_range_test(right.lr_range_test)
    for name in ("exponential_decay", "cosine_decay", "cosine_decay_restarts"):
        for case in hidden_cases(name):
            getattr(checks, name)(getattr(right, name), **case)


def test_a_vectorised_cosine_written_with_numpy_passes():
    def cosine(step, *, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0):
        peak = initial_learning_rate if warmup_target is None else warmup_target
        warm = 0 if warmup_target is None else warmup_steps  # Keras ignores warmup_steps without a target
        ramp = initial_learning_rate + (peak - initial_learning_rate) * step / max(warm, 1)
        s = np.clip(step - warm, 0, decay_steps)
        return float(np.where(step < warm, ramp, peak * ((1 - alpha) * 0.5 * (1 + np.cos(np.pi * s / decay_steps)) + alpha)))
    checks.cosine_decay(cosine)


# ---------------------------------------------------------------- wrong exponential decays
def exp(rule):
    def fn(step, *, initial_learning_rate, decay_steps, decay_rate, staircase=False):
        return initial_learning_rate * rule(step, decay_steps, decay_rate, staircase)
    return fn


WRONG_EXPONENTIAL = {
    "off by one step": (exp(lambda s, k, r, st: r ** ((s + 1) // k if st else (s + 1) / k)), "one step ahead"),
    "staircase ignored": (exp(lambda s, k, r, st: r ** (s / k)), "staircase is the wrong way round"),
    "staircase always": (exp(lambda s, k, r, st: r ** (s // k)), "staircase is the wrong way round"),
    "exponent is the step": (exp(lambda s, k, r, st: r ** s), "the exponent is step"),
    "decays by 1 - rate": (exp(lambda s, k, r, st: (1 - r) ** (s // k if st else s / k)), "(1 − decay_rate)"),
    "linear decay": (exp(lambda s, k, r, st: max(0.0, 1 - (1 - r) * s / k)), "differs from Keras"),
    "returns None": (lambda step, **k: None, "returned None"),
}


@pytest.mark.parametrize("name", WRONG_EXPONENTIAL)
def test_wrong_exponential_decays_are_rejected_with_their_mistake_named(name):
    fn, expected = WRONG_EXPONENTIAL[name]
    with pytest.raises(CheckFailed) as failure:
        checks.exponential_decay(fn)
    assert expected in str(failure.value)


# ---------------------------------------------------------------- wrong cosine decays
def cosine(*, shift=0, late=0, floor=True, clamp=True, start_zero=False, floor_from_initial=False):
    def fn(step, *, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0):
        step += shift
        a = alpha if floor else 0.0
        if warmup_target is None:
            peak, base, s = initial_learning_rate, initial_learning_rate, (min(step, decay_steps) if clamp else step)
        else:
            warm = warmup_steps + late
            start = 0.0 if start_zero else initial_learning_rate
            if step < warm:
                return start + (warmup_target - start) * step / warm
            peak = warmup_target
            base = initial_learning_rate if floor_from_initial else warmup_target
            s = min(step - warm, decay_steps) if clamp else step - warm
        return peak * (1 - a) * 0.5 * (1 + math.cos(math.pi * s / decay_steps)) + a * base
    return fn


WRONG_COSINE = {
    "off by one step": (cosine(shift=1), "one step ahead"),
    "warmup ends one step late": (cosine(late=1), "warmup ends one step late"),
    "missing alpha floor": (cosine(floor=False), "alpha floor is missing"),
    "not clamped after decay_steps": (cosine(clamp=False), "stay at its floor"),
    "warmup from zero": (cosine(start_zero=True), "warmup starts from 0"),
    "floor from the initial rate": (cosine(floor_from_initial=True), "alpha × warmup_target"),
    "ignores the warmup": (lambda step, *, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0:
                           right.cosine_decay(step, initial_learning_rate=warmup_target or initial_learning_rate,
                                              decay_steps=decay_steps, alpha=alpha), "differs from Keras at step 0"),
    "raises": (lambda step, **kwargs: math.sqrt(-1.0), "raised ValueError"),
}


def warms_up_without_a_target(step, *, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0):
    target = initial_learning_rate if warmup_target is None else warmup_target
    if step < warmup_steps:
        return initial_learning_rate + (target - initial_learning_rate) * step / warmup_steps
    s = min(step - warmup_steps, decay_steps)
    return target * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * s / decay_steps)) + alpha)


def warmup_up_to_and_including_the_peak(step, *, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None,
                                        warmup_steps=0):
    if warmup_target is not None and step <= warmup_steps:  # <= : the same values, but 0/0 when warmup_steps is 0
        return initial_learning_rate + (warmup_target - initial_learning_rate) * step / warmup_steps
    return right.cosine_decay(step, initial_learning_rate=initial_learning_rate, decay_steps=decay_steps, alpha=alpha,
                              warmup_target=warmup_target, warmup_steps=warmup_steps)


# Wrong only in a branch of Keras's configuration: both passed every check before those branches had cases.
WRONG_COSINE_BRANCHES = {
    "warms up without a warmup_target": (
        warms_up_without_a_target,
        "`cosine_decay`: without a warmup_target Keras does no warmup: warmup_steps is then ignored and the cosine "
        "starts at step 0 (initial_learning_rate=0.3, decay_steps=8, alpha=0.1, warmup_target=None, warmup_steps=5)."),
    "divides by zero when warmup_steps is 0": (
        warmup_up_to_and_including_the_peak,
        "`cosine_decay` raised ZeroDivisionError (float division by zero) when called as cosine_decay(…, "
        "initial_learning_rate=0.05, decay_steps=6, alpha=0.0, warmup_target=0.2, warmup_steps=0)."),
}


@pytest.mark.parametrize("name", WRONG_COSINE_BRANCHES)
def test_cosines_wrong_in_one_branch_of_keras_are_rejected_with_their_exact_message(name):
    fn, expected = WRONG_COSINE_BRANCHES[name]
    with pytest.raises(CheckFailed) as failure:
        checks.cosine_decay(fn)
    assert str(failure.value) == expected


@pytest.mark.parametrize("name", WRONG_COSINE)
def test_wrong_cosine_decays_are_rejected_with_their_mistake_named(name):
    fn, expected = WRONG_COSINE[name]
    with pytest.raises(CheckFailed) as failure:
        checks.cosine_decay(fn)
    assert expected in str(failure.value)


# ---------------------------------------------------------------- wrong restarts
def restarts(*, fixed_period=False, ignore_m=False, floor=True, shift=0):
    def fn(step, *, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
        fraction, period, cycle = (step + shift) / first_decay_steps, 1.0, 0
        while fraction >= period:
            fraction, cycle = fraction - period, cycle + 1
            period *= 1.0 if fixed_period else t_mul
        a = alpha if floor else 0.0
        return initial_learning_rate * ((1 - a) * (1.0 if ignore_m else m_mul) ** cycle * 0.5 * (1 + math.cos(math.pi * fraction / period)) + a)
    return fn


WRONG_RESTARTS = {
    "restart period wrong": (restarts(fixed_period=True), "restart period is wrong"),
    "m_mul ignored": (restarts(ignore_m=True), "m_mul is ignored"),
    "missing alpha floor": (restarts(floor=False), "alpha floor is missing"),
    "off by one step": (restarts(shift=1), "one step ahead"),
    "plain cosine, no restarts": (lambda step, *, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0:
                                  right.cosine_decay(step, initial_learning_rate=initial_learning_rate, decay_steps=first_decay_steps, alpha=alpha),
                                  "differs from Keras"),
}


@pytest.mark.parametrize("name", WRONG_RESTARTS)
def test_wrong_restarts_are_rejected_with_their_mistake_named(name):
    fn, expected = WRONG_RESTARTS[name]
    with pytest.raises(CheckFailed) as failure:
        checks.cosine_decay_restarts(fn)
    assert expected in str(failure.value)


# ---------------------------------------------------------------- wrong range tests
def range_test(*, linear=False, after=False, stop=True, record_last=True, exponent_n=False):
    def fn(loss_fn, grad_fn, w0, *, min_lr, max_lr, num_steps):
        w, rates, losses = np.array(w0, dtype=float), [], []
        for k in range(num_steps):
            if linear:
                rate = min_lr + (max_lr - min_lr) * k / (num_steps - 1)
            else:
                rate = min_lr * (max_lr / min_lr) ** (k / (num_steps if exponent_n else num_steps - 1))
            loss = float(loss_fn(w))
            blown = not np.isfinite(loss) or (bool(losses) and loss > 4 * min(losses + [loss]))
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


WRONG_RANGE_TESTS = {
    "linear growth": (range_test(linear=True), "grows the learning rate in equal steps"),
    "losses one short": (range_test(after=True), "one loss per learning rate"),
    "loss after the step": (lambda loss_fn, grad_fn, w0, **k: _loss_after_step(loss_fn, grad_fn, w0, **k), "records the loss after each step"),
    "never stops": (range_test(stop=False), "keeps going after the loss blew up"),
    "drops the blow-up loss": (range_test(record_last=False), "stops one step early"),
    "exponent over num_steps": (range_test(exponent_n=True), "min_lr × (max_lr / min_lr) ** (k / (num_steps − 1))"),
    "returns one array": (lambda loss_fn, grad_fn, w0, **k: np.zeros(3), "should return a pair"),
}


@pytest.mark.parametrize("name", WRONG_RANGE_TESTS)
def test_wrong_range_tests_are_rejected_with_their_mistake_named(name):
    fn, expected = WRONG_RANGE_TESTS[name]
    with pytest.raises(CheckFailed) as failure:
        checks.lr_range_test(fn)
    assert expected in str(failure.value)
