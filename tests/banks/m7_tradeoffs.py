"""Module 7: counting an optimizer's state, and a fresh optimizer with the same hyperparameters."""
import copy
import math

import numpy as np

from . import Bank
from .bad_input import printing_to_stderr, raising


def _name(variable) -> str:
    return variable.path.split("/")[-1]


def state_size(optimizer):
    return sum(int(v.numpy().size) for v in optimizer.variables if _name(v) not in ("iteration", "learning_rate"))


def state_size_by_shape(optimizer):
    return int(sum(np.prod(v.shape) for v in optimizer.variables if _name(v) not in ("iteration", "learning_rate")))


def state_size_minus_scalars(optimizer):
    total = sum(int(np.size(v.numpy())) for v in optimizer.variables)
    return total - sum(1 for v in optimizer.variables if _name(v) in ("iteration", "learning_rate"))


def state_size_numpy_int(optimizer):
    return np.int64(state_size(optimizer))


def state_size_loop(optimizer):
    count = 0
    for variable in optimizer.variables:
        if _name(variable) in {"iteration", "learning_rate"}:
            continue
        count += variable.numpy().size
    return count


def state_size_skip_first_two(optimizer):
    return sum(int(v.numpy().size) for v in optimizer.variables[2:])  # Keras lists iteration, learning_rate first


def _all_numbers(optimizer):
    return sum(int(v.numpy().size) for v in optimizer.variables)


OPTIMIZER_STATE_SIZE = Bank("optimizer_state_size", right={
    "sizes of the slots": state_size,
    "products of the shapes": state_size_by_shape,
    "all numbers minus the two scalars": state_size_minus_scalars,
    "a numpy integer": state_size_numpy_int,
    "a loop": state_size_loop,
    "skipping the first two variables": state_size_skip_first_two,
    "prints to stderr": printing_to_stderr(state_size),
}, wrong={
    "counts everything": (_all_numbers, "`optimizer_state_size` counts the step counter and the learning rate too; leave out the variables named 'iteration' and 'learning_rate' (SGD(momentum=0.9))."),
    "counts variables": (lambda optimizer: len(optimizer.variables) - 2, "`optimizer_state_size` counts variables (4); count the numbers in them (each variable's size) (SGD(momentum=0.9))."),
    "counts all variables": (lambda optimizer: len(optimizer.variables), "`optimizer_state_size` counts variables (6); count the numbers in them (each variable's size) (SGD(momentum=0.9))."),
    "model parameters": (lambda optimizer: sum(int(v.numpy().size) for v in optimizer.variables[2:3]) or 187, '`optimizer_state_size` gives 80 for SGD(momentum=0.9); it keeps 115 numbers for a model with 115 parameters.'),
    "returns None": (lambda optimizer: None, '`optimizer_state_size` returned NoneType; return a whole number (an int).'),
    "returns a float": (lambda optimizer: float(state_size(optimizer)), '`optimizer_state_size` returned float; return a whole number (an int).'),
    "returns a string": (lambda optimizer: str(state_size(optimizer)), '`optimizer_state_size` returned str; return a whole number (an int).'),
    "returns a bool": (lambda optimizer: True, '`optimizer_state_size` returned bool; return a whole number (an int).'),
    "returns a list of sizes": (lambda optimizer: [int(v.numpy().size) for v in optimizer.variables[2:]], '`optimizer_state_size` returned list; return a whole number (an int).'),
    "raises": (raising(AttributeError("'Adam' object has no attribute 'weights'"))(state_size), "`optimizer_state_size` raised AttributeError ('Adam' object has no attribute 'weights') when called as optimizer_state_size(…)."),
    "not a function": (None, '`optimizer_state_size` is not a function (it is a NoneType); define it with `def optimizer_state_size(...)`.'),
    "not written yet": (lambda optimizer: (_ for _ in ()).throw(NotImplementedError()), '`optimizer_state_size` is not written yet: replace `raise NotImplementedError()` with your code.'),
    "only the first slot": (lambda optimizer: sum(int(v.numpy().size) for v in optimizer.variables[2:3]), '`optimizer_state_size` gives 80 for SGD(momentum=0.9); it keeps 115 numbers for a model with 115 parameters.'),
    "twice the slots": (lambda optimizer: 2 * state_size(optimizer), '`optimizer_state_size` gives 230 for SGD(momentum=0.9); it keeps 115 numbers for a model with 115 parameters.'),
    "half the slots": (lambda optimizer: state_size(optimizer) // 2, '`optimizer_state_size` gives 57 for SGD(momentum=0.9); it keeps 115 numbers for a model with 115 parameters.'),
    "counts iteration only extra": (lambda optimizer: state_size(optimizer) + 1, '`optimizer_state_size` gives 116 for SGD(momentum=0.9); it keeps 115 numbers for a model with 115 parameters.'),
    "counts the step counter and rate": (lambda optimizer: state_size(optimizer) + 2, "`optimizer_state_size` counts the step counter and the learning rate too; leave out the variables named 'iteration' and 'learning_rate' (SGD(momentum=0.9))."),
    "a fixed number": (lambda optimizer: 187, '`optimizer_state_size` gives 187 for SGD(momentum=0.9); it keeps 115 numbers for a model with 115 parameters.'),
    "counts bytes": (lambda optimizer: 4 * state_size(optimizer), '`optimizer_state_size` gives 460 for SGD(momentum=0.9); it keeps 115 numbers for a model with 115 parameters.'),
    "zero always": (lambda optimizer: 0, '`optimizer_state_size` gives 0 for SGD(momentum=0.9); it keeps 115 numbers for a model with 115 parameters.'),
    "number of parameter arrays per slot": (lambda optimizer: len(optimizer.variables[2:]) * 4, '`optimizer_state_size` gives 16 for SGD(momentum=0.9); it keeps 115 numbers for a model with 115 parameters.'),
    "last slot only": (lambda optimizer: int(optimizer.variables[-1].numpy().size) if len(optimizer.variables) > 2 else 0, '`optimizer_state_size` gives 3 for SGD(momentum=0.9); it keeps 115 numbers for a model with 115 parameters.'),
    "momentum slots only": (lambda optimizer: sum(int(v.numpy().size) for v in optimizer.variables if "momentum" in _name(v)), '`optimizer_state_size` gives 0 for Adagrad(); it keeps 115 numbers for a model with 115 parameters.'),
    "negative": (lambda optimizer: -state_size(optimizer), '`optimizer_state_size` gives -115 for SGD(momentum=0.9); it keeps 115 numbers for a model with 115 parameters.'),
    "a numpy float": (lambda optimizer: np.float64(state_size(optimizer)), '`optimizer_state_size` returned float64; return a whole number (an int).'),
})


# ---------------------------------------------------------------- fresh_optimizer
def fresh(optimizer):
    return type(optimizer).from_config(optimizer.get_config())


def fresh_by_class_of_config(optimizer):
    return optimizer.__class__(**optimizer.get_config())


def fresh_via_keras_deserialize(optimizer):
    import keras

    return keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))


