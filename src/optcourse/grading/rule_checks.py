"""Checks of optimizer update rules against Keras, step by step, with the mistake named.

Every rule is checked the same way (open loop: fixed gradient sequences, as the facts about
float32/float64 drift require):

1. cases in several regimes, because no single regime exposes every wrong rule: for the rules with
   an epsilon, squared gradients much larger than, much smaller than and comparable to it (see
   ``_adaptive_settings``); for momentum, gradients ~1 and ~1e-3; non-default hyperparameters, several
   shapes, float64 and float32 inputs, and a **non-zero starting state**; then a few steps from the
   **initial state** against a fresh Keras optimizer, so a rule wrong only on its first step fails;
2. the learner's step is applied repeatedly, fed back exactly the state it returned (a NamedTuple
   of numpy arrays, t an int), and checked for shape, type, finiteness and unchanged inputs at every step;
3. parameters and every state field are compared with the Keras optimizer after every step;
4. on a mismatch, the same gradients are run through known wrong rules (numpy), and a match
   names the mistake; a mistake none of them explains is told which quantity (the parameters or
   a state field) first differs, at which step, in which case and regime.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from ..constants import (
    ADAGRAD_EPSILON,
    ADAGRAD_INITIAL_ACCUMULATOR_VALUE,
    ADAM_BETA_1,
    ADAM_BETA_2,
    ADAM_EPSILON,
    ADAMW_WEIGHT_DECAY,
    RMSPROP_EPSILON,
    RMSPROP_RHO,
)
from ..learner_code.calling import call_learner, close, describe
from ..learner_code.feedback import CheckFailed, fail
from ..lesson.optim import AdagradState, AdamState, MomentumState, RMSpropState, momentum_init, rmsprop_init
from . import keras_record
from .results import as_numbers as as_array

__all__ = ["momentum_step", "nesterov_step", "adagrad_init", "adagrad_step", "rmsprop_step", "adam_init", "adam_step",
           "adamw_step"]


class Case(NamedTuple):
    params: np.ndarray
    state: tuple          # the rule's own NamedTuple, non-zero (or the initial state when ``fresh``)
    grads: list
    hyper: dict
    label: str
    fresh: bool = False   # starts from the initial state; Keras starts from a new optimizer


class Rule(NamedTuple):
    name: str
    state_type: type
    keras: Callable       # Case -> (params per step, {field: values per step})
    variants: Callable    # Case -> [(numpy rule (w, state dict, g) -> (w, state dict), message)]
    first_step: str = ""  # what to check when only the steps from the initial state differ


def _regime(scale: float, hyper: dict) -> str:
    """The gradient regime in words: how the squared gradients compare with epsilon, when there is one."""
    if "epsilon" not in hyper:
        return f"gradients ~{scale:g}"
    ratio = scale**2 / hyper["epsilon"]
    size = "much larger than" if ratio > 100 else "much smaller than" if ratio < 0.01 else "comparable to"
    return f"gradients ~{scale:g}, g² {size} epsilon"


def _label(hyper: dict, shape: tuple, dtype, scale: float, start: str) -> str:
    shown = ", ".join(f"{k}={v:g}" for k, v in hyper.items())
    return describe(f"{shown}, shape {shape} ({np.dtype(dtype).name}), {_regime(scale, hyper)}, {start}",
                    hidden=f"one of the grader's further cases: {_regime(scale, hyper)}, {start}")


def _regime_cases(seed: int, settings, make_state, num_steps: int = 8):
    """``settings``: (shape, gradient scale, hyperparameters) triples; each in float64 and float32."""
    rng = np.random.default_rng(seed)
    for shape, scale, hyper in settings:
        for dtype in (np.float64, np.float32):
            params = rng.uniform(-3, 3, size=shape).astype(dtype)
            state = make_state(params, rng, scale)
            grads = [(scale * rng.normal(size=shape)).astype(dtype) for _ in range(num_steps)]
            yield Case(params, state, grads, hyper, _label(hyper, shape, dtype, scale, "from a non-zero state"))


def _fresh_cases(seed: int, settings, initial_state, num_steps: int = 4):
    """Like ``_regime_cases``, but each case starts from ``initial_state(params)``."""
    rng = np.random.default_rng([seed, 1])
    for shape, scale, hyper in settings:
        for dtype in (np.float64, np.float32):
            params = rng.uniform(-3, 3, size=shape).astype(dtype)
            grads = [(scale * rng.normal(size=shape)).astype(dtype) for _ in range(num_steps)]
            yield Case(params, initial_state(params), grads, hyper, _label(hyper, shape, dtype, scale, "from the initial state"), fresh=True)


def _kind(value) -> str:
    if isinstance(value, np.ndarray):
        return "a numpy array"
    return {list: "a list", tuple: "a tuple", float: "a float", bool: "a bool"}.get(type(value), f"a {type(value).__name__}")


def _check_state_types(name: str, state: tuple) -> None:
    """Fail unless every array field of ``state`` is a numpy array and ``t`` an int.

    Shapes are ``as_array``'s job; this catches what it converts silently (a list, a float t)
    and what would break the next step or the notebook's experiments.
    """
    __tracebackhide__ = True
    kind = type(state).__name__
    for field in type(state)._fields:
        value = getattr(state, field)
        if field == "t":
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                fail(f"`{name}` returned the state's `t` as {_kind(value)}; t counts the steps taken: keep it an int inside {kind}.")
        elif not isinstance(value, np.ndarray):
            fail(f"`{name}` returned the state's `{field}` as {_kind(value)}; return a numpy array of the parameters' shape inside {kind}.")


def _run_numpy(rule: Callable, case: Case):
    w, state = case.params.astype(float), {k: np.asarray(v, dtype=float) for k, v in case.state._asdict().items()}
    params, states = [], {k: [] for k in state}
    for g in case.grads:
        w, state = rule(w, state, g.astype(float))
        params.append(w)
        for k, v in state.items():
            states[k].append(v)
    return np.array(params), {k: np.array(v) for k, v in states.items()}


def _run_learner(fn: Callable, rule: Rule, case: Case):
    __tracebackhide__ = True
    name, fields = rule.name, rule.state_type._fields
    params, state = case.params.copy(), case.state
    got_params, got_states = [], {field: [] for field in fields}
    for step, grads in enumerate(case.grads, start=1):
        inputs = [params.copy(), grads.copy(), *(np.copy(getattr(state, f)) for f in fields)]
        result = call_learner(fn, name, (params, grads, state), case.hyper)
        after = [params, grads, *(getattr(state, f) for f in fields)]
        changed = [what for what, a, b in zip(["`params`", "`grads`", *(f"the state's `{f}`" for f in fields)], inputs, after)
                   if not np.array_equal(a, b)]
        if changed:
            fail(f"`{name}` changed {changed[0]} in place; leave its inputs as they are and return new arrays.")
        if not isinstance(result, tuple) or len(result) != 2:
            got = "None" if result is None else f"a {type(result).__name__}"
            if isinstance(result, tuple):
                got = f"a tuple of {len(result)} items"
            fail(f"`{name}` returned {got}; it should return a pair `(new_params, new_state)`.")
        if not isinstance(result[1], rule.state_type):
            fail(f"`{name}` returned a state of type {type(result[1]).__name__}; return a new "
                 f"`{rule.state_type.__name__}({', '.join(f'{f}=...' for f in fields)})`.")
        params = as_array(result[0], name=name, what="the new parameters", shape=case.params.shape)
        values = {}
        for field in fields:
            shape = np.shape(getattr(case.state, field))
            values[field] = as_array(getattr(result[1], field), name=name, what=f"the new state's `{field}`", shape=shape)
            got_states[field].append(values[field])
        _check_state_types(name, result[1])
        if case.fresh and "t" in fields and result[1].t != step:
            fail(f"`{name}` returned t = {result[1].t} after step {step} from the initial state (t = 0); "
                 f"t counts the steps taken, so it should be {step}.")
        state = result[1]  # exactly what the learner returned: the notebook's experiments feed it back too
        got_params.append(params)
    return np.array(got_params), {k: np.array(v) for k, v in got_states.items()}


def _matches(params, states, other_params, other_states) -> bool:
    return close(params, other_params) and all(close(states[k], other_states[k]) for k in states if k in other_states)


def _first_step_off(got: np.ndarray, expected: np.ndarray) -> int | None:
    """The first step (from 1) at which ``got`` and ``expected`` differ, or None."""
    off = [not close(a, b) for a, b in zip(got, expected)]
    return off.index(True) + 1 if any(off) else None


def _first_difference(name, keras_name, case, got_params, got_states, expected_params, expected_states) -> str:
    """A mistake no known variant explains: which quantity differs first, at which step, in which case.

    A state field that goes wrong at the same step as the parameters is named: the parameters follow
    from the state, so the state is where to look.
    """
    fields = [(f"the state's `{field}`", _first_step_off(got_states[field], expected_states[field])) for field in got_states]
    params_step = _first_step_off(got_params, expected_params)
    off = [(what, step) for what, step in fields if step is not None]
    if params_step is not None:
        off.append(("the new parameters", params_step))
    what, step = min(off, key=lambda item: item[1])
    also = ("; the parameters are right at every step" if params_step is None else
            "" if what == "the new parameters" else f"; the parameters differ from step {params_step}")
    return f"`{name}`: {what} first {'differ' if what == 'the new parameters' else 'differs'} from {keras_name} at step {step}{also} ({case.label})."


def _other_runs(fn: Callable, rule: Rule, cases, failed: Case) -> list:
    """The learner's runs on the other cases from a given state, for telling near-identical variants
    apart (a case where it fails in another way is left out)."""
    runs = []
    for case in cases:
        if case is failed or case.fresh:
            continue
        try:
            runs.append((case, *_run_learner(fn, rule, case)))
        except CheckFailed:
            pass
    return runs


def _known_mistake(fn: Callable, rule: Rule, cases, case: Case, got_params, got_states) -> str | None:
    """The message of the known wrong rule the learner's steps match in this case. When several match
    (in one regime two mistakes can look alike: a floor of epsilon and dividing by the old
    accumulator, when g² is far below epsilon), the one that also matches every other case from a
    given state is named: the other regimes tell them apart."""
    candidates = [i for i, (variant, _) in enumerate(rule.variants(case))
                  if _matches(got_params, got_states, *_run_numpy(variant, case))]
    if not candidates:
        return None
    if len(candidates) > 1:
        runs = _other_runs(fn, rule, cases, case)
        for i in candidates:
            if all(_matches(params, states, *_run_numpy(rule.variants(other)[i][0], other)) for other, params, states in runs):
                return rule.variants(case)[i][1]
    return rule.variants(case)[candidates[0]][1]


_KERAS_RUNS: dict = {}  # the oracle's answers by case: the checks' cases are fixed, so a rerun (a hidden test, a bank) reuses them

# The checks whose only Keras runs are those of ``_run_keras``, on cases built from their options alone:
# ``make release`` records Keras's answers to the course's calls of them (grading/keras_record.py).
RECORDED_CHECKS = ("momentum_step", "nesterov_step", "adagrad_step", "rmsprop_step", "adam_step", "adamw_step")


def _case_key(rule: Rule, case: Case) -> str:
    return keras_record.case_digest(rule.name, case)


def _run_keras(rule: Rule, cases) -> None:
    """Fill ``_KERAS_RUNS`` for ``cases``, from the release's record where it has them (grading/keras_record.py).
    Keras's rules act element by element, so the other cases that share hyperparameters, a step count
    and a step counter run as one variable (their arrays side by side, in float64 as each would alone):
    one ``apply_gradients`` per step for the group, not per case."""
    groups: dict = {}
    for case in cases:
        key = _case_key(rule, case)
        if key in _KERAS_RUNS:
            continue
        recorded = keras_record.answer(key)
        if recorded is not None:
            _KERAS_RUNS[key] = recorded
            continue
        t = None if case.fresh else getattr(case.state, "t", None)
        groups.setdefault((tuple(sorted(case.hyper.items())), case.fresh, len(case.grads), t), []).append(case)
    for members in groups.values():
        flat = lambda arrays: np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in arrays])  # noqa: E731
        first = members[0]
        state = type(first.state)(*[getattr(first.state, f) if f == "t" else flat([getattr(c.state, f) for c in members])
                                    for f in first.state._fields])
        merged = first._replace(params=flat([c.params for c in members]), state=state,
                                grads=[flat([c.grads[k] for c in members]) for k in range(len(first.grads))])
        params, states = rule.keras(merged)
        start = 0
        for case in members:
            part = slice(start, start + case.params.size)
            start += case.params.size
            shaped = lambda values: values[:, part].reshape(len(case.grads), *case.params.shape)  # noqa: E731
            _KERAS_RUNS[_case_key(rule, case)] = (shaped(params), {k: v if k == "t" else shaped(v) for k, v in states.items()})


def _check(fn: Callable, rule: Rule, cases, keras_name: str) -> None:
    __tracebackhide__ = True
    cases = list(cases)
    _run_keras(rule, cases)
    for case in cases:
        expected_params, expected_states = _KERAS_RUNS[_case_key(rule, case)]
        got_params, got_states = _run_learner(fn, rule, case)
        if _matches(got_params, got_states, expected_params, expected_states):
            continue
        if case.fresh:  # the cases from a non-zero state, checked first, all agreed
            steps = [not _matches(got_params[k], {f: v[k] for f, v in got_states.items()},
                                  expected_params[k], {f: v[k] for f, v in expected_states.items()})
                     for k in range(len(case.grads))]
            step = int(np.argmax(steps)) + 1
            which = "your first step differs" if step == 1 else f"your step {step} from the initial state differs"
            fail(f"`{rule.name}`: {which} from {keras_name} (later steps from a given state agree): "
                 f"{rule.first_step} ({case.label}).")
        message = _known_mistake(fn, rule, cases, case, got_params, got_states)
        if message:
            fail(f"`{rule.name}`: {message} ({case.label}).")
        fail(_first_difference(rule.name, keras_name, case, got_params, got_states, expected_params, expected_states))


def _options(defaults: dict, **given) -> dict:
    return {**defaults, **{k: v for k, v in given.items() if v is not None}}


# ---------------------------------------------------------------- momentum and Nesterov (Module 3)

def _momentum_rule(nesterov: bool) -> Rule:
    from ..lesson.keras_bridge import keras_momentum_run

    def keras(case):
        start = None if case.fresh else case.state.velocity
        params, velocity = keras_momentum_run(case.params, case.grads, start, nesterov=nesterov, **case.hyper)
        return params, {"velocity": velocity}

    def variants(case):
        lr, mu = case.hyper["learning_rate"], case.hyper["momentum"]

        def move(w, m, new_m, ahead=nesterov):
            """Keras's move: classic w + m', or Nesterov w + μ m' + (the term added to m this step)."""
            return w + mu * new_m + (new_m - mu * m) if ahead else w + new_m

        def keras_with(velocity_rule):
            def rule(w, s, g):
                new_m = velocity_rule(s["velocity"], g)
                return move(w, s["velocity"], new_m), {"velocity": new_m}
            return rule

        def special(update):
            def rule(w, s, g):
                new_w, new_m = update(w, s["velocity"], g)
                return new_w, {"velocity": new_m}
            return rule

        right = lambda m, g: mu * m - lr * g  # noqa: E731
        other = "classic momentum (w + velocity)" if nesterov else "Nesterov's look-ahead (w + momentum × velocity − learning_rate × g)"
        found = [
            (special(lambda w, m, g: (move(w, m, right(m, g), ahead=not nesterov), right(m, g))), f"this is {other}, not the rule asked for"),
            (keras_with(lambda m, g: mu * m + lr * g), "the velocity adds learning_rate × gradient, which points uphill; subtract it"),
            (keras_with(lambda m, g: -lr * g), "the velocity from `state` is ignored: each step starts from zero"),
            (keras_with(lambda m, g: mu * m - g), "`learning_rate` is not used in the velocity update"),
            (keras_with(lambda m, g: mu * m - lr * (1 - mu) * g),
             "the gradient is damped by (1 − momentum), an exponential-average form; Keras uses learning_rate × gradient"),
            (special(lambda w, m, g: (w - (move(w, m, right(m, g)) - w), right(m, g))),
             "the parameters move against the velocity; Keras adds it (the velocity already points downhill)"),
            (special(lambda w, m, g: (move(w, m, right(m, g)), m)), "the parameters move, but the returned state still holds the old velocity"),
            (special(lambda w, m, g: (w - lr * ((g + mu * (mu * m + g)) if nesterov else (mu * m + g)), mu * m + g)),
             "this is the PyTorch form (velocity = momentum × velocity + g, parameters − learning_rate × …). It takes "
             "the same steps only from zero velocity with a constant learning rate; this course keeps Keras's state, "
             "velocity = momentum × velocity − learning_rate × g"),
            (special(lambda w, m, g: (w + lr * ((mu * (mu * m - g) - g) if nesterov else (mu * m - g)), mu * m - g)),
             "the velocity is stored without the learning rate (velocity = momentum × velocity − g); Keras's velocity "
             "includes it: momentum × velocity − learning_rate × g"),
        ]
        if nesterov:
            found.append((special(lambda w, m, g: (w + mu * right(m, g), right(m, g))),
                          "the look-ahead step is w + momentum × velocity − learning_rate × g; the − learning_rate × g term is missing"))
        return found

    first_step = ("check how the state starts — the velocity starts at zero, and the first step is a Nesterov step like any "
                  "other: velocity = −learning_rate × g, then params + momentum × velocity − learning_rate × g" if nesterov else
                  "check how the state starts — the velocity starts at zero, and the first step is a step like any other: "
                  "velocity = −learning_rate × g, then params + velocity")
    return Rule("nesterov_step" if nesterov else "momentum_step", MomentumState, keras, variants, first_step)


