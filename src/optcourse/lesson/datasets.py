"""Small regression problems made locally (no downloads), with their loss and exact gradient.

A linear model's parameters are one vector ``params = [w_1, ..., w_d, b]``: the weights, then
the bias. The loss is the mean squared error over the examples given, so passing a mini-batch
``X[batch], y[batch]`` gives the mini-batch loss and gradient.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .landscapes import Landscape

__all__ = ["Regression", "regression_data", "line_data", "sparse_data", "Classification", "classification_data",
           "min_max_scale", "predict", "mse_loss", "mse_gradient", "regression_landscape", "standardize", "curvatures"]


class Regression(NamedTuple):
    X: np.ndarray             # (num_examples, num_features), every feature scaled to [0, 1]
    y: np.ndarray             # (num_examples,)
    true_params: np.ndarray   # (num_features + 1,): the weights and bias that made y (before noise)


def min_max_scale(X: np.ndarray) -> np.ndarray:
    """Scale each column to [0, 1]: subtract its minimum, divide by its range."""
    X = np.asarray(X, dtype=float)
    low, high = X.min(axis=0), X.max(axis=0)
    return (X - low) / np.where(high > low, high - low, 1.0)


def standardize(X: np.ndarray) -> np.ndarray:
    """Scale each column to mean 0 and standard deviation 1: subtract its mean, divide by its spread."""
    X = np.asarray(X, dtype=float)
    spread = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(spread > 0, spread, 1.0)


_SCALINGS = {"min-max": min_max_scale, "standard": standardize, "none": lambda raw: np.asarray(raw, dtype=float)}


def regression_data(num_examples: int = 1000, num_features: int = 10, *, noise: float = 0.1, seed: int = 0,
                    scaling: str = "min-max") -> Regression:
    """A linear regression problem whose raw features have very different scales (0.1 to 100).

    ``y`` is made from the min-max scaled features; ``scaling`` only chooses how ``X`` is handed
    out: ``"min-max"`` (each column in [0, 1], the course's default), ``"standard"`` (mean 0,
    spread 1) or ``"none"`` (the raw features). Each column of one is an affine function of the same
    column of another, so a linear model with a bias fits all three equally well; only the shape of
    the loss (its curvatures) differs, and with it how fast gradient descent gets there.
    ``true_params`` are the weights for the min-max scaled features.
    """
    if scaling not in _SCALINGS:
        raise ValueError(f"scaling must be one of {sorted(_SCALINGS)}, got {scaling!r}")
    rng = np.random.default_rng(seed)
    raw = rng.normal(size=(num_examples, num_features)) * np.geomspace(0.1, 100.0, num_features)
    true_params = np.append(rng.normal(size=num_features), 0.5)
    y = predict(true_params, min_max_scale(raw)) + noise * rng.normal(size=num_examples)
    return Regression(_SCALINGS[scaling](raw), y, true_params)


def curvatures(X: np.ndarray) -> np.ndarray:
    """The curvatures (Hessian eigenvalues, smallest first) of the mean squared error of a linear model
    with a bias on features ``X``: the eigenvalues of ``2 [X 1]ᵀ[X 1] / n``. Their ratio, largest over
    smallest, is the loss's condition number κ."""
    design = np.column_stack([np.asarray(X, dtype=float), np.ones(len(X))])
    return np.linalg.eigvalsh(2 * design.T @ design / len(design))


class Classification(NamedTuple):
    X_train: np.ndarray       # (800, 10), features scaled to [0, 1] with the training rows' minimum and range
    y_train: np.ndarray       # (800,) class labels 0 … num_classes − 1
    X_test: np.ndarray        # (200, 10), scaled the same way (values may fall slightly outside [0, 1])
    y_test: np.ndarray