def fresh_via_get(optimizer):
    import keras

    return keras.optimizers.get({"class_name": type(optimizer).__name__, "config": optimizer.get_config()})


def fresh_config_copy(optimizer):
    config = dict(optimizer.get_config())
    return type(optimizer).from_config(copy.deepcopy(config))


def fresh_same_name(optimizer):
    config = optimizer.get_config()
    config.pop("name", None)
    return type(optimizer).from_config(config)


def fresh_by_copy(optimizer):
    """copy.copy of a Keras 3 optimizer is a new, unbuilt one from its config (Keras warns while making it)."""
    return copy.copy(optimizer)


def _state_copied_over(optimizer):
    new = fresh(optimizer)
    new.build(optimizer._trainable_variables)
    for mine, theirs in zip(new.variables, optimizer.variables):
        mine.assign(theirs)
    return new


def _same(optimizer):
    return optimizer


def _defaults(optimizer):
    return type(optimizer)()


def _adam_always(optimizer):
    import keras

    return keras.optimizers.Adam(**{k: v for k, v in optimizer.get_config().items() if k in ("learning_rate",)})


def _learning_rate_only(optimizer):
    return type(optimizer)(learning_rate=float(optimizer.learning_rate))


def _sgd_always(optimizer):
    import keras

    return keras.optimizers.SGD()


def _lost_beta(optimizer):
    config = optimizer.get_config()
    config.pop("beta_1", None)
    config.pop("momentum", None)
    config.pop("rho", None)
    return type(optimizer).from_config(config)


FRESH_OPTIMIZER = Bank("fresh_optimizer", right={
    "from_config": fresh,
    "the class called with the config": fresh_by_class_of_config,
    "serialize and deserialize": fresh_via_keras_deserialize,
    "keras.optimizers.get": fresh_via_get,
    "a copy of the config": fresh_config_copy,
    "config without the name": fresh_same_name,
    "prints to stderr": printing_to_stderr(fresh),
    "copy.copy": fresh_by_copy,
}, wrong={
    "state copied over": (_state_copied_over, '`fresh_optimizer` returned an optimizer that has already taken steps; it should start from scratch.'),
    "same optimizer": (_same, '`fresh_optimizer` returned the same optimizer: its step counter and moments come along. Make a new instance.'),
    "defaults": (_defaults, "`fresh_optimizer` does not keep the hyperparameters beta_1, learning_rate (Adam with learning_rate=0.005): build the new one from the old one's configuration (get_config / from_config)."),
    "always Adam": (_adam_always, "`fresh_optimizer` does not keep the hyperparameters beta_1 (Adam with learning_rate=0.005): build the new one from the old one's configuration (get_config / from_config)."),
    "learning rate only": (_learning_rate_only, "`fresh_optimizer` does not keep the hyperparameters beta_1 (Adam with learning_rate=0.005): build the new one from the old one's configuration (get_config / from_config)."),
    "always SGD": (_sgd_always, '`fresh_optimizer` returned a SGD for a Adam; keep the same kind.'),
    "loses the second hyperparameter": (_lost_beta, "`fresh_optimizer` does not keep the hyperparameters beta_1 (Adam with learning_rate=0.005): build the new one from the old one's configuration (get_config / from_config)."),
    "returns None": (lambda optimizer: None, '`fresh_optimizer` returned NoneType; return a Keras optimizer.'),
    "returns the config": (lambda optimizer: optimizer.get_config(), '`fresh_optimizer` returned dict; return a Keras optimizer.'),
    "returns the class": (lambda optimizer: type(optimizer), '`fresh_optimizer` returned type; return a Keras optimizer.'),
    "returns a string": (lambda optimizer: type(optimizer).__name__.lower(), '`fresh_optimizer` returned str; return a Keras optimizer.'),
    "raises": (raising(AttributeError("'Adam' object has no attribute 'reset_state'"))(fresh), "`fresh_optimizer` raised AttributeError ('Adam' object has no attribute 'reset_state') when called as fresh_optimizer(…)."),
    "not a function": ("fresh", '`fresh_optimizer` is not a function (it is a str); define it with `def fresh_optimizer(...)`.'),
    "not written yet": (lambda optimizer: (_ for _ in ()).throw(NotImplementedError()), '`fresh_optimizer` is not written yet: replace `raise NotImplementedError()` with your code.'),
    "resets iterations in place": (lambda optimizer: (optimizer.iterations.assign(0), optimizer)[1], '`fresh_optimizer` returned the same optimizer: its step counter and moments come along. Make a new instance.'),
    "returns a pair": (lambda optimizer: (fresh(optimizer), optimizer), '`fresh_optimizer` returned tuple; return a Keras optimizer.'),
    "returns a list": (lambda optimizer: [fresh(optimizer)], '`fresh_optimizer` returned list; return a Keras optimizer.'),
    "halves the learning rate": (lambda optimizer: type(optimizer).from_config({**optimizer.get_config(), "learning_rate": float(optimizer.learning_rate) / 2}), "`fresh_optimizer` does not keep the hyperparameters learning_rate (Adam with learning_rate=0.005): build the new one from the old one's configuration (get_config / from_config)."),
    "default learning rate": (lambda optimizer: type(optimizer).from_config({**optimizer.get_config(), "learning_rate": 0.001}), "`fresh_optimizer` does not keep the hyperparameters learning_rate (Adam with learning_rate=0.005): build the new one from the old one's configuration (get_config / from_config)."),
    "clipnorm added": (lambda optimizer: type(optimizer).from_config({**optimizer.get_config(), "clipnorm": 1.0}), "`fresh_optimizer` does not keep the hyperparameters clipnorm (Adam with learning_rate=0.005): build the new one from the old one's configuration (get_config / from_config)."),
    "weight decay added": (lambda optimizer: type(optimizer).from_config({**optimizer.get_config(), "weight_decay": 0.01}), "`fresh_optimizer` does not keep the hyperparameters weight_decay (Adam with learning_rate=0.005): build the new one from the old one's configuration (get_config / from_config)."),
    "nesterov switched on": (lambda optimizer: type(optimizer).from_config({**optimizer.get_config(), **({"nesterov": True} if "nesterov" in optimizer.get_config() else {"epsilon": 1e-3})}), "`fresh_optimizer` does not keep the hyperparameters epsilon (Adam with learning_rate=0.005): build the new one from the old one's configuration (get_config / from_config)."),
    "RMSprop always": (lambda optimizer: __import__("keras").optimizers.RMSprop(), '`fresh_optimizer` returned a RMSprop for a Adam; keep the same kind.'),
    "the model": (lambda optimizer: 0, '`fresh_optimizer` returned int; return a Keras optimizer.'),
    "built and stepped copy": (lambda optimizer: (lambda new: (new.build(optimizer._trainable_variables), new.iterations.assign(1), new)[2])(fresh(optimizer)), '`fresh_optimizer` returned an optimizer that has already taken steps; it should start from scratch.'),
})



