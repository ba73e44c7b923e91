"""Layer normalisation and folding batch norm into the layer before it (course_lib.layers):
the backward pass against central differences, the per-example independence, and the folding
formula against an inference-mode network."""
import numpy as np
import pytest

from course_lib import layers
from course_lib.gradcheck import check_network, numerical_gradient, relative_error
from course_lib.network import MLP

RNG = np.random.default_rng(5)


def _layernorm(d, gamma=None, beta=None):
    params = {"gamma1": RNG.uniform(0.5, 2, d) if gamma is None else gamma,
              "beta1": RNG.standard_normal(d) if beta is None else beta}
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    return layers.LayerNorm(params, grads, 1), params, grads


@pytest.mark.parametrize("rows", [1, 2, 7])
def test_layernorm_backward_matches_central_differences(rows):
    ln, params, grads = _layernorm(5)
    x = 3 + 2 * RNG.standard_normal((rows, 5))
    c = RNG.standard_normal((rows, 5))
    loss = lambda _: float(np.sum(c * ln.forward(x, train=True)))
    ln.forward(x, train=True)
    dx = ln.backward(c.copy())
    assert relative_error(dx, numerical_gradient(loss, x)) < 1e-8
    for key in params:
        assert relative_error(grads[key], numerical_gradient(loss, params[key])) < 1e-8, key


def test_a_wrong_backward_fails_the_check(monkeypatch):
    """The check above can fail: the backward pass without the mean and variance paths is caught."""
    def no_statistics_paths(self, dy):
        np.sum(dy * self.xhat, axis=0, out=self.grads[self.g])
        np.sum(dy, axis=0, out=self.grads[self.b])
        return dy * self.params[self.g] * self.inv_std

    monkeypatch.setattr(layers.LayerNorm, "backward", no_statistics_paths)
    ln, _, _ = _layernorm(4)
    x = RNG.standard_normal((3, 4))
    c = RNG.standard_normal((3, 4))
    ln.forward(x)
    dx = ln.backward(c.copy())
    numeric = numerical_gradient(lambda _: float(np.sum(c * ln.forward(x))), x)
    assert relative_error(dx, numeric) > 1e-2


def test_layernorm_normalises_each_row_and_ignores_the_rest_of_the_batch():
    ln, _, _ = _layernorm(6, gamma=np.ones(6), beta=np.zeros(6))
    x = RNG.standard_normal((4, 6)) * np.array([[1.0], [10.0], [0.1], [3.0]]) + 5
    y = ln.forward(x, train=True)
    np.testing.assert_allclose(y.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(y.std(axis=1), 1, rtol=1e-3)             # ε shrinks the 0.1-scale row a hair
    alone = np.vstack([ln.forward(x[i:i + 1], train=True) for i in range(4)])
    np.testing.assert_array_equal(alone, y)                               # a batch of one is fine
    np.testing.assert_array_equal(ln.forward(x, train=False), y)          # no train/inference difference
    bn = layers.BatchNorm({"gamma1": np.ones(6), "beta1": np.zeros(6)}, {}, 1)
    assert not np.allclose(bn.forward(x[:2], train=True), bn.forward(x, train=True)[:2])   # BN does depend


def test_layernorm_rejects_bad_input():
    ln, _, _ = _layernorm(3)
    with pytest.raises(ValueError, match=r"LayerNorm layer 1 expects input of shape \(batch, 3\)"):
        ln.forward(np.ones((2, 4)))
    with pytest.raises(ValueError, match="eps must be > 0"):
        layers.LayerNorm({"gamma1": np.ones(3), "beta1": np.zeros(3)}, {}, 1, eps=0)
    one, _, _ = _layernorm(1)
    with pytest.raises(ValueError, match="at least 2 units"):
        one.forward(np.ones((3, 1)))


@pytest.mark.parametrize("kw", [{}, {"activation": "tanh", "dropout": 0.2, "weight_decay": 0.1}])
def test_network_with_layernorm_gradients(kw):
    net = MLP([5, 6, 6, 3], layernorm=True, dtype=np.float64, seed=2, **kw)
    assert {"gamma1", "beta1", "gamma2", "beta2"} <= set(net.params) and "gamma3" not in net.params
    assert repr(net).count("layernorm=True") == 1
    x, t = RNG.standard_normal((4, 5)), RNG.integers(0, 3, 4)
    errors = check_network(net, x, t)
    assert set(errors) == set(net.params)
    assert max(errors.values()) < 1e-6, errors
    single = np.vstack([net.predict(x[i:i + 1], train=True) for i in range(4)]) if not kw else None
    if single is not None:                                    # training mode, one row at a time
        np.testing.assert_allclose(single, net.predict(x, train=True), rtol=1e-12)


def test_network_layernorm_option_is_checked():
    with pytest.raises(ValueError, match="cannot be combined with batchnorm"):
        MLP([4, 3, 2], batchnorm=True, layernorm=True)
    with pytest.raises(ValueError, match="layernorm must be True or False"):
        MLP([4, 3, 2], layernorm="yes")


def test_fold_batchnorm_gives_the_inference_network():
    net = MLP([6, 5, 4, 3], batchnorm=True, dtype=np.float64, seed=3)
    for bn in net.batchnorm_layers():                         # non-trivial statistics and γ, β
        bn.running_mean = RNG.standard_normal(bn.running_mean.shape)
        bn.running_var = RNG.uniform(0.2, 3, bn.running_var.shape)
    for k in net.params:
        if k.startswith(("gamma", "beta", "b")):
            net.params[k] = RNG.standard_normal(net.params[k].shape)
    x = RNG.standard_normal((10, 6))
    z = x @ net.params["W1"] + net.params["b1"]
    bn1 = net.batchnorm_layers()[0]
    W, b = layers.fold_batchnorm(net.params["W1"], net.params["b1"], net.params["gamma1"], net.params["beta1"],
                                 bn1.running_mean, bn1.running_var, bn1.eps)
    np.testing.assert_allclose(x @ W + b, bn1.forward(z, train=False), rtol=1e-12, atol=1e-12)
    W_before = net.params["W1"].copy()
    layers.fold_batchnorm(net.params["W1"], net.params["b1"], np.ones(5), np.zeros(5), np.zeros(5), np.ones(5))
    np.testing.assert_array_equal(net.params["W1"], W_before)          # inputs are not changed


def test_fold_batchnorm_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"gamma must have one value per column of W, shape \(3,\)"):
        layers.fold_batchnorm(np.ones((2, 3)), np.zeros(3), np.ones(2), np.zeros(3), np.zeros(3), np.ones(3))
    with pytest.raises(ValueError, match="running_var must be >= 0"):
        layers.fold_batchnorm(np.ones((2, 3)), np.zeros(3), np.ones(3), np.zeros(3), np.zeros(3), -np.ones(3))
    with pytest.raises(ValueError, match="weight matrix"):
        layers.fold_batchnorm(np.ones(3), np.zeros(3), np.ones(3), np.zeros(3), np.zeros(3), np.ones(3))
