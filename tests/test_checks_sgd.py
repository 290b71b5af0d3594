"""Module 2 checks: the mini-batch iterator and one epoch of mini-batch SGD."""
import numpy as np
import pytest

from hidden_cases import hidden_cases
from learner_answers import minibatch_indices as batches_by_slicing
from learner_answers import sgd_epoch as epoch_functional
from optcourse.grading import checks
from optcourse.learner_code.feedback import CheckFailed
from optcourse.lesson import datasets


# ---------------------------------------------------------------- correct iterators
def batches_by_shuffle_and_split(num_examples, batch_size, rng):
    order = np.arange(num_examples)
    rng.shuffle(order)
    return np.array_split(order, range(batch_size, num_examples, batch_size))


def batches_as_generator(num_examples, batch_size, rng):
    order = list(rng.permutation(num_examples))
    while order:
        yield order[:batch_size]
        order = order[batch_size:]


@pytest.mark.parametrize("fn", [batches_by_slicing, batches_by_shuffle_and_split, batches_as_generator])
def test_correct_iterators_pass(fn):
    checks.minibatch_indices(fn)
    for case in hidden_cases("minibatch_indices"):
        checks.minibatch_indices(fn, **case)


# ---------------------------------------------------------------- wrong iterators
def drops_remainder(n, b, rng):
    order = rng.permutation(n)
    return [order[i:i + b] for i in range(0, n - b + 1, b)]


def with_replacement(n, b, rng):
    picks = rng.integers(0, n, size=n)
    return [picks[i:i + b] for i in range(0, n, b)]


def not_shuffled(n, b, rng):
    return [np.arange(n)[i:i + b] for i in range(0, n, b)]


def global_random(n, b, rng):
    order = np.random.permutation(n)
    return [order[i:i + b] for i in range(0, n, b)]


def fixed_seed_inside(n, b, rng):
    order = np.random.default_rng(0).permutation(n)
    return [order[i:i + b] for i in range(0, n, b)]


def off_by_one_size(n, b, rng):
    order = rng.permutation(n)
    return [order[i:i + b + 1] for i in range(0, n, b + 1)]


def pads_last_batch(n, b, rng):
    order = rng.permutation(n)
    padded = np.concatenate([order, order[: (-n) % b]])
    return [padded[i:i + b] for i in range(0, len(padded), b)]


def float_indices(n, b, rng):
    return [batch.astype(float) for batch in batches_by_slicing(n, b, rng)]


def one_based(n, b, rng):
    return [batch + 1 for batch in batches_by_slicing(n, b, rng)]


WRONG_ITERATORS = {
    "drops the remainder": (drops_remainder, "drops the last, smaller batch"),
    "samples with replacement": (with_replacement, "appear twice"),
    "no shuffling": (not_shuffled, "original order"),
    "global np.random": (global_random, "draw the shuffle from the `rng` argument"),
    "fixed seed inside": (fixed_seed_inside, "whatever generator it is given"),
    "batch size off by one": (off_by_one_size, "batches of sizes"),
    "pads the last batch": (pads_last_batch, "appear twice"),
    "float indices": (float_indices, "integer indices"),
    "one-based indices": (one_based, "outside 0"),
    "returns None": (lambda n, b, rng: None, "returned None"),
    "returns a number": (lambda n, b, rng: 3, "returned a int"),
    "raises": (lambda n, b, rng: rng.permutation(n)[n + 1], "raised IndexError"),
}


@pytest.mark.parametrize("name", WRONG_ITERATORS)
def test_wrong_iterators_are_rejected_with_their_mistake_named(name):
    fn, expected = WRONG_ITERATORS[name]
    with pytest.raises(CheckFailed) as failure:
        checks.minibatch_indices(fn)
    assert expected in str(failure.value)


def test_same_order_every_epoch_is_named():
    cache = {}

    def reshuffles_never(n, b, rng):
        if n not in cache:
            cache[n] = rng.permutation(n)
        return [cache[n][i:i + b] for i in range(0, n, b)]

    with pytest.raises(CheckFailed, match="same"):
        checks.minibatch_indices(reshuffles_never)


def test_the_global_random_state_is_left_as_it_was():
    np.random.seed(123)
    expected = np.random.random()
    np.random.seed(123)
    checks.minibatch_indices(batches_by_slicing)
    assert np.random.random() == expected


# ---------------------------------------------------------------- sgd_epoch
def epoch_copy_in_place_float32_losses(params, X, y, batches, *, learning_rate):
    w = params.copy()
    losses = np.zeros(len(batches), dtype=np.float32)
    for k, batch in enumerate(batches):
        Xb, yb = X[batch], y[batch]
        losses[k] = datasets.mse_loss(w, Xb, yb)
        w -= learning_rate * datasets.mse_gradient(w, Xb, yb)
    return w, list(losses)


@pytest.mark.parametrize("fn", [epoch_functional, epoch_copy_in_place_float32_losses])
def test_correct_epochs_pass(fn):
    checks.sgd_epoch(fn)
    for case in hidden_cases("sgd_epoch"):
        checks.sgd_epoch(fn, **case)


