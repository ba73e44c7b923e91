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

import functools  # noqa: E402  (kept in this chapter's section)


@functools.lru_cache(maxsize=64)
def _bn_runs_cached(log10_std, log10_lr, n, epochs, batch_size, seed):
    from course_lib import batchnorm, data
    (x, t), _ = data.load_mnist()
    runs = {}
    for name, option in (("no BN", False), ("BN", True)):
        _, runs[name] = batchnorm.train_run(x[:n], t[:n], batchnorm=option, init=10.0 ** log10_std,
                                            lr=10.0 ** log10_lr, epochs=epochs, batch_size=batch_size,
                                            seed=seed)
    return runs


def bn_runs(std: float, lr: float, n: int = 500, epochs: int = 6, batch_size: int = 50, seed: int = 0):
    """Training histories of the 784-100×5-10 ReLU net with and without batch norm:
    weights W ~ N(0, std²), SGD at rate ``lr``, on the first ``n`` MNIST training images.

    Returns {"no BN": history, "BN": history} (``batchnorm.train_run`` histories: per-step
    "loss", per-epoch "train_acc", "diverged_at"). Cached: returning to a setting is instant;
    do not modify the returned histories.
    """
    if not (std > 0 and lr > 0):
        raise ValueError(f"std and lr must be > 0, got std={std}, lr={lr}")
    return _bn_runs_cached(round(float(np.log10(std)), 3), round(float(np.log10(lr)), 3), int(n),
                           int(epochs), int(batch_size), int(seed))


def plot_bn_runs(runs, std: float, lr: float):
    """Loss per step (left) and training accuracy per epoch (right) of bn_runs' histories."""
    from course_lib import plots
    labelled = {}
    for name, h in runs.items():
        step = h.get("diverged_at")
        labelled[name if step is None else f"{name} (diverged at step {step})"] = h
    fig, (ax_loss, ax_acc) = plots.subplots(1, 2, figsize=(10, 3.6))
    with np.errstate(invalid="ignore", over="ignore"):
        plots.curves(labelled, key="loss", smooth=0.6, raw=False, logy=True, ax=ax_loss,
                     title=f"Training loss · std {std:.2g}, lr {lr:.2g}")
    plots.curves(labelled, key="train_acc", x="epoch", ax=ax_acc, title="Training accuracy")
    ax_acc.set_ylim(0, 1.02)
    ax_loss.set_ylim(1e-2, 1e2)
    return fig


def batchnorm_explorer(std: float = 0.01, lr: float = 0.05):
    """Log sliders for the initial weight std and the learning rate; redraws the runs with and
    without batch norm side by side (each setting trains two small nets, cached)."""
    import ipywidgets as w
    controls = {
        "std": w.FloatLogSlider(value=std, base=10, min=-4, max=0, step=0.25, description="weight std",
                                continuous_update=False, readout_format=".2g",
                                style={"description_width": "initial"}, layout=w.Layout(width="320px")),
        "lr": w.FloatLogSlider(value=lr, base=10, min=-3, max=0, step=0.25, description="learning rate",
                               continuous_update=False, readout_format=".2g",
                               style={"description_width": "initial"}, layout=w.Layout(width="320px")),
    }

    def draw(std, lr):
        return plot_bn_runs(bn_runs(std, lr), std, lr)

    return explorer_layout("Training with and without batch norm (500 images, 6 epochs)", controls,
                           live_figure(draw, controls),
                           hint="Try: std 1e-3 (no BN stays at chance, BN learns); std 1 (no BN "
                                "diverges); then raise the learning rate until BN fails too.")


# ================================================================ chapter 06: regularization
# (chapter 06's explorers go below this line)


# ================================================================ chapter 07: hyperparameter search
# (chapter 07's explorers go below this line)
