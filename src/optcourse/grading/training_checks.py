"""Checks of the learner's training code in Module 7: a tf.GradientTape loop that drives an update
rule (against ``model.fit`` with the built-in Keras optimizer), a learning-rate range test written
as a Keras callback (against the course's callback), and a choice of optimizer, learning rate and
schedule that must reach a validation accuracy within a step budget (trained here, by the grader).

Every case is small (a few batches of a few examples, a network with 8 hidden units), so that the
referee grades a notebook in seconds. The learner's functions get a course-built model, plain
arrays and the course's own rules, which is all the referee's channel carries.
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np

from ..constants import MODEL_ATOL, MODEL_RTOL, scientific
from ..learner_code.calling import call_learner, describe
from ..learner_code.feedback import CheckFailed, fail
from ..lesson.keras_bridge import BUDGET, budget_run, choice_problem
from . import oracles

__all__ = ["fit_with_rule", "keras_range_test", "budget_choice", "course_range_test", "fit_with_rule_oracles",
           "keras_range_test_oracles", "budget_choice_oracles"]


# ---------------------------------------------------------------- the training loop (fit_with_rule)

class _Rule(NamedTuple):
    label: str                 # how a message names it
    init: Callable
    step: Callable
    hyperparameters: dict
    keras: Callable            # () -> the built-in optimizer it must match


def _rules() -> dict[str, _Rule]:
    from ..lesson import optim, reference
    from ..lesson.keras_bridge import import_tensorflow

    keras = import_tensorflow().keras.optimizers
    # epsilon is left at its default: the course's rules and Keras's share it (optcourse.constants)
    return {
        "momentum": _Rule("SGD with momentum (learning_rate=0.3, momentum=0.9)", optim.momentum_init, reference.momentum_step,
                          {"learning_rate": 0.3, "momentum": 0.9}, lambda: keras.SGD(learning_rate=0.3, momentum=0.9)),
        "adam": _Rule("Adam (learning_rate=0.05, beta_1=0.8, beta_2=0.99)", reference.adam_init, reference.adam_step,
                      {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.99},
                      lambda: keras.Adam(learning_rate=0.05, beta_1=0.8, beta_2=0.99)),
        "rmsprop": _Rule("RMSprop (learning_rate=0.02, rho=0.8)", optim.rmsprop_init, reference.rmsprop_step,
                         {"learning_rate": 0.02, "rho": 0.8}, lambda: keras.RMSprop(learning_rate=0.02, rho=0.8)),
    }


def _batch_loss(tf, model, X, y):
    """The mean sparse categorical cross-entropy of one batch, as model.fit computes it."""
    return tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(y, model(X, training=True)))


def _keras_fit(start: list, X, y, batches: list, optimizer) -> tuple[np.ndarray, list]:
    """The oracle: ``model.fit`` with a built-in optimizer from ``start``, on the same batches in the same order."""
    from ..lesson.keras_bridge import fit_batches_with_keras, small_classifier

    model = small_classifier(X.shape[1], 3, hidden=start[0].shape[1])
    model.set_weights(start)
    return fit_batches_with_keras(model, X, y, batches, optimizer)


def _own_loop(start: list, X, y, batches: list, rule: _Rule, mistake: str = "") -> tuple[np.ndarray, list, list]:
    """The loop written here, right or with a known ``mistake``: (losses, final weights, final states)."""
    from ..lesson.keras_bridge import import_tensorflow, small_classifier

    tf = import_tensorflow()
    model = small_classifier(X.shape[1], 3, hidden=start[0].shape[1])
    model.set_weights(start)
    variables = model.trainable_variables
    states = [rule.init(v.numpy()) for v in variables]
    losses = []
    schedule = [batches[0]] * len(batches) if mistake == "first batch" else batches
    for rows in schedule:
        rows = np.arange(len(y)) if mistake == "all data" else rows
        with tf.GradientTape() as tape:
            loss = _batch_loss(tf, model, X[rows], y[rows])
            if mistake == "summed loss":
                loss = loss * len(rows)
        grads = tape.gradient(loss, variables)
        for i, (variable, grad) in enumerate(zip(variables, grads)):
            g = -grad.numpy() if mistake == "uphill" else grad.numpy()
            state = rule.init(variable.numpy()) if mistake == "state not fed back" else states[i]
            new_params, states[i] = rule.step(variable.numpy(), g, state, **rule.hyperparameters)
            variable.assign(np.asarray(new_params, dtype=np.float32))
        losses.append(float(loss) / (len(rows) if mistake == "summed loss" else 1))
    return np.array(losses), model.get_weights(), states


_WEIGHT_MISTAKES = {
    "state not fed back": "each step starts from the state `init` gave: keep the state `step` returns for each variable "
                          "and pass it to that variable's next step",
    "uphill": "the steps go uphill: hand `step` the gradients as the tape gives them (the rule subtracts them itself)",
    "all data": "every step uses the gradient of all the examples; use only the batch's rows, X[batch] and y[batch]",
    "first batch": "every step uses the first batch; take one step on each batch of `batches`, in order",
    "summed loss": "the loss is summed over the batch, not averaged: model.fit minimises the batch's mean cross-entropy",
}


def _close(a, b) -> bool:
    return all(np.shape(x) == np.shape(z) and np.allclose(x, z, rtol=MODEL_RTOL, atol=MODEL_ATOL) for x, z in zip(a, b)) \
        and len(a) == len(b)


def _state_arrays(state) -> list | None:
    """A state's fields as arrays, or None when it is not a tuple of numbers."""
    if not isinstance(state, tuple):
        return None
    try:
        return [np.asarray(field, dtype=float) for field in state]
    except (TypeError, ValueError):
        return None


