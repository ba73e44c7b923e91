import importlib.util
import warnings

import numpy as np
import pytest

from course_lib import surfaces

NAMES = ["dlfs", "ill_conditioned", "rosenbrock", "saddle", "beale"]


class GD:
    """Plain gradient descent, p -= lr * g, in the optimizer duck type."""

    def __init__(self, lr):
        self.lr = lr

    def update(self, params, grads):
        for k in params:
            params[k] -= self.lr * grads[k]


def test_names():
    assert surfaces.names() == NAMES


def test_dlfs_is_the_books_surface():
    s = surfaces.get("dlfs")
    assert s.f(3.0, 2.0) == pytest.approx(9 / 20 + 4)
    assert s.xlim == (-10, 10) and s.ylim == (-5, 5)
    assert s.minimum == (0, 0) and s.start == (-7, 2)
    assert "20" in s.formula


# ------------------------------------------------------------------ gradients
def _central_difference(s, x, y, h=1e-6):
    gx = (s.f(x + h, y) - s.f(x - h, y)) / (2 * h)
    gy = (s.f(x, y + h) - s.f(x, y - h)) / (2 * h)
    return np.array([gx, gy])


@pytest.mark.parametrize("name", NAMES)
def test_gradient_matches_central_differences(name):
    s = surfaces.get(name)
    rng = np.random.default_rng(0)
    points = np.column_stack([rng.uniform(*s.xlim, 8), rng.uniform(*s.ylim, 8)])
    points = np.vstack([points, s.start, [0.3, -0.7]])
    for x, y in points:
        analytic = np.array(s.grad(x, y), dtype=np.float64)
        numeric = _central_difference(s, x, y)
        rel = np.linalg.norm(analytic - numeric) / max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-12)
        assert rel < 1e-6, (name, x, y, analytic, numeric)


@pytest.mark.parametrize("name", NAMES)
def test_vectorised_over_grids(name):
    s = surfaces.get(name)
    X, Y, Z = s.grid(n=21)
    assert X.shape == Y.shape == Z.shape == (21, 21)
    GX, GY = s.grad(X, Y)
    assert GX.shape == GY.shape == (21, 21)
    for i, j in [(0, 0), (5, 17), (20, 20), (13, 2)]:
        assert Z[i, j] == s.f(X[i, j], Y[i, j])
        assert (GX[i, j], GY[i, j]) == tuple(s.grad(X[i, j], Y[i, j]))


# ------------------------------------------------------------------- minimum
@pytest.mark.parametrize("name", NAMES)
def test_minimum_is_stationary_and_lowest_on_a_grid(name):
    s = surfaces.get(name)
    for m in s.minima:
        g = np.array(s.grad(*m))
        assert np.all(np.abs(g) < 1e-12), (name, m, g)
    _, _, Z = s.grid(n=301)
    f_min = s.f(*s.minimum)
    assert f_min <= Z.min() + 1e-12
    # and a nearby point is higher (it is a minimum, not a maximum)
    assert s.f(s.minimum[0] + 1e-2, s.minimum[1] - 1e-2) > f_min
    # the default start and minimum lie inside the plot limits
    for px, py in (s.start, s.minimum):
        assert s.xlim[0] <= px <= s.xlim[1] and s.ylim[0] <= py <= s.ylim[1]


def test_saddle_hessian_has_one_positive_and_one_negative_eigenvalue():
    s = surfaces.get("saddle")
    h = 1e-5
    gxp, gyp = s.grad(h, 0.0); gxm, gym = s.grad(-h, 0.0)
    hx = [(gxp - gxm) / (2 * h), (gyp - gym) / (2 * h)]
    gxp, gyp = s.grad(0.0, h); gxm, gym = s.grad(0.0, -h)
    hy = [(gxp - gxm) / (2 * h), (gyp - gym) / (2 * h)]
    H = np.array([hx, hy])
    eig = np.sort(np.linalg.eigvalsh(0.5 * (H + H.T)))
    np.testing.assert_allclose(eig, [-1.0, 2.0], atol=1e-6)
    assert np.allclose(s.grad(0.0, 0.0), 0.0)      # and it is a stationary point
    assert sorted(s.minima) == [(0.0, -1.0), (0.0, 1.0)]


def test_unknown_surface():
    with pytest.raises(ValueError, match="Did you mean 'rosenbrock'"):
        surfaces.get("rosenbrok")
    with pytest.raises(TypeError, match="name or a Surface"):
        surfaces.get(3)
    assert surfaces.get("Ill-Conditioned") is surfaces.get("ill_conditioned")


# ---------------------------------------------------------------- trajectory
def test_trajectory_matches_a_hand_loop():
    s = surfaces.get("rosenbrock")
    path = surfaces.trajectory(GD(1e-3), "rosenbrock", steps=25)
    assert path.shape == (26, 2) and path.dtype == np.float64
    p = np.array(s.start, dtype=np.float64)
    expected = [p.copy()]
    for _ in range(25):
        p = p - 1e-3 * np.array(s.grad(*p))
        expected.append(p.copy())
    np.testing.assert_allclose(path, np.array(expected), rtol=0, atol=1e-14)


def test_trajectory_start_and_zero_steps():
    path = surfaces.trajectory(GD(0.1), "dlfs", start=(1.0, -2.0), steps=3)
    np.testing.assert_array_equal(path[0], [1.0, -2.0])
    np.testing.assert_allclose(path[1], [1.0 - 0.1 * 0.1, -2.0 + 0.1 * 4.0])
    assert surfaces.trajectory(GD(0.1), "dlfs", steps=0).tolist() == [[-7.0, 2.0]]


