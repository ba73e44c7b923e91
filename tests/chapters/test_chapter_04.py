"""Chapter 04 (optimizers): the key numbers of the solution notebook, the exercise checks
(pass the solution, fail each common mistake with its hint), the explorers, and the
course_lib additions (experiments.ch04_optimizers' mini-batch functions, surfaces.hessian)."""
import math
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import exercises, optimizers, surfaces, widgets  # noqa: E402
from course_lib.experiments import ch04_optimizers as experiment  # noqa: E402
from course_lib.exercises import run_check  # noqa: E402
from claims import stale_quotes, unchecked  # noqa: E402
from notebook_run import NOTEBOOKS, run_notebook  # noqa: E402

CHAPTER = NOTEBOOKS / "solutions" / "04_optimizers.ipynb"
VARIABLES = ["dlfs_stats", "momentum_forms_diff", "adagrad_forms_diff", "adam_eps_diff", "no_eps", "with_eps",
             "nine_final", "lam", "threshold", "etas", "ill_final", "rosen_reach", "rosen_final",
             "saddle_stats", "E", "E_lib", "mb_loss_at_40", "noise_slope", "STEPS", "FULL_RUN", "test_acc",
             "sched_loss", "sched_acc", "RACE", "rosen_lam_start", "b1", "at_2000", "range_test", "tuned_acc",
             "decay", "train_loss_end", "crossing", "ranking"]


@pytest.fixture(scope="module")
def nb():
    return run_notebook(CHAPTER, variables=VARIABLES)


# ================================================================ (a) the chapter's key numbers

def test_dlfs_sgd_zigzags_momentum_overshoots_adagrad_steps_shrink(nb):
    s = nb["dlfs_stats"]
    straight = math.hypot(7, 2)
    assert s["SGD"]["sign_changes"] >= 25                    # y flips sign at (almost) every step
    assert s["SGD"]["length"] > 4 * straight                 # a long way round
    assert s["Momentum"]["max_x"] > 0.5                      # overshoots past the minimum at x = 0
    assert s["SGD"]["max_x"] < 0 and s["AdaGrad"]["max_x"] < 0
    first, _, last = s["AdaGrad"]["steps"]
    assert last < first / 50                                 # AdaGrad's steps only shrink
    assert all(s[k]["length"] < 2 * straight for k in ("AdaGrad", "Adam"))


def test_dlfs_final_distances_as_the_chapter_says(nb):
    s = nb["dlfs_stats"]
    final = {k: v["final"] for k, v in s.items()}
    assert min(final, key=final.get) == "AdaGrad"
    assert final["Momentum"] > final["SGD"]                  # the surprise: zig-zag is not slowness here
    assert abs(final["Adam"] - final["SGD"]) < 0.1


def test_notations_are_the_same_method(nb):
    assert nb["momentum_forms_diff"] < 1e-12
    assert nb["adagrad_forms_diff"] < 1e-5 and nb["adam_eps_diff"] < 1e-5
    assert nb["no_eps"] == [[-7.0, 0.0]]                     # stopped before the first (NaN) step
    assert len(nb["with_eps"]) == 6 and all(p[1] == 0.0 for p in nb["with_eps"])
    assert nb["with_eps"][-1][0] > -7.0


def test_nine_methods(nb):
    d = nb["nine_final"]
    assert set(d) == set(optimizers.names())
    assert set(sorted(d, key=d.get)[:2]) == {"adagrad", "rmsprop"}
    assert d["adadelta"] > 5                                 # has hardly moved from 7.3
    assert d["nesterov"] < d["momentum"]


def test_ill_conditioned_threshold(nb):
    np.testing.assert_allclose(nb["lam"], [1.0, 25.0], atol=1e-4)
    assert nb["threshold"] == pytest.approx(0.08, abs=1e-5)
    etas, final = np.array(nb["etas"]), np.array(nb["ill_final"])
    start = math.hypot(4, 1.5)
    assert np.all(final[etas < 0.078] < start)
    assert np.all(final[etas > 0.082] > start)
    assert abs(etas[np.argmin(final)] - 0.08) < 0.01


def test_rosenbrock(nb):
    reach, final = nb["rosen_reach"], nb["rosen_final"]
    assert reach["sgd"] is None and final["sgd"] > 0.3
    assert 400 < reach["momentum"] < 600 and 400 < reach["nesterov"] < 600 and reach["adam"] is not None
    assert max(final["momentum"], final["nesterov"], final["adam"]) < 0.05


