"""Interactive explorers for the chapters (layer 4: ipywidgets on top of plain functions).

Every explorer follows one pattern:

1. a plain compute function (numbers in, arrays out; the tests call it directly),
2. a plot helper that draws those arrays on a new matplotlib figure and returns it,
3. ``<name>_explorer()`` that builds the controls with :func:`slider` /
   :func:`dropdown`, connects them to the plot helper with :func:`live_figure`
   and returns the layout from :func:`explorer_layout`.

``live_figure`` redraws into an ``ipywidgets.Output`` when a control changes and
closes each figure after showing it, so moving a slider never leaks figures.
Use ``heavy=True`` for sliders whose redraw takes more than ~0.15 s (measure with
``tests/benchmarks/benchmark_explorers.py``): the figure is then redrawn when the slider is
released, not while it moves, so redraws never queue up behind a dragged slider.
"""
from __future__ import annotations

import functools
import warnings
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


def figure_png(fig) -> bytes:
    """The PNG Jupyter shows for ``fig`` (a plots.SlideFigure, or any matplotlib Figure)."""
    if hasattr(fig, "_repr_png_"):
        return fig._repr_png_()
    import io
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


def live_figure(draw: Callable, controls: dict):
    """An Output widget showing ``draw(**values)`` and redrawn when a control changes.

    ``draw`` takes the controls' values as keywords and returns a matplotlib
    Figure; each figure is rendered to PNG once, shown and closed. Returns the
    Output, with ``.redraw()`` to redraw by hand, ``with .hold():`` to move
    several controls and redraw once at the end, ``.draws`` counting the
    redraws and ``.png`` the PNG of the figure shown now.
    """
    import contextlib

    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    out = w.Output()
    out.draws = 0
    out.png = None
    out.held = False

    def redraw(change=None):
        if out.held:
            return
        values = {name: control.value for name, control in controls.items()}
        with out:
            out.clear_output(wait=True)
            fig = draw(**values)
            try:
                out.png = figure_png(fig)
            finally:
                plt.close(fig)
            display(Image(data=out.png, format="png"))
        out.draws += 1

    for control in controls.values():
        control.observe(redraw, names="value")

    @contextlib.contextmanager
    def hold():
        out.held = True
        try:
            yield
        finally:
            out.held = False
        redraw()

    out.redraw, out.hold = redraw, hold
    redraw()
    return out


def _explorer_box(title: str, parts: list, output):
    """A VBox whose display also carries a picture of the explorer's figure.

    JupyterLab shows the live widget. Where no widget manager runs -- a RISE
    slideshow (jupyterlab-rise 0.43 cannot load the ipywidgets 8 manager), an
    HTML export without widget state, a terminal -- the notebook falls back to
    the figure as it was when the cell ran and a line that says where the
    sliders work, instead of the text ``VBox(children=(...``.
    """
    import base64

    import ipywidgets as w

    class Explorer(w.VBox):
        def _repr_mimebundle_(self, **kwargs):
            bundle = super()._repr_mimebundle_(**kwargs)
            bundle["text/plain"] = f"Explorer: {title} (move its controls in JupyterLab's notebook view)"
            if output.png is not None:
                bundle["image/png"] = base64.b64encode(output.png).decode("ascii")
            return bundle

    return Explorer(parts)


def explorer_layout(title: str, controls: dict, output, hint: str = ""):
    """The standard explorer layout: a title, the controls in a row, the figure, a hint."""
    import ipywidgets as w
    parts = [w.HTML(f"<b>{title}</b>"), w.HBox(list(controls.values()),
                                                layout=w.Layout(flex_flow="row wrap")), output]
    if hint:
        parts.append(w.HTML(f"<i>{hint}</i>"))
    box = _explorer_box(title, parts, output)
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
    controls = {"depth": slider("depth (weight layers)", depth, 2, 30, 1, heavy=True, integer=True),
                "activation": dropdown("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "elu",
                                                      "selu", "softsign"], activation),
                "weight_scale": slider("weight scale g (std g/√n)", weight_scale, 0.25, 6.0, 0.05, heavy=True)}

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
        return plot_activation_curves(activation_curves(names, alpha, theta, beta), title=title,
                                      figsize=(8.5, 3.3))      # with two rows of controls on a slide

    return explorer_layout("Activation functions f (solid) and their derivatives f' (dashed)", controls,
                           live_figure(draw, controls),
                           hint="Try: elu with α = 0, 1, 2 (the floor at −α); threshold_relu with θ < 0; "
                                "swish with β = 1.702 next to gelu; ctrl/shift-click to pick several.")


