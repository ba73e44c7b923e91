"""Unit tests of course_lib.regularization: the L2 and L1 terms and their gradients, the soft-threshold
(proximal) step and the sparsity it produces, max-norm, predictive entropy, Monte-Carlo dropout."""
import numpy as np
import pytest

from course_lib import optimizers, regularization
from course_lib.gradcheck import numerical_gradient
from course_lib.network import MLP
from course_lib.training import train


def test_l2_penalty_and_its_gradient():
    W1, W2 = np.array([[1.0, -2.0]]), np.array([[3.0], [0.5]])
    assert regularization.l2_penalty([W1, W2], 0.1) == pytest.approx(0.05 * (1 + 4 + 9 + 0.25))
    num = numerical_gradient(lambda _: regularization.l2_penalty(W1, 0.1), W1)
    np.testing.assert_allclose(regularization.l2_gradient(W1, 0.1), num, rtol=1e-6)
    for bad in (-0.1, float("nan"), "0.1", True):
        with pytest.raises(ValueError, match="lam"):
            regularization.l2_penalty(W1, bad)


def test_max_norm_clips_each_units_incoming_weights():
    W = np.array([[3.0, 0.1], [4.0, 0.1]])                 # column norms 5 and ~0.14
    regularization.max_norm(W, 2.0)
    np.testing.assert_allclose(regularization.column_norms(W), [2.0, np.hypot(0.1, 0.1)])
    np.testing.assert_allclose(W[:, 0], [1.2, 1.6])          # direction kept
    with pytest.raises(ValueError, match="c must be"):
        regularization.max_norm(W, 0)


def test_predictive_entropy_and_mc_dropout():
    h = regularization.predictive_entropy([[1.0, 0.0], [0.5, 0.5]])
    np.testing.assert_allclose(h, [0.0, np.log(2)])
    net = MLP([3, 16, 2], dropout=0.5, seed=0)
    x = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    mean, entropy = regularization.mc_dropout(net, x, samples=20)
    np.testing.assert_allclose(mean.sum(axis=1), 1.0, rtol=1e-6)
    assert entropy.shape == (5,) and np.all((entropy >= 0) & (entropy <= np.log(2) + 1e-9))
    with pytest.raises(ValueError, match="samples"):
        regularization.mc_dropout(net, x, samples=0)


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

