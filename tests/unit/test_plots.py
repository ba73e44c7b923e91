"""Tests of course_lib.plots: every helper returns a labelled, slide-sized Figure that shows the data given."""
import dataclasses
import subprocess
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.collections import PathCollection, QuadMesh  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from course_lib import activations, plots, schedules, surfaces  # noqa: E402


@pytest.fixture(autouse=True)
def close_all():
    yield
    plt.close("all")


def _panels(fig):
    """The visible data axes (no colour bars, no switched-off spare panels)."""
    return [ax for ax in fig.axes if ax.get_visible() and ax.axison and ax.get_label() != "<colorbar>"]


def _series(ax):
    """Labelled artists of an axes (lines and scatter collections)."""
    arts = list(ax.lines) + list(ax.collections)
    return [a for a in arts if a.get_label() and not a.get_label().startswith("_")]


def check_figure(fig, titles=True):
    """Size, title, axis labels, legend and font sizes of a figure."""
    assert isinstance(fig, Figure)
    w, h = fig.get_size_inches()
    assert w <= 12.8 and h <= 7.2, (w, h)
    assert h <= plots.MAX_FIGSIZE[1]
    panels = _panels(fig)
    assert panels
    for ax in panels:
        if titles:
            assert ax.get_title() or fig.get_suptitle(), "untitled axes"
        # a panel may share its label with the panels whose axis it shares (one label a row)
        xl = [a.get_xlabel() for a in ax.get_shared_x_axes().get_siblings(ax)] + [fig.get_supxlabel()]
        yl = [a.get_ylabel() for a in ax.get_shared_y_axes().get_siblings(ax)] + [fig.get_supylabel()]
        assert any(xl), f"no x label on {ax.get_title()!r}"
        assert any(yl), f"no y label on {ax.get_title()!r}"
        if len(_series(ax)) > 1:
            assert ax.get_legend() is not None or fig.legends, f"no legend on {ax.get_title()!r}"
    fig.draw_without_rendering()
    small = [(t.get_text(), t.get_fontsize()) for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip() and t.get_fontsize() < plots.FONT_MIN]
    assert not small, f"text below {plots.FONT_MIN} pt: {small[:5]}"
    return fig


def history(n_epochs=5, per_epoch=20, seed=0, test=True):
    rng = np.random.default_rng(seed)
    n = n_epochs * per_epoch
    ev = np.arange(n_epochs + 1) * per_epoch
    h = {"loss": 2.3 * np.exp(-np.arange(n) / 40) + 0.2 * rng.standard_normal(n),
         "lr": np.full(n, 0.1), "time": 0.01 * np.arange(1, n + 1), "eval_step": ev,
         "train_acc": np.linspace(0.1, 0.95, n_epochs + 1), "stopped_early": False}
    if test:
        h["test_acc"] = np.linspace(0.1, 0.85, n_epochs + 1)
    return h


# ------------------------------------------------------------ style
def test_slide_style_applies_and_restores():
    before = matplotlib.rcParams["font.size"]
    with plots.slide_style():
        assert matplotlib.rcParams["font.size"] == plots.STYLE["font.size"] >= plots.FONT_MIN
        assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"] == list(plots.PALETTE)
    assert matplotlib.rcParams["font.size"] == before


def test_figures_are_not_kept_by_pyplot_and_show_themselves_as_png():
    before = plt.get_fignums()
    fig = plots.curves({"a": history()})
    assert plt.get_fignums() == before
    assert isinstance(fig, plots.SlideFigure)
    png = fig._repr_png_()                       # what Jupyter displays
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000


def test_ticks_keep_slide_size_when_drawn_outside_the_style():
    fig = plots.lines({"a": [1, 2, 3]}, "x", "y", "t")
    with matplotlib.rc_context({"xtick.labelsize": 6, "ytick.labelsize": 6}):
        fig.draw_without_rendering()
    ax = fig.axes[0]
    assert min(t.get_fontsize() for t in ax.get_xticklabels() + ax.get_yticklabels()) >= plots.FONT_MIN


def test_subplots_composes_helpers_into_one_figure():
    fig, axes = plots.subplots(1, 2)
    a = plots.function_and_derivative(["relu"], ax=axes[0])
    b = plots.schedule_plot(np.arange(10), {"c": np.ones(10)}, ax=axes[1])
    assert a is fig and b is fig and len(fig.axes) == 2
    check_figure(fig)


