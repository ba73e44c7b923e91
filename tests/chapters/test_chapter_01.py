"""Chapter 01 (vanishing and exploding gradients): the key numbers of the solution notebook,
the exercise checkers, and the gradient explorer with its compute function."""
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import exercises, widgets  # noqa: E402
from course_lib.exercises import run_check  # noqa: E402
from claims import stale_quotes, unchecked  # noqa: E402
from notebook_run import NOTEBOOKS, run_notebook  # noqa: E402

SOLUTION = NOTEBOOKS / "solutions" / "01_vanishing_gradients.ipynb"
VARIABLES = ["grad_norms", "ratio", "sigma_prime_max", "sigma_prime_argmax", "sigma_prime_at_5",
             "bound", "largest", "median", "product_bound_holds", "shrink_per_layer", "explode_ratio",
             "diverged_step", "diverged_message", "clipped_final_loss", "clipped_test_acc",
             "largest_raw_norm", "diverged_grad_norms", "first_raw_norm", "smallest_raw_norm", "mean_slope",
             "weights_factor", "z_std", "cosine", "skip_norms", "skip_ratio", "skip_gain"]
NB = SOLUTION

QUOTED = {
    "every layer closer to the input gets a few times less gradient than the one after it, and the first layer "
    "gets only a few millionths": "test_each_layer_nearer_the_input_gets_a_few_times_less",
    "With tanh and ReLU the bars stay level, within a small factor.": "test_tanh_and_relu_bars_stay_level",
    "the layers far from the output learn orders of magnitude more slowly": "test_each_layer_nearer_the_input_gets_a_few_times_less",
    "σ' peaks at exactly ¼, at x = 0": "test_sigmoid_slope_peaks_at_a_quarter_at_zero",
    "it passes almost no gradient back": "test_sigmoid_slope_peaks_at_a_quarter_at_zero",
    "the largest product never crosses (¼)ᵏ": "test_products_of_k_slopes_never_exceed_a_quarter_to_the_k",
    "After 10 layers even the best case leaves about a millionth of the gradient.":
        "test_after_ten_layers_the_best_case_leaves_about_a_millionth",
    "sigmoid's ratio is nearly a million times smaller than tanh's and ReLU's, whose ratios are of order 1.":
        "test_sigmoid_ratio_is_nearly_a_million_times_smaller",
    "This is why ReLU replaced the sigmoid in deep networks (chapter 02)": "test_the_chapters_it_points_to_exist",
    "with g = 4 the gradient norms *grow* towards the input, by a factor of ten or more":
        "test_large_weights_make_the_gradient_grow_towards_the_input",
    "the gradient norm grows by orders of magnitude from one step to the next and the loss becomes NaN after only "
    "a few updates": "test_the_diverging_run_grows_by_orders_of_magnitude_per_step",
    "The message says at which step, with which learning rate, and what to try":
        "test_the_unclipped_run_diverges_and_the_clipped_one_stays_finite",
    "the unclipped run died within a few steps; the clipped run stays finite for all 300 updates":
        "test_the_clipped_run_started_over_a_hundred_times_above_the_threshold_and_stayed_above",
    "is fixed by a good initialisation (chapter 03) or batch normalisation (chapter 05)": "test_the_chapters_it_points_to_exist",
    "a product of many factors **vanishes** when they are below 1 and **explodes** when they are above 1":
        "test_large_weights_make_the_gradient_grow_towards_the_input",
    "measured in a 10-layer net, the first layer got a few millionths": "test_each_layer_nearer_the_input_gets_a_few_times_less",
    "Tanh and ReLU (with weights of the right scale) kept the ratio near 1.":
        "test_sigmoid_gradient_vanishes_tanh_and_relu_keep_it",
    "keeps the run finite and keeps the step's direction, which clipping by value does not":
        "test_clipping_by_norm_keeps_the_direction_and_by_value_turns_it",
    "the deep sigmoid network's first layer is no longer starved": "test_skips_feed_the_first_layer",
}


