"""Module 1: one gradient-descent step, and the whole trajectory."""
import numpy as np

from optcourse.lesson.optim import GDState, gd_init

from . import Bank
from .bad_input import common, expect, first, mutating, printing_to_stderr, returning


# ---------------------------------------------------------------- gd_step
def step(params, grads, state, *, learning_rate):
    return params - learning_rate * grads, state


def step_in_place_on_a_copy(params, grads, state, *, learning_rate):
    new = params.copy()
    new -= learning_rate * grads
    return new, state


def step_with_out(params, grads, state, *, learning_rate):
    scaled = np.multiply(learning_rate, grads, out=np.empty(np.shape(grads), dtype=float))
    return np.subtract(params, scaled, out=scaled), state


def step_float32(params, grads, state, *, learning_rate):
    return (params - np.float32(learning_rate) * grads).astype(np.float32), GDState()


def step_rewritten(params, grads, state, *, learning_rate):
    return params + (-learning_rate) * grads, gd_init(params)


def step_as_a_list(params, grads, state, *, learning_rate):
    return [p - learning_rate * g for p, g in zip(np.ravel(params), np.ravel(grads))] if np.ndim(params) == 1 else params - learning_rate * grads, state


def gd(update):
    """A step from a formula (w, g, lr) -> new w."""
    def fn(params, grads, state, *, learning_rate):
        return update(params, grads, learning_rate), state
    return fn


def _in_place(params, grads, state, *, learning_rate):
    params -= learning_rate * grads
    return params, state


