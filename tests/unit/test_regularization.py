"""L1 regularisation in course_lib.regularization: the penalty and its gradient against central
differences, the soft-threshold (proximal) step, and the sparsity it produces in training."""
import numpy as np
import pytest

from course_lib import optimizers, regularization
from course_lib.gradcheck import numerical_gradient
from course_lib.network import MLP
from course_lib.training import train


def test_l1_penalty_and_gradient():
    rng = np.random.default_rng(3)
    ws = [rng.normal(size=(4, 3)), rng.normal(size=(3, 2))]
    assert regularization.l1_penalty(ws, 0.2) == pytest.approx(0.2 * sum(np.abs(w).sum() for w in ws))
    W = ws[0].copy()
    W[np.abs(W) < 1e-3] = 0.5                         # central differences need |w| > h away from the kink
    num = numerical_gradient(lambda w: regularization.l1_penalty(w, 0.3), W)
    np.testing.assert_allclose(regularization.l1_gradient(W, 0.3), num, rtol=1e-6, atol=1e-9)
    assert regularization.l1_gradient(np.zeros(2), 1.0).tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="λ"):
        regularization.l1_penalty(ws, -1)


def test_soft_threshold_is_the_proximal_step_of_l1():
    w = np.array([-0.5, -0.05, 0.0, 0.02, 0.3])
    out = regularization.soft_threshold(w, 0.1)
    assert out is w
    np.testing.assert_allclose(w, [-0.4, 0.0, 0.0, 0.0, 0.2])
    # prox: argmin_u ½(u − v)² + τ|u|, by brute force on a fine grid
    grid = np.linspace(-1, 1, 200001)
    for v in (-0.7, -0.08, 0.04, 0.55):
        best = grid[np.argmin(0.5 * (grid - v) ** 2 + 0.1 * np.abs(grid))]
        assert regularization.soft_threshold(np.array([v]), 0.1)[0] == pytest.approx(best, abs=1e-5)
    for bad in (-0.1, float("nan"), "0.1"):
        with pytest.raises(ValueError, match="threshold"):
            regularization.soft_threshold(np.ones(2), bad)
    with pytest.raises(TypeError, match="floating-point"):
        regularization.soft_threshold(np.ones(2, dtype=int), 0.1)


def test_l1_shrinkage_makes_weights_exactly_zero_and_sparsity_counts_them():
    x, t = np.random.default_rng(0).normal(size=(64, 4)).astype(np.float32), np.arange(64) % 3
    plain, lasso = MLP([4, 30, 3], seed=0), MLP([4, 30, 3], seed=0)
    train(plain, "sgd", x, t, epochs=20, batch_size=16, progress=False)
    train(lasso, optimizers.get("sgd", lr=0.1), x, t, epochs=20, batch_size=16, progress=False,
          callback=regularization.l1_shrinkage(0.05, 0.1))
    assert regularization.sparsity(plain.weights()) == 0.0
    assert regularization.sparsity(lasso.weights()) > 0.3
    assert regularization.sparsity([np.array([0.0, 1e-4, 1.0])], tol=1e-3) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="learning rate"):
        regularization.l1_shrinkage(0.01, 0)
    with pytest.raises(ValueError, match="tol"):
        regularization.sparsity(plain.weights(), tol=-1)