# ---------------------------------------------------------------- key numbers of the notebook

@pytest.fixture(scope="module")
def chapter():
    return run_notebook(SOLUTION, variables=VARIABLES)


def test_sigmoid_slope_peaks_at_a_quarter_at_zero(chapter):
    assert chapter["sigma_prime_max"] == pytest.approx(0.25, abs=1e-6)
    assert chapter["sigma_prime_argmax"] == 0.0
    assert chapter["sigma_prime_at_5"] < 0.01


def test_products_of_k_slopes_never_exceed_a_quarter_to_the_k(chapter):
    bound, largest, median = (np.array(chapter[k]) for k in ("bound", "largest", "median"))
    np.testing.assert_allclose(bound, 0.25 ** np.arange(1, 11))
    assert chapter["product_bound_holds"] is True
    assert np.all(largest <= bound) and np.all(largest > 0.5 * bound)   # close to the bound, never over
    assert np.all(median < largest) and median[-1] < 0.3 * bound[-1]


def test_sigmoid_gradient_vanishes_tanh_and_relu_keep_it(chapter):
    ratio = chapter["ratio"]
    assert set(ratio) == {"sigmoid", "tanh", "relu"}
    assert ratio["sigmoid"] < 1e-4                      # first layer gets < 1e-4 of the last layer
    for act in ("tanh", "relu"):
        assert 0.3 < ratio[act] < 10, act
    norms = np.array(chapter["grad_norms"]["sigmoid"])
    assert norms.shape == (10,) and np.all(np.diff(norms) > 0)   # shrinking at every layer towards the input
    assert 0.15 < chapter["shrink_per_layer"] < 0.35              # close to the sigmoid's ¼


def test_large_weights_make_the_gradient_grow_towards_the_input(chapter):
    ratios = chapter["explode_ratio"]
    small, large = ratios["tanh, std 1/√n"], ratios["tanh, std 4/√n"]
    assert small < 5 and large > 10 and large > 5 * small


def test_the_unclipped_run_diverges_and_the_clipped_one_stays_finite(chapter):
    assert 0 <= chapter["diverged_step"] < 20
    assert "loss became" in chapter["diverged_message"] and "clip_norm" in chapter["diverged_message"]
    assert math.isfinite(chapter["clipped_final_loss"]) and chapter["clipped_final_loss"] < 1.5
    assert chapter["clipped_test_acc"] > 0.6
    assert chapter["largest_raw_norm"] > 10       # clipping at 1 really acted


def test_each_layer_nearer_the_input_gets_a_few_times_less(chapter):
    norms = np.array(chapter["grad_norms"]["sigmoid"])
    factors = norms[1:] / norms[:-1]                        # layer l+1 : layer l
    assert np.all((factors > 2) & (factors < 10)), factors   # "a few times less" at every layer
    assert 1e-6 < chapter["ratio"]["sigmoid"] < 1e-5          # "a few millionths"; orders of magnitude


def test_tanh_and_relu_bars_stay_level(chapter):
    for act in ("tanh", "relu"):
        norms = np.array(chapter["grad_norms"][act])
        assert norms.max() / norms.min() < 5, act


def test_after_ten_layers_the_best_case_leaves_about_a_millionth(chapter):
    assert 0.5e-6 < chapter["bound"][-1] < 2e-6 and 0.5e-6 < chapter["largest"][-1] < 2e-6


def test_the_real_network_is_close_to_the_best_case_slope(chapter):
    assert 0.2 < chapter["mean_slope"] < 0.25                   # LeCun weights: z small, σ' just below ¼
    assert chapter["z_std"] < 0.6
    assert 0.9 < chapter["weights_factor"] < 1.2                # the weights roughly preserve the gradient
    assert chapter["shrink_per_layer"] == pytest.approx(chapter["mean_slope"] * chapter["weights_factor"])