def test_saddle_gd_stalls_momentum_escapes(nb):
    gd, mom = nb["saddle_stats"]["gradient descent"], nb["saddle_stats"]["momentum"]
    assert gd["near"] >= 50 and gd["reach"] is None and abs(gd["y100"]) < 0.3
    assert mom["near"] <= 10 and mom["reach"] is not None and mom["reach"] < 50
    assert gd["growth"] == pytest.approx(1.05, abs=0.003)
    r = ((1 + 0.9 + 0.05) + math.sqrt((1 + 0.9 + 0.05) ** 2 - 4 * 0.9)) / 2
    assert mom["growth"] == pytest.approx(r, abs=0.01)


def test_cross_entropy_of_the_notes(nb):
    assert nb["E"] == pytest.approx(nb["E_lib"], rel=1e-5)
    assert 2.0 < nb["E"] < 3.0                               # near ln 10 at initialisation


def test_minibatch_step_based_facts(nb):
    loss = nb["mb_loss_at_40"]
    full, mini, single = (loss[k] for k in ("full batch, B = 2000", "mini-batch, B = 50",
                                            "single sample, B = 1"))
    assert full < 1.2 and abs(full - mini) < 0.1
    assert single > mini + 0.5


def test_gradient_noise_falls_as_one_over_sqrt_b(nb):
    assert -0.56 < nb["noise_slope"] < -0.45


def test_mnist_comparison(nb):
    acc = nb["test_acc"]
    assert set(acc) == set(optimizers.names())
    assert all(a > 0.75 for a in acc.values())
    assert min(acc, key=acc.get) == "sgd"
    assert all(a > 0.88 for k, a in acc.items() if k != "sgd")
    assert acc["momentum"] > acc["sgd"] + 0.05
    if not nb["FULL_RUN"]:
        assert nb["STEPS"] == 200


def test_schedules_end_lower_than_constant(nb):
    loss = nb["sched_loss"]
    assert all(loss[k] < loss["constant"] for k in ("step", "exponential", "cosine", "one-cycle"))
    assert min(loss, key=loss.get) == "one-cycle"
    assert all(a > 0.9 for a in nb["sched_acc"].values())


def test_rosenbrock_start_is_locally_unstable_for_sgd(nb):
    assert 2 / max(nb["rosen_lam_start"]) < 0.0015                # 0.002 is well above the start's limit
    lam_min = np.linalg.eigvalsh(surfaces.hessian("rosenbrock", (1.0, 1.0)))
    assert abs(2 / lam_min.max() - 0.002) < 1e-5                   # ... and about the limit at the minimum


def test_single_sample_at_lr_01_rises_above_its_start(nb):
    b1 = np.array(nb["b1"])
    assert b1.max() > b1[0] + 0.5
    assert b1[-1] < b1.max() - 0.5                              # ... before it falls


def test_linear_scaling_rule_per_example(nb):
    loss = nb["at_2000"]
    assert abs(loss["B = 1, η = 0.002"] - loss["B = 50, η = 0.1"]) < 0.05
    assert loss["B = 1, η = 0.1"] > loss["B = 1, η = 0.002"]


def test_range_test_in_the_chapter(nb):
    r = nb["range_test"]
    assert r["diverged"] and r["steps"] < 200
    assert 1e-3 < r["suggested"] < 0.1 and r["suggested"] == pytest.approx(r["lr_at_min"] / 10)
    assert nb["tuned_acc"] > nb["test_acc"]["sgd"] + 0.01        # better than SGD's default η


def test_adam_l2_against_adamw(nb):
    d = nb["decay"]
    assert d["AdamW"]["silent_shrink"] == pytest.approx(d["adamw_factor"], abs=1e-4)
    assert d["Adam"]["silent_shrink"] == pytest.approx(1.0)
    assert d["Adam + L2"]["silent_shrink"] < 0.1                 # ≈ η a step, straight to 0
    assert d["Adam + L2"]["other_shrink"] < 0.8 * d["AdamW"]["other_shrink"]
    assert d["AdamW"]["test_acc"] >= d["Adam + L2"]["test_acc"]


