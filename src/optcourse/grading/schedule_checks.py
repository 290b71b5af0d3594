"""Checks of learning-rate schedules (against ``keras.optimizers.schedules``) and of the range test.

A schedule is checked at every step from 0 (Keras calls the schedule with step 0 on the first
update) past its last boundary, so off-by-one steps, late warmups, missing floors and wrong restart
periods all show; the message names the mistake when the learner's values match a known one.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from ..constants import RANGE_TEST_BLOW_UP, RULE_ATOL, RULE_RTOL
from ..learner_code.calling import call_learner, close, describe
from ..learner_code.feedback import fail
from .results import as_numbers as as_array

__all__ = ["exponential_decay", "cosine_decay", "cosine_decay_restarts", "lr_range_test"]


def _learner_values(fn: Callable, name: str, steps, kwargs: dict) -> np.ndarray:
    __tracebackhide__ = True
    values = []
    for step in steps:
        value = call_learner(fn, name, (int(step),), kwargs)
        values.append(as_array(value, name=name, what=f"the learning rate at step {step}", shape=()))
    return np.array(values)


def _keras_values(schedule, steps) -> np.ndarray:
    return np.array([float(schedule(int(step))) for step in steps])


def _check_schedule(fn: Callable, name: str, keras_schedule, kwargs: dict, steps, mistakes) -> None:
    __tracebackhide__ = True
    got = _learner_values(fn, name, steps, kwargs)
    expected = _keras_values(keras_schedule, steps)
    if close(got, expected):
        return
    shown = describe(", ".join(f"{k}={v}" for k, v in kwargs.items()))
    for values, message in mistakes:
        if close(got, np.asarray(values, dtype=float)):
            fail(f"`{name}`: {message} ({shown}).")
    step = int(np.argmax(~np.isclose(got, expected, rtol=RULE_RTOL, atol=RULE_ATOL)))
    values = describe(f": {got[step]:.6g} where {expected[step]:.6g} is expected", hidden="")  # Keras's value would tell the case
    fail(f"`{name}` differs from Keras at step {steps[step]}{values} ({shown}).")


def exponential_decay(fn: Callable, *, cases=None) -> None:
    """Check ``fn(step, *, initial_learning_rate, decay_steps, decay_rate, staircase=False)``."""
    __tracebackhide__ = True
    from ..lesson.keras_bridge import import_tensorflow

    schedules = import_tensorflow().keras.optimizers.schedules
    cases = cases or [dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=False),
                      dict(initial_learning_rate=0.3, decay_steps=7, decay_rate=0.8, staircase=True)]
    for kwargs in cases:
        steps = np.arange(0, 4 * kwargs["decay_steps"] + 2)
        lr0, k, rate = kwargs["initial_learning_rate"], kwargs["decay_steps"], kwargs["decay_rate"]
        smooth, stairs = lr0 * rate ** (steps / k), lr0 * rate ** np.floor(steps / k)
        mistakes = [
            (lr0 * rate ** ((steps + 1) / k) if not kwargs["staircase"] else lr0 * rate ** np.floor((steps + 1) / k),
             "one step ahead: the first update uses step 0, where the rate is initial_learning_rate"),
            (stairs if not kwargs["staircase"] else smooth,
             "staircase is the wrong way round: with staircase=True the exponent is floor(step / decay_steps), otherwise step / decay_steps"),
            (lr0 * rate ** steps, "the exponent is step, not step / decay_steps"),
            (lr0 * (1 - rate) ** (np.floor(steps / k) if kwargs["staircase"] else steps / k),
             "it decays by (1 − decay_rate); Keras multiplies by decay_rate every decay_steps"),
        ]
        _check_schedule(fn, "exponential_decay", schedules.ExponentialDecay(**kwargs), kwargs, steps, mistakes)


def cosine_decay(fn: Callable, *, cases=None) -> None:
    """Check ``fn(step, *, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0)``."""
    __tracebackhide__ = True
    from ..lesson.keras_bridge import import_tensorflow

    schedules = import_tensorflow().keras.optimizers.schedules
    # Every branch Keras has: warmup to a target; no target (then warmup_steps is ignored, with or
    # without it); a target with no warmup steps (decay from the target at once).
    cases = cases or [dict(initial_learning_rate=0.0, decay_steps=20, alpha=0.1, warmup_target=0.5, warmup_steps=5),
                      dict(initial_learning_rate=0.2, decay_steps=12, alpha=0.05, warmup_target=None, warmup_steps=0),
                      dict(initial_learning_rate=0.01, decay_steps=9, alpha=0.0, warmup_target=0.1, warmup_steps=4),
                      dict(initial_learning_rate=0.3, decay_steps=8, alpha=0.1, warmup_target=None, warmup_steps=5),
                      dict(initial_learning_rate=0.05, decay_steps=6, alpha=0.0, warmup_target=0.2, warmup_steps=0)]
    for kwargs in cases:
        lr0, k, alpha = kwargs["initial_learning_rate"], kwargs["decay_steps"], kwargs["alpha"]
        target, warm = kwargs["warmup_target"], kwargs["warmup_steps"]
        steps = np.arange(0, k + warm + 5)
        peak = lr0 if target is None else target

        def shape(s, *, warm=warm, alpha=alpha, clamp=True, floor_of=peak, start=lr0):
            """Keras's schedule with one knob turned: decay = peak·(1 − alpha)·cosine + alpha·floor_of."""
            s = np.asarray(s, dtype=float)
            offset = warm if target is not None else 0
            if clamp:
                s = np.minimum(s, k + offset)
            decay = peak * (1 - alpha) * 0.5 * (1 + np.cos(np.pi * (s - offset) / k)) + alpha * floor_of
            if target is None:
                return decay
            ramp = start + (target - start) * s / warm if warm else decay
            return np.where(s < warm, ramp, decay)

        mistakes = [
            (shape(steps + 1), "one step ahead: the first update uses step 0"),
            (shape(steps, alpha=0.0), "the alpha floor is missing: the rate should decay to alpha × the peak rate, not to 0"),
            (shape(steps, clamp=False), "after decay_steps the rate should stay at its floor, not follow the cosine back up"),
        ]
        if target is None and warm:
            delayed = np.clip(steps - warm, 0, k)
            late_cosine = lr0 * ((1 - alpha) * 0.5 * (1 + np.cos(np.pi * delayed / k)) + alpha)
            mistakes.append((np.where(steps < warm, lr0, late_cosine), "without a warmup_target Keras does no warmup: "
                             "warmup_steps is then ignored and the cosine starts at step 0"))
        if target is not None:
            mistakes += [
                (shape(steps, warm=warm + 1), "the warmup ends one step late: the peak is reached at step warmup_steps"),
                (shape(steps, start=0.0), "the warmup starts from 0; it starts from initial_learning_rate"),
                (shape(steps, floor_of=lr0), "the floor is alpha × initial_learning_rate; with a warmup it is alpha × warmup_target"),
            ]
        _check_schedule(fn, "cosine_decay", schedules.CosineDecay(**kwargs), kwargs, steps, mistakes)


