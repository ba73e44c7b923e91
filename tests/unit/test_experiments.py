"""Unit tests of course_lib.experiments: each chapter's train-and-measure functions, small and fast
(the chapter tests check the same functions at the notebooks' sizes)."""
import numpy as np
import pytest

from course_lib import data, optimizers, surfaces
from course_lib.experiments import _shared
from course_lib.experiments import ch01_vanishing_gradients as ch01
from course_lib.experiments import ch02_activation_functions as ch02
from course_lib.experiments import ch03_weight_initialization as ch03
from course_lib.experiments import ch04_optimizers as ch04
from course_lib.experiments import ch05_batch_normalization as ch05
from course_lib.experiments import ch06_regularization as ch06
from course_lib.experiments import ch07_hyperparameter_search as ch07
from course_lib.network import MLP


# ---------------------------------------------------------------- shared
def test_the_notes_nets_and_a_run_that_survives_divergence():
    assert ch05.DEPTH5 == (784,) + (100,) * 5 + (10,)          # DLFS §6.3: five hidden layers
    assert ch07.DLFS_SIZES == (784,) + (100,) * 6 + (10,)      # DLFS §6.5: six
    x, t = data.make_moons(n=40, noise=0.2, seed=0)
    fine, at = _shared.train_surviving(MLP([2, 8, 2], seed=0), optimizers.get("sgd", lr=0.1), x, t,
                                       epochs=2, batch_size=20, progress=False)
    assert at is None and fine["loss"].size == 4
    with np.errstate(all="ignore"):
        broken, at = _shared.train_surviving(MLP([2, 8, 2], seed=0), optimizers.get("sgd", lr=1e9),
                                             x * 1e3, t, epochs=5, batch_size=20, progress=False)
    assert at is not None and at == broken["loss"].size - 1 and not np.isfinite(broken["loss"][-1])


# ---------------------------------------------------------------- chapter 01
def test_scaled_init_draws_std_g_over_root_n():
    W = ch01.scaled_init(2.0)(400, 300, np.random.default_rng(0))
    assert W.std() == pytest.approx(2.0 / np.sqrt(400), rel=0.02)
    for bad in (0, -1, float("nan")):
        with pytest.raises(ValueError, match="weight_scale"):
            ch01.scaled_init(bad)


def test_gradient_norm_profile_vanishes_towards_the_input_for_sigmoid():
    norms = ch01.gradient_norm_profile(depth=6, activation="sigmoid", weight_scale=1.0, width=20, batch=50)
    assert norms.shape == (6,) and norms[0] < norms[-1] / 10
    with pytest.raises(ValueError, match="depth"):
        ch01.gradient_norm_profile(depth=1)


# ---------------------------------------------------------------- chapter 02
def test_activation_curves_name_their_parameter():
    curves = ch02.activation_curves(["elu", "relu"], alpha=0.5, x=np.array([-1.0, 1.0]))
    assert list(curves) == ["elu (α=0.5)", "relu"]
    x, f, d = curves["elu (α=0.5)"]
    np.testing.assert_allclose(f, [0.5 * np.expm1(-1.0), 1.0])
    np.testing.assert_allclose(d, [0.5 * np.exp(-1.0), 1.0])


# ---------------------------------------------------------------- chapter 03
def test_init_choices_and_shown_layers():
    assert ch03.init_weight_std("He: √(2/n_in)", 100) == pytest.approx(np.sqrt(2 / 100))
    assert ch03.init_weight_std("✘ He as in the notes: 2/√n", 100) == pytest.approx(0.2)
    assert ch03.shown_layers(20) == [1, 6, 10, 15, 20] and ch03.shown_layers(3) == [1, 2, 3]
    layers, means, stds = ch03.init_activations("tanh", "std 0.01", depth=3, width=30, n=200)
    assert len(layers) == 3 and stds[-1] < stds[0] < 0.1              # small weights: activations shrink
    with pytest.raises(ValueError, match="unknown initialisation"):
        ch03.init_weight_std("std 2")


# ---------------------------------------------------------------- chapter 04
def test_effective_step_of_adagrad_is_eta_over_root_h():
    k, eff = ch04.effective_step_sizes("adagrad", "dlfs", lr=0.1, steps=1)
    g = np.abs(np.array(surfaces.get("dlfs").grad(*surfaces.get("dlfs").start)))
    np.testing.assert_allclose(eff[0], 0.1 / (g + 1e-7))                # after one step h = g²
    with pytest.raises(ValueError, match="adagrad"):
        ch04.effective_step_sizes("sgd")


def test_playground_paths_are_cached_read_only_and_checked():
    paths = ch04.playground_paths("dlfs", None, ("sgd", "adam"), 0.1, 0.9, 20)
    assert set(paths) == {"sgd", "adam"} and paths["sgd"].shape == (21, 2)
    assert not paths["sgd"].flags.writeable
    for bad in ({"lr": 0}, {"beta": 1.0}, {"steps": 0}, {"names": ("sdg",)}):
        with pytest.raises(ValueError):
            ch04.playground_paths("dlfs", **bad)


def test_fit_power_law_recovers_the_exponent():
    x = np.array([1.0, 4.0, 16.0, 64.0])
    slope, c = ch04.fit_power_law(x, 2.0 * x ** -0.5)
    assert slope == pytest.approx(-0.5) and c == pytest.approx(2.0)


def test_the_race_settings():
    assert ch04.RACE_04["surface"] in surfaces.names()
    assert set(ch04.RACE_04["optimizers"]) <= set(optimizers.names())


# ---------------------------------------------------------------- chapter 05
def test_batchnorm_backward_matches_differences_and_steps_to():
    errors = ch05.check_layer(np.random.default_rng(0).normal(size=(6, 3)))
    assert max(errors.values()) < 1e-5
    history = {"train_acc": np.array([0.1, 0.5, 0.9, 0.97]), "eval_step": np.array([0, 10, 20, 30])}
    assert ch05.steps_to(history, 0.95) == 30 and ch05.steps_to(history, 0.99) is None


# ---------------------------------------------------------------- chapter 06
def test_moons_label():
    assert ch06.moons_label() == "no regularization"
    assert ch06.moons_label(0.01, 0.3) == "L2 λ=0.01 + dropout 0.3"
    assert ch06.moons_label(max_norm=3) == "max-norm c=3"


# ---------------------------------------------------------------- chapter 07
def test_peaked_score_and_grid_vs_random():
    np.testing.assert_allclose(ch07.peaked_score([1e-3, 10 ** -2.75], peak=-3.0), [1.0, np.exp(-0.5)])
    c = ch07.grid_vs_random({"a": (1e-4, 1e-1), "b": (1e-4, 1e-1)}, "a", per_axis=3, problems=100, seed=0)
    assert c["grid"]["distinct"] == 3 and c["random"]["distinct"] == 9     # 9 trials, 3 or 9 values of a
    assert c["random"]["best"] > c["grid"]["best"]
