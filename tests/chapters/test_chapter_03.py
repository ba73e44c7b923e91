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
from claims import stale_quotes, unchecked  # noqa: E402
from notebook_run import NOTEBOOKS, run_notebook  # noqa: E402

CHAPTER = NOTEBOOKS / "solutions" / "03_weight_initialization.ipynb"
VARIABLES = ["symmetry", "saturated_std1", "saturated_share", "slope_std1", "std_small", "last_std",
             "saturation", "acc_500", "final_acc", "final_loss", "most_common_share", "grad_ratio",
             "relu_runs", "linear_runs", "dlfs_ratio", "first_std", "relu_stds", "tanh_stds", "gains", "spread",
             "he20", "he20_seeds"]


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


def test_first_picture(ch03):
    std1, small = ch03["first_std"]["std 1"], ch03["first_std"]["std 0.01"]
    assert all(0.4 < s < 0.5 for s in std1)                 # close to 0.5, the most a value in [0, 1] can have
    assert all(s < 0.03 for s in small) and all(s < 0.015 for s in small[1:])


def test_only_w1_equal_breaks_the_tie_and_zero_biases_are_fine(ch03):
    sym = ch03["symmetry"]
    one, random, random_b = sym["only W1 equal"], sym["random (Xavier)"], sym["random W, random b"]
    assert one["W1_diff"] > 0.5 and one["W2_diff"] > 0.5      # the columns drifted apart
    assert one["accuracy"] > 0.95 and abs(one["accuracy"] - random["accuracy"]) < 0.05
    assert sym["all weights 0.5"]["b1_spread"] < 1e-6       # tied units, tied biases
    assert random["b1_spread"] > 0.5                          # zero biases spread out on their own
    assert abs(random["accuracy"] - random_b["accuracy"]) < 0.02


def test_fan_in_steadies_forward_fan_out_backward(ch03):
    fi, fo = ch03["spread"]["fan_in (He default)"], ch03["spread"]["fan_out"]
    assert fi["act_std"] < 1.3 < 2 < fo["act_std"]
    assert fo["grad_std"] < 1.5 < 2 < fi["grad_std"]


def test_histogram_stds_per_layer(ch03):
    relu, tanh, s = ch03["relu_stds"], ch03["tanh_stds"], ch03["last_std"]
    factor = (relu["Xavier"][-1] / relu["Xavier"][0]) ** 0.25
    assert 0.6 < factor < 0.8                                 # about 1/√2 a layer
    assert 0.5 < relu["He"][-1] / relu["He"][0] < 2           # the same order
    assert tanh["He"][-1] > tanh["Xavier"][-1] and s["sigmoid"]["He"] > s["sigmoid"]["Xavier"]
    assert all(np.diff(tanh["Xavier"]) < 0)                   # Xavier's tanh bell narrows layer by layer


def test_gain_for_tanh_and_no_rescue_for_sigmoid(ch03):
    g = {tuple(k.strip("()").replace("'", "").split(", ")): v for k, v in ch03["gains"].items()}
    steady = {name: g["tanh", name]["act_std"][-1] / g["tanh", name]["act_std"][0] for name in
              ("Xavier", "He", "Xavier × 5/3 (tanh gain)")}
    assert steady["Xavier × 5/3 (tanh gain)"] > steady["Xavier"] + 0.2 and steady["He"] > steady["Xavier"] + 0.2
    assert g["tanh", "Xavier × 5/3 (tanh gain)"]["grad_ratio"] > 0.8
    assert g["tanh", "He"]["grad_ratio"] > 0.8
    assert max(g["sigmoid", name]["grad_ratio"] for name in ("Xavier", "He", "Xavier × 5/3 (tanh gain)")) < 0.05


def test_he_drifts_by_chance_over_20_layers(ch03):
    he, seeds = ch03["he20"], ch03["he20_seeds"]
    assert min(seeds) < he[0] < max(seeds)
    assert all(0.2 < v < 5 for v in seeds)


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
    assert ch03["grad_ratio"] < 1e-4


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


# ---------------------------------------------------------------- every claim printed or checked

