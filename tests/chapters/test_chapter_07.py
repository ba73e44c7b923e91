"""Chapter 07 (hyperparameter search): the key numbers of an executed run of the solution notebook,
the exercise checkers against the common mistakes, the region explorer, and course_lib.search."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import search, widgets  # noqa: E402
from course_lib.experiments import ch07_hyperparameter_search as experiment  # noqa: E402
from course_lib.exercises import run_check  # noqa: E402
from claims import stale_quotes, unchecked  # noqa: E402
from notebook_run import NOTEBOOKS, run_notebook  # noqa: E402

CHAPTER = NOTEBOOKS / "solutions" / "07_hyperparameter_search.ipynb"
VARIABLES = ["five_val", "winner", "shares", "FULL_SEARCH", "N_TRIALS", "EPOCHS", "round1", "round2", "space2",
             "best_per_round", "chosen", "retrained_val", "test_acc", "comparison", "with_ends", "decay",
             "per_step", "over_run", "folds", "seeds", "binomial", "test_acc_400", "rho"]

#: The summary's sentences that compare or quantify, each with the test that proves it under the chapter's
#: seeded settings. Every other such sentence of a "What you should see" is printed from the variables.
QUOTED = {
    "the best of many noisy scores is optimistic": "test_the_winner_of_100_equal_models_looks_better_than_it_is",
    "move the range past its edge when the best trials crowd it": "test_coarse_to_fine_goes_past_the_edge_and_improves",
    "λ between 10⁻⁸ and 10⁻⁴ could not matter here (ηλ ≤ 10⁻⁶ a step); λ = 0.1 did":
        "test_the_weight_decay_range_could_not_matter",
    "A 100-image score is noisy by several points": "test_a_100_image_score_is_noisy_and_folds_firm_it_up",
    "small gaps between trials are luck": "test_a_100_image_score_is_noisy_and_folds_firm_it_up",
    "random search** tries more values of the hyperparameters that matter than a grid does, even a fair, centred grid":
        "test_random_beats_grid_when_one_hyperparameter_matters",
}


def test_every_claim_is_printed_or_checked():
    assert not unchecked(CHAPTER, QUOTED) and not stale_quotes(CHAPTER, QUOTED)
    assert all(name in globals() for name in QUOTED.values())


@pytest.fixture(scope="module")
def chapter():
    return run_notebook(CHAPTER, variables=VARIABLES)


def _spearman(a, b):
    ra, rb = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    return float(np.corrcoef(ra, rb)[0, 1])


# ---------------------------------------------------------------- the chapter's key numbers

def test_the_learning_rate_decides_between_chance_and_success(chapter):
    v = chapter["five_val"]
    assert v["lr = 1e-05"] < 0.2 and v["lr = 0.0001"] < 0.2
    assert v["lr = 0.1"] > v["lr = 0.01"] > v["lr = 0.001"]
    assert v["lr = 0.1"] > 0.7


def test_the_winner_of_100_equal_models_looks_better_than_it_is(chapter):
    assert 0.87 < chapter["winner"] < 0.92           # all are truly 0.80


def test_log_uniform_fills_every_decade(chapter):
    uniform, logu = np.array(chapter["shares"]["uniform"]), np.array(chapter["shares"]["log-uniform"])
    assert uniform[-1] > 0.85 and uniform[0] < 0.01
    assert np.all(np.abs(logu - 0.25) < 0.02)


def test_reduced_search_by_default(chapter):
    assert chapter["FULL_SEARCH"] is False
    assert (chapter["N_TRIALS"], chapter["EPOCHS"]) == (20, 25)
    assert len(chapter["round1"]) == 20 and len(chapter["round2"]) == 10


def test_round_1_learning_rate_matters_weight_decay_hardly(chapter):
    r1 = chapter["round1"]
    lr, wd, val = (np.array([t[k] for t in r1]) for k in ("lr", "weight_decay", "val_acc"))
    assert np.all((lr >= 1e-6) & (lr <= 1e-2)) and np.all((wd >= 1e-8) & (wd <= 1e-4))
    assert _spearman(np.log(lr), val) > 0.7
    assert abs(_spearman(np.log(wd), val)) < _spearman(np.log(lr), val) - 0.3
    assert lr[np.argmax(val)] > 1e-3                  # the best trials sit at the right edge


def test_coarse_to_fine_goes_past_the_edge_and_improves(chapter):
    lo, hi = chapter["space2"]["lr"]
    assert hi == pytest.approx(0.1) and lo > 1e-6                 # a decade past the crowded edge 1e-2
    r2_lr = np.array([t["lr"] for t in chapter["round2"]])
    assert np.all((r2_lr >= lo) & (r2_lr <= hi)) and np.any(r2_lr > 1e-2)
    first, second = chapter["best_per_round"]
    assert second > first + 0.1


def test_the_search_reaches_the_first_slides_good_learning_rate(chapter):
    chosen, slide = chapter["chosen"], chapter["five_val"]["lr = 0.1"]
    assert chosen["lr"] > 1e-2
    assert abs(slide - chosen["val_acc"]) <= 0.04                  # within the noise of 100 images


def test_chosen_by_validation_and_tested_once(chapter):
    every = [t["val_acc"] for t in chapter["round1"] + chapter["round2"]]
    assert chapter["chosen"]["val_acc"] == np.nanmax(every)
    assert chapter["retrained_val"] == chapter["chosen"]["val_acc"]      # the same network, reproduced
    assert 0.5 < chapter["test_acc"] < chapter["chosen"]["val_acc"] + 0.05


def test_retraining_on_train_and_validation_helps(chapter):
    assert chapter["test_acc"] > chapter["test_acc_400"]
    # Whether the 400-image net tests below its validation score (the winner's luck) is printed with the
    # word that fits, not asserted: 0.843 against 0.83 on AVX2 kernels, below it on the machine the chapter
    # was written on. The winner's luck itself is shown in section 1 (test_the_winner_of_100_...).


def test_the_weight_decay_range_could_not_matter(chapter):
    assert chapter["per_step"] == pytest.approx(1e-6) and chapter["over_run"] < 1e-3
    assert abs(chapter["rho"]["weight_decay"]) < 0.3 < chapter["rho"]["lr"]
    d = chapter["decay"]
    assert abs(d["0.01"] - d["0.0"]) <= 0.04                        # λ = 0.01: within the noise
    assert d["0.1"] < d["0.0"] - 0.2                                # λ = 0.1: it matters


def test_a_100_image_score_is_noisy_and_folds_firm_it_up(chapter):
    folds, seeds = np.array(chapter["folds"]), np.array(chapter["seeds"])
    assert len(folds) == len(seeds) == 5
    assert 0.025 < folds.std(ddof=1) < 0.07 and 0.03 < chapter["binomial"] < 0.05        # several points
    assert folds.max() - folds.min() > 0.05 and seeds.max() - seeds.min() > 0.03
    assert seeds[0] == chapter["chosen"]["val_acc"]                  # seed 0 is the search's own run
    vals = sorted((t["val_acc"] for t in chapter["round1"] + chapter["round2"]), reverse=True)
    assert vals[0] - vals[1] < 2 * folds.std(ddof=1)                 # the top two: a gap smaller than the noise


def test_random_beats_grid_when_one_hyperparameter_matters(chapter):
    c, ends = chapter["comparison"], chapter["with_ends"]
    assert c["grid"]["trials"] == c["random"]["trials"] == 9
    assert c["grid"]["distinct"] == 3 and c["random"]["distinct"] == 9
    assert c["random"]["best"] > c["grid"]["best"] + 0.1            # against the fair, centred grid
    assert c["random_wins"] > 0.6
    assert ends["grid"]["best"] < c["grid"]["best"] - 0.1           # the grid with its ends inflated the win
    assert ends["random_wins"] > c["random_wins"]


# ---------------------------------------------------------------- exercise checkers

def test_07_log_uniform_checker():
    def right(low, high, size, rng):
        return 10 ** rng.uniform(np.log10(low), np.log10(high), size)

    assert run_check("07-log-uniform", right).passed is True
    assert run_check("07-log-uniform", lambda lo, hi, n, rng: np.exp(rng.uniform(np.log(lo), np.log(hi), n))).passed
    mistakes = {
        "uniform first, then the log": lambda lo, hi, n, rng: np.log10(rng.uniform(lo, hi, n)),
        "uniform sampling on the linear scale": lambda lo, hi, n, rng: rng.uniform(lo, hi, n),
        "U(log10 low, log10 high)": lambda lo, hi, n, rng: 10 ** rng.uniform(lo, hi, n),
        "not np.exp(u)": lambda lo, hi, n, rng: np.exp(rng.uniform(np.log10(lo), np.log10(hi), n)),
        "use np.log10": lambda lo, hi, n, rng: 10 ** rng.uniform(np.log(lo), np.log(hi), n),
        "not fixed numbers": lambda lo, hi, n, rng: 10 ** rng.uniform(-6, -2, n),
        "not with np.random": lambda lo, hi, n, rng: 10 ** np.random.uniform(np.log10(lo), np.log10(hi), n),
        "expected shape": lambda lo, hi, n, rng: 10 ** rng.uniform(np.log10(lo), np.log10(hi)),
        "ignores rng": lambda lo, hi, n, rng: np.logspace(np.log10(lo), np.log10(hi), n),
        "np.logspace": lambda lo, hi, n, rng: np.logspace(np.log10(lo), np.log10(hi), n),
        "not uniform": lambda lo, hi, n, rng: 10 ** np.clip(rng.normal(np.log10(lo * hi) / 2, 1, n),
                                                             np.log10(lo), np.log10(hi)),
    }
    for hint, answer in mistakes.items():
        outcome = run_check("07-log-uniform", answer)
        assert outcome.passed is False and hint in outcome.message, (hint, outcome.message)


def test_07_pick_best_checker():
    def right(trials):
        return int(np.nanargmax([t["val_acc"] for t in trials]))

    assert run_check("07-pick-best", right).passed is True
    mistakes = {
        "best TEST accuracy": lambda tr: int(np.nanargmax([t["test_acc"] for t in tr])),
        "best TRAINING accuracy": lambda tr: int(np.nanargmax([t["train_acc"] for t in tr])),
        "diverged trial": lambda tr: int(np.argmax([t["val_acc"] for t in tr])),
        "LOWEST": lambda tr: int(np.nanargmin([t["val_acc"] for t in tr])),
        "averaging validation and test": lambda tr: int(np.nanargmax([(t["val_acc"] + t["test_acc"]) / 2
                                                                      for t in tr])),
        "smallest gap": lambda tr: int(np.nanargmin([t["train_acc"] - t["val_acc"] for t in tr])),
        "return its index": lambda tr: tr[right(tr)],
        "On a tie": lambda tr: len(tr) - 1 - int(np.nanargmax([t["val_acc"] for t in tr][::-1])),
    }
    for hint, answer in mistakes.items():
        outcome = run_check("07-pick-best", answer)
        assert outcome.passed is False and hint in outcome.message, (hint, outcome.message)


# ---------------------------------------------------------------- the explorer

def _fake_trials(n=30, seed=0):
    trials = []
    for c in search.random_configs({"lr": (1e-6, 1e-2), "weight_decay": (1e-8, 1e-4)}, n, seed=seed):
        curve = np.clip(np.linspace(0.1, 0.1 + 80 * c["lr"], 11), 0, 1)
        h = {"eval_step": np.arange(0, 44, 4), "val_acc": curve, "train_acc": curve + 0.05}
        trials.append({**c, "val_acc": float(curve[-1]), "train_acc": float(curve[-1] + 0.05), "history": h})
    trials[3]["val_acc"] = float("nan")
    return trials


def test_search_region():
    trials = _fake_trials()
    inside, best = widgets.search_region(trials, (-6, -2), (-8, -4))
    assert sorted(inside) == list(range(30))
    vals = [trials[i]["val_acc"] for i in inside]
    assert np.isnan(vals[-1]) and vals[:-1] == sorted(vals[:-1], reverse=True)
    assert best == inside[0] == int(np.nanargmax([t["val_acc"] for t in trials]))
    inside, best = widgets.search_region(trials, (-3, -2), (-8, -4))
    assert all(1e-3 <= trials[i]["lr"] <= 1e-2 for i in inside)
    assert widgets.search_region(trials, (-1.5, -1.0), (-8, -4)) == ([], None)


def test_plot_search_region_fits_and_handles_an_empty_region():
    trials = _fake_trials()
    for region in [((-3, -2), (-8, -4)), ((-1.5, -1.0), (-8, -4))]:
        fig = widgets.plot_search_region(trials, *region)
        assert fig.get_size_inches()[1] <= 3.8
        fig.draw_without_rendering()
        plt.close(fig)


def test_search_region_explorer_redraws_without_leaking_figures():
    plt.close("all")
    box = widgets.search_region_explorer(_fake_trials())
    assert set(box.controls) == {"log_lr", "log_wd"}
    assert box.output.draws == 1
    box.controls["log_lr"].value = (-5.0, -3.0)
    box.controls["log_wd"].value = (-7.0, -5.0)
    assert box.output.draws == 3
    assert plt.get_fignums() == []
    with pytest.raises(ValueError, match="empty"):
        widgets.search_region_explorer([])


def test_plot_search_region_shows_an_empty_region():
    fig = widgets.plot_search_region(_fake_trials(), (-1.5, -0.5), (-8, -4))
    left, right = fig.axes[0], fig.axes[1]
    assert left.get_title() == "0 of 30 trials inside" and right.get_title() == "no trial inside"
    assert left.patches[-1].get_x() == pytest.approx(10 ** -1.5)      # the region's rectangle


def test_search_region_explorer_opens_on_the_example_search(monkeypatch):
    assert len(widgets.example_search(3, 1)) == 3
    monkeypatch.setattr(widgets.ch07_hyperparameter_search, "example_search", lambda: _fake_trials(12))
    box = widgets.search_region_explorer()
    assert box.output.draws == 1
    box.controls["log_lr"].value = (-5.0, -3.0)
    assert box.output.draws == 2 and plt.get_fignums() == []


# ---------------------------------------------------------------- course_lib.search

def test_validation_split_is_disjoint_stratified_and_seeded():
    x = np.arange(500).reshape(-1, 1)
    t = np.repeat(np.arange(10), 50)
    (xa, ta), (xv, tv) = search.validation_split(x, t, val_size=0.2, seed=0)
    assert len(xa) == 400 and len(xv) == 100
    assert sorted(np.concatenate([xa, xv]).ravel().tolist()) == list(range(500))     # disjoint, complete
    np.testing.assert_array_equal(ta, t[xa.ravel()])
    assert np.all(np.bincount(tv, minlength=10) == 10)                             # stratified
    (xa2, _), (xv2, _) = search.validation_split(x, t, val_size=0.2, seed=0)
    np.testing.assert_array_equal(xv, xv2)
    (_, _), (xv3, _) = search.validation_split(x, t, val_size=0.2, seed=1)
    assert not np.array_equal(np.sort(xv.ravel()), np.sort(xv3.ravel()))
    (_, _), (xv4, _) = search.validation_split(x, t, val_size=37, seed=0, stratify=False)
    assert len(xv4) == 37


def test_validation_split_keeps_class_shares_when_unbalanced():
    t = np.array([0] * 300 + [1] * 100 + [2] * 100)
    (_, ta), (_, tv) = search.validation_split(np.zeros((500, 2)), t, val_size=0.2, seed=3)
    counts = np.bincount(tv, minlength=3)
    assert np.all(np.abs(counts - [60, 20, 20]) <= 1)


@pytest.mark.parametrize("bad", [0, 1.0, 500, -3, "0.2", True])
def test_validation_split_rejects_bad_sizes(bad):
    with pytest.raises(ValueError, match="val_size"):
        search.validation_split(np.zeros((500, 2)), np.zeros(500, int), val_size=bad)


def test_validation_split_needs_matching_lengths():
    with pytest.raises(ValueError, match="rows"):
        search.validation_split(np.zeros((5, 2)), np.zeros(4, int))


def test_log_uniform():
    v = search.log_uniform(1e-6, 1e-2, 40_000, seed=0)
    assert v.min() >= 1e-6 and v.max() <= 1e-2
    shares = np.histogram(np.log10(v), bins=[-6, -5, -4, -3, -2])[0] / v.size
    assert np.all(np.abs(shares - 0.25) < 0.01)
    np.testing.assert_array_equal(v[:5], search.log_uniform(1e-6, 1e-2, 40_000, seed=0)[:5])
    assert np.isscalar(search.log_uniform(0.1, 1.0)) or np.ndim(search.log_uniform(0.1, 1.0)) == 0
    for low, high in [(0, 1), (1e-3, 1e-3), (1e-2, 1e-3), (-1, 1), (1e-3, np.inf)]:
        with pytest.raises(ValueError):
            search.log_uniform(low, high, 3)
    with pytest.raises(TypeError, match="seed"):
        search.log_uniform(1e-3, 1e-2, 3, seed="0")


def test_random_and_grid_configs():
    space = {"lr": (1e-6, 1e-2), "weight_decay": (1e-8, 1e-4)}
    configs = search.random_configs(space, 50, seed=2)
    assert len(configs) == 50 and all(set(c) == {"lr", "weight_decay"} for c in configs)
    assert all(1e-6 <= c["lr"] <= 1e-2 and 1e-8 <= c["weight_decay"] <= 1e-4 for c in configs)
    assert configs == search.random_configs(space, 50, seed=2)
    grid = search.grid_configs(space, 3)
    assert len(grid) == 9
    np.testing.assert_allclose(sorted({c["lr"] for c in grid}), [1e-6, 1e-4, 1e-2])
    assert len({(c["lr"], c["weight_decay"]) for c in grid}) == 9
    np.testing.assert_allclose(search.grid_configs({"a": (1e-4, 1e-2)}, 1)[0]["a"], 1e-3)
    with pytest.raises(ValueError, match="positive integer"):
        search.random_configs(space, 0)
    with pytest.raises(TypeError, match="dict"):
        search.random_configs([(1e-6, 1e-2)], 3)
    with pytest.raises(ValueError, match="pair"):
        search.grid_configs({"lr": 1e-3}, 3)


def _trials(vals, lrs=None):
    lrs = lrs or [10.0 ** -(i + 1) for i in range(len(vals))]
    return [{"lr": lr, "weight_decay": 1e-6, "val_acc": v} for lr, v in zip(lrs, vals)]


def test_best_and_top_trials():
    trials = _trials([0.5, float("nan"), 0.9, 0.9, 0.1])
    assert search.best_trial(trials) == 2                     # NaN skipped, first of a tie
    assert search.top_trials(trials, 3) == [2, 3, 0]
    np.testing.assert_array_equal(np.isnan(search.column(trials, "val_acc")), [0, 1, 0, 0, 0])
    assert np.isnan(search.column(trials, "test_acc")).all()
    with pytest.raises(ValueError, match="test accuracy"):
        search.best_trial(trials, key="test_acc")
    with pytest.raises(ValueError, match="all diverged"):
        search.best_trial(_trials([float("nan")] * 3))
    with pytest.raises(ValueError, match="no trials"):
        search.best_trial([])


def test_narrow_space():
    trials = _trials([0.1, 0.8, 0.9, 0.7, float("nan")], lrs=[1e-6, 1e-3, 1e-2, 1e-4, 1.0])
    space = search.narrow_space(trials, ["lr"], top=3, margin=0.5)
    lo, hi = space["lr"]
    assert lo == pytest.approx(10 ** -4.5) and hi == pytest.approx(10 ** -1.5)     # past the old edge 1e-2
    assert search.narrow_space(trials, ["lr"], top=1, margin=0.0)["lr"] == pytest.approx((1e-2, 1e-2))
    with pytest.raises(ValueError, match="finite"):
        search.narrow_space(_trials([float("nan")]), ["lr"])


def test_in_region_is_inclusive():
    trials = _trials([0.1, 0.2, 0.3], lrs=[1e-4, 1e-3, 1e-2])
    assert search.in_region(trials, {"lr": (1e-4, 1e-3)}) == [0, 1]
    assert search.in_region(trials, {"lr": (1e-4, 1e-2), "weight_decay": (1e-5, 1e-4)}) == []


def test_run_trials_merges_configs_and_results():
    configs = [{"a": 1.0, "b": 2.0}, {"a": 3.0, "b": 4.0}]
    trials = search.run_trials(lambda a, b: {"val_acc": a + b}, configs, progress=False)
    assert trials == [{"a": 1.0, "b": 2.0, "val_acc": 3.0}, {"a": 3.0, "b": 4.0, "val_acc": 7.0}]
    with pytest.raises(TypeError, match="return a dict"):
        search.run_trials(lambda a, b: a, configs, progress=False)
    with pytest.raises(TypeError, match="function"):
        search.run_trials(3, configs, progress=False)


def test_peaked_score():
    np.testing.assert_allclose(experiment.peaked_score([1e-3, 10 ** -2.75], peak=-3.0, width=0.25),
                               [1.0, np.exp(-0.5)])


def test_grid_vs_random():
    space = {"a": (1e-4, 1e-1), "b": (1e-4, 1e-1)}
    c = experiment.grid_vs_random(space, "a", per_axis=3, problems=300, seed=0)
    assert c == experiment.grid_vs_random(space, "a", per_axis=3, problems=300, seed=0)
    assert c["grid"]["distinct"] == 3 and c["random"]["distinct"] == 9
    assert c["random"]["best"] > c["grid"]["best"]
    c5 = experiment.grid_vs_random({**space, "c": (1e-3, 1e-1)}, "a", per_axis=2, problems=50, seed=1)
    assert c5["grid"]["trials"] == 8 and c5["grid"]["distinct"] == 2 and c5["random"]["distinct"] == 8
    with pytest.raises(ValueError, match="important"):
        experiment.grid_vs_random(space, "lr")


def test_mlp_trial_small_and_diverged():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 6)).astype(np.float32)
    t = (x[:, 0] > 0).astype(int)
    data = (x[:40], t[:40], x[40:], t[40:])
    out = experiment.mlp_trial(0.1, 1e-4, data, sizes=(6, 8, 2), epochs=5, batch_size=20, return_net=True)
    assert set(out) == {"val_acc", "train_acc", "history", "net"}
    assert out["val_acc"] == pytest.approx(out["net"].accuracy(x[40:], t[40:]))
    assert len(out["history"]["val_acc"]) == 6
    again = experiment.mlp_trial(0.1, 1e-4, data, sizes=(6, 8, 2), epochs=5, batch_size=20)
    assert again["val_acc"] == out["val_acc"] and "net" not in again
    diverged = experiment.mlp_trial(1e8, 0.0, (x[:40] * 1e3, t[:40], x[40:], t[40:]), sizes=(6, 8, 2),
                                epochs=5, batch_size=20)
    assert np.isnan(diverged["val_acc"]) and np.isnan(diverged["train_acc"])


# ---------------------------------------------------------------- the content-pass experiments

def _tiny(n=100, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype(np.float32)
    return x, (x[:, 0] > 0).astype(int)


def test_decay_per_step():
    per_step, over_run = experiment.decay_per_step(1e-2, 1e-4, 100)
    assert per_step == pytest.approx(1e-6) and over_run == pytest.approx(1 - (1 - 1e-6) ** 100)
    assert experiment.decay_per_step(0.1, 0.1, 0) == (pytest.approx(0.01), 0.0)
    with pytest.raises(ValueError, match="weight_decay"):
        experiment.decay_per_step(0.1, -1.0, 10)
    with pytest.raises(ValueError, match="steps"):
        experiment.decay_per_step(0.1, 0.1, 2.5)


def test_fit_final_trains_on_every_row_it_is_given():
    x, t = _tiny()
    net = experiment.fit_final(0.1, 0.0, x, t, sizes=(6, 8, 2), epochs=20, batch_size=20)
    assert net.accuracy(x, t) > 0.8
    again = experiment.fit_final(0.1, 0.0, x, t, sizes=(6, 8, 2), epochs=20, batch_size=20)
    np.testing.assert_array_equal(net.params["W1"], again.params["W1"])
    fewer = experiment.fit_final(0.1, 0.0, x[:60], t[:60], sizes=(6, 8, 2), epochs=20, batch_size=20)
    assert not np.array_equal(net.params["W1"], fewer.params["W1"])


def test_cross_validate_and_seed_spread():
    x, t = _tiny()
    folds = experiment.cross_validate(0.1, 0.0, x, t, k=4, sizes=(6, 8, 2), epochs=10, batch_size=25)
    assert len(folds) == 4 and all(0 <= f <= 1 for f in folds)
    (x_tr, t_tr), (x_val, t_val) = search.kfold_splits(x, t, k=4, seed=0)[1]
    second = experiment.mlp_trial(0.1, 0.0, (x_tr, t_tr, x_val, t_val), sizes=(6, 8, 2), epochs=10,
                                  batch_size=25)
    assert folds[1] == second["val_acc"]                     # fold i validates on kfold_splits' fold i
    seeds = experiment.seed_spread(0.1, 0.0, (x[:75], t[:75], x[75:], t[75:]), seeds=[0, 1, 2],
                                   sizes=(6, 8, 2), epochs=10, batch_size=25)
    first = experiment.mlp_trial(0.1, 0.0, (x[:75], t[:75], x[75:], t[75:]), sizes=(6, 8, 2), epochs=10,
                                 batch_size=25)
    assert len(seeds) == 3 and seeds[0] == first["val_acc"]
    with pytest.raises(ValueError, match="at least 2 seeds"):
        experiment.seed_spread(0.1, 0.0, (x[:75], t[:75], x[75:], t[75:]), seeds=[0])


def test_grid_vs_random_with_a_centred_grid():
    space = {"a": (1e-4, 1e-1), "b": (1e-4, 1e-1)}
    ends = experiment.grid_vs_random(space, "a", problems=300, seed=0)
    centred = experiment.grid_vs_random(space, "a", problems=300, seed=0, grid="centred")
    assert centred["random"] == ends["random"]                          # the same random trials
    assert centred["grid"]["distinct"] == 3
    assert ends["grid"]["best"] < centred["grid"]["best"] < centred["random"]["best"]
    with pytest.raises(ValueError, match="centred"):
        experiment.grid_vs_random(space, "a", grid="middle")
