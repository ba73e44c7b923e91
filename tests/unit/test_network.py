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


# -- misuses a new user tries: each gets a message naming the mistake (issue 10) ------------------
def _toy(n=12):
    rng = np.random.default_rng(0)
    return rng.random((n, 4)).astype(np.float32), rng.integers(0, 3, n)


@pytest.mark.parametrize("call", ["loss", "gradient", "accuracy"])
def test_an_empty_batch_is_refused_not_nan(call):
    x, t = _toy()
    with pytest.raises(ValueError, match=r"x is an empty batch \(shape \(0, 4\)\)"):
        getattr(MLP([4, 5, 3]), call)(x[:0], t[:0])


def test_nan_or_inf_in_x_names_rows_and_columns():
    x, t = _toy()
    x[3, 2], x[7, 0] = np.nan, np.inf
    with pytest.raises(ValueError, match=r"x has NaN and inf in 2 entries: rows 3, 7; columns 0, 2"):
        MLP([4, 5, 3]).loss(x, t)
    with pytest.raises(ValueError, match="rows 3, 7"):
        MLP([4, 5, 3]).predict(x)


def test_one_hot_labels_must_be_hard_with_one_1_a_row():
    x, t = _toy()
    one_hot = np.eye(3)[t]
    net = MLP([4, 5, 3])
    assert net.loss(x, one_hot) == pytest.approx(net.loss(x, t))
    no_one = one_hot.copy()
    no_one[2] = 0
    with pytest.raises(ValueError, match="exactly one 1; row 2 has 0"):
        net.loss(x, no_one)
    with pytest.raises(ValueError, match="Soft labels .* not supported.*argmax"):
        net.loss(x, np.full((12, 3), 1 / 3))


def test_string_labels_and_python_lists():
    x, t = _toy()
    net = MLP([4, 5, 3])
    with pytest.raises(TypeError, match=r"labels must be numbers, got dtype <U.*'\d' read from a CSV.*astype\(int\)"):
        net.loss(x, t.astype(str))
    assert net.loss(x.tolist(), t.tolist()) == pytest.approx(net.loss(x, t))


def test_an_integer_dtype_is_refused():
    with pytest.raises(TypeError, match="dtype must be a floating-point type.*got int32.*integers"):
        MLP([4, 5, 3], dtype=np.int32)


def test_a_replaced_weight_of_the_wrong_shape_reports_its_current_shape():
    x, t = _toy()
    net = MLP([4, 5, 3])
    net.params["W1"] = np.zeros((4, 7), np.float32)
    with pytest.raises(ValueError, match=r"net.params\['W1'\] has shape \(4, 7\) now, but layer 1 .*shape \(4, 5\)"):
        net.loss(x, t)
    net.params["W1"] = np.zeros((4, 5), np.float32)          # the right shape: accepted
    net.params["W2"] = np.zeros((6, 3), np.float32)
    with pytest.raises(ValueError, match=r"'W2'\] has shape \(6, 3\) now.*\(5, 3\)"):
        net.gradient(x, t)
    net.params["W2"] = np.zeros((5, 3))
    assert np.isfinite(net.loss(x, t))
    dense = net.layers[0]
    net.params["W1"] = np.zeros((9, 5), np.float32)
    with pytest.raises(ValueError, match=r"Dense layer 1 \(W1 of shape \(9, 5\)\)"):   # the layer, too
        dense.forward(x)


def test_an_initializer_with_the_wrong_signature_or_nonfinite_weights():
    with pytest.raises(TypeError, match=r"init\(fan_in, fan_out, rng\).*<lambda>\(n\)"):
        MLP([4, 5, 3], init=lambda n: np.zeros((n, n)))
    with pytest.raises(ValueError, match="NaN in 20 entries.*layer 1.*finite"):
        MLP([4, 5, 3], init=lambda a, b, rng: np.full((a, b), np.nan))
    with pytest.raises(ValueError, match="inf in 15 entries.*layer 2"):
        MLP([4, 5, 3], init=lambda a, b, rng: np.full((a, b), np.inf if a == 5 else 0.1))
    with pytest.raises(ValueError, match="returned None.*forgotten return"):
        MLP([4, 5, 3], init=lambda a, b, rng: None)
    with pytest.raises(ValueError, match=r"expected \(fan_in, fan_out\) = \(4, 5\)"):   # kept
        MLP([4, 5, 3], init=lambda a, b, rng: np.zeros((b, a)))


