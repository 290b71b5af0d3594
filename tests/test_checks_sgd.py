"""Module 2 checks: the mini-batch iterator and one epoch of mini-batch SGD."""
# The banks of wrong and correct answers for these checks are in tests/banks/ (run by tests/test_banks.py);
# here, what does not fit a bank: invariants, hidden-only cases, the Keras model runs.
import numpy as np
import pytest

from learner_answers import minibatch_indices as batches_by_slicing
from optcourse.grading import checks
from optcourse.learner_code.feedback import CheckFailed
from optcourse.lesson import datasets


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
