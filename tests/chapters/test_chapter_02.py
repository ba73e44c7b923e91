"""Chapter 02 (activation functions): the key numbers of the solution notebook, the exercise
checkers, and the activation explorer with its compute function."""
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import activations, exercises, widgets  # noqa: E402
from course_lib.exercises import run_check  # noqa: E402
from claims import stale_quotes, unchecked  # noqa: E402
from notebook_run import NOTEBOOKS, run_notebook  # noqa: E402

SOLUTION = NOTEBOOKS / "solutions" / "02_activation_functions.ipynb"
VARIABLES = ["names", "slopes", "bent_checks", "acc_small_lr", "acc_large_lr", "dead_small_lr",
             "dead_large_lr", "accuracy_at_lr_01", "prelu_alpha", "selu_stats", "gelu_max_error",
             "gelu_error_at", "cost_us", "relu_vs_gelu", "gelu_errors", "gap_error", "misplaced_slopes",
             "dead_unit_gradient", "raw_back", "same_sign", "path_ratio", "layer_mean", "tanh_identity_error"]
NB = SOLUTION
FAMILIES = {"no gradient": ["step", "sign"],
            "saturating": ["sigmoid", "tanh", "softsign", "arctan", "gaussian"],
            "relu": ["relu", "threshold_relu", "leaky_relu", "prelu", "rrelu", "elu", "selu"],
            "smooth relu": ["softplus", "gelu", "swish", "mish"],
            "never flat": ["identity", "bent_identity"]}

QUOTED = {
    "**What you should see:** five families.": "test_the_five_families_partition_the_20_functions",
    "step and sign — f' = 0 everywhere except at 0": "test_the_five_families_partition_the_20_functions",
    "sigmoid, tanh, softsign, arctan, gaussian — f' → 0 for large |x|": "test_the_gallery_shows_all_20_functions",
    "slope 1 (SELU: λ ≈ 1.05) on the right (threshold ReLU only for x > θ: on (0, θ) its output and slope are 0)":
        "test_relu_family_slopes_and_threshold_relu_is_flat_below_theta",
    "≈ x on the right, ≈ 0 on the left, a smooth bend (with a small dip below 0 for GELU, Swish and Mish)":
        "test_smooth_relu_likes_dip_below_zero",
    "a stack of identity layers is just one linear map": "test_never_flat_functions_and_stacked_identities",
    "f(0) = 0 and f'(0) = 1, the slope tends to 0.5 and 1.5 far out": "test_bent_identity_erratum_numbers",
    "by √(x²+1)/2, which grows with |x|": "test_the_misplaced_bent_identity_differs_by_a_growing_gap",
    "With learning rate 0.1 most units of every hidden layer are dead": "test_a_too_large_learning_rate_kills_relu_units",
    "their weights get a zero gradient (printed above), so they can never come back":
        "test_dead_units_get_zero_gradient",
    "The real fix for a too-large learning rate is a smaller one (chapter 04).":
        "test_a_slope_on_the_left_trains_better_at_the_same_learning_rate",
    "mean ≈ 0 and std ≈ 1 at every one of the 60 layers": "test_selu_self_normalises_only_under_its_conditions",
    "the std grows layer after layer — the fixed point is lost": "test_selu_self_normalises_only_under_its_conditions",
    "With He weights the mean stays positive (about 0.5) and the std below 1":
        "test_selu_self_normalises_only_under_its_conditions",
    "SELU needs several layers to pull them back to (0, 1)": "test_raw_pixels_need_several_layers",
    "off by less than 10⁻⁶ on [−8, 8]": "test_float32_gelu_is_off_by_less_than_a_millionth",
    "The 20 functions fall into families": "test_the_five_families_partition_the_20_functions",
    "a too-large learning rate left most ReLU units dead and the accuracy collapsed":
        "test_a_slope_on_the_left_trains_better_at_the_same_learning_rate",
    "keeps mean ≈ 0 and std ≈ 1 through 60 layers": "test_selu_self_normalises_only_under_its_conditions",
    "GELU ≈ z·σ(1.702z) to within about 0.02, and the tanh form to within 0.001":
        "test_gelu_sigmoid_approximation_error",
    "(tanh = 2σ(2x) − 1) let a unit's weights move in different directions at one step":
        "test_zero_centred_inputs_avoid_the_zig_zag",
}


# ---------------------------------------------------------------- key numbers of the notebook

