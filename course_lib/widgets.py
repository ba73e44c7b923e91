"""Interactive explorers for the chapters (layer 4: ipywidgets on top of plain functions).

Every explorer follows one pattern:

1. a plain compute function (numbers in, arrays out; the tests call it directly),
2. a plot helper that draws those arrays on a new matplotlib figure and returns it,
3. ``<name>_explorer()`` that builds the controls with :func:`slider` /
   :func:`dropdown`, connects them to the plot helper with :func:`live_figure`
   and returns the layout from :func:`explorer_layout`.

``live_figure`` redraws into an ``ipywidgets.Output`` when a control changes and
closes each figure after showing it, so moving a slider never leaks figures.
Use ``heavy=True`` for controls whose recomputation takes more than ~0.1 s:
the figure is then redrawn when the slider is released, not while it moves.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from course_lib import activations

FIGSIZE = (7.0, 3.6)   # inches; fits a 1280×720 slide at the inline backend's dpi


# ---------------------------------------------------------------- the shared machinery

def slider(description: str, value: float, min: float, max: float, step: float,
           heavy: bool = False, integer: bool = False, readout_format: str | None = None):
    """A labelled FloatSlider (IntSlider if integer=True); heavy -> continuous_update=False."""
    import ipywidgets as w
    kind = w.IntSlider if integer else w.FloatSlider
    options = dict(value=value, min=min, max=max, step=step, description=description,
                   continuous_update=not heavy, style={"description_width": "initial"},
                   layout=w.Layout(width="320px"))
    if readout_format is not None:
        options["readout_format"] = readout_format
    return kind(**options)


def dropdown(description: str, options, value=None):
    """A labelled Dropdown over options (a list or a dict label -> value)."""
    import ipywidgets as w
    return w.Dropdown(options=options, value=value if value is not None else
                      (list(options.values())[0] if isinstance(options, dict) else list(options)[0]),
                      description=description, style={"description_width": "initial"})


def live_figure(draw: Callable, controls: dict):
    """An Output widget showing ``draw(**values)`` and redrawn when a control changes.

    ``draw`` takes the controls' values as keywords and returns a matplotlib
    Figure; each figure is displayed and then closed. Returns the Output, with
    ``.redraw()`` to redraw by hand and ``.draws`` counting the redraws.
    """
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import display

    out = w.Output()
    out.draws = 0

    def redraw(change=None):
        values = {name: control.value for name, control in controls.items()}
        with out:
            out.clear_output(wait=True)
            fig = draw(**values)
            try:
                display(fig)
            finally:
                plt.close(fig)
        out.draws += 1

    for control in controls.values():
        control.observe(redraw, names="value")
    out.redraw = redraw
    redraw()
    return out


def explorer_layout(title: str, controls: dict, output, hint: str = ""):
    """The standard explorer layout: a title, the controls in a row, the figure, a hint."""
    import ipywidgets as w
    parts = [w.HTML(f"<b>{title}</b>"), w.HBox(list(controls.values()),
                                                layout=w.Layout(flex_flow="row wrap")), output]
    if hint:
        parts.append(w.HTML(f"<i>{hint}</i>"))
    box = w.VBox(parts)
    box.controls, box.output = controls, output   # handles for tests and for the curious
    return box


def _new_figure(figsize=FIGSIZE):
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return fig, ax


# ---------------------------------------------------------------- chapter 00: a single neuron

def neuron_curve(w: float, b: float, x=None, activation: str = "sigmoid"):
    """The output of one neuron over inputs x: y = f(w·x + b), f = sigmoid by default.

    Returns (x, y); x defaults to 401 points on [-6, 6].
    """
    x = np.linspace(-6.0, 6.0, 401) if x is None else np.asarray(x, dtype=np.float64)
    return x, activations.get(activation)(w * x + b)


def plot_neuron(x, y, w: float, b: float, ax=None):
    """Draw a neuron's curve y(x) with its midpoint x = −b/w marked; returns the Figure."""
    if ax is None:
        fig, ax = _new_figure()
    else:
        fig = ax.figure
    ax.plot(x, y, lw=2.5, color="tab:blue", label=f"y = σ({w:g}·x {'+' if b >= 0 else '−'} {abs(b):g})")
    ax.axhline(0.5, color="grey", lw=0.8, ls=":")
    if w != 0 and x.min() <= -b / w <= x.max():
        ax.axvline(-b / w, color="tab:orange", lw=1, ls="--", label=f"midpoint x = −b/w = {-b / w:.2f}")
    ax.set(xlim=(x.min(), x.max()), ylim=(-0.05, 1.05), xlabel="input x", ylabel="output y",
           title="A single neuron")
    ax.legend(loc="upper left")
    return fig


