"""Every layer's backward pass against central differences (float64, relative error < 1e-6)."""
import numpy as np
import pytest

from course_lib import layers
from course_lib.gradcheck import check_network, numerical_gradient, relative_error
from course_lib.network import MLP

RNG = np.random.default_rng(0)


def _check_layer(layer, x, train=True, params=None, grads=None):
    """Gradient of L = Σ c ⊙ layer(x) w.r.t. x (and every parameter), numeric vs backward."""
    c = RNG.standard_normal(layer.forward(x, train).shape)
    loss = lambda _: float(np.sum(c * layer.forward(x, train)))
    layer.forward(x, train)
    dx = layer.backward(c.copy())
    assert relative_error(dx, numerical_gradient(loss, x)) < 1e-6
    for key in (params or {}):
        assert relative_error(grads[key], numerical_gradient(loss, params[key])) < 1e-6, key


def test_dense():
    params = {"W1": RNG.standard_normal((4, 3)), "b1": RNG.standard_normal(3)}
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    _check_layer(layers.Dense(params, grads, 1), RNG.standard_normal((5, 4)), params=params, grads=grads)


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "elu", "gelu", "mish"])
def test_activation_layer(name):
    x = RNG.standard_normal((6, 4))
    x[np.abs(x) < 1e-3] = 0.5
    _check_layer(layers.Activation(name), x)


@pytest.mark.parametrize("train", [True, False])
def test_batchnorm_on_a_real_batch(train):
    params = {"gamma1": RNG.uniform(0.5, 2, 3), "beta1": RNG.standard_normal(3)}
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    bn = layers.BatchNorm(params, grads, 1)
    bn.running_mean, bn.running_var = RNG.standard_normal(3), RNG.uniform(0.5, 2, 3)
    x = 3 + 2 * RNG.standard_normal((8, 3))
    if train:   # the running averages move during the check; the training-mode output does not use them
        _check_layer(bn, x, True, params, grads)
    else:
        _check_layer(bn, x, False, params, grads)


def test_batchnorm_forward_normalises_and_tracks_running_statistics():
    params = {"gamma1": np.ones(2), "beta1": np.zeros(2)}
    bn = layers.BatchNorm(params, {}, 1, momentum=0.9)
    x = np.array([[1.0, 10.0], [3.0, 30.0], [5.0, 50.0]])
    y = bn.forward(x, train=True)
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(y.std(axis=0), 1, rtol=1e-5)
    np.testing.assert_allclose(bn.running_mean, 0.1 * np.array([3.0, 30.0]))
    np.testing.assert_allclose(bn.running_var, 0.9 + 0.1 * np.array([8 / 3, 800 / 3]))
    with pytest.raises(ValueError, match="at least 2"):
        bn.forward(x[:1], train=True)


def test_dropout_fixed_mask_gradient_and_scaling():
    drop = layers.Dropout(0.4, np.random.default_rng(1))
    x = RNG.standard_normal((50, 40))
    drop.forward(x, train=True)
    drop.frozen = True
    _check_layer(drop, x, True)
    kept = drop.mask != 0
    np.testing.assert_allclose(drop.mask[kept], 1 / 0.6)            # inverted: scaled at training time
    assert 0.5 < kept.mean() < 0.7
    np.testing.assert_array_equal(drop.forward(x, train=False), x)  # inference: unchanged
    big = layers.Dropout(0.4, np.random.default_rng(2)).forward(np.ones((1000, 1000)), train=True)
    assert big.mean() == pytest.approx(1.0, abs=0.01)               # E[y] = x


def test_prelu_and_rrelu():
    params = {"alpha1": np.array([0.25, -0.1, 0.5])}
    grads = {"alpha1": np.zeros(3)}
    x = RNG.standard_normal((7, 3))
    _check_layer(layers.PReLU(params, grads, 1), x, True, params, grads)
    r = layers.RReLU(np.random.default_rng(0))
    r.forward(x, train=True)
    r.frozen = True
    _check_layer(r, x, True)
    neg = x < 0
    assert np.all((r.slope[neg] >= 1 / 8) & (r.slope[neg] <= 1 / 3))
    np.testing.assert_allclose(r.forward(x, train=False)[neg], x[neg] * (1 / 8 + 1 / 3) / 2)


