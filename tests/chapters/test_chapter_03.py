"""Chapter 03, weight initialization: the key numbers of an executed run of the solution
notebook, the exercise checkers (pass the solution, name each common slip), and the
initialization explorer (compute function, figure, controls)."""
import math
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import data, diagnostics, widgets  # noqa: E402
from course_lib.exercises import run_check  # noqa: E402
from course_lib.network import MLP  # noqa: E402
from notebook_run import NOTEBOOKS, run_notebook  # noqa: E402

CHAPTER = NOTEBOOKS / "solutions" / "03_weight_initialization.ipynb"
VARIABLES = ["symmetry", "saturated_std1", "saturated_share", "slope_std1", "std_small", "last_std",
             "saturation", "acc_500", "final_acc", "final_loss", "most_common_share", "grad_ratio",
             "relu_runs", "linear_runs", "dlfs_ratio"]


@pytest.fixture(scope="module")
def ch03():
    return run_notebook(CHAPTER, variables=VARIABLES)


# ---------------------------------------------------------------- (a) the chapter's key numbers

def test_equal_weights_stay_equal_random_weights_do_not(ch03):
    equal, random = ch03["symmetry"]["all weights 0.5"], ch03["symmetry"]["random (Xavier)"]
    assert equal["column_diff"] < 1e-6            # exactly 0.0 with one BLAS thread; rounding at most
    assert equal["moved"] > 0.01                  # ... although the weights did change
    assert random["column_diff"] > 0.5
    assert equal["accuracy"] < 0.75 and random["accuracy"] > 0.95


def test_std_1_saturates_the_sigmoid(ch03):
    assert ch03["saturated_share"] > 0.5
    assert min(ch03["saturated_std1"]) > 0.5 and len(ch03["saturated_std1"]) == 5
    assert ch03["slope_std1"] < 0.1               # mean σ' far below its peak 0.25


def test_std_001_collapses_near_one_half(ch03):
    assert len(ch03["std_small"]) == 5 and max(ch03["std_small"]) < 0.03
    assert max(ch03["std_small"][1:]) < 0.015


def test_histogram_table(ch03):
    s, sat = ch03["last_std"], ch03["saturation"]
    assert s["sigmoid"]["LeCun"] == s["sigmoid"]["Xavier"] and s["relu"]["LeCun"] == s["relu"]["Xavier"]
    assert 0.08 < s["sigmoid"]["Xavier"] < 0.2 and sat["sigmoid"]["Xavier"] < 0.01
    assert sat["tanh"]["std 1"] > 0.7 and sat["sigmoid"]["std 1"] > 0.5
    assert s["tanh"]["std 0.01"] < 1e-3 and s["relu"]["std 0.01"] < 1e-4
    assert 0.15 < s["tanh"]["Xavier"] < 0.6
    assert 0.5 < s["relu"]["He"] < 2.0
    assert s["relu"]["Xavier"] < s["relu"]["He"] / 3
    assert s["relu"]["std 1"] > 1000


def test_mnist_std_001_stalls_he_learns_fastest(ch03):
    acc, acc500 = ch03["final_acc"], ch03["acc_500"]
    assert acc["std 0.01"] < 0.2
    assert abs(acc["std 0.01"] - ch03["most_common_share"]) < 0.01   # one class for every image
    assert ch03["final_loss"]["std 0.01"] > 2.2                       # ≈ log 10
    assert acc["He"] > 0.9
    assert 0.85 < acc["Xavier"] <= acc["He"] + 0.01
    assert acc500["He"] > acc500["Xavier"] + 0.02                     # He is ahead early
    assert ch03["grad_ratio"] < 1e-3


def test_errata_numbers(ch03):
    relu = {k.split(" (")[0]: v for k, v in ch03["relu_runs"].items()}
    lecun, he, wrong = relu["1/√n"], relu["√(2/n)"], relu["2/√n"]
    assert len(he) == 20
    assert 0.3 < he[-1] < 5
    assert wrong[-1] > 100 * he[-1]
    assert wrong[-1] / wrong[0] > 2 ** 9 / 3     # ≈ √2 a layer over 19 layers (2^9.5)
    assert lecun[-1] < 0.05 * he[-1]
    glorot, notes = ch03["linear_runs"].values()
    assert 0.5 < glorot[-1] < 2
    assert notes[-1] > 10 * glorot[-1]
    assert ch03["dlfs_ratio"] == pytest.approx(math.sqrt(2 * 784 / 884), rel=1e-6)


