"""Module 3: momentum and Nesterov, against tf.keras.optimizers.SGD(momentum=…, nesterov=…)."""
import numpy as np

from optcourse.lesson.optim import MomentumState

from . import Bank
from .bad_input import common, expect, merged, printing_to_stderr, rule_state


def momentum(params, grads, state, *, learning_rate, momentum):
    velocity = momentum * state.velocity - learning_rate * grads
    return params + velocity, MomentumState(velocity)


def nesterov(params, grads, state, *, learning_rate, momentum):
    velocity = momentum * state.velocity - learning_rate * grads
    return params + momentum * velocity - learning_rate * grads, MomentumState(velocity)


def in_place_on_copies(look_ahead):
    def fn(params, grads, state, *, learning_rate, momentum):
        velocity = state.velocity.copy()
        velocity *= momentum
        velocity -= learning_rate * grads
        new = params.copy()
        new += momentum * velocity - learning_rate * grads if look_ahead else velocity
        return new, state._replace(velocity=velocity)
    return fn


def float32_throughout(look_ahead):
    def fn(params, grads, state, *, learning_rate, momentum):
        lr, mu = np.float32(learning_rate), np.float32(momentum)
        velocity = (mu * state.velocity.astype(np.float32) - lr * grads.astype(np.float32)).astype(np.float32)
        new = params.astype(np.float32) + (mu * velocity - lr * grads.astype(np.float32) if look_ahead else velocity)
        return new.astype(np.float32), MomentumState(velocity=velocity)
    return fn


def with_out(look_ahead):
    def fn(params, grads, state, *, learning_rate, momentum):
        velocity = np.multiply(momentum, state.velocity, out=np.empty(np.shape(params)))
        np.subtract(velocity, np.multiply(learning_rate, grads), out=velocity)
        move = np.multiply(momentum, velocity) - learning_rate * grads if look_ahead else velocity
        return np.add(params, move, out=np.empty(np.shape(params))), MomentumState(velocity)
    return fn


def rewritten(look_ahead):
    """The same sums in another order: Nesterov as params + μ²·m − (1 + μ)·η·g."""
    def fn(params, grads, state, *, learning_rate, momentum):
        m = state.velocity
        if look_ahead:
            new = params + momentum**2 * m - (1 + momentum) * learning_rate * grads
        else:
            new = params - learning_rate * grads + momentum * m
        return new, MomentumState(-(learning_rate * grads - momentum * m))
    return fn


def pytorch_in_keras_units(look_ahead):
    """PyTorch's form (v = μ v + g; w −= η (…)), with its velocity turned into Keras's (−η v) and back."""
    def fn(params, grads, state, *, learning_rate, momentum):
        v = -state.velocity / learning_rate
        v = momentum * v + grads
        new = params - learning_rate * (grads + momentum * v if look_ahead else v)
        return new, MomentumState(-learning_rate * v)
    return fn


def rule(update):
    """A step from a formula (w, m, g, lr, mu) -> (new_w, new_m)."""
    def step(params, grads, state, *, learning_rate, momentum):
        w, m = update(params, state.velocity, grads, learning_rate, momentum)
        return w, MomentumState(m)
    return step


def keras_shaped(velocity_rule, *, look_ahead):
    """A wrong velocity update inside Keras's parameter move (classic, or Nesterov's look-ahead)."""
    def update(w, m, g, lr, mu):
        new_m = velocity_rule(m, g, lr, mu)
        return (w + mu * new_m + (new_m - mu * m) if look_ahead else w + new_m), new_m
    return rule(update)


def first_step_special(first, later):
    """A step that treats a zero velocity (the very first step) differently: (w, new_m, g, lr, mu) -> new_w."""
    def step(params, grads, state, *, learning_rate, momentum):
        velocity = momentum * state.velocity - learning_rate * grads
        move = first if not np.any(state.velocity) else later
        return move(params, velocity, grads, learning_rate, momentum), MomentumState(velocity)
    return step