def test_effective_rates_rmsprop_y_overtakes_x(nb):
    assert nb["crossing"] is not None and 20 < nb["crossing"] < 100


def test_race_in_the_notebook_is_the_checked_one(nb):
    assert nb["RACE"] == exercises.RACE_04


# ================================================================ every claim printed or checked

QUOTED = {
    "the full batch and the mini-batch of 50 are nearly as good as each other": "test_minibatch_step_based_facts",
    "at η = 0.1 its loss climbs above where it started before it falls":
        "test_single_sample_at_lr_01_rises_above_its_start",
    "SGD's $y$ changes sign at *every* step": "test_dlfs_sgd_zigzags_momentum_overshoots_adagrad_steps_shrink",
    "Momentum does not zig-zag but **overshoots**": "test_dlfs_sgd_zigzags_momentum_overshoots_adagrad_steps_shrink",
    "AdaGrad's steps shrink by two orders of magnitude": "test_dlfs_sgd_zigzags_momentum_overshoots_adagrad_steps_shrink",
    "after 30 steps SGD is *not* the farthest from the minimum": "test_dlfs_final_distances_as_the_chapter_says",
    "the same path up to rounding error": "test_notations_are_the_same_method",
    "With a learning-rate *schedule* the two forms differ slightly": "test_notations_are_the_same_method",
    "the paths differ by less than a millionth": "test_notations_are_the_same_method",
    "without ε, the parameter whose gradient is 0 gets": "test_notations_are_the_same_method",
    "the printout names the two methods that end closest": "test_nine_methods",
    "**AdaDelta** has hardly moved": "test_nine_methods",
    "The Hessian's eigenvalues are 1 and 25": "test_ill_conditioned_threshold",
    "the measured ratio equals the formula": "test_ill_conditioned_threshold",
    "The sweep shows a cliff at 2/λ_max": "test_ill_conditioned_threshold",
    "SGD's η = 0.95 on x²/20 + y² (λ_max = 2) was just under 2/λ_max = 1": "test_ill_conditioned_threshold",
    "SGD, at about the largest η the curvature at the minimum allows": "test_rosenbrock_start_is_locally_unstable_for_sgd",
    "Momentum and Nesterov with *half* that η get there in about 500 steps": "test_rosenbrock",
    "Adam (η = 0.1: a step length": "test_rosenbrock",
    "gradient descent slides into the saddle and **stalls**": "test_saddle_gd_stalls_momentum_escapes",
    "Momentum escapes: its measured growth factor matches the root": "test_saddle_gd_stalls_momentum_escapes",
    "most points with zero gradient are saddles": "test_saddle_gd_stalls_momentum_escapes",
    "A straight line with slope ≈ −0.5": "test_gradient_noise_falls_as_one_over_sqrt_b",
    "the exact law has a factor": "test_gradient_noise_matches_the_sampling_formula",
    "plain SGD at its default η = 0.01 is clearly last": "test_mnist_comparison",
    "which family leads, momentum or adaptive, the printout says": "test_mnist_comparison",
    "SGD with a larger η does better": "test_range_test_in_the_chapter",
    "a short default run cannot settle the debate": "test_mnist_comparison",
    "a schedule that lowers η towards the end lets the network settle": "test_schedules_end_lower_than_constant",
    "A lower *training* loss is not automatically a higher *test* accuracy": "test_schedules_end_lower_than_constant",
    "the loss is flat while η is tiny, falls, and rises steeply": "test_range_test_in_the_chapter",
    "One cheap run of 200 steps replaces guessing η": "test_range_test_in_the_chapter",
    "with the same λ the two are different regularisers": "test_adam_l2_against_adamw",
    "so it moves by about η per step straight to 0": "test_adam_l2_against_adamw",
    "why AdamW's λ means the same for every weight": "test_adam_l2_against_adamw",
    "Plain gradient descent is stable only for **η < 2/λ_max**": "test_ill_conditioned_threshold",
    "Momentum and per-coordinate scaling are the two cures": "test_saddle_gd_stalls_momentum_escapes",
    "A mini-batch gradient is the full gradient plus noise ∝ 1/√B": "test_minibatch_step_based_facts",
    "At their defaults every method beats plain SGD at η = 0.01 on MNIST; the **learning-rate range test**": "test_mnist_comparison",
    "A smaller batch needs a smaller η": "test_linear_scaling_rule_per_example",
    "L2 inside Adam is divided by Adam's own scale": "test_adam_l2_against_adamw",
}


