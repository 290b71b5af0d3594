"""Module 5: Adam, against tf.keras.optimizers.Adam (the 'epsilon-hat' form, t = 1 on the first step)."""
import numpy as np

from optcourse.lesson.optim import AdamState

from . import Bank
from .bad_input import common, expect, merged, printing_to_stderr, rule_state, state_field


def adam(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon):
    t = state.t + 1
    m = state.m + (1 - beta_1) * (grads - state.m)
    v = state.v + (1 - beta_2) * (grads**2 - state.v)
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return params - alpha * m / (np.sqrt(v) + epsilon), AdamState(m, v, t)


def adam_other_order(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon):
    t = state.t + 1
    m = beta_1 * state.m + (1 - beta_1) * grads
    v = beta_2 * state.v + (1 - beta_2) * grads * grads
    step = learning_rate * (np.sqrt(1 - beta_2**t) / (1 - beta_1**t)) * m / (np.sqrt(v) + epsilon)
    return params - step, AdamState(m=m, v=v, t=t)


def adam_float32_numpy_t(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon):
    t = np.int64(state.t) + 1  # a numpy integer is an int too
    m = np.float32(beta_1) * state.m + np.float32(1 - beta_1) * grads.astype(np.float32)
    v = np.float32(beta_2) * state.v + np.float32(1 - beta_2) * np.square(grads.astype(np.float32))
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return (params - alpha * m / (np.sqrt(v) + epsilon)).astype(np.float32), AdamState(m.astype(np.float32), v.astype(np.float32), t)


def adam_in_place_on_copies(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon):
    m, v, new = state.m.copy(), state.v.copy(), params.copy()
    m *= beta_1
    m += (1 - beta_1) * grads
    v *= beta_2
    v += (1 - beta_2) * grads**2
    t = state.t + 1
    new -= learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (np.sqrt(v) + epsilon)
    return new, state._replace(m=m, v=v, t=t)


def adam_with_out(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon):
    shape, t = np.shape(params), state.t + 1
    m = np.multiply(beta_1, state.m, out=np.empty(shape))
    m += (1 - beta_1) * grads
    v = np.multiply(beta_2, state.v, out=np.empty(shape))
    v += (1 - beta_2) * np.multiply(grads, grads)
    denominator = np.sqrt(v, out=np.empty(shape))
    np.add(denominator, epsilon, out=denominator)
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return np.subtract(params, alpha * m / denominator, out=np.empty(shape)), AdamState(m, v, t)


def adam_algorithm_1_in_keras_units(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon):
    """The paper's Algorithm 1 (bias-corrected m̂ and v̂) with Keras's epsilon turned into the paper's:
    ε_paper = ε / sqrt(1 − β₂ᵗ) gives the same step."""
    t = state.t + 1
    m = beta_1 * state.m + (1 - beta_1) * grads
    v = beta_2 * state.v + (1 - beta_2) * grads**2
    m_hat, v_hat = m / (1 - beta_1**t), v / (1 - beta_2**t)
    return params - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon / np.sqrt(1 - beta_2**t)), AdamState(m, v, t)


def adam_rule(*, first=None, second=None, step=None, t_used=lambda t: t + 1, t_kept=lambda t: t + 1, keep=False):
    def fn(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon):
        b1, b2, lr = beta_1, beta_2, learning_rate
        m = (first or (lambda m, g, b1, b2: b1 * m + (1 - b1) * g))(state.m, grads, b1, b2)
        v = (second or (lambda v, g, b1, b2: b2 * v + (1 - b2) * g**2))(state.v, grads, b1, b2)
        t = t_used(state.t)
        default = lambda m, v, t, lr, b1, b2, eps: lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)  # noqa: E731
        new = params - (step or default)(m, v, t, lr, b1, b2, epsilon)
        return new, (state if keep else AdamState(m, v, t_kept(state.t)))
    return fn


def _swapped(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon):
    return adam(params, grads, state, learning_rate=learning_rate, beta_1=beta_2, beta_2=beta_1, epsilon=epsilon)