def _momentum_cases(seed, shapes, rates, momenta):
    settings = [(shape, 1e-3 if len(shape) > 1 else 1.0, {"learning_rate": lr, "momentum": mu})
                for shape, lr, mu in zip(shapes, rates, momenta)]
    regular = _regime_cases(seed, settings, lambda params, rng, scale: MomentumState(rng.normal(0, 0.5, params.shape).astype(params.dtype)), num_steps=6)
    return [*regular, *_fresh_cases(seed, settings, momentum_init)]


_MOMENTUM = dict(shapes=[(3,), (2, 4)], rates=[0.1, 0.05], momenta=[0.9, 0.7])


def _check_momentum(fn, nesterov, seed, options):
    __tracebackhide__ = True
    cases = list(_momentum_cases(seed, **options))
    zero = [case for case in cases if case.hyper["momentum"] == 0]
    rule = _momentum_rule(nesterov)
    _run_keras(rule, cases)  # before any call of the learner's function, as in every check here (release.keras_answers)
    for case in zero:  # the invariant first: with momentum 0 the rule is plain SGD
        got_params, _ = _run_learner(fn, rule, case)
        expected = case.params.astype(float) - case.hyper["learning_rate"] * np.cumsum(np.array(case.grads, dtype=float), axis=0)
        if not close(got_params, expected):
            fail(f"`{rule.name}` with momentum=0 should be plain SGD, w − learning_rate × g, but it is not ({case.label}).")
    _check(fn, rule, cases, f"tf.keras.optimizers.SGD(momentum=…, nesterov={nesterov})")