# ---------------------------------------------------------------- fit_with_rule: the training loop
def _tf():
    from optcourse.lesson.keras_bridge import import_tensorflow

    return import_tensorflow()


def _mean_crossentropy(model, X, y):
    tf = _tf()
    return tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(y, model(X, training=True)))


def fit(model, X, y, batches, init, step, **hyperparameters):
    tf = _tf()
    variables = model.trainable_variables
    states = [init(v.numpy()) for v in variables]
    losses = []
    for batch in batches:
        with tf.GradientTape() as tape:
            loss = _mean_crossentropy(model, X[batch], y[batch])
        grads = tape.gradient(loss, variables)
        for i, (variable, grad) in enumerate(zip(variables, grads)):
            new_params, states[i] = step(variable.numpy(), grad.numpy(), states[i], **hyperparameters)
            variable.assign(new_params)
        losses.append(float(loss))
    return np.array(losses), states


def fit_with_keras_loss_object(model, X, y, batches, init, step, **hyperparameters):
    tf = _tf()
    crossentropy = tf.keras.losses.SparseCategoricalCrossentropy()
    states = {v.path: init(v.numpy()) for v in model.trainable_variables}
    losses = []
    for batch in batches:
        with tf.GradientTape() as tape:
            loss = crossentropy(tf.gather(y, batch), model(tf.gather(X, batch)))
        for variable, grad in zip(model.trainable_variables, tape.gradient(loss, model.trainable_variables)):
            params, states[variable.path] = step(variable.numpy(), grad.numpy(), states[variable.path], **hyperparameters)
            variable.assign(tf.constant(params, dtype=variable.dtype))
        losses.append(loss)                 # tensors: they reach the grader as the numbers they hold
    return losses, list(states.values())


def fit_with_float64(model, X, y, batches, init, step, **hyperparameters):
    tf = _tf()
    states = [init(np.asarray(v.numpy(), dtype=np.float64)) for v in model.trainable_variables]
    losses = np.zeros(len(batches))
    for k, batch in enumerate(batches):
        Xb, yb = tf.constant(X[batch]), tf.constant(y[batch])
        with tf.GradientTape() as tape:
            probabilities = model(Xb, training=True)
            loss = -tf.reduce_mean(tf.math.log(tf.gather(probabilities, yb, batch_dims=1)))
        grads = tape.gradient(loss, model.trainable_variables)
        for i, variable in enumerate(model.trainable_variables):
            params, states[i] = step(variable.numpy().astype(np.float64), grads[i].numpy().astype(np.float64), states[i], **hyperparameters)
            variable.assign(params.astype(np.float32))
        losses[k] = loss.numpy()
    return losses, states


def fit_with_apply_style(model, X, y, batches, init, step, **hyperparameters):
    tf = _tf()
    pairs = [(variable, init(variable.numpy())) for variable in model.trainable_variables]
    losses = []
    for batch in batches:
        with tf.GradientTape() as tape:
            loss = tf.keras.losses.sparse_categorical_crossentropy(y[batch], model(X[batch]))
            loss = tf.reduce_mean(loss)
        grads = tape.gradient(loss, [variable for variable, _ in pairs])
        stepped = [(variable, step(variable.numpy(), grad.numpy(), state, **hyperparameters)) for (variable, state), grad in zip(pairs, grads)]
        for variable, (new_params, _) in stepped:
            variable.assign(new_params)
        pairs = [(variable, state) for variable, (_, state) in stepped]
        losses.append(loss.numpy())
    return np.array(losses), [state for _, state in pairs]


def fit_with_tuple_states(model, X, y, batches, init, step, **hyperparameters):
    tf = _tf()
    variables = model.trainable_variables
    states = tuple(init(v.numpy()) for v in variables)
    losses = []
    for batch in batches:
        with tf.GradientTape() as tape:
            loss = _mean_crossentropy(model, X[batch], y[batch])
        losses.append(loss.numpy().item())
        results = [step(v.numpy(), g.numpy(), s, **hyperparameters) for v, g, s in zip(variables, tape.gradient(loss, variables), states)]
        for variable, (new_params, _) in zip(variables, results):
            variable.assign(new_params)
        states = tuple(state for _, state in results)
    return losses, states


class _Counting:
    """A loop that also counts its steps (as a learner might, for a progress message)."""

    def __init__(self):
        self.steps = 0

    def reset(self):
        self.steps = 0

    def __call__(self, model, X, y, batches, init, step, **hyperparameters):
        losses, states = fit(model, X, y, batches, init, step, **hyperparameters)
        self.steps += len(batches)
        return losses, states