def test_every_claim_is_printed_or_checked():
    assert not unchecked(CHAPTER, QUOTED) and not stale_quotes(CHAPTER, QUOTED)
    assert all(name in globals() for name in QUOTED.values())


# ================================================================ (b) the exercise checks

def _momentum(W, v, g, lr=0.01, alpha=0.9):
    v = alpha * v - lr * g
    return W + v, v


def test_04_momentum_passes_the_solution_and_in_place_variants():
    assert run_check("04-momentum", _momentum).passed is True

    def in_place(W, v, g, lr=0.01, alpha=0.9):
        v *= alpha
        v -= lr * g
        W += v
        return W, v

    assert run_check("04-momentum", in_place).passed is True


def test_04_momentum_catches_the_common_mistakes():
    mistakes = {
        "sign error": lambda W, v, g, lr, a: (W + (a * v + lr * g), a * v + lr * g),
        "updated W before v": lambda W, v, g, lr, a: (W + v, a * v - lr * g),
        "other convention": lambda W, v, g, lr, a: (W - lr * (a * v + g), a * v + g),
        "plain SGD": lambda W, v, g, lr, a: (W - lr * g, -lr * g),
        "learning rate η is missing": lambda W, v, g, lr, a: (W + a * v - g, a * v - g),
        "v_new": lambda W, v, g, lr, a: (W + a * v - lr * g, v),                 # v not returned updated
        "return the pair": lambda W, v, g, lr, a: W + a * v - lr * g,
    }
    for hint, answer in mistakes.items():
        outcome = run_check("04-momentum", answer)
        assert outcome.passed is False and hint in outcome.message, (hint, outcome.message)


def _adam(W, m, v, g, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    return W - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps), m, v


def test_04_adam_step_passes_the_solution():
    assert run_check("04-adam-step", _adam).passed is True