def _states_match(got: list, expected: list) -> bool:
    for mine, theirs in zip(got, expected):
        a, b = _state_arrays(mine), _state_arrays(theirs)
        if a is None or b is None or not _close(a, b):
            return False
    return True


def _learner_losses(value, num_batches: int, case: str) -> np.ndarray:
    __tracebackhide__ = True
    if value is None:
        fail(f"`fit_with_rule` returned None for the losses; record the loss of every batch and return them ({case}).")
    try:
        losses = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        fail(f"`fit_with_rule` returned {type(value).__name__} for the losses; return one number per batch "
             f"(a list or a 1-D array) ({case}).")
    if losses.ndim != 1:
        fail(f"`fit_with_rule` returned losses of shape {losses.shape}; return one number per batch, a 1-D array ({case}).")
    if len(losses) == num_batches - 1:
        fail(f"`fit_with_rule` returned {len(losses)} losses for {num_batches} batches: it skips the last batch. "
             f"Take one step on every batch, the last (smaller) one too ({case}).")
    if len(losses) > num_batches:
        fail(f"`fit_with_rule` took {len(losses)} steps for {num_batches} batches: go through `batches` once, "
             f"one step per batch, and stop ({case}).")
    if len(losses) != num_batches:
        fail(f"`fit_with_rule` returned {len(losses)} losses for {num_batches} batches: record one loss per batch ({case}).")
    return losses


def _call_loop(fn: Callable, args: tuple, hyperparameters: dict, case: str):
    """Call the learner's loop; an error about shapes gets a sentence of ours (TensorFlow's names its layers)."""
    __tracebackhide__ = True
    try:
        return call_learner(fn, "fit_with_rule", args, hyperparameters, keras_allowed=True)
    except CheckFailed as failure:
        message = str(failure)
        if message.startswith("`fit_with_rule` raised") and "shape" in message.lower():
            kind = message.split(" raised ", 1)[1].split(" ", 1)[0]
            fail(f"`fit_with_rule` raised {kind}: a new value does not fit its variable's shape ({case}). Does every "
                 "trainable variable have a state of its own, `init(variable.numpy())`, and get its own new parameters?")
        raise


def _fit_cases(seed: int, num_examples: int, batch_size: int, rules):
    """``fit_with_rule``'s cases: (rule's name, rule, X, y, batches, the seed of the model's starting weights)."""
    known = _rules()
    for index, name in enumerate(rules):
        rng = np.random.default_rng(seed + 101 * index)
        X = rng.uniform(0, 1, size=(num_examples, 10)).astype(np.float32)
        y = rng.integers(0, 3, size=num_examples)
        order = rng.permutation(num_examples)
        batches = [order[i:i + batch_size] for i in range(0, num_examples, batch_size)]
        yield name, known[name], X, y, batches, seed + index