GD_STEP = Bank("gd_step", tensorflow=False, right={
    "functional": step,
    "in place on a copy": step_in_place_on_a_copy,
    "np.multiply and np.subtract with out=": step_with_out,
    "float32 throughout": step_float32,
    "plus minus the learning rate, a new GDState": step_rewritten,
    "a list for 1-D parameters": step_as_a_list,
    "prints to stderr": printing_to_stderr(step),
}, wrong={
    **expect(common(step), {
        'returns None': '`gd_step` returned None; it should return a pair `(new_params, state)`.',
        'raises ValueError': '`gd_step` raised ValueError (shapes do not match) when called as gd_step(…, …, …, learning_rate=0.1).',
        'not written yet': '`gd_step` is not written yet: replace `raise NotImplementedError()` with your code.',
        'not a function': '`gd_step` is not a function (it is a int); define it with `def gd_step(...)`.',
        'NaN in the result': '`gd_step` returned NaN or infinite values in the new parameters for finite inputs.',
        'inf in the result': '`gd_step` returned NaN or infinite values in the new parameters for finite inputs.',
        'complex result': '`gd_step` returned complex numbers for the new parameters; it should return real numbers (a float array).',
        'a string result': '`gd_step` returned str for the new parameters; it should be a numpy array of numbers.',
        'result of the wrong shape': '`gd_step` returned the new parameters of shape (2,); it should have shape (1,).',
        'returns only the first item': '`gd_step` returned a ndarray; it should return a pair `(new_params, state)`.',
        'returns a triple': '`gd_step` returned a tuple of 3 items; it should return a pair `(new_params, state)`.',
        'returns a list, not a tuple': '`gd_step` returned a list; it should return a pair `(new_params, state)`.',
    }),
    "sign flipped": (gd(lambda w, g, lr: w + lr * g), '`gd_step`: the step goes uphill; subtract the gradient instead of adding it (case: params of shape (1,) (float64), learning_rate=0.1).'),
    "learning rate ignored": (gd(lambda w, g, lr: w - g), '`gd_step`: `learning_rate` is not used; the step should be learning_rate × gradient (case: params of shape (1,) (float64), learning_rate=0.1).'),
    "returns the step": (gd(lambda w, g, lr: -lr * g), '`gd_step`: it returns the step itself; return params minus the step (case: params of shape (1,) (float64), learning_rate=0.1).'),
    "scales the parameters": (gd(lambda w, g, lr: w - lr * w), '`gd_step`: it multiplies the parameters, not the gradient, by the learning rate (case: params of shape (1,) (float64), learning_rate=0.1).'),
    "squared learning rate": (gd(lambda w, g, lr: w - lr**2 * g), '`gd_step` is off for params of shape (1,) (float64), learning_rate=0.1: at index (0,) it gives 0.824412 where 0.848191 is expected.'),
    "divides by the learning rate": (gd(lambda w, g, lr: w - g / lr), '`gd_step` is off for params of shape (1,) (float64), learning_rate=0.1: at index (0,) it gives 3.46387 where 0.848191 is expected.'),
    "squared gradient": (gd(lambda w, g, lr: w - lr * g**2), '`gd_step` is off for params of shape (1,) (float64), learning_rate=0.1: at index (0,) it gives 0.814789 where 0.848191 is expected.'),
    "half the learning rate": (gd(lambda w, g, lr: w - 0.5 * lr * g), '`gd_step` is off for params of shape (1,) (float64), learning_rate=0.1: at index (0,) it gives 0.834981 where 0.848191 is expected.'),
    "parameters unchanged": (gd(lambda w, g, lr: w.copy()), '`gd_step`: it returns the parameters unchanged; return params − learning_rate × gradient (case: params of shape (1,) (float64), learning_rate=0.1).'),
    "first gradient for every entry": (gd(lambda w, g, lr: w - lr * np.ravel(g)[0]), '`gd_step` is off for params of shape (2,) (float64), learning_rate=0.37: at index (1,) it gives 1.51157 where 1.77569 is expected.'),
    "rounded to integers": (gd(lambda w, g, lr: np.rint(w - lr * g).astype(int)), '`gd_step` is off for params of shape (1,) (float64), learning_rate=0.1: at index (0,) it gives 1 where 0.848191 is expected.'),
    "float16 result": (gd(lambda w, g, lr: (w - lr * g).astype(np.float16)), '`gd_step` is off for params of shape (1,) (float64), learning_rate=0.1: at index (0,) it gives 0.848145 where 0.848191 is expected.'),
    "parameters changed in place": (_in_place, "`gd_step` changed its input arrays in place (for example with `-=`); compute and return a new array so the caller's parameters stay as they were."),
    "gradients changed in place": (mutating(1)(step), '`gd_step` changed the gradients it was given; leave `grads` as it is and return new parameters.'),
    "state dropped": (returning(lambda r: (r[0], None))(step), '`gd_step` returned a state of type NoneType; return the `state` it was given (a GDState).'),
    "state as a dict": (returning(lambda r: (r[0], {}))(step), '`gd_step` returned a state of type dict; return the `state` it was given (a GDState).'),
    "new parameters None": (first(lambda v: None)(step), '`gd_step` returned None for the new parameters; did you forget a `return`?'),
})


# ---------------------------------------------------------------- gd_trajectory
def trajectory(grad_fn, w0, *, learning_rate, num_steps):
    rows = [np.array(w0, dtype=float)]
    for _ in range(num_steps):
        rows.append(rows[-1] - learning_rate * grad_fn(rows[-1]))
    return np.stack(rows)


def trajectory_preallocated(grad_fn, w0, *, learning_rate, num_steps):
    out = np.empty((num_steps + 1, len(w0)))
    out[0] = w0
    for k in range(num_steps):
        out[k + 1] = out[k] - learning_rate * grad_fn(out[k])
    return out


def trajectory_of_lists(grad_fn, w0, *, learning_rate, num_steps):
    rows = [list(w0)]
    for _ in range(num_steps):
        w = np.array(rows[-1])
        rows.append(list(w - learning_rate * grad_fn(w)))
    return rows


def trajectory_with_gd_step(grad_fn, w0, *, learning_rate, num_steps):
    w, state = np.array(w0, dtype=float), gd_init(w0)
    points = [w]
    for _ in range(num_steps):
        w, state = step(w, grad_fn(w), state, learning_rate=learning_rate)
        points.append(w)
    return np.array(points)


