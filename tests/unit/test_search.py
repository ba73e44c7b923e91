"""Unit tests of course_lib.search: the validation split, log-uniform sampling, grid and random
configurations, ranking trials."""
import numpy as np
import pytest

from course_lib import search


def test_validation_split_is_stratified_seeded_and_disjoint():
    x = np.arange(200, dtype=np.float32).reshape(100, 2)
    t = np.repeat(np.arange(4), 25)
    (xa, ta), (xv, tv) = search.validation_split(x, t, val_size=0.2, seed=0)
    assert len(xv) == 20 and len(xa) == 80 and np.bincount(tv).tolist() == [5, 5, 5, 5]
    assert not set(xa[:, 0]) & set(xv[:, 0])
    (_, _), (xv2, _) = search.validation_split(x, t, val_size=0.2, seed=0)
    np.testing.assert_array_equal(xv, xv2)


def test_log_uniform_spreads_evenly_over_the_decades():
    v = search.log_uniform(1e-6, 1e-2, 20_000, seed=0)
    assert v.min() >= 1e-6 and v.max() <= 1e-2
    per_decade = np.histogram(np.log10(v), bins=4, range=(-6, -2))[0] / v.size
    np.testing.assert_allclose(per_decade, 0.25, atol=0.02)
    with pytest.raises(ValueError, match="> 0"):
        search.log_uniform(0, 1)
    with pytest.raises(TypeError, match="seed"):
        search.log_uniform(1e-3, 1e-2, 3, seed=None)


def test_grid_and_random_configs():
    space = {"lr": (1e-4, 1e-1), "weight_decay": (1e-8, 1e-4)}
    grid = search.grid_configs(space, 3)
    assert len(grid) == 9 and sorted({c["lr"] for c in grid}) == pytest.approx([1e-4, 10 ** -2.5, 1e-1])
    configs = search.random_configs(space, 7, seed=1)
    assert len(configs) == 7 and configs == search.random_configs(space, 7, seed=1)
    assert search.search_space(space) == {"lr": (1e-4, 1e-1), "weight_decay": (1e-8, 1e-4)}
    with pytest.raises(TypeError, match="space must be a dict"):
        search.search_space([("lr", (1e-4, 1e-1))])


def test_best_and_top_trials_rank_by_validation_accuracy_and_skip_nan():
    trials = [{"lr": 0.1, "val_acc": 0.5}, {"lr": 0.2, "val_acc": float("nan")}, {"lr": 0.3, "val_acc": 0.9}]
    assert search.best_trial(trials) == 2
    assert search.top_trials(trials, k=3) == [2, 0]                  # a NaN score is never among the best
    assert search.in_region(trials, {"lr": (0.15, 0.35)}) == [1, 2]
    np.testing.assert_allclose(search.column(trials, "lr"), [0.1, 0.2, 0.3])
