"""Loss landscapes with analytic gradients, for watching optimizers move.

Every landscape works on points of shape ``(..., dim)``: ``value`` returns shape ``(...)`` and
``gradient`` returns shape ``(..., dim)``, so one call can evaluate a single point, a trajectory
or a whole contour grid.
"""
from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = ["Landscape", "parabola", "scaled_bowl", "rotated_bowl", "rosenbrock", "saddle", "tilted_double_well"]


@dataclass(frozen=True)
class Landscape:
    """A differentiable loss ``value(w)`` with its exact ``gradient(w)``.

    ``bounds`` is the plotting window ``((x_min, x_max), (y_min, y_max))`` (one pair in 1-D),
    ``minimum`` the location of the lowest point (``None`` when there is none, as on a saddle),
    ``start`` a starting point that makes a good demonstration, and ``axis_labels`` the names of
    the coordinates in plots.
    """

    name: str
    formula: str
    dim: int
    value: Callable[[np.ndarray], np.ndarray]
    gradient: Callable[[np.ndarray], np.ndarray]
    bounds: tuple
    start: tuple
    minimum: tuple | None
    axis_labels: tuple = ("x", "y")

    def __call__(self, w) -> np.ndarray:
        return self.value(w)


def _remembered(factory):
    """Each landscape's ``value`` and ``gradient`` remember how they were made (factory and
    arguments): the grader's referee sends that recipe, never a function, to a learner's code."""
    @functools.wraps(factory)
    def make(*args, **kwargs) -> Landscape:
        landscape = factory(*args, **kwargs)
        bound = inspect.signature(factory).bind(*args, **kwargs)
        bound.apply_defaults()
        for role in ("value", "gradient"):
            getattr(landscape, role).__optcourse_recipe__ = (factory.__name__, dict(bound.arguments), role)
        return landscape
    return make


def _split(w) -> tuple[np.ndarray, np.ndarray]:
    w = np.asarray(w, dtype=float)
    return w[..., 0], w[..., 1]


@_remembered
def parabola(a: float = 1.0) -> Landscape:
    """The 1-D bowl ``f(w) = a w² / 2`` with curvature ``a`` (gradient ``a w``).

    Plain gradient descent is stable on it for ``0 < learning_rate < 2/a`` and fastest at ``1/a``.
    """
    if a <= 0:
        raise ValueError(f"the curvature a must be positive, got {a}")
    return Landscape(
        name=f"parabola (a = {a:g})",
        formula=rf"$f(w) = {a:g}\,w^2/2$",
        dim=1,
        value=lambda w: 0.5 * a * np.asarray(w, dtype=float)[..., 0] ** 2,
        gradient=lambda w: a * np.asarray(w, dtype=float),
        bounds=((-4.0, 4.0),),
        start=(3.0,),
        minimum=(0.0,),
        axis_labels=("w",),
    )


@_remembered
def scaled_bowl(a: float = 0.1, b: float = 2.0) -> Landscape:
    """The badly scaled bowl ``f(x, y) = a x² + b y²`` (default ``0.1 x² + 2 y²``).

    Its curvatures ``2a`` and ``2b`` differ by a factor of 20, so no single learning rate suits
    both directions.
    """

    def value(w):
        x, y = _split(w)
        return a * x**2 + b * y**2

    def gradient(w):
        x, y = _split(w)
        return np.stack([2 * a * x, 2 * b * y], axis=-1)

    return Landscape(
        name="badly scaled bowl",
        formula=rf"$f(x, y) = {a:g}\,x^2 + {b:g}\,y^2$",
        dim=2,
        value=value,
        gradient=gradient,
        bounds=((-10.0, 10.0), (-3.0, 3.0)),
        start=(-9.0, 2.0),
        minimum=(0.0, 0.0),
    )