QUOTED = {
    "the values pile up at 0 and 1": "test_std_1_saturates_the_sigmoid",
    "The activations' std stays close to 0.5": "test_first_picture",
    "every value is close to 0.5 with a tiny std": "test_first_picture",
    "The mean and std printed on each panel": "test_first_picture",
    "with *every* weight equal, the columns of $W_1$ and $W_2$": "test_equal_weights_stay_equal_random_weights_do_not",
    "The 16 units act as one": "test_equal_weights_stay_equal_random_weights_do_not",
    "With only $W_1$ equal, the random outgoing weights break the tie": "test_only_w1_equal_breaks_the_tie_and_zero_biases_are_fine",
    "starting the biases at 0 costs nothing here": "test_only_w1_equal_breaks_the_tie_and_zero_biases_are_fine",
    "Only with *equal weights* would zero biases keep the units tied": "test_only_w1_equal_breaks_the_tie_and_zero_biases_are_fine",
    "Some practitioners start ReLU biases at a small positive value": "test_only_w1_equal_breaks_the_tie_and_zero_biases_are_fine",
    "most values are saturated (the share is printed": "test_std_1_saturates_the_sigmoid",
    "every layer sits at 0.5 with a std of about a hundredth": "test_std_001_collapses_near_one_half",
    "A layer whose 100 units all output 0.5 ± 0.01": "test_std_001_collapses_near_one_half",
    "It is the symmetry problem again, almost": "test_std_001_collapses_near_one_half",
    "The fix: choose $\\sigma_w$ so that": "test_histogram_table",
    "LeCun and Glorot give the same $\\sigma_w$ = 0.1": "test_errata_numbers",
    "He's $\\sigma_w$ is always √2 times LeCun's": "test_errata_numbers",
    "Glorot's average fan $(n_{in}+n_{out})/2$ is the compromise": "test_fan_in_steadies_forward_fan_out_backward",
    "Xavier keeps a broad hump around 0.5 and saturates nothing": "test_histogram_table",
    "std 1 saturates most values; std 0.01 dies out": "test_histogram_stds_per_layer",
    "Xavier's variance halves each layer": "test_histogram_stds_per_layer",
    "With std 1 ReLU explodes instead": "test_histogram_table",
    "The **LeCun** and **Xavier** columns are identical": "test_histogram_table",
    "**He keeps more of the signal than Xavier**": "test_histogram_stds_per_layer",
    "for tanh, the gain 5/3 (or He's √2, close to it)": "test_gain_for_tanh_and_no_rescue_for_sigmoid",
    "std 0.01 stalls: its accuracy is *exactly* the share": "test_mnist_std_001_stalls_he_learns_fastest",
    "how they compare after 500 and 2000 steps is printed": "test_mnist_std_001_stalls_he_learns_fastest",
    "Every weight gradient of the std-0.01 net is below 10⁻⁴ of He's": "test_mnist_std_001_stalls_he_learns_fastest",
    "The weights hardly move in 2000 steps; only the output biases learn": "test_mnist_std_001_stalls_he_learns_fastest",
    "Exercise 3 asks you for the forward-pass number": "test_03_why_stall",
    "with √(2/n) the std stays of the same order for 20 layers": "test_he_drifts_by_chance_over_20_layers",
    "The notes' 2/√n multiplies the variance by 2 in every layer": "test_errata_numbers",
    "the notes' √(3/…) multiplies the variance by 1.5 a layer": "test_errata_numbers",
    "draws the first layer's weights a third larger": "test_errata_numbers",
    "Both work for sigmoid and tanh; just call 1/√n by its name": "test_gain_for_tanh_and_no_rescue_for_sigmoid",
    "**Units with equal incoming and outgoing weights never become different**": "test_only_w1_equal_breaks_the_tie_and_zero_biases_are_fine",
    "too large saturates sigmoid/tanh (or explodes ReLU)": "test_histogram_table",
    "fan-in mode steadies the forward signal, fan-out the backward one": "test_fan_in_steadies_forward_fan_out_backward",
    "Biases start at 0": "test_only_w1_equal_breaks_the_tie_and_zero_biases_are_fine",
    "On MNIST, std 0.01 stalls at the most common digit's share": "test_mnist_std_001_stalls_he_learns_fastest",
    "**The notes are wrong** on He": "test_errata_numbers",
}


def test_every_claim_is_printed_or_checked():
    assert not unchecked(CHAPTER, QUOTED) and not stale_quotes(CHAPTER, QUOTED)
    assert all(name in globals() for name in QUOTED.values())


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


# ---------------------------------------------------------------- (d) the chapter's experiment functions

from course_lib.experiments import ch03_weight_initialization as experiment  # noqa: E402


def test_scaled_normal_and_fan_out_draw_their_formula_std():
    rng = np.random.default_rng(0)
    W = experiment.scaled_normal("glorot_normal", 5 / 3)(400, 200, rng)
    assert W.shape == (400, 200) and W.std() == pytest.approx(5 / 3 * math.sqrt(2 / 600), rel=0.02)
    W = experiment.he_normal_fan_out(400, 200, rng)
    assert W.std() == pytest.approx(math.sqrt(2 / 200), rel=0.02)          # fan_out, not fan_in
    with pytest.raises(ValueError, match="gain must be > 0"):
        experiment.scaled_normal("glorot_normal", 0)


def test_signal_and_gradient_layout():
    r = experiment.signal_and_gradient("tanh", "glorot_normal", sizes=(20, 30, 30, 5), n=200)
    assert r["act_std"].shape == r["grad_std"].shape == (2,)
    assert r["grad_ratio"] == pytest.approx(r["grad_std"][0] / r["grad_std"][-1])
    again = experiment.signal_and_gradient("tanh", "glorot_normal", sizes=(20, 30, 30, 5), n=200)
    np.testing.assert_array_equal(r["act_std"], again["act_std"])          # seeded


def test_symmetry_run_ties_and_unties_units():
    x, t = data.make_circles(n=120, noise=0.1, seed=0)
    _, tied = experiment.symmetry_run("all weights 0.5", x, t, steps=50)
    _, half = experiment.symmetry_run("only W1 equal", x, t, steps=50)
    assert tied["column_diff"] == 0.0 and tied["moved"] > 0
    assert half["W1_diff"] > 1e-3                                           # the outgoing weights untie them
    with pytest.raises(ValueError, match="choose one of"):
        experiment.symmetry_run("all zeros", x, t)