def test_plots_module_does_not_import_training_or_network():
    code = ("import sys, course_lib.plots; "
            "print(sorted(m for m in sys.modules if m.startswith(('course_lib.', 'matplotlib.pyplot'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "course_lib.plots" in out
    for mod in ("course_lib.training", "course_lib.network", "course_lib.widgets", "matplotlib.pyplot"):
        assert mod not in out, out


# ------------------------------------------------------------ histograms
def _layers(n_layers=4, seed=0):
    rng = np.random.default_rng(seed)
    return [1 / (1 + np.exp(-rng.standard_normal((200, 50)) * (k + 1))) for k in range(n_layers)]


def test_activation_histograms_one_row():
    acts = _layers(4)
    fig = check_figure(plots.activation_histograms(acts, "sigmoid, std 1", range=(0, 1)))
    panels = _panels(fig)
    assert len(panels) == 4
    assert [ax.get_title() for ax in panels] == [f"layer {i}" for i in range(1, 5)]
    for ax, a in zip(panels, acts):
        heights = [p.get_height() for p in ax.patches]
        assert len(heights) == 30
        assert sum(heights) == pytest.approx(1.0)          # fractions of the values
        text = " ".join(t.get_text() for t in ax.texts)
        assert f"μ={a.mean():.3g}" in text and f"σ={a.std():.3g}" in text
    assert panels[0].get_shared_y_axes().joined(panels[0], panels[3])


def test_activation_histograms_stat_names():
    acts = _layers(2)
    fig = plots.activation_histograms(acts, "sigmoid", range=(0, 1), stat_names=("mean", "std"))
    text = " ".join(t.get_text() for ax in _panels(fig) for t in ax.texts)
    assert f"std={acts[0].std():.3g}" in text and "σ=" not in text and "mean=" in text


def test_activation_histograms_rows_and_ranges():
    rows = {"std 1": _layers(3, 0), "std 0.01": _layers(3, 1), "He": _layers(3, 2)}
    fig = check_figure(plots.activation_histograms(rows, "compare", bins=10), titles=False)
    panels = _panels(fig)
    assert len(panels) == 9
    assert [panels[3 * r].get_ylabel().split("\n")[0] for r in range(3)] == list(rows)
    assert all(ax.get_title() for ax in panels[:3])
    assert all(len(ax.patches) == 10 for ax in panels)


def test_activation_histograms_per_panel_scales():
    """A wide layer next to a narrow spike: with per_panel each panel fits its own values."""
    rng = np.random.default_rng(0)
    acts = [rng.normal(0, 1, 5000), rng.normal(0, 0.01, 5000)]
    shared = _panels(plots.activation_histograms(acts, "shared"))
    own = _panels(check_figure(plots.activation_histograms(acts, "own", per_panel=True)))
    assert shared[0].get_xlim() == shared[1].get_xlim()
    assert max(p.get_height() for p in shared[1].patches) > 0.5      # the narrow layer: one tall bar
    assert own[1].get_xlim()[1] < 0.1 * own[0].get_xlim()[1]           # the narrow layer's own range
    tallest = [max(p.get_height() for p in ax.patches) for ax in own]
    assert max(tallest) < 2 * min(tallest)                            # both fill their panels alike


def test_activation_histograms_drop_non_finite_values():
    a = np.array([0.1, 0.2, np.nan, np.inf, 0.3])
    fig = plots.activation_histograms([a], "t", range=(0, 1))
    ax = _panels(fig)[0]
    assert sum(p.get_height() for p in ax.patches) == pytest.approx(1.0)
    assert "μ=0.2" in ax.texts[0].get_text()


@pytest.mark.parametrize("bad, match", [
    ({}, "empty"),
    ({"a": _layers(3), "b": _layers(2)}, "same number of layers"),
    ({"a": []}, "non-empty list"),
    ([np.array([np.nan])], "no finite values"),
])
def test_activation_histograms_bad_input(bad, match):
    with pytest.raises(ValueError, match=match):
        plots.activation_histograms(bad, "t")


# ------------------------------------------------------------ activation functions
def test_function_grid_plots_every_function_and_derivative():
    names = activations.names()
    x = np.linspace(-3, 3, 121)
    fig = check_figure(plots.function_grid(names, x=x))
    panels = _panels(fig)
    assert len(panels) == len(names) == 20
    assert fig.legends
    for ax, name in zip(panels, names):
        act = activations.get(name)
        assert ax.get_title() == name
        lines = {ln.get_label(): ln for ln in ax.lines}
        np.testing.assert_allclose(lines["f(x)"].get_ydata(), act(x))
        np.testing.assert_allclose(lines["f'(x)"].get_ydata(), act.derivative(x))
        assert lines["f'(x)"].get_linestyle() == "--"


def test_function_and_derivative_overlay():
    acts = [activations.get("relu"), activations.get("elu", alpha=0.5)]
    fig = check_figure(plots.function_and_derivative(acts))
    lines = {ln.get_label(): ln for ln in fig.axes[0].lines}
    x = lines["elu"].get_xdata()
    np.testing.assert_allclose(lines["elu"].get_ydata(), acts[1](x))
    np.testing.assert_allclose(lines["elu'"].get_ydata(), acts[1].derivative(x))
    assert lines["relu"].get_color() == lines["relu'"].get_color() != lines["elu"].get_color()


def test_activation_bad_input():
    with pytest.raises(ValueError, match="no activations"):
        plots.function_grid([])
    with pytest.raises(TypeError, match="derivative"):
        plots.function_and_derivative({"sq": lambda x: x ** 2})
    with pytest.raises(ValueError, match="unknown activation"):
        plots.function_grid(["relux"])


# ------------------------------------------------------------ surfaces and paths
def test_paths_on_contour_draws_paths_minimum_and_limits():
    s = surfaces.get("dlfs")
    p1 = np.array([[-7.0, 2.0], [-6.0, -1.5], [-5.0, 1.0]])
    p2 = np.array([[-7.0, 2.0], [-3.0, 0.5], [0.0, 0.0]])
    fig = check_figure(plots.paths_on_contour(s, {"SGD": p1, "Adam": p2}))
    ax = fig.axes[0]
    lines = {ln.get_label(): ln for ln in ax.lines}
    np.testing.assert_allclose(lines["SGD"].get_xydata(), p1)
    np.testing.assert_allclose(lines["Adam"].get_xydata(), p2)
    np.testing.assert_allclose(lines["minimum"].get_xydata(), [s.minimum])
    assert ax.get_xlim() == pytest.approx(s.xlim) and ax.get_ylim() == pytest.approx(s.ylim)
    assert ax.get_legend() is not None
    assert s.name in ax.get_title()


def test_paths_on_contour_clips_a_diverging_path():
    s = surfaces.get("rosenbrock")
    p = np.array([[-1.0, 1.0], [5.0, -20.0], [1e30, 1e30], [np.nan, np.nan], [0.0, 0.0]])
    fig = plots.paths_on_contour(s, {"sgd": p})
    line = next(ln for ln in fig.axes[0].lines if ln.get_label().startswith("sgd"))
    assert "leaves the plot" in line.get_label()
    xy = line.get_xydata()
    assert len(xy) == 3 and np.all(np.isfinite(xy))              # cut at the NaN
    np.testing.assert_allclose(xy[0], p[0])
    w, h = np.ptp(s.xlim), np.ptp(s.ylim)
    assert xy[:, 0].max() <= s.xlim[1] + w and xy[:, 1].min() >= s.ylim[0] - h


def test_paths_on_contour_saddle_shows_both_minima_and_surface_alone():
    fig = plots.paths_on_contour("saddle", None)
    stars = next(ln for ln in fig.axes[0].lines if ln.get_label() == "minima")
    assert len(stars.get_xdata()) == 2
    assert fig.axes[0].get_title()


def test_contour_levels_are_log_spaced_above_the_minimum():
    X, Y, Z = surfaces.get("dlfs").grid(101)
    lv = plots.contour_levels(Z, 12)
    assert len(lv) == 12 and lv[0] > Z.min() and lv[-1] == pytest.approx(Z.max())
    ratios = np.diff(np.log(lv - Z.min()))
    np.testing.assert_allclose(ratios, ratios[0])
    lin = plots.contour_levels(Z, 5, "linear")
    np.testing.assert_allclose(np.diff(lin), np.diff(lin)[0])


def test_paths_grid_one_panel_per_path():
    paths = {k: np.array([[-7.0, 2.0], [-6.0, 1.0 + i]]) for i, k in enumerate(["SGD", "Momentum", "AdaGrad"])}
    fig = check_figure(plots.paths_grid("dlfs", paths))
    panels = _panels(fig)
    assert [ax.get_title() for ax in panels] == list(paths)
    for ax, p in zip(panels, paths.values()):
        assert any(np.allclose(ln.get_xydata(), p) for ln in ax.lines if ln.get_xydata().shape == p.shape)


@pytest.mark.parametrize("bad", [np.zeros(3), np.zeros((3, 3)), np.zeros((0, 2)), [[1, 2, 3]]])
def test_paths_wrong_shape(bad):
    with pytest.raises(ValueError, match=r"path 'p' has shape .*\(n, 2\)"):
        plots.paths_on_contour("dlfs", {"p": bad})


def test_paths_bad_surface():
    with pytest.raises(TypeError, match="xlim"):
        plots.paths_on_contour(object(), {})
    with pytest.raises(ValueError, match="empty"):
        plots.paths_grid("dlfs", {})


# ------------------------------------------------------------ training curves
def test_curves_loss_per_step_and_legend():
    hs = {"SGD": history(seed=0), "Adam": history(seed=1)}
    fig = check_figure(plots.curves(hs))
    ax = fig.axes[0]
    lines = {ln.get_label(): ln for ln in ax.lines}
    np.testing.assert_allclose(lines["SGD"].get_ydata(), hs["SGD"]["loss"])
    np.testing.assert_allclose(lines["SGD"].get_xdata(), np.arange(100))
    assert ax.get_legend() is not None and "loss" in ax.get_ylabel()


def test_ema_formula():
    np.testing.assert_allclose(plots.ema([1.0, 2.0, 3.0], 0.5), [1.0, 1.25 / 0.75, 2.125 / 0.875])
    np.testing.assert_allclose(plots.ema([4.0, 5.0], 0.0), [4.0, 5.0])
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        plots.ema([1.0], 1.0)


def test_curves_smoothing_reduces_variance():
    h = history(n_epochs=20)
    fig = plots.curves({"run": h}, smooth=0.9)
    line = next(ln for ln in fig.axes[0].lines if ln.get_label() == "run")
    y = line.get_ydata()
    np.testing.assert_allclose(y, plots.ema(h["loss"], 0.9))
    assert np.std(np.diff(y)) < 0.3 * np.std(np.diff(h["loss"]))
    assert "EMA 0.9" in fig.axes[0].get_ylabel()
    assert len(fig.axes[0].lines) == 2                     # the raw curve faintly behind


def test_curves_x_axes_and_accuracy():
    h = history(n_epochs=4, per_epoch=10)
    fig = plots.curves({"a": h, "b": h}, key="test_acc", x="epoch")
    line = fig.axes[0].lines[0]
    np.testing.assert_allclose(line.get_xdata(), np.arange(5))
    np.testing.assert_allclose(line.get_ydata(), h["test_acc"])
    fig = plots.curves(h, key="train_acc", x="time")       # a single history is accepted
    np.testing.assert_allclose(fig.axes[0].lines[0].get_xdata(), [0.0, 0.1, 0.2, 0.3, 0.4])
    fig = plots.curves({"a": h}, x="time", logy=False)
    np.testing.assert_allclose(fig.axes[0].lines[0].get_xdata(), h["time"])
    fig = plots.curves({"a": h}, x="epoch")
    np.testing.assert_allclose(fig.axes[0].lines[0].get_xdata(), np.arange(40) / 10)


def test_curves_diverged_history_is_drawn_against_time():
    h = history()
    h["loss"] = np.append(h["loss"], np.nan)           # training.train appends the NaN loss only
    fig = plots.curves({"a": h}, x="time")
    assert len(fig.axes[0].lines[0].get_ydata()) == len(h["time"])


@pytest.mark.parametrize("series, kwargs, match", [
    ({}, {}, "empty"),
    ({"a": history()}, {"key": "val_acc"}, "has no 'val_acc'"),
    ({"a": {**history(), "time": np.arange(5.0)}}, {"x": "time"}, "same length"),
    ({"a": {**history(), "test_acc": np.ones(3)}}, {"key": "test_acc"}, "must align"),
    ({"a": {**history(), "test_acc": np.ones(0)}}, {"key": "test_acc"}, "empty"),
    ({"a": history()}, {"smooth": 1.5}, r"\[0, 1\)"),
    ({"a": history()}, {"x": "epochs"}, "'step', 'time' or 'epoch'"),
])
def test_curves_bad_input(series, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plots.curves(series, **kwargs)


def test_train_test_with_and_without_test_accuracy():
    h = history()
    fig = check_figure(plots.train_test(h))
    lines = fig.axes[0].lines
    assert [ln.get_label().split()[0] for ln in lines] == ["train", "test"]
    np.testing.assert_allclose(lines[1].get_ydata(), h["test_acc"])
    assert "0.850" in lines[1].get_label()
    fig = plots.train_test(history(test=False))
    assert len(fig.axes[0].lines) == 1
    fig = plots.train_test({**history(test=False), "test_acc": np.array([])})
    assert len(fig.axes[0].lines) == 1
    with pytest.raises(ValueError, match="train_acc"):
        plots.train_test({"loss": np.ones(3)})


# ------------------------------------------------------------ generic series
def test_lines_and_grid_of_curves():
    x = np.arange(1, 6)
    fig = check_figure(plots.lines({"a": (x, x ** 2), "b": x * 1.0}, "k", "y", "title", logy=True))
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), x ** 2)
    np.testing.assert_allclose(ax.lines[1].get_xdata(), np.arange(5))
    assert ax.get_yscale() == "log"

    ep = np.arange(11)
    panels = {f"std={s:g}": {"BN": ep / 10, "no BN": (ep / 10) ** (1 + i)} for i, s in enumerate([1, 0.1, 0.01])}
    fig = check_figure(plots.grid_of_curves(panels, "epoch", "accuracy", "BN grid", x=ep, ncols=2))
    axes = _panels(fig)
    assert len(axes) == 3 and fig.legends
    np.testing.assert_allclose(axes[2].lines[1].get_ydata(), (ep / 10) ** 3)
    assert axes[0].lines[0].get_color() == axes[2].lines[0].get_color()   # a label keeps its colour