def _expected_fit(name: str, rule: _Rule, start: list, X, y, batches: list, *, ahead: bool = False):
    """The oracle's (losses, final weights), computed once for these inputs (grading/oracles.py)."""
    return oracles.remembered(("fit_with_rule: model.fit", name, rule.hyperparameters, start, X, y, batches),
                              lambda: _keras_fit(start, X, y, batches, rule.keras()), ahead=ahead)


def _expected_states(name: str, rule: _Rule, start: list, X, y, batches: list, *, ahead: bool = False):
    """The final state of every variable after the course's own loop, computed once for these inputs."""
    return oracles.remembered(("fit_with_rule: own loop", name, rule.hyperparameters, start, X, y, batches),
                              lambda: _own_loop(start, X, y, batches, rule)[2], ahead=ahead)


def fit_with_rule_oracles(*, seed: int = 0, num_examples: int = 20, batch_size: int = 8, rules=("momentum", "adam")) -> None:
    """Compute (and remember) the oracle runs ``fit_with_rule`` with these options compares with."""
    from ..lesson.keras_bridge import small_classifier

    for name, rule, X, y, batches, model_seed in _fit_cases(seed, num_examples, batch_size, rules):
        start = small_classifier(10, 3, hidden=8, seed=model_seed).get_weights()
        _expected_fit(name, rule, start, X, y, batches, ahead=True)
        _expected_states(name, rule, start, X, y, batches, ahead=True)


def fit_with_rule(fn: Callable, *, seed: int = 0, num_examples: int = 20, batch_size: int = 8,
                  rules=("momentum", "adam")) -> None:
    """Check ``fn(model, X, y, batches, init, step, **hyperparameters) -> (losses, states)``.

    The learner's loop trains a course model in place, one step of the rule per batch, and must
    end where ``model.fit`` with the matching built-in optimizer ends (same starting weights, same
    batches in the same order), within the model tolerance (``MODEL_RTOL``, ``MODEL_ATOL``).
    """
    __tracebackhide__ = True
    from ..lesson.keras_bridge import small_classifier

    for name, rule, X, y, batches, model_seed in _fit_cases(seed, num_examples, batch_size, rules):
        model = small_classifier(10, 3, hidden=8, seed=model_seed)
        start = model.get_weights()
        given = (X.copy(), y.copy(), [b.copy() for b in batches])
        case = describe(f"the {rule.label} rule, {num_examples} examples in batches of {batch_size}")
        result = _call_loop(fn, (model, X, y, batches, rule.init, rule.step), dict(rule.hyperparameters), case)
        if not (np.array_equal(X, given[0]) and np.array_equal(y, given[1])
                and len(batches) == len(given[2]) and all(np.array_equal(a, b) for a, b in zip(batches, given[2]))):
            fail("`fit_with_rule` changed the data it was given (X, y or the batches); read them, change only the model.")
        if not isinstance(result, tuple) or len(result) != 2:
            got = "None" if result is None else (f"a tuple of {len(result)} items" if isinstance(result, tuple) else type(result).__name__)
            fail(f"`fit_with_rule` returned {got}; return the pair `(losses, states)`: the loss of every batch and "
                 "the final state of every trainable variable.")
        losses = _learner_losses(result[0], len(batches), case)
        weights = model.get_weights()
        if not (np.all(np.isfinite(losses)) and all(np.all(np.isfinite(w)) for w in weights)):
            fail(f"`fit_with_rule` produced NaN or infinite losses or weights where model.fit's stay finite ({case}).")
        states = result[1]
        variables = len(start)
        if not isinstance(states, (list, tuple)) or (isinstance(states, tuple) and hasattr(type(states), "_fields")):
            fail(f"`fit_with_rule` returned {type(states).__name__} for the states; return a list with the final state "
                 f"of each trainable variable ({variables} here).")
        if len(states) != variables:
            fail(f"`fit_with_rule` returned {len(states)} state{'' if len(states) == 1 else 's'} for {variables} trainable variables: every variable needs "
                 "a state of its own, `init(variable.numpy())`, kept from step to step.")
        expected_losses, expected_weights = _expected_fit(name, rule, start, X, y, batches)
        if _close(weights, start):
            initial = [rule.init(w) for w in start]
            if _states_match(states, initial):
                fail(f"`fit_with_rule` leaves the model's weights as they were, and the states are the ones `init` gave: "
                     f"call `step` for every variable on every batch ({case}).")
            fail(f"`fit_with_rule` calls `step`, but the model's weights never change: assign the new parameters back "
                 f"to each variable (`variable.assign(new_params)`) ({case}).")
        if _close(weights, expected_weights):
            if not _close(losses, expected_losses):
                _explain_losses(losses, expected_losses, start, X, y, batches, rule, case)
            expected_states = _expected_states(name, rule, start, X, y, batches)
            if not _states_match(states, expected_states):
                fail(f"`fit_with_rule` trains the model right, but the states it returns are not the last ones: return, "
                     f"for each variable, the state its last step gave back ({case}).")
            continue
        untouched = [k for k, (w, w0, e) in enumerate(zip(weights, start, expected_weights))
                     if np.array_equal(w, w0) and not np.allclose(e, w0)]
        if untouched:
            fail(f"`fit_with_rule` leaves {len(untouched)} of the {variables} trainable variables as they were: take a "
                 f"step on every variable in `model.trainable_variables` ({case}).")
        for mistake, message in _WEIGHT_MISTAKES.items():
            _, mistaken_weights, _ = _own_loop(start, X, y, batches, rule, mistake)
            if _close(weights, mistaken_weights) and not _close(expected_weights, mistaken_weights):
                fail(f"`fit_with_rule`: {message} ({case}).")
        if not math.isclose(losses[0], expected_losses[0], rel_tol=MODEL_RTOL, abs_tol=MODEL_ATOL):
            fail(f"`fit_with_rule`: the first loss, {losses[0]:.6g}, is not the first batch's mean cross-entropy at the "
                 f"starting weights, {expected_losses[0]:.6g}: take the batches in the order given ({case}).")
        gap = max(float(np.max(np.abs(w - e))) for w, e in zip(weights, expected_weights))
        fail(f"`fit_with_rule` ends at weights up to {gap:.2g} away from model.fit's with the built-in optimizer "
             f"(tolerance: rtol {scientific(MODEL_RTOL)}, atol {scientific(MODEL_ATOL)}) ({case}): one step of `step` per "
             "variable per batch, with that batch's gradients and the hyperparameters given.")


