"""Module 4: AdaGrad and RMSprop, against tf.keras.optimizers.Adagrad and RMSprop."""
import numpy as np

from optcourse.lesson.optim import AdagradState, RMSpropState

from . import Bank
from .bad_input import common, expect, merged, printing_to_stderr, rule_state


# ---------------------------------------------------------------- AdaGrad
def adagrad(params, grads, state, *, learning_rate, epsilon):
    accumulator = state.accumulator + grads**2
    return params - learning_rate * grads / np.sqrt(accumulator + epsilon), AdagradState(accumulator)


def adagrad_in_place_on_copies(params, grads, state, *, learning_rate, epsilon):
    accumulator = state.accumulator.copy()
    accumulator += np.square(grads)
    new = np.array(params, copy=True)
    new -= learning_rate * grads * (accumulator + epsilon) ** -0.5
    return new, state._replace(accumulator=accumulator)


def adagrad_float32(params, grads, state, *, learning_rate, epsilon):
    g = grads.astype(np.float32)
    accumulator = (state.accumulator.astype(np.float32) + g * g).astype(np.float32)
    step = np.float32(learning_rate) * g / np.sqrt(accumulator + np.float32(epsilon))
    return (params.astype(np.float32) - step).astype(np.float32), AdagradState(accumulator)


def adagrad_with_out(params, grads, state, *, learning_rate, epsilon):
    accumulator = np.add(state.accumulator, np.multiply(grads, grads), out=np.empty(np.shape(params)))
    scale = np.sqrt(accumulator + epsilon)
    return np.subtract(params, np.divide(np.multiply(learning_rate, grads), scale), out=np.empty(np.shape(params))), AdagradState(accumulator)


def adagrad_effective_rate(params, grads, state, *, learning_rate, epsilon):
    """The per-parameter learning rate η / sqrt(G + ε) first, as the lesson draws it."""
    accumulator = state.accumulator + grads * grads
    rate = learning_rate / np.power(accumulator + epsilon, 0.5)
    return params - rate * grads, AdagradState(accumulator=accumulator)


def adagrad_float32_state_only(params, grads, state, *, learning_rate, epsilon):
    accumulator = np.asarray(state.accumulator + grads**2, dtype=np.float32)
    return params - learning_rate * grads / np.sqrt(accumulator.astype(float) + epsilon), AdagradState(accumulator)


def adagrad_rule(accumulate, step):
    def fn(params, grads, state, *, learning_rate, epsilon):
        acc = accumulate(state.accumulator, grads)
        return params - step(grads, acc, state.accumulator, learning_rate, epsilon), AdagradState(acc)
    return fn


SUM = lambda a, g: a + g**2  # noqa: E731
RIGHT_ADAGRAD = lambda g, acc, old, lr, eps: lr * g / np.sqrt(acc + eps)  # noqa: E731


def _adagrad_first_without_initial_value(params, grads, state, *, learning_rate, epsilon):
    untouched = np.all(state.accumulator == 0.1)  # "the first step": the accumulator is still as adagrad_init made it
    accumulator = grads**2 if untouched else state.accumulator + grads**2
    return params - learning_rate * grads / np.sqrt(accumulator + epsilon), AdagradState(accumulator)


def _adagrad_epsilon_stored(params, grads, state, *, learning_rate, epsilon):
    accumulator = state.accumulator + grads**2 + epsilon
    return params - learning_rate * grads / np.sqrt(accumulator), AdagradState(accumulator)