def momentum_step(fn: Callable, *, seed: int = 0, shapes=None, rates=None, momenta=None) -> None:
    """Check ``fn(params, grads, state, *, learning_rate, momentum)`` against Keras's momentum step by step."""
    __tracebackhide__ = True
    _check_momentum(fn, False, seed, _options(_MOMENTUM, shapes=shapes, rates=rates, momenta=momenta))


def nesterov_step(fn: Callable, *, seed: int = 0, shapes=None, rates=None, momenta=None) -> None:
    """Check ``fn(params, grads, state, *, learning_rate, momentum)`` against Keras's Nesterov step by step."""
    __tracebackhide__ = True
    _check_momentum(fn, True, seed, _options(_MOMENTUM, shapes=shapes, rates=rates, momenta=momenta))


# ---------------------------------------------------------------- AdaGrad and RMSprop (Module 4)

def _positive_state(params, rng, scale):
    return (scale**2) * rng.uniform(0.5, 3.0, size=params.shape).astype(params.dtype)


def _adaptive_settings(shapes, hypers):
    """Three regimes for every hyperparameter set, as the squared gradients compare with epsilon:
    much larger (gradients ~1, its own epsilon), much smaller (~1e-3, epsilon 1e-2) and comparable
    (~1e-2, epsilon 1e-4; the state's averages are then of epsilon's size too). Each regime hides
    mistakes the others show: epsilon's placement only matters where it is not negligible."""
    settings = []
    for shape, hyper in zip(shapes, hypers):
        settings.append((shape, 1.0, hyper))
        settings.append((shape, 1e-3, {**hyper, "epsilon": 1e-2}))
        settings.append((shape, 1e-2, {**hyper, "epsilon": 1e-4}))
    return settings


