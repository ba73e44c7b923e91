"""Unit tests of course_lib.diagnostics: saturation and dead units, per-layer statistics, gradient norms,
the forward experiment at initialisation."""
import numpy as np
import pytest

from course_lib import diagnostics
from course_lib.network import MLP


def test_saturated_fraction_counts_the_flat_tails():
    assert diagnostics.saturated_fraction(np.array([0.01, 0.5, 0.97, 0.6]), "sigmoid") == 0.5
    assert diagnostics.saturated_fraction(np.array([-0.99, 0.0]), "tanh") == 0.5
    assert diagnostics.saturated_fraction(np.array([5.0]), "relu") is None


def test_dead_fraction_finds_units_that_never_fire():
    net = MLP([2, 4, 2], activation="relu", seed=0)
    net.params["b1"][:2] = -100.0                       # two units below zero for every input
    x = np.random.default_rng(0).normal(size=(50, 2)).astype(np.float32)
    assert diagnostics.dead_fraction(net, x)[0] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="ReLU"):
        diagnostics.dead_fraction(MLP([2, 4, 2], activation="tanh"), x)


def test_layer_stats_and_gradient_norms_agree():
    net = MLP([4, 8, 8, 3], seed=0)
    x = np.random.default_rng(1).normal(size=(20, 4)).astype(np.float32)
    t = np.arange(20) % 3
    stats = diagnostics.layer_stats(net, x, t, lr=0.1)
    norms = diagnostics.gradient_norms(net, x, t)
    assert [s["layer"] for s in stats] == [1, 2] and norms.shape == (3,)
    np.testing.assert_allclose([s["grad_norm"] for s in stats], norms[:2], rtol=1e-6)
    W1 = net.params["W1"]
    assert stats[0]["update_ratio"] == pytest.approx(0.1 * norms[0] / np.linalg.norm(W1), rel=1e-5)


def test_forward_activations_shrink_with_small_weights_and_take_a_number_as_std():
    small = diagnostics.forward_activations("tanh", 0.01, depth=4, width=50, n=100)
    named = diagnostics.forward_activations("tanh", "normal", depth=4, width=50, n=100, std=0.01)
    assert len(small) == 4 and small[-1].std() < small[0].std()
    for a, b in zip(small, named):
        np.testing.assert_array_equal(a, b)                  # a number is the std of a normal