def adam_returning(new_state=None, *, moments_from_first=False, correction_t=lambda t: t):
    """A Keras-form Adam step; ``new_state(m, v, t, old)`` builds what it returns."""
    def fn(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon):
        t = state.t + 1
        if moments_from_first and state.t == 0:
            m, v = grads.copy(), grads**2
        else:
            m, v = beta_1 * state.m + (1 - beta_1) * grads, beta_2 * state.v + (1 - beta_2) * grads**2
        tc = correction_t(t)
        new = params - learning_rate * np.sqrt(1 - beta_2**tc) / (1 - beta_1**tc) * m / (np.sqrt(v) + epsilon)
        return new, (new_state or (lambda m, v, t, old: AdamState(m, v, t)))(m, v, t, state)
    return fn


KERAS_STEP = lambda m, v, t, lr, b1, b2, eps: lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)  # noqa: E731

ADAM_STEP = Bank("adam_step", right={
    "functional": adam,
    "moments in the other order": adam_other_order,
    "float32 throughout, numpy-int t": adam_float32_numpy_t,
    "in place on copies": adam_in_place_on_copies,
    "np.multiply, np.sqrt and np.add with out=": adam_with_out,
    "Algorithm 1 with epsilon in Keras units": adam_algorithm_1_in_keras_units,
    "prints to stderr": printing_to_stderr(adam),
}, wrong={
    **expect(merged(common(adam), rule_state(adam, "m", AdamState)), {
        'returns None': '`adam_step` returned None; it should return a pair `(new_params, new_state)`.',
        'raises ValueError': '`adam_step` raised ValueError (shapes do not match) when called as adam_step(…, …, …, learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-07).',
        'not written yet': '`adam_step` is not written yet: replace `raise NotImplementedError()` with your code.',
        'not a function': '`adam_step` is not a function (it is a int); define it with `def adam_step(...)`.',
        'NaN in the result': '`adam_step` returned NaN or infinite values in the new parameters for finite inputs.',
        'inf in the result': '`adam_step` returned NaN or infinite values in the new parameters for finite inputs.',
        'complex result': '`adam_step` returned complex numbers for the new parameters; it should return real numbers (a float array).',
        'a string result': '`adam_step` returned str for the new parameters; it should be a numpy array of numbers.',
        'result of the wrong shape': '`adam_step` returned the new parameters of shape (4,); it should have shape (3,).',
        'returns only the first item': '`adam_step` returned a ndarray; it should return a pair `(new_params, new_state)`.',
        'returns a triple': '`adam_step` returned a tuple of 3 items; it should return a pair `(new_params, new_state)`.',
        'returns a list, not a tuple': '`adam_step` returned a list; it should return a pair `(new_params, new_state)`.',
        'state as a dict': '`adam_step` returned a state of type dict; return a new `AdamState(m=..., v=..., t=...)`.',
        'state as a plain tuple': '`adam_step` returned a state of type tuple; return a new `AdamState(m=..., v=..., t=...)`.',
        'state dropped': '`adam_step` returned a state of type NoneType; return a new `AdamState(m=..., v=..., t=...)`.',
        '`m` as a list': "`adam_step` returned the state's `m` as a list; return a numpy array of the parameters' shape inside AdamState.",
        '`m` of the wrong shape': "`adam_step` returned the new state's `m` of shape (1, 3); it should have shape (3,).",
        '`m` with NaN': "`adam_step` returned NaN or infinite values in the new state's `m` for finite inputs.",
        'parameters changed in place': '`adam_step` changed `params` in place; leave its inputs as they are and return new arrays.',
        'gradients changed in place': '`adam_step` changed `grads` in place; leave its inputs as they are and return new arrays.',
        "state's `m` changed in place": "`adam_step` changed the state's `m` in place; leave its inputs as they are and return new arrays.",
    }),
    "Algorithm-1 epsilon": (adam_rule(step=lambda m, v, t, lr, b1, b2, eps: lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)), "`adam_step`: epsilon is added to the bias-corrected sqrt(v̂) as in the paper's Algorithm 1; Keras uses the 'epsilon-hat' form: alpha_t = learning_rate·sqrt(1 − beta_2^t)/(1 − beta_1^t), step alpha_t·m/(sqrt(v) + epsilon) (learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=0.01, shape (3,) (float64), gradients ~0.001, g² much smaller than epsilon, from a non-zero state)."),
    "no bias correction": (adam_rule(step=lambda m, v, t, lr, b1, b2, eps: lr * m / (np.sqrt(v) + eps)), '`adam_step`: there is no bias correction: scale by sqrt(1 − beta_2^t)/(1 − beta_1^t) (learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "t used before increment": (adam_rule(t_used=lambda t: t), '`adam_step`: the bias correction uses the step count before it is increased: t is 1 on the first step (learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "betas swapped": (_swapped, '`adam_step`: beta_1 and beta_2 are swapped: beta_1 (0.9) belongs to m, beta_2 (0.999) to v (learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "epsilon inside the root": (adam_rule(step=lambda m, v, t, lr, b1, b2, eps: lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / np.sqrt(v + eps)), "`adam_step`: epsilon is inside the square root; Keras's Adam divides by sqrt(v) + epsilon (learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=0.01, shape (3,) (float64), gradients ~0.001, g² much smaller than epsilon, from a non-zero state)."),
    "epsilon clamps sqrt(v)": (adam_rule(step=lambda m, v, t, lr, b1, b2, eps: lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / np.maximum(np.sqrt(v), eps)), '`adam_step`: epsilon is used as a floor, max(sqrt(v), epsilon); Keras adds it: sqrt(v) + epsilon (learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=0.01, shape (3,) (float64), gradients ~0.001, g² much smaller than epsilon, from a non-zero state).'),
    "state not returned": (adam_rule(keep=True), '`adam_step`: the parameters move, but the returned state still holds the old m, v and t (learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "t not counted": (adam_rule(t_kept=lambda t: t), '`adam_step`: the returned state keeps the old t: count the step (learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "absolute value": (adam_rule(second=lambda v, g, b1, b2: v + (1 - b2) * (np.abs(g) - v)), '`adam_step`: v averages |g|; it should average the squared gradient g² (learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "v without (1 − beta_2)": (adam_rule(second=lambda v, g, b1, b2: b2 * v + g**2), '`adam_step`: v adds g² without the (1 − beta_2) factor (learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "m without (1 − beta_1)": (adam_rule(first=lambda m, g, b1, b2: b1 * m + g), '`adam_step`: m adds g without the (1 − beta_1) factor (learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "learning rate ignored": (adam_rule(step=lambda m, v, t, lr, b1, b2, eps: KERAS_STEP(m, v, t, 1.0, b1, b2, eps)), '`adam_step`: `learning_rate` is not used (learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "uphill": (adam_rule(step=lambda m, v, t, lr, b1, b2, eps: -KERAS_STEP(m, v, t, lr, b1, b2, eps)), '`adam_step`: the step goes uphill; subtract it (learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "only m corrected": (adam_rule(step=lambda m, v, t, lr, b1, b2, eps: lr / (1 - b1**t) * m / (np.sqrt(v) + eps)), '`adam_step`: only m is bias-corrected; the correction of v, sqrt(1 − beta_2^t), is missing (learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "moments initialised from the first gradient": (adam_returning(moments_from_first=True), "`adam_step`: your first step differs from tf.keras.optimizers.Adam (later steps from a given state agree): check how the state starts — Adam's m and v start at zero and t at 0, so the first update uses t = 1 (learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from the initial state)."),
    "bias correction off by one only at t = 1": (adam_returning(correction_t=lambda t: max(t, 2)), "`adam_step`: your first step differs from tf.keras.optimizers.Adam (later steps from a given state agree): check how the state starts — Adam's m and v start at zero and t at 0, so the first update uses t = 1 (learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from the initial state)."),
    "t returned as a float": (state_field("t", float)(adam), "`adam_step` returned the state's `t` as a float; t counts the steps taken: keep it an int inside AdamState."),
    "t returned as a float array": (state_field("t", lambda t: np.asarray(t, dtype=float))(adam), "`adam_step` returned the state's `t` as a numpy array; t counts the steps taken: keep it an int inside AdamState."),
    "t not incremented from 0": (adam_returning(lambda m, v, t, old: AdamState(m, v, t if old.t else 0)), '`adam_step` returned t = 0 after step 1 from the initial state (t = 0); t counts the steps taken, so it should be 1.'),
    "t counts twice": (adam_rule(t_kept=lambda t: t + 2), "`adam_step`: the state's `t` first differs from tf.keras.optimizers.Adam at step 1; the parameters differ from step 3 (learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state)."),
    "momentum instead of m": (adam_rule(first=lambda m, g, b1, b2: b1 * m - g), "`adam_step`: the state's `m` first differs from tf.keras.optimizers.Adam at step 1; the parameters differ from step 1 (learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-07, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state)."),
})




# ---------------------------------------------------------------- adamw_step

def adamw(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon, weight_decay):
    """The learner's Adam, from weights shrunk first (as a learner builds on Exercise 2)."""
    decayed = params - learning_rate * weight_decay * params
    return adam(decayed, grads, state, learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)


def adamw_by_factor(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon, weight_decay):
    new, state = adam_other_order(params, grads, state, learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
    return new - learning_rate * weight_decay * params, state   # the decay of the old weights, subtracted after: the same


def adamw_written_out(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon, weight_decay):
    t = state.t + 1
    m = beta_1 * state.m + (1 - beta_1) * grads
    v = beta_2 * state.v + (1 - beta_2) * np.square(grads)
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return (1 - learning_rate * weight_decay) * params - alpha * m / (np.sqrt(v) + epsilon), AdamState(m, v, t)


def adamw_in_place_on_copies(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon, weight_decay):
    new = params.copy()
    new *= 1 - learning_rate * weight_decay
    return adam_in_place_on_copies(new, grads, state, learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)


def adamw_float32(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon, weight_decay):
    decayed = (params - np.float32(learning_rate * weight_decay) * params).astype(np.float32)
    return adam_float32_numpy_t(decayed, grads, state, learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)


def adamw_algorithm_1(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon, weight_decay):
    new, state = adam_algorithm_1_in_keras_units(params, grads, state, learning_rate=learning_rate, beta_1=beta_1,
                                                 beta_2=beta_2, epsilon=epsilon)
    return new - learning_rate * weight_decay * params, state


def adamw_rule(*, decay=None, after=None, gradient=None, first=None, scaled=False):
    """A Keras-form AdamW with one part changed: ``decay(w, lr, wd, alpha)`` the weights before the step,
    ``after(w, lr, wd)`` the weights after it, ``gradient(g, w, wd)`` what Adam sees, ``first`` what m averages."""
    def fn(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon, weight_decay):
        lr, wd, b1, b2 = learning_rate, weight_decay, beta_1, beta_2
        t = state.t + 1
        alpha = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        w = (decay or (lambda w, lr, wd, alpha: w - lr * wd * w))(params, lr, wd, alpha)
        g = (gradient or (lambda g, w, wd: g))(grads, params, wd)
        m = b1 * state.m + (1 - b1) * (first or (lambda g, w, wd: g))(g, params, wd)
        v = b2 * state.v + (1 - b2) * g * g
        new = w - alpha * (m + (wd * params if scaled else 0)) / (np.sqrt(v) + epsilon)
        return (after or (lambda w, lr, wd: w))(new, lr, wd), AdamState(m, v, t)
    return fn


def _adamw_with(adam_variant):
    def fn(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon, weight_decay):
        decayed = params - learning_rate * weight_decay * params
        return adam_variant(decayed, grads, state, learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
    return fn


NO_DECAY = lambda w, lr, wd, alpha: w  # noqa: E731

ADAMW_STEP = Bank("adamw_step", right={
    "your Adam after the decay": adamw,
    "decay of the old weights subtracted after": adamw_by_factor,
    "written out with (1 − lr·wd)": adamw_written_out,
    "in place on copies": adamw_in_place_on_copies,
    "float32 throughout": adamw_float32,
    "Algorithm 1 with epsilon in Keras units": adamw_algorithm_1,
    "prints to stderr": printing_to_stderr(adamw),
}, wrong={
    **expect(merged(common(adamw), rule_state(adamw, "v", AdamState)), {
        'returns None': '`adamw_step` returned None; it should return a pair `(new_params, new_state)`.',
        'raises ValueError': '`adamw_step` raised ValueError (shapes do not match) when called as adamw_step(…, …, …, learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-07, weight_decay=0.5).',
        'not written yet': '`adamw_step` is not written yet: replace `raise NotImplementedError()` with your code.',
        'not a function': '`adamw_step` is not a function (it is a int); define it with `def adamw_step(...)`.',
        'NaN in the result': '`adamw_step` returned NaN or infinite values in the new parameters for finite inputs.',
        'inf in the result': '`adamw_step` returned NaN or infinite values in the new parameters for finite inputs.',
        'complex result': '`adamw_step` returned complex numbers for the new parameters; it should return real numbers (a float array).',
        'a string result': '`adamw_step` returned str for the new parameters; it should be a numpy array of numbers.',
        'result of the wrong shape': '`adamw_step` returned the new parameters of shape (4,); it should have shape (3,).',
        'returns only the first item': '`adamw_step` returned a ndarray; it should return a pair `(new_params, new_state)`.',
        'returns a triple': '`adamw_step` returned a tuple of 3 items; it should return a pair `(new_params, new_state)`.',
        'returns a list, not a tuple': '`adamw_step` returned a list; it should return a pair `(new_params, new_state)`.',
        'state as a dict': '`adamw_step` returned a state of type dict; return a new `AdamState(m=..., v=..., t=...)`.',
        'state as a plain tuple': '`adamw_step` returned a state of type tuple; return a new `AdamState(m=..., v=..., t=...)`.',
        'state dropped': '`adamw_step` returned a state of type NoneType; return a new `AdamState(m=..., v=..., t=...)`.',
        '`v` as a list': "`adamw_step` returned the state's `v` as a list; return a numpy array of the parameters' shape inside AdamState.",
        '`v` of the wrong shape': "`adamw_step` returned the new state's `v` of shape (1, 3); it should have shape (3,).",
        '`v` with NaN': "`adamw_step` returned NaN or infinite values in the new state's `v` for finite inputs.",
        'parameters changed in place': '`adamw_step` changed `params` in place; leave its inputs as they are and return new arrays.',
        'gradients changed in place': '`adamw_step` changed `grads` in place; leave its inputs as they are and return new arrays.',
        "state's `v` changed in place": "`adamw_step` changed the state's `v` in place; leave its inputs as they are and return new arrays.",
    }),
    "decay after the step": (adamw_rule(decay=NO_DECAY, after=lambda w, lr, wd: w - lr * wd * w), '`adamw_step`: the weights are shrunk after the Adam step; Keras shrinks them first, w − learning_rate·weight_decay·w, and takes the Adam step from there (learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-07, weight_decay=0.5, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "decay scaled by alpha_t": (adamw_rule(decay=lambda w, lr, wd, alpha: w - alpha * wd * w), "`adamw_step`: the decay is scaled by alpha_t, Adam's bias-corrected step size; Keras shrinks by learning_rate·weight_decay·w (learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-07, weight_decay=0.5, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state)."),
    "L2 added to the gradient": (adamw_rule(decay=NO_DECAY, gradient=lambda g, w, wd: g + wd * w), '`adamw_step`: weight decay is added to the gradient as an L2 term (g + weight_decay·w), so Adam rescales it; AdamW decouples it: shrink the weights by learning_rate·weight_decay·w, then take the Adam step (learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-07, weight_decay=0.5, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "L2 of wd·|w|² (2·wd·w) added to the gradient": (adamw_rule(decay=NO_DECAY, gradient=lambda g, w, wd: g + 2 * wd * w), "`adamw_step`: the state's `m` first differs from tf.keras.optimizers.AdamW at step 1; the parameters differ from step 1 (learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-07, weight_decay=0.5, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state)."),
    "decay without the learning rate": (adamw_rule(decay=lambda w, lr, wd, alpha: w - wd * w), '`adamw_step`: the decay does not use the learning rate: Keras shrinks the weights by learning_rate·weight_decay·w (learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-07, weight_decay=0.5, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "decay put into m": (adamw_rule(decay=NO_DECAY, first=lambda g, w, wd: g + wd * w), '`adamw_step`: weight decay goes into the first moment m; m and v see only the gradient: AdamW decouples it: shrink the weights by learning_rate·weight_decay·w, then take the Adam step (learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-07, weight_decay=0.5, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "weight_decay ignored": (adamw_rule(decay=NO_DECAY), '`adamw_step`: `weight_decay` is not used: this is Adam; shrink the weights by learning_rate·weight_decay·w first (learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-07, weight_decay=0.5, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "decay added": (adamw_rule(decay=lambda w, lr, wd, alpha: w + lr * wd * w), '`adamw_step`: the decay pushes the weights away from zero; subtract learning_rate·weight_decay·w (learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-07, weight_decay=0.5, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "decay through Adam's scaling": (adamw_rule(decay=NO_DECAY, scaled=True), "`adamw_step`: the decay goes through Adam's scaling, alpha_t·weight_decay·w/(sqrt(v) + epsilon); Keras shrinks by learning_rate·weight_decay·w, whatever the gradients (learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-07, weight_decay=0.5, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state)."),
    "decay applied twice": (adamw_rule(decay=lambda w, lr, wd, alpha: w * (1 - lr * wd) ** 2), '`adamw_step`: the weights are shrunk twice; shrink them once, by learning_rate·weight_decay·w, before the Adam step (learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-07, weight_decay=0.5, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "decay by weight_decay² ": (adamw_rule(decay=lambda w, lr, wd, alpha: w - lr * wd * wd * w), '`adamw_step`: the new parameters first differ from tf.keras.optimizers.AdamW at step 1 (learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-07, weight_decay=0.5, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "Adam without bias correction": (_adamw_with(adam_rule(step=lambda m, v, t, lr, b1, b2, eps: lr * m / (np.sqrt(v) + eps))), '`adamw_step`: there is no bias correction: scale by sqrt(1 − beta_2^t)/(1 − beta_1^t) (learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-07, weight_decay=0.5, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "Adam with epsilon inside the root": (_adamw_with(adam_rule(step=lambda m, v, t, lr, b1, b2, eps: lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / np.sqrt(v + eps))), "`adamw_step`: epsilon is inside the square root; Keras's Adam divides by sqrt(v) + epsilon (learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=0.01, weight_decay=0.5, shape (3,) (float64), gradients ~0.001, g² much smaller than epsilon, from a non-zero state)."),
    "Adam's t not counted": (_adamw_with(adam_rule(t_kept=lambda t: t)), '`adamw_step`: the returned state keeps the old t: count the step (learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-07, weight_decay=0.5, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from a non-zero state).'),
    "moments initialised from the first gradient": (_adamw_with(adam_returning(moments_from_first=True)), '`adamw_step`: your first step differs from tf.keras.optimizers.AdamW (later steps from a given state agree): check how the state starts — as in Adam, m and v start at zero and t at 0, so the first update uses t = 1 (learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-07, weight_decay=0.5, shape (3,) (float64), gradients ~1, g² much larger than epsilon, from the initial state).'),
})

BANKS = [ADAM_STEP, ADAMW_STEP]