def trajectory_copy_in_place(grad_fn, w0, *, learning_rate, num_steps):
    w, points = np.array(w0, dtype=float), []
    for _ in range(num_steps):
        points.append(w.copy())
        w -= learning_rate * grad_fn(w)
    points.append(w.copy())
    return np.vstack(points)


def trajectory_float32(grad_fn, w0, *, learning_rate, num_steps):
    return trajectory(grad_fn, w0, learning_rate=learning_rate, num_steps=num_steps).astype(np.float32)


def _rows(change):
    """A trajectory whose rows are changed by ``change(rows, w0, grad_fn, lr, n)``."""
    def fn(grad_fn, w0, *, learning_rate, num_steps):
        return change(trajectory(grad_fn, w0, learning_rate=learning_rate, num_steps=num_steps), w0, grad_fn, learning_rate, num_steps)
    return fn


def _aliased(grad_fn, w0, *, learning_rate, num_steps):
    w = np.array(w0, dtype=float)
    points = [w]
    for _ in range(num_steps):
        w -= learning_rate * grad_fn(w)
        points.append(w)
    return np.array(points)


def _mutates_w0(grad_fn, w0, *, learning_rate, num_steps):
    points = [w0.copy()]
    for _ in range(num_steps):
        w0 -= learning_rate * grad_fn(w0)
        points.append(w0.copy())
    return np.array(points)


def _uphill(grad_fn, w0, *, learning_rate, num_steps):
    return trajectory(lambda w: -grad_fn(w), w0, learning_rate=learning_rate, num_steps=num_steps)


def _gradient_at_start(grad_fn, w0, *, learning_rate, num_steps):
    g = grad_fn(np.asarray(w0, dtype=float))
    return np.array([w0 - k * learning_rate * g for k in range(num_steps + 1)])


def _gradient_one_behind(grad_fn, w0, *, learning_rate, num_steps):
    rows, g = [np.array(w0, dtype=float)], grad_fn(np.asarray(w0, dtype=float))
    for _ in range(num_steps):
        rows.append(rows[-1] - learning_rate * g)
        g = grad_fn(rows[-2])
    return np.array(rows)


def _rate(factor):
    def fn(grad_fn, w0, *, learning_rate, num_steps):
        return trajectory(grad_fn, w0, learning_rate=factor(learning_rate), num_steps=num_steps)
    return fn


def _steps(change):
    def fn(grad_fn, w0, *, learning_rate, num_steps):
        return trajectory(grad_fn, w0, learning_rate=learning_rate, num_steps=change(num_steps))
    return fn


def _only_the_end(grad_fn, w0, *, learning_rate, num_steps):
    return trajectory(grad_fn, w0, learning_rate=learning_rate, num_steps=num_steps)[-1]


def _transposed(grad_fn, w0, *, learning_rate, num_steps):
    return trajectory(grad_fn, w0, learning_rate=learning_rate, num_steps=num_steps).T


def _first_row_zero(rows, w0, grad_fn, lr, n):
    rows[0] = 0.0
    return rows


def _coordinates_swapped(rows, w0, grad_fn, lr, n):
    return rows[:, ::-1]