@pytest.fixture(scope="module")
def chapter():
    return run_notebook(SOLUTION, variables=VARIABLES)


def test_the_gallery_shows_all_20_functions(chapter):
    assert chapter["names"] == activations.names() and len(chapter["names"]) == 20
    slopes = chapter["slopes"]
    for name in ("sigmoid", "tanh", "softsign", "arctan", "gaussian"):          # saturating both sides
        assert max(abs(s) for s in slopes[name]) < 0.05, name
    for name in ("relu", "threshold_relu", "elu", "gelu"):                       # flat left, slope 1 right
        assert abs(slopes[name][0]) < 0.01 and slopes[name][1] == pytest.approx(1.0, abs=0.01), name
    assert slopes["step"] == [0.0, 0.0] and slopes["sign"] == [0.0, 0.0]


def test_bent_identity_erratum_numbers(chapter):
    checks = chapter["bent_checks"]
    assert checks["f(0)"] == 0.0 and checks["f'(0)"] == 1.0
    assert checks["f'(-1e4)"] == pytest.approx(0.5, abs=1e-6)
    assert checks["f'(+1e4)"] == pytest.approx(1.5, abs=1e-6)
    assert checks["library - formula"] < 1e-12
    assert checks["misplaced f(0)"] == pytest.approx(0.5)


def test_a_too_large_learning_rate_kills_relu_units(chapter):
    dead_large, dead_small = np.array(chapter["dead_large_lr"]), np.array(chapter["dead_small_lr"])
    assert dead_large.shape == dead_small.shape == (3,)
    assert dead_large.min() > 0.5 and dead_large.mean() > 0.7        # most units of every layer dead
    assert dead_small.max() < 0.25 and dead_small.mean() < 0.1
    assert chapter["acc_large_lr"] < 0.6 < 0.85 < chapter["acc_small_lr"]


def test_a_slope_on_the_left_trains_better_at_the_same_learning_rate(chapter):
    acc = chapter["accuracy_at_lr_01"]
    assert set(acc) == {"relu", "leaky_relu (α=0.1)", "elu (α=1)", "prelu", "rrelu"}
    for label, value in acc.items():
        if label != "relu":
            assert value > acc["relu"] + 0.15, label
            assert value < chapter["acc_small_lr"] + 0.02, label
    assert all(abs(a - 0.25) > 0.05 for a in chapter["prelu_alpha"])     # PReLU moved its slope ...
    assert all(a < 0.05 for a in chapter["prelu_alpha"])                 # ... to about 0 or below (printed)
    assert chapter["acc_large_lr"] < 0.5                                 # "collapsed"


def test_selu_self_normalises_only_under_its_conditions(chapter):
    stats = chapter["selu_stats"]
    good = stats["SELU, LeCun, standardised"]
    assert len(good["mean"]) == 60
    assert max(abs(m) for m in good["mean"]) < 0.25
    assert all(0.8 < s < 1.2 for s in good["std"])
    he = stats["SELU, He, standardised"]["std"]
    assert he[-1] > 5 and he[-1] > 3 * he[9]                    # drifts away, layer after layer
    assert all(he[l + 10] > he[l] for l in range(50))
    assert all(0.25 < m < 0.75 for m in stats["ReLU, He, standardised"]["mean"])   # "about 0.5"
    assert max(stats["ReLU, He, standardised"]["std"]) < 1
    relu_he = stats["ReLU, He, standardised"]
    assert min(relu_he["mean"]) > 0.2                            # ReLU never centres its outputs
    assert stats["ReLU, LeCun, standardised"]["std"][-1] < 0.01  # ... and collapses with LeCun weights
    raw = stats["SELU, LeCun, raw pixels"]["std"]
    assert raw[0] < 0.6 and 0.8 < raw[-1] < 1.2                  # off at first, pulled back later


def test_gelu_sigmoid_approximation_error(chapter):
    assert 0.015 < chapter["gelu_max_error"] < 0.025                     # "about 0.02"
    assert chapter["gelu_errors"]["z·σ(1.702 z)"] == chapter["gelu_max_error"]
    assert 1e-4 < chapter["gelu_errors"]["tanh form"] < 1e-3              # "within 0.001"
    assert 1.5 < chapter["gelu_error_at"]["z·σ(1.702 z)"] < 3.0


