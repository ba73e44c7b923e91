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
import functools  # noqa: E402  (caches of the explorers below)

@functools.lru_cache(maxsize=4)
def _mnist_batch(size: int = 200, seed: int = 0):
    """A fixed batch of MNIST training digits (x, t), the same on every call."""
    from course_lib import data
    (x_train, t_train), _ = data.load_mnist()
    rows = np.random.default_rng(seed).choice(len(x_train), size, replace=False)
    x, t = x_train[rows], t_train[rows]
    x.flags.writeable = t.flags.writeable = False
    return x, t


def scaled_init(weight_scale: float):
    """An initializer W ~ N(0, (g/√n_in)²) with g = ``weight_scale``: g = 1 is LeCun normal,
    g = √2 ≈ 1.41 is He normal; larger g makes every layer amplify its input by about g."""
    if not (np.isfinite(weight_scale) and weight_scale > 0):
        raise ValueError(f"weight_scale must be a positive number (1 = LeCun, 1.41 = He), got {weight_scale!r}")
    from course_lib import initializers
    lecun = initializers.get("lecun_normal")

    def init(fan_in, fan_out, rng):
        return weight_scale * lecun(fan_in, fan_out, rng)

    return init


@functools.lru_cache(maxsize=256)
def _profile(depth, activation, weight_scale, width, batch, seed):
    from course_lib import diagnostics
    from course_lib.network import MLP
    x, t = _mnist_batch(batch, seed)
    net = MLP([784] + [width] * (depth - 1) + [10], activation=activation,
              init=scaled_init(weight_scale), seed=seed)
    with np.errstate(over="ignore", invalid="ignore"):
        return diagnostics.gradient_norms(net, x, t)


def gradient_norm_profile(depth: int = 10, activation: str = "sigmoid", weight_scale: float = 1.0,
                          width: int = 100, batch: int = 200, seed: int = 0):
    """‖∂L/∂W_l‖ for l = 1..depth: an untrained MLP with ``depth`` weight layers
    (784 → width → … → width → 10) on a fixed batch of ``batch`` MNIST digits.

    Weights W_l ~ N(0, (g/√n_in)²) with g = ``weight_scale`` (see :func:`scaled_init`),
    biases 0. Backpropagation multiplies the gradient by f'(z_l)·W_lᵀ at every layer, so
    the norms shrink towards the input when that factor is below 1 (vanishing) and grow
    when it is above 1 (exploding). Returns a new float array of length ``depth``.
    """
    if not isinstance(depth, (int, np.integer)) or depth < 2:
        raise ValueError(f"depth must be an integer >= 2 (the number of weight layers), got {depth!r}")
    activation = activations.get(activation).name
    scaled_init(weight_scale)                 # validates the scale
    return _profile(int(depth), activation, float(weight_scale), int(width), int(batch), int(seed)).copy()


def plot_gradient_profile(norms, activation: str, weight_scale: float, figsize=(8.5, 3.6)):
    """Bars of ‖∂L/∂W_l‖ per layer (log scale), titled with the ratio first layer : last layer."""
    from course_lib import plots
    norms = np.asarray(norms, dtype=np.float64)
    shown = np.where(np.isfinite(norms) & (norms > 0), norms, np.nan)   # 0 or inf: under-/overflow
    if np.isnan(shown).all():
        title = (f"{activation}, weight std {weight_scale:g}/√n: every gradient under- or overflowed "
                 "the float32 range")
        return plots.layer_bars({activation: np.zeros_like(norms)}, "‖∂L/∂W‖", title, log=False,
                                xlabel="layer (input → output)", figsize=figsize)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = norms[0] / norms[-1]
    title = (f"{activation}, weight std {weight_scale:g}/√n: first layer gets "
             f"{ratio:.2g} × the last layer's gradient")
    if np.isnan(shown).any():
        title += " (missing bars: 0, underflow)"
    return plots.layer_bars({activation: shown}, "‖∂L/∂W‖ (log scale)", title,
                            xlabel="layer (input → output)", figsize=figsize)


def gradient_explorer(depth: int = 10, activation: str = "sigmoid", weight_scale: float = 1.0):
    """Depth × activation × weight scale → per-layer gradient norms of an untrained net on MNIST."""
    controls = {"depth": slider("depth (weight layers)", depth, 2, 30, 1, integer=True),
                "activation": dropdown("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "elu",
                                                      "selu", "softsign"], activation),
                "weight_scale": slider("weight scale g (std g/√n)", weight_scale, 0.25, 6.0, 0.05)}

    def draw(depth, activation, weight_scale):
        norms = gradient_norm_profile(depth, activation, weight_scale)
        return plot_gradient_profile(norms, activation, weight_scale)

    return explorer_layout("Gradient norm per layer: depth × activation × weight scale", controls,
                           live_figure(draw, controls),
                           hint="Try: sigmoid at depth 20 (the first bars vanish); tanh with g = 1 vs g = 4 "
                                "(growing towards the input); relu with g = 1, 1.41 (He) and 2 (all bars "
                                "move together — watch the axis).")