def test_generic_series_bad_input():
    with pytest.raises(ValueError, match="x has 3 values but y has 2"):
        plots.lines({"a": ([1, 2, 3], [1, 2])}, "x", "y", "t")
    with pytest.raises(ValueError, match="x has 4 values but y has 3"):
        plots.grid_of_curves({"p": {"a": [1, 2, 3]}}, "x", "y", "t", x=np.arange(4))
    with pytest.raises(ValueError, match="empty"):
        plots.grid_of_curves({}, "x", "y", "t")


# ------------------------------------------------------------ bars
def test_layer_bars_heights_and_log_scale():
    vals = {"sigmoid": 10.0 ** -np.arange(5), "relu": np.ones(5)}
    fig = check_figure(plots.layer_bars(vals, "‖∂L/∂W‖", "gradient norm per layer"))
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    heights = [p.get_height() for p in ax.patches]
    np.testing.assert_allclose(heights, np.concatenate(list(vals.values())))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3", "4", "5"]


def test_layer_bars_from_diagnostics_statistics():
    stats = [{"layer": i, "act_mean": 0.0, "act_std": 1.0, "saturated": None, "dead": 0.1 * i,
              "grad_norm": 1.0 / i, "update_ratio": None} for i in (1, 2, 3)]
    fig = plots.layer_bars({"relu": stats, "elu": stats[:2]}, "dead fraction", "dead", log=False, key="dead")
    np.testing.assert_allclose([p.get_height() for p in fig.axes[0].patches], [0.1, 0.2, 0.3, 0.1, 0.2])
    with pytest.raises(ValueError, match="key="):
        plots.layer_bars({"relu": stats}, "y", "t")
    with pytest.raises(ValueError, match="no 'gradnorm'"):
        plots.layer_bars({"relu": stats}, "y", "t", key="gradnorm")
    with pytest.raises(ValueError, match="log=False"):
        plots.layer_bars({"relu": stats}, "y", "t", key="update_ratio")
    with pytest.raises(ValueError, match="empty"):
        plots.layer_bars({}, "y", "t")