def cosine_decay_restarts(fn: Callable, *, cases=None) -> None:
    """Check ``fn(step, *, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0)``."""
    __tracebackhide__ = True
    from ..lesson.keras_bridge import import_tensorflow

    schedules = import_tensorflow().keras.optimizers.schedules
    cases = cases or [dict(initial_learning_rate=0.1, first_decay_steps=5, t_mul=2.0, m_mul=0.5, alpha=0.1),
                      dict(initial_learning_rate=0.2, first_decay_steps=4, t_mul=1.0, m_mul=1.0, alpha=0.0)]
    for kwargs in cases:
        lr0, first, t_mul, m_mul, alpha = (kwargs[k] for k in ("initial_learning_rate", "first_decay_steps", "t_mul", "m_mul", "alpha"))
        steps = np.arange(0, 40)

        def restarts(step, *, t_mul=t_mul, m_mul=m_mul, alpha=alpha, shift=0):
            fraction, period, cycle = (step + shift) / first, 1.0, 0
            while fraction >= period:
                fraction -= period
                period *= t_mul
                cycle += 1
            return lr0 * ((1 - alpha) * m_mul**cycle * 0.5 * (1 + math.cos(math.pi * fraction / period)) + alpha)

        mistakes = [
            ([restarts(s, shift=1) for s in steps], "one step ahead: the first update uses step 0"),
            ([restarts(s, alpha=0.0) for s in steps], "the alpha floor is missing"),
            ([restarts(s, m_mul=1.0) for s in steps], "m_mul is ignored: each restart's peak is m_mul times the last one's"),
        ]
        if t_mul != 1.0:
            mistakes.append(([restarts(s, t_mul=1.0) for s in steps],
                             "the restart period is wrong: each cycle should last t_mul times longer than the one before"))
        _check_schedule(fn, "cosine_decay_restarts", schedules.CosineDecayRestarts(**kwargs), kwargs, steps, mistakes)


def _range_test_oracle(loss_fn, grad_fn, w0, min_lr, max_lr, num_steps, *, blow_up=RANGE_TEST_BLOW_UP):
    w, rates, losses = np.array(w0, dtype=float), [], []
    for k in range(num_steps):
        rate = min_lr * (max_lr / min_lr) ** (k / (num_steps - 1))
        loss = float(loss_fn(w))
        rates.append(rate)
        losses.append(loss)
        if not np.isfinite(loss) or loss > blow_up * min(losses):
            break
        w = w - rate * grad_fn(w)
    return np.array(rates), np.array(losses)