def _explain_losses(losses, expected, start, X, y, batches, rule: _Rule, case: str) -> None:
    __tracebackhide__ = True
    after = np.array([float(loss) for loss in _loss_after_each_step(start, X, y, batches, rule)])
    if _close(losses, after):
        fail(f"`fit_with_rule` records each batch's loss after its step; record it before, at the weights the step "
             f"starts from, as model.fit does ({case}).")
    running = np.cumsum(expected * [len(b) for b in batches]) / np.cumsum([len(b) for b in batches])
    if _close(losses, running):
        fail(f"`fit_with_rule` records the running mean of the losses so far (what Keras shows in its progress bar); "
             f"record each batch's own loss ({case}).")
    k = int(np.argmax(~np.isclose(losses, expected, rtol=MODEL_RTOL, atol=MODEL_ATOL)))
    fail(f"`fit_with_rule` trains the model right, but the loss it records for batch {k} is {losses[k]:.6g} where "
         f"{expected[k]:.6g} is expected: record the batch's mean cross-entropy before its step ({case}).")


def _loss_after_each_step(start, X, y, batches, rule: _Rule):
    from ..lesson.keras_bridge import import_tensorflow, small_classifier

    tf = import_tensorflow()
    model = small_classifier(X.shape[1], 3, hidden=start[0].shape[1])
    model.set_weights(start)
    variables = model.trainable_variables
    states = [rule.init(v.numpy()) for v in variables]
    for rows in batches:
        with tf.GradientTape() as tape:
            loss = _batch_loss(tf, model, X[rows], y[rows])
        for i, (variable, grad) in enumerate(zip(variables, tape.gradient(loss, variables))):
            new_params, states[i] = rule.step(variable.numpy(), grad.numpy(), states[i], **rule.hyperparameters)
            variable.assign(np.asarray(new_params, dtype=np.float32))
        yield _batch_loss(tf, model, X[rows], y[rows])


# ---------------------------------------------------------------- a choice under a budget (budget_choice)