GD_TRAJECTORY = Bank("gd_trajectory", tensorflow=False, right={
    "a list of new arrays": trajectory,
    "preallocated rows": trajectory_preallocated,
    "a list of lists": trajectory_of_lists,
    "calling gd_step": trajectory_with_gd_step,
    "in place on a copy, copies appended": trajectory_copy_in_place,
    "float32 rows": trajectory_float32,
    "prints to stderr": printing_to_stderr(trajectory),
}, wrong={
    **expect(common(trajectory, pair=False), {
        'returns None': '`gd_trajectory` returned None; did you forget a `return`?',
        'raises ValueError': '`gd_trajectory` raised ValueError (shapes do not match) when called as gd_trajectory(…, …, learning_rate=0.2, num_steps=6).',
        'not written yet': '`gd_trajectory` is not written yet: replace `raise NotImplementedError()` with your code.',
        'not a function': '`gd_trajectory` is not a function (it is a int); define it with `def gd_trajectory(...)`.',
        'NaN in the result': '`gd_trajectory` returned NaN or infinite values in the trajectory for finite inputs.',
        'inf in the result': '`gd_trajectory` returned NaN or infinite values in the trajectory for finite inputs.',
        'complex result': '`gd_trajectory` returned complex numbers for the trajectory; it should return real numbers (a float array).',
        'a string result': '`gd_trajectory` returned str for the trajectory; it should be a numpy array of numbers.',
        'result of the wrong shape': '`gd_trajectory` returned the trajectory of shape (15,); it should have shape (7, 2).',
    }),
    "start left out": (_rows(lambda rows, *a: rows[1:]), '`gd_trajectory` returned 6 points for 6 steps: include the starting point too, so there are num_steps + 1 rows (learning_rate=0.2, num_steps=6).'),
    "one step too many": (_steps(lambda n: n + 1), '`gd_trajectory` returned 8 points for 6 steps: it takes one step too many (learning_rate=0.2, num_steps=6).'),
    "two steps too many": (_steps(lambda n: n + 2), '`gd_trajectory` returned the trajectory of shape (9, 2); it should have shape (7, 2).'),
    "one step short, start kept": (_steps(lambda n: max(n - 1, 0)), '`gd_trajectory` returned 6 points for 6 steps, starting at w0: it takes one step too few; take num_steps steps, so there are num_steps + 1 rows (learning_rate=0.2, num_steps=6).'),
    "same array appended": (_aliased, '`gd_trajectory` returned the final point in every row: the same array was appended each time and then changed in place. Append a copy, or build a new array each step.'),
    "never updates": (_rows(lambda rows, w0, *a: np.array([np.asarray(w0, dtype=float)] * len(rows))), '`gd_trajectory` returned the starting point in every row: update `w` inside the loop.'),
    "mutates w0": (_mutates_w0, '`gd_trajectory` changed `w0` in place; start from a copy (`w = np.array(w0, dtype=float)`).'),
    "half the learning rate": (_rate(lambda lr: lr / 2), '`gd_trajectory` goes wrong at row 1 (learning_rate=0.2, num_steps=6): it gives [-8.82  1.2 ] where [-8.64  0.4 ] is expected. Does it call gd_step with the gradient at the current point?'),
    "learning rate ignored": (_rate(lambda lr: 1.0), '`gd_trajectory` goes wrong at row 1 (learning_rate=0.2, num_steps=6): it gives [-7.2 -6. ] where [-8.64  0.4 ] is expected. Does it call gd_step with the gradient at the current point?'),
    "uphill": (_uphill, '`gd_trajectory` goes wrong at row 1 (learning_rate=0.2, num_steps=6): it gives [-9.36  3.6 ] where [-8.64  0.4 ] is expected. Does it call gd_step with the gradient at the current point?'),
    "gradient at the start only": (_gradient_at_start, '`gd_trajectory` goes wrong at row 2 (learning_rate=0.2, num_steps=6): it gives [-8.28 -1.2 ] where [-8.2944  0.08  ] is expected. Does it call gd_step with the gradient at the current point?'),
    "gradient one step behind": (_gradient_one_behind, '`gd_trajectory` goes wrong at row 2 (learning_rate=0.2, num_steps=6): it gives [-8.28 -1.2 ] where [-8.2944  0.08  ] is expected. Does it call gd_step with the gradient at the current point?'),
    "first row not w0": (_rows(_first_row_zero), '`gd_trajectory`: the first row should be the starting point w0 (learning_rate=0.2, num_steps=6).'),
    "only the final point": (_only_the_end, '`gd_trajectory` returned the trajectory of shape (2,); it should have shape (7, 2).'),
    "transposed": (_transposed, '`gd_trajectory` returned the trajectory of shape (2, 7); it should have shape (7, 2).'),
    "coordinates swapped": (_rows(_coordinates_swapped), '`gd_trajectory`: the first row should be the starting point w0 (learning_rate=0.2, num_steps=6).'),
})

BANKS = [GD_STEP, GD_TRAJECTORY]