def classification_data(num_examples: int = 1000, num_features: int = 10, num_classes: int = 3, *, test_size: int = 200,
                        seed: int = 0) -> Classification:
    """A 3-class problem with curved class boundaries, made locally; the last ``test_size`` rows are held out.

    Raw features have different scales; both sets are min-max scaled with the training set's
    statistics (scaling with the test rows too would leak them into training).
    """
    rng = np.random.default_rng(seed)
    raw = rng.normal(size=(num_examples, num_features)) * np.geomspace(1.0, 20.0, num_features)
    z = raw / np.geomspace(1.0, 20.0, num_features)
    score = np.stack([z[:, 0] + z[:, 1] ** 2 - 1, z[:, 2] * z[:, 3] + z[:, 4], 0.5 * z[:, 5] - z[:, 6] ** 2 + 0.5], axis=1)
    labels = np.argmax(score[:, :num_classes] + 0.3 * rng.normal(size=(num_examples, num_classes)), axis=1)
    train, test = slice(0, num_examples - test_size), slice(num_examples - test_size, num_examples)
    low, high = raw[train].min(axis=0), raw[train].max(axis=0)
    scale = lambda block: (block - low) / (high - low)  # noqa: E731
    return Classification(scale(raw[train]), labels[train], scale(raw[test]), labels[test])


def line_data(num_examples: int = 200, *, noise: float = 0.3, seed: int = 0) -> Regression:
    """One feature in [0, 1] and ``y ≈ 2x − 1``: two parameters (slope, intercept) to draw in a plane."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 1, size=(num_examples, 1))
    true_params = np.array([2.0, -1.0])
    y = predict(true_params, X) + noise * rng.normal(size=num_examples)
    return Regression(X, y, true_params)


def sparse_data(num_examples: int = 400, *, rare: float = 0.03, noise: float = 0.1, seed: int = 0) -> Regression:
    """Two features: a common one in [0, 4] in every example, and a rare one (a rare word, say), 1 in
    about ``rare`` of the examples and 0 elsewhere.

    ``y ≈ 1·x_common + 3·x_rare``. The common feature's large values cap the learning rate plain
    gradient descent can use, while the rare feature's gradient is zero in most mini-batches:
    the situation in which per-parameter step sizes help.
    """
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.uniform(0, 4, num_examples), (rng.uniform(size=num_examples) < rare).astype(float)])
    true_params = np.array([1.0, 3.0, 0.0])
    y = predict(true_params, X) + noise * rng.normal(size=num_examples)
    return Regression(X, y, true_params)


def predict(params, X) -> np.ndarray:
    """Predictions ``X @ w + b``; ``params`` may carry leading batch axes ``(..., d + 1)``."""
    params = np.asarray(params, dtype=float)
    return np.einsum("nd,...d->...n", X, params[..., :-1]) + params[..., -1:]


def mse_loss(params, X, y) -> np.ndarray:
    """Mean squared error of the linear model over the given examples."""
    return np.mean((predict(params, X) - y) ** 2, axis=-1)


def mse_gradient(params, X, y) -> np.ndarray:
    """Exact gradient of ``mse_loss`` with respect to ``params`` (weights, then bias)."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} examples but y has {y.shape[0]}: index both with the same batch")
    residual = predict(params, X) - y
    return np.append(2 * X.T @ residual, 2 * residual.sum()) / len(y)


def regression_landscape(data: Regression) -> Landscape:
    """The full-data loss of a one-feature problem as a 2-D landscape over (slope, intercept)."""
    if data.X.shape[1] != 1:
        raise ValueError("regression_landscape draws one-feature problems (two parameters) only")
    best = np.linalg.lstsq(np.column_stack([data.X, np.ones(len(data.y))]), data.y, rcond=None)[0]
    return Landscape(
        name="line fit", formula=r"mean $(a\,x + b - y)^2$", dim=2,
        value=lambda w: mse_loss(w, data.X, data.y),
        gradient=lambda w: mse_gradient(w, data.X, data.y),
        bounds=((best[0] - 4.0, best[0] + 4.0), (best[1] - 2.5, best[1] + 2.5)),
        start=(best[0] - 3.0, best[1] + 2.0),
        minimum=tuple(float(v) for v in best),
        axis_labels=("slope a", "intercept b"),
    )