def neuron_explorer(w: float = 1.0, b: float = 0.0):
    """Sliders for the weight w and the bias b of y = σ(w·x + b), redrawing the curve."""
    controls = {"w": slider("weight w", w, -5.0, 5.0, 0.1),
                "b": slider("bias b", b, -5.0, 5.0, 0.1)}

    def draw(w, b):
        x, y = neuron_curve(w, b)
        return plot_neuron(x, y, w, b)

    return explorer_layout("A single neuron: y = σ(w·x + b)", controls,
                           live_figure(draw, controls),
                           hint="Try: make w large (a step), make w negative (the curve flips), "
                                "move b (the curve slides to x = −b/w).")


# ================================================================ chapter 01: vanishing gradients
# (chapter 01's explorers go below this line)


# ================================================================ chapter 02: activation functions
# (chapter 02's explorers go below this line)


# ================================================================ chapter 03: weight initialization
# (chapter 03's explorers go below this line)


# ================================================================ chapter 04: optimizers
# (chapter 04's explorers go below this line)


# ================================================================ chapter 05: batch normalization
# (chapter 05's explorers go below this line)


# ================================================================ chapter 06: regularization
# (chapter 06's explorers go below this line)
import functools  # noqa: E402  (here, not at the top, so that chapter sections merge cleanly)

MOONS_NOISE = 0.35      # the 2-D problem of chapter 06: two noisy half-moons
MOONS_TEST_SEED = 100   # the test points come from another draw than every training set


@functools.lru_cache(maxsize=64)
def regularized_moons(weight_decay: float = 0.0, dropout: float = 0.0, n_train: int = 60,
                      max_norm: float | None = None, steps: int = 400, seed: int = 0):
    """Train a 2-100-100-2 ReLU net on ``n_train`` noisy moons with the given regularization.

    Adam (lr 0.01), full-batch, ``steps`` updates; L2 penalty λ/2·Σ W² with
    λ = ``weight_decay``; inverted dropout ``dropout`` after each hidden layer;
    ``max_norm`` c clips every unit's incoming weight vector to norm ≤ c.
    Accuracies on the training points and on 1000 test points of the same
    distribution every 20 updates. Cached: the same arguments return the same
    (shared, do not modify) result dict with keys net, history, x, t, x_test, t_test.
    """
    from course_lib import data, optimizers, regularization
    from course_lib.network import MLP
    from course_lib.training import train
    n_train = int(n_train)
    x, t = data.make_moons(n=n_train, noise=MOONS_NOISE, seed=seed)
    x_test, t_test = data.make_moons(n=1000, noise=MOONS_NOISE, seed=MOONS_TEST_SEED)
    net = MLP([2, 100, 100, 2], weight_decay=float(weight_decay), dropout=float(dropout), seed=seed)
    callback = regularization.max_norm_constraint(max_norm) if max_norm else None
    history = train(net, optimizers.get("adam", lr=0.01), x, t, x_test, t_test, steps=int(steps),
                    batch_size=n_train, eval_every=20, seed=seed, progress=False, callback=callback)
    return {"net": net, "history": history, "x": x, "t": t, "x_test": x_test, "t_test": t_test}