def test_mlp_arguments():
    with pytest.raises(TypeError, match=r"sizes must be a list.*MLP\(\[784, 100, 10\]\).*single number 784"):
        MLP(784, 100, 10)
    with pytest.raises(ValueError, match="weight_decay must be a finite number, got nan"):
        MLP([4, 5, 3], weight_decay=float("nan"))
    with pytest.raises(TypeError, match="weight_decay must be a number, got the string '0'"):
        MLP([4, 5, 3], weight_decay="0")
    with pytest.raises(ValueError, match="dropout ratio must be a number"):
        MLP([4, 5, 3], dropout="0.5")
    with pytest.raises(ValueError, match="sizes must list"):
        MLP([4, True, 3])



def test_weight_decay_penalty_is_regularizations():
    from course_lib import regularization
    x, t = _toy()
    net = MLP([4, 5, 3], weight_decay=0.3, dtype=np.float64)
    plain = MLP([4, 5, 3], dtype=np.float64)
    assert net.loss(x, t) - plain.loss(x, t) == pytest.approx(
        regularization.l2_penalty(net.weights(), 0.3), rel=1e-12)


def test_gradcheck_and_diagnostics_name_their_bad_inputs():
    from course_lib import diagnostics, gradcheck
    x0 = np.zeros(3)
    with pytest.raises(ValueError, match="h must be a finite number, got nan"):
        gradcheck.numerical_gradient(lambda v: float(np.sum(v)), x0, h=float("nan"))
    with pytest.raises(TypeError, match="f\\(x\\) returned None.*forgotten return"):
        gradcheck.numerical_gradient(lambda v: None, x0)
    with pytest.raises(TypeError, match="one number.*shape \\(3,\\)"):
        gradcheck.numerical_gradient(lambda v: v * 2, x0)
    assert np.all(x0 == 0)                                  # restored after f failed
    with pytest.raises(ValueError, match="not finite near element 0"), np.errstate(invalid="ignore"):
        gradcheck.numerical_gradient(lambda v: float(np.log(v[0])), x0)        # log of −h is NaN
    with pytest.raises(ValueError, match="relative_error: b has NaN"):
        gradcheck.relative_error(np.ones(2), np.array([1.0, np.nan]))
    x, t = _toy()
    net = MLP([4, 5, 3], dtype=np.float64)
    with pytest.raises(ValueError, match=r"no parameter 'w1' \(it has W1, b1, W2, b2\); did you mean .*'W1'"):
        gradcheck.check_network(net, x, t, keys=["w1"])
    with pytest.raises(ValueError, match="x is empty"):
        diagnostics.dead_fraction(net, x[:0])
    with pytest.raises(ValueError, match="lr must be > 0"):
        diagnostics.layer_stats(net, x, t, lr=0)
    with pytest.raises(ValueError, match="depth must be a positive integer"):
        diagnostics.forward_activations(depth=0)
    with pytest.raises(TypeError, match="width must be a number, got the string '10'"):
        diagnostics.forward_activations(width="10")


@pytest.mark.parametrize("sizes, init", [([4, 5, 3], "he_normal"), ([4, 2, 3], "he_normal"), ([4, 2, 3], "zeros")])
def test_nan_or_inf_in_x_is_found_whether_layer_1_is_wider_or_narrower_than_x(sizes, init):
    """Layer 1 narrower than x: the check looks at its output (inf·0 = NaN, so even zero weights show it)."""
    x, t = _toy()
    net = MLP(sizes, init=init)
    assert np.isfinite(net.loss(x, t))
    for bad in (np.inf, -np.inf, np.nan):
        y = x.copy()
        y[4, 1] = bad
        with pytest.raises(ValueError, match=r"x has (NaN|inf) in 1 entry: row 4; column 1"):
            net.loss(y, t)
