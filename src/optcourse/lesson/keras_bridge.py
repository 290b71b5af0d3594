"""TensorFlow/Keras, for the "Keras way" sections and as the referee for the learner's rules."""
from __future__ import annotations

import contextlib
import math
import os
import sys
import threading
from typing import Callable, NamedTuple

import numpy as np

__all__ = ["import_tensorflow", "keras_rule_run", "keras_momentum_run", "small_regression_model", "small_classifier",
           "train_with_rule", "train_with_keras_optimizer", "fit_batches_with_keras", "BudgetTask", "BUDGET", "BudgetResult",
           "budget_run", "choice_problem"]


def import_tensorflow():
    """Import and return ``tensorflow`` with its start-up log lines switched off.

    TensorFlow writes oneDNN and absl messages to stderr at import; in a graded cell nbgrader
    would count that stderr as a failure. The variables must be set before the first import. The
    full ``tensorflow`` build (Colab's, a hub's) also reports its CUDA probe ("Could not find cuda
    drivers") whatever the variables say, straight to file descriptor 2, where redirecting
    ``sys.stderr`` cannot catch it: so the first import runs with that descriptor on /dev/null.
    """
    if _early_import is not None and _early_import is not threading.current_thread():
        _early_import.join()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    if "tensorflow" not in sys.modules:
        with _native_stderr_discarded():
            import tensorflow  # noqa: F401 - imported once, quietly; the name is bound below
    import tensorflow as tf

    if getattr(tf, "__file__", None) is None:  # an empty folder: the grader leaves TensorFlow out (autograder/worker_view.py)
        raise ImportError("TensorFlow is not available while this module is graded: its rules are written with numpy")
    return tf


_early_import: threading.Thread | None = None


def start_importing_tensorflow() -> None:
    """Begin ``import_tensorflow`` in a background thread; the next call waits for it to finish.

    The referee uses it so that TensorFlow loads on the second core while the learner's cells run
    (about 3.5 s saved per Keras-checked notebook on this course's 2-core machine). While it loads,
    this process's native stderr is on /dev/null (see ``import_tensorflow``).
    """
    global _early_import
    if "tensorflow" not in sys.modules and _early_import is None:
        _early_import = threading.Thread(target=import_tensorflow, name="import-tensorflow", daemon=True)
        _early_import.start()


@contextlib.contextmanager
def _native_stderr_discarded():
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def keras_rule_run(optimizer, params, grads_sequence, *, slots: dict | None = None,
                   iterations: int = 0) -> tuple[np.ndarray, dict]:
    """Run a Keras optimizer on fixed gradients in float64, from a chosen starting state.

    ``slots`` maps the optimizer's slot lists (``"_accumulators"``, ``"_velocities"``,
    ``"_momentums"``, ``"momentums"``) to starting arrays (``None``: keep the value Keras builds, and
    only read it); ``iterations`` sets its step counter.
    Returns the parameters after every step, shape ``(num_steps, *params.shape)``, and each slot's
    values after every step, plus ``"iterations"``.
    """
    tf = import_tensorflow()
    variable = tf.Variable(np.asarray(params, dtype=np.float64))
    optimizer.build([variable])
    slots = slots or {}
    for name, value in slots.items():
        if value is not None:
            getattr(optimizer, name)[0].assign(np.asarray(value, dtype=np.float64))
    optimizer.iterations.assign(iterations)
    params_after, slots_after = [], {name: [] for name in [*slots, "iterations"]}
    for grads in grads_sequence:
        optimizer.apply_gradients([(tf.constant(np.asarray(grads, dtype=np.float64)), variable)])
        params_after.append(variable.numpy())
        for name in slots:
            slots_after[name].append(getattr(optimizer, name)[0].numpy())
        slots_after["iterations"].append(int(optimizer.iterations))
    return np.array(params_after), {name: np.array(values) for name, values in slots_after.items()}


def keras_momentum_run(params, grads_sequence, velocity, *, learning_rate: float, momentum: float,
                       nesterov: bool) -> tuple[np.ndarray, np.ndarray]:
    """Run ``tf.keras.optimizers.SGD(momentum=…, nesterov=…)`` on fixed gradients, in float64.

    Starts from ``params`` with the momentum slot set to ``velocity`` (``None``: as Keras builds it,
    zero). Returns the parameters and
    the velocity after every step, each of shape ``(num_steps, *params.shape)``.
    """
    tf = import_tensorflow()
    variable = tf.Variable(np.asarray(params, dtype=np.float64))
    optimizer = tf.keras.optimizers.SGD(learning_rate=float(learning_rate), momentum=float(momentum), nesterov=nesterov)
    optimizer.build([variable])
    if momentum and velocity is not None:
        optimizer.momentums[0].assign(np.asarray(velocity, dtype=np.float64))
    params_after, velocity_after = [], []
    for grads in grads_sequence:
        before = variable.numpy()
        optimizer.apply_gradients([(tf.constant(np.asarray(grads, dtype=np.float64)), variable)])
        params_after.append(variable.numpy())
        # Without momentum Keras keeps no slot; the step it took plays the velocity's part.
        velocity_after.append(optimizer.momentums[0].numpy() if momentum else variable.numpy() - before)
    return np.array(params_after), np.array(velocity_after)


# Seeding sets process-wide generators (Python's ``random``, which Keras's initializers draw their seeds
# from, numpy's and TensorFlow's): a model is seeded and built under this lock, so that two threads
# building models (the referee's checks and the oracle runs it works out ahead, grading/oracles.py)
# never interleave and every seed gives the same weights.
_SEEDED_BUILD = threading.RLock()