def _adam_variant(kind):
    @np.errstate(divide="ignore", invalid="ignore")
    def step(W, m, v, g, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        m = beta1 * m + (1 - beta1) * g
        v_new = beta2 * v + (1 - beta2) * (g if kind == "g" else g ** 2)
        m_hat, v_hat = m / (1 - beta1 ** t), v_new / (1 - beta2 ** t)
        if kind == "no-bias":
            m_hat, v_hat = m, v_new
        if kind == "only-m":
            v_hat = v_new
        if kind == "eps-inside":
            return W - lr * m_hat / np.sqrt(v_hat + eps), m, v_new
        if kind == "store-hat":
            return W - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat
        if kind == "t-1":
            m_hat, v_hat = m / (1 - beta1 ** (t - 1)), v_new / (1 - beta2 ** (t - 1))
        return W - lr * m_hat / (np.sqrt(v_hat) + eps), m, v_new
    return step


def test_04_adam_step_catches_the_common_mistakes():
    mistakes = {"no-bias": "bias correction is missing", "only-m": "only one of the two moments",
                "eps-inside": "ε is inside the square root", "store-hat": "returned the corrected m̂",
                "g": "squared gradient g², not g", "t-1": "t − 1, or count t from 0"}
    for kind, hint in mistakes.items():
        outcome = run_check("04-adam-step", _adam_variant(kind))
        assert outcome.passed is False and hint in outcome.message, (kind, outcome.message)
    outcome = run_check("04-adam-step", lambda W, m, v, g, t, **kw: W)
    assert outcome.passed is False and "triple" in outcome.message


def test_04_adam_step_names_a_t_off_by_one():
    def off_by_one(W, m, v, g, t, **kw):
        return _adam(W, m, v, g, t + 1, **kw)

    outcome = run_check("04-adam-step", off_by_one)
    assert outcome.passed is False and "off by one" in outcome.message and "t = 2" in outcome.message, \
        outcome.message
    assert "0.999000" in outcome.message and "0.999256" in outcome.message, outcome.message


def _race(race, pick=min, offset=0, skip_none=True, use_kwargs=True):
    reached = {}
    for name, kwargs in race["optimizers"].items():
        path = surfaces.trajectory(name, race["surface"], steps=race["steps"],
                                   opt_kwargs=kwargs if use_kwargs else None)
        step = surfaces.steps_to_reach(path, race["surface"], tol=race["tol"])
        reached[name] = None if step is None else step + offset
    arrived = [k for k, s in reached.items() if s is not None] if skip_none else list(reached)
    return (pick(arrived, key=reached.get) if arrived else None), reached


def test_04_first_to_reach_passes_the_solution():
    outcome = run_check("04-first-to-reach", _race)
    assert outcome.passed is True and "nesterov arrives first" in outcome.message
    assert exercises.ch04_optimizers._race_reference(experiment.RACE_04) == (
        "nesterov", {"sgd": 72, "momentum": 50, "nesterov": 21, "adam": 142})


def test_04_first_to_reach_catches_the_common_mistakes():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mistakes = {
            "LAST optimizer": lambda race: _race(race, pick=max),
            "counted from 1": lambda race: _race(race, offset=1),
            "raised TypeError": lambda race: _race(race, skip_none=False),   # min over None and ints
            "the step at which": lambda race: _race(race, use_kwargs=False),  # default learning rates
            "one entry per optimizer": lambda race: (_race(race)[0], list(_race(race)[1].values())),
            "return the pair": lambda race: _race(race)[0],
        }
        for hint, answer in mistakes.items():
            outcome = run_check("04-first-to-reach", answer)
            assert outcome.passed is False and hint in outcome.message, (hint, outcome.message)


def test_04_checks_say_not_done_yet():
    def stub(*args, **kwargs):
        raise NotImplementedError

    for exercise_id in ("04-momentum", "04-adam-step", "04-first-to-reach"):
        assert run_check(exercise_id, stub).passed is None


# ================================================================ (c) the explorers

def test_playground_paths_match_trajectory_and_are_cached():
    paths = widgets.playground_paths("dlfs", (-7.0, 2.0), ("sgd", "momentum", "adam", "adadelta"), 0.1, 0.8, 50)
    assert set(paths) == {"sgd", "momentum", "adam", "adadelta"}
    want = surfaces.trajectory("momentum", "dlfs", steps=50, opt_kwargs={"lr": 0.1, "momentum": 0.8})
    np.testing.assert_array_equal(paths["momentum"], want)
    want = surfaces.trajectory("adam", "dlfs", steps=50, opt_kwargs={"lr": 0.1, "beta1": 0.8})
    np.testing.assert_array_equal(paths["adam"], want)
    np.testing.assert_array_equal(paths["adadelta"], surfaces.trajectory("adadelta", "dlfs", steps=50))
    again = widgets.playground_paths("dlfs", (-7, 2), ("sgd",), 0.1, 0.8, 50)
    assert again["sgd"] is paths["sgd"]                       # served from the cache
    assert all(p.shape == (51, 2) for p in paths.values())


def test_playground_paths_diverge_quietly_and_reject_bad_input():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        paths = widgets.playground_paths("ill_conditioned", None, ("sgd",), 0.5, 0.9, 100)
    assert len(paths["sgd"]) < 101                            # stopped when it diverged
    fig = widgets.plot_playground("ill_conditioned", paths, steps=100)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("diverged at step" in t for t in labels)
    for bad in [dict(names=("sgdd",)), dict(lr=0.0), dict(beta=1.0), dict(steps=0)]:
        with pytest.raises(ValueError):
            widgets.playground_paths("dlfs", **bad)


def test_plot_playground_draws_every_path_and_fits_a_slide():
    paths = widgets.playground_paths("saddle", None, tuple(optimizers.names()), 0.05, 0.9, 100)
    fig = widgets.plot_playground("saddle", paths, steps=100)
    width, height = fig.get_size_inches()
    assert width <= 12.8 and height <= 3.8
    (ax,) = fig.axes
    drawn = [line for line in ax.lines if line.get_label().split(":")[0] in paths]
    assert len(drawn) == 9
    labels = [line.get_label() for line in drawn]
    assert labels[0].startswith("sgd: d = ")
    X, Y, Z, levels, fill = widgets.contour_grid("saddle")
    assert widgets.contour_grid("saddle")[2] is Z             # one grid per surface
    assert np.all(np.diff(levels) > 0) and not Z.flags.writeable


def test_effective_step_sizes_follow_the_formulas():
    k, eff = widgets.effective_step_sizes("adagrad", "dlfs", lr=0.5, steps=20)
    assert k[0] == 1 and eff.shape == (20, 2)
    assert np.all(np.diff(eff, axis=0) <= 0)                 # AdaGrad's only shrink
    g = np.array(surfaces.get("dlfs").grad(-7.0, 2.0))
    np.testing.assert_allclose(eff[0], 0.5 / (np.abs(g) + 1e-7))
    _, eff = widgets.effective_step_sizes("rmsprop", "dlfs", lr=0.1, decay=0.9, steps=1)
    np.testing.assert_allclose(eff[0], 0.1 / (np.sqrt(0.1) * np.abs(g) + 1e-7))
    _, eff = widgets.effective_step_sizes("adam", "dlfs", lr=0.1, decay=0.999, steps=1)
    np.testing.assert_allclose(eff[0], 0.1 / (np.abs(g) + 1e-8))       # bias-corrected v̂ = g²
    _, eff = widgets.effective_step_sizes("rmsprop", "dlfs", lr=0.1, decay=0.9, steps=300)
    assert eff[-1, 0] > 3 * eff[:20, 0].min()                # grows again once gradients are small
    with pytest.raises(ValueError):
        widgets.effective_step_sizes("sgd")
    with pytest.raises(ValueError):
        widgets.effective_step_sizes("adam", decay=1.0)


def _change_each_control(box, new_values):
    for name, value in new_values.items():
        before = box.output.draws
        box.controls[name].value = value
        assert box.output.draws > before, name


def test_optimizer_playground_redraws_on_every_control_without_leaking():
    plt.close("all")
    box = widgets.optimizer_playground()
    assert set(box.controls) == {"surface", "x0", "y0", "names", "lr", "beta", "steps"}
    assert box.output.draws == 1
    _change_each_control(box, {"x0": -5.0, "y0": 1.0, "names": ("sgd", "nesterov", "rmsprop"),
                                "lr": 0.05, "beta": 0.5, "steps": 60})
    before = box.output.draws
    box.controls["surface"].value = "rosenbrock"
    assert box.output.draws == before + 1                    # one redraw, after the sliders moved
    s = surfaces.get("rosenbrock")
    assert (box.controls["x0"].min, box.controls["x0"].max) == s.xlim
    assert (box.controls["x0"].value, box.controls["y0"].value) == s.start
    assert box.controls["lr"].value == widgets.PLAYGROUND_LR["rosenbrock"]
    # every surface's η is one of the slider's options, set exactly (nothing for the browser to
    # round and send back), and the options run 1, 2, 5 per decade
    assert set(widgets.PLAYGROUND_LR.values()) <= {lr for _, lr in box.controls["lr"].options}
    assert widgets.PLAYGROUND_LRS[:4] == (1e-4, 2e-4, 5e-4, 1e-3)
    assert widgets.PLAYGROUND_LRS[-1] == 2.0
    assert [label for label, _ in box.controls["lr"].options][:3] == ["0.0001", "0.0002", "0.0005"]
    _change_each_control(box, {"x0": 0.0, "lr": 0.001})
    assert plt.get_fignums() == []



class _BrowserSlider:
    """What the browser does with the state updates the kernel sends a FloatSlider (ipywidgets 8's
    slider view over noUiSlider): after each update it clamps the value to [min, max] and snaps it
    to the grid min + k·step, and a value it changed goes back to the kernel (a drifting slider,
    extra redraws). Records every update after which the browser would show another value."""

    def __init__(self, slider):
        self.state = {k: slider.get_state()[k] for k in ("min", "max", "value", "step")}
        self.problems = []
        self._check("when built")
        slider._send = self.receive          # the updates the kernel sends, in order

    def shown(self):
        lo, hi, value, step = (self.state[k] for k in ("min", "max", "value", "step"))
        value = min(max(value, lo), hi)
        return min(lo + round((value - lo) / step) * step, hi)

    def _check(self, when):
        if abs(self.shown() - self.state["value"]) > 1e-9 * (self.state["max"] - self.state["min"]):
            self.problems.append(f"{when}: the browser shows {self.shown():.6g} for the value "
                                 f"{self.state['value']:.6g} ({self.state})")

    def receive(self, msg, buffers=None):
        state = msg["state"]
        self.state.update({k: v for k, v in state.items() if k in self.state})
        self._check(f"after the update {state}")


def test_playground_start_sliders_follow_every_surface_switch(monkeypatch):
    """Switching the surface gives each start slider the new surface's range and start, in the
    kernel and in the browser (one consistent update, the start on the slider's step grid), and
    the figure drawn (once) starts from the sliders' values."""
    plt.close("all")
    drawn = []

    def plot_and_record(surface, paths, **kwargs):
        fig = plot_playground(surface, paths, **kwargs)
        dot = [line for line in fig.axes[0].lines if line.get_label() == "start"][0]
        drawn.append((surface, (dot.get_xdata()[0], dot.get_ydata()[0]),
                      {name: tuple(p[0]) for name, p in paths.items()}))
        return fig

    plot_playground = widgets.plot_playground
    monkeypatch.setattr(widgets.ch04_optimizers, "plot_playground", plot_and_record)
    names = surfaces.names()
    for first in names:
        box = widgets.optimizer_playground(surface=first)
        x0, y0 = box.controls["x0"], box.controls["y0"]
        browser = {"x0": _BrowserSlider(x0), "y0": _BrowserSlider(y0)}
        for name in [step for other in names if other != first for step in (other, first)]:
            draws = box.output.draws
            box.controls["surface"].value = name             # every switch a -> b and back
            assert box.output.draws == draws + 1
            s = surfaces.get(name)
            for key, slider, (lo, hi), start in (("x0", x0, s.xlim, s.start[0]),
                                                 ("y0", y0, s.ylim, s.start[1])):
                where = f"{first} -> {name}, {key}"
                assert (slider.min, slider.max) == (lo, hi), where
                assert slider.min <= slider.value <= slider.max, where
                assert slider.value == start, where
                assert browser[key].problems == [], where
                assert browser[key].shown() == pytest.approx(start, abs=1e-9), where
            surface, dot, starts = drawn[-1]
            assert surface == name
            assert dot == (x0.value, y0.value)
            assert all(p == (x0.value, y0.value) for p in starts.values()), starts
    assert plt.get_fignums() == []


def test_effective_step_explorer_redraws_on_every_control_without_leaking():
    plt.close("all")
    box = widgets.effective_step_explorer()
    assert set(box.controls) == {"surface", "names", "lr", "decay", "steps"}
    _change_each_control(box, {"surface": "ill_conditioned", "names": ("adagrad", "adam"), "lr": 0.02,
                               "decay": 0.99, "steps": 200})
    assert plt.get_fignums() == []


# ================================================================ (d) course_lib additions

class _Mean:
    """A duck-typed 'network' whose per-example gradient is the example itself: g = mean of rows."""

    def __init__(self, dim):
        self.params = {"w": np.zeros(dim)}

    def loss(self, x, t):
        return float(np.mean(x @ self.params["w"]))

    def loss_and_gradient(self, x, t):
        return self.loss(x, t), {"w": x.mean(axis=0)}


def test_gradient_noise_matches_the_sampling_formula():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(400, 5))
    t = np.zeros(400, dtype=int)
    sizes = [1, 4, 16, 100]
    noise = experiment.gradient_noise(_Mean(5), x, t, sizes, repeats=400, seed=0)
    trace = np.sum(np.var(x, axis=0, ddof=1))
    theory = np.sqrt(trace / np.array(sizes) * (400 - np.array(sizes)) / 399)
    np.testing.assert_allclose(noise, theory, rtol=0.1)
    assert experiment.gradient_noise(_Mean(5), x, t, [400], repeats=3)[0] < 1e-12   # B = N: no noise


