"""ResidualMLP and the SkipStart / SkipEnd layers: a_l = a_{l−1} + F_l(a_{l−1}), checked against
the formula, against a plain MLP, and its gradients against central differences."""
import numpy as np
import pytest

from course_lib import activations, data, diagnostics, gradcheck, layers
from course_lib.network import MLP, ResidualMLP

RNG = np.random.default_rng(3)
X, T = RNG.standard_normal((7, 5)), RNG.integers(0, 3, 7)


@pytest.mark.parametrize("options", [dict(activation="sigmoid"), dict(activation="tanh"),
                                     dict(activation="elu", weight_decay=0.1),
                                     dict(activation="tanh", batchnorm=True),
                                     dict(activation="tanh", batchnorm="after"),
                                     dict(activation="tanh", dropout=0.3),
                                     dict(activation="prelu")])
def test_backprop_matches_central_differences(options):
    net = ResidualMLP([5, 4, 4, 4, 3], init="lecun_normal", dtype=np.float64, seed=1, **options)
    errors = gradcheck.check_network(net, X, T)
    if options.get("batchnorm") is True:      # a bias just before batch norm has gradient 0: compare nothing
        errors = {k: e for k, e in errors.items() if not k.startswith("b") or k == "b4"}
    assert set(errors) >= {"W1", "W2", "W3", "W4"}
    assert max(errors.values()) < 1e-6, errors


def test_forward_is_the_residual_formula():
    net = ResidualMLP([5, 4, 4, 4, 3], activation="tanh", dtype=np.float64, seed=2)
    p, f = net.params, activations.get("tanh")
    a = f(X @ p["W1"] + p["b1"])                       # layer 1: 5 -> 4, no skip (sizes differ)
    for l in (2, 3):
        a = a + f(a @ p[f"W{l}"] + p[f"b{l}"])          # a_l = a_{l-1} + f(a_{l-1} W_l + b_l)
    np.testing.assert_allclose(net.predict(X), a @ p["W4"] + p["b4"], rtol=1e-12)


def test_skips_only_where_a_block_has_as_many_outputs_as_inputs():
    net = ResidualMLP([5, 4, 3, 3, 3, 2], seed=0)
    starts = [layer.name for layer in net.layers if isinstance(layer, layers.SkipStart)]
    assert starts == ["SkipStart layer 3", "SkipStart layer 4"]
    assert sum(isinstance(layer, layers.SkipEnd) for layer in net.layers) == 2


def test_residual_false_is_exactly_the_plain_mlp():
    plain = MLP([5, 4, 4, 3], activation="tanh", seed=4, dtype=np.float64)
    same = ResidualMLP([5, 4, 4, 3], activation="tanh", seed=4, dtype=np.float64, residual=False)
    np.testing.assert_array_equal(plain.predict(X), same.predict(X))
    with_skips = ResidualMLP([5, 4, 4, 3], activation="tanh", seed=4, dtype=np.float64)
    assert not np.allclose(plain.predict(X), with_skips.predict(X))
    assert "residual=True" in repr(with_skips) and "residual=False" in repr(same)


def test_recording_and_diagnostics_still_see_every_hidden_layer():
    net = ResidualMLP([5, 4, 4, 4, 3], activation="tanh", dtype=np.float64, seed=0)
    _, grads, records = net.recorded_pass(X, T)
    assert len(records) == 3 and set(records[0]) == {"pre", "act", "grad_act", "grad_pre"}
    assert diagnostics.gradient_norms(net, X, T).shape == (4,)


def test_skips_keep_the_first_layers_gradient_of_a_deep_sigmoid_net():
    (x, t), _ = data.load_mnist()
    sizes = [784] + [100] * 9 + [10]
    norms = {res: diagnostics.gradient_norms(ResidualMLP(sizes, activation="sigmoid", init="lecun_normal",
                                                         residual=res, seed=0), x[:100], t[:100])
             for res in (False, True)}
    assert norms[False][0] / norms[False][-1] < 1e-4
    assert norms[True][0] / norms[True][-1] > 1e-2
    assert norms[True][0] > 1e4 * norms[False][0]


@pytest.mark.parametrize("bad", [1, "yes", None])
def test_bad_residual_value_names_the_argument(bad):
    with pytest.raises(ValueError, match=r"residual must be True .* or False"):
        ResidualMLP([5, 4, 4, 3], residual=bad)


def test_skip_end_rejects_a_shape_change_and_a_wrong_start():
    start = layers.SkipStart()
    end = layers.SkipEnd(start)
    start.forward(np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"same shape.*as many outputs as inputs"):
        end.forward(np.zeros((2, 3)))
    with pytest.raises(TypeError, match="start must be the block's SkipStart"):
        layers.SkipEnd(object())
    with pytest.raises(RuntimeError, match="SkipEnd must come first"):
        layers.SkipStart().backward(np.zeros((2, 4)))