# The wrong loops: each one mistake away from `fit`.
def _loop(mistake):
    def loop(model, X, y, batches, init, step, **hyperparameters):
        tf = _tf()
        variables = model.trainable_variables
        states = [init(v.numpy()) for v in variables]
        shared = init(variables[0].numpy())
        losses = []
        schedule = list(batches)
        if mistake == "skips the last batch":
            schedule = schedule[:-1]
        if mistake == "two epochs":
            schedule = schedule * 2
        if mistake == "first batch every time":
            schedule = [schedule[0]] * len(schedule)
        if mistake == "reversed batches":
            schedule = schedule[::-1]
        if mistake == "shuffles the batches":
            schedule = [schedule[k] for k in np.random.default_rng(0).permutation(len(schedule))]
        for batch in schedule:
            rows = np.arange(len(y)) if mistake == "all the data" else batch
            with tf.GradientTape() as tape:
                loss = _mean_crossentropy(model, X[rows], y[rows])
                if mistake == "summed loss":
                    loss = loss * len(rows)
            grads = tape.gradient(loss, variables)
            for i, (variable, grad) in enumerate(zip(variables, grads)):
                g = grad.numpy()
                if mistake == "uphill":
                    g = -g
                if mistake == "kernels only" and len(variable.shape) == 1:
                    continue
                if mistake == "never calls step":
                    continue
                if mistake == "one state for all":
                    new_params, shared = step(variable.numpy(), g, shared, **hyperparameters)
                elif mistake == "state not fed back":
                    new_params, _ = step(variable.numpy(), g, init(variable.numpy()), **hyperparameters)
                    states[i] = _
                elif mistake == "no hyperparameters":
                    new_params, states[i] = step(variable.numpy(), g, states[i])
                elif mistake == "own learning rate":
                    new_params, states[i] = step(variable.numpy(), g, states[i], **{**hyperparameters, "learning_rate": 0.001})
                elif mistake == "two steps per batch":
                    new_params, states[i] = step(variable.numpy(), g, states[i], **hyperparameters)
                    new_params, states[i] = step(new_params, g, states[i], **hyperparameters)
                else:
                    new_params, states[i] = step(variable.numpy(), g, states[i], **hyperparameters)
                if mistake != "never assigns":
                    variable.assign(new_params)
            if mistake == "loss after the step":
                loss = _mean_crossentropy(model, X[rows], y[rows])
            losses.append(float(loss))
        if mistake == "running mean":  # what Keras's progress bar shows
            sizes = np.array([len(b) for b in schedule], dtype=float)
            losses = np.cumsum(np.array(losses) * sizes) / np.cumsum(sizes)
        if mistake == "initial states returned":
            return np.array(losses), [init(v.numpy()) for v in variables]
        if mistake == "one state returned":
            return np.array(losses), [states[-1]]
        if mistake == "nan":
            return np.array(losses) * np.nan, states
        return np.array(losses), states
    return loop


def _loss_not_recorded(model, X, y, batches, init, step, **hyperparameters):
    _, states = fit(model, X, y, batches, init, step, **hyperparameters)
    return None, states


def _weights_blow_up(model, X, y, batches, init, step, **hyperparameters):
    losses, states = fit(model, X, y, batches, init, step, **hyperparameters)
    for variable in model.trainable_variables:
        variable.assign(variable * np.inf)
    return losses, states


def _changes_the_batches(model, X, y, batches, init, step, **hyperparameters):
    result = fit(model, X, y, batches, init, step, **hyperparameters)
    batches.pop()
    return result


_SGD = "the SGD (learning_rate=0.5) rule, 20 examples in batches of 8"
_MOMENTUM = "the SGD with momentum (learning_rate=0.3, momentum=0.9) rule, 20 examples in batches of 8"
_ADAM = "the Adam (learning_rate=0.05, beta_1=0.8, beta_2=0.99) rule, 20 examples in batches of 8"