def test_gradient_noise_and_loss_curve_reject_bad_input():
    x, t = np.zeros((10, 3)), np.zeros(10, dtype=int)
    for bad in ([0], [11], [2.5], []):
        with pytest.raises(ValueError):
            experiment.gradient_noise(_Mean(3), x, t, bad)
    with pytest.raises(ValueError):
        experiment.gradient_noise(_Mean(3), x, t, [2], repeats=0)
    with pytest.raises(ValueError):
        experiment.loss_curve(_Mean(3), optimizers.get("sgd"), x, t, batch_size=20, steps=5)
    with pytest.raises(ValueError):
        experiment.loss_curve(_Mean(3), optimizers.get("sgd"), x, t[:5], batch_size=2, steps=5)
    with pytest.raises(ValueError):
        experiment.loss_curve(_Mean(3), optimizers.get("sgd"), x, t, batch_size=2, steps=0)


def test_loss_curve_records_the_full_loss_and_the_training_time():
    from course_lib.network import MLP
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 4)).astype(np.float32)
    t = (x[:, 0] > 0).astype(int)
    run = experiment.loss_curve(MLP([4, 8, 2], seed=0), optimizers.get("sgd", lr=0.5), x, t,
                               batch_size=60, steps=25, eval_every=10)
    np.testing.assert_array_equal(run["step"], [0, 10, 20, 25])
    assert run["loss"][0] == pytest.approx(MLP([4, 8, 2], seed=0).loss(x, t))
    assert run["loss"][-1] < run["loss"][0]
    assert run["time"][0] == 0 and np.all(np.diff(run["time"]) >= 0)
    # full batch is deterministic; the same seed gives the same mini-batch run
    again = experiment.loss_curve(MLP([4, 8, 2], seed=0), optimizers.get("sgd", lr=0.5), x, t,
                                 batch_size=60, steps=25, eval_every=10)
    np.testing.assert_array_equal(run["loss"], again["loss"])
    a, b = (experiment.loss_curve(MLP([4, 8, 2], seed=0), optimizers.get("sgd", lr=0.5), x, t,
                                 batch_size=7, steps=30, eval_every=5, seed=3)["loss"] for _ in range(2))
    np.testing.assert_array_equal(a, b)


