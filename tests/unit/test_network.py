import numpy as np
import pytest

from course_lib import activations, diagnostics, initializers
from course_lib.network import MLP

RNG = np.random.default_rng(0)


def test_params_and_shapes():
    net = MLP([784, 100, 50, 10], batchnorm=True, seed=0)
    assert list(net.params) == ["W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2", "W3", "b3"]
    assert net.params["W2"].shape == (100, 50) and net.params["W1"].dtype == np.float32
    x = RNG.random((7, 784), dtype=np.float32)
    assert net.predict(x).shape == (7, 10) and net.predict(x).dtype == np.float32
    grads = net.gradient(x, np.arange(7))
    assert {k: g.shape for k, g in grads.items()} == {k: p.shape for k, p in net.params.items()}


def test_init_by_name_number_or_callable():
    a = MLP([400, 300, 10], init="he_normal", seed=1).params["W1"]
    assert a.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    b = MLP([400, 300, 10], init=0.01, seed=1).params["W1"]
    assert b.std() == pytest.approx(0.01, rel=0.02)
    c = MLP([400, 300, 10], init=lambda i, o, rng: np.full((i, o), 0.5), seed=1).params["W1"]
    assert np.all(c == 0.5)
    with pytest.raises(ValueError, match=r"expected \(fan_in, fan_out\) = \(400, 300\)"):
        MLP([400, 300, 10], init=lambda i, o, rng: np.zeros((o, i)))


def test_same_seed_same_network_and_predictions():
    x = RNG.random((5, 20))
    one = MLP([20, 8, 3], dropout=0.5, seed=4)
    two = MLP([20, 8, 3], dropout=0.5, seed=4)
    np.testing.assert_array_equal(one.predict(x, train=True), two.predict(x, train=True))
    assert not np.array_equal(one.params["W1"], MLP([20, 8, 3], seed=5).params["W1"])


def test_params_can_be_read_and_replaced():
    net = MLP([4, 3, 2], seed=0, dtype=np.float64)
    x = RNG.standard_normal((5, 4))
    net.params["W1"] = np.zeros((4, 3))
    np.testing.assert_allclose(net.predict(x)[0], net.predict(x)[1])   # all-zero first layer: same output
    net.params["W1"] = np.ones((4, 3))
    assert net.gradient(x, np.array([0, 1, 0, 1, 1]))["W1"].shape == (4, 3)


def test_shape_mismatch_names_the_layer_and_both_shapes():
    net = MLP([784, 100, 10])
    with pytest.raises(ValueError, match=r"Dense layer 1 \(W1 of shape \(784, 100\)\).*\(batch, 784\).*\(3, 785\)"):
        net.predict(np.zeros((3, 785)))
    with pytest.raises(ValueError, match="reshape"):
        net.predict(np.zeros((3, 28, 28)))
    with pytest.raises(ValueError, match="single vector"):
        net.predict(np.zeros(784))
    with pytest.raises(ValueError, match=r"labels must be integers of shape \(3,\)"):
        net.loss(np.zeros((3, 784)), np.array([1, 2]))
    with pytest.raises(ValueError, match="sizes"):
        MLP([784])
    with pytest.raises(ValueError, match="dropout ratio"):
        MLP([4, 3, 2], dropout=1.0)
    with pytest.raises(ValueError, match="weight_decay"):
        MLP([4, 3, 2], weight_decay=-1)
    with pytest.raises(ValueError, match="relu"):
        MLP([4, 3, 2], activation="rlu")


def test_integer_and_one_hot_labels_give_the_same_loss_and_accuracy():
    net = MLP([6, 5, 3], seed=2, dtype=np.float64)
    x, t = RNG.standard_normal((9, 6)), RNG.integers(0, 3, 9)
    assert net.loss(x, t) == pytest.approx(net.loss(x, np.eye(3)[t]))
    assert net.accuracy(x, t) == net.accuracy(x, np.eye(3)[t])
    assert net.accuracy(x, t) == np.mean(net.predict(x).argmax(1) == t)


def test_recording_hooks_store_every_hidden_layer():
    net = MLP([6, 5, 4, 3], activation="tanh", seed=0, dtype=np.float64)
    x, t = RNG.standard_normal((8, 6)), RNG.integers(0, 3, 8)
    loss, grads, records = net.recorded_pass(x, t)
    assert len(records) == 2 and not net.recording
    rec = records[0]
    np.testing.assert_allclose(rec["pre"], x @ net.params["W1"] + net.params["b1"])
    np.testing.assert_allclose(rec["act"], np.tanh(rec["pre"]))
    np.testing.assert_allclose(rec["grad_pre"], rec["grad_act"] * (1 - rec["act"] ** 2))
    np.testing.assert_allclose(grads["W1"], x.T @ rec["grad_pre"])