@_remembered
def rotated_bowl(a: float = 0.1, b: float = 2.0, degrees: float = 45.0) -> Landscape:
    """The badly scaled bowl ``a u² + b v²`` turned by ``degrees``: ``(u, v)`` are ``(x, y)`` rotated back.

    Same curvatures (``2a``, ``2b``), same minimum, and the start is ``scaled_bowl``'s start turned
    the same way, so any optimizer that does not care about the axes (gradient descent, momentum)
    takes exactly the turned path. Its flat and steep directions lie along the diagonals (at 45°),
    not along the coordinate axes x and y.
    """
    angle = np.deg2rad(degrees)
    cos, sin = np.cos(angle), np.sin(angle)

    def turned_back(w):
        x, y = _split(w)
        return cos * x + sin * y, -sin * x + cos * y

    def value(w):
        u, v = turned_back(w)
        return a * u**2 + b * v**2

    def gradient(w):
        u, v = turned_back(w)
        du, dv = 2 * a * u, 2 * b * v
        return np.stack([cos * du - sin * dv, sin * du + cos * dv], axis=-1)

    start_u, start_v = -9.0, 2.0
    return Landscape(
        name=f"badly scaled bowl turned by {degrees:g}°",
        formula=rf"$f = {a:g}\,u^2 + {b:g}\,v^2$, $(u, v)$ = $(x, y)$ turned by {degrees:g}°",
        dim=2,
        value=value,
        gradient=gradient,
        bounds=((-10.0, 10.0), (-10.0, 10.0)),
        start=(cos * start_u - sin * start_v, sin * start_u + cos * start_v),
        minimum=(0.0, 0.0),
    )


@_remembered
def rosenbrock(a: float = 1.0, b: float = 100.0) -> Landscape:
    """Rosenbrock's banana valley ``(a − x)² + b (y − x²)²``, lowest at ``(a, a²)``."""

    def value(w):
        x, y = _split(w)
        return (a - x) ** 2 + b * (y - x**2) ** 2

    def gradient(w):
        x, y = _split(w)
        dx = -2 * (a - x) - 4 * b * x * (y - x**2)
        dy = 2 * b * (y - x**2)
        return np.stack([dx, dy], axis=-1)

    return Landscape(
        name="Rosenbrock valley",
        formula=rf"$f(x, y) = ({a:g} - x)^2 + {b:g}\,(y - x^2)^2$",
        dim=2,
        value=value,
        gradient=gradient,
        bounds=((-2.0, 2.0), (-1.0, 3.0)),
        start=(-1.5, 2.0),
        minimum=(a, a * a),
    )


@_remembered
def saddle() -> Landscape:
    """The saddle ``f(x, y) = (x² − y²)/2``: a flat point at the origin that is not a minimum."""

    def value(w):
        x, y = _split(w)
        return 0.5 * (x**2 - y**2)

    def gradient(w):
        x, y = _split(w)
        return np.stack([x, -y], axis=-1)

    return Landscape(
        name="saddle",
        formula=r"$f(x, y) = (x^2 - y^2)/2$",
        dim=2,
        value=value,
        gradient=gradient,
        bounds=((-2.0, 2.0), (-2.0, 2.0)),
        start=(1.5, 1e-3),
        minimum=None,
    )


@_remembered
def tilted_double_well(tilt: float = 0.3) -> Landscape:
    """The 1-D ``f(w) = w⁴/4 − w²/2 + tilt·w``: a deep minimum on the left, a shallow one on the right.

    With the default tilt the right-hand dip (near w = 0.79) is only about 0.03 deep, the left-hand
    minimum (near w = −1.13, the ``minimum``) is the lowest point, and a run from the ``start`` w = 2
    meets the shallow dip first: the landscape on which "escaping a shallow minimum" is measured.
    ``critical_points`` of it are the real roots of ``w³ − w + tilt`` (minimum, barrier, shallow minimum).
    """
    if not 0 < tilt < 2 / (3 * np.sqrt(3)):
        raise ValueError(f"the tilt must be between 0 and {2 / (3 * np.sqrt(3)):.3f} for two minima, got {tilt}")
    roots = np.sort(np.roots([1.0, 0.0, -1.0, tilt]).real)

    def value(w):
        w = np.asarray(w, dtype=float)[..., 0]
        return w**4 / 4 - w**2 / 2 + tilt * w

    def gradient(w):
        w = np.asarray(w, dtype=float)
        return w**3 - w + tilt

    return Landscape(
        name=f"tilted double well (tilt {tilt:g})",
        formula=rf"$f(w) = w^4/4 - w^2/2 + {tilt:g}\,w$",
        dim=1,
        value=value,
        gradient=gradient,
        bounds=((-2.0, 2.0),),
        start=(2.0,),
        minimum=(float(roots[0]),),
        axis_labels=("w",),
    )