def _shown(choice: dict) -> str:
    return f"{choice['optimizer'].lower()}, learning_rate={float(choice['learning_rate']):g}, {choice['schedule'].lower()} schedule"


def _budget_result(choice: dict, seed: int, *, ahead: bool = False):
    """``budget_run(choice, seed=seed)``, computed once for this choice and seed (grading/oracles.py)."""
    return oracles.remembered(("budget_choice: budget_run", dict(choice), seed, tuple(BUDGET)),
                              lambda: budget_run(choice, seed=seed), ahead=ahead)


def budget_choice_oracles(choice, *, seeds=(0,)) -> None:
    """Compute (and remember) the training runs ``budget_choice(choice, seeds=seeds)`` judges."""
    if choice_problem(choice) is None:
        for seed in seeds:
            _budget_result(choice, seed, ahead=True)


def budget_choice(choice, *, seeds=(0,)) -> None:
    """Check a choice of optimizer, learning rate and schedule: trained by the grader for ``BUDGET.steps``
    steps from each seed's weights, it must reach ``BUDGET.target`` validation accuracy every time."""
    __tracebackhide__ = True
    problem = choice_problem(choice)
    if problem:
        fail(problem)
    for seed in seeds:
        result = _budget_result(choice, seed)
        start = describe(f"from the weights of seed {seed}", hidden="from other starting weights")
        if not np.all(np.isfinite(result.losses)):
            fail(f"With your choice ({_shown(choice)}) the training loss blows up to NaN or infinity within "
                 f"{BUDGET.steps} steps {start}: the learning rate is too large for it.")
        if result.validation_accuracy < BUDGET.target:
            fail(f"With your choice ({_shown(choice)}) the network reaches a validation accuracy of "
                 f"{result.validation_accuracy:.3f} in {BUDGET.steps} steps {start}; the target is {BUDGET.target:.2f}.")


# ---------------------------------------------------------------- a range test as a Keras callback (keras_range_test)

def _range_rate(k: int, min_lr: float, max_lr: float, num_steps: int) -> float:
    return min_lr * (max_lr / min_lr) ** (k / (num_steps - 1))