def small_regression_model(num_features: int, *, hidden: int = 16, seed: int = 0):
    """A small Keras model for regression: input → Dense(ReLU) → Dense(1), seeded weights."""
    tf = import_tensorflow()
    with _SEEDED_BUILD:
        tf.keras.utils.set_random_seed(seed)
        return tf.keras.Sequential([
            tf.keras.Input(shape=(num_features,)),
            tf.keras.layers.Dense(hidden, activation="relu"),
            tf.keras.layers.Dense(1),
        ])


def small_classifier(num_features: int, num_classes: int, *, hidden: int = 32, seed: int = 0):
    """The 3-layer classifier of Module 7: input → Dense(ReLU) → Dense(softmax), seeded weights.

    The model carries how it was built (``optcourse_recipe``), so that the grader's referee can
    hand it to a learner's function as plain data: the recipe and the weights (learner_code/channel.py).
    """
    tf = import_tensorflow()
    with _SEEDED_BUILD:
        tf.keras.utils.set_random_seed(seed)
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(num_features,)),
            tf.keras.layers.Dense(hidden, activation="relu"),
            tf.keras.layers.Dense(num_classes, activation="softmax"),
        ])
    # Set past Keras's attribute tracking: a plain tuple, not a tracked structure.
    object.__setattr__(model, "optcourse_recipe",
                       ("small_classifier", {"num_features": int(num_features), "num_classes": int(num_classes), "hidden": int(hidden)}))
    return model


def _batches(num_examples: int, batch_size: int, epochs: int, seed: int):
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(num_examples)
        yield from (order[i:i + batch_size] for i in range(0, num_examples, batch_size))


def _loss_and_gradients(tf, model, X, y, loss_fn):
    with tf.GradientTape() as tape:
        predictions = model(X, training=True)
        loss = loss_fn(y, predictions) if loss_fn else tf.reduce_mean((predictions[:, 0] - y) ** 2)
    return float(loss), tape.gradient(loss, model.trainable_variables)


def train_with_rule(model, X, y, step: Callable, init: Callable, *, batch_size: int = 32, epochs: int = 2,
                    seed: int = 0, loss_fn=None, **hyperparameters) -> np.ndarray:
    """Train ``model`` with a numpy update rule, one state per variable; return batch losses.

    The loss is ``loss_fn(y, predictions)`` (a Keras loss), or the mean squared error by default.

    An eager ``tf.GradientTape`` loop: each step hands ``var.numpy()`` and ``grad.numpy()`` to
    ``step(params, grads, state, **hyperparameters)`` and assigns the new parameters back.
    """
    tf = import_tensorflow()
    X, y = tf.constant(X, tf.float32), tf.constant(y, tf.float32)
    states = [init(variable.numpy()) for variable in model.trainable_variables]
    losses = []
    for batch in _batches(len(y), batch_size, epochs, seed):
        loss, gradients = _loss_and_gradients(tf, model, tf.gather(X, batch), tf.gather(y, batch), loss_fn)
        losses.append(loss)
        for i, (variable, gradient) in enumerate(zip(model.trainable_variables, gradients)):
            new_params, states[i] = step(variable.numpy(), gradient.numpy(), states[i], **hyperparameters)
            variable.assign(np.asarray(new_params, dtype=np.float32))
    return np.array(losses)


def train_with_keras_optimizer(model, X, y, optimizer, *, batch_size: int = 32, epochs: int = 2,
                               seed: int = 0, loss_fn=None) -> np.ndarray:
    """The same loop and the same batches as ``train_with_rule``, stepped by a Keras optimizer."""
    tf = import_tensorflow()
    X, y = tf.constant(X, tf.float32), tf.constant(y, tf.float32)
    losses = []
    for batch in _batches(len(y), batch_size, epochs, seed):
        loss, gradients = _loss_and_gradients(tf, model, tf.gather(X, batch), tf.gather(y, batch), loss_fn)
        losses.append(loss)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    return np.array(losses)


def fit_batches_with_keras(model, X, y, batches: list, optimizer) -> tuple[np.ndarray, list]:
    """``model.fit`` with a built-in optimizer on the given mini-batches, in their order, for a classifier.

    ``batches`` are index arrays of one size, the last one possibly smaller (the batches of one pass
    through a permutation, or several such passes one after the other). Returns the loss of each
    batch at the weights its step starts from (Keras itself reports a running mean) and the
    weights at the end.
    """
    tf = import_tensorflow()
    X, y = np.asarray(X, dtype=np.float32), np.asarray(y)
    losses: list[float] = []

    class BatchLoss(tf.keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            rows = batches[batch]
            predictions = self.model(X[rows], training=True)
            losses.append(float(tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(y[rows], predictions))))

    sizes = {len(b) for b in batches[:-1]}
    if len(sizes) > 1 or (sizes and len(batches[-1]) > min(sizes)):
        raise ValueError("model.fit takes batches of one size (the last one may be smaller)")
    order = np.concatenate(batches)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", run_eagerly=True)
    model.fit(X[order], y[order], batch_size=len(batches[0]), epochs=1, shuffle=False, verbose=0, callbacks=[BatchLoss()])
    return np.array(losses), model.get_weights()


# ---------------------------------------------------------------- Module 7's task: a choice under a budget

class BudgetTask(NamedTuple):
    """The task of the budget exercise: what is trained, for how long, and what it must reach."""

    steps: int           # optimizer steps allowed (mini-batches of batch_size)
    batch_size: int
    train_rows: int      # the first rows of the module's training set train; the rest are the validation set
    target: float        # the validation accuracy to reach


BUDGET = BudgetTask(steps=200, batch_size=32, train_rows=600, target=0.65)

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
    from . import datasets

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