# ================================================================ chapter 02: activation functions
# (chapter 02's explorers go below this line)

#: The parameter each adjustable activation takes from the explorer's sliders.
ACTIVATION_PARAMETERS = {"leaky_relu": "alpha", "elu": "alpha", "threshold_relu": "theta", "swish": "beta"}


def activation_curves(names, alpha: float = 0.3, theta: float = 1.0, beta: float = 1.0, x=None):
    """f and f' of the named activations on x (default 401 points on [−4, 4]).

    ``alpha`` goes to leaky_relu and elu, ``theta`` to threshold_relu, ``beta`` to swish
    (see :data:`ACTIVATION_PARAMETERS`); the other functions have no parameter. Returns
    a dict label -> (x, f(x), f'(x)), the label naming the parameter, e.g. "elu (α=0.3)".
    """
    if isinstance(names, str):
        names = [names]
    x = np.linspace(-4.0, 4.0, 401) if x is None else np.asarray(x, dtype=np.float64)
    values = {"alpha": float(alpha), "theta": float(theta), "beta": float(beta)}
    symbols = {"alpha": "α", "theta": "θ", "beta": "β"}
    curves = {}
    for name in names:
        key = activations.get(name).name
        param = ACTIVATION_PARAMETERS.get(key)
        act = activations.get(key, **{param: values[param]}) if param else activations.get(key)
        label = f"{key} ({symbols[param]}={values[param]:g})" if param else key
        curves[label] = (x, act(x), act.derivative(x))
    return curves


def plot_activation_curves(curves, title: str = "", figsize=(8.5, 3.6)):
    """f solid and f' dashed (same colour) for each entry of :func:`activation_curves`."""
    from course_lib import plots
    fig, ax = plots.subplots(figsize=figsize)
    ax.axhline(0, color="0.6", lw=0.8, zorder=0)
    ax.axvline(0, color="0.6", lw=0.8, zorder=0)
    for i, (label, (x, f, d)) in enumerate(curves.items()):
        colour = plots.PALETTE[i % len(plots.PALETTE)]
        ax.plot(x, f, color=colour, ls="-", label=label)
        ax.plot(x, d, color=colour, ls="--")
    if not curves:
        ax.text(0.5, 0.5, "select one or more functions", ha="center", va="center", transform=ax.transAxes)
    ax.set(xlabel="x", ylabel="f(x) solid, f'(x) dashed", title=title or "Activation functions")
    ax.set_ylim(-2.5, 4.5)
    if curves:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return fig


def activation_explorer(names=("leaky_relu", "elu", "threshold_relu"), alpha: float = 0.3,
                        theta: float = 1.0, beta: float = 1.0):
    """Pick activation functions and their parameters α, θ, β; see f and f'."""
    import ipywidgets as w
    controls = {"names": w.SelectMultiple(options=activations.names(), value=tuple(names), rows=5,
                                          description="functions", style={"description_width": "initial"}),
                "alpha": slider("α (leaky_relu, elu)", alpha, 0.0, 2.0, 0.05),
                "theta": slider("θ (threshold_relu)", theta, -2.0, 3.0, 0.1),
                "beta": slider("β (swish)", beta, 0.0, 5.0, 0.1)}

    def draw(names, alpha, theta, beta):
        title = f"α = {alpha:g},  θ = {theta:g},  β = {beta:g}"
        return plot_activation_curves(activation_curves(names, alpha, theta, beta), title=title)

    return explorer_layout("Activation functions f (solid) and their derivatives f' (dashed)", controls,
                           live_figure(draw, controls),
                           hint="Try: elu with α = 0, 1, 2 (the floor at −α); threshold_relu with θ < 0; "
                                "swish with β = 1.702 next to gelu; ctrl/shift-click to pick several.")


# ================================================================ chapter 03: weight initialization
# (chapter 03's explorers go below this line)


# ================================================================ chapter 04: optimizers
# (chapter 04's explorers go below this line)


# ================================================================ chapter 05: batch normalization
# (chapter 05's explorers go below this line)


# ================================================================ chapter 06: regularization
# (chapter 06's explorers go below this line)


# ================================================================ chapter 07: hyperparameter search
# (chapter 07's explorers go below this line)
