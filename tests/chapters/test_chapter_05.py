"""Chapter 05 (batch normalization): the key numbers of the executed solution notebook, the
exercise checks (pass the solution, catch each common mistake), the explorer, and the
functions of course_lib.experiments.ch05_batch_normalization."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import data, layers, widgets  # noqa: E402
from course_lib.experiments import ch05_batch_normalization as experiment  # noqa: E402
from course_lib.exercises import run_check  # noqa: E402
from course_lib.network import MLP  # noqa: E402
from claims import stale_quotes, unchecked  # noqa: E402
from notebook_run import NOTEBOOKS, run_notebook  # noqa: E402

CHAPTER = NOTEBOOKS / "solutions" / "05_batch_normalization.ipynb"
VARIABLES = ["FULL_RUN", "PICTURE_STD", "pre_std", "normalized_stats", "identity_error", "grad_errors",
             "net_grad_errors", "bias_grad_before_bn", "worst_grad_error", "steps_to_95", "ms_per_step",
             "step_gain", "step_cost", "loss_jump", "early_loss", "grid", "grid_seconds", "learns",
             "usable_decades", "mean_over_scales", "var_over_eps", "update_ratio", "bn_fast", "lr_sweep",
             "sweep_best", "blown", "final_train", "final_test", "bn_vs_plain", "running_gap", "batch_sizes",
             "acc_random", "acc_by_class", "running_acc", "fold_error", "fold_same", "placement",
             "placement_diff", "ln_grad_error", "norm_test", "ln_alone_error"]

#: The claims of the "What you should see" and summary cells that are not printed from variables,
#: each with the test that asserts it under the notebook's seeded settings.
QUOTED = {
    "BN standardises every unit, and γ and β can undo it": "test_the_algorithm_normalises_and_gamma_beta_can_undo_it",
    "A zero bias gradient is why the biases in front of BN are left out": "test_backward_pass_matches_central_differences",
    "With BN the loss falls faster from the first steps and the spike of the plain run is missing":
        "test_claim_1_bn_trains_faster",
    "did not make BN generalise better here": "test_claim_3_no_regularisation_measured",
    "the folded network gives the same scores up to float32 rounding, and the same predictions":
        "test_folding_bn_into_the_layer_before",
    "**Faster per update:** fewer steps to 95 % training accuracy, and training at learning rates where the plain "
    "network overflows; each step costs more": "test_summary_faster_per_update",
    "the usable range of weight stds widens from one scale to several decades; ε and an effective learning rate "
    "that falls as the weights grow set the limits, and at η = 0.01 the plain net is ahead at its own best scale":
        "test_claim_2_weight_scale_grid",
    "the batch statistics of a batch of one are useless (x̂ = 0), of small or one-class batches ruinous":
        "test_running_statistics_and_inference_with_batch_statistics",
    "at batch 2 it trains where BN fails": "test_layer_normalisation_does_not_depend_on_the_batch",
}


def test_every_claim_is_printed_or_checked():
    assert not unchecked(CHAPTER, QUOTED), unchecked(CHAPTER, QUOTED)
    assert not stale_quotes(CHAPTER, QUOTED), stale_quotes(CHAPTER, QUOTED)
    assert all(name in globals() for name in QUOTED.values())


@pytest.fixture(scope="module")
def nb():
    return run_notebook(CHAPTER, variables=VARIABLES)


# ---------------------------------------------------------------- key numbers of the notebook

def test_default_is_the_reduced_run(nb):
    assert nb["FULL_RUN"] is False
    np.testing.assert_allclose(nb["grid"]["scales"], np.logspace(0, -4, 16)[::3])


def test_picture_first_without_bn_the_inputs_shrink_with_bn_they_do_not(nb):
    plain, bn = nb["pre_std"]["without BN"], nb["pre_std"]["with BN"]
    assert plain[-1] < 0.01 * plain[0]                       # > 1000x smaller by layer 5
    assert all(b > a for a, b in zip(plain[1:], plain[:-1]))  # shrinking at every layer
    np.testing.assert_allclose(bn, 1.0, atol=0.01)
    scales = np.array(nb["grid"]["scales"])                  # "section 4 trains this very network"
    assert np.isclose(scales, nb["PICTURE_STD"]).sum() == 1


def test_the_algorithm_normalises_and_gamma_beta_can_undo_it(nb):
    stats = nb["normalized_stats"]
    assert stats["mean after"] < 1e-5
    assert 0.999 <= stats["std after"][0] <= stats["std after"][1] <= 1.0001
    assert stats["std before"][1] < 0.6                      # the inputs were far from unit scale
    assert nb["identity_error"] < 1e-5


def test_backward_pass_matches_central_differences(nb):
    assert set(nb["grad_errors"]) == {"x", "gamma", "beta"}
    assert max(nb["grad_errors"].values()) < 1e-6
    for where in ("before", "after"):
        errors = nb["net_grad_errors"][where]
        assert {"gamma1", "beta1", "W2", "gamma2", "beta2", "W3"} <= set(errors)
        assert max(errors.values()) < 1e-6, (where, errors)
    assert nb["bias_grad_before_bn"] < 1e-12
    assert nb["worst_grad_error"] < 1e-8


def test_claim_1_bn_trains_faster(nb):
    steps = nb["steps_to_95"]
    assert steps["BN"] is not None and steps["no BN"] is not None
    assert steps["BN"] <= steps["no BN"] / 2
    assert steps["BN after ReLU"] <= steps["no BN"] / 2
    assert all(ms > 0 for ms in nb["ms_per_step"].values())
    assert nb["early_loss"]["BN"] < 0.8 * nb["early_loss"]["no BN"]        # falls faster from the first steps
    assert nb["loss_jump"]["no BN"] > 3 and nb["loss_jump"]["BN"] < 1.5    # the plain run's spike; none with BN


def test_claim_2_weight_scale_grid(nb):
    grid = nb["grid"]
    plain, bn = np.array(grid["final"]["no BN"]), np.array(grid["final"]["BN"])
    assert plain.shape == bn.shape == (6,)
    assert np.all(plain[-2:] < 0.2)                          # smallest scales: chance (1 in 10 ≈ 0.11)
    assert bn[-2] > 0.5 and bn[-2] > plain[-2] + 0.4         # std 6.3e-4: BN learns
    assert bn[-1] >= plain[-1]                               # std 1e-4: BN at least as good
    assert nb["learns"]["BN"] >= nb["learns"]["no BN"] + 2
    assert np.median(bn) > np.median(plain) + 0.4
    assert grid["diverged_at"]["no BN"][0] is not None      # std 1 without BN overflows
    assert all(d is None for d in grid["diverged_at"]["BN"])
    assert nb["learns"]["no BN"] == 1 and nb["usable_decades"]["BN"] >= 2    # one scale -> several decades
    assert nb["mean_over_scales"]["BN"] > nb["mean_over_scales"]["no BN"] + 0.3
    # the honest part: BN fails at both ends too, and at the plain net's best scale the plain net is ahead
    assert bn[0] < 0.7 and bn[-1] < 0.5
    best = int(np.argmax(plain))
    assert plain[best] > bn[best] + 0.05
    assert nb["grid_seconds"] > 0
    curves = np.array(grid["curves"]["BN"])
    assert curves.shape == (6, 21)


def test_why_not_every_scale(nb):
    assert nb["var_over_eps"] < 0.2
    ratio = nb["update_ratio"]
    assert ratio["BN, std 1"] < ratio["BN, std 0.025"] / 10
    assert ratio["BN, best"] < ratio["no BN, best"] / 2       # BN's smaller effective step at a good scale ...
    best = int(np.argmax(nb["grid"]["final"]["no BN"]))
    assert nb["bn_fast"]["train_acc"][-1] > nb["grid"]["final"]["no BN"][best]   # ... which a larger η undoes


def test_bn_allows_a_larger_learning_rate(nb):
    sweep = nb["lr_sweep"]
    np.testing.assert_allclose(sweep["lrs"], [0.01, 0.03, 0.1, 0.3, 1.0])
    assert sweep["best_lr"]["BN"] > sweep["best_lr"]["no BN"]
    assert nb["sweep_best"]["BN"] > nb["sweep_best"]["no BN"] + 0.1
    assert nb["blown"] == [1.0]                                  # the plain net overflows at η = 1 ...
    assert sweep["final"]["BN"][-1] > 0.9                        # ... where BN trains


def test_summary_faster_per_update(nb):
    assert nb["step_gain"] > 2                                  # fewer steps to 95 %
    assert nb["blown"] and all(sweep_acc > 0.9 for lr, sweep_acc in zip(nb["lr_sweep"]["lrs"],
                                                                       nb["lr_sweep"]["final"]["BN"])
                               if lr in nb["blown"])
    assert nb["step_cost"] > 1                                  # each step costs more


def test_claim_3_no_regularisation_measured(nb):
    assert nb["final_train"]["no BN"] >= 0.99 and nb["final_train"]["BN"] >= 0.99
    gap = nb["final_test"]["no BN"] - nb["final_test"]["BN"]
    assert 0.01 < gap < 0.06                                 # BN did not generalise better
    assert nb["bn_vs_plain"] == pytest.approx(-gap)


def test_running_statistics_and_inference_with_batch_statistics(nb):
    assert nb["running_gap"] < 0.2
    running = nb["running_acc"]
    assert running > 0.85
    sizes = nb["batch_sizes"]
    acc_random = dict(zip(sizes, nb["acc_random"]))
    acc_sorted = dict(zip(sizes, nb["acc_by_class"]))
    assert acc_random[2] < running - 0.4
    assert acc_random[8] < running - 0.1
    assert all(abs(acc_random[b] - running) < 0.02 for b in sizes if b >= 128)
    assert all(acc_sorted[b] < 0.2 for b in sizes if b <= 32)
    assert all(acc_sorted[b] < acc_random[b] for b in sizes)


def test_folding_bn_into_the_layer_before(nb):
    assert nb["fold_error"] < 1e-4 and nb["fold_same"] is True


def test_layer_normalisation_does_not_depend_on_the_batch(nb):
    assert nb["ln_grad_error"] < 1e-7
    (bn2, bn100), (ln2, ln100) = nb["norm_test"]["BN"], nb["norm_test"]["LayerNorm"]
    assert bn2 < 0.3 and ln2 > bn2 + 0.4                       # batch 2: BN fails, layer norm trains
    assert bn100 > 0.85 and ln100 > 0.85
    assert nb["ln_alone_error"] < 1e-5                          # an example's scores ignore the rest of the batch


def test_placement_before_or_after(nb):
    p = nb["placement"]
    for name in ("BN", "BN after ReLU"):
        assert p[name]["steps to 99 % train"] <= p["no BN"]["steps to 99 % train"] / 2
    assert abs(p["BN"]["test accuracy"] - p["BN after ReLU"]["test accuracy"]) < 0.02
    assert nb["placement_diff"] < 0.02


# ---------------------------------------------------------------- exercise checks

def _bn(x, gamma, beta, eps=1e-5):
    return gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps) + beta


def _bn_in_place(x, gamma, beta, eps=1e-5):
    x -= x.mean(axis=0)
    return gamma * x / np.sqrt(x.var(axis=0) + eps) + beta


def test_05_batchnorm_forward():
    assert run_check("05-batchnorm-forward", _bn).passed is True
    mistakes = {
        "unbiased variance": lambda x, g, b, eps=1e-5:
            g * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + eps) + b,
        "you left out ε": lambda x, g, b, eps=1e-5: g * (x - x.mean(0)) / np.sqrt(x.var(0)) + b,
        "inside the square root": lambda x, g, b, eps=1e-5: g * (x - x.mean(0)) / (np.sqrt(x.var(0)) + eps) + b,
        "normalised each row": lambda x, g, b, eps=1e-5:
            g * (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + eps) + b,
        "over axis=1": lambda x, g, b, eps=1e-5: g * (x - x.mean(1)) / np.sqrt(x.var(1) + eps) + b,
        "whole array": lambda x, g, b, eps=1e-5: g * (x - x.mean()) / np.sqrt(x.var() + eps) + b,
        "returned x̂ itself": lambda x, g, b, eps=1e-5: (x - x.mean(0)) / np.sqrt(x.var(0) + eps),
        "forgot the shift β": lambda x, g, b, eps=1e-5: g * (x - x.mean(0)) / np.sqrt(x.var(0) + eps),
        "forgot the scale γ": lambda x, g, b, eps=1e-5: (x - x.mean(0)) / np.sqrt(x.var(0) + eps) + b,
        "swapped": lambda x, g, b, eps=1e-5: b * (x - x.mean(0)) / np.sqrt(x.var(0) + eps) + g,
        "ignored the eps argument": lambda x, g, b, eps=1e-5: _bn(x, g, b, 1e-5),
        "changed its input": _bn_in_place,
        "expected": lambda x, g, b, eps=1e-5: _bn(x, g, b, eps) + 0.01,
    }
    for hint, answer in mistakes.items():
        outcome = run_check("05-batchnorm-forward", answer)
        assert outcome.passed is False and hint in outcome.message, (hint, outcome.message)


def test_05_batchnorm_forward_nan_from_a_constant_column_points_at_eps():
    def no_eps_safe(x, g, b, eps=1e-5):           # right except for the constant column: NaN there
        y = _bn(x, g, b, eps)
        y[:, np.ptp(x, axis=0) == 0] = np.nan
        return y
    outcome = run_check("05-batchnorm-forward", no_eps_safe)
    assert outcome.passed is False and "ε" in outcome.message


def test_05_running_mean():
    assert run_check("05-running-mean", lambda r, b, momentum=0.9: momentum * r + (1 - momentum) * b).passed
    mistakes = {
        "swapped": lambda r, b, momentum=0.9: (1 - momentum) * r + momentum * b,
        "whatever momentum": lambda r, b, momentum=0.9: 0.9 * r + 0.1 * b,
        "returned None": lambda r, b, momentum=0.9: None,
        "expected": lambda r, b, momentum=0.9: (r + b) / 2,
    }
    for hint, answer in mistakes.items():
        outcome = run_check("05-running-mean", answer)
        assert outcome.passed is False and hint in outcome.message, (hint, outcome.message)


def test_05_not_done_yet():
    def stub(*args, **kwargs):
        raise NotImplementedError
    assert run_check("05-batchnorm-forward", stub).passed is None
    assert run_check("05-running-mean", stub).passed is None


# ---------------------------------------------------------------- the explorer

def test_bn_runs_show_bn_learning_where_the_plain_net_cannot():
    runs = widgets.bn_runs(0.001, 0.05)
    assert set(runs) == {"no BN", "BN"}
    assert runs["no BN"]["train_acc"][-1] < 0.2
    assert runs["BN"]["train_acc"][-1] > 0.4
    assert runs["BN"]["train_acc"].shape == (7,) and runs["BN"]["loss"].shape == (60,)
    assert widgets.bn_runs(0.001, 0.05) is runs                        # cached


def test_bn_runs_large_weights_diverge_without_bn():
    runs = widgets.bn_runs(1.0, 0.05)
    assert runs["no BN"]["diverged_at"] is not None
    assert runs["BN"]["diverged_at"] is None
    assert runs["no BN"]["train_acc"].shape == runs["BN"]["train_acc"].shape


def test_bn_runs_rejects_bad_settings():
    with pytest.raises(ValueError, match="must be > 0"):
        widgets.bn_runs(0.0, 0.1)
    with pytest.raises(ValueError, match="must be > 0"):
        widgets.bn_runs(0.01, -1.0)


def test_plot_bn_runs_draws_both_series_and_fits_a_slide():
    fig = widgets.plot_bn_runs(widgets.bn_runs(1.0, 0.05), 1.0, 0.05)
    width, height = fig.get_size_inches()
    assert width <= 12.8 and height <= 3.8
    labels = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert labels[0].startswith("no BN (diverged at step ") and labels[1] == "BN"


def test_batchnorm_explorer_redraws_without_leaking_figures():
    plt.close("all")
    box = widgets.batchnorm_explorer()
    assert set(box.controls) == {"std", "lr"}
    assert all(not c.continuous_update for c in box.controls.values())      # heavy: redraw on release
    assert box.output.draws == 1
    box.controls["std"].value = 1.0
    box.controls["lr"].value = 0.01
    assert box.output.draws == 3
    assert plt.get_fignums() == []


# ---------------------------------------------------------------- course_lib.batchnorm

@pytest.fixture(scope="module")
def mnist():
    (x, t), (xt, tt) = data.load_mnist()
    return x[:300], t[:300], xt[:300], tt[:300]


def test_check_layer_passes_the_library_and_catches_a_wrong_backward(monkeypatch):
    rng = np.random.default_rng(1)
    x = 3 + 2 * rng.standard_normal((10, 4))
    errors = experiment.check_layer(x, gamma=rng.uniform(0.5, 2, 4), beta=rng.standard_normal(4))
    assert max(errors.values()) < 1e-7

    def frozen_statistics_backward(self, dy):      # the inference-mode formula used in training mode
        np.sum(dy * self.xhat, axis=0, out=self.grads[self.g])
        np.sum(dy, axis=0, out=self.grads[self.b])
        return dy * self.params[self.g] * self.inv_std

    monkeypatch.setattr(layers.BatchNorm, "backward", frozen_statistics_backward)
    errors = experiment.check_layer(x)
    assert errors["x"] > 1e-2 and errors["gamma"] < 1e-7


def test_check_layer_rejects_a_batch_of_one_and_bad_shapes():
    with pytest.raises(ValueError, match="N >= 2"):
        experiment.check_layer(np.ones((1, 3)))
    with pytest.raises(ValueError, match="gamma must have one value per column"):
        experiment.check_layer(np.ones((4, 3)), gamma=np.ones(2))


def test_train_run_records_divergence_and_keeps_every_evaluation(mnist):
    x, t, xt, tt = mnist
    net, hist = experiment.train_run(x, t, xt, tt, batchnorm=False, init=1.0, lr=0.05, epochs=4)
    assert isinstance(hist["diverged_at"], int)
    assert not np.isfinite(hist["loss"][-1]) and hist["loss"].size == hist["diverged_at"] + 1
    assert hist["train_acc"].shape == hist["test_acc"].shape == hist["eval_step"].shape == (5,)
    np.testing.assert_array_equal(hist["eval_step"], [0, 3, 6, 9, 12])
    _, fine = experiment.train_run(x, t, batchnorm=True, lr=0.05, epochs=2, sizes=(784, 30, 10))
    assert fine["diverged_at"] is None and fine["train_acc"].shape == (3,)


def test_weight_scale_grid_shapes_and_validation(mnist):
    x, t, _, _ = mnist
    grid = experiment.weight_scale_grid(x, t, [0.1, 0.001], sizes=(784, 30, 30, 10), epochs=2, lr=0.05,
                                       progress=False)
    assert set(grid["curves"]) == {"no BN", "BN"}
    assert grid["curves"]["BN"].shape == (2, 3)
    np.testing.assert_array_equal(grid["epoch"], [0, 1, 2])
    np.testing.assert_array_equal(grid["final"]["BN"], grid["curves"]["BN"][:, -1])
    assert grid["diverged_at"]["no BN"] == [None, None]
    before = experiment.weight_scale_grid(x, t, [0.1], labels={"before": "before", "after": "after"},
                                         sizes=(784, 20, 10), epochs=1, progress=False)
    assert set(before["final"]) == {"before", "after"}
    for bad in ([], [0.1, -1.0], [np.nan]):
        with pytest.raises(ValueError, match="positive standard deviations"):
            experiment.weight_scale_grid(x, t, bad, progress=False)


def test_batch_statistics_accuracy(mnist):
    x, t, xt, tt = mnist
    net, _ = experiment.train_run(x, t, batchnorm=True, lr=0.1, epochs=5, sizes=(784, 50, 50, 10))
    means = [bn.running_mean.copy() for bn in net.batchnorm_layers()]
    full = experiment.batch_statistics_accuracy(net, xt, tt, len(xt))
    two = experiment.batch_statistics_accuracy(net, xt, tt, 2)
    sorted_ = experiment.batch_statistics_accuracy(net, xt, tt, 30, order="by_class")
    assert abs(full - net.accuracy(xt, tt)) < 0.05
    assert two < full - 0.2 and sorted_ < full - 0.2
    assert experiment.batch_statistics_accuracy(net, xt, tt, 2, seed=0) == two      # seeded
    for bn, mean in zip(net.batchnorm_layers(), means):
        np.testing.assert_array_equal(bn.running_mean, mean)                    # left as they were
    with pytest.raises(ValueError, match="integer >= 2"):
        experiment.batch_statistics_accuracy(net, xt, tt, 1)
    with pytest.raises(ValueError, match="'random' or 'by_class'"):
        experiment.batch_statistics_accuracy(net, xt, tt, 10, order="sorted")
    with pytest.raises(ValueError, match="no batch-norm layers"):
        experiment.batch_statistics_accuracy(MLP([784, 10, 10]), xt, tt, 10)
    with pytest.raises(ValueError, match="dropout"):
        experiment.batch_statistics_accuracy(MLP([784, 10, 10], batchnorm=True, dropout=0.5), xt, tt, 10)


def test_steps_to():
    hist = {"eval_step": np.array([0, 10, 20, 30]), "train_acc": np.array([0.1, 0.5, 0.96, 0.99])}
    assert experiment.steps_to(hist, 0.95) == 20
    assert experiment.steps_to(hist, 0.1) == 0
    assert experiment.steps_to(hist, 0.995) is None


def test_step_time_is_positive_and_changes_nothing(mnist):
    x, t, _, _ = mnist
    net = MLP([784, 20, 10], batchnorm=True, seed=0)
    before = {k: p.copy() for k, p in net.params.items()}
    assert 0 < experiment.step_time(net, x[:50], t[:50], repeats=3) < 1
    for k, p in net.params.items():
        np.testing.assert_array_equal(p, before[k])
    np.testing.assert_array_equal(net.batchnorm_layers()[0].running_mean, 0)
    with pytest.raises(ValueError, match="repeats"):
        experiment.step_time(net, x[:50], t[:50], repeats=0)



def test_learning_rate_sweep_shapes_and_validation(mnist):
    x, t, _, _ = mnist
    sweep = experiment.learning_rate_sweep(x, t, [0.05, 5.0], sizes=(784, 20, 20, 10), epochs=3)
    assert set(sweep["final"]) == {"no BN", "BN"} and sweep["final"]["BN"].shape == (2,)
    assert len(sweep["diverged_at"]["no BN"]) == 2
    assert sweep["best_lr"] == {"no BN": 0.05, "BN": 5.0}         # η = 5 ruins the plain net, not BN
    assert sweep["final"]["BN"][1] > sweep["final"]["no BN"][1] + 0.3
    for bad in ([], [0.1, 0.0], [np.inf]):
        with pytest.raises(ValueError, match="positive learning rates"):
            experiment.learning_rate_sweep(x, t, bad)


def test_normalization_runs(mnist):
    x, t, xt, tt = mnist
    runs = experiment.normalization_runs(x, t, xt, tt, 4, sizes=(784, 16, 10), lr=0.05)
    assert set(runs) == {"BN", "LayerNorm"}
    net, hist = runs["LayerNorm"]
    assert net.layernorm and not net.batchnorm and hist["test_acc"].shape == (2,)
    assert runs["BN"][0].batchnorm == "before"
    with pytest.raises(ValueError, match="kinds must name some of"):
        experiment.normalization_runs(x, t, xt, tt, 4, kinds=("GroupNorm",))
    with pytest.raises(ValueError, match="integer >= 2"):
        experiment.normalization_runs(x, t, xt, tt, 1)


def test_folded_network(mnist):
    x, t, xt, _ = mnist
    net, _ = experiment.train_run(x, t, batchnorm=True, lr=0.1, epochs=2, sizes=(784, 30, 20, 10))
    folded = experiment.folded_network(net)
    assert not folded.batchnorm_layers() and "gamma1" not in folded.params
    np.testing.assert_allclose(folded.predict(xt), net.predict(xt), rtol=1e-4, atol=1e-4)
    wrong = experiment.folded_network(net)
    wrong.params["b1"] += 1.0                                     # the check can fail
    assert not np.allclose(wrong.predict(xt), net.predict(xt), atol=1e-3)
    with pytest.raises(ValueError, match="batch norm right after each Dense layer"):
        experiment.folded_network(MLP([784, 10, 10], batchnorm="after"))
