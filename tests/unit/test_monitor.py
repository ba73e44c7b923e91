"""The training monitor: its statistics are course_lib.diagnostics' (no second implementation),
it survives a diverging run, it checks its arguments, and its figure and readout show the record."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import data, diagnostics, monitor, optimizers, plots  # noqa: E402
from course_lib.network import MLP  # noqa: E402


@pytest.fixture(scope="module")
def digits():
    (x, t), _ = data.load_mnist()
    return x[:1200], t[:1200], x[1200:1500], t[1200:1500]


def _run(digits, lr=0.1, steps=40, every=10, sizes=(784, 30, 20, 10), **kw):
    x, t, xv, tv = digits
    net = MLP(list(sizes), seed=0, **kw)
    return net, monitor.monitor(net, optimizers.get("sgd", lr=lr), x, t, xv, tv, steps=steps, every=every,
                                stats_rows=128, eval_rows=300, seed=0)


def test_monitor_statistics_equal_diagnostics_on_the_same_network(digits):
    x, t, _, _ = digits
    fresh = MLP([784, 30, 20, 10], seed=0)
    start = diagnostics.layer_stats(fresh, x[:128], t[:128], lr=0.1)
    net, run = _run(digits)
    end = diagnostics.layer_stats(net, x[:128], t[:128], lr=0.1)         # the trained network, as left
    for key in monitor.LAYER_KEYS:
        for record, stats in ((0, start), (-1, end)):
            want = np.array([np.nan if s[key] is None else s[key] for s in stats])
            np.testing.assert_array_equal(run["layers"][key][record], want, err_msg=key)
    assert run["step"].tolist() == [0, 1, 2, 4, 8, 10, 20, 30, 40]
    assert run["train_acc"][-1] == net.accuracy(x[:300], t[:300])
    assert len(run["loss"]) == 40 and not run["diverged"]
    assert run["train_acc"][-1] > run["train_acc"][0] + 0.3            # it trains
    assert np.isnan(run["layers"]["saturated"]).all()                 # ReLU: no saturation defined
    assert abs(run["initial_loss"] - np.log(10)) < 0.3


def test_initial_loss_leaves_out_the_weight_decay_penalty(digits):
    x, t, _, _ = digits
    plain, decayed = MLP([784, 30, 10], seed=0), MLP([784, 30, 10], seed=0, weight_decay=1.0)
    assert monitor.initial_loss(decayed, x, t) == pytest.approx(monitor.initial_loss(plain, x, t), rel=1e-6)
    assert decayed.loss(x, t) > monitor.initial_loss(decayed, x, t) + 1


def test_a_diverging_run_is_recorded_not_raised():
    (x, t), _ = data.load_mnist()          # this seeded run reaches inf at step 8 (clinic case A)
    run = monitor.monitor(MLP([784, 100, 100, 10], seed=0), optimizers.get("sgd", lr=10.0), x[:6000], t[:6000],
                          steps=60, every=10, stats_rows=64, eval_rows=100)
    assert run["diverged"] and run["stopped_at"] < 60
    assert not np.isfinite(run["loss"][-1]) and np.isfinite(run["loss"][:-1]).all()
    assert f"NaN/inf at step {run['stopped_at']}" in monitor.readout(run)


def test_schedule_sets_the_learning_rate(digits):
    x, t, _, _ = digits
    net = MLP([784, 30, 10], seed=0)
    run = monitor.monitor(net, optimizers.get("sgd", lr=0.1), x, t, steps=5, every=5,
                          schedule=lambda step: 0.01 * (step + 1))
    assert run["lr"] == pytest.approx(0.05)
    with pytest.raises(TypeError, match="schedule must be a function"):
        monitor.monitor(net, "sgd", x, t, steps=5, schedule=0.1)


def test_bad_arguments_are_named(digits):
    x, t, xv, tv = digits
    net = MLP([784, 10], seed=0)
    with pytest.raises(ValueError, match="steps"):
        monitor.monitor(net, "sgd", x, t, steps=0)
    with pytest.raises(ValueError, match="every"):
        monitor.monitor(net, "sgd", x, t, every=-1)
    with pytest.raises(ValueError, match="rows but t_train has"):
        monitor.monitor(net, "sgd", x, t[:10])
    with pytest.raises(ValueError, match="both x_val and t_val"):
        monitor.monitor(net, "sgd", x, t, xv)
    with pytest.raises(TypeError, match="evaluate must be a function"):
        monitor.monitor(net, "sgd", x, t, evaluate="accuracy")
    with pytest.raises(TypeError, match="readout needs"):
        monitor.readout({"loss": [1.0]})


def test_readout_and_figure_show_the_last_record(digits):
    _, run = _run(digits)
    line = monitor.readout(run)
    assert line.startswith("step 40 · loss ")
    assert f"train {100 * run['train_acc'][-1]:.1f} %" in line and f"val {100 * run['val_acc'][-1]:.1f} %" in line
    g = run["layers"]["grad_norm"][-1]
    assert f"‖g₁‖/‖g₂‖ = {g[0] / g[-1]:.2g}" in line and "dead ≤" in line
    fig = plots.plot_monitor(run, title="test", readout=line)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["Loss", "Accuracy", "Activation std per layer", "Dead units per layer (ReLU)",
                      "Gradient norm per layer", "Update:weight ratio per layer"]
    assert all(ax.get_xlabel() == "step" and ax.get_ylabel() for ax in fig.axes)
    assert fig.axes[0].get_legend() is not None and fig.axes[2].get_legend() is not None
    assert line in fig._suptitle.get_text()
    width, height = fig.get_size_inches()
    assert width <= 12.8 and height <= 6.0
    with pytest.raises(TypeError, match="monitor.monitor"):
        plots.plot_monitor({"loss": [1.0]})


def test_sigmoid_runs_show_saturation_not_dead_units(digits):
    _, run = _run(digits, activation="sigmoid", init="glorot_normal")
    assert np.isnan(run["layers"]["dead"]).all() and np.isfinite(run["layers"]["saturated"]).all()
    fig = plots.plot_monitor(run)
    assert fig.axes[3].get_title() == "Saturated values per layer"


def test_digit_grid_titles_each_image_with_its_label(digits):
    x, t, _, _ = digits
    fig = plots.digit_grid(x, t, n=5, ncols=5)
    assert [ax.get_title() for ax in fig.axes] == [f"{i}: label {t[i]}" for i in range(5)]
    with pytest.raises(ValueError, match="784 pixels"):
        plots.digit_grid(x[:, :10], t)


def test_monitor_settings_object_and_keywords_give_the_same_run(digits):
    x, t, xv, tv = digits
    settings = monitor.MonitorSettings(steps=12, every=4, stats_rows=64, eval_rows=100, seed=2)
    by_object = monitor.monitor(MLP([784, 20, 10], seed=0), "sgd", x, t, xv, tv, settings=settings)
    by_keywords = monitor.monitor(MLP([784, 20, 10], seed=0), "sgd", x, t, xv, tv, steps=12, every=4,
                                  stats_rows=64, eval_rows=100, seed=2)
    other = monitor.monitor(MLP([784, 20, 10], seed=0), "sgd", x, t, xv, tv, settings=settings, seed=3)
    assert np.array_equal(by_object["loss"], by_keywords["loss"])
    assert not np.array_equal(by_object["loss"], other["loss"])
    with pytest.raises(TypeError, match=r"monitor\(\) got unexpected parameter\(s\) 'step' \(did you mean 'steps'\?\)"):
        monitor.monitor(MLP([784, 20, 10], seed=0), "sgd", x, t, step=5)
