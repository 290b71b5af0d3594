"""Checks of the learner's training code in Module 7: a tf.GradientTape loop that drives an update
rule (against ``model.fit`` with the built-in Keras optimizer), and a choice of optimizer, learning
rate and schedule that must reach a validation accuracy within a step budget.

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

__all__ = ["fit_with_rule", "budget_choice", "BUDGET", "BudgetTask", "budget_run", "choice_problem"]


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
    return {
        "sgd": _Rule("SGD (learning_rate=0.5)", optim.momentum_init, reference.momentum_step,
                     {"learning_rate": 0.5, "momentum": 0.0}, lambda: keras.SGD(learning_rate=0.5)),
        "momentum": _Rule("SGD with momentum (learning_rate=0.3, momentum=0.9)", optim.momentum_init, reference.momentum_step,
                          {"learning_rate": 0.3, "momentum": 0.9}, lambda: keras.SGD(learning_rate=0.3, momentum=0.9)),
        "adam": _Rule("Adam (learning_rate=0.05, beta_1=0.8, beta_2=0.99)", reference.adam_init, reference.adam_step,
                      {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-7},
                      lambda: keras.Adam(learning_rate=0.05, beta_1=0.8, beta_2=0.99, epsilon=1e-7)),
        "rmsprop": _Rule("RMSprop (learning_rate=0.02, rho=0.8)", optim.rmsprop_init, reference.rmsprop_step,
                         {"learning_rate": 0.02, "rho": 0.8, "epsilon": 1e-7},
                         lambda: keras.RMSprop(learning_rate=0.02, rho=0.8, epsilon=1e-7)),
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


def fit_with_rule(fn: Callable, *, seed: int = 0, num_examples: int = 20, batch_size: int = 8,
                  rules=("momentum", "adam")) -> None:
    """Check ``fn(model, X, y, batches, init, step, **hyperparameters) -> (losses, states)``.

    The learner's loop trains a course model in place, one step of the rule per batch, and must
    end where ``model.fit`` with the matching built-in optimizer ends (same starting weights, same
    batches in the same order), within the model tolerance (``MODEL_RTOL``, ``MODEL_ATOL``).
    """
    __tracebackhide__ = True
    from ..lesson.keras_bridge import small_classifier

    known = _rules()
    for index, name in enumerate(rules):
        rule = known[name]
        rng = np.random.default_rng(seed + 101 * index)
        X = rng.uniform(0, 1, size=(num_examples, 10)).astype(np.float32)
        y = rng.integers(0, 3, size=num_examples)
        order = rng.permutation(num_examples)
        batches = [order[i:i + batch_size] for i in range(0, num_examples, batch_size)]
        model = small_classifier(10, 3, hidden=8, seed=seed + index)
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
            fail(f"`fit_with_rule` returned {len(states)} states for {variables} trainable variables: every variable needs "
                 "a state of its own, `init(variable.numpy())`, kept from step to step.")
        expected_losses, expected_weights = _keras_fit(start, X, y, batches, rule.keras())
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
            _, _, expected_states = _own_loop(start, X, y, batches, rule)
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
    after = np.array([float(l) for l in _loss_after_each_step(start, X, y, batches, rule)])
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

class BudgetTask(NamedTuple):
    """The task of the budget exercise: what is trained, for how long, and what it must reach."""

    steps: int           # optimizer steps allowed (mini-batches of batch_size)
    batch_size: int
    train_rows: int      # the first rows of the module's training set train; the rest are the validation set
    target: float        # the validation accuracy to reach


BUDGET = BudgetTask(steps=120, batch_size=32, train_rows=600, target=0.80)

_OPTIMIZERS = ("sgd", "momentum", "adagrad", "rmsprop", "adam")
_SCHEDULES = ("constant", "cosine", "exponential")
_KEYS = ("optimizer", "learning_rate", "schedule")


def choice_problem(choice) -> str | None:
    """What is wrong with the form of ``choice``, in one sentence, or None when it is well formed."""
    example = '{"optimizer": "adam", "learning_rate": 0.001, "schedule": "constant"}'
    if not isinstance(choice, dict):
        return f"`my_choice` is a {type(choice).__name__}; write a dict such as {example}."
    missing = [key for key in _KEYS if key not in choice]
    if missing:
        return f"`my_choice` has no {', '.join(repr(k) for k in missing)}; write a dict such as {example}."
    extra = sorted(str(key) for key in choice if key not in _KEYS)
    if extra:
        return f"`my_choice` has keys the task does not use ({', '.join(repr(k) for k in extra)}); keep only {', '.join(map(repr, _KEYS))}."
    optimizer, rate, schedule = (choice[key] for key in _KEYS)
    if not isinstance(optimizer, str) or optimizer.lower() not in _OPTIMIZERS:
        return f"`my_choice['optimizer']` is {optimizer!r}; choose one of {', '.join(map(repr, _OPTIMIZERS))}."
    if isinstance(rate, bool) or not isinstance(rate, (int, float, np.integer, np.floating)) or not math.isfinite(float(rate)) \
            or not 0 < float(rate) <= 10:
        return f"`my_choice['learning_rate']` is {rate!r}; give a number above 0 and at most 10."
    if not isinstance(schedule, str) or schedule.lower() not in _SCHEDULES:
        return f"`my_choice['schedule']` is {schedule!r}; choose one of {', '.join(map(repr, _SCHEDULES))}."
    return None


def _keras_optimizer(choice: dict, steps: int):
    from ..lesson.keras_bridge import import_tensorflow

    keras = import_tensorflow().keras
    rate, schedule = float(choice["learning_rate"]), choice["schedule"].lower()
    if schedule == "cosine":
        rate = keras.optimizers.schedules.CosineDecay(rate, decay_steps=steps)
    elif schedule == "exponential":  # a tenth of the rate by the last step
        rate = keras.optimizers.schedules.ExponentialDecay(rate, decay_steps=steps, decay_rate=0.1)
    return {"sgd": lambda: keras.optimizers.SGD(learning_rate=rate),
            "momentum": lambda: keras.optimizers.SGD(learning_rate=rate, momentum=0.9),
            "adagrad": lambda: keras.optimizers.Adagrad(learning_rate=rate),
            "rmsprop": lambda: keras.optimizers.RMSprop(learning_rate=rate),
            "adam": lambda: keras.optimizers.Adam(learning_rate=rate)}[choice["optimizer"].lower()]()


class BudgetResult(NamedTuple):
    validation_accuracy: float
    losses: np.ndarray   # the mean training loss of the batches so far, after each step (Keras's running mean)


def budget_run(choice: dict, *, seed: int = 0, task: BudgetTask = BUDGET) -> BudgetResult:
    """Train the module's network with ``choice`` for exactly ``task.steps`` steps; its validation accuracy.

    Deterministic: the weights come from ``seed``, the batches from a permutation per epoch drawn
    from ``seed``; the same choice and seed give the same numbers every time.
    """
    from ..lesson import datasets
    from ..lesson.keras_bridge import import_tensorflow, small_classifier

    problem = choice_problem(choice)
    if problem:
        raise ValueError(problem)
    tf = import_tensorflow()
    data = datasets.classification_data()
    X, y = data.X_train[:task.train_rows], data.y_train[:task.train_rows]
    X_val, y_val = data.X_train[task.train_rows:], data.y_train[task.train_rows:]
    rng = np.random.default_rng(seed)
    needed = task.steps * task.batch_size
    order = np.concatenate([rng.permutation(len(y)) for _ in range(-(-needed // len(y)))])[:needed]
    model = small_classifier(X.shape[1], 3, seed=seed)
    model.compile(optimizer=_keras_optimizer(choice, task.steps), loss="sparse_categorical_crossentropy")
    losses = []
    record = tf.keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: losses.append(float(logs["loss"])))
    model.fit(X[order], y[order], batch_size=task.batch_size, epochs=1, shuffle=False, verbose=0, callbacks=[record])
    predicted = np.argmax(model(X_val.astype(np.float32), training=False).numpy(), axis=1)
    return BudgetResult(float(np.mean(predicted == y_val)), np.array(losses))


def _shown(choice: dict) -> str:
    return f"{choice['optimizer'].lower()}, learning_rate={float(choice['learning_rate']):g}, {choice['schedule'].lower()} schedule"


def budget_choice(choice, *, seeds=(0,)) -> None:
    """Check a choice of optimizer, learning rate and schedule: trained by the grader for ``BUDGET.steps``
    steps from each seed's weights, it must reach ``BUDGET.target`` validation accuracy every time."""
    __tracebackhide__ = True
    problem = choice_problem(choice)
    if problem:
        fail(problem)
    for seed in seeds:
        result = budget_run(choice, seed=seed)
        start = describe(f"from the weights of seed {seed}", hidden="from other starting weights")
        if not np.all(np.isfinite(result.losses)):
            fail(f"With your choice ({_shown(choice)}) the training loss blows up to NaN or infinity within "
                 f"{BUDGET.steps} steps {start}: the learning rate is too large for it.")
        if result.validation_accuracy < BUDGET.target:
            fail(f"With your choice ({_shown(choice)}) the network reaches a validation accuracy of "
                 f"{result.validation_accuracy:.3f} in {BUDGET.steps} steps {start}; the target is {BUDGET.target:.2f}.")
