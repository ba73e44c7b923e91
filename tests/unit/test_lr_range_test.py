"""search.lr_range_test: the learning-rate range test (Smith 2017; Géron ch. 11)."""
import numpy as np
import pytest

from course_lib import data, optimizers, search
from course_lib.network import MLP
from course_lib.training import TrainingDiverged, train


@pytest.fixture(scope="module")
def spirals():
    return data.make_spirals(300, classes=3, seed=0)


def _net():
    return MLP([2, 30, 30, 3], seed=0)


def _sgd(lr):
    return optimizers.get("sgd", lr=lr)


def test_the_rate_grows_geometrically_from_lr_min_to_lr_max(spirals):
    x, t = spirals
    r = search.lr_range_test(_net, _sgd, x, t, lr_min=1e-5, lr_max=1e-2, steps=40, batch_size=32)
    assert not r["diverged"] and r["steps"] == 40
    assert len(r["lr"]) == len(r["loss"]) == len(r["smoothed"]) == 40
    assert r["lr"][0] == pytest.approx(1e-5) and r["lr"][-1] == pytest.approx(1e-2)
    ratios = r["lr"][1:] / r["lr"][:-1]
    assert np.allclose(ratios, (1e-2 / 1e-5) ** (1 / 39))


def test_the_optimizer_runs_at_the_growing_rate(spirals):
    """Each update uses lr[k]: record what the optimizer was set to."""
    x, t = spirals
    seen = []

    class Recording(optimizers.SGD):
        def update(self, params, grads):
            seen.append(self.lr)
            super().update(params, grads)

    r = search.lr_range_test(_net, lambda lr: Recording(lr=lr), x, t, lr_min=1e-4, lr_max=1e-1, steps=25)
    assert np.allclose(seen, r["lr"])


def test_a_too_large_rate_stops_the_test_and_the_suggestion_sits_below_the_minimum(spirals):
    x, t = spirals
    r = search.lr_range_test(_net, _sgd, x, t, lr_min=1e-4, lr_max=100.0, steps=150, batch_size=32)
    assert r["diverged"] and 20 < r["steps"] < 150
    assert np.all(np.isfinite(r["loss"]))
    k = int(np.argmin(r["smoothed"]))
    assert r["lr_at_min"] == r["lr"][k]
    assert r["suggested"] == pytest.approx(r["lr_at_min"] / 10)
    # the loss climbs after its minimum: the last smoothed value is well above the lowest one
    assert r["smoothed"][-1] > 1.5 * r["smoothed"][k]
    assert r["loss"][0] > r["smoothed"][k]                    # and it fell before it


def test_the_smoothing_is_a_centred_mean_without_lag():
    y = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    assert np.allclose(search.centred_mean(y, 1), [1.5, 2.0, 3.0, 4.0, 4.5])
    spike = np.zeros(21)
    spike[10] = 1.0
    s = search.centred_mean(spike, 5)
    assert np.allclose(s, s[::-1])                          # centred on the spike: no shift
    assert np.allclose(s[5:16], 1 / 11) and s[4] == 0 == s[16]


def test_the_suggested_rate_trains_and_ten_times_the_minimum_does_not(spirals):
    """What the test is for: its suggestion beats lr_min, and going past the minimum hurts."""
    x, t = spirals
    r = search.lr_range_test(_net, _sgd, x, t, lr_min=1e-4, lr_max=100.0, steps=150, batch_size=32)

    def final_loss(lr):
        try:
            h = train(_net(), _sgd(lr), x, t, steps=300, batch_size=32, seed=0, progress=False)
        except TrainingDiverged:
            return np.inf
        return h["loss"][-30:].mean()

    suggested = final_loss(r["suggested"])
    assert suggested < 0.6 * final_loss(1e-4)
    assert final_loss(10 * r["lr_at_min"]) > 2 * suggested


def test_seeded_and_a_fresh_network_each_time(spirals):
    x, t = spirals
    calls = []

    def make():
        calls.append(1)
        return _net()

    a = search.lr_range_test(make, "sgd", x, t, lr_max=1.0, steps=30)
    b = search.lr_range_test(make, _sgd, x, t, lr_max=1.0, steps=30)
    c = search.lr_range_test(make, "sgd", x, t, lr_max=1.0, steps=30, seed=1)
    assert len(calls) == 3
    assert np.array_equal(a["loss"], b["loss"])                # a name is the same as lr -> get(name, lr)
    assert not np.array_equal(a["loss"], c["loss"])            # the seed sets the mini-batch order
    assert set(a) >= {"lr", "loss", "suggested", "smoothed", "lr_at_min", "diverged", "steps"}


@pytest.mark.parametrize("kwargs, error, match", [
    ({"lr_min": 0.0}, ValueError, "lr_min must be a finite learning rate > 0"),
    ({"lr_max": float("inf")}, ValueError, "lr_max must be a finite"),
    ({"lr_min": 1.0, "lr_max": 0.1}, ValueError, "need lr_min < lr_max"),
    ({"steps": 1}, ValueError, "steps must be an integer >= 2"),
    ({"steps": 10.5}, ValueError, "steps must be an integer"),
    ({"batch_size": 0}, ValueError, "batch_size must be an integer >= 1"),
    ({"make_optimizer": "adamm"}, ValueError, "Did you mean 'adam'"),
    ({"make_optimizer": 0.1}, TypeError, "make_optimizer must be a function lr -> optimizer"),
    ({"make_net": MLP([2, 3])}, TypeError, "make_net must be a function with no arguments"),
    ({"make_net": lambda: "net"}, TypeError, "make_net\\(\\) returned str"),
    ({"make_optimizer": lambda lr: lr}, TypeError, "make_optimizer\\(lr\\) returned float"),
    ({"t": np.zeros(5, dtype=int)}, ValueError, "x has 300 rows but t has 5 labels"),
])
def test_bad_input(spirals, kwargs, error, match):
    x, t = spirals
    args = {"make_net": _net, "make_optimizer": "sgd", "x": x, "t": t, **kwargs}
    with pytest.raises(error, match=match):
        search.lr_range_test(**args)