def _keras_oracle(optimizer_name: str, slots: dict, *, counts_steps: bool = False):
    """A ``Rule.keras`` function: run ``tf.keras.optimizers.<optimizer_name>`` from the case's state.

    ``slots`` maps each state field to the optimizer's slot list that holds it (``{"accumulator":
    "_accumulators"}``); with ``counts_steps`` the state's ``t`` becomes the optimizer's step counter.
    """
    from ..lesson.keras_bridge import import_tensorflow, keras_rule_run

    def keras(case):
        optimizer = getattr(import_tensorflow().keras.optimizers, optimizer_name)(**case.hyper)
        from_state = counts_steps and not case.fresh
        params, after = keras_rule_run(optimizer, case.params, case.grads, iterations=case.state.t if from_state else 0,
                                       slots={slot: None if case.fresh else getattr(case.state, field) for field, slot in slots.items()})
        states = {field: after[slot] for field, slot in slots.items()}
        if counts_steps:
            states["t"] = after["iterations"]
        return params, states

    return keras


def _adagrad_rule() -> Rule:
    def variants(case):
        lr, eps = case.hyper["learning_rate"], case.hyper["epsilon"]

        def rule(accumulate, step):
            def update(w, s, g):
                acc = accumulate(s["accumulator"], g)
                return w - step(g, acc, s["accumulator"]), {"accumulator": acc}
            return update

        add = lambda a, g: a + g * g  # noqa: E731
        right = lambda g, acc, old: lr * g / np.sqrt(acc + eps)  # noqa: E731
        return [
            (rule(add, lambda g, acc, old: lr * g / (np.sqrt(acc) + eps)),
             "epsilon is added outside the square root; Keras divides by sqrt(accumulator + epsilon)"),
            (rule(add, lambda g, acc, old: lr * g / np.sqrt(old + eps)),
             "the step divides by the accumulator from before this gradient was added; add g² first"),
            (rule(lambda a, g: a + np.abs(g), right), "the accumulator adds |g|; it should add the squared gradient g²"),
            (rule(add, lambda g, acc, old: lr * g / (acc + eps)), "the square root is missing: divide by sqrt(accumulator + epsilon)"),
            (lambda w, s, g: (w - right(g, add(s["accumulator"], g), None), s),
             "the parameters move, but the returned state still holds the old accumulator"),
            (rule(lambda a, g: g * g, right), "the accumulator is replaced by g² instead of summing: AdaGrad adds every squared gradient"),
            (rule(add, lambda g, acc, old: g / np.sqrt(acc + eps)), "`learning_rate` is not used"),
            (rule(add, lambda g, acc, old: -right(g, acc, old)), "the step goes uphill; subtract it"),
            (rule(lambda a, g: RMSPROP_RHO * a + (1 - RMSPROP_RHO) * g * g, right),
             "the accumulator decays like RMSprop's average; AdaGrad sums squared gradients and never forgets"),
            (rule(add, lambda g, acc, old: lr * g / np.sqrt(acc)), "epsilon is missing: divide by sqrt(accumulator + epsilon)"),
            (rule(add, lambda g, acc, old: lr * g / np.sqrt(np.maximum(acc, eps))),
             "epsilon is used as a floor, sqrt(max(accumulator, epsilon)); Keras adds it: sqrt(accumulator + epsilon)"),
            (lambda w, s, g: (w - lr * g / np.sqrt(add(s["accumulator"], g) + eps), {"accumulator": add(s["accumulator"], g) + eps}),
             "epsilon is added to the stored accumulator, so it piles up step after step; add it only inside the square root"),
        ]

    return Rule("adagrad_step", AdagradState, _keras_oracle("Adagrad", {"accumulator": "_accumulators"}), variants,
                "check how the state starts — the accumulator starts at initial_accumulator_value "
                f"({ADAGRAD_INITIAL_ACCUMULATOR_VALUE}), and the first step adds g² to it like any other step")