def test_fit_power_law():
    x = np.array([1.0, 2.0, 8.0, 32.0])
    slope, c = experiment.fit_power_law(x, 3.0 * x ** -0.5)
    assert slope == pytest.approx(-0.5) and c == pytest.approx(3.0)
    with pytest.raises(ValueError):
        experiment.fit_power_law([1.0, 2.0], [1.0, -1.0])
    with pytest.raises(ValueError):
        experiment.fit_power_law([1.0], [1.0])


@pytest.mark.parametrize("name, point, want", [
    ("dlfs", (3.0, -1.0), [[0.1, 0.0], [0.0, 2.0]]),
    ("ill_conditioned", (0.5, 0.5), [[1.0, 0.0], [0.0, 25.0]]),
    ("saddle", (0.0, 0.0), [[2.0, 0.0], [0.0, -1.0]]),
    ("saddle", (0.3, 2.0), [[2.0, 0.0], [0.0, 3 * 4.0 - 1.0]]),
    ("rosenbrock", (1.0, 1.0), [[802.0, -400.0], [-400.0, 200.0]]),
    ("rosenbrock", (-1.2, 1.0), [[2 - 400 * (1.0 - 3 * 1.44), 480.0], [480.0, 200.0]]),
])
def test_hessian_against_the_analytic_one(name, point, want):
    np.testing.assert_allclose(surfaces.hessian(name, point), want, rtol=1e-5, atol=1e-4)