def test_ranked_bars_sorted():
    fig = check_figure(plots.ranked_bars({"relu": 1.0, "gelu": 4.0, "tanh": 2.0}, "ms", "function", "cost"))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["relu", "tanh", "gelu"]
    assert [p.get_width() for p in ax.patches] == [1.0, 2.0, 4.0]


# ------------------------------------------------------------ decision boundary
def _predict(p):
    return (p[:, 0] + p[:, 1] > 0).astype(int)


def test_decision_boundary_regions_and_points():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((60, 2))
    t = _predict(x)
    fig = check_figure(plots.decision_boundary(_predict, x, t, resolution=50))
    ax = fig.axes[0]
    mesh = next(c for c in ax.collections if isinstance(c, QuadMesh))
    gx, gy = mesh.get_coordinates()[..., 0], mesh.get_coordinates()[..., 1]
    assert mesh.get_array().size == 50 * 50
    xs = np.linspace(x[:, 0].min() - 0.5, x[:, 0].max() + 0.5, 50)
    ys = np.linspace(x[:, 1].min() - 0.5, x[:, 1].max() + 0.5, 50)
    X, Y = np.meshgrid(xs, ys)
    np.testing.assert_array_equal(np.asarray(mesh.get_array()).reshape(50, 50),
                                  _predict(np.column_stack([X.ravel(), Y.ravel()])).reshape(50, 50))
    assert gx.min() < xs[0] and gy.max() > ys[-1]
    scat = {c.get_label(): c for c in ax.collections if isinstance(c, PathCollection)}
    assert set(scat) == {"class 0", "class 1"}
    np.testing.assert_allclose(scat["class 1"].get_offsets(), x[t == 1])
    # scores (m, k) and one-hot labels are accepted
    onehot = np.eye(2)[t]
    plots.decision_boundary(lambda p: np.eye(2)[_predict(p)], x, onehot, resolution=20)


