"""Every figure of course_lib.plots in Korean: its words come from the catalog, every glyph is drawn,
and the English figure is the same as before a Korean one was drawn."""
import io
import re
import warnings

import matplotlib
matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from course_lib import i18n, plots, schedules  # noqa: E402
from course_lib.plots import _style  # noqa: E402

HANGUL = re.compile(r"[\uac00-\ud7a3]")
WORD = re.compile(r"[A-Za-z][A-Za-z_]{2,}")
#: Words a Korean figure may show: the names in the test data below (activations, optimizers,
#: surfaces, the x₁/x₂ axes) and the function symbols of the formulas.
NAMES = {"relu", "tanh", "sigmoid", "sgd", "adam", "adagrad", "beale", "saddle", "ill_conditioned",
         "cosine", "constant", "float"}


@pytest.fixture
def korean(monkeypatch):
    if _style.hangul_font() is None:
        pytest.fail(_style.NO_HANGUL_FONT.format(fonts=_style.HANGUL_FONTS, cache=matplotlib.get_cachedir()))
    i18n.set_language("ko")
    yield
    i18n.set_language("en")
    monkeypatch.setattr(i18n, "_chosen", None)


def _history(seed=0, val=False):
    rng = np.random.default_rng(seed)
    ev = np.arange(6) * 20
    h = {"loss": 2.3 * np.exp(-np.arange(100) / 40) + 0.1 * rng.standard_normal(100) + 0.5,
         "time": 0.01 * np.arange(1, 101), "eval_step": ev, "train_acc": np.linspace(0.1, 0.95, 6),
         "test_acc": np.linspace(0.1, 0.85, 6)}
    if val:
        h["val_acc"] = np.linspace(0.1, 0.8, 6) - 0.02 * seed
    return h


def _predict(p):
    return (p[:, 0] + p[:, 1] > 0).astype(int)


_XY = np.random.default_rng(0).standard_normal((40, 2))
_LR, _WD = 10 ** np.linspace(-5, -3, 12), 10 ** np.linspace(-7, -5, 12)
_SCORE = np.r_[np.linspace(0.2, 0.9, 11), np.nan]
_TRIALS = [{"lr": a, "weight_decay": b, "val_acc": c, "history": _history(i % 3, val=True)}
           for i, (a, b, c) in enumerate(zip(_LR, _WD, _SCORE))]
_PATH = np.array([[1.0, 1.5], [2.0, 1.0], [2.5, 0.8]])


class _Net:
    predict = staticmethod(_predict)