_ADAGRAD = dict(shapes=[(3,), (2, 4)], hypers=[{"learning_rate": 0.5, "epsilon": ADAGRAD_EPSILON},
                                               {"learning_rate": 0.1, "epsilon": ADAGRAD_EPSILON}])


def _initial(init: Callable | None, name: str, default: Callable) -> Callable:
    """``params -> state``: the learner's ``init`` (checked plainly) if given, else ``default``."""
    if init is None:
        return default

    def start(params):
        __tracebackhide__ = True
        state = call_learner(init, name, (params,), {})
        if not isinstance(state, type(default(params))):
            fail(f"`{name}` returned {type(state).__name__}; return `{type(default(params)).__name__}(...)`.")
        for field in state._fields:
            if field != "t":
                as_array(getattr(state, field), name=name, what=f"`{field}`", shape=params.shape)
        _check_state_types(name, state)
        return state

    return start


def adagrad_step(fn: Callable, *, seed: int = 0, shapes=None, hypers=None, init: Callable | None = None) -> None:
    """Check ``fn(params, grads, state, *, learning_rate, epsilon)`` against tf.keras.optimizers.Adagrad.

    The last cases start from ``init(params)`` (the learner's ``adagrad_init``) if given, else from
    the accumulator Keras starts with.
    """
    __tracebackhide__ = True
    options = _options(_ADAGRAD, shapes=shapes, hypers=hypers)
    settings = _adaptive_settings(options["shapes"], options["hypers"])
    cases = _regime_cases(seed, settings, lambda params, rng, scale: AdagradState(_positive_state(params, rng, scale)), num_steps=12)
    start = _initial(init, "adagrad_init", lambda params: AdagradState(np.full(params.shape, ADAGRAD_INITIAL_ACCUMULATOR_VALUE)))
    _check(fn, _adagrad_rule(), [*cases, *_fresh_cases(seed, settings, start)], "tf.keras.optimizers.Adagrad")


ADAGRAD_INIT_CASES = (((3,), None), ((2, 3), 0.5), ((4,), 0.0))  # (shape, initial_accumulator_value given or not)


def keras_adagrad_start(shape: tuple, value: float | None) -> np.ndarray:
    """The accumulator a new tf.keras.optimizers.Adagrad builds for weights of ``shape``: ``initial_accumulator_value``
    everywhere, rounded to float32 as Keras keeps it (tests/test_keras_record.py builds Keras's and requires the
    same bits), so this check needs no TensorFlow."""
    return np.full(shape, np.float32(ADAGRAD_INITIAL_ACCUMULATOR_VALUE if value is None else value), dtype=np.float64)