def test_sigmoid_ratio_is_nearly_a_million_times_smaller(chapter):
    ratio = chapter["ratio"]
    times = [ratio[act] / ratio["sigmoid"] for act in ("tanh", "relu")]
    assert all(3e5 < t < 2e6 for t in times), times
    assert all(0.3 < ratio[act] < 10 for act in ("tanh", "relu"))


def test_the_chapters_it_points_to_exist():
    for name in ("02_activation_functions", "03_weight_initialization", "05_batch_normalization"):
        assert (NB.parent / f"{name}.ipynb").exists(), name


def test_the_diverging_run_grows_by_orders_of_magnitude_per_step(chapter):
    norms = np.array(chapter["diverged_grad_norms"])
    assert len(norms) >= 2 and np.all(norms[1:] / norms[:-1] > 10), norms
    assert chapter["diverged_step"] <= 5
    message = chapter["diverged_message"]
    assert all(part in message for part in ("at step", "learning rate", "clip", "weight scale", "batch normalisation"))


def test_the_clipped_run_started_over_a_hundred_times_above_the_threshold_and_stayed_above(chapter):
    assert chapter["first_raw_norm"] > 100 * 1.0 and chapter["smallest_raw_norm"] > 1.0   # every step cut to lr·c
    assert math.isfinite(chapter["clipped_final_loss"]) and chapter["clipped_test_acc"] > 0.6


def test_clipping_by_norm_keeps_the_direction_and_by_value_turns_it(chapter):
    cosine = chapter["cosine"]
    assert cosine["by norm, c = 1"] == pytest.approx(1.0, abs=1e-6)
    assert cosine["by value, c = 0.01"] < 0.9


def test_skips_feed_the_first_layer(chapter):
    norms = {k: np.array(v) for k, v in chapter["skip_norms"].items()}
    assert chapter["skip_ratio"]["plain"] < 1e-4 and chapter["skip_ratio"]["with skips"] > 1e-2
    assert chapter["skip_gain"] > 1e4
    assert norms["with skips"].min() > 1e3 * norms["plain"].min()


def test_every_claim_is_printed_or_checked():
    assert not unchecked(NB, QUOTED) and not stale_quotes(NB, QUOTED)
    assert all(name in globals() for name in QUOTED.values())


# ---------------------------------------------------------------- checkers

def _sigmoid(x):
    return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))


def sigmoid_derivative(x):
    x = np.asarray(x, dtype=float)
    with np.errstate(over="ignore"):
        s = 1 / (1 + np.exp(-x))
    return s * (1 - s)


def _wrong_sigmoid_derivatives():
    import math as m

    def plus(x):
        s = _sigmoid(x)
        return s * (1 + s)

    def of_x(x):
        x = np.asarray(x, dtype=float)
        return x * (1 - x)

    def sigmoid_itself(x):
        return _sigmoid(x)

    def unstable(x):
        x = np.asarray(x, dtype=float)
        return np.exp(-x) / (1 + np.exp(-x)) ** 2

    def scalar_only(x):
        s = 1 / (1 + m.exp(-x))
        return s * (1 - s)

    def summed(x):
        s = _sigmoid(x)
        return np.sum(s * (1 - s), axis=-1)

    return {"σ(1+σ)": (plus, "1 − σ(x)"), "x(1−x)": (of_x, "applied to σ(x), not to x"),
            "σ itself": (sigmoid_itself, "not its derivative"), "e^-x/(1+e^-x)²": (unstable, "nan"),
            "math.exp": (scalar_only, "np.exp"), "summed": (summed, "shape")}


def test_sigmoid_derivative_checker_passes_the_solution_and_the_library():
    from course_lib import activations
    assert run_check("01-sigmoid-derivative", sigmoid_derivative).passed is True
    assert run_check("01-sigmoid-derivative", activations.get("sigmoid").derivative).passed is True


@pytest.mark.parametrize("name", list(_wrong_sigmoid_derivatives()))
def test_sigmoid_derivative_checker_catches_common_mistakes(name):
    func, hint = _wrong_sigmoid_derivatives()[name]
    with np.errstate(all="ignore"):
        outcome = run_check("01-sigmoid-derivative", func)
    assert outcome.passed is False
    assert hint in outcome.message, outcome.message