def test_the_five_families_partition_the_20_functions(chapter):
    assert sorted(sum(FAMILIES.values(), [])) == sorted(chapter["names"]) and len(FAMILIES) == 5
    slopes = chapter["slopes"]
    x = np.array([-3.0, -0.5, 0.5, 3.0])
    for name in FAMILIES["no gradient"]:
        assert slopes[name] == [0.0, 0.0] and np.all(activations.get(name).derivative(x) == 0), name


def test_relu_family_slopes_and_threshold_relu_is_flat_below_theta(chapter):
    slopes = chapter["slopes"]
    for name in FAMILIES["relu"]:
        assert slopes[name][1] == pytest.approx(1.0507 if name == "selu" else 1.0, abs=0.01), name
        assert 0 <= slopes[name][0] < (0.3 if name in ("prelu", "rrelu") else 0.02), name   # PReLU starts at α = 0.25
    assert slopes["relu"][0] == slopes["threshold_relu"][0] == 0.0
    theta_relu = activations.get("threshold_relu", theta=1.0)
    inside = np.array([0.2, 0.5, 0.9])
    assert np.all(theta_relu(inside) == 0) and np.all(theta_relu.derivative(inside) == 0)
    assert theta_relu.derivative(np.array([1.5]))[0] == 1.0


def test_smooth_relu_likes_dip_below_zero():
    x = np.linspace(-6, 6, 1201)
    for name in FAMILIES["smooth relu"]:
        f = activations.get(name)(x)
        assert abs(f[-1] - 6) < 0.05 and abs(f[0]) < 0.05, name          # ≈ x right, ≈ 0 left
        assert (f.min() < -0.1) == (name != "softplus"), name           # a dip below 0 except softplus


def test_never_flat_functions_and_stacked_identities():
    x = np.linspace(-100, 100, 2001)
    for name in FAMILIES["never flat"]:
        assert activations.get(name).derivative(x).min() >= 0.5, name
    rng = np.random.default_rng(0)
    W1, W2, a = rng.standard_normal((4, 3)), rng.standard_normal((3, 2)), rng.standard_normal((5, 4))
    identity = activations.get("identity")
    np.testing.assert_allclose(identity(identity(a @ W1) @ W2), a @ (W1 @ W2))


def test_the_misplaced_bent_identity_differs_by_a_growing_gap(chapter):
    assert chapter["gap_error"] < 1e-12
    assert chapter["misplaced_slopes"] == [0.0, 2.0]


def test_dead_units_get_zero_gradient(chapter):
    assert chapter["dead_unit_gradient"] == 0.0
    assert chapter["dead_large_lr"][0] > 0.5                  # there were dead units to look at


def test_raw_pixels_need_several_layers(chapter):
    assert 3 <= chapter["raw_back"] <= 20
    assert chapter["selu_stats"]["SELU, LeCun, raw pixels"]["std"][0] < 0.6


def test_float32_gelu_is_off_by_less_than_a_millionth():
    z = np.linspace(-8, 8, 16001)
    exact, fast = activations.get("gelu")(z), activations.get("gelu")(z.astype(np.float32))
    assert fast.dtype == np.float32 and np.max(np.abs(fast - exact)) < 1e-6


def test_zero_centred_inputs_avoid_the_zig_zag(chapter):
    assert chapter["tanh_identity_error"] < 1e-12
    pos, cen = chapter["same_sign"]["inputs in (0, 1)"], chapter["same_sign"]["centred inputs"]
    assert pos == 1.0 and cen < 0.7
    assert chapter["path_ratio"]["inputs in (0, 1)"] > 1.5 * chapter["path_ratio"]["centred inputs"]
    assert chapter["layer_mean"]["sigmoid"] > 0.3 and abs(chapter["layer_mean"]["tanh"]) < 0.1


def test_gelu_tanh_is_the_tanh_formula_and_close_to_exact_gelu():
    z = np.linspace(-5, 5, 101)
    formula = 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * (z + 0.044715 * z ** 3)))
    np.testing.assert_allclose(activations.gelu_tanh(z), formula, rtol=1e-12, atol=1e-15)
    assert np.max(np.abs(activations.gelu_tanh(z) - activations.get("gelu")(z))) < 1e-3
    assert activations.gelu_tanh(np.float32(1.0)).dtype == np.float32


def test_every_claim_is_printed_or_checked():
    assert not unchecked(NB, QUOTED) and not stale_quotes(NB, QUOTED)
    assert all(name in globals() for name in QUOTED.values())