def moons_label(weight_decay=0.0, dropout=0.0, max_norm=None):
    """A short label of a regularization setting: "none", "L2 λ=0.01", "dropout 0.3", ..."""
    parts = [f"L2 λ={weight_decay:g}" if weight_decay else "", f"dropout {dropout:g}" if dropout else "",
             f"max-norm c={max_norm:g}" if max_norm else ""]
    return " + ".join(p for p in parts if p) or "no regularization"


def plot_regularized_moons(result, label="", figsize=(10.0, 3.7)):
    """Left: train/test accuracy against updates; right: the decision boundary with the
    training points. Returns the Figure."""
    from course_lib import plots
    fig, (left, right) = plots.subplots(1, 2, figsize=figsize)
    h, net = result["history"], result["net"]
    plots.train_test(h, ax=left, x="step", title=f"Accuracy ({label})" if label else "Accuracy")
    left.set_ylim(0.4, 1.02)
    gap = h["train_acc"][-1] - h["test_acc"][-1]
    plots.decision_boundary(lambda p: net.predict(p), result["x"], result["t"], ax=right,
                            resolution=120, title=f"{len(result['t'])} training points · gap {gap:.3f}")
    return fig


def regularization_explorer(weight_decay: float = 0.0, dropout: float = 0.0, n_train: int = 60):
    """Sliders for λ, the dropout ratio and the training-set size of the 2-D moons problem,
    redrawing the train/test curves and the decision boundary."""
    controls = {"weight_decay": slider("L2 λ", weight_decay, 0.0, 0.05, 0.0025, heavy=True,
                                       readout_format=".4f"),
                "dropout": slider("dropout ratio p", dropout, 0.0, 0.6, 0.1, heavy=True),
                "n_train": slider("training points", n_train, 20, 400, 20, heavy=True, integer=True)}

    def draw(weight_decay, dropout, n_train):
        result = regularized_moons(round(weight_decay, 6), round(dropout, 6), int(n_train))
        return plot_regularized_moons(result, moons_label(weight_decay, dropout))

    return explorer_layout("Regularization on two noisy moons: λ, dropout, data", controls,
                           live_figure(draw, controls),
                           hint="Try: λ = 0.01, then dropout 0.3 — the boundary smooths and the gap "
                                "closes; then 400 points and no regularization — more data does the same.")


# ================================================================ chapter 07: hyperparameter search
# (chapter 07's explorers go below this line)

def range_slider(description: str, value, min: float, max: float, step: float, heavy: bool = False):
    """A labelled FloatRangeSlider (a pair low, high); heavy -> continuous_update=False."""
    import ipywidgets as w
    return w.FloatRangeSlider(value=list(value), min=min, max=max, step=step, description=description,
                              continuous_update=not heavy, readout_format=".1f",
                              style={"description_width": "initial"}, layout=w.Layout(width="380px"))


def search_region(trials, log_lr=(-6.0, -2.0), log_wd=(-8.0, -4.0), key="val_acc"):
    """The trials inside a region of the (lr, λ) plane given in log10 units, best first.

    Returns (inside, best): the indices of the trials with log10 lr in ``log_lr``
    and log10 weight_decay in ``log_wd`` sorted by ``key`` (NaN last), and the
    index of the best one (None if the region holds no trial with a score).
    """
    from course_lib import search
    idx = search.in_region(trials, {"lr": (10 ** log_lr[0], 10 ** log_lr[1]),
                                    "weight_decay": (10 ** log_wd[0], 10 ** log_wd[1])})
    scores = search.column(trials, key)
    idx.sort(key=lambda i: (not np.isfinite(scores[i]), -np.nan_to_num(scores[i], nan=-np.inf)))
    best = idx[0] if idx and np.isfinite(scores[idx[0]]) else None
    return idx, best