def test_decision_boundary_bad_input():
    x = np.zeros((5, 2))
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        plots.decision_boundary(_predict, np.zeros((5, 3)), np.zeros(5))
    with pytest.raises(ValueError, match="one label per point"):
        plots.decision_boundary(_predict, x, np.zeros(4))
    with pytest.raises(ValueError, match="one class per point"):
        plots.decision_boundary(lambda p: np.zeros(3), x, np.zeros(5), resolution=10)
    with pytest.raises(TypeError, match="predict must be a function"):
        plots.decision_boundary(None, x, np.zeros(5))


# ------------------------------------------------------------ search and schedules
def test_scatter_trials():
    rng = np.random.default_rng(0)
    lr, wd = 10 ** rng.uniform(-6, -2, 30), 10 ** rng.uniform(-8, -4, 30)
    acc = rng.uniform(0, 1, 30)
    acc[3] = np.nan
    fig = check_figure(plots.scatter_trials(lr, wd, acc, "learning rate", "weight decay", "val acc"))
    ax = _panels(fig)[0]
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert any(a.get_label() == "<colorbar>" for a in fig.axes)
    main = ax.collections[0]
    ok = np.isfinite(acc)
    np.testing.assert_allclose(main.get_offsets(), np.column_stack([lr, wd])[ok])
    np.testing.assert_allclose(main.get_array(), acc[ok])
    labels = [c.get_label() for c in ax.collections]
    assert any("diverged" in lab for lab in labels)
    best = next(c for c in ax.collections if c.get_label().startswith("best"))
    np.testing.assert_allclose(best.get_offsets(), [[lr[np.nanargmax(acc)], wd[np.nanargmax(acc)]]])


