"""course_lib.search, the tools added for chapter 07's content pass: the centred grid, the coarse-to-fine
step past an edge, k-fold splits, the standard error and the rank correlation."""
import math

import numpy as np
import pytest

from course_lib import search


def test_centred_grid_keeps_off_the_boundary():
    grid = search.centred_grid_configs({"a": (1e-4, 1e-1), "b": (1e-4, 1e-1)}, 3)
    assert len(grid) == 9
    np.testing.assert_allclose(sorted({c["a"] for c in grid}), [10 ** -3.5, 10 ** -2.5, 10 ** -1.5])
    assert len({(c["a"], c["b"]) for c in grid}) == 9
    one = search.centred_grid_configs({"a": (1e-4, 1e-2)}, 1)
    np.testing.assert_allclose(one[0]["a"], 1e-3)                      # the geometric middle
    with pytest.raises(ValueError, match="per_axis"):
        search.centred_grid_configs({"a": (1e-4, 1e-2)}, 0)


def _trials(lrs, vals):
    return [{"lr": lr, "weight_decay": 1e-6, "val_acc": v} for lr, v in zip(lrs, vals)]


def test_extend_space_moves_past_a_crowded_edge_only():
    space = {"lr": (1e-6, 1e-2)}
    at_edge = _trials([10 ** -2.2, 10 ** -2.4, 1e-4, 1e-6], [0.8, 0.7, 0.2, 0.1])
    lo, hi = search.extend_space(at_edge, space, ["lr"], top=2, margin=0.5, extend=1.0)["lr"]
    assert hi == pytest.approx(1e-1) and lo == pytest.approx(10 ** -2.9)     # past the edge by 1 decade
    inside = _trials([1e-4, 10 ** -4.2, 1e-2], [0.8, 0.7, 0.1])
    lo, hi = search.extend_space(inside, space, ["lr"], top=2, margin=0.5)["lr"]
    assert (lo, hi) == pytest.approx((10 ** -4.7, 10 ** -3.5))            # = narrow_space: no edge crowded
    assert search.extend_space(inside, space, ["lr"], top=2)["lr"] == pytest.approx(
        search.narrow_space(inside, ["lr"], top=2)["lr"])
    low_edge = _trials([1e-6, 1e-2], [0.9, 0.1])
    assert search.extend_space(low_edge, space, ["lr"], top=1)["lr"][0] == pytest.approx(1e-7)
    with pytest.raises(ValueError, match="not in space"):
        search.extend_space(at_edge, space, ["momentum"])
    with pytest.raises(ValueError, match="extend"):
        search.extend_space(at_edge, space, ["lr"], extend=-1)


def test_kfold_splits_validate_every_row_once_stratified_and_seeded():
    x = np.arange(500).reshape(-1, 1)
    t = np.repeat(np.arange(10), 50)
    splits = search.kfold_splits(x, t, k=5, seed=0)
    assert len(splits) == 5
    seen = np.concatenate([xv.ravel() for (_, _), (xv, _) in splits])
    assert sorted(seen.tolist()) == list(range(500))                  # every row validated exactly once
    for (xa, ta), (xv, tv) in splits:
        assert len(xa) == 400 and len(xv) == 100
        assert not set(xa.ravel()) & set(xv.ravel())                   # disjoint
        np.testing.assert_array_equal(tv, t[xv.ravel()])
        assert np.all(np.bincount(tv, minlength=10) == 10)            # stratified
    again = search.kfold_splits(x, t, k=5, seed=0)
    np.testing.assert_array_equal(splits[2][1][0], again[2][1][0])
    other = search.kfold_splits(x, t, k=5, seed=1)
    assert not np.array_equal(np.sort(splits[0][1][0].ravel()), np.sort(other[0][1][0].ravel()))
    for bad in (1, 501, 2.5, True):
        with pytest.raises(ValueError, match="k"):
            search.kfold_splits(x, t, k=bad)
    with pytest.raises(ValueError, match="rows"):
        search.kfold_splits(x, t[:-1])


def test_standard_error():
    assert search.standard_error([0.8, 0.9]) == pytest.approx(np.std([0.8, 0.9], ddof=1) / math.sqrt(2))
    assert search.standard_error([0.7, 0.7, 0.7]) == pytest.approx(0.0, abs=1e-12)
    for bad in ([0.8], [0.8, float("nan")]):
        with pytest.raises(ValueError, match="at least 2 finite"):
            search.standard_error(bad)


def test_rank_correlation():
    assert search.rank_correlation([1, 2, 3, 4], [10, 20, 30, 1000]) == pytest.approx(1.0)    # monotone
    assert search.rank_correlation([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert search.rank_correlation([1, 2, 3, 4], [1, 3, 2, np.nan]) == pytest.approx(0.5)     # NaN left out
    # ties get their mean rank: ranks (0.5, 0.5, 2, 3) against (0, 1, 2, 3)
    want = np.corrcoef([0.5, 0.5, 2, 3], [0, 1, 2, 3])[0, 1]
    assert search.rank_correlation([1, 1, 2, 3], [1, 2, 3, 4]) == pytest.approx(want)
    with pytest.raises(ValueError, match="one value per trial"):
        search.rank_correlation([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="at least 3"):
        search.rank_correlation([1, 2, np.nan], [1, 2, 3])
    with pytest.raises(ValueError, match="constant"):
        search.rank_correlation([1, 1, 1], [1, 2, 3])