CLASSIC = lambda w, m, g, lr, mu: w + m  # noqa: E731
LOOK_AHEAD = lambda w, m, g, lr, mu: w + mu * m - lr * g  # noqa: E731


def specific(look_ahead):
    """Mistakes in the rule itself, for either form."""
    def pytorch(w, m, g, lr, mu):
        v = mu * m + g
        return w - lr * (g + mu * v if look_ahead else v), v

    def without_lr(w, m, g, lr, mu):
        v = mu * m - g
        return w + lr * (mu * v - g if look_ahead else v), v

    def against(w, m, g, lr, mu):
        new_m = mu * m - lr * g
        return w - (mu * new_m - lr * g if look_ahead else new_m), new_m

    def old_velocity_used(w, m, g, lr, mu):
        return w + mu * m - 2 * lr * g, mu * m - lr * g

    move = LOOK_AHEAD if look_ahead else CLASSIC
    return {
        "PyTorch form, PyTorch state": rule(pytorch),
        "velocity without learning rate": rule(without_lr),
        "moves against the velocity": rule(against),
        "velocity points uphill": keras_shaped(lambda m, g, lr, mu: mu * m + lr * g, look_ahead=look_ahead),
        "state not carried": keras_shaped(lambda m, g, lr, mu: -lr * g, look_ahead=look_ahead),
        "learning rate ignored": keras_shaped(lambda m, g, lr, mu: mu * m - g, look_ahead=look_ahead),
        "damped (1 − momentum) form": keras_shaped(lambda m, g, lr, mu: mu * m - lr * (1 - mu) * g, look_ahead=look_ahead),
        "momentum squared": keras_shaped(lambda m, g, lr, mu: mu**2 * m - lr * g, look_ahead=look_ahead),
        "momentum and learning rate swapped": keras_shaped(lambda m, g, lr, mu: lr * m - mu * g, look_ahead=look_ahead),
        "state not updated": rule(lambda w, m, g, lr, mu: (move(w, mu * m - lr * g, g, lr, mu), m)),
        "first step skipped": first_step_special(lambda w, m, g, lr, mu: w.copy(), move),
        "first step doubled": first_step_special(lambda w, m, g, lr, mu: move(w, 2 * m, g, lr, mu), move),
        "keyword missing": lambda params, grads, state, *, learning_rate: (params, state),
        # For classic momentum these two are right (w + μ m − η g is w + the new velocity): Nesterov only.
        **({"moves with the old velocity": rule(old_velocity_used),
            "first step plain SGD": first_step_special(lambda w, m, g, lr, mu: w - lr * g, move)} if look_ahead else {}),
    }


