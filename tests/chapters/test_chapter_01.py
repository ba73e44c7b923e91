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
from notebook_run import NOTEBOOKS, run_notebook  # noqa: E402

SOLUTION = NOTEBOOKS / "solutions" / "01_vanishing_gradients.ipynb"
VARIABLES = ["grad_norms", "ratio", "sigma_prime_max", "sigma_prime_argmax", "sigma_prime_at_5",
             "bound", "largest", "median", "product_bound_holds", "shrink_per_layer", "explode_ratio",
             "diverged_step", "diverged_message", "clipped_final_loss", "clipped_test_acc",
             "largest_raw_norm"]


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
    assert exercises.ids("01") == ["01-clip-by-global-norm", "01-max-gradient-factor", "01-sigmoid-derivative"]


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