# Each helper with arguments as the chapters give them. The captions the chapters write are passed
# as strings the catalog knows (in the Korean notebooks they are Korean literals); the series names
# "train"/"test" stand for the experiments' names marked with N_(), translated when drawn.
# (helper, make, the texts that must be Korean: "title", "xlabel", "ylabel", "legend")
CASES = [
    ("curves", lambda: plots.curves({"train": _history(), "test": _history(1)}, smooth=0.9),
     ("title", "xlabel", "ylabel", "legend")),
    ("curves, per evaluation", lambda: plots.curves(_history(), key="train_acc", x="epoch"),
     ("title", "xlabel", "ylabel")),
    ("train_test", lambda: plots.train_test(_history(val=True)), ("title", "xlabel", "ylabel", "legend")),
    ("lines", lambda: plots.lines({"train": [1, 2, 3], "test": [2, 3, 1]}, "epoch", "accuracy",
                                  "Training accuracy", markers=True), ("title", "xlabel", "ylabel", "legend")),
    ("grid_of_curves", lambda: plots.grid_of_curves({"Accuracy": {"train": np.arange(5.0), "test": np.ones(5)},
                                                     "Training accuracy": np.arange(5.0)},
                                                    "epoch", "accuracy", "Training accuracy"),
     ("title", "xlabel", "ylabel", "legend")),
    ("schedule_plot", lambda: plots.schedule_plot(np.arange(50), {"cosine": schedules.get(
        "cosine", lr0=0.1, total_steps=50), "constant": np.full(50, 0.05)}), ("title", "xlabel", "ylabel")),
    ("early_stopping_curves", lambda: plots.early_stopping_curves(
        {"val_loss": np.linspace(2, 0.5, 12), "train_acc": np.linspace(0.1, 1, 12),
         "val_acc": np.linspace(0.1, 0.8, 12)}, 8, 11, 6), ("title", "xlabel", "ylabel", "legend")),
    ("lr_range_plot", lambda: plots.lr_range_plot({"lr": np.geomspace(1e-5, 10, 60), "loss": np.linspace(2.3, 1, 60),
                                                   "smoothed": np.linspace(2.3, 1, 60), "lr_at_min": 1.0,
                                                   "suggested": 0.1}), ("title", "xlabel", "ylabel", "legend")),
    ("plot_bn_runs", lambda: plots.plot_bn_runs({"train": {**_history(), "diverged_at": None},
                                                 "test": {**_history(1), "diverged_at": 57}}, 1.0, 0.1),
     ("title", "xlabel", "ylabel", "legend")),
    ("activation_histograms", lambda: plots.activation_histograms([np.linspace(0, 1, 50)] * 3),
     ("title", "xlabel", "ylabel")),
    ("activation_histograms, rows", lambda: plots.activation_histograms(
        {"train": [np.linspace(0, 1, 50)] * 2, "test": [np.linspace(0, 2, 50)] * 2}, stat_names=("μ", "σ")),
     ("title", "xlabel", "ylabel")),
    ("function_grid", lambda: plots.function_grid(["relu", "tanh"]), ("title", "legend")),
    ("function_and_derivative", lambda: plots.function_and_derivative(["relu", "tanh"]), ("title", "ylabel")),
    ("plot_neuron", lambda: plots.plot_neuron(np.linspace(-6, 6, 41), 1 / (1 + np.exp(-np.linspace(-6, 6, 41))),
                                              1.0, 0.5), ("title", "xlabel", "ylabel", "legend")),
    ("plot_activation_curves", lambda: plots.plot_activation_curves({}), ("title", "ylabel")),
    ("layer_bars", lambda: plots.layer_bars({"train": [1.0, 0.1], "test": [0.5, 0.2]}, "accuracy",
                                            "Training accuracy"), ("title", "xlabel", "ylabel", "legend")),
    ("ranked_bars", lambda: plots.ranked_bars({"relu": 0.9, "tanh": 0.8}, "test accuracy", "", "Accuracy"),
     ("title", "xlabel")),
    ("plot_gradient_profile", lambda: plots.plot_gradient_profile([1e-3, 0.0, 1.0], "sigmoid", 1.0),
     ("title", "xlabel", "ylabel")),
    ("decision_boundary", lambda: plots.decision_boundary(_predict, _XY, _predict(_XY), resolution=40),
     ("title", "legend")),
    ("scatter_trials", lambda: plots.scatter_trials(_LR, _WD, _SCORE, "learning rate", "weight decay λ",
                                                    "validation accuracy"), ("title", "xlabel", "ylabel", "legend")),
    ("plot_regularized_moons", lambda: plots.plot_regularized_moons(
        {"history": _history(), "net": _Net(), "x": _XY, "t": _predict(_XY)}), ("title", "xlabel", "ylabel")),
    ("plot_search_region", lambda: plots.plot_search_region(_TRIALS, (-6, -2), (-8, -4)),
     ("title", "xlabel", "ylabel", "legend")),
    ("paths_on_contour", lambda: plots.paths_on_contour("beale", {"sgd": _PATH, "adam": 1e3 * _PATH}), ("legend",)),
    ("paths_grid", lambda: plots.paths_grid("saddle", {"sgd": _PATH, "adam": _PATH[::-1]}), ("legend",)),
    ("plot_playground", lambda: plots.plot_playground("beale", {"sgd": _PATH, "adam": _PATH[:2]}, steps=2),
     ("legend",)),
    ("plot_effective_steps", lambda: plots.plot_effective_steps(
        {"adagrad": (np.arange(5), np.ones((5, 2)))}, "ill_conditioned"), ("title", "xlabel", "ylabel")),
]
#: Every public figure helper but those of plots/monitor.py (tested with the chapter-08 monitor).
HELPERS = {"activation_histograms", "function_grid", "function_and_derivative", "paths_on_contour", "paths_grid",
           "curves", "train_test", "lines", "grid_of_curves", "early_stopping_curves", "layer_bars", "ranked_bars",
           "decision_boundary", "scatter_trials", "schedule_plot", "plot_neuron", "plot_gradient_profile",
           "plot_activation_curves", "plot_playground", "plot_effective_steps", "plot_bn_runs",
           "plot_regularized_moons", "plot_search_region", "lr_range_plot"}