@pytest.mark.parametrize("one_hot", [False, True])
def test_softmax_cross_entropy(one_hot):
    s = 5 * RNG.standard_normal((6, 4))
    t = RNG.integers(0, 4, 6)
    labels = np.eye(4)[t] if one_hot else t
    ce = layers.SoftmaxCrossEntropy()
    y = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
    assert ce.forward(s, labels) == pytest.approx(-np.mean(np.log(y[np.arange(6), t])))
    ce.forward(s, labels)
    assert relative_error(ce.backward(), numerical_gradient(lambda _: ce.forward(s, labels), s)) < 1e-6
    # stable: huge scores do not overflow
    assert np.isfinite(ce.forward(np.array([[1000.0, -1000.0]]), np.array([1])))


def test_labels_are_checked():
    ce = layers.SoftmaxCrossEntropy()
    s = np.zeros((3, 4))
    with pytest.raises(ValueError, match=r"labels must lie in 0..3"):
        ce.forward(s, np.array([0, 1, 4]))
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        ce.forward(s, np.array([0, 1]))
    with pytest.raises(ValueError, match=r"one-hot labels must have shape \(3, 4\)"):
        ce.forward(s, np.zeros((3, 5)))


CONFIGS = {
    "relu": {}, "sigmoid": {"activation": "sigmoid"}, "tanh + weight decay": {"activation": "tanh", "weight_decay": 0.3},
    "batchnorm": {"batchnorm": True}, "dropout": {"dropout": 0.3}, "prelu": {"activation": "prelu"},
    "rrelu": {"activation": "rrelu"}, "batchnorm after": {"batchnorm": "after", "activation": "elu"},
    "everything": {"activation": "gelu", "batchnorm": True, "dropout": 0.2,
                                                      "weight_decay": 0.1},
}


@pytest.mark.parametrize("config", list(CONFIGS))
def test_whole_network_gradients(config):
    kw = CONFIGS[config]
    net = MLP([5, 6, 6, 3], dtype=np.float64, seed=1, **kw)
    x, t = RNG.standard_normal((8, 5)), RNG.integers(0, 3, 8)
    errors = check_network(net, x, t)
    for key, err in errors.items():
        if kw.get("batchnorm") is True and key in ("b1", "b2"):
            # A bias right before batch norm is subtracted out again: its true gradient is 0,
            # so only absolute agreement at rounding level makes sense.
            assert np.abs(net.gradient(x, t)[key]).max() < 1e-10
            continue
        assert err < 1e-6, (key, err)


def test_weight_decay_adds_half_lambda_sum_of_squares_over_weights_only():
    x, t = RNG.standard_normal((4, 3)), np.array([0, 1, 1, 0])
    plain = MLP([3, 5, 2], dtype=np.float64, seed=3, batchnorm=True)
    decayed = MLP([3, 5, 2], dtype=np.float64, seed=3, batchnorm=True, weight_decay=0.5)
    for k in plain.params:
        plain.params[k] += 0.1
        decayed.params[k] += 0.1
    penalty = 0.25 * sum(np.sum(W ** 2) for W in decayed.weights())
    assert decayed.loss(x, t) == pytest.approx(plain.loss(x, t) + penalty)
    g0 = {k: v.copy() for k, v in plain.gradient(x, t).items()}
    g1 = decayed.gradient(x, t)
    np.testing.assert_allclose(g1["W1"], g0["W1"] + 0.5 * decayed.params["W1"])
    np.testing.assert_allclose(g1["gamma1"], g0["gamma1"])       # γ, β and biases are not decayed
    np.testing.assert_allclose(g1["b2"], g0["b2"])