def adagrad_init(fn: Callable) -> None:
    """Check ``fn(params, initial_accumulator_value=0.1)`` starts the accumulator as Keras does."""
    __tracebackhide__ = True
    for shape, value in ADAGRAD_INIT_CASES:
        params = np.linspace(-1, 1, int(np.prod(shape))).reshape(shape)
        before = params.copy()
        kwargs = {} if value is None else {"initial_accumulator_value": value}
        state = call_learner(fn, "adagrad_init", (params,), kwargs)
        if not isinstance(state, AdagradState):
            fail(f"`adagrad_init` returned {type(state).__name__}; return `AdagradState(accumulator=...)`.")
        got = as_array(state.accumulator, name="adagrad_init", what="the accumulator", shape=shape)
        _check_state_types("adagrad_init", state)
        expected = keras_adagrad_start(shape, value)
        if not np.array_equal(params, before):
            fail("`adagrad_init` changed `params`; build a new array for the accumulator.")
        if not close(got, expected):
            if np.all(got == 0) and np.any(expected != 0):
                fail("`adagrad_init` starts the accumulator at 0; Keras starts it at `initial_accumulator_value` "
                     f"({ADAGRAD_INITIAL_ACCUMULATOR_VALUE} by default), which also keeps the first steps from being huge.")
            fail(f"`adagrad_init` should fill the accumulator with initial_accumulator_value "
                 f"({kwargs.get('initial_accumulator_value', ADAGRAD_INITIAL_ACCUMULATOR_VALUE)}), got {np.round(got.ravel()[:3], 4)}….")
        if np.shares_memory(np.asarray(state.accumulator), params):
            fail("`adagrad_init` returned an accumulator that shares memory with `params`; make a new array.")


def _rmsprop_rule() -> Rule:
    def variants(case):
        lr, rho, eps = case.hyper["learning_rate"], case.hyper["rho"], case.hyper["epsilon"]
        counter = {"t": 0}

        def rule(average, step):
            def update(w, s, g):
                v = average(s["mean_square"], g)
                return w - step(g, v, s["mean_square"]), {"mean_square": v}
            return update

        def bias_corrected(w, s, g):
            counter["t"] += 1
            v = rho * s["mean_square"] + (1 - rho) * g * g
            return w - lr * g / np.sqrt(v / (1 - rho ** counter["t"]) + eps), {"mean_square": v}

        ema = lambda v, g: rho * v + (1 - rho) * g * g  # noqa: E731
        right = lambda g, v, old: lr * g / np.sqrt(v + eps)  # noqa: E731
        return [
            (rule(ema, lambda g, v, old: lr * g / (np.sqrt(v) + eps)),
             "epsilon is added outside the square root; Keras divides by sqrt(mean_square + epsilon)"),
            (rule(lambda v, g: (1 - rho) * v + rho * g * g, right),
             "rho and 1 − rho are swapped: rho multiplies the old average, 1 − rho the new g²"),
            (bias_corrected, "the average is bias-corrected like Adam's; Keras's RMSprop has no bias correction"),
            (rule(lambda v, g: (1 - rho) * g * g, right), "the average from `state` is ignored: each step starts from zero"),
            (rule(lambda v, g: rho * v + (1 - rho) * np.abs(g), right), "the average uses |g|; it should average the squared gradient g²"),
            (rule(ema, lambda g, v, old: lr * g / (v + eps)), "the square root is missing: divide by sqrt(mean_square + epsilon)"),
            (lambda w, s, g: (w - right(g, ema(s["mean_square"], g), None), s),
             "the parameters move, but the returned state still holds the old average"),
            (rule(lambda v, g: v + g * g, right), "this sums squared gradients like AdaGrad; RMSprop keeps a decaying average with rho"),
            (rule(ema, lambda g, v, old: g / np.sqrt(v + eps)), "`learning_rate` is not used"),
            (rule(ema, lambda g, v, old: -right(g, v, old)), "the step goes uphill; subtract it"),
            (rule(ema, lambda g, v, old: lr * g / np.sqrt(old + eps)),
             "the step divides by the average from before this gradient; update the average first"),
            (rule(ema, lambda g, v, old: lr * g / np.sqrt(v)), "epsilon is missing: divide by sqrt(mean_square + epsilon)"),
            (rule(ema, lambda g, v, old: lr * g / np.sqrt(np.maximum(v, eps))),
             "epsilon is used as a floor, sqrt(max(mean_square, epsilon)); Keras adds it: sqrt(mean_square + epsilon)"),
        ]

    return Rule("rmsprop_step", RMSpropState, _keras_oracle("RMSprop", {"mean_square": "_velocities"}), variants,
                "check how the state starts — the average starts at zero, so the first step makes it "
                "rho × 0 + (1 − rho) × g², not g²")


_RMSPROP = dict(shapes=[(3,), (2, 4)], hypers=[{"learning_rate": 0.01, "rho": 0.8, "epsilon": RMSPROP_EPSILON},
                                               {"learning_rate": 0.05, "rho": RMSPROP_RHO, "epsilon": RMSPROP_EPSILON}])


def rmsprop_step(fn: Callable, *, seed: int = 0, shapes=None, hypers=None) -> None:
    """Check ``fn(params, grads, state, *, learning_rate, rho, epsilon)`` against tf.keras.optimizers.RMSprop."""
    __tracebackhide__ = True
    options = _options(_RMSPROP, shapes=shapes, hypers=hypers)
    settings = _adaptive_settings(options["shapes"], options["hypers"])
    cases = _regime_cases(seed, settings, lambda params, rng, scale: RMSpropState(_positive_state(params, rng, scale)), num_steps=10)
    _check(fn, _rmsprop_rule(), [*cases, *_fresh_cases(seed, settings, rmsprop_init)], "tf.keras.optimizers.RMSprop")


# ---------------------------------------------------------------- Adam (Module 5)