def test_every_function_was_timed_and_exact_gelu_is_far_dearer_than_relu(chapter):
    cost = chapter["cost_us"]
    assert set(activations.names()) < set(cost) and len(cost) == len(activations.names()) + 2   # and two GELU approximations
    assert all(math.isfinite(v) and v > 0 for v in cost.values())
    assert chapter["relu_vs_gelu"] > 5


# ---------------------------------------------------------------- checkers

def elu(x, alpha=1.0):
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def elu_derivative(x, alpha=1.0):
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0)))


def leaky_relu(x, alpha):
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, alpha * x)


def test_checkers_pass_the_solutions_and_the_library():
    assert run_check("02-elu", elu).passed is True
    assert run_check("02-elu", lambda x, alpha=1.0: activations.get("elu", alpha=alpha)(x)).passed is True
    assert run_check("02-elu-derivative", elu_derivative).passed is True
    assert run_check("02-elu-derivative",
                     lambda x, alpha=1.0: activations.get("elu", alpha=alpha).derivative(x)).passed is True
    assert run_check("02-leaky-relu", leaky_relu).passed is True
    assert run_check("02-leaky-relu", lambda x, a: activations.get("leaky_relu", alpha=a)(x)).passed is True


def _naive_elu(x, alpha=1.0):          # right values, but computes e^1000 (warnings, not nan)
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, alpha * (np.exp(x) - 1))


def test_elu_checker_accepts_the_naive_but_correct_formula():
    with np.errstate(all="ignore"):
        assert run_check("02-elu", _naive_elu).passed is True


ELU_MISTAKES = {
    "no −1": (lambda x, alpha=1.0: np.where(np.asarray(x) > 0, x, alpha * np.exp(x)), "−1 is missing"),
    "no alpha": (lambda x, alpha=1.0: np.where(np.asarray(x) > 0, x, np.expm1(np.minimum(x, 0))), "ignores alpha"),
    "relu": (lambda x, alpha=1.0: np.maximum(x, 0), "ReLU-like"),
    "leaky": (lambda x, alpha=1.0: np.where(np.asarray(x) > 0, x, alpha * np.asarray(x)), "ReLU-like"),
    "positive scaled": (lambda x, alpha=1.0: alpha * np.where(np.asarray(x) > 0, x, np.expm1(np.minimum(x, 0))),
                        "ELU is x itself"),
    "if instead of where": (lambda x, alpha=1.0: x if x > 0 else alpha * (np.exp(x) - 1), "np.where"),
    "math.exp": (lambda x, alpha=1.0: np.where(np.asarray(x) > 0, x, alpha * (math.exp(x) - 1)), "np.exp"),
    "nan far left": (lambda x, alpha=1.0: np.where(np.asarray(x) > 0, x, alpha * (np.exp(x) - 1) * np.exp(-x) * np.exp(x)),
                     "min(x, 0)"),
}


@pytest.mark.parametrize("name", list(ELU_MISTAKES))
def test_elu_checker_catches_common_mistakes(name):
    func, hint = ELU_MISTAKES[name]
    with np.errstate(all="ignore"):
        outcome = run_check("02-elu", func)
    assert outcome.passed is False and hint in outcome.message, outcome.message


ELU_DERIVATIVE_MISTAKES = {
    "the function itself": (lambda x, alpha=1.0: np.where(np.asarray(x) > 0, 1.0, alpha * np.expm1(np.minimum(x, 0))),
                            "the function, not its slope"),
    "relu slope": (lambda x, alpha=1.0: (np.asarray(x) > 0).astype(float), "ReLU's derivative"),
    "leaky slope": (lambda x, alpha=1.0: np.where(np.asarray(x) > 0, 1.0, alpha), "LeakyReLU's slope"),
    "no alpha": (lambda x, alpha=1.0: np.where(np.asarray(x) > 0, 1.0, np.exp(np.minimum(x, 0))), "ignores alpha"),
    "right side x": (lambda x, alpha=1.0: np.where(np.asarray(x) > 0, x, alpha * np.exp(np.minimum(x, 0))), "slope 1"),
    "overflow": (lambda x, alpha=1.0: np.where(np.asarray(x) > 0, 1.0, alpha * np.exp(x) * np.exp(x) / np.exp(x)),
                 "exponentiate"),
}