def plot_search_region(trials, log_lr, log_wd, key="val_acc", max_curves=8, figsize=(11.0, 3.7)):
    """Left: every trial in the (lr, λ) plane (grey), those inside the region coloured by ``key``,
    the region as a rectangle. Right: the ``key`` curves of the best trials inside. Returns the Figure."""
    from matplotlib.patches import Rectangle
    from course_lib import plots, search
    inside, best = search_region(trials, log_lr, log_wd, key)
    lr, wd, score = (search.column(trials, k) for k in ("lr", "weight_decay", key))
    fig, (left, right) = plots.subplots(1, 2, figsize=figsize)
    left.scatter(lr, wd, s=14, color="0.75", label="all trials")
    finite = score[np.isfinite(score)]
    vmin, vmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    sc = left.scatter(lr[inside], wd[inside], c=score[inside], cmap="viridis", vmin=vmin, vmax=vmax, s=40,
                      edgecolors="0.2", linewidths=0.4, label="inside the region")
    fig.colorbar(sc, ax=left, label=key.replace("_acc", " accuracy").replace("val", "validation"))
    left.add_patch(Rectangle((10 ** log_lr[0], 10 ** log_wd[0]), 10 ** log_lr[1] - 10 ** log_lr[0],
                             10 ** log_wd[1] - 10 ** log_wd[0], fill=False, ec=plots.PALETTE[1], lw=2))
    left.set(xscale="log", yscale="log", xlabel="learning rate", ylabel="weight decay λ",
             title=f"{len(inside)} of {len(trials)} trials inside")
    left.legend(loc="lower left", fontsize=plots.FONT_MIN)
    shown = [i for i in inside if np.isfinite(score[i])][:max_curves]
    for rank, i in enumerate(shown):
        h = trials[i]["history"]
        colour, ls = plots.PALETTE[rank % len(plots.PALETTE)], "-" if rank < len(plots.PALETTE) else "--"
        per_epoch = float(h["eval_step"][1] - h["eval_step"][0]) if len(h["eval_step"]) > 1 else 1.0
        right.plot(np.asarray(h["eval_step"]) / per_epoch, h[key], color=colour, ls=ls,
                   label=f"lr {trials[i]['lr']:.1e}, λ {trials[i]['weight_decay']:.0e}")
    right.set(xlabel="epoch", ylabel="validation accuracy", ylim=(0, 1),
              title=("best inside: " + f"{score[best]:.3f}") if best is not None else "no trial inside")
    if shown:
        right.legend(loc="upper left", fontsize=plots.FONT_MIN - 1 if len(shown) > 4 else plots.FONT_MIN)
    return fig


def search_region_explorer(trials, log_lr=(-3.0, -1.5), log_wd=(-8.0, -4.0)):
    """Two range sliders choosing a region of the (lr, λ) plane (log10 units); the figure shows the
    trials inside it and their validation curves. ``trials``: a list from search.run_trials."""
    from course_lib import search
    if not trials:
        raise ValueError("trials is empty: run a search first (search.run_trials)")
    lr, wd = np.log10(search.column(trials, "lr")), np.log10(search.column(trials, "weight_decay"))
    lo_lr, hi_lr = np.floor(lr.min() * 2) / 2, np.ceil(lr.max() * 2) / 2
    lo_wd, hi_wd = np.floor(wd.min() * 2) / 2, np.ceil(wd.max() * 2) / 2
    clip = lambda v, lo, hi: (float(np.clip(v[0], lo, hi)), float(np.clip(v[1], lo, hi)))  # noqa: E731
    controls = {"log_lr": range_slider("log₁₀ learning rate", clip(log_lr, lo_lr, hi_lr), lo_lr, hi_lr, 0.1,
                                       heavy=True),
                "log_wd": range_slider("log₁₀ weight decay λ", clip(log_wd, lo_wd, hi_wd), lo_wd, hi_wd, 0.1,
                                       heavy=True)}

    def draw(log_lr, log_wd):
        return plot_search_region(trials, tuple(log_lr), tuple(log_wd))

    return explorer_layout("Trials inside a region of the (learning rate, λ) plane", controls,
                           live_figure(draw, controls),
                           hint="Try: slide the learning-rate range from low to high — the curves climb; then "
                                "narrow λ — across this range it hardly matters.")