def test_hessian_rejects_bad_input():
    with pytest.raises(ValueError):
        surfaces.hessian("dlfs", (1.0,))
    with pytest.raises(ValueError):
        surfaces.hessian("dlfs", (0.0, 0.0), h=0)


def test_decay_comparison_follows_the_two_formulas():
    rng = np.random.default_rng(0)
    x = rng.random((256, 12)).astype(np.float32)
    x[:, :3] = 0.0                                          # three silent inputs
    t = rng.integers(0, 10, 256)
    d = experiment.decay_comparison(x, t, x[:50], t[:50], weight_decay=0.5, lr=0.01, steps=30, batch_size=32,
                                    hidden=16)
    assert d["silent_inputs"] == 3
    assert d["adamw_factor"] == pytest.approx((1 - 0.01 * 0.5) ** 30)
    assert d["AdamW"]["silent_shrink"] == pytest.approx(d["adamw_factor"], rel=1e-5)
    assert d["Adam"]["silent_shrink"] == pytest.approx(1.0)
    assert d["Adam + L2"]["silent_shrink"] < d["AdamW"]["silent_shrink"]
    with pytest.raises(ValueError, match="weight_decay"):
        experiment.decay_comparison(x, t, x, t, weight_decay=0.0)
    with pytest.raises(ValueError, match="no input column is 0"):
        experiment.decay_comparison(x[:, 3:], t, x[:, 3:], t, steps=2)
