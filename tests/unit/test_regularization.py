"""Unit tests of course_lib.regularization: the L2 term and its gradient, max-norm, predictive entropy,
Monte-Carlo dropout."""
import numpy as np
import pytest

from course_lib import regularization
from course_lib.gradcheck import numerical_gradient
from course_lib.network import MLP


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