def full_data(params, X, y, batches, *, learning_rate):
    losses = []
    for batch in batches:
        losses.append(datasets.mse_loss(params, X[batch], y[batch]))
        params = params - learning_rate * datasets.mse_gradient(params, X, y)
    return params, np.array(losses)


def first_batch_only(params, X, y, batches, *, learning_rate):
    losses = []
    for batch in batches:
        losses.append(datasets.mse_loss(params, X[batch], y[batch]))
        params = params - learning_rate * datasets.mse_gradient(params, X[batches[0]], y[batches[0]])
    return params, np.array(losses)


def stale_gradient(params, X, y, batches, *, learning_rate):
    w, losses = params, []
    for batch in batches:
        losses.append(datasets.mse_loss(w, X[batch], y[batch]))
        w = w - learning_rate * datasets.mse_gradient(params, X[batch], y[batch])
    return w, np.array(losses)


def loss_after_step(params, X, y, batches, *, learning_rate):
    losses = []
    for batch in batches:
        params = params - learning_rate * datasets.mse_gradient(params, X[batch], y[batch])
        losses.append(datasets.mse_loss(params, X[batch], y[batch]))
    return params, np.array(losses)


def loss_on_all_data(params, X, y, batches, *, learning_rate):
    losses = []
    for batch in batches:
        losses.append(datasets.mse_loss(params, X, y))
        params = params - learning_rate * datasets.mse_gradient(params, X[batch], y[batch])
    return params, np.array(losses)


def mutates_params(params, X, y, batches, *, learning_rate):
    losses = []
    for batch in batches:
        losses.append(datasets.mse_loss(params, X[batch], y[batch]))
        params -= learning_rate * datasets.mse_gradient(params, X[batch], y[batch])
    return params, np.array(losses)


def y_not_indexed(params, X, y, batches, *, learning_rate):
    for batch in batches:
        params = params - learning_rate * datasets.mse_gradient(params, X[batch], y)
    return params, []


def uphill(params, X, y, batches, *, learning_rate):
    losses = []
    for batch in batches:
        losses.append(datasets.mse_loss(params, X[batch], y[batch]))
        params = params + learning_rate * datasets.mse_gradient(params, X[batch], y[batch])
    return params, np.array(losses)


WRONG_EPOCHS = {
    "full data each step": (full_data, "gradient of all the data"),
    "first batch only": (first_batch_only, "uses the first batch"),
    "stale gradient": (stale_gradient, "taken at the starting parameters"),
    "loss after the step": (loss_after_step, "measured after the step on its batch"),
    "loss on all data": (loss_on_all_data, "measured on all the data"),
    "mutates params": (mutates_params, "changed `params` in place"),
    "y not indexed": (y_not_indexed, "raised ValueError (X has"),
    "uphill": (uphill, "go uphill"),
    "no losses": (lambda params, X, y, batches, *, learning_rate: (params, None), "returned None for the losses"),
    "returns params only": (lambda params, X, y, batches, *, learning_rate: params, "should return a pair"),
    "losses of the wrong length": (lambda params, X, y, batches, *, learning_rate: epoch_functional(params, X, y, batches[:-1], learning_rate=learning_rate), "the losses of shape"),
    "NaN parameters": (lambda params, X, y, batches, *, learning_rate: (params * np.nan, np.zeros(len(batches))), "NaN or infinite"),
}


@pytest.mark.parametrize("name", WRONG_EPOCHS)
def test_wrong_epochs_are_rejected_with_their_mistake_named(name):
    fn, expected = WRONG_EPOCHS[name]
    with pytest.raises(CheckFailed) as failure:
        checks.sgd_epoch(fn)
    assert expected in str(failure.value)


def test_regression_data_has_the_module_7_shape():
    data = datasets.regression_data()
    assert data.X.shape == (1000, 10) and data.y.shape == (1000,)
    assert data.X.min() == 0.0 and data.X.max() == 1.0
    np.testing.assert_allclose(data.X.min(axis=0), 0.0)
    np.testing.assert_allclose(data.X.max(axis=0), 1.0)


def test_mse_gradient_matches_finite_differences():
    data = datasets.regression_data(40, 3, seed=4)
    params = np.random.default_rng(0).normal(size=4)
    h = 1e-6
    numeric = [(datasets.mse_loss(params + h * e, data.X, data.y) - datasets.mse_loss(params - h * e, data.X, data.y)) / (2 * h)
               for e in np.eye(4)]
    np.testing.assert_allclose(datasets.mse_gradient(params, data.X, data.y), numeric, rtol=1e-6, atol=1e-8)


def test_line_landscape_minimum_is_the_least_squares_fit():
    landscape = datasets.regression_landscape(datasets.line_data())
    np.testing.assert_allclose(landscape.gradient(np.array(landscape.minimum)), 0.0, atol=1e-10)
    assert landscape.value(np.array(landscape.start)) > landscape.value(np.array(landscape.minimum))
