"""Checks of the learner's Keras know-how in Module 7: counting optimizer state, resetting an optimizer."""
from __future__ import annotations

from typing import Callable

from ..learner_code.calling import call_learner
from ..learner_code.feedback import fail

__all__ = ["optimizer_state_size", "fresh_optimizer"]


def _model_and_count():
    from ..lesson.keras_bridge import small_classifier

    model = small_classifier(10, 3, hidden=8)
    return model, sum(int(v.numpy().size) for v in model.trainable_variables)


def optimizer_state_size(fn: Callable) -> None:
    """Check ``fn(optimizer) -> int``: how many numbers a built optimizer keeps besides its step
    counter and learning rate. The expected counts come from the rules themselves (momentum keeps a
    velocity per parameter, Adam two moments, AMSGrad also the largest v), not from Keras's code."""
    __tracebackhide__ = True
    from ..lesson.keras_bridge import import_tensorflow

    optimizers = import_tensorflow().keras.optimizers
    model, n = _model_and_count()
    # Momentum first: with no slots at all (plain SGD) some mistakes give the same count.
    cases = [("SGD(momentum=0.9)", optimizers.SGD(momentum=0.9), n), ("SGD()", optimizers.SGD(), 0),
             ("Adagrad()", optimizers.Adagrad(), n), ("RMSprop()", optimizers.RMSprop(), n),
             ("RMSprop(centered=True)", optimizers.RMSprop(centered=True), 2 * n), ("Adam()", optimizers.Adam(), 2 * n),
             ("Adam(amsgrad=True)", optimizers.Adam(amsgrad=True), 3 * n)]
    for label, optimizer, expected in cases:
        optimizer.build(model.trainable_variables)
        got = call_learner(fn, "optimizer_state_size", (optimizer,), {}, keras_allowed=True)
        if isinstance(got, bool) or not isinstance(got, int) and not hasattr(got, "__index__"):
            fail(f"`optimizer_state_size` returned {type(got).__name__}; return a whole number (an int).")
        got = int(got)
        if got == expected:
            continue
        arrays = len(optimizer.variables) - 2
        if got == expected + 2:
            fail(f"`optimizer_state_size` counts the step counter and the learning rate too; leave out the variables "
                 f"named 'iteration' and 'learning_rate' ({label}).")
        if got == arrays or got == arrays + 2:
            fail(f"`optimizer_state_size` counts variables ({got}); count the numbers in them (each variable's size) ({label}).")
        if got == n:
            fail(f"`optimizer_state_size` gives the number of model parameters whatever the optimizer ({label}: {expected} expected).")
        fail(f"`optimizer_state_size` gives {got} for {label}; it keeps {expected} numbers for a model with {n} parameters.")


def fresh_optimizer(fn: Callable) -> None:
    """Check ``fn(optimizer)`` returns a new optimizer: same class and hyperparameters, no state."""
    __tracebackhide__ = True
    from ..lesson.keras_bridge import import_tensorflow

    tf = import_tensorflow()
    model, _ = _model_and_count()
    for old in (tf.keras.optimizers.Adam(learning_rate=0.005, beta_1=0.8), tf.keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                tf.keras.optimizers.RMSprop(learning_rate=0.002, rho=0.8)):
        old.build(model.trainable_variables)
        old.iterations.assign(42)
        new = call_learner(fn, "fresh_optimizer", (old,), {}, keras_allowed=True)
        label = f"{type(old).__name__} with learning_rate={float(old.learning_rate):g}"
        if new is old:
            fail("`fresh_optimizer` returned the same optimizer: its step counter and moments come along. Make a new instance.")
        if not isinstance(new, tf.keras.optimizers.Optimizer):
            fail(f"`fresh_optimizer` returned {type(new).__name__}; return a Keras optimizer.")
        if type(new) is not type(old):
            fail(f"`fresh_optimizer` returned a {type(new).__name__} for a {type(old).__name__}; keep the same kind.")
        if getattr(new, "built", False) and int(new.iterations) != 0:
            fail("`fresh_optimizer` returned an optimizer that has already taken steps; it should start from scratch.")
        ignore = {"name"}
        old_config = {k: v for k, v in old.get_config().items() if k not in ignore}
        new_config = {k: v for k, v in new.get_config().items() if k not in ignore}
        changed = sorted(k for k in old_config if old_config[k] != new_config.get(k))
        if changed:
            fail(f"`fresh_optimizer` does not keep the hyperparameters {', '.join(changed)} ({label}): build the new one from "
                 "the old one's configuration (get_config / from_config).")