def test_sigmoid_derivative_checker_not_done():
    def todo(x):
        raise NotImplementedError
    assert run_check("01-sigmoid-derivative", todo).passed is None


@pytest.mark.parametrize("wrong, hint", [
    (lambda k: 0.5 ** k, "σ(0)"),
    (lambda k: 0.25 * k, "multiplies"),
    (lambda k: 0.25 ** (k - 1), "off by one"),
    (lambda k: 0.25 ** (k + 1), "off by one"),
    (lambda k: 1.0 if k == 0 else 0.2 ** k, "(¼)^k"),
    (lambda k: [0.25 ** k], "one number"),
])
def test_max_gradient_factor_checker(wrong, hint):
    assert run_check("01-max-gradient-factor", lambda k: 0.25 ** k).passed is True
    outcome = run_check("01-max-gradient-factor", wrong)
    assert outcome.passed is False and hint in outcome.message, outcome.message


def clip_by_global_norm(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return {k: g * scale for k, g in grads.items()}


def _clip_mistakes():
    def elementwise(grads, c):
        return {k: np.clip(g, -c, c) for k, g in grads.items()}

    def per_array(grads, c):
        return {k: g * min(1.0, c / np.linalg.norm(g)) for k, g in grads.items()}

    def always(grads, c):
        norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
        return {k: g * c / norm for k, g in grads.items()}

    def squared(grads, c):
        norm2 = sum(np.sum(g ** 2) for g in grads.values())
        return {k: g * min(1.0, c / norm2) for k, g in grads.items()}

    def in_place_none(grads, c):
        norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
        for g in grads.values():
            g *= min(1.0, c / norm)

    def only_weights(grads, c):
        return {k: g for k, g in grads.items() if k.startswith("W")}

    return {"np.clip": (elementwise, "np.clip"), "per array": (per_array, "its own norm"),
            "always rescale": (always, "scaled UP"), "norm squared": (squared, "square root"),
            "returns None": (in_place_none, "return a dict"), "drops keys": (only_weights, "keys")}


def test_clip_checker_passes_the_solution_and_the_library_function():
    from course_lib.training import clip_by_global_norm as library

    def via_library(grads, c):
        grads = {k: g.copy() for k, g in grads.items()}
        library(grads, c)
        return grads

    assert run_check("01-clip-by-global-norm", clip_by_global_norm).passed is True
    assert run_check("01-clip-by-global-norm", via_library).passed is True


@pytest.mark.parametrize("name", list(_clip_mistakes()))
def test_clip_checker_catches_common_mistakes(name):
    func, hint = _clip_mistakes()[name]
    outcome = run_check("01-clip-by-global-norm", func)
    assert outcome.passed is False
    assert hint in outcome.message, outcome.message


def test_chapter_01_exercises_are_registered():
    assert exercises.ids("01") == ["01-clip-by-global-norm", "01-layers-to-vanish", "01-max-gradient-factor",
                                   "01-sigmoid-derivative"]


def layers_to_vanish(fraction):
    if not 0 < fraction <= 1:
        raise ValueError("fraction must be in (0, 1]")
    return math.ceil(math.log(1 / fraction) / math.log(4) - 1e-12)


@pytest.mark.parametrize("wrong, hint", [
    (lambda f: math.log(1 / f) / math.log(4), "round up"),
    (lambda f: math.ceil(math.log(1 / f) / math.log(2)), "σ(0)"),
    (lambda f: layers_to_vanish(f) + 1, "off by one"),
    (lambda f: max(layers_to_vanish(f) - 1, 0) if f < 1 else 0, "off by one"),
    (lambda f: [layers_to_vanish(f)], "one whole number"),
    (lambda f: 0 if f > 1 or f <= 0 else layers_to_vanish(f), "ValueError"),
])
def test_layers_to_vanish_checker(wrong, hint):
    assert run_check("01-layers-to-vanish", layers_to_vanish).passed is True
    outcome = run_check("01-layers-to-vanish", wrong)
    assert outcome.passed is False and hint in outcome.message, outcome.message


# ---------------------------------------------------------------- explorer

@pytest.mark.parametrize("depth", [2, 5, 10, 20])
def test_gradient_norm_profile_has_one_norm_per_layer(depth):
    norms = widgets.gradient_norm_profile(depth, "tanh", 1.0)
    assert norms.shape == (depth,) and np.all(np.isfinite(norms)) and np.all(norms > 0)


def test_gradient_norm_profile_vanishes_for_sigmoid_and_explodes_for_large_tanh_weights():
    sig = widgets.gradient_norm_profile(10, "sigmoid", 1.0)
    assert sig[0] / sig[-1] < 1e-4
    deeper = widgets.gradient_norm_profile(20, "sigmoid", 1.0)
    assert deeper[0] / deeper[-1] < 1e-3 * sig[0] / sig[-1]           # ten more layers: far less
    big = widgets.gradient_norm_profile(10, "tanh", 4.0)
    assert big[0] / big[-1] > 10
    relu = {g: widgets.gradient_norm_profile(10, "relu", g) for g in (1.0, math.sqrt(2), 2.0)}
    assert relu[1.0].max() < relu[math.sqrt(2)].max() < relu[2.0].max()   # every layer grows with g


def test_gradient_norm_profile_is_seeded_and_returns_copies():
    a = widgets.gradient_norm_profile(8, "relu", 1.41)
    a[:] = -1
    b = widgets.gradient_norm_profile(8, "relu", 1.41)
    assert np.all(b > 0)
    np.testing.assert_array_equal(b, widgets.gradient_norm_profile(8, "relu", 1.41))


def test_gradient_norm_profile_matches_the_notebooks_network():
    from course_lib import data, diagnostics
    from course_lib.network import MLP
    (x, t), _ = data.load_mnist()
    rows = np.random.default_rng(0).choice(len(x), 200, replace=False)
    net = MLP([784] + [100] * 9 + [10], activation="tanh", init="lecun_normal", seed=0)
    np.testing.assert_allclose(widgets.gradient_norm_profile(10, "tanh", 1.0),
                               diagnostics.gradient_norms(net, x[rows], t[rows]), rtol=1e-5)


def test_scaled_init_has_std_g_over_root_n():
    rng = np.random.default_rng(1)
    W = widgets.scaled_init(3.0)(400, 300, rng)
    assert W.shape == (400, 300)
    assert W.std() == pytest.approx(3.0 / 20.0, rel=0.02)


@pytest.mark.parametrize("bad", [dict(depth=1), dict(depth=3.5), dict(activation="sigmod"),
                                 dict(weight_scale=0.0), dict(weight_scale=float("nan"))])
def test_gradient_norm_profile_rejects_bad_input(bad):
    args = dict(depth=5, activation="relu", weight_scale=1.0) | bad
    with pytest.raises(ValueError):
        widgets.gradient_norm_profile(**args)


@pytest.mark.parametrize("activation, scale", [("sigmoid", 1.0), ("relu", 0.25), ("relu", 6.0)])
def test_plot_gradient_profile_fits_a_slide_even_for_underflow(activation, scale):
    norms = widgets.gradient_norm_profile(30, activation, scale)
    fig = widgets.plot_gradient_profile(norms, activation, scale)
    width, height = fig.get_size_inches()
    assert width <= 12.8 and height <= 3.8
    assert activation in fig.axes[0].get_title()
    fig.canvas.draw()


def test_gradient_explorer_redraws_every_control_without_leaking_figures():
    plt.close("all")
    box = widgets.gradient_explorer()
    assert set(box.controls) == {"depth", "activation", "weight_scale"}
    assert box.output.draws == 1
    box.controls["depth"].value = 15
    box.controls["activation"].value = "tanh"
    box.controls["weight_scale"].value = 4.0
    assert box.output.draws == 4
    assert plt.get_fignums() == []