def lr_range_test(fn: Callable) -> None:
    """Check ``fn(loss_fn, grad_fn, w0, *, min_lr, max_lr, num_steps) -> (learning_rates, losses)``."""
    __tracebackhide__ = True
    from ..lesson.landscapes import parabola, scaled_bowl

    # The last case grows the rate slowly past parabola(a=4)'s limit of 0.5, so the loss climbs through
    # 2-4 × its lowest before it blows up: a wrong threshold stops at another step.
    for landscape, min_lr, max_lr, num_steps in ((scaled_bowl(), 1e-3, 10.0, 40), (parabola(a=4.0), 1e-4, 3.0, 25),
                                                 (scaled_bowl(), 1e-2, 0.1, 10), (parabola(a=4.0), 0.3, 0.9, 60)):
        w0 = np.array(landscape.start, dtype=float)
        given = w0.copy()
        label = f"{landscape.name}, min_lr={min_lr}, max_lr={max_lr}, num_steps={num_steps}"
        result = call_learner(fn, "lr_range_test", (landscape.value, landscape.gradient, given),
                              {"min_lr": min_lr, "max_lr": max_lr, "num_steps": num_steps})
        if not np.array_equal(given, w0):
            fail("`lr_range_test` changed `w0` in place; start from a copy (`w = np.array(w0, dtype=float)`).")
        if not isinstance(result, tuple) or len(result) != 2:
            fail("`lr_range_test` should return a pair `(learning_rates, losses)`.")
        rates, losses = _range_test_oracle(landscape.value, landscape.gradient, w0, min_lr, max_lr, num_steps)
        try:
            rates_shape = np.shape(np.asarray(result[0]))
        except (TypeError, ValueError):
            rates_shape = None
        if rates_shape is None or len(rates_shape) != 1:
            fail("`lr_range_test` should return the learning rates as a 1-D array of numbers, one per step taken.")
        got_rates = as_array(result[0], name="lr_range_test", what="the learning rates", shape=rates_shape)
        if result[1] is not None and np.shape(np.asarray(result[1])) != got_rates.shape:
            fail(f"`lr_range_test` returned {len(got_rates)} learning rates but {len(np.asarray(result[1]))} losses: "
                 f"return one loss per learning rate tried ({label}).")
        got_losses = as_array(result[1], name="lr_range_test", what="the losses", shape=got_rates.shape, finite=False)
        if close(got_rates, rates) and close(got_losses, losses):
            continue
        full = np.array([min_lr * (max_lr / min_lr) ** (k / (num_steps - 1)) for k in range(num_steps)])
        n = min(len(got_losses), len(losses))
        if n > 1 and close(got_losses[:n - 1], losses[1:n]):
            fail(f"`lr_range_test` records the loss after each step; record it before, at the point the step starts from ({label}).")
        if len(got_rates) == num_steps and len(rates) < num_steps and close(got_rates, full):
            fail(f"`lr_range_test` keeps going after the loss blew up: stop once a loss is not finite or above "
                 f"{RANGE_TEST_BLOW_UP:g} × the lowest so far (that loss included) ({label}).")
        if len(got_rates) == len(rates) - 1 and close(got_rates, rates[:-1]):
            fail(f"`lr_range_test` stops one step early: record the loss that blew up, then stop ({label}).")
        n = min(len(got_rates), len(full))
        if close(got_rates[:n], np.linspace(min_lr, max_lr, num_steps)[:n]) and not close(got_rates[:n], full[:n]):
            fail(f"`lr_range_test` grows the learning rate in equal steps; grow it geometrically, by the same factor each "
                 f"step, from min_lr to max_lr ({label}).")
        if n > 1 and not close(got_rates[:n], full[:n]):
            fail(f"`lr_range_test`: step k should use min_lr × (max_lr / min_lr) ** (k / (num_steps − 1)), from min_lr at "
                 f"k = 0 to max_lr at the last step ({label}).")
        n = min(len(got_losses), len(losses))
        if close(got_losses[:n], losses[:n]):  # the same losses, stopped at another step: the stopping rule
            fail(f"`lr_range_test` stops after {len(got_losses)} steps where {len(losses)} are expected ({label}): stop once "
                 f"a loss is not finite or above {RANGE_TEST_BLOW_UP:g} × the lowest loss so far (that loss included).")
        k = int(np.argmax(~np.isclose(got_losses[:n], losses[:n], rtol=RULE_RTOL, atol=RULE_ATOL)))
        fail(f"`lr_range_test` gives the loss {got_losses[k]:.6g} at step {k} where {losses[k]:.6g} is expected ({label}): "
             "record the loss at the current point, then step with that step's learning rate.")