# ---------------------------------------------------------------- (b) the checkers

def _he(fan_in, fan_out):
    return math.sqrt(2 / fan_in)


def _glorot(fan_in, fan_out):
    return math.sqrt(2 / (fan_in + fan_out))


def _not_done(*args):
    raise NotImplementedError


def test_03_he_std():
    assert run_check("03-he-std", _he).passed is True
    assert run_check("03-he-std", lambda i, o: np.float32(_he(i, o))).passed is True
    assert run_check("03-he-std", _not_done).passed is None
    mistakes = {
        "notes' erratum": lambda i, o: 2 / math.sqrt(i),
        "LeCun": lambda i, o: 1 / math.sqrt(i),
        "You used fan_out": lambda i, o: math.sqrt(2 / o),
        "Glorot's std": _glorot,
        "That is the variance": lambda i, o: 2 / i,
        "uniform": lambda i, o: math.sqrt(6 / i),
        "return one number": lambda i, o: np.full((i, o), _he(i, o)),
        "expected 0.141421, got 0.3": lambda i, o: 0.3,
    }
    for hint, answer in mistakes.items():
        outcome = run_check("03-he-std", answer)
        assert outcome.passed is False and hint in outcome.message, (hint, outcome.message)


def test_03_glorot_std():
    assert run_check("03-glorot-std", _glorot).passed is True
    assert run_check("03-glorot-std", _not_done).passed is None
    mistakes = {
        "notes' erratum": lambda i, o: math.sqrt(3 / (i + o)),
        "LeCun": lambda i, o: 1 / math.sqrt(i),
        "uniform": lambda i, o: math.sqrt(6 / (i + o)),
        "That is the variance": lambda i, o: 2 / (i + o),
        "He's std": _he,
        "average fan": lambda i, o: math.sqrt(1 / (i + o)),
        "under the square root": lambda i, o: 2 / math.sqrt(i + o),
        "expected 0.0475651": lambda i, o: 0.1,           # right for 100 → 100 only
        "raised ZeroDivisionError": lambda i, o: 1 / 0,
    }
    for hint, answer in mistakes.items():
        outcome = run_check("03-glorot-std", answer)
        assert outcome.passed is False and hint in outcome.message, (hint, outcome.message)


@pytest.fixture(scope="module")
def mnist_head():
    (x, t), (xt, tt) = data.load_mnist()
    return x[:1000], t[:1000], xt[:1000], tt[:1000]


def _stats(init, x, t):
    net = MLP([784, 100, 100, 100, 100, 10], activation="relu", init=init, seed=0)
    return net, diagnostics.layer_stats(net, x, t)


def test_03_why_stall(mnist_head):
    x, t, xt, tt = mnist_head

    def right(init):
        return _stats(init, x, t)[1][-1]["act_std"]

    outcome = run_check("03-why-stall", right)
    assert outcome.passed is True and "smaller than with He" in outcome.message
    assert run_check("03-why-stall", _not_done).passed is None
    mistakes = {
        "FIRST hidden layer": lambda init: _stats(init, x, t)[1][0]["act_std"],
        "MEAN of the last hidden layer": lambda init: _stats(init, x, t)[1][-1]["act_mean"],
        "layer 3": lambda init: _stats(init, x, t)[1][-2]["act_std"],
        "output scores": lambda init: float(_stats(init, x, t)[0].predict(x).std()),
        "the weights' std": lambda init: init,
        "first 1000 TRAINING images": lambda init: _stats(init, xt, tt)[1][-1]["act_std"],
        "return one number": lambda init: [s["act_std"] for s in _stats(init, x, t)[1]],
    }
    for hint, answer in mistakes.items():
        outcome = run_check("03-why-stall", answer)
        assert outcome.passed is False and hint in outcome.message, (hint, outcome.message)


# ---------------------------------------------------------------- (c) the explorer