def test_the_cases_cover_every_public_figure_helper():
    assert {name.split(",")[0] for name, _, _ in CASES} == HELPERS
    assert HELPERS <= set(plots.__all__)


def _texts(fig):
    """{"title": [...], "xlabel": [...], "ylabel": [...], "legend": [...], "all": [...]}: the non-empty texts."""
    axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    found = {"title": [ax.get_title() for ax in axes] + [fig.get_suptitle()],
             "xlabel": [ax.get_xlabel() for ax in axes] + [fig.get_supxlabel()],
             "ylabel": [ax.get_ylabel() for ax in axes + bars] + [fig.get_supylabel()],
             "legend": [t.get_text() for lg in legends for t in lg.get_texts()] +
                       [lg.get_title().get_text() for lg in legends],
             "all": [t.get_text() for t in fig.findobj(Text) if t.get_visible()]}
    return {k: [t for t in v if t.strip()] for k, v in found.items()}


def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _english_words(text):
    """The English words of a text, leaving out names and mathtext ($10^{-5}$ tick labels)."""
    return [w for w in WORD.findall(re.sub(r"\$[^$]*\$", "", text)) if w.lower() not in NAMES]


@pytest.mark.parametrize("name, make, korean_parts", CASES, ids=[c[0] for c in CASES])
def test_every_figure_speaks_korean_with_every_glyph(name, make, korean_parts, korean):
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"(?s).*Glyph .* missing from font")
        fig = make()
        _png(fig)                                        # a missing glyph is an error here
        texts = _texts(fig)
        for part in korean_parts:
            assert texts[part], f"{name}: no {part}"
            assert any(HANGUL.search(t) for t in texts[part]), f"{name}: {part} {texts[part]} is not Korean"
        left = [(t, _english_words(t)) for t in texts["all"] if _english_words(t)]
        assert not left, f"{name}: English words left in the Korean figure: {left}"
        alt = plots.alt_text(fig)
        assert HANGUL.search(alt) and not {"against", "ends", "bars", "points", "panels", "Figure"} & set(
            _english_words(alt)), alt


@pytest.mark.parametrize("name, make, korean_parts", CASES, ids=[c[0] for c in CASES])
def test_english_figures_are_unchanged_by_a_korean_one(name, make, korean_parts):
    assert i18n.language() == "en"
    before, alt_before = _png(make()), plots.alt_text(make())
    assert not any(HANGUL.search(t) for t in _texts(make())["all"] + [alt_before])
    i18n.set_language("ko")
    try:
        make()
    finally:
        i18n.set_language("en")
    assert _png(make()) == before and plots.alt_text(make()) == alt_before


def test_a_series_name_the_catalog_knows_is_shown_in_korean_any_other_as_given(korean):
    fig = plots.lines({"train": [1, 2], "my run": [2, 1], "": [0, 1]}, "epoch", "x", "t")
    labels = [ln.get_label() for ln in fig.axes[0].lines]
    assert labels[:2] == ["훈련", "my run"] and labels[2].startswith("_child")      # "" stays unlabelled
    assert _style.localized("") == "" and _style.localized("_child0") == "_child0"   # not the catalog header
    fig = plots.activation_histograms([np.linspace(0, 1, 9)])            # a row without a label
    assert fig.axes[0].get_ylabel() == "값의 비율"


def test_presentation_options_still_route_in_korean(korean):
    fig = plots.curves({"train": _history()}, style=plots.CurvesStyle(title="Training accuracy", logy=True))
    assert fig.axes[0].get_title() == "훈련 정확도" and fig.axes[0].get_yscale() == "log"