@pytest.mark.parametrize("name", list(ELU_DERIVATIVE_MISTAKES))
def test_elu_derivative_checker_catches_common_mistakes(name):
    func, hint = ELU_DERIVATIVE_MISTAKES[name]
    with np.errstate(all="ignore"):
        outcome = run_check("02-elu-derivative", func)
    assert outcome.passed is False and hint in outcome.message, outcome.message


LEAKY_MISTAKES = {
    "max(αx, x)": (lambda x, a: np.maximum(a * np.asarray(x), x), "max(αx, x)"),
    "slope on positives": (lambda x, a: np.where(np.asarray(x) > 0, a * np.asarray(x), a * np.asarray(x)),
                           "positive inputs by α"),
    "relu": (lambda x, a: np.maximum(x, 0), "plain ReLU"),
    "swapped": (lambda x, a: np.where(np.asarray(x) > 0, a * np.asarray(x), x), "positive inputs by α"),
    "elu instead": (lambda x, a: np.where(np.asarray(x) > 0, x, a * np.expm1(np.minimum(x, 0))), "α·x"),
}


@pytest.mark.parametrize("name", list(LEAKY_MISTAKES))
def test_leaky_relu_checker_catches_common_mistakes(name):
    func, hint = LEAKY_MISTAKES[name]
    outcome = run_check("02-leaky-relu", func)
    assert outcome.passed is False and hint in outcome.message, outcome.message


def test_not_done_yet():
    def todo(*args):
        raise NotImplementedError
    for exercise_id in exercises.ids("02"):
        assert run_check(exercise_id, todo).passed is None


def test_chapter_02_exercises_are_registered():
    assert exercises.ids("02") == ["02-elu", "02-elu-derivative", "02-leaky-relu"]


# ---------------------------------------------------------------- explorer

def test_activation_curves_pass_the_parameters():
    x = np.array([-2.0, -0.5, 0.5, 2.0])
    curves = widgets.activation_curves(["elu", "leaky_relu", "threshold_relu", "swish", "tanh"],
                                       alpha=0.5, theta=1.0, beta=2.0, x=x)
    assert list(curves) == ["elu (α=0.5)", "leaky_relu (α=0.5)", "threshold_relu (θ=1)", "swish (β=2)", "tanh"]
    _, f, d = curves["elu (α=0.5)"]
    np.testing.assert_allclose(f, [0.5 * np.expm1(-2), 0.5 * np.expm1(-0.5), 0.5, 2.0])
    np.testing.assert_allclose(d, [0.5 * np.exp(-2), 0.5 * np.exp(-0.5), 1, 1])
    np.testing.assert_allclose(curves["leaky_relu (α=0.5)"][1], [-1.0, -0.25, 0.5, 2.0])
    np.testing.assert_allclose(curves["threshold_relu (θ=1)"][1], [0, 0, 0, 2.0])
    np.testing.assert_allclose(curves["swish (β=2)"][1], x / (1 + np.exp(-2 * x)))
    np.testing.assert_allclose(curves["tanh"][2], 1 - np.tanh(x) ** 2)


def test_activation_curves_default_grid_and_single_name():
    curves = widgets.activation_curves("gelu")
    ((label, (x, f, d)),) = curves.items()
    assert label == "gelu" and x.shape == f.shape == d.shape == (401,) and x[0] == -4 and x[-1] == 4
    assert widgets.activation_curves([]) == {}
    with pytest.raises(ValueError, match="Did you mean"):
        widgets.activation_curves(["rleu"])


@pytest.mark.parametrize("names", [["relu"], ["elu", "selu", "gelu", "mish", "softplus", "sigmoid"], []])
def test_plot_activation_curves_fits_a_slide(names):
    fig = widgets.plot_activation_curves(widgets.activation_curves(names), title="t")
    width, height = fig.get_size_inches()
    assert width <= 12.8 and height <= 3.8
    assert len(fig.axes[0].lines) == 2 + 2 * len(names)          # two axis lines + f and f' per function
    fig.canvas.draw()


def test_activation_explorer_redraws_every_control_without_leaking_figures():
    plt.close("all")
    box = widgets.activation_explorer()
    assert set(box.controls) == {"names", "alpha", "theta", "beta"}
    assert box.output.draws == 1
    box.controls["names"].value = ("elu", "swish")
    box.controls["alpha"].value = 1.5
    box.controls["theta"].value = -1.0
    box.controls["beta"].value = 1.702
    assert box.output.draws == 5
    assert plt.get_fignums() == []