ADAGRAD_STEP = Bank("adagrad_step", right={
    "functional": adagrad,
    "in place on copies, power −0.5": adagrad_in_place_on_copies,
    "float32 throughout": adagrad_float32,
    "np.add and np.multiply with out=": adagrad_with_out,
    "per-parameter rate first": adagrad_effective_rate,
    "float32 accumulator": adagrad_float32_state_only,
    "prints to stderr": printing_to_stderr(adagrad),
}, wrong={
    **expect(merged(common(adagrad), rule_state(adagrad, "accumulator", AdagradState)), {
        'returns None': '`adagrad_step` returned None; it should return a pair `(new_params, new_state)`.',
        'raises ValueError': '`adagrad_step` raised ValueError (shapes do not match) when called as adagrad_step(…, …, …, learning_rate=0.5, epsilon=1e-07).',
        'not written yet': '`adagrad_step` is not written yet: replace `raise NotImplementedError()` with your code.',
        'not a function': '`adagrad_step` is not a function (it is a int); define it with `def adagrad_step(...)`.',
        'NaN in the result': '`adagrad_step` returned NaN or infinite values in the new parameters for finite inputs.',
        'inf in the result': '`adagrad_step` returned NaN or infinite values in the new parameters for finite inputs.',
        'complex result': '`adagrad_step` returned complex numbers for the new parameters; it should return real numbers (a float array).',
        'a string result': '`adagrad_step` returned str for the new parameters; it should be a numpy array of numbers.',
        'result of the wrong shape': '`adagrad_step` returned the new parameters of shape (4,); it should have shape (3,).',
        'returns only the first item': '`adagrad_step` returned a ndarray; it should return a pair `(new_params, new_state)`.',
        'returns a triple': '`adagrad_step` returned a tuple of 3 items; it should return a pair `(new_params, new_state)`.',
        'returns a list, not a tuple': '`adagrad_step` returned a list; it should return a pair `(new_params, new_state)`.',
        'state as a dict': '`adagrad_step` returned a state of type dict; return a new `AdagradState(accumulator=...)`.',
        'state as a plain tuple': '`adagrad_step` returned a state of type tuple; return a new `AdagradState(accumulator=...)`.',
        'state dropped': '`adagrad_step` returned a state of type NoneType; return a new `AdagradState(accumulator=...)`.',
        '`accumulator` as a list': "`adagrad_step` returned the state's `accumulator` as a list; return a numpy array of the parameters' shape inside AdagradState.",
        '`accumulator` of the wrong shape': "`adagrad_step` returned the new state's `accumulator` of shape (1, 3); it should have shape (3,).",
        '`accumulator` with NaN': "`adagrad_step` returned NaN or infinite values in the new state's `accumulator` for finite inputs.",
        'parameters changed in place': '`adagrad_step` changed `params` in place; leave its inputs as they are and return new arrays.',
        'gradients changed in place': '`adagrad_step` changed `grads` in place; leave its inputs as they are and return new arrays.',
        "state's `accumulator` changed in place": "`adagrad_step` changed the state's `accumulator` in place; leave its inputs as they are and return new arrays.",
    }),
    "epsilon outside the root": (adagrad_rule(SUM, lambda g, acc, old, lr, eps: lr * g / (np.sqrt(acc) + eps)), '`adagrad_step`: epsilon is added outside the square root; Keras divides by sqrt(accumulator + epsilon) (learning_rate=0.5, epsilon=0.01, shape (3,) (float64), gradients ~0.001, g² much smaller than epsilon, from a non-zero state).'),
    "epsilon clamps the accumulator": (adagrad_rule(SUM, lambda g, acc, old, lr, eps: lr * g / np.sqrt(np.maximum(acc, eps))), '`adagrad_step`: epsilon is used as a floor, sqrt(max(accumulator, epsilon)); Keras adds it: sqrt(accumulator + epsilon) (learning_rate=0.5, epsilon=0.01, shape (3,) (float32), gradients ~0.001, g² much smaller than epsilon, from a non-zero state).'),
    "epsilon squared": (adagrad_rule(SUM, lambda g, acc, old, lr, eps: lr * g / np.sqrt(acc + eps**2)), '`adagrad_step`: the new parameters first differ from tf.keras.optimizers.Adagrad at step 1 (learning_rate=0.5, epsilon=0.01, shape (3,) (float64), gradients ~0.001, g² much smaller than epsilon, from a non-zero state).'),
    "epsilon added to the stored accumulator": (_adagrad_epsilon_stored, '`adagrad_step`: epsilon is added to the stored accumulator, so it piles up step after step; add it only inside the square root (learning_rate=0.5, epsilon=0.01, shape (3,) (float64), gradients ~0.001, g² much smaller than epsilon, from a non-zero state).'),
    "update before accumulating": (adagrad_rule(SUM, lambda g, acc, old, lr, eps: lr * g / np.sqrt(old + eps)), '`adagrad_step`: the step divides by the accumulator from before this gradient was added; add g² first (learning_rate=0.5, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "absolute value": (adagrad_rule(lambda a, g: a + np.abs(g), RIGHT_ADAGRAD), '`adagrad_step`: the accumulator adds |g|; it should add the squared gradient g² (learning_rate=0.5, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "no square root": (adagrad_rule(SUM, lambda g, acc, old, lr, eps: lr * g / (acc + eps)), '`adagrad_step`: the square root is missing: divide by sqrt(accumulator + epsilon) (learning_rate=0.5, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "old state returned": (lambda p, g, s, *, learning_rate, epsilon: (p - learning_rate * g / np.sqrt(s.accumulator + g**2 + epsilon), s), '`adagrad_step`: the parameters move, but the returned state still holds the old accumulator (learning_rate=0.5, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "accumulator replaced": (adagrad_rule(lambda a, g: g**2, RIGHT_ADAGRAD), '`adagrad_step`: the accumulator is replaced by g² instead of summing: AdaGrad adds every squared gradient (learning_rate=0.5, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "learning rate ignored": (adagrad_rule(SUM, lambda g, acc, old, lr, eps: g / np.sqrt(acc + eps)), '`adagrad_step`: `learning_rate` is not used (learning_rate=0.5, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "uphill": (adagrad_rule(SUM, lambda g, acc, old, lr, eps: -lr * g / np.sqrt(acc + eps)), '`adagrad_step`: the step goes uphill; subtract it (learning_rate=0.5, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "decays like RMSprop": (adagrad_rule(lambda a, g: 0.9 * a + 0.1 * g**2, RIGHT_ADAGRAD), "`adagrad_step`: the accumulator decays like RMSprop's average; AdaGrad sums squared gradients and never forgets (learning_rate=0.5, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state)."),
    "epsilon missing": (adagrad_rule(SUM, lambda g, acc, old, lr, eps: lr * g / np.sqrt(acc)), '`adagrad_step`: epsilon is missing: divide by sqrt(accumulator + epsilon) (learning_rate=0.5, epsilon=0.01, shape (3,) (float64), gradients ~0.001, g² much smaller than epsilon, from a non-zero state).'),
    "squared step": (adagrad_rule(SUM, lambda g, acc, old, lr, eps: lr * g**2 / np.sqrt(acc + eps)), '`adagrad_step`: the new parameters first differ from tf.keras.optimizers.Adagrad at step 1 (learning_rate=0.5, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "first step ignores initial_accumulator_value": (_adagrad_first_without_initial_value, '`adagrad_step`: your first step differs from tf.keras.optimizers.Adagrad (later steps from a given state agree): check how the state starts — the accumulator starts at initial_accumulator_value (0.1), and the first step adds g² to it like any other step (learning_rate=0.5, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from the initial state).'),
    "keyword missing": (lambda params, grads, state, *, learning_rate: (params, state), "`adagrad_step` raised TypeError (<lambda>() got an unexpected keyword argument 'epsilon') when called as adagrad_step(…, …, …, learning_rate=0.5, epsilon=1e-07)."),
})


# ---------------------------------------------------------------- RMSprop
def rmsprop(params, grads, state, *, learning_rate, rho, epsilon):
    mean_square = rho * state.mean_square + (1 - rho) * grads**2
    return params - learning_rate * grads / np.sqrt(mean_square + epsilon), RMSpropState(mean_square)


def rmsprop_expanded(params, grads, state, *, learning_rate, rho, epsilon):
    mean_square = state.mean_square + (1 - rho) * (grads * grads - state.mean_square)
    return params - learning_rate / np.sqrt(mean_square + epsilon) * grads, RMSpropState(mean_square.astype(np.float32))


def rmsprop_in_place_on_copies(params, grads, state, *, learning_rate, rho, epsilon):
    mean_square = np.array(state.mean_square, copy=True)
    mean_square *= rho
    mean_square += (1 - rho) * grads**2
    new = params.copy()
    new -= learning_rate * grads / np.sqrt(mean_square + epsilon)
    return new, RMSpropState(mean_square)


def rmsprop_float32(params, grads, state, *, learning_rate, rho, epsilon):
    g, r = grads.astype(np.float32), np.float32(rho)
    mean_square = (r * state.mean_square.astype(np.float32) + (np.float32(1) - r) * g * g).astype(np.float32)
    step = np.float32(learning_rate) * g / np.sqrt(mean_square + np.float32(epsilon))
    return (params.astype(np.float32) - step).astype(np.float32), RMSpropState(mean_square)


def rmsprop_with_out(params, grads, state, *, learning_rate, rho, epsilon):
    mean_square = np.multiply(rho, state.mean_square, out=np.empty(np.shape(params)))
    mean_square += (1 - rho) * np.square(grads)
    denominator = np.add(mean_square, epsilon, out=np.empty(np.shape(params)))
    np.sqrt(denominator, out=denominator)
    return np.subtract(params, learning_rate * grads / denominator), RMSpropState(mean_square)


def rmsprop_interpolated(params, grads, state, *, learning_rate, rho, epsilon):
    """The average as an interpolation between g² and the old average (np.interp's form, written out)."""
    g2 = grads * grads
    mean_square = g2 + rho * (state.mean_square - g2)
    return params - learning_rate * grads * (mean_square + epsilon) ** -0.5, RMSpropState(mean_square=mean_square)


def rmsprop_rule(average, step):
    def fn(params, grads, state, *, learning_rate, rho, epsilon):
        v = average(state.mean_square, grads, rho)
        return params - step(grads, v, state.mean_square, learning_rate, epsilon), RMSpropState(v)
    return fn


EMA = lambda v, g, rho: rho * v + (1 - rho) * g**2  # noqa: E731
RIGHT_RMS = lambda g, v, old, lr, eps: lr * g / np.sqrt(v + eps)  # noqa: E731


def _bias_corrected_rmsprop():
    count = {"t": 0}

    def fn(params, grads, state, *, learning_rate, rho, epsilon):
        count["t"] += 1
        v = rho * state.mean_square + (1 - rho) * grads**2
        return params - learning_rate * grads / np.sqrt(v / (1 - rho ** count["t"]) + epsilon), RMSpropState(v)
    fn.reset = lambda: count.update(t=0)  # it counts its calls: each test starts it afresh (the banks run in any order)
    return fn


def _rmsprop_started_at_g2(params, grads, state, *, learning_rate, rho, epsilon):
    mean_square = grads**2 if not np.any(state.mean_square) else rho * state.mean_square + (1 - rho) * grads**2
    return params - learning_rate * grads / np.sqrt(mean_square + epsilon), RMSpropState(mean_square)


def _rmsprop_centered(params, grads, state, *, learning_rate, rho, epsilon):
    mean_square = rho * state.mean_square + (1 - rho) * grads**2
    return params - learning_rate * grads / np.sqrt(mean_square - ((1 - rho) * grads) ** 2 + epsilon), RMSpropState(mean_square)


RMSPROP_STEP = Bank("rmsprop_step", right={
    "functional": rmsprop,
    "expanded average, float32 state": rmsprop_expanded,
    "in place on copies": rmsprop_in_place_on_copies,
    "float32 throughout": rmsprop_float32,
    "np.multiply, np.add and np.sqrt with out=": rmsprop_with_out,
    "interpolation form, power −0.5": rmsprop_interpolated,
    "prints to stderr": printing_to_stderr(rmsprop),
}, wrong={
    **expect(merged(common(rmsprop), rule_state(rmsprop, "mean_square", RMSpropState)), {
        'returns None': '`rmsprop_step` returned None; it should return a pair `(new_params, new_state)`.',
        'raises ValueError': '`rmsprop_step` raised ValueError (shapes do not match) when called as rmsprop_step(…, …, …, learning_rate=0.01, rho=0.8, epsilon=1e-07).',
        'not written yet': '`rmsprop_step` is not written yet: replace `raise NotImplementedError()` with your code.',
        'not a function': '`rmsprop_step` is not a function (it is a int); define it with `def rmsprop_step(...)`.',
        'NaN in the result': '`rmsprop_step` returned NaN or infinite values in the new parameters for finite inputs.',
        'inf in the result': '`rmsprop_step` returned NaN or infinite values in the new parameters for finite inputs.',
        'complex result': '`rmsprop_step` returned complex numbers for the new parameters; it should return real numbers (a float array).',
        'a string result': '`rmsprop_step` returned str for the new parameters; it should be a numpy array of numbers.',
        'result of the wrong shape': '`rmsprop_step` returned the new parameters of shape (4,); it should have shape (3,).',
        'returns only the first item': '`rmsprop_step` returned a ndarray; it should return a pair `(new_params, new_state)`.',
        'returns a triple': '`rmsprop_step` returned a tuple of 3 items; it should return a pair `(new_params, new_state)`.',
        'returns a list, not a tuple': '`rmsprop_step` returned a list; it should return a pair `(new_params, new_state)`.',
        'state as a dict': '`rmsprop_step` returned a state of type dict; return a new `RMSpropState(mean_square=...)`.',
        'state as a plain tuple': '`rmsprop_step` returned a state of type tuple; return a new `RMSpropState(mean_square=...)`.',
        'state dropped': '`rmsprop_step` returned a state of type NoneType; return a new `RMSpropState(mean_square=...)`.',
        '`mean_square` as a list': "`rmsprop_step` returned the state's `mean_square` as a list; return a numpy array of the parameters' shape inside RMSpropState.",
        '`mean_square` of the wrong shape': "`rmsprop_step` returned the new state's `mean_square` of shape (1, 3); it should have shape (3,).",
        '`mean_square` with NaN': "`rmsprop_step` returned NaN or infinite values in the new state's `mean_square` for finite inputs.",
        'parameters changed in place': '`rmsprop_step` changed `params` in place; leave its inputs as they are and return new arrays.',
        'gradients changed in place': '`rmsprop_step` changed `grads` in place; leave its inputs as they are and return new arrays.',
        "state's `mean_square` changed in place": "`rmsprop_step` changed the state's `mean_square` in place; leave its inputs as they are and return new arrays.",
        "centred by the current gradient only": '`rmsprop_step`: the new parameters first differ from tf.keras.optimizers.RMSprop at step 1 (learning_rate=0.01, rho=0.8, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).',
    }),
    "epsilon outside the root": (rmsprop_rule(EMA, lambda g, v, old, lr, eps: lr * g / (np.sqrt(v) + eps)), '`rmsprop_step`: epsilon is added outside the square root; Keras divides by sqrt(mean_square + epsilon) (learning_rate=0.01, rho=0.8, epsilon=0.01, shape (3,) (float64), gradients ~0.001, g² much smaller than epsilon, from a non-zero state).'),
    "epsilon clamps the average": (rmsprop_rule(EMA, lambda g, v, old, lr, eps: lr * g / np.sqrt(np.maximum(v, eps))), '`rmsprop_step`: epsilon is used as a floor, sqrt(max(mean_square, epsilon)); Keras adds it: sqrt(mean_square + epsilon) (learning_rate=0.01, rho=0.8, epsilon=0.0001, shape (3,) (float64), gradients ~0.01, g² comparable to epsilon, from a non-zero state).'),
    "epsilon squared": (rmsprop_rule(EMA, lambda g, v, old, lr, eps: lr * g / np.sqrt(v + eps**2)), '`rmsprop_step`: the new parameters first differ from tf.keras.optimizers.RMSprop at step 1 (learning_rate=0.01, rho=0.8, epsilon=0.01, shape (3,) (float64), gradients ~0.001, g² much smaller than epsilon, from a non-zero state).'),
    "rho swapped": (rmsprop_rule(lambda v, g, rho: (1 - rho) * v + rho * g**2, RIGHT_RMS), '`rmsprop_step`: rho and 1 − rho are swapped: rho multiplies the old average, 1 − rho the new g² (learning_rate=0.01, rho=0.8, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "bias-corrected like Adam": (_bias_corrected_rmsprop(), "`rmsprop_step`: the average is bias-corrected like Adam's; Keras's RMSprop has no bias correction (learning_rate=0.01, rho=0.8, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state)."),
    "state not carried": (rmsprop_rule(lambda v, g, rho: (1 - rho) * g**2, RIGHT_RMS), '`rmsprop_step`: the average from `state` is ignored: each step starts from zero (learning_rate=0.01, rho=0.8, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "absolute value": (rmsprop_rule(lambda v, g, rho: rho * v + (1 - rho) * np.abs(g), RIGHT_RMS), '`rmsprop_step`: the average uses |g|; it should average the squared gradient g² (learning_rate=0.01, rho=0.8, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "no square root": (rmsprop_rule(EMA, lambda g, v, old, lr, eps: lr * g / (v + eps)), '`rmsprop_step`: the square root is missing: divide by sqrt(mean_square + epsilon) (learning_rate=0.01, rho=0.8, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "old state returned": (lambda p, g, s, *, learning_rate, rho, epsilon: (p - learning_rate * g / np.sqrt(EMA(s.mean_square, g, rho) + epsilon), s), '`rmsprop_step`: the parameters move, but the returned state still holds the old average (learning_rate=0.01, rho=0.8, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "AdaGrad instead": (rmsprop_rule(lambda v, g, rho: v + g**2, RIGHT_RMS), '`rmsprop_step`: this sums squared gradients like AdaGrad; RMSprop keeps a decaying average with rho (learning_rate=0.01, rho=0.8, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "learning rate ignored": (rmsprop_rule(EMA, lambda g, v, old, lr, eps: g / np.sqrt(v + eps)), '`rmsprop_step`: `learning_rate` is not used (learning_rate=0.01, rho=0.8, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "uphill": (rmsprop_rule(EMA, lambda g, v, old, lr, eps: -lr * g / np.sqrt(v + eps)), '`rmsprop_step`: the step goes uphill; subtract it (learning_rate=0.01, rho=0.8, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "update before averaging": (rmsprop_rule(EMA, lambda g, v, old, lr, eps: lr * g / np.sqrt(old + eps)), '`rmsprop_step`: the step divides by the average from before this gradient; update the average first (learning_rate=0.01, rho=0.8, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "epsilon missing": (rmsprop_rule(EMA, lambda g, v, old, lr, eps: lr * g / np.sqrt(v)), '`rmsprop_step`: epsilon is missing: divide by sqrt(mean_square + epsilon) (learning_rate=0.01, rho=0.8, epsilon=0.01, shape (3,) (float64), gradients ~0.001, g² much smaller than epsilon, from a non-zero state).'),
    "average started at g²": (_rmsprop_started_at_g2, '`rmsprop_step`: your first step differs from tf.keras.optimizers.RMSprop (later steps from a given state agree): check how the state starts — the average starts at zero, so the first step makes it rho × 0 + (1 − rho) × g², not g² (learning_rate=0.01, rho=0.8, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from the initial state).'),
    "centred by the current gradient only": (_rmsprop_centered, '`rmsprop_step`: the new parameters first differ from tf.keras.optimizers.RMSprop at step 1 (learning_rate=0.01, rho=0.8, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "rho squared": (rmsprop_rule(lambda v, g, rho: rho**2 * v + (1 - rho**2) * g**2, RIGHT_RMS), "`rmsprop_step`: the state's `mean_square` first differs from tf.keras.optimizers.RMSprop at step 1; the parameters differ from step 1 (learning_rate=0.01, rho=0.8, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state)."),
})

BANKS = [ADAGRAD_STEP, RMSPROP_STEP]
