"""The Module 1 checks accept every correct gradient-descent implementation and reject known-wrong
ones, each with a message that names the mistake."""
import numpy as np
import pytest

from hidden_cases import hidden_cases
from optcourse.grading import checks
from optcourse.learner_code.feedback import CheckFailed
from optcourse.lesson.optim import GDState, gd_init


# ---------------------------------------------------------------- correct implementations
def step_functional(params, grads, state, *, learning_rate):
    return params - learning_rate * grads, state


def step_copy_then_in_place(params, grads, state, *, learning_rate):
    new = params.copy()
    new -= learning_rate * grads
    return new, state


def step_float32_result(params, grads, state, *, learning_rate):
    return (params - learning_rate * grads).astype(np.float32), GDState()


def step_with_np_subtract_and_list(params, grads, state, *, learning_rate):
    return np.subtract(params, np.multiply(learning_rate, grads)), state


@pytest.mark.parametrize("fn", [step_functional, step_copy_then_in_place, step_float32_result,
                                step_with_np_subtract_and_list])
def test_correct_steps_pass(fn):
    checks.gd_step(fn)
    for case in hidden_cases("gd_step"):
        checks.gd_step(fn, **case)


def trajectory_list(grad_fn, w0, *, learning_rate, num_steps):
    w = np.array(w0, dtype=float)
    state = gd_init(w)
    points = [w]
    for _ in range(num_steps):
        w, state = step_functional(w, grad_fn(w), state, learning_rate=learning_rate)
        points.append(w)
    return np.stack(points)


def trajectory_preallocated(grad_fn, w0, *, learning_rate, num_steps):
    out = np.empty((num_steps + 1, len(w0)))
    out[0] = w0
    for k in range(num_steps):
        out[k + 1] = out[k] - learning_rate * grad_fn(out[k])
    return out


def trajectory_list_of_lists(grad_fn, w0, *, learning_rate, num_steps):
    rows = [list(w0)]
    for _ in range(num_steps):
        w = np.array(rows[-1])
        rows.append(list(w - learning_rate * grad_fn(w)))
    return rows


@pytest.mark.parametrize("fn", [trajectory_list, trajectory_preallocated, trajectory_list_of_lists])
def test_correct_trajectories_pass(fn):
    checks.gd_trajectory(fn)
    for case in hidden_cases("gd_trajectory"):
        checks.gd_trajectory(fn, **case)


# ---------------------------------------------------------------- known-wrong gd_step bank
def _in_place(params, grads, state, *, learning_rate):
    params -= learning_rate * grads
    return params, state


def _raises(params, grads, state, *, learning_rate):
    return params - learning_rate * grads[5]


def _not_written(params, grads, state, *, learning_rate):
    raise NotImplementedError()


WRONG_STEPS = {
    "sign flipped": (lambda p, g, s, *, learning_rate: (p + learning_rate * g, s), "goes uphill"),
    "learning rate ignored": (lambda p, g, s, *, learning_rate: (p - g, s), "`learning_rate` is not used"),
    "returns the step": (lambda p, g, s, *, learning_rate: (-learning_rate * g, s), "returns the step itself"),
    "scales the parameters": (lambda p, g, s, *, learning_rate: (p - learning_rate * p, s), "multiplies the parameters"),
    "input mutated": (_in_place, "changed its input arrays in place"),
    "returns None": (lambda p, g, s, *, learning_rate: None, "returned None"),
    "returns only the array": (lambda p, g, s, *, learning_rate: p - learning_rate * g, "returned a ndarray"),
    "returns a triple": (lambda p, g, s, *, learning_rate: (p, g, s), "a tuple of 3 items"),
    "state dropped": (lambda p, g, s, *, learning_rate: (p - learning_rate * g, None), "state of type NoneType"),
    "new params None": (lambda p, g, s, *, learning_rate: (None, s), "returned None for the new parameters"),
    "NaN": (lambda p, g, s, *, learning_rate: (p * np.nan, s), "NaN or infinite"),
    "wrong shape": (lambda p, g, s, *, learning_rate: ((p - learning_rate * g).ravel()[:1], s), "should have shape"),
    "a string": (lambda p, g, s, *, learning_rate: ("w", s), "of numbers"),
    "raises": (_raises, "raised IndexError"),
    "not written": (_not_written, "is not written yet"),
    "squared learning rate": (lambda p, g, s, *, learning_rate: (p - learning_rate**2 * g, s), "is off for"),
    "not a function": (42, "is not a function"),
}