# ================================================================ chapter 03: weight initialization
# (chapter 03's explorers go below this line)

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

#: The learning rate the playground starts with on each surface. One η serves every method
#: but AdaDelta, which keeps the η = 1 of its paper.
PLAYGROUND_LR = {"dlfs": 0.1, "ill_conditioned": 0.05, "rosenbrock": 0.002, "saddle": 0.05,
                 "beale": 0.01}
#: The learning rates the playground's η slider offers: 1, 2, 5 in each decade from 1e-4 to 2.
#: A slider over fixed values, because the surface menu sets η: a FloatLogSlider re-snapped the
#: value the kernel set to its own grid and sent it back, and in two full test runs that slider
#: then sent nothing more to the kernel however it was moved. An option is set exactly, never echoed.
PLAYGROUND_LRS = tuple(float(f"{m}e{e}") for e in range(-4, 1) for m in (1, 2, 5))[:-1]
PLAYGROUND_DEFAULT = ("sgd", "momentum", "adagrad", "adam")


def _playground_kwargs(name: str, lr: float, beta: float) -> dict:
    """Hyperparameters of one method in the playground: η = lr (AdaDelta: η = 1),
    momentum = β (Momentum, Nesterov) or β₁ = β (Adam, Nadam, AdamW); the rest at defaults."""
    if name == "adadelta":
        return {}
    kwargs = {"lr": float(lr)}
    if name in ("momentum", "nesterov"):
        kwargs["momentum"] = float(beta)
    elif name in ("adam", "nadam", "adamw"):
        kwargs["beta1"] = float(beta)
    return kwargs


@functools.lru_cache(maxsize=1024)
def _playground_path(name: str, surface: str, start: tuple, lr: float, beta: float, steps: int):
    from course_lib import surfaces
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)        # a diverging path stops early
        path = surfaces.trajectory(name, surface, start=start, steps=steps,
                                   opt_kwargs=_playground_kwargs(name, lr, beta))
    path.setflags(write=False)                                 # shared by the cache
    return path


def playground_paths(surface="dlfs", start=None, names=PLAYGROUND_DEFAULT, lr: float = 0.1,
                     beta: float = 0.9, steps: int = 100) -> dict:
    """{name: path} for each optimizer in ``names`` on ``surface`` from ``start``.

    Every method gets the learning rate ``lr`` except AdaDelta (η = 1, as in its
    paper); ``beta`` is the momentum of Momentum/Nesterov and β₁ of Adam, Nadam
    and AdamW; the other hyperparameters keep their defaults. ``start`` defaults
    to the surface's start. A path that diverges stops early (it has fewer than
    steps + 1 rows). Paths are cached: the same settings cost nothing the second time.
    """
    from course_lib import optimizers, surfaces
    s = surfaces.get(surface)
    start = tuple(float(v) for v in (s.start if start is None else start))
    names = (names,) if isinstance(names, str) else tuple(names)
    for name in names:
        if name not in optimizers.names():
            raise ValueError(f"unknown optimizer {name!r}; choose from {optimizers.names()}")
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    if not 0 <= beta < 1:
        raise ValueError(f"beta (momentum / β₁) must be in [0, 1), got {beta!r}")
    if isinstance(steps, bool) or int(steps) != steps or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    return {name: _playground_path(name, s.name, start, float(lr), float(beta), int(steps))
            for name in names}


@functools.lru_cache(maxsize=16)
def contour_grid(surface: str, n: int = 120):
    """(X, Y, Z, line levels, fill levels) of a surface's contour plot, computed once per surface."""
    from course_lib import plots, surfaces
    X, Y, Z = surfaces.get(surface).grid(n)
    levels = np.unique(plots.contour_levels(Z, 18, "log"))
    fill = np.unique(np.concatenate([[Z.min()], levels, [Z.max()]]))
    for a in (X, Y, Z, levels, fill):
        a.setflags(write=False)
    return X, Y, Z, levels, fill


@functools.lru_cache(maxsize=1)
def _fast_figure_class():
    """plots.SlideFigure shown as a PNG of the whole canvas (no tight bounding box: one pass)."""
    import io

    from course_lib import plots

    class FastFigure(plots.SlideFigure):
        def _repr_png_(self):
            buf = io.BytesIO()
            self.savefig(buf, format="png")
            return buf.getvalue()

    return FastFigure