def test_trajectory_accepts_a_factory():
    a = surfaces.trajectory(lambda lr: GD(lr), "dlfs", steps=10, opt_kwargs={"lr": 0.5})
    b = surfaces.trajectory(GD(0.5), surfaces.get("dlfs"), steps=10)
    c = surfaces.trajectory(GD, "dlfs", steps=10, opt_kwargs={"lr": 0.5})   # a class
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    assert not np.array_equal(a, surfaces.trajectory(GD(0.4), "dlfs", steps=10))


def test_ill_conditioned_converges_below_2_over_25_and_diverges_above():
    with warnings.catch_warnings():
        warnings.simplefilter("error")                 # no divergence warning
        good = surfaces.trajectory(GD(0.07), "ill_conditioned", steps=200)
    assert len(good) == 201
    d = surfaces.distance_to_minimum(good, "ill_conditioned")
    assert d[-1] < 1e-5 and d[-1] < d[0]
    assert surfaces.steps_to_reach(good, "ill_conditioned", tol=0.1) is not None

    with pytest.warns(RuntimeWarning, match=r"diverged on 'ill_conditioned'.*after step (\d+)") as rec:
        bad = surfaces.trajectory(GD(0.09), "ill_conditioned", steps=200)
    # y is multiplied by 1 - 25 * 0.09 = -1.25 each step: 1.5 * 1.25**k first exceeds 1e6 at k = 61
    k = 61
    assert 1.5 * 1.25 ** (k - 1) < 1e6 < 1.5 * 1.25 ** k
    assert f"after step {k} " in str(rec[0].message)
    assert bad.shape == (k, 2) and np.all(np.isfinite(bad))
    assert abs(bad[-1, 1]) == pytest.approx(1.5 * 1.25 ** (k - 1))
    assert surfaces.steps_to_reach(bad, "ill_conditioned") is None


def test_divergence_to_overflow_stops_at_the_last_finite_point():
    with pytest.warns(RuntimeWarning, match="is not finite"):
        path = surfaces.trajectory(GD(0.01), "rosenbrock", start=(30.0, 0.0),
                                   steps=100, max_abs=np.inf)
    assert 1 < len(path) < 101 and np.all(np.isfinite(path))


def test_saddle_gradient_descent_lingers_momentum_escapes():
    class Momentum:
        def __init__(self, lr, mu=0.9):
            self.lr, self.mu, self.v = lr, mu, {}

        def update(self, params, grads):
            for k in params:
                v = self.v.setdefault(k, np.zeros_like(params[k]))
                v *= self.mu
                v -= self.lr * grads[k]
                params[k] += v

    gd = surfaces.steps_to_reach(surfaces.trajectory(GD(0.1), "saddle", steps=200), "saddle")
    mom = surfaces.steps_to_reach(surfaces.trajectory(Momentum(0.1), "saddle", steps=200), "saddle")
    assert mom is not None and gd is not None and mom < gd


def test_distance_and_steps_to_reach():
    path = np.array([[3.0, 4.0], [0.3, 0.4], [0.06, 0.08], [0.0, 0.0]])
    np.testing.assert_allclose(surfaces.distance_to_minimum(path, "dlfs"), [5, 0.5, 0.1, 0])
    assert surfaces.steps_to_reach(path, "dlfs", tol=0.1) == 2
    assert surfaces.steps_to_reach(path, "dlfs", tol=0.05) == 3
    assert surfaces.steps_to_reach(path[:2], "dlfs", tol=0.1) is None
    # the saddle has two minima: distance to the nearest
    np.testing.assert_allclose(surfaces.distance_to_minimum([[0.0, -0.9]], "saddle"), [0.1])


def test_trajectory_bad_input():
    with pytest.raises(ValueError, match="start must be two finite numbers"):
        surfaces.trajectory(GD(0.1), "dlfs", start=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="start must be two finite numbers"):
        surfaces.trajectory(GD(0.1), "dlfs", start=(np.nan, 0.0))
    with pytest.raises(ValueError, match="steps must be an integer >= 0"):
        surfaces.trajectory(GD(0.1), "dlfs", steps=-1)
    with pytest.raises(ValueError, match="steps must be an integer >= 0"):
        surfaces.trajectory(GD(0.1), "dlfs", steps=2.5)
    with pytest.raises(ValueError, match="unknown surface"):
        surfaces.trajectory(GD(0.1), "dfls")
    with pytest.raises(TypeError, match="update"):
        surfaces.trajectory(42, "dlfs")
    with pytest.raises(TypeError, match="opt_kwargs is only used"):
        surfaces.trajectory(GD(0.1), "dlfs", opt_kwargs={"lr": 0.1})
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        surfaces.distance_to_minimum(np.zeros(4), "dlfs")
    with pytest.raises(ValueError, match="tol must be a positive"):
        surfaces.steps_to_reach(np.zeros((3, 2)), "dlfs", tol=0)


# ------------------------------------------- with the real course optimizers
_HAVE_OPTIMIZERS = importlib.util.find_spec("course_lib.optimizers") is not None


@pytest.mark.skipif(not _HAVE_OPTIMIZERS, reason="course_lib.optimizers not written yet")
def test_trajectory_with_course_optimizers_sgd():
    from course_lib import optimizers
    a = surfaces.trajectory(optimizers.get("sgd", lr=0.95), "dlfs", steps=30)
    b = surfaces.trajectory("sgd", "dlfs", steps=30, opt_kwargs={"lr": 0.95})
    c = surfaces.trajectory(GD(0.95), "dlfs", steps=30)
    np.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, surfaces.trajectory(optimizers.SGD, "dlfs", steps=30,
                                                         opt_kwargs={"lr": 0.95}))
    # SGD's zig-zag in y: the factor 1 - 0.95 * 2 = -0.9 flips the sign every step
    assert np.all(np.sign(a[1:6, 1]) == [-1, 1, -1, 1, -1])