FIT_WITH_RULE = Bank("fit_with_rule", right={
    "a list of states": fit,
    "a Keras loss object, states by variable path": fit_with_keras_loss_object,
    "float64 arrays, cross-entropy written out": fit_with_float64,
    "rebuilding pairs of variable and state": fit_with_apply_style,
    "a tuple of states": fit_with_tuple_states,
    "counting its steps": _Counting(),
    "prints to stderr": printing_to_stderr(fit),
}, wrong={
    "never calls step": (_loop("never calls step"), "`fit_with_rule` leaves the model's weights as they were, and the states are the ones `init` gave: call `step` for every variable on every batch (the SGD with momentum (learning_rate=0.3, momentum=0.9) rule, 20 examples in batches of 8)."),
    "never assigns the new parameters": (_loop("never assigns"), "`fit_with_rule` calls `step`, but the model's weights never change: assign the new parameters back to each variable (`variable.assign(new_params)`) (the SGD with momentum (learning_rate=0.3, momentum=0.9) rule, 20 examples in batches of 8)."),
    "state not fed back": (_loop("state not fed back"), "`fit_with_rule`: each step starts from the state `init` gave: keep the state `step` returns for each variable and pass it to that variable's next step (the SGD with momentum (learning_rate=0.3, momentum=0.9) rule, 20 examples in batches of 8)."),
    "uphill": (_loop("uphill"), '`fit_with_rule`: the steps go uphill: hand `step` the gradients as the tape gives them (the rule subtracts them itself) (the SGD with momentum (learning_rate=0.3, momentum=0.9) rule, 20 examples in batches of 8).'),
    "skips the last batch": (_loop("skips the last batch"), '`fit_with_rule` returned 2 losses for 3 batches: it skips the last batch. Take one step on every batch, the last (smaller) one too (the SGD with momentum (learning_rate=0.3, momentum=0.9) rule, 20 examples in batches of 8).'),
    "two epochs": (_loop("two epochs"), '`fit_with_rule` took 6 steps for 3 batches: go through `batches` once, one step per batch, and stop (the SGD with momentum (learning_rate=0.3, momentum=0.9) rule, 20 examples in batches of 8).'),
    "one state for all variables": (_loop("one state for all"), "`fit_with_rule` raised ValueError: a new value does not fit its variable's shape (the SGD with momentum (learning_rate=0.3, momentum=0.9) rule, 20 examples in batches of 8). Does every trainable variable have a state of its own, `init(variable.numpy())`, and get its own new parameters?"),
    "loss after the step": (_loop("loss after the step"), "`fit_with_rule` records each batch's loss after its step; record it before, at the weights the step starts from, as model.fit does (the SGD with momentum (learning_rate=0.3, momentum=0.9) rule, 20 examples in batches of 8)."),
    "running mean": (_loop("running mean"), "`fit_with_rule` records the running mean of the losses so far (what Keras shows in its progress bar); record each batch's own loss (the SGD with momentum (learning_rate=0.3, momentum=0.9) rule, 20 examples in batches of 8)."),
    "all the data": (_loop("all the data"), "`fit_with_rule`: every step uses the gradient of all the examples; use only the batch's rows, X[batch] and y[batch] (the SGD with momentum (learning_rate=0.3, momentum=0.9) rule, 20 examples in batches of 8)."),
    "first batch every time": (_loop("first batch every time"), '`fit_with_rule`: every step uses the first batch; take one step on each batch of `batches`, in order (the SGD with momentum (learning_rate=0.3, momentum=0.9) rule, 20 examples in batches of 8).'),
    "reversed batches": (_loop("reversed batches"), "`fit_with_rule`: the first loss, 0.617435, is not the first batch's mean cross-entropy at the starting weights, 1.65715: take the batches in the order given (the SGD with momentum (learning_rate=0.3, momentum=0.9) rule, 20 examples in batches of 8)."),
    "shuffles the batches": (_loop("shuffles the batches"), "`fit_with_rule`: the first loss, 0.617435, is not the first batch's mean cross-entropy at the starting weights, 1.65715: take the batches in the order given (the SGD with momentum (learning_rate=0.3, momentum=0.9) rule, 20 examples in batches of 8)."),
    "summed loss": (_loop("summed loss"), "`fit_with_rule`: the loss is summed over the batch, not averaged: model.fit minimises the batch's mean cross-entropy (the SGD with momentum (learning_rate=0.3, momentum=0.9) rule, 20 examples in batches of 8)."),
    "kernels only": (_loop("kernels only"), '`fit_with_rule` leaves 2 of the 4 trainable variables as they were: take a step on every variable in `model.trainable_variables` (the SGD with momentum (learning_rate=0.3, momentum=0.9) rule, 20 examples in batches of 8).'),
    "no hyperparameters": (_loop("no hyperparameters"), "`fit_with_rule` raised TypeError (momentum_step() missing 2 required keyword-only arguments: 'learning_rate' and 'momentum') when called as fit_with_rule(…, …, …, …, …, …, learning_rate=0.3, momentum=0.9)."),
    "its own learning rate": (_loop("own learning rate"), "`fit_with_rule` ends at weights up to 0.72 away from model.fit's with the built-in optimizer (tolerance: rtol 1e-4, atol 1e-5) (the SGD with momentum (learning_rate=0.3, momentum=0.9) rule, 20 examples in batches of 8): one step of `step` per variable per batch, with that batch's gradients and the hyperparameters given."),
    "two steps per batch": (_loop("two steps per batch"), "`fit_with_rule` ends at weights up to 1.6 away from model.fit's with the built-in optimizer (tolerance: rtol 1e-4, atol 1e-5) (the SGD with momentum (learning_rate=0.3, momentum=0.9) rule, 20 examples in batches of 8): one step of `step` per variable per batch, with that batch's gradients and the hyperparameters given."),
    "initial states returned": (_loop("initial states returned"), '`fit_with_rule` trains the model right, but the states it returns are not the last ones: return, for each variable, the state its last step gave back (the SGD with momentum (learning_rate=0.3, momentum=0.9) rule, 20 examples in batches of 8).'),
    "one state returned": (_loop("one state returned"), '`fit_with_rule` returned 1 state for 4 trainable variables: every variable needs a state of its own, `init(variable.numpy())`, kept from step to step.'),
    "NaN losses": (_loop("nan"), "`fit_with_rule` produced NaN or infinite losses or weights where model.fit's stay finite (the SGD with momentum (learning_rate=0.3, momentum=0.9) rule, 20 examples in batches of 8)."),
    "weights blow up": (_weights_blow_up, "`fit_with_rule` produced NaN or infinite losses or weights where model.fit's stay finite (the SGD with momentum (learning_rate=0.3, momentum=0.9) rule, 20 examples in batches of 8)."),
    "returns nothing": (lambda model, X, y, batches, init, step, **h: (fit(model, X, y, batches, init, step, **h), None)[1], '`fit_with_rule` returned None; return the pair `(losses, states)`: the loss of every batch and the final state of every trainable variable.'),
    "returns the losses only": (lambda model, X, y, batches, init, step, **h: fit(model, X, y, batches, init, step, **h)[0], '`fit_with_rule` returned ndarray; return the pair `(losses, states)`: the loss of every batch and the final state of every trainable variable.'),
    "losses not recorded": (_loss_not_recorded, '`fit_with_rule` returned None for the losses; record the loss of every batch and return them (the SGD with momentum (learning_rate=0.3, momentum=0.9) rule, 20 examples in batches of 8).'),
    "changes the batches": (_changes_the_batches, '`fit_with_rule` changed the data it was given (X, y or the batches); read them, change only the model.'),
    "raises": (raising(RuntimeError("the tape is already used"))(fit), '`fit_with_rule` raised RuntimeError (the tape is already used) when called as fit_with_rule(…, …, …, …, …, …, learning_rate=0.3, momentum=0.9).'),
    "not written yet": (lambda *args, **kwargs: (_ for _ in ()).throw(NotImplementedError()), '`fit_with_rule` is not written yet: replace `raise NotImplementedError()` with your code.'),
    "not a function": ("fit", '`fit_with_rule` is not a function (it is a str); define it with `def fit_with_rule(...)`.'),

})



# ---------------------------------------------------------------- keras_range_test: a range test as a Keras callback
def _range_test_with(callback_class, *, compile_kwargs=None, fit_kwargs=None, use_optimizer=True, loss="sparse_categorical_crossentropy"):
    """A range test with the callback ``callback_class()`` makes (made when first called: TensorFlow loads late)."""
    def keras_range_test(model, optimizer, X, y, *, min_lr, max_lr, num_steps, batch_size):
        tf = _tf()
        test = callback_class()(min_lr, max_lr, num_steps)
        model.compile(optimizer=optimizer if use_optimizer else tf.keras.optimizers.SGD(),
                      loss=loss() if callable(loss) else loss, **(compile_kwargs or {}))
        model.fit(X, y, **{"batch_size": batch_size, "epochs": 1, "shuffle": False, "verbose": 0, "callbacks": [test],
                           **(fit_kwargs or {})})
        return np.array(test.rates), np.array(test.losses)
    return keras_range_test