@pytest.mark.parametrize("name", WRONG_STEPS)
def test_wrong_steps_are_rejected_with_their_mistake_named(name):
    fn, expected = WRONG_STEPS[name]
    with pytest.raises(CheckFailed) as failure:
        checks.gd_step(fn)
    assert expected in str(failure.value)
    assert "\n" not in str(failure.value), "feedback should be one sentence on one line"


def test_a_step_that_only_fits_the_visible_cases_fails_the_hidden_ones():
    visible = {(0.1, (1,)), (0.37, (2,)), (1.5, (3, 4))}

    def memorised(params, grads, state, *, learning_rate):
        if (learning_rate, params.shape) in visible:
            return params - learning_rate * grads, state
        return params, state

    checks.gd_step(memorised)
    with pytest.raises(CheckFailed):
        checks.gd_step(memorised, **hidden_cases("gd_step")[0])


# ---------------------------------------------------------------- known-wrong trajectories
def _missing_start(grad_fn, w0, *, learning_rate, num_steps):
    return trajectory_list(grad_fn, w0, learning_rate=learning_rate, num_steps=num_steps)[1:]


def _extra_step(grad_fn, w0, *, learning_rate, num_steps):
    return trajectory_list(grad_fn, w0, learning_rate=learning_rate, num_steps=num_steps + 1)


def _aliased(grad_fn, w0, *, learning_rate, num_steps):
    w = np.array(w0, dtype=float)
    points = [w]
    for _ in range(num_steps):
        w -= learning_rate * grad_fn(w)
        points.append(w)
    return np.array(points)


def _never_moves(grad_fn, w0, *, learning_rate, num_steps):
    w = np.array(w0, dtype=float)
    return np.array([w for _ in range(num_steps + 1)])


def _mutates_w0(grad_fn, w0, *, learning_rate, num_steps):
    points = [w0.copy()]
    for _ in range(num_steps):
        w0 -= learning_rate * grad_fn(w0)
        points.append(w0.copy())
    return np.array(points)


def _half_rate(grad_fn, w0, *, learning_rate, num_steps):
    return trajectory_list(grad_fn, w0, learning_rate=learning_rate / 2, num_steps=num_steps)


def _gradient_at_start_only(grad_fn, w0, *, learning_rate, num_steps):
    g = grad_fn(np.asarray(w0, dtype=float))
    return np.array([w0 - k * learning_rate * g for k in range(num_steps + 1)])


def _wrong_first_row(grad_fn, w0, *, learning_rate, num_steps):
    path = trajectory_list(grad_fn, w0, learning_rate=learning_rate, num_steps=num_steps)
    path[0] = 0.0
    return path


WRONG_TRAJECTORIES = {
    "start left out": (_missing_start, "include the starting point"),
    "one step too many": (_extra_step, "one step too many"),
    "same array appended": (_aliased, "Append a copy"),
    "never updates": (_never_moves, "update `w` inside the loop"),
    "mutates w0": (_mutates_w0, "changed `w0` in place"),
    "half the learning rate": (_half_rate, "goes wrong at row 1"),
    "gradient at the start only": (_gradient_at_start_only, "goes wrong at row 2"),
    "first row not w0": (_wrong_first_row, "first row should be the starting point"),
    "returns None": (lambda grad_fn, w0, *, learning_rate, num_steps: None, "returned None"),
    "raises": (lambda grad_fn, w0, *, learning_rate, num_steps: grad_fn(), "raised TypeError"),
    "NaN": (lambda grad_fn, w0, *, learning_rate, num_steps: np.full((num_steps + 1, 2), np.nan), "NaN"),
}


@pytest.mark.parametrize("name", WRONG_TRAJECTORIES)
def test_wrong_trajectories_are_rejected_with_their_mistake_named(name):
    fn, expected = WRONG_TRAJECTORIES[name]
    with pytest.raises(CheckFailed) as failure:
        checks.gd_trajectory(fn)
    assert expected in str(failure.value)


def test_learner_warnings_and_stderr_stay_out_of_the_cell(capfd):
    """nbgrader scores a test cell with stderr output as 0, even when the answer is right."""
    import sys
    import warnings

    def noisy_but_right(params, grads, state, *, learning_rate):
        warnings.warn("learner warning")
        print("debug", file=sys.stderr)
        np.log(np.zeros(1))  # RuntimeWarning: divide by zero
        return params - learning_rate * grads, state

    checks.gd_step(noisy_but_right)
    assert capfd.readouterr().err == ""