def _fast_figure(figsize, rect):
    """A slide-styled figure with one axes at a fixed place: no layout engine and no tight
    bounding box, so showing it takes one rendering pass (explorers that must be quick)."""
    from course_lib import plots
    with plots.slide_style():
        fig = _fast_figure_class()(figsize=figsize, dpi=plots.STYLE["figure.dpi"])
        ax = fig.add_axes(rect)
        ax.tick_params(labelsize=plots.FONT_MIN)
    return fig, ax


def plot_playground(surface, paths: dict, steps: int | None = None, figsize=(10.0, 3.6)):
    """The paths over the (cached) contour plot of ``surface``, the start as a dot, the
    minima as stars. The legend gives each path's final distance d to the nearest minimum,
    or the step at which it diverged (when ``steps`` is given and the path is shorter)."""
    from course_lib import optimizers, plots, surfaces
    s = surfaces.get(surface)
    X, Y, Z, levels, fill = contour_grid(s.name)
    fig, ax = _fast_figure(figsize, [0.075, 0.14, 0.6, 0.76])
    w, h = np.ptp(s.xlim), np.ptp(s.ylim)
    with plots.slide_style():
        ax.contourf(X, Y, Z, levels=fill, cmap="Greys", alpha=0.35)
        ax.contour(X, Y, Z, levels=levels, colors="0.55", linewidths=0.6, linestyles="solid")
        order = optimizers.names()
        for i, (name, p) in enumerate(paths.items()):
            k = order.index(name) if name in order else i          # a method keeps its colour
            q = np.column_stack([np.clip(p[:, 0], s.xlim[0] - w, s.xlim[1] + w),
                                 np.clip(p[:, 1], s.ylim[0] - h, s.ylim[1] + h)])
            if steps is not None and len(p) < steps + 1:
                label = f"{name}: diverged at step {len(p)}"
            else:
                label = f"{name}: d = {surfaces.distance_to_minimum(p[-1:], s)[0]:.3g}"
            ax.plot(q[:, 0], q[:, 1], color=plots.PALETTE[k % len(plots.PALETTE)], lw=1.6,
                    marker=plots.MARKERS[k % len(plots.MARKERS)], markersize=3.5,
                    markevery=max(1, len(q) // 25), label=label)
        m = np.asarray(s.minima, dtype=np.float64)
        ax.plot(m[:, 0], m[:, 1], "*", color="black", markeredgecolor="white", markersize=15,
                label="minimum", zorder=5)
        if paths:
            x0, y0 = next(iter(paths.values()))[0]
            ax.plot([x0], [y0], "o", color="black", markersize=6, label="start", zorder=5)
        ax.set(xlim=s.xlim, ylim=s.ylim, xlabel="x", ylabel="y")
        ax.set_title(f"{s.name}:  {s.formula}", fontsize=12)
        ax.grid(False)
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0,
                  title="final distance d to the minimum")
    return fig


def _start_step(lo: float, hi: float, start: float) -> float:
    """The step of a start slider on [lo, hi]: the coarsest 1-2-5 step of at most 1/100 of the
    range with start and hi on the grid lo + k·step. The browser's slider snaps its value to
    that grid (and sends the snapped value back), so a start off the grid would not stay put:
    the saddle's y = 0.001 needs step 0.001."""
    span = hi - lo
    for exponent in range(int(np.floor(np.log10(span))), -7, -1):
        for mantissa in (5, 2, 1):
            step = float(f"{mantissa}e{exponent}")
            if step <= span / 100 and all(abs(q - round(q)) < 1e-6
                                          for q in ((start - lo) / step, span / step)):
                return step
    return span / 100


def _reset_slider(slider_, lo, hi, value, step):
    """Give a slider new bounds, step and value, sent to the browser as ONE update.

    Sent one trait at a time, the browser's slider would clamp and snap the value at each
    intermediate state (old bounds with the new value, new bounds with the old step) and send
    what it made of it back to the kernel: a start the figure does not use. In the kernel the
    range is widened before the value is set, so ipywidgets never clamps it either."""
    with slider_.hold_sync():
        slider_.min, slider_.max = min(slider_.min, lo), max(slider_.max, hi)
        slider_.step = step
        slider_.value = value
        slider_.min, slider_.max = lo, hi


def optimizer_playground(surface: str = "dlfs", names=PLAYGROUND_DEFAULT, steps: int = 100):
    """The playground: a surface, a start point, optimizers to overlay, η, β and the number of
    steps; the paths redraw at once on the contour plot. Changing the surface moves the start
    sliders to its limits and its default start, and η to :data:`PLAYGROUND_LR`."""
    import ipywidgets as w

    from course_lib import optimizers, surfaces
    s = surfaces.get(surface)
    controls = {
        "surface": dropdown("surface", surfaces.names(), s.name),
        "x0": slider("start x", s.start[0], *s.xlim, _start_step(*s.xlim, s.start[0]), readout_format=".3g"),
        "y0": slider("start y", s.start[1], *s.ylim, _start_step(*s.ylim, s.start[1]), readout_format=".3g"),
        "names": w.SelectMultiple(options=optimizers.names(), value=tuple(names), rows=5,
                                  description="optimizers", style={"description_width": "initial"},
                                  layout=w.Layout(width="230px")),
        "lr": w.SelectionSlider(options=[(f"{lr:g}", lr) for lr in PLAYGROUND_LRS],
                                value=PLAYGROUND_LR.get(s.name, 0.01), description="learning rate η",
                                style={"description_width": "initial"}, layout=w.Layout(width="320px")),
        "beta": slider("momentum / β₁", 0.9, 0.0, 0.99, 0.01),
        "steps": slider("steps", steps, 10, 300, 10, integer=True),
    }

    def draw(surface, x0, y0, names, lr, beta, steps):
        paths = playground_paths(surface, (x0, y0), names, lr, beta, steps)
        return plot_playground(surface, paths, steps=steps, figsize=(10.0, 3.2))   # under 3 rows of controls

    out = live_figure(draw, controls)
    menu = controls["surface"]
    menu.unobserve(out.redraw, names="value")     # re-drawn once, after the sliders moved

    def new_surface(change):
        new = surfaces.get(change["new"])
        with out.hold():                          # three controls move, one redraw
            _reset_slider(controls["x0"], *new.xlim, new.start[0], _start_step(*new.xlim, new.start[0]))
            _reset_slider(controls["y0"], *new.ylim, new.start[1], _start_step(*new.ylim, new.start[1]))
            controls["lr"].value = PLAYGROUND_LR.get(new.name, 0.01)

    menu.observe(new_surface, names="value")
    return explorer_layout(
        "Optimizer playground: paths on a surface", controls, out,
        hint="Ctrl/shift-click selects several optimizers; all share η except AdaDelta (η = 1).")


ADAPTIVE = ("adagrad", "rmsprop", "adam")


def effective_step_sizes(name: str, surface="dlfs", lr: float = 0.1, decay: float = 0.9,
                         steps: int = 100, start=None):
    """The per-coordinate effective learning rate of an adaptive method along its path.

    After update k (k = 1..steps) the method moves coordinate i by η_eff,i times
    its gradient (AdaGrad, RMSProp) or its first moment m̂ (Adam), with

        AdaGrad  η_eff = η / (√h + ε),  h = Σ g²                  (decay unused)
        RMSProp  η_eff = η / (√h + ε),  h ← ρh + (1 − ρ)g²,       ρ = decay
        Adam     η_eff = η / (√v̂ + ε),  v̂ = v/(1 − β₂ᵏ),          β₂ = decay

    Returns (k, eff): k = 1..steps and eff of shape (steps, 2), columns x and y.
    """
    from course_lib import optimizers, surfaces
    if name not in ADAPTIVE:
        raise ValueError(f"effective_step_sizes takes one of {ADAPTIVE}, got {name!r}")
    if not 0 < decay < 1:
        raise ValueError(f"decay (ρ or β₂) must be in (0, 1), got {decay!r}")
    s = surfaces.get(surface)
    kwargs = {"lr": float(lr), **({"rho": decay} if name == "rmsprop" else
                                  {"beta2": decay} if name == "adam" else {})}
    opt = optimizers.get(name, **kwargs)
    params = {"xy": np.array(s.start if start is None else start, dtype=np.float64)}
    eff = np.empty((int(steps), 2))
    for k in range(int(steps)):
        g = np.array(s.grad(*params["xy"]), dtype=np.float64)
        opt.update(params, {"xy": g})
        state = opt.state["xy"]
        h = state["v"] / (1 - opt.beta2 ** opt.t) if name == "adam" else state["h"]
        eff[k] = opt.lr / (np.sqrt(h) + opt.eps)
    return np.arange(1, int(steps) + 1), eff


def plot_effective_steps(curves: dict, surface: str, figsize=(10.0, 3.6)):
    """Effective step sizes on a log scale: one colour per method, x solid, y dashed."""
    from course_lib import plots
    fig, ax = _fast_figure(figsize, [0.08, 0.15, 0.6, 0.75])
    with plots.slide_style():
        for i, (name, (k, eff)) in enumerate(curves.items()):
            colour = plots.PALETTE[ADAPTIVE.index(name) if name in ADAPTIVE else i]
            ax.plot(k, eff[:, 0], color=colour, ls="-", label=f"{name}, x")
            ax.plot(k, eff[:, 1], color=colour, ls="--", label=f"{name}, y")
        ax.set_yscale("log")
        ax.set(xlabel="step k", ylabel="effective η per coordinate",
               title=f"η / (√h + ε) along the path on {surface} (x solid, y dashed)")
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    return fig


def effective_step_explorer(surface: str = "dlfs"):
    """AdaGrad / RMSProp / Adam: the effective per-coordinate step size over time."""
    import ipywidgets as w

    from course_lib import surfaces
    controls = {
        "surface": dropdown("surface", surfaces.names(), surface),
        "names": w.SelectMultiple(options=ADAPTIVE, value=ADAPTIVE, rows=3, description="methods",
                                  style={"description_width": "initial"}, layout=w.Layout(width="220px")),
        "lr": w.FloatLogSlider(value=0.1, base=10, min=-3, max=0.5, step=0.05, description="learning rate η",
                               readout_format=".3g", style={"description_width": "initial"},
                               layout=w.Layout(width="320px"), continuous_update=False),
        "decay": slider("ρ (RMSProp) / β₂ (Adam)", 0.9, 0.5, 0.999, 0.001, heavy=True, readout_format=".3f"),
        "steps": slider("steps", 100, 10, 500, 10, heavy=True, integer=True),
    }

    def draw(surface, names, lr, decay, steps):
        curves = {n: effective_step_sizes(n, surface, lr, decay, steps) for n in names}
        return plot_effective_steps(curves, surface)

    return explorer_layout(
        "Adaptive methods: the step size each coordinate gets", controls, live_figure(draw, controls),
        hint="Solid: x, dashed: y. The decay slider sets RMSProp's ρ and Adam's β₂ (AdaGrad has none).")



# ================================================================ chapter 05: batch normalization
# (chapter 05's explorers go below this line)



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
    the region as a rectangle. Right: the ``key`` curves of the best trials inside (at most
    ``max_curves``). ``log_lr``, ``log_wd``: the region in log10 units. Returns the Figure."""
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


@functools.lru_cache(maxsize=2)
def example_search(n_trials: int = 20, epochs: int = 25, seed: int = 0):
    """Chapter 07's first round, for an explorer opened on its own: ``n_trials`` random (lr, λ) with lr
    in [1e-6, 1e-2] and λ in [1e-8, 1e-4], each training the notes' MLP for ``epochs`` epochs on 400
    MNIST images and scored on 100 validation images. Computed once (cached; do not modify the list)."""
    from course_lib import data, search
    (x_train, t_train), _ = data.load_mnist()
    (x_tr, t_tr), (x_val, t_val) = search.validation_split(x_train[:500], t_train[:500], val_size=0.2, seed=0)
    split = (x_tr, t_tr, x_val, t_val)
    configs = search.random_configs({"lr": (1e-6, 1e-2), "weight_decay": (1e-8, 1e-4)}, n_trials, seed=seed)
    return search.run_trials(lambda lr, weight_decay: search.mlp_trial(lr, weight_decay, split, epochs=epochs),
                             configs, progress=False)


def search_region_explorer(trials=None, log_lr=(-3.0, -1.5), log_wd=(-8.0, -4.0)):
    """Two range sliders choosing a region of the (lr, λ) plane (log10 units); the figure shows the
    trials inside it and their validation curves. ``trials``: a list from search.run_trials (default:
    :func:`example_search`, computed once)."""
    if trials is None:
        trials = example_search()
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