def _callback(mistake=""):
    tf = _tf()

    class RangeTest(tf.keras.callbacks.Callback):
        if mistake == "class lists":
            rates, losses = [], []

        def __init__(self, min_lr, max_lr, num_steps):
            super().__init__()
            self.min_lr, self.max_lr, self.num_steps = min_lr, max_lr, num_steps
            if mistake != "class lists":
                self.rates, self.losses = [], []

        def _rate(self, k):
            if mistake == "linear":
                return self.min_lr + (self.max_lr - self.min_lr) * k / (self.num_steps - 1)
            if mistake == "divides by num_steps":
                return self.min_lr * (self.max_lr / self.min_lr) ** (k / self.num_steps)
            if mistake == "counts batches from 1":
                return self.min_lr * (self.max_lr / self.min_lr) ** ((k + 1) / self.num_steps)
            if mistake == "starts one step in":
                return self.min_lr * (self.max_lr / self.min_lr) ** ((k + 1) / (self.num_steps - 1))
            if mistake == "grows from max":
                return self.max_lr * (self.min_lr / self.max_lr) ** (k / (self.num_steps - 1))
            return self.min_lr * (self.max_lr / self.min_lr) ** (k / (self.num_steps - 1))

        def on_train_batch_begin(self, batch, logs=None):
            rate = self._rate(batch)
            if mistake == "rate never set":
                pass
            elif mistake == "rate set a batch late":
                if batch:
                    self.model.optimizer.learning_rate = self._rate(batch - 1)
            elif mistake == "rate times ten":
                self.model.optimizer.learning_rate = 10 * rate
            else:
                self.model.optimizer.learning_rate = rate
            self.rates.append(rate)

        def on_train_batch_end(self, batch, logs=None):
            loss = logs["loss"]
            if mistake == "loss squared":
                loss = loss ** 2
            self.losses.append(loss)
            lowest = min(self.losses)
            factor = {"factor 2": 2.0, "factor 10": 10.0}.get(mistake, 4.0)
            if mistake == "never stops":
                return
            if mistake == "stops one step early" and (not np.isfinite(loss) or loss > factor * lowest):
                self.losses.pop()
                self.rates.pop()
                self.model.stop_training = True
                return
            if mistake == "ignores NaN":
                if loss > factor * lowest:
                    self.model.stop_training = True
                return
            if not np.isfinite(loss) or loss > factor * lowest:
                self.model.stop_training = True

    return RangeTest


