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
import functools  # noqa: E402  (kept in this chapter's section)

#: The explorer's initialisations: label -> an initializer name, or a function n -> std of a normal
#: (n = width = fan_in = fan_out). The two "✘" entries are the wrong formulas of the notes.
INIT_CHOICES = {
    "std 1": lambda n: 1.0,
    "std 0.01": lambda n: 0.01,
    "LeCun: 1/√n_in": "lecun_normal",
    "Xavier/Glorot: √(2/(n_in+n_out))": "glorot_normal",
    "He: √(2/n_in)": "he_normal",
    "✘ He as in the notes: 2/√n": lambda n: 2.0 / np.sqrt(n),
    "✘ Glorot as in the notes: √(3/(n_in+n_out))": lambda n: np.sqrt(3.0 / (2 * n)),
}
#: Fixed histogram ranges for the bounded activations (None: from the data).
_HIST_RANGE = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}


def init_weight_std(init: str, width: int = 100) -> float:
    """The std of the weights that the explorer's ``init`` label draws for a width×width layer."""
    from course_lib import initializers
    if init not in INIT_CHOICES:
        raise ValueError(f"unknown initialisation {init!r}; choose one of {list(INIT_CHOICES)}")
    choice = INIT_CHOICES[init]
    if callable(choice):
        return float(choice(width))
    return initializers.std(choice, width, width)


@functools.lru_cache(maxsize=64)
def init_activations(activation: str = "sigmoid", init: str = "std 1", depth: int = 5,
                     width: int = 100, n: int = 1000, seed: int = 0):
    """The forward experiment of *Deep Learning from Scratch* §6.2 for one explorer setting:
    x ~ N(0, 1) of shape (n, width) through ``depth`` layers a_l = f(a_{l−1} W_l), W_l drawn
    as ``init`` (a label of INIT_CHOICES) says.  Returns (activations a_1..a_depth as a tuple of
    read-only arrays, per-layer means, per-layer stds)."""
    from course_lib import diagnostics
    if not isinstance(depth, (int, np.integer)) or depth < 1:
        raise ValueError(f"depth must be a positive integer (number of layers), got {depth!r}")
    if init not in INIT_CHOICES:
        raise ValueError(f"unknown initialisation {init!r}; choose one of {list(INIT_CHOICES)}")
    choice = INIT_CHOICES[init]
    spec = init_weight_std(init, width) if callable(choice) else choice
    with np.errstate(over="ignore", invalid="ignore"):   # ReLU with std 1 reaches ~1e16 by layer 20
        layers = diagnostics.forward_activations(activation, spec, depth=int(depth), width=width,
                                                 n=n, seed=seed)
        means = np.array([float(a.mean(dtype=np.float64)) for a in layers])
        stds = np.array([float(a.std(dtype=np.float64)) for a in layers])
    for a in layers:
        a.setflags(write=False)            # cached: nobody may change them
    return tuple(layers), means, stds


def shown_layers(depth: int, panels: int = 5):
    """The (at most ``panels``) layers the explorer draws: evenly spaced, first and last included."""
    return sorted(set(np.round(np.linspace(1, depth, min(depth, panels))).astype(int).tolist()))


def plot_init_activations(activation: str, init: str, depth: int, figsize=(11.0, 3.1)):
    """Histograms of up to five layers (first to last) of one setting, with μ and σ per panel."""
    from course_lib import plots
    layers, _, stds = init_activations(activation, init, depth)
    show = shown_layers(depth)
    title = (f"{activation}, {init} (weight std {init_weight_std(init):.3g}): "
             f"std of layer {depth} = {stds[-1]:.3g}")
    return plots.activation_histograms([layers[i - 1] for i in show], title=title,
                                       labels=[f"layer {i}" for i in show],
                                       range=_HIST_RANGE.get(activation),
                                       ymax=0.15 if activation == "relu" else None, figsize=figsize)


def init_explorer(activation: str = "sigmoid", init: str = "std 1", depth: int = 5):
    """Activation × initialisation × depth → the activations' histograms, layer by layer."""
    controls = {"activation": dropdown("activation", ["sigmoid", "tanh", "relu"], activation),
                "init": dropdown("init", list(INIT_CHOICES), init),
                "depth": slider("layers", depth, 1, 20, 1, heavy=True, integer=True)}
    return explorer_layout("Activations of a deep net at initialisation (100 units a layer, 1000 inputs)",
                           controls, live_figure(plot_init_activations, controls),
                           hint="Try: sigmoid with std 1, then std 0.01, then Xavier; ReLU with Xavier "
                                "and 20 layers, then He, then the notes' 2/√n — watch σ layer by layer.")


# ================================================================ chapter 04: optimizers
# (chapter 04's explorers go below this line)


# ================================================================ chapter 05: batch normalization
# (chapter 05's explorers go below this line)


# ================================================================ chapter 06: regularization
# (chapter 06's explorers go below this line)


# ================================================================ chapter 07: hyperparameter search
# (chapter 07's explorers go below this line)