def _adam_rule() -> Rule:
    def variants(case):
        lr, b1, b2, eps = (case.hyper[k] for k in ("learning_rate", "beta_1", "beta_2", "epsilon"))

        def adam(*, first=lambda m, g: m + (1 - b1) * (g - m), second=lambda v, g: v + (1 - b2) * (g * g - v),
                 step=None, t_used=lambda t: t + 1, t_kept=lambda t: t + 1, keep_state=False):
            def keras_step(m, v, t):
                return lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)

            def update(w, s, g):
                m, v = first(s["m"], g), second(s["v"], g)
                t = int(s["t"])
                new_w = w - (step or keras_step)(m, v, t_used(t))
                if keep_state:
                    return new_w, s
                return new_w, {"m": m, "v": v, "t": np.asarray(t_kept(t), dtype=float)}
            return update

        return [
            (adam(step=lambda m, v, t: lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)),
             "epsilon is added to the bias-corrected sqrt(v̂) as in the paper's Algorithm 1; Keras uses the "
             "'epsilon-hat' form: alpha_t = learning_rate·sqrt(1 − beta_2^t)/(1 − beta_1^t), step alpha_t·m/(sqrt(v) + epsilon)"),
            (adam(step=lambda m, v, t: lr * m / (np.sqrt(v) + eps)), "there is no bias correction: scale by sqrt(1 − beta_2^t)/(1 − beta_1^t)"),
            (adam(t_used=lambda t: t), "the bias correction uses the step count before it is increased: t is 1 on the first step"),
            (adam(first=lambda m, g: m + (1 - b2) * (g - m), second=lambda v, g: v + (1 - b1) * (g * g - v),
                  step=lambda m, v, t: lr * np.sqrt(1 - b1**t) / (1 - b2**t) * m / (np.sqrt(v) + eps)),
             f"beta_1 and beta_2 are swapped: beta_1 ({ADAM_BETA_1}) belongs to m, beta_2 ({ADAM_BETA_2}) to v"),
            (adam(step=lambda m, v, t: lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / np.sqrt(v + eps)),
             "epsilon is inside the square root; Keras's Adam divides by sqrt(v) + epsilon"),
            (adam(step=lambda m, v, t: lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / np.maximum(np.sqrt(v), eps)),
             "epsilon is used as a floor, max(sqrt(v), epsilon); Keras adds it: sqrt(v) + epsilon"),
            (adam(keep_state=True), "the parameters move, but the returned state still holds the old m, v and t"),
            (adam(t_kept=lambda t: t), "the returned state keeps the old t: count the step"),
            (adam(second=lambda v, g: v + (1 - b2) * (np.abs(g) - v)), "v averages |g|; it should average the squared gradient g²"),
            (adam(second=lambda v, g: b2 * v + g * g), "v adds g² without the (1 − beta_2) factor"),
            (adam(first=lambda m, g: b1 * m + g), "m adds g without the (1 − beta_1) factor"),
            (adam(step=lambda m, v, t: np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)), "`learning_rate` is not used"),
            (adam(step=lambda m, v, t: -lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)), "the step goes uphill; subtract it"),
            (adam(step=lambda m, v, t: lr / (1 - b1**t) * m / (np.sqrt(v) + eps)),
             "only m is bias-corrected; the correction of v, sqrt(1 − beta_2^t), is missing"),
        ]

    return Rule("adam_step", AdamState, _keras_oracle("Adam", {"m": "_momentums", "v": "_velocities"}, counts_steps=True), variants,
                "check how the state starts — Adam's m and v start at zero and t at 0, so the first update uses t = 1")


def _adam_state(params, rng, scale):
    return AdamState(m=(scale * rng.normal(0, 0.5, params.shape)).astype(params.dtype),
                     v=_positive_state(params, rng, scale), t=_steps_taken(params.size, scale))


def _steps_taken(size: int, scale: float) -> int:
    """A step count from 2 to 5 that differs between settings but not between the float64 and float32
    case of one setting, so Keras runs those two together (see ``_run_keras``)."""
    return 2 + (size + round(-np.log10(scale))) % 4