def test_batchnorm_running_statistics_are_used_at_inference_and_kept_by_diagnostics():
    net = MLP([3, 4, 2], batchnorm=True, seed=0, dtype=np.float64)
    x = 5 + RNG.standard_normal((50, 3))
    bn = net.batchnorm_layers()[0]
    before = bn.running_mean.copy()
    diagnostics.layer_stats(net, x, np.zeros(50, int))
    np.testing.assert_array_equal(bn.running_mean, before)    # a diagnostic pass does not train
    for _ in range(200):
        net.loss(x, np.zeros(50, int), train=True)
    pre = x @ net.params["W1"] + net.params["b1"]
    np.testing.assert_allclose(bn.running_mean, pre.mean(axis=0), rtol=1e-6)
    # inference now normalises with the running statistics: a single example works
    assert net.predict(x[:1]).shape == (1, 2)


def test_dead_fraction_and_saturation():
    net = MLP([10, 20, 3], seed=0)
    net.params["b1"][:5] = -100.0            # five units can never fire
    assert diagnostics.dead_fraction(net, RNG.standard_normal((100, 10)))[0] == pytest.approx(5 / 20)
    assert diagnostics.saturated_fraction(np.array([0.01, 0.5, 0.97, 0.3]), "sigmoid") == 0.5
    assert diagnostics.saturated_fraction(np.array([0.1]), "relu") is None
    with pytest.raises(ValueError, match="ReLU-like"):
        diagnostics.dead_fraction(MLP([3, 2, 2], activation="tanh"), np.zeros((2, 3)))


def test_layer_stats_show_vanishing_sigmoid_gradients():
    x, t = RNG.standard_normal((100, 50)).astype(np.float32), RNG.integers(0, 10, 100)
    sig = diagnostics.layer_stats(MLP([50] + [50] * 8 + [10], activation="sigmoid", init="xavier_normal"), x, t, lr=0.1)
    relu = diagnostics.layer_stats(MLP([50] + [50] * 8 + [10], activation="relu", init="he_normal"), x, t, lr=0.1)
    assert [s["layer"] for s in sig] == list(range(1, 9))
    assert sig[0]["grad_norm"] < 0.01 * sig[-1]["grad_norm"]           # shrinks layer by layer
    assert relu[0]["grad_norm"] > 0.1 * relu[-1]["grad_norm"]
    assert sig[0]["update_ratio"] == pytest.approx(
        0.1 * sig[0]["grad_norm"] / np.linalg.norm(MLP([50] + [50] * 8 + [10], activation="sigmoid",
                                                        init="xavier_normal").params["W1"]), rel=1e-5)
    assert relu[0]["saturated"] is None and relu[0]["dead"] is not None


def test_forward_activations_reproduce_the_histogram_experiment():
    std1 = diagnostics.forward_activations("sigmoid", 1.0)
    small = diagnostics.forward_activations("sigmoid", 0.01)
    xavier = diagnostics.forward_activations("sigmoid", "xavier_normal")
    assert len(std1) == 5 and std1[0].shape == (1000, 100)
    assert diagnostics.saturated_fraction(std1[-1], "sigmoid") > 0.5      # piled up at 0 and 1
    assert np.abs(small[-1] - 0.5).max() < 0.05                           # collapsed near 0.5
    assert xavier[-1].std() > 5 * small[-1].std()
    np.testing.assert_array_equal(std1[2], diagnostics.forward_activations("sigmoid", 1.0)[2])


def test_batchnorm_after_the_activation():
    net = MLP([5, 6, 3], batchnorm="after", activation="relu", seed=0, dtype=np.float64)
    kinds = [type(layer).__name__ for layer in net.layers]
    assert kinds == ["Dense", "Activation", "BatchNorm", "Dense"]
    x = RNG.standard_normal((8, 5))
    rec = net.recorded_pass(x, RNG.integers(0, 3, 8))[2][0]
    assert rec["act"].min() >= 0                              # recorded before the normalisation
    with pytest.raises(ValueError, match="batchnorm must be"):
        MLP([5, 6, 3], batchnorm="middle")