@pytest.mark.parametrize("logx", [True, False])
@pytest.mark.parametrize("height", [2.5, 3.0, 3.6, 5.0])
def test_scatter_trials_legend_clear_of_the_x_label(height, logx):
    """The legend (best trial, diverged trials) must not cover the x label, even on a short figure."""
    rng = np.random.default_rng(1)
    lr, wd, acc = 10 ** rng.uniform(-6, -2, 20), 10 ** rng.uniform(-8, -4, 20), rng.uniform(0, 1, 20)
    acc[2] = np.nan
    fig = plots.scatter_trials(lr, wd, acc, "learning rate", "weight decay λ", "validation accuracy",
                               logx=logx, figsize=(9, height))
    FigureCanvasAgg(fig).draw()                      # a real drawing: the layout engine places everything
    ax = _panels(fig)[0]
    legend = ax.get_legend() or fig.legends[0]
    box = legend.get_window_extent()
    for label in (ax.xaxis.label, *ax.get_xticklabels()):
        if label.get_text():
            assert not box.overlaps(label.get_window_extent()), (height, label.get_text())
    assert box.y0 >= 0 and box.y1 <= fig.bbox.height                    # and it is on the figure
    points = ax.transData.transform(np.column_stack([lr, wd]))
    assert not box.count_contains(points), "the legend covers trials"


def test_scatter_trials_bad_input():
    with pytest.raises(ValueError, match="one value per trial"):
        plots.scatter_trials([1, 2], [1, 2, 3], [1, 2], "x", "y", "c")
    with pytest.raises(ValueError, match="logx=False"):
        plots.scatter_trials([0, 1], [1, 2], [1, 2], "x", "y", "c")