_ADAM = dict(shapes=[(3,), (2, 4)], hypers=[{"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.95, "epsilon": ADAM_EPSILON},
                                            {"learning_rate": 0.05, "beta_1": ADAM_BETA_1, "beta_2": ADAM_BETA_2,
                                             "epsilon": ADAM_EPSILON}])


def adam_step(fn: Callable, *, seed: int = 0, shapes=None, hypers=None, init: Callable | None = None) -> None:
    """Check ``fn(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon)`` against tf.keras.optimizers.Adam.

    The last cases start from ``init(params)`` (the learner's ``adam_init``) if given, else from
    m = v = 0, t = 0, as a new Keras optimizer does.
    """
    __tracebackhide__ = True
    options = _options(_ADAM, shapes=shapes, hypers=hypers)
    settings = _adaptive_settings(options["shapes"], options["hypers"])
    cases = _regime_cases(seed, settings, _adam_state, num_steps=10)
    start = _initial(init, "adam_init", lambda params: AdamState(np.zeros(params.shape), np.zeros(params.shape), 0))
    _check(fn, _adam_rule(), [*cases, *_fresh_cases(seed, settings, start)], "tf.keras.optimizers.Adam")


def adam_init(fn: Callable) -> None:
    """Check ``fn(params)`` returns ``AdamState`` with zero moments of the right shape and t = 0."""
    __tracebackhide__ = True
    for shape in ((3,), (2, 3)):
        params = np.linspace(-1, 1, int(np.prod(shape))).reshape(shape)
        state = call_learner(fn, "adam_init", (params,), {})
        if not isinstance(state, AdamState):
            fail(f"`adam_init` returned {type(state).__name__}; return `AdamState(m=..., v=..., t=0)`.")
        for field in ("m", "v"):
            got = as_array(getattr(state, field), name="adam_init", what=f"`{field}`", shape=shape)
            if np.any(got != 0):
                fail(f"`adam_init` should start `{field}` at zero (the bias correction exists because it does).")
        if not isinstance(state.t, (int, np.integer)) or state.t != 0:
            fail(f"`adam_init` should start t at 0 (no steps taken yet), as an int; got {state.t!r}. "
                 "The first step then uses t = 1.")
        _check_state_types("adam_init", state)
        if np.shares_memory(state.m, state.v) or np.shares_memory(state.m, params) or np.shares_memory(state.v, params):
            fail("`adam_init` returned arrays that share memory (with each other or with params); make new ones.")


# ---------------------------------------------------------------- AdamW (Module 5)

def _adamw_rule() -> Rule:
    """Keras AdamW: the weights shrink by learning_rate·weight_decay·w, then Adam steps from there.

    The known mistakes put the decay elsewhere (after the step, into the gradient, into m, through
    Adam's scaling) or get Adam itself wrong with the decay right (Adam's own list, after the decay).
    """
    def variants(case):
        lr, b1, b2, eps, wd = (case.hyper[k] for k in ("learning_rate", "beta_1", "beta_2", "epsilon", "weight_decay"))

        def moments(s, g):
            t = int(s["t"]) + 1
            m, v = s["m"] + (1 - b1) * (g - s["m"]), s["v"] + (1 - b2) * (g * g - s["v"])
            return m, v, t, lr * np.sqrt(1 - b2**t) / (1 - b1**t)

        def adamw(*, before=lambda w, alpha: w - lr * wd * w, after=lambda w, alpha: w, gradient=lambda w, g: g,
                  first=lambda w, g: g, scaled_decay=0.0):
            def update(w, s, g):
                g = gradient(w, g)
                m, v, t, alpha = moments(s, g)
                m = m + (1 - b1) * (first(w, g) - g)
                step = alpha * (m + scaled_decay * w) / (np.sqrt(v) + eps)
                return after(before(w, alpha) - step, alpha), {"m": m, "v": v, "t": np.asarray(t, dtype=float)}
            return update

        unchanged = lambda w, alpha: w  # noqa: E731
        decoupled = "AdamW decouples it: shrink the weights by learning_rate·weight_decay·w, then take the Adam step"
        found = [
            (adamw(before=unchanged, after=lambda w, alpha: w - lr * wd * w),
             "the weights are shrunk after the Adam step; Keras shrinks them first, w − learning_rate·weight_decay·w, "
             "and takes the Adam step from there"),
            (adamw(before=lambda w, alpha: w - alpha * wd * w),
             "the decay is scaled by alpha_t, Adam's bias-corrected step size; Keras shrinks by learning_rate·weight_decay·w"),
            (adamw(before=unchanged, gradient=lambda w, g: g + wd * w),
             f"weight decay is added to the gradient as an L2 term (g + weight_decay·w), so Adam rescales it; {decoupled}"),
            (adamw(before=lambda w, alpha: w - wd * w),
             "the decay does not use the learning rate: Keras shrinks the weights by learning_rate·weight_decay·w"),
            (adamw(before=unchanged, first=lambda w, g: g + wd * w),
             f"weight decay goes into the first moment m; m and v see only the gradient: {decoupled}"),
            (adamw(before=unchanged), "`weight_decay` is not used: this is Adam; shrink the weights by learning_rate·weight_decay·w first"),
            (adamw(before=lambda w, alpha: w + lr * wd * w), "the decay pushes the weights away from zero; subtract learning_rate·weight_decay·w"),
            (adamw(before=unchanged, scaled_decay=wd),
             "the decay goes through Adam's scaling, alpha_t·weight_decay·w/(sqrt(v) + epsilon); Keras shrinks by "
             "learning_rate·weight_decay·w, whatever the gradients"),
            (adamw(before=lambda w, alpha: w * (1 - lr * wd) ** 2),
             "the weights are shrunk twice; shrink them once, by learning_rate·weight_decay·w, before the Adam step"),
        ]
        decay = lambda rule: lambda w, s, g: rule(w - lr * wd * w, s, g)  # noqa: E731
        return found + [(decay(rule), message) for rule, message in _adam_rule().variants(case)]

    return Rule("adamw_step", AdamState, _keras_oracle("AdamW", {"m": "_momentums", "v": "_velocities"}, counts_steps=True),
                variants, "check how the state starts — as in Adam, m and v start at zero and t at 0, so the first update uses t = 1")


_ADAMW = dict(shapes=[(3,), (2, 4)], hypers=[
    {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.95, "epsilon": ADAM_EPSILON, "weight_decay": 0.5},
    {"learning_rate": 0.01, "beta_1": ADAM_BETA_1, "beta_2": ADAM_BETA_2, "epsilon": ADAM_EPSILON, "weight_decay": ADAMW_WEIGHT_DECAY}])


def adamw_step(fn: Callable, *, seed: int = 0, shapes=None, hypers=None, init: Callable | None = None) -> None:
    """Check ``fn(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon, weight_decay)`` against
    tf.keras.optimizers.AdamW, step by step: parameters, m, v and t.

    The state is Adam's (``AdamState``); the last cases start from ``init(params)`` if given, else
    from m = v = 0, t = 0, as a new Keras optimizer does. Keras casts weight_decay to float32 (a
    difference of about 1e-10 relative, far inside the tolerance).
    """
    __tracebackhide__ = True
    options = _options(_ADAMW, shapes=shapes, hypers=hypers)
    settings = _adaptive_settings(options["shapes"], options["hypers"])
    cases = _regime_cases(seed, settings, _adam_state, num_steps=10)
    start = _initial(init, "adam_init", lambda params: AdamState(np.zeros(params.shape), np.zeros(params.shape), 0))
    _check(fn, _adamw_rule(), [*cases, *_fresh_cases(seed, settings, start)], "tf.keras.optimizers.AdamW")