def test_init_weight_std():
    assert widgets.init_weight_std("std 1") == 1.0
    assert widgets.init_weight_std("std 0.01") == 0.01
    assert widgets.init_weight_std("He: √(2/n_in)") == pytest.approx(math.sqrt(0.02))
    assert widgets.init_weight_std("LeCun: 1/√n_in", width=400) == pytest.approx(0.05)
    assert widgets.init_weight_std("✘ He as in the notes: 2/√n") == pytest.approx(0.2)
    assert widgets.init_weight_std("✘ Glorot as in the notes: √(3/(n_in+n_out))") == pytest.approx(
        math.sqrt(3 / 200))
    with pytest.raises(ValueError, match="choose one of"):
        widgets.init_weight_std("xavier")


@pytest.mark.parametrize("activation, init, depth", [
    ("sigmoid", "std 1", 5), ("sigmoid", "std 0.01", 3), ("tanh", "Xavier/Glorot: √(2/(n_in+n_out))", 8),
    ("relu", "He: √(2/n_in)", 12), ("relu", "✘ He as in the notes: 2/√n", 10)])
def test_init_activations_shapes_and_statistics(activation, init, depth):
    layers, means, stds = widgets.init_activations(activation, init, depth)
    assert len(layers) == depth and means.shape == stds.shape == (depth,)
    assert all(a.shape == (1000, 100) and not a.flags.writeable for a in layers)
    np.testing.assert_allclose(stds, [a.std(dtype=np.float64) for a in layers], rtol=1e-6)
    np.testing.assert_allclose(means, [a.mean(dtype=np.float64) for a in layers], rtol=1e-6)
    assert widgets.init_activations(activation, init, depth)[0] is layers      # cached
    # same numbers as the plain diagnostics function with the same std
    spec = {"std 1": 1.0, "std 0.01": 0.01, "✘ He as in the notes: 2/√n": 0.2}.get(init)
    if spec is not None:
        again = diagnostics.forward_activations(activation, spec, depth=depth)
        np.testing.assert_array_equal(again[-1], layers[-1])


def test_init_activations_tell_the_story():
    _, _, he = widgets.init_activations("relu", "He: √(2/n_in)", 20)
    _, _, wrong = widgets.init_activations("relu", "✘ He as in the notes: 2/√n", 20)
    _, _, lecun = widgets.init_activations("relu", "LeCun: 1/√n_in", 20)
    assert 0.3 < he[-1] < 5 and wrong[-1] > 100 * he[-1] and lecun[-1] < 0.05 * he[-1]
    _, means, stds = widgets.init_activations("sigmoid", "std 0.01", 5)
    assert np.all(np.abs(means - 0.5) < 0.01) and np.all(stds < 0.03)


def test_init_activations_explosion_is_quiet_and_bad_input_is_named():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)      # numpy overflow, invalid value
        _, _, stds = widgets.init_activations("relu", "std 1", 20)
        fig = widgets.plot_init_activations("relu", "std 1", 20)
    assert 1e12 < stds[-1] < np.inf and f"std of layer 20 = {stds[-1]:.3g}" in fig._suptitle.get_text()
    with pytest.raises(ValueError, match="depth must be a positive integer"):
        widgets.init_activations("relu", "std 1", 0)
    with pytest.raises(ValueError, match="unknown initialisation"):
        widgets.init_activations("relu", "he", 5)


def test_shown_layers():
    assert widgets.shown_layers(1) == [1]
    assert widgets.shown_layers(5) == [1, 2, 3, 4, 5]
    for depth in (6, 11, 20):
        show = widgets.shown_layers(depth)
        assert len(show) == 5 and show[0] == 1 and show[-1] == depth and show == sorted(set(show))


def test_plot_init_activations_fits_and_shows_at_most_five_layers():
    fig = widgets.plot_init_activations("tanh", "std 1", 12)
    width, height = fig.get_size_inches()
    assert width <= 12.8 and height <= 3.8
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0] == "layer 1" and titles[-1] == "layer 12" and len(fig.axes) == 5
    assert "std of layer 12" in fig._suptitle.get_text()


def test_init_explorer_redraws_without_leaking_figures():
    plt.close("all")
    box = widgets.init_explorer()
    assert set(box.controls) == {"activation", "init", "depth"}
    assert box.controls["depth"].continuous_update is False
    assert box.output.draws == 1
    box.controls["activation"].value = "relu"
    box.controls["init"].value = "He: √(2/n_in)"
    box.controls["depth"].value = 12
    assert box.output.draws == 4
    assert plt.get_fignums() == []