def test_schedule_plot_functions_and_arrays():
    steps = np.arange(100)
    cos = schedules.get("cosine", lr0=0.1, total_steps=100)
    fig = check_figure(plots.schedule_plot(steps, {"cosine": cos, "constant": np.full(100, 0.05),
                                                   "scalar-only": lambda s: 0.1 / (1 + int(s))}))
    lines = {ln.get_label(): ln for ln in fig.axes[0].lines}
    np.testing.assert_allclose(lines["cosine"].get_ydata(), cos(steps))
    np.testing.assert_allclose(lines["scalar-only"].get_ydata(), 0.1 / (1 + steps))
    with pytest.raises(ValueError, match="gives 5 rates for 100 steps"):
        plots.schedule_plot(steps, {"bad": np.ones(5)})
    with pytest.raises(ValueError, match="empty"):
        plots.schedule_plot(steps, {})


# ------------------------------------------------------------ everything renders
def test_every_helper_renders_to_png(tmp_path):
    x = np.random.default_rng(0).standard_normal((40, 2))
    figs = [plots.activation_histograms(_layers(3), "h"), plots.function_grid(["relu", "tanh"]),
            plots.paths_on_contour("beale", {"p": np.array([[1.0, 1.5], [2.0, 1.0]])}),
            plots.curves({"a": history()}, smooth=0.5), plots.train_test(history()),
            plots.layer_bars({"a": [1.0, 0.1]}, "y", "t"),
            plots.decision_boundary(_predict, x, _predict(x), resolution=30),
            plots.scatter_trials([1e-3, 1e-2], [1e-5, 1e-6], [0.5, 0.7], "lr", "wd", "acc")]
    for i, fig in enumerate(figs):
        path = tmp_path / f"{i}.png"
        fig.savefig(path)
        w, h = fig.get_size_inches() * fig.dpi
        assert path.stat().st_size > 5000 and w <= 1280 and h <= 720


def test_scatter_trials_shared_colour_scale():
    fig = plots.scatter_trials([1e-3, 1e-2], [1e-5, 1e-6], [0.5, 0.7], "lr", "wd", "acc", clim=(0, 1))
    assert fig.axes[0].collections[0].get_clim() == (0.0, 1.0)
    plt.close(fig)
    fig = plots.scatter_trials([1e-3, 1e-2], [1e-5, 1e-6], [0.5, 0.7], "lr", "wd", "acc")
    assert fig.axes[0].collections[0].get_clim() == (0.5, 0.7)           # default: this panel's range
    plt.close(fig)
    for bad in [(1, 0), ("a", 1), (0,)]:
        with pytest.raises(ValueError, match="clim"):
            plots.scatter_trials([1e-3, 1e-2], [1e-5, 1e-6], [0.5, 0.7], "lr", "wd", "acc", clim=bad)


# ---------------------------------------------------------------- text alternatives

def _lum(hex_colour):
    c = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]


def test_every_palette_colour_has_3_to_1_contrast_on_white():
    for colour in plots.PALETTE:
        assert (1.05) / (_lum(colour) + 0.05) >= 3.0, colour


def test_alt_text_says_what_is_plotted_with_its_numbers():
    history = {"loss": [2.3, 1.0, 0.42], "lr": [0.1] * 3, "time": [0.1, 0.2, 0.3]}
    fig = plots.curves({"SGD": history}, key="loss", title="Training loss, MNIST")
    alt = plots.alt_text(fig)
    assert alt.startswith("Figure. Training loss, MNIST") and "against update step" in alt
    assert "(2, 0.42)" in alt, alt                                   # the last point, the key number
    bars = plots.ranked_bars({"relu": 0.5, "tanh": 2.0}, xlabel="ms", ylabel="function",
                             title="Cost per call")
    assert "2 bars from 0.5 to 2" in plots.alt_text(bars)
    assert plots.alt_text(plots.set_alt(bars, "Two bars: tanh costs 4× relu")) == "Two bars: tanh costs 4× relu"
    with pytest.raises(ValueError, match="non-empty"):
        plots.set_alt(bars, "  ")


def test_figures_shown_in_a_kernel_carry_their_alt_text():
    """Both paths: a SlideFigure as a cell's value, and a pyplot figure the inline backend shows."""
    import nbformat
    from nbclient import NotebookClient
    from course_lib.authoring.build import kernel_manager
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in (
        "from course_lib import plots\n"
        "plots.lines({'a': ([0, 1, 2], [3, 2, 1])}, xlabel='x', ylabel='y', title='Falling line')",
        "import matplotlib.pyplot as plt\nplt.plot([0, 1], [0, 5], label='rise')\n"
        "plt.title('Pyplot figure'); plt.legend()",
        "plt.figure(); plt.bar([1, 2], [4, 9]); plt.title('Second pyplot cell')")])
    NotebookClient(nb, km=kernel_manager(), timeout=120, kernel_name="python3").execute()
    alts = [o.metadata["image/png"]["alt"] for cell in nb.cells for o in cell.outputs
            if "image/png" in o.get("data", {})]
    assert len(alts) == 3, [cell.outputs for cell in nb.cells]
    assert "Falling line" in alts[0] and "a ends at (2, 1)" in alts[0]
    assert "Pyplot figure" in alts[1] and "rise ends at (1, 5)" in alts[1]
    assert "Second pyplot cell" in alts[2] and "2 bars from 4 to 9" in alts[2]