class LearningRateRangeTest:
    """Written out with math and a stopping flag of its own, as a learner might."""

    def __new__(cls, min_lr, max_lr, num_steps):
        tf = _tf()

        class Test(tf.keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.growth = (max_lr / min_lr) ** (1 / (num_steps - 1))
                self.rates, self.losses, self.best = [], [], math.inf

            def on_train_batch_begin(self, batch, logs=None):
                self.rates.append(min_lr * self.growth ** batch)
                self.model.optimizer.learning_rate.assign(self.rates[-1])

            def on_train_batch_end(self, batch, logs=None):
                self.losses.append(float(logs["loss"]))
                self.best = min(self.best, self.losses[-1])
                self.model.stop_training = bool(math.isnan(self.losses[-1]) or self.losses[-1] > 4 * self.best)

        return Test()


def range_test_with_a_dataset(model, optimizer, X, y, *, min_lr, max_lr, num_steps, batch_size):
    tf = _tf()
    test = _callback()(min_lr, max_lr, num_steps)
    model.compile(optimizer=optimizer, loss=tf.keras.losses.SparseCategoricalCrossentropy())
    model.fit(tf.data.Dataset.from_tensor_slices((X, y)).batch(batch_size), epochs=1, verbose=0, callbacks=[test])
    return test.rates, test.losses


class _SharedLists:
    """A callback whose lists are made in the class body: every instance appends to the same two lists."""

    def __init__(self):
        self.cls = None

    def reset(self):
        self.cls = None

    def __call__(self, model, optimizer, X, y, **settings):
        if self.cls is None:
            self.cls = _callback("class lists")
        return _range_test_with(lambda: self.cls)(model, optimizer, X, y, **settings)


def _range_variant(mistake, **options):
    return _range_test_with(lambda: _callback(mistake), **options)


def _range_returns(change):
    def keras_range_test(model, optimizer, X, y, **settings):
        return change(*_range_test_with(_callback)(model, optimizer, X, y, **settings))
    return keras_range_test


_SGD_RANGE = "SGD, min_lr=0.01, max_lr=1000, num_steps=20, batch_size=8"
_ADAM_RANGE = "Adam, min_lr=0.0001, max_lr=10, num_steps=20, batch_size=8"

KERAS_RANGE_TEST = Bank("keras_range_test", right={
    "a callback with lists made in __init__": _range_test_with(_callback),
    "run eagerly": _range_test_with(_callback, compile_kwargs={"run_eagerly": True}),
    "growth factor and assign": _range_test_with(lambda: LearningRateRangeTest),
    "a tf.data pipeline": range_test_with_a_dataset,
    "lists returned": _range_returns(lambda rates, losses: (list(rates), list(losses))),
    "float32 arrays": _range_returns(lambda rates, losses: (rates.astype(np.float32), losses.astype(np.float32))),
    "a whole epoch of steps_per_epoch": _range_test_with(_callback, fit_kwargs={"steps_per_epoch": None}),
}, wrong={
    "linear": (_range_variant("linear"), '`keras_range_test` grows the learning rate in equal steps; grow it geometrically, by the same factor each step, from min_lr to max_lr (SGD, min_lr=0.01, max_lr=1000, num_steps=20, batch_size=8).'),
    "divides by num_steps": (_range_variant("divides by num_steps"), '`keras_range_test`: batch k should use min_lr × (max_lr / min_lr) ** (k / (num_steps − 1)), from min_lr at the first batch to max_lr at the last (SGD, min_lr=0.01, max_lr=1000, num_steps=20, batch_size=8).'),
    "starts one step in": (_range_variant("starts one step in"), '`keras_range_test`: batch k should use min_lr × (max_lr / min_lr) ** (k / (num_steps − 1)), from min_lr at the first batch to max_lr at the last (SGD, min_lr=0.01, max_lr=1000, num_steps=20, batch_size=8).'),
    "grows from max": (_range_variant("grows from max"), '`keras_range_test`: batch k should use min_lr × (max_lr / min_lr) ** (k / (num_steps − 1)), from min_lr at the first batch to max_lr at the last (SGD, min_lr=0.01, max_lr=1000, num_steps=20, batch_size=8).'),
    "rate never set": (_range_variant("rate never set"), '`keras_range_test` records the rates, but the optimizer never uses them: set `self.model.optimizer.learning_rate` at the start of each batch (SGD, min_lr=0.01, max_lr=1000, num_steps=20, batch_size=8).'),
    "rate set a batch late": (_range_variant("rate set a batch late"), "`keras_range_test` records the loss 1.24615 after batch 2 where 1.23674 is expected (SGD, min_lr=0.01, max_lr=1000, num_steps=20, batch_size=8): compile with the optimizer given, set each batch's rate before it runs (`on_train_batch_begin`) and record `logs['loss']` after it (`on_train_batch_end`)."),
    "rate times ten": (_range_variant("rate times ten"), "`keras_range_test` records the loss 1.2113 after batch 1 where 1.1977 is expected (SGD, min_lr=0.01, max_lr=1000, num_steps=20, batch_size=8): compile with the optimizer given, set each batch's rate before it runs (`on_train_batch_begin`) and record `logs['loss']` after it (`on_train_batch_end`)."),
    "loss squared": (_range_variant("loss squared"), "`keras_range_test`: the first loss, 0.466562, is not the one Keras reports after the first batch, 0.683053: compile `model` with the optimizer given and the cross-entropy, fit on X and y in order (shuffle=False) with the batch size given, and record `logs['loss']` after each batch (SGD, min_lr=0.01, max_lr=1000, num_steps=20, batch_size=8)."),
    "counts batches from 1": (_range_variant("counts batches from 1"), '`keras_range_test`: batch k should use min_lr × (max_lr / min_lr) ** (k / (num_steps − 1)), from min_lr at the first batch to max_lr at the last (SGD, min_lr=0.01, max_lr=1000, num_steps=20, batch_size=8).'),
    "factor 2": (_range_variant("factor 2"), '`keras_range_test` stops after 12 steps where 15 are expected (SGD, min_lr=0.01, max_lr=1000, num_steps=20, batch_size=8): stop once a loss is not finite or above 4 × the lowest loss so far (that loss included).'),
    "factor 10": (_range_variant("factor 10"), '`keras_range_test` stops after 17 steps where 15 are expected (SGD, min_lr=0.01, max_lr=1000, num_steps=20, batch_size=8): stop once a loss is not finite or above 4 × the lowest loss so far (that loss included).'),
    "never stops": (_range_variant("never stops"), '`keras_range_test` keeps going after the loss blew up: set `self.model.stop_training = True` once a loss is not finite or above 4 × the lowest so far (SGD, min_lr=0.01, max_lr=1000, num_steps=20, batch_size=8).'),
    "stops one step early": (_range_variant("stops one step early"), '`keras_range_test` stops one step early: record the loss that blew up, then stop (SGD, min_lr=0.01, max_lr=1000, num_steps=20, batch_size=8).'),
    "class lists": (_SharedLists(), "`keras_range_test` recorded 35 steps in a test of 20 (Adam, min_lr=0.0001, max_lr=10, num_steps=20, batch_size=8): fit one epoch, and make the lists in `__init__` (lists made in the class body are shared by every callback and keep an earlier run's values)."),
    "shuffled": (_range_test_with(_callback, fit_kwargs={"shuffle": True}), "`keras_range_test`: the first loss, 1.78785, is not the one Keras reports after the first batch, 0.683053: compile `model` with the optimizer given and the cross-entropy, fit on X and y in order (shuffle=False) with the batch size given, and record `logs['loss']` after each batch (SGD, min_lr=0.01, max_lr=1000, num_steps=20, batch_size=8)."),
    "two epochs": (_range_test_with(lambda: _callback("never stops"), fit_kwargs={"epochs": 2}), "`keras_range_test` recorded 40 steps in a test of 20 (SGD, min_lr=0.01, max_lr=1000, num_steps=20, batch_size=8): fit one epoch, and make the lists in `__init__` (lists made in the class body are shared by every callback and keep an earlier run's values)."),
    "batch size 16": (lambda model, optimizer, X, y, **s: _range_test_with(_callback)(model, optimizer, X, y, **{**s, "batch_size": 16}), "`keras_range_test`: the first loss, 1.19621, is not the one Keras reports after the first batch, 0.683053: compile `model` with the optimizer given and the cross-entropy, fit on X and y in order (shuffle=False) with the batch size given, and record `logs['loss']` after each batch (SGD, min_lr=0.01, max_lr=1000, num_steps=20, batch_size=8)."),
    "always SGD": (_range_test_with(_callback, use_optimizer=False), "`keras_range_test` records the loss 1.21583 after batch 2 where 1.21552 is expected (Adam, min_lr=0.0001, max_lr=10, num_steps=20, batch_size=8): compile with the optimizer given, set each batch's rate before it runs (`on_train_batch_begin`) and record `logs['loss']` after it (`on_train_batch_end`)."),
    "leaves class 0 out of the loss": (_range_test_with(_callback, loss=lambda: _tf().keras.losses.SparseCategoricalCrossentropy(ignore_class=0)), "`keras_range_test`: the first loss, 1.84177, is not the one Keras reports after the first batch, 0.683053: compile `model` with the optimizer given and the cross-entropy, fit on X and y in order (shuffle=False) with the batch size given, and record `logs['loss']` after each batch (SGD, min_lr=0.01, max_lr=1000, num_steps=20, batch_size=8)."),
    "returns nothing": (lambda model, optimizer, X, y, **s: None, '`keras_range_test` returned None; return the pair `(rates, losses)` your callback recorded.'),
    "returns the losses only": (_range_returns(lambda rates, losses: losses), '`keras_range_test` returned ndarray; return the pair `(rates, losses)` your callback recorded.'),
    "returns losses, rates": (_range_returns(lambda rates, losses: (losses, rates)), '`keras_range_test`: batch k should use min_lr × (max_lr / min_lr) ** (k / (num_steps − 1)), from min_lr at the first batch to max_lr at the last (SGD, min_lr=0.01, max_lr=1000, num_steps=20, batch_size=8).'),
    "one loss short": (_range_returns(lambda rates, losses: (rates, losses[:-1])), '`keras_range_test` returned 15 rates but 14 losses: record one loss per rate tried (SGD, min_lr=0.01, max_lr=1000, num_steps=20, batch_size=8).'),
    "NaN losses": (_range_returns(lambda rates, losses: (rates, losses * np.nan)), "`keras_range_test` recorded NaN or infinite losses where Keras's stay finite (SGD, min_lr=0.01, max_lr=1000, num_steps=20, batch_size=8)."),
    "a 2-D result": (_range_returns(lambda rates, losses: (rates[:, None], losses[:, None])), '`keras_range_test` should return the rates and the losses as lists or 1-D arrays of numbers.'),
    "raises": (raising(KeyError("loss"))(_range_test_with(_callback)), "`keras_range_test` raised KeyError ('loss') when called as keras_range_test(…, …, …, …, min_lr=0.01, max_lr=1000.0, num_steps=20, batch_size=8)."),
    "not written yet": (lambda *args, **kwargs: (_ for _ in ()).throw(NotImplementedError()), '`keras_range_test` is not written yet: replace `raise NotImplementedError()` with your code.'),
    "not a function": (None, '`keras_range_test` is not a function (it is a NoneType); define it with `def keras_range_test(...)`.'),

})



# ---------------------------------------------------------------- budget_choice: a choice under a budget
def _choice(optimizer, learning_rate, schedule):
    return {"optimizer": optimizer, "learning_rate": learning_rate, "schedule": schedule}


BUDGET_CHOICE = Bank("budget_choice", right={
    "Adam, cosine decay": _choice("adam", 0.03, "cosine"),
    "momentum, cosine decay": _choice("momentum", 0.1, "cosine"),
    "momentum, a larger rate": _choice("momentum", 0.3, "cosine"),
    "capitals": _choice("Momentum", 0.1, "Cosine"),
    "a numpy rate": _choice("momentum", np.float64(0.1), "cosine"),
    "keys in another order": {"schedule": "cosine", "learning_rate": 0.03, "optimizer": "adam"},
}, wrong={
    "Keras's default SGD": (_choice("sgd", 0.01, "constant"), 'With your choice (sgd, learning_rate=0.01, constant schedule) the network reaches a validation accuracy of 0.460 in 200 steps from the weights of seed 0; the target is 0.65.'),
    "Keras's default Adam": (_choice("adam", 0.001, "constant"), 'With your choice (adam, learning_rate=0.001, constant schedule) the network reaches a validation accuracy of 0.605 in 200 steps from the weights of seed 0; the target is 0.65.'),
    "a rate too large for momentum": (_choice("momentum", 1.0, "constant"), 'With your choice (momentum, learning_rate=1, constant schedule) the network reaches a validation accuracy of 0.400 in 200 steps from the weights of seed 0; the target is 0.65.'),
    "a rate that blows up": (_choice("sgd", 10, "constant"), 'With your choice (sgd, learning_rate=10, constant schedule) the network reaches a validation accuracy of 0.230 in 200 steps from the weights of seed 0; the target is 0.65.'),
    "AdaGrad, a small rate": (_choice("adagrad", 0.01, "constant"), 'With your choice (adagrad, learning_rate=0.01, constant schedule) the network reaches a validation accuracy of 0.560 in 200 steps from the weights of seed 0; the target is 0.65.'),
    "RMSprop, a rate too large": (_choice("rmsprop", 0.3, "constant"), 'With your choice (rmsprop, learning_rate=0.3, constant schedule) the network reaches a validation accuracy of 0.230 in 200 steps from the weights of seed 0; the target is 0.65.'),
    "None": (None, '`my_choice` is a NoneType; write a dict such as {"optimizer": "adam", "learning_rate": 0.001, "schedule": "constant"}.'),
    "a string": ("adam", '`my_choice` is a str; write a dict such as {"optimizer": "adam", "learning_rate": 0.001, "schedule": "constant"}.'),
    "a list": (["adam", 0.01, "cosine"], '`my_choice` is a list; write a dict such as {"optimizer": "adam", "learning_rate": 0.001, "schedule": "constant"}.'),
    "a tuple": (("adam", 0.01, "cosine"), '`my_choice` is a tuple; write a dict such as {"optimizer": "adam", "learning_rate": 0.001, "schedule": "constant"}.'),
    "no schedule": ({"optimizer": "adam", "learning_rate": 0.01}, '`my_choice` has no \'schedule\'; write a dict such as {"optimizer": "adam", "learning_rate": 0.001, "schedule": "constant"}.'),
    "no learning rate": ({"optimizer": "adam", "schedule": "cosine"}, '`my_choice` has no \'learning_rate\'; write a dict such as {"optimizer": "adam", "learning_rate": 0.001, "schedule": "constant"}.'),
    "nothing": ({}, '`my_choice` has no \'optimizer\', \'learning_rate\', \'schedule\'; write a dict such as {"optimizer": "adam", "learning_rate": 0.001, "schedule": "constant"}.'),
    "an extra key": ({**_choice("adam", 0.01, "cosine"), "momentum": 0.9}, "`my_choice` has keys the task does not use ('momentum'); keep only 'optimizer', 'learning_rate', 'schedule'."),
    "another name for the rate": ({"optimizer": "adam", "lr": 0.01, "schedule": "cosine"}, '`my_choice` has no \'learning_rate\'; write a dict such as {"optimizer": "adam", "learning_rate": 0.001, "schedule": "constant"}.'),
    "AdamW": (_choice("adamw", 0.01, "cosine"), "`my_choice['optimizer']` is 'adamw'; choose one of 'sgd', 'momentum', 'adagrad', 'rmsprop', 'adam'."),
    "SGD + momentum spelled out": (_choice("SGD + momentum", 0.1, "cosine"), "`my_choice['optimizer']` is 'SGD + momentum'; choose one of 'sgd', 'momentum', 'adagrad', 'rmsprop', 'adam'."),
    "an optimizer object's name": (_choice(3, 0.01, "cosine"), "`my_choice['optimizer']` is 3; choose one of 'sgd', 'momentum', 'adagrad', 'rmsprop', 'adam'."),
    "a zero rate": (_choice("adam", 0, "cosine"), "`my_choice['learning_rate']` is 0; give a number above 0 and at most 10."),
    "a negative rate": (_choice("adam", -0.01, "cosine"), "`my_choice['learning_rate']` is -0.01; give a number above 0 and at most 10."),
    "a NaN rate": (_choice("adam", float("nan"), "cosine"), "`my_choice['learning_rate']` is nan; give a number above 0 and at most 10."),
    "an infinite rate": (_choice("adam", float("inf"), "cosine"), "`my_choice['learning_rate']` is inf; give a number above 0 and at most 10."),
    "a rate as text": (_choice("adam", "0.01", "cosine"), "`my_choice['learning_rate']` is '0.01'; give a number above 0 and at most 10."),
    "a rate of True": (_choice("adam", True, "cosine"), "`my_choice['learning_rate']` is True; give a number above 0 and at most 10."),
    "a rate above 10": (_choice("sgd", 50.0, "constant"), "`my_choice['learning_rate']` is 50.0; give a number above 0 and at most 10."),
    "a linear schedule": (_choice("adam", 0.01, "linear"), "`my_choice['schedule']` is 'linear'; choose one of 'constant', 'cosine', 'exponential'."),
    "no schedule named": (_choice("adam", 0.01, None), "`my_choice['schedule']` is None; choose one of 'constant', 'cosine', 'exponential'."),
    "a number for the schedule": (_choice("adam", 0.01, 1), "`my_choice['schedule']` is 1; choose one of 'constant', 'cosine', 'exponential'."),

})

BANKS = [OPTIMIZER_STATE_SIZE, FRESH_OPTIMIZER, FIT_WITH_RULE, KERAS_RANGE_TEST, BUDGET_CHOICE]