def _range_test_fit(start: list, optimizer, X, y, *, min_lr, max_lr, num_steps, batch_size, mistake: str = "",
                    eagerly: bool = True):
    """The oracle (or a known ``mistake``): the range test run by a callback of ours under ``model.fit``,
    with ``optimizer`` (a new one: it is compiled into a copy of the model).

    Before batch k the optimizer's rate becomes min_lr·(max_lr/min_lr)^(k/(num_steps−1)); after it
    Keras's reported loss (``logs["loss"]``, the mean over the epoch's batches so far) is recorded,
    and training stops once that loss is not finite or above RANGE_TEST_BLOW_UP × the lowest so far.
    """
    from ..constants import RANGE_TEST_BLOW_UP
    from ..lesson.keras_bridge import import_tensorflow, small_classifier

    tf = import_tensorflow()
    rates, losses = [], []

    class RangeTest(tf.keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            rates.append(_range_rate(batch, min_lr, max_lr, num_steps))
            if mistake != "rate never set":
                self.model.optimizer.learning_rate = rates[-1]

        def on_train_batch_end(self, batch, logs=None):
            losses.append(float(logs["loss"]))
            if not math.isfinite(losses[-1]) or losses[-1] > RANGE_TEST_BLOW_UP * min(losses):
                self.model.stop_training = True

    model = small_classifier(X.shape[1], 3, hidden=start[0].shape[1])
    model.set_weights(start)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", run_eagerly=eagerly)
    model.fit(X, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0, callbacks=[RangeTest()])
    return np.array(rates), np.array(losses)


_RANGE_CASES = (("SGD", 1e-2, 1e3, 20, 8), ("Adam", 1e-4, 10.0, 20, 8))


def _range_cases(seed: int, cases):
    """``keras_range_test``'s cases: (optimizer class, settings, X, y, the seed of the model's starting weights)."""
    from ..lesson import datasets

    data = datasets.classification_data()
    for index, (kind, min_lr, max_lr, num_steps, batch_size) in enumerate(cases):
        rows = np.random.default_rng(seed + index).permutation(len(data.y_train))[:num_steps * batch_size]
        X, y = data.X_train[rows].astype(np.float32), data.y_train[rows]
        settings = {"min_lr": min_lr, "max_lr": max_lr, "num_steps": num_steps, "batch_size": batch_size}
        yield kind, settings, X, y, seed + index


def _expected_range(kind: str, config: dict, start: list, X, y, settings: dict, *, ahead: bool = False):
    """The course's range test with a new ``kind`` optimizer of ``config`` from ``start``, computed once for
    these inputs (grading/oracles.py). The optimizer's name is left out: it labels, it does not compute."""
    from ..lesson.keras_bridge import import_tensorflow

    def run():
        optimizer = getattr(import_tensorflow().keras.optimizers, kind).from_config(config)
        return _range_test_fit(start, optimizer, X, y, **settings)

    shown = {key: value for key, value in config.items() if key != "name"}
    return oracles.remembered(("keras_range_test: the course's callback", kind, shown, start, X, y, settings), run, ahead=ahead)


def keras_range_test_oracles(*, seed: int = 0, cases=_RANGE_CASES) -> None:
    """Compute (and remember) the range tests ``keras_range_test`` with these options compares with."""
    from ..lesson.keras_bridge import import_tensorflow, small_classifier

    optimizers = import_tensorflow().keras.optimizers
    for kind, settings, X, y, model_seed in _range_cases(seed, cases):
        start = small_classifier(10, 3, hidden=8, seed=model_seed).get_weights()
        _expected_range(kind, getattr(optimizers, kind)().get_config(), start, X, y, settings, ahead=True)


def keras_range_test(fn: Callable, *, seed: int = 0, cases=_RANGE_CASES) -> None:
    """Check ``fn(model, optimizer, X, y, *, min_lr, max_lr, num_steps, batch_size) -> (rates, losses)``.

    ``cases`` are ``(optimizer class, min_lr, max_lr, num_steps, batch_size)``; X holds exactly
    num_steps batches of the module's training rows, and the learner's callback must record the
    rates and losses the course's does.
    """
    __tracebackhide__ = True
    from ..constants import RANGE_TEST_BLOW_UP, RULE_ATOL, RULE_RTOL
    from ..lesson.keras_bridge import import_tensorflow, small_classifier

    optimizers = import_tensorflow().keras.optimizers
    for kind, settings, X, y, model_seed in _range_cases(seed, cases):
        min_lr, max_lr, num_steps, batch_size = (settings[key] for key in ("min_lr", "max_lr", "num_steps", "batch_size"))
        model = small_classifier(10, 3, hidden=8, seed=model_seed)
        start = model.get_weights()
        optimizer = getattr(optimizers, kind)()
        config = optimizer.get_config()  # as handed over (the learner's callback changes its rate in place)

        def fresh(kind=kind, config=config):
            return getattr(optimizers, kind).from_config(config)
        label = describe(f"{kind}, min_lr={min_lr:g}, max_lr={max_lr:g}, num_steps={num_steps}, batch_size={batch_size}")
        result = call_learner(fn, "keras_range_test", (model, optimizer, X, y), dict(settings), keras_allowed=True)
        if not isinstance(result, tuple) or len(result) != 2:
            got = "None" if result is None else (f"a tuple of {len(result)} items" if isinstance(result, tuple) else type(result).__name__)
            fail(f"`keras_range_test` returned {got}; return the pair `(rates, losses)` your callback recorded.")
        try:
            got_rates, got_losses = (np.asarray(part, dtype=float) for part in result)
        except (TypeError, ValueError):
            fail("`keras_range_test` should return the rates and the losses as lists or 1-D arrays of numbers.")
        if got_rates.ndim != 1 or got_losses.ndim != 1:
            fail("`keras_range_test` should return the rates and the losses as lists or 1-D arrays of numbers.")
        if len(got_rates) != len(got_losses):
            fail(f"`keras_range_test` returned {len(got_rates)} rates but {len(got_losses)} losses: record one loss per "
                 f"rate tried ({label}).")
        rates, losses = _expected_range(kind, config, start, X, y, settings)

        def same(a, b, rtol=MODEL_RTOL, atol=MODEL_ATOL):  # a run that blew up to NaN ends in NaN in both
            return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))

        if same(got_rates, rates, RULE_RTOL, RULE_ATOL) and same(got_losses, losses):
            continue
        full = np.array([_range_rate(k, min_lr, max_lr, num_steps) for k in range(num_steps)])
        if len(got_rates) > num_steps:
            fail(f"`keras_range_test` recorded {len(got_rates)} steps in a test of {num_steps} ({label}): fit one epoch, and "
                 "make the lists in `__init__` (lists made in the class body are shared by every callback and keep an "
                 "earlier run's values).")
        n = min(len(got_rates), num_steps)
        if n > 1 and same(got_rates[:n], np.linspace(min_lr, max_lr, num_steps)[:n], RULE_RTOL, RULE_ATOL):
            fail(f"`keras_range_test` grows the learning rate in equal steps; grow it geometrically, by the same factor "
                 f"each step, from min_lr to max_lr ({label}).")
        if not same(got_rates[:n], full[:n], RULE_RTOL, RULE_ATOL):
            fail(f"`keras_range_test`: batch k should use min_lr × (max_lr / min_lr) ** (k / (num_steps − 1)), from min_lr "
                 f"at the first batch to max_lr at the last ({label}).")
        k = min(len(got_losses), len(losses))
        if not np.all(np.isfinite(got_losses[:k])) and np.all(np.isfinite(losses[:k])):
            fail(f"`keras_range_test` recorded NaN or infinite losses where Keras's stay finite ({label}).")
        if len(got_losses) and not np.isclose(got_losses[0], losses[0], rtol=MODEL_RTOL, atol=MODEL_ATOL):
            fail(f"`keras_range_test`: the first loss, {got_losses[0]:.6g}, is not the one Keras reports after the first "
                 f"batch, {losses[0]:.6g}: compile `model` with the optimizer given and the cross-entropy, fit on X and y "
                 f"in order (shuffle=False) with the batch size given, and record `logs['loss']` after each batch ({label}).")
        k = min(len(got_losses), len(losses))
        if same(got_losses[:k], losses[:k]):  # the same losses, stopped at another step
            if len(got_losses) == num_steps and len(losses) < num_steps:
                fail(f"`keras_range_test` keeps going after the loss blew up: set `self.model.stop_training = True` once "
                     f"a loss is not finite or above {RANGE_TEST_BLOW_UP:g} × the lowest so far ({label}).")
            if len(got_losses) == len(losses) - 1:
                fail(f"`keras_range_test` stops one step early: record the loss that blew up, then stop ({label}).")
            fail(f"`keras_range_test` stops after {len(got_losses)} steps where {len(losses)} are expected ({label}): stop "
                 f"once a loss is not finite or above {RANGE_TEST_BLOW_UP:g} × the lowest loss so far (that loss included).")
        unset_rates, unset_losses = _range_test_fit(start, fresh(), X, y, **settings, mistake="rate never set")
        n = min(len(got_losses), len(unset_losses))
        if n > 1 and same(got_losses[:n], unset_losses[:n]) and not same(losses[:n], unset_losses[:n]):
            fail(f"`keras_range_test` records the rates, but the optimizer never uses them: set "
                 f"`self.model.optimizer.learning_rate` at the start of each batch ({label}).")
        j = int(np.argmax(~np.isclose(got_losses[:k], losses[:k], rtol=MODEL_RTOL, atol=MODEL_ATOL, equal_nan=True)))
        fail(f"`keras_range_test` records the loss {got_losses[j]:.6g} after batch {j} where {losses[j]:.6g} is expected "
             f"({label}): compile with the optimizer given, set each batch's rate before it runs (`on_train_batch_begin`) "
             "and record `logs['loss']` after it (`on_train_batch_end`).")


def course_range_test(model, optimizer, X, y, *, min_lr, max_lr, num_steps, batch_size):
    """The course's range test under ``model.fit`` (it stands in for a learner's that fails its check).

    ``model`` is one of the course's classifiers; it is left as it was (the test runs on a copy).
    Compiled, as a learner's ``model.fit`` is (the check's oracle runs eagerly; both agree within
    the model tolerance), so that a long test on the network stays quick.
    """
    return _range_test_fit(model.get_weights(), type(optimizer).from_config(optimizer.get_config()),
                           np.asarray(X, dtype=np.float32), np.asarray(y),
                           min_lr=min_lr, max_lr=max_lr, num_steps=num_steps, batch_size=batch_size, eagerly=False)