def test_lr_range_plot_marks_the_minimum_and_the_suggestion():
    from course_lib import data, search
    from course_lib.network import MLP
    x, t = data.make_spirals(300, classes=3, seed=0)
    r = search.lr_range_test(lambda: MLP([2, 30, 30, 3], seed=0), "sgd", x, t, lr_min=1e-4, lr_max=100.0,
                             steps=150, batch_size=32)
    fig = check_figure(plots.lr_range_plot(r))
    (ax,) = fig.axes
    assert ax.get_xscale() == "log"
    labels = [line.get_label() for line in ax.lines]
    assert any(f"{r['lr_at_min']:.3g}" in lab for lab in labels)
    assert any(f"suggested η = {r['suggested']:.3g}" in lab for lab in labels)
    lo, hi = ax.get_ylim()
    assert hi == pytest.approx(1.3 * max(r["smoothed"][0], r["loss"][0]))
    assert lo < r["smoothed"].min()
    with pytest.raises(TypeError, match="search.lr_range_test"):
        plots.lr_range_plot({"lr": [1, 2]})


def test_early_stopping_curves_mark_the_epochs():
    rng = np.random.default_rng(0)
    hist = {"val_loss": np.linspace(2, 0.5, 12) + rng.uniform(0, 0.1, 12),
            "train_acc": np.linspace(0.1, 1, 12), "val_acc": np.linspace(0.1, 0.8, 12)}
    fig = check_figure(plots.early_stopping_curves(hist, 8, 11, loss_best_epoch=6))
    marked = sorted({line.get_xdata()[0] for ax in fig.axes for line in ax.lines if line.get_color() == "black"})
    assert marked == [6, 8, 11]
    assert "epoch 8" in " ".join(t.get_text() for t in fig.legends[0].get_texts())
    with pytest.raises(ValueError, match="best_epoch <= stop_epoch"):
        plots.early_stopping_curves(hist, 11, 8)
    with pytest.raises(ValueError, match="'val_loss'"):
        plots.early_stopping_curves({"val_acc": [0.1]}, 0, 0)


# ---------------------------------------------------------------- presentation options

def test_presentation_keywords_fill_an_options_object_and_a_typo_names_the_close_match():
    x = np.arange(1, 6)
    fig = plots.lines({"a": (x, x ** 2)}, "k", "y", "t", style=plots.LinesStyle(logy=True, figsize=(6, 3)))
    assert fig.axes[0].get_yscale() == "log" and tuple(fig.get_size_inches()) == (6.0, 3.0)
    fig = plots.lines({"a": (x, x ** 2)}, "k", "y", "t", style=plots.LinesStyle(logy=True), logy=False)
    assert fig.axes[0].get_yscale() == "linear"             # a keyword overrides the style's field
    with pytest.raises(TypeError, match=r"lines\(\) got an unexpected keyword 'logz'.*Did you mean 'logy'"):
        plots.lines({"a": x}, "k", "y", "t", logz=True)
    with pytest.raises(TypeError, match="'figsise'.*'figsize'"):
        plots.curves({"a": history()}, figsise=(9, 3))
    with pytest.raises(TypeError, match="'stat_name'.*'stat_names'"):
        plots.activation_histograms(_layers(2), "h", stat_name=("m", "s"))
    with pytest.raises(TypeError, match="'resolutoin'.*'resolution'"):
        plots.decision_boundary(_predict, np.zeros((3, 2)), np.zeros(3), resolutoin=10)
    with pytest.raises(TypeError, match="'clims'.*'clim'"):
        plots.scatter_trials([1e-3, 1e-2], [1e-5, 1e-6], [0.5, 0.7], "lr", "wd", "acc", clims=(0, 1))
    with pytest.raises(TypeError, match="must be a plots.GridStyle"):
        plots.grid_of_curves({"p": [1.0, 2.0]}, "x", "y", "t", style=plots.LinesStyle())
    with pytest.raises(dataclasses.FrozenInstanceError):
        plots.CurvesStyle().logy = True
