"""Every analytic gradient agrees with central finite differences of its loss."""
import numpy as np
import pytest

from optcourse.lesson import landscapes

ALL = [landscapes.parabola(), landscapes.parabola(a=4.0), landscapes.scaled_bowl(),
       landscapes.rosenbrock(), landscapes.saddle(), landscapes.tilted_double_well(), landscapes.rotated_bowl(),
       landscapes.rotated_bowl(degrees=30.0)]


def finite_difference(landscape, w, h=1e-6):
    grad = np.zeros_like(w)
    for i in range(w.size):
        step = np.zeros_like(w)
        step[i] = h
        grad[i] = (landscape.value(w + step) - landscape.value(w - step)) / (2 * h)
    return grad


@pytest.mark.parametrize("landscape", ALL, ids=lambda landscape: landscape.name)
def test_gradient_matches_finite_differences(landscape):
    rng = np.random.default_rng(1)
    for _ in range(20):
        w = np.array([rng.uniform(lo, hi) for lo, hi in landscape.bounds])
        np.testing.assert_allclose(landscape.gradient(w), finite_difference(landscape, w), rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize("landscape", ALL, ids=lambda landscape: landscape.name)
def test_batched_points_give_batched_results(landscape):
    points = np.random.default_rng(2).normal(size=(4, 3, landscape.dim))
    assert landscape.value(points).shape == (4, 3)
    assert landscape.gradient(points).shape == (4, 3, landscape.dim)
    np.testing.assert_allclose(landscape.value(points)[2, 1], landscape.value(points[2, 1]))


@pytest.mark.parametrize("landscape", ALL, ids=lambda landscape: landscape.name)
def test_gradient_vanishes_at_the_minimum_only_there(landscape):
    flat_point = landscape.minimum or (0.0,) * landscape.dim
    np.testing.assert_allclose(landscape.gradient(np.array(flat_point)), 0.0, atol=1e-12)
    assert np.linalg.norm(landscape.gradient(np.array(landscape.start))) > 1e-4


def test_scaled_bowl_is_the_curriculum_bowl():
    bowl = landscapes.scaled_bowl()
    assert bowl.value(np.array([1.0, 0.0])) == pytest.approx(0.1)
    assert bowl.value(np.array([0.0, 1.0])) == pytest.approx(2.0)


def test_saddle_has_no_minimum_and_falls_along_y():
    saddle = landscapes.saddle()
    assert saddle.minimum is None
    assert saddle.value(np.array([0.0, 1.0])) < saddle.value(np.array([0.0, 0.0])) < saddle.value(np.array([1.0, 0.0]))


def test_parabola_rejects_non_positive_curvature():
    with pytest.raises(ValueError, match="positive"):
        landscapes.parabola(a=0.0)


def test_tilted_double_well_has_a_deep_minimum_left_and_a_shallow_one_right():
    well = landscapes.tilted_double_well()
    deep, barrier, shallow = np.sort(np.roots([1.0, 0.0, -1.0, 0.3]).real)
    assert well.minimum == pytest.approx((deep,))
    assert deep < 0 < barrier < shallow < well.start[0]
    depth = well.value(np.array([barrier])) - well.value(np.array([shallow]))
    assert 0 < depth < 0.05 < well.value(np.array([shallow])) - well.value(np.array([deep]))
    with pytest.raises(ValueError, match="tilt"):
        landscapes.tilted_double_well(tilt=0.5)


def test_rotated_bowl_is_the_bowl_turned_about_the_origin():
    bowl, turned = landscapes.scaled_bowl(), landscapes.rotated_bowl(degrees=45)
    angle = np.deg2rad(45)
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    points = np.random.default_rng(3).normal(size=(20, 2)) * 3
    np.testing.assert_allclose(turned.value(points @ turn.T), bowl.value(points), rtol=1e-12)
    np.testing.assert_allclose(turned.start, turn @ np.array(bowl.start))
    # Its Hessian has the bowl's curvatures, 0.2 and 4, with the eigenvectors on the diagonals.
    h = 1e-4
    hessian = np.array([(turned.gradient(np.eye(2)[i] * h) - turned.gradient(-np.eye(2)[i] * h)) / (2 * h) for i in range(2)])
    values, vectors = np.linalg.eigh(hessian)
    np.testing.assert_allclose(values, [0.2, 4.0], rtol=1e-6)
    np.testing.assert_allclose(np.abs(vectors), np.sqrt(0.5), rtol=1e-6)


def test_rotated_bowl_by_zero_degrees_is_the_bowl():
    bowl, same = landscapes.scaled_bowl(), landscapes.rotated_bowl(degrees=0)
    points = np.random.default_rng(4).normal(size=(10, 2))
    np.testing.assert_allclose(same.gradient(points), bowl.gradient(points), atol=1e-12)
    assert same.start == pytest.approx(bowl.start)