MOMENTUM_STEP = Bank("momentum_step", right={
    "functional": momentum,
    "in place on copies": in_place_on_copies(False),
    "float32 throughout": float32_throughout(False),
    "np.multiply with out=": with_out(False),
    "terms in another order": rewritten(False),
    "PyTorch form in Keras units": pytorch_in_keras_units(False),
    "prints to stderr": printing_to_stderr(momentum),
}, wrong={
    **expect(merged(common(momentum), rule_state(momentum, "velocity", MomentumState), specific(False)), {
        'returns None': '`momentum_step` returned None; it should return a pair `(new_params, new_state)`.',
        'raises ValueError': '`momentum_step` raised ValueError (shapes do not match) when called as momentum_step(…, …, …, learning_rate=0.1, momentum=0.9).',
        'not written yet': '`momentum_step` is not written yet: replace `raise NotImplementedError()` with your code.',
        'not a function': '`momentum_step` is not a function (it is a int); define it with `def momentum_step(...)`.',
        'NaN in the result': '`momentum_step` returned NaN or infinite values in the new parameters for finite inputs.',
        'inf in the result': '`momentum_step` returned NaN or infinite values in the new parameters for finite inputs.',
        'complex result': '`momentum_step` returned complex numbers for the new parameters; it should return real numbers (a float array).',
        'a string result': '`momentum_step` returned str for the new parameters; it should be a numpy array of numbers.',
        'result of the wrong shape': '`momentum_step` returned the new parameters of shape (4,); it should have shape (3,).',
        'returns only the first item': '`momentum_step` returned a ndarray; it should return a pair `(new_params, new_state)`.',
        'returns a triple': '`momentum_step` returned a tuple of 3 items; it should return a pair `(new_params, new_state)`.',
        'returns a list, not a tuple': '`momentum_step` returned a list; it should return a pair `(new_params, new_state)`.',
        'state as a dict': '`momentum_step` returned a state of type dict; return a new `MomentumState(velocity=...)`.',
        'state as a plain tuple': '`momentum_step` returned a state of type tuple; return a new `MomentumState(velocity=...)`.',
        'state dropped': '`momentum_step` returned a state of type NoneType; return a new `MomentumState(velocity=...)`.',
        '`velocity` as a list': "`momentum_step` returned the state's `velocity` as a list; return a numpy array of the parameters' shape inside MomentumState.",
        '`velocity` of the wrong shape': "`momentum_step` returned the new state's `velocity` of shape (1, 3); it should have shape (3,).",
        '`velocity` with NaN': "`momentum_step` returned NaN or infinite values in the new state's `velocity` for finite inputs.",
        'parameters changed in place': '`momentum_step` changed `params` in place; leave its inputs as they are and return new arrays.',
        'gradients changed in place': '`momentum_step` changed `grads` in place; leave its inputs as they are and return new arrays.',
        "state's `velocity` changed in place": "`momentum_step` changed the state's `velocity` in place; leave its inputs as they are and return new arrays.",
        'PyTorch form, PyTorch state': "`momentum_step`: this is the PyTorch form (velocity = momentum × velocity + g, parameters − learning_rate × …). It takes the same steps only from zero velocity with a constant learning rate; this course keeps Keras's state, velocity = momentum × velocity − learning_rate × g (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).",
        'velocity without learning rate': "`momentum_step`: the velocity is stored without the learning rate (velocity = momentum × velocity − g); Keras's velocity includes it: momentum × velocity − learning_rate × g (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).",
        'moves against the velocity': '`momentum_step`: the parameters move against the velocity; Keras adds it (the velocity already points downhill) (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).',
        'velocity points uphill': '`momentum_step`: the velocity adds learning_rate × gradient, which points uphill; subtract it (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).',
        'state not carried': '`momentum_step`: the velocity from `state` is ignored: each step starts from zero (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).',
        'learning rate ignored': '`momentum_step`: `learning_rate` is not used in the velocity update (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).',
        'damped (1 − momentum) form': '`momentum_step`: the gradient is damped by (1 − momentum), an exponential-average form; Keras uses learning_rate × gradient (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).',
        'momentum squared': "`momentum_step`: the state's `velocity` first differs from tf.keras.optimizers.SGD(momentum=…, nesterov=False) at step 1; the parameters differ from step 1 (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).",
        'momentum and learning rate swapped': "`momentum_step`: the state's `velocity` first differs from tf.keras.optimizers.SGD(momentum=…, nesterov=False) at step 1; the parameters differ from step 1 (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).",
        'state not updated': '`momentum_step`: the parameters move, but the returned state still holds the old velocity (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).',
        'first step skipped': '`momentum_step`: your first step differs from tf.keras.optimizers.SGD(momentum=…, nesterov=False) (later steps from a given state agree): check how the state starts — the velocity starts at zero, and the first step is a step like any other: velocity = −learning_rate × g, then params + velocity (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from the initial state).',
        'first step doubled': '`momentum_step`: your first step differs from tf.keras.optimizers.SGD(momentum=…, nesterov=False) (later steps from a given state agree): check how the state starts — the velocity starts at zero, and the first step is a step like any other: velocity = −learning_rate × g, then params + velocity (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from the initial state).',
        'keyword missing': "`momentum_step` raised TypeError (specific.<locals>.<lambda>() got an unexpected keyword argument 'momentum') when called as momentum_step(…, …, …, learning_rate=0.1, momentum=0.9).",
    }),
    "Nesterov instead": (nesterov, "`momentum_step`: this is Nesterov's look-ahead (w + momentum × velocity − learning_rate × g), not the rule asked for (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state)."),
})

NESTEROV_STEP = Bank("nesterov_step", right={
    "functional": nesterov,
    "in place on copies": in_place_on_copies(True),
    "float32 throughout": float32_throughout(True),
    "np.multiply with out=": with_out(True),
    "expanded: μ²·m − (1 + μ)·η·g": rewritten(True),
    "PyTorch form in Keras units": pytorch_in_keras_units(True),
    "prints to stderr": printing_to_stderr(nesterov),
}, wrong={
    **expect(merged(common(nesterov), rule_state(nesterov, "velocity", MomentumState), specific(True)), {
        'returns None': '`nesterov_step` returned None; it should return a pair `(new_params, new_state)`.',
        'raises ValueError': '`nesterov_step` raised ValueError (shapes do not match) when called as nesterov_step(…, …, …, learning_rate=0.1, momentum=0.9).',
        'not written yet': '`nesterov_step` is not written yet: replace `raise NotImplementedError()` with your code.',
        'not a function': '`nesterov_step` is not a function (it is a int); define it with `def nesterov_step(...)`.',
        'NaN in the result': '`nesterov_step` returned NaN or infinite values in the new parameters for finite inputs.',
        'inf in the result': '`nesterov_step` returned NaN or infinite values in the new parameters for finite inputs.',
        'complex result': '`nesterov_step` returned complex numbers for the new parameters; it should return real numbers (a float array).',
        'a string result': '`nesterov_step` returned str for the new parameters; it should be a numpy array of numbers.',
        'result of the wrong shape': '`nesterov_step` returned the new parameters of shape (4,); it should have shape (3,).',
        'returns only the first item': '`nesterov_step` returned a ndarray; it should return a pair `(new_params, new_state)`.',
        'returns a triple': '`nesterov_step` returned a tuple of 3 items; it should return a pair `(new_params, new_state)`.',
        'returns a list, not a tuple': '`nesterov_step` returned a list; it should return a pair `(new_params, new_state)`.',
        'state as a dict': '`nesterov_step` returned a state of type dict; return a new `MomentumState(velocity=...)`.',
        'state as a plain tuple': '`nesterov_step` returned a state of type tuple; return a new `MomentumState(velocity=...)`.',
        'state dropped': '`nesterov_step` returned a state of type NoneType; return a new `MomentumState(velocity=...)`.',
        '`velocity` as a list': "`nesterov_step` returned the state's `velocity` as a list; return a numpy array of the parameters' shape inside MomentumState.",
        '`velocity` of the wrong shape': "`nesterov_step` returned the new state's `velocity` of shape (1, 3); it should have shape (3,).",
        '`velocity` with NaN': "`nesterov_step` returned NaN or infinite values in the new state's `velocity` for finite inputs.",
        'parameters changed in place': '`nesterov_step` changed `params` in place; leave its inputs as they are and return new arrays.',
        'gradients changed in place': '`nesterov_step` changed `grads` in place; leave its inputs as they are and return new arrays.',
        "state's `velocity` changed in place": "`nesterov_step` changed the state's `velocity` in place; leave its inputs as they are and return new arrays.",
        'PyTorch form, PyTorch state': "`nesterov_step`: this is the PyTorch form (velocity = momentum × velocity + g, parameters − learning_rate × …). It takes the same steps only from zero velocity with a constant learning rate; this course keeps Keras's state, velocity = momentum × velocity − learning_rate × g (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).",
        'velocity without learning rate': "`nesterov_step`: the velocity is stored without the learning rate (velocity = momentum × velocity − g); Keras's velocity includes it: momentum × velocity − learning_rate × g (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).",
        'moves against the velocity': '`nesterov_step`: the parameters move against the velocity; Keras adds it (the velocity already points downhill) (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).',
        'velocity points uphill': '`nesterov_step`: the velocity adds learning_rate × gradient, which points uphill; subtract it (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).',
        'state not carried': '`nesterov_step`: the velocity from `state` is ignored: each step starts from zero (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).',
        'learning rate ignored': '`nesterov_step`: `learning_rate` is not used in the velocity update (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).',
        'damped (1 − momentum) form': '`nesterov_step`: the gradient is damped by (1 − momentum), an exponential-average form; Keras uses learning_rate × gradient (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).',
        'momentum squared': "`nesterov_step`: the state's `velocity` first differs from tf.keras.optimizers.SGD(momentum=…, nesterov=True) at step 1; the parameters differ from step 1 (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).",
        'momentum and learning rate swapped': "`nesterov_step`: the state's `velocity` first differs from tf.keras.optimizers.SGD(momentum=…, nesterov=True) at step 1; the parameters differ from step 1 (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).",
        'state not updated': '`nesterov_step`: the parameters move, but the returned state still holds the old velocity (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).',
        'first step skipped': '`nesterov_step`: your first step differs from tf.keras.optimizers.SGD(momentum=…, nesterov=True) (later steps from a given state agree): check how the state starts — the velocity starts at zero, and the first step is a Nesterov step like any other: velocity = −learning_rate × g, then params + momentum × velocity − learning_rate × g (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from the initial state).',
        'first step doubled': '`nesterov_step`: your first step differs from tf.keras.optimizers.SGD(momentum=…, nesterov=True) (later steps from a given state agree): check how the state starts — the velocity starts at zero, and the first step is a Nesterov step like any other: velocity = −learning_rate × g, then params + momentum × velocity − learning_rate × g (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from the initial state).',
        'keyword missing': "`nesterov_step` raised TypeError (specific.<locals>.<lambda>() got an unexpected keyword argument 'momentum') when called as nesterov_step(…, …, …, learning_rate=0.1, momentum=0.9).",
        'moves with the old velocity': '`nesterov_step`: the new parameters first differ from tf.keras.optimizers.SGD(momentum=…, nesterov=True) at step 1 (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).',
        'first step plain SGD': '`nesterov_step`: your first step differs from tf.keras.optimizers.SGD(momentum=…, nesterov=True) (later steps from a given state agree): check how the state starts — the velocity starts at zero, and the first step is a Nesterov step like any other: velocity = −learning_rate × g, then params + momentum × velocity − learning_rate × g (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from the initial state).',
    }),
    "classic momentum instead": (momentum, '`nesterov_step`: this is classic momentum (w + velocity), not the rule asked for (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).'),
    "look-ahead without the gradient term": (rule(lambda w, m, g, lr, mu: (w + mu * (mu * m - lr * g), mu * m - lr * g)), '`nesterov_step`: the look-ahead step is w + momentum × velocity − learning_rate × g; the − learning_rate × g term is missing (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from a non-zero state).'),
    "first step without look-ahead": (first_step_special(CLASSIC, LOOK_AHEAD), '`nesterov_step`: your first step differs from tf.keras.optimizers.SGD(momentum=…, nesterov=True) (later steps from a given state agree): check how the state starts — the velocity starts at zero, and the first step is a Nesterov step like any other: velocity = −learning_rate × g, then params + momentum × velocity − learning_rate × g (learning_rate=0.1, momentum=0.9, shape (3,) (float64), gradients ~1, from the initial state).'),
})

BANKS = [MOMENTUM_STEP, NESTEROV_STEP]
