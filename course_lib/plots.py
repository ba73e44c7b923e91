"""Figure helpers for the chapters (layer 3: matplotlib + numpy; never trains a model).

Every helper takes plain data, draws it in one consistent slide style and
returns the :class:`matplotlib.figure.Figure`::

    from course_lib import plots
    plots.curves({"SGD": h_sgd, "Adam": h_adam}, key="loss", smooth=0.9)

The figures are :class:`SlideFigure` objects, not registered with pyplot: a
notebook shows one (once) when it is the value of the cell's last line (after
``fig = plots....`` write ``fig``), an explorer shows it with
``IPython.display.display(fig)``, and redrawing many times leaks nothing and
never warns about too many open figures. Helpers that draw on one axes take
``ax=None``: give an axes from :func:`subplots` to compose several helpers
into one figure. (An axes from ``plt.subplots`` works too, but pyplot then
also shows its figure at the end of the cell.)

Style: :data:`STYLE` (fonts >= 11 pt, the colour-blind-safe Okabe-Ito
:data:`PALETTE`, a light grid) is applied by every helper; use
``with plots.slide_style(): ...`` for hand-made figures. Default sizes fit a
1280×720 slide (at most :data:`MAX_FIGSIZE` inches at 100 dpi).

Data shapes: a *history* is the dict of ``course_lib.training.train`` (per
step ``loss``, ``lr``, ``time``; per evaluation ``eval_step``, ``train_acc``,
``test_acc``, ``val_acc``); a *path* is a float array (n, 2); an activation
is any object with ``act(x)``, ``act.derivative(x)`` and ``act.name``; a
surface has ``f(X, Y)``, ``xlim``, ``ylim``, ``minimum``, ``name``,
``formula``. Bad input raises ``ValueError``/``TypeError`` saying what was
wrong.
"""
import contextlib
import functools
import io
from collections.abc import Mapping

import numpy as np
import matplotlib as mpl
from cycler import cycler
from matplotlib.colors import BoundaryNorm, ListedColormap, to_rgba
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

__all__ = ["PALETTE", "STYLE", "MAX_FIGSIZE", "SlideFigure", "slide_style", "subplots", "ema", "contour_levels",
           "activation_histograms", "function_grid", "function_and_derivative",
           "paths_on_contour", "paths_grid", "curves", "train_test", "lines", "grid_of_curves",
           "layer_bars", "ranked_bars", "decision_boundary", "scatter_trials", "schedule_plot"]

#: Colour-blind-safe palette: Okabe & Ito's blue, vermillion, green, orange,
#: reddish purple, sky blue and black, then Tol's wine and a grey (Okabe-Ito
#: yellow is too faint on white for lines); series beyond 9 reuse the colours
#: with another line style.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7",
           "#56B4E9", "#000000", "#882255", "#999999")
LINESTYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">")
#: The largest default figure, in inches at 100 dpi (a 1280×720 slide minus its title).
MAX_FIGSIZE = (12.8, 6.0)
FONT_MIN = 11

STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.figsize": (10.0, 4.5),
    "figure.facecolor": "white",
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "xtick.labelsize": FONT_MIN,
    "ytick.labelsize": FONT_MIN,
    "legend.fontsize": FONT_MIN,
    "legend.title_fontsize": FONT_MIN,
    "figure.titlesize": 14,
    "figure.labelsize": 12,
    "axes.prop_cycle": cycler(color=PALETTE),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 2.0,
    "lines.markersize": 5,
    "legend.framealpha": 0.85,
    "image.cmap": "viridis",
}


@contextlib.contextmanager
def slide_style():
    """Apply :data:`STYLE` (fonts, palette, grid) inside a ``with`` block."""
    with mpl.rc_context(STYLE):
        yield


class SlideFigure(Figure):
    """A matplotlib Figure that Jupyter shows as a PNG without pyplot (``_repr_png_``)."""

    def _repr_png_(self):
        buf = io.BytesIO()
        self.savefig(buf, format="png", bbox_inches="tight")
        return buf.getvalue()


def _finish(fig):
    """Fix what matplotlib would otherwise take from the global style at draw time."""
    for ax in fig.axes:
        ax.tick_params(labelsize=FONT_MIN)
        ax.xaxis.offsetText.set_fontsize(FONT_MIN)
        ax.yaxis.offsetText.set_fontsize(FONT_MIN)


def _styled(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with slide_style():
            fig = func(*args, **kwargs)
            _finish(fig)
        return fig
    return wrapper


def _fit(figsize):
    w, h = figsize
    return (min(float(w), MAX_FIGSIZE[0]), min(float(h), MAX_FIGSIZE[1]))


def _figure(figsize, nrows=1, ncols=1, **kwargs):
    """A new styled Figure (not managed by pyplot) with an (nrows, ncols) array of axes."""
    fig = SlideFigure(figsize=_fit(figsize), dpi=STYLE["figure.dpi"], layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
    return fig, axes


def _root(ax):
    try:
        return ax.get_figure(root=True)
    except TypeError:                     # matplotlib < 3.10
        return ax.figure


def _axes(ax, figsize):
    """(fig, ax): the given axes and its figure, or a new figure with one axes."""
    if ax is None:
        fig, axes = _figure(figsize)
        return fig, axes[0, 0]
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes (or None for a new figure), got {type(ax).__name__}")
    return _root(ax), ax


def subplots(nrows=1, ncols=1, figsize=None, **kwargs):
    """A styled ``(fig, axes)`` pair for composing helpers (``axes`` squeezed as in pyplot).

    The default size gives each panel about 4×3.5 inches, capped at MAX_FIGSIZE.
    """
    if figsize is None:
        figsize = (4.0 * ncols + 0.5, 3.5 * nrows + 0.5)
    with slide_style():
        fig, axes = _figure(figsize, nrows, ncols, **kwargs)
        for a in axes.flat:
            a.tick_params(labelsize=FONT_MIN)
    return fig, (axes[0, 0] if axes.size == 1 else axes.squeeze())


def _style_of(i):
    """(colour, line style) of the i-th series."""
    return PALETTE[i % len(PALETTE)], LINESTYLES[(i // len(PALETTE)) % len(LINESTYLES)]


def _mapping(obj, what, example):
    if not isinstance(obj, Mapping):
        raise TypeError(f"{what} must be a dict label -> data, e.g. {example}; got {type(obj).__name__}")
    if len(obj) == 0:
        raise ValueError(f"{what} is empty: give at least one entry, e.g. {example}")
    return obj


def _vector(a, name):
    try:
        v = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers, got {type(a).__name__}") from None
    if v.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {v.shape}")
    if v.size == 0:
        raise ValueError(f"{name} is empty")
    return v


def _legend(ax, n_series, **kwargs):
    if n_series > 1:
        ax.legend(**kwargs)


def _set_scale(ax, logx=False, logy=False):
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")


# ------------------------------------------------------------ histograms
def _layer_stats_text(v):
    return f"μ={v.mean():.3g}  σ={v.std():.3g}" if v.size else "no finite values"


def _data_range(layers):
    """(lo, hi): the 0.5 % and 99.5 % quantiles of all finite values (so one outlier does not squash the bars)."""
    finite = [v for v in layers if v.size]
    if not finite:
        return -0.5, 0.5
    allv = np.concatenate(finite)
    lo, hi = np.quantile(allv, [0.005, 0.995])
    if hi <= lo:
        lo, hi = allv.min(), allv.max()
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    return float(lo), float(hi)


@_styled
def activation_histograms(acts, title="Activations per layer", bins=30, range=None, labels=None,
                          xlabel="activation value", ymax=None, figsize=None):
    """Histograms of each layer's values, one panel a layer, with mean μ and std σ printed.

    ``acts`` is a list of arrays (one row, one array a layer) or a dict
    row_label -> list of arrays (several rows, e.g. ``{"std 1": [...],
    "std 0.01": [...], "He": [...]}``); every row needs the same number of
    layers. The bars give the fraction of values in each bin (they sum to 1
    over the range), so rows of different sizes compare; y is shared along a
    row. ``range=(lo, hi)`` fixes the bins of every panel (e.g. (0, 1) for
    sigmoid); None gives each row its own range, from the 0.5 % to the
    99.5 % quantile of the row's values (μ and σ still use every value).
    ``ymax`` caps the y axis (e.g. 0.1 to see past ReLU's spike at 0).
    ``labels`` replaces the panel titles "layer 1", "layer 2", ....
    Non-finite values are left out of the bars and of μ, σ.
    """
    if isinstance(acts, Mapping):
        rows = _mapping(acts, "acts", '{"std 1": [a1, a2, ...], "He": [...]}')
    elif isinstance(acts, (list, tuple)):
        rows = {"": acts}
    else:
        raise TypeError("acts must be a list of arrays (one per layer) or a dict row_label -> list of arrays, "
                        f"got {type(acts).__name__}")
    data = {}
    for label, layers in rows.items():
        if not isinstance(layers, (list, tuple)) or len(layers) == 0:
            raise ValueError(f"row {label!r} must be a non-empty list of arrays, one per layer")
        data[label] = [np.asarray(a, dtype=np.float64).ravel() for a in layers]
        data[label] = [v[np.isfinite(v)] for v in data[label]]
    ncols = {len(v) for v in data.values()}
    if len(ncols) > 1:
        sizes = ", ".join(f"{k!r}: {len(v)}" for k, v in data.items())
        raise ValueError(f"every row needs the same number of layers, got {sizes}")
    ncols = ncols.pop()
    if labels is None:
        labels = [f"layer {i + 1}" for i in np.arange(ncols)]
    elif len(labels) != ncols:
        raise ValueError(f"labels has {len(labels)} entries but there are {ncols} layers")
    if not any(v.size for layers in data.values() for v in layers):
        raise ValueError("acts holds no finite values to draw")
    if range is not None:
        lo, hi = map(float, range)
        if not lo < hi:
            raise ValueError(f"range must be (low, high) with low < high, got {range}")
    nrows = len(data)
    if figsize is None:
        figsize = (min(2.4 * ncols + 1.2, 12.0), 1.3 + (1.9 if nrows == 1 else 1.55) * nrows)
    fig, axes = _figure(figsize, nrows, ncols, sharex="row" if range is None else True, sharey="row")
    for r, (row, layers) in enumerate(data.items()):
        if range is None:
            lo, hi = _data_range(layers)
        edges = np.linspace(lo, hi, int(bins) + 1)
        colour = PALETTE[r % len(PALETTE)]
        for c, v in enumerate(layers):
            ax = axes[r, c]
            inside = v[(v >= lo) & (v <= hi)]
            weights = np.full(inside.size, 1.0 / max(v.size, 1))
            ax.hist(inside, bins=edges, weights=weights, color=colour, alpha=0.85)
            ax.text(0.98, 0.97, _layer_stats_text(v), transform=ax.transAxes, ha="right", va="top",
                    fontsize=FONT_MIN, bbox=dict(facecolor="white", alpha=0.7, edgecolor="none", pad=1))
            if r == 0 or nrows == 1:
                ax.set_title(labels[c])
            ax.set_xlim(lo, hi)
        top = max(max((p.get_height() for p in ax.patches), default=0) for ax in axes[r])
        axes[r, 0].set_ylim(0, ymax if ymax is not None else 1.35 * top or 1.0)   # room for μ, σ
        axes[r, 0].set_ylabel(f"{row}\nfraction" if row else "fraction of values")
    fig.supxlabel(xlabel)
    if title:
        fig.suptitle(title)
    return fig


# ------------------------------------------------------------ functions
def _as_activations(acts):
    """A dict label -> activation from one activation, a list, a dict, or names."""
    if isinstance(acts, Mapping):
        items = list(acts.items())
    else:
        if isinstance(acts, str) or callable(acts):
            acts = [acts]
        items = []
        for a in acts:
            if isinstance(a, str):
                from course_lib import activations
                a = activations.get(a)
            items.append((getattr(a, "name", type(a).__name__), a))
    if not items:
        raise ValueError("no activations given: pass e.g. [activations.get('relu'), activations.get('tanh')]")
    for label, a in items:
        if not callable(a) or not callable(getattr(a, "derivative", None)):
            raise TypeError(f"activation {label!r} must be callable with a .derivative(x) method "
                            "(use course_lib.activations.get(name))")
    return dict(items)


def _xgrid(x):
    x = np.linspace(-5.0, 5.0, 501) if x is None else _vector(x, "x")
    return x


def _values(act, x, label):
    y = np.asarray(act(x), dtype=np.float64)
    d = np.asarray(act.derivative(x), dtype=np.float64)
    if y.shape != x.shape or d.shape != x.shape:
        raise ValueError(f"activation {label!r} returned shapes {y.shape} and {d.shape} for x of shape {x.shape}")
    return y, d


@_styled
def function_grid(activations, x=None, ncols=6, title="Activation functions and their derivatives",
                  figsize=None):
    """A gallery: each activation f in its own panel, f solid and f' dashed.

    ``activations``: a list of activation objects (or names, looked up with
    ``course_lib.activations.get``), or a dict title -> activation. ``x``
    defaults to 501 points on [−5, 5]. One legend for the whole figure.
    """
    acts = _as_activations(activations)
    x = _xgrid(x)
    n = len(acts)
    ncols = max(1, min(int(ncols), n))
    nrows = -(-n // ncols)
    if figsize is None:
        figsize = (min(2.1 * ncols + 0.8, 12.8), min(1.75 * nrows + 1.0, 6.0))
    fig, axes = _figure(figsize, nrows, ncols, sharex=True)
    for ax, (label, act) in zip(axes.flat, acts.items()):
        y, d = _values(act, x, label)
        ax.axhline(0, color="0.6", lw=0.8, zorder=0)
        ax.axvline(0, color="0.6", lw=0.8, zorder=0)
        ax.plot(x, y, color=PALETTE[0], ls="-", label="f(x)")
        ax.plot(x, d, color=PALETTE[1], ls="--", label="f'(x)")
        ax.set_title(label)
        finite = np.concatenate([y[np.isfinite(y)], d[np.isfinite(d)]])
        if finite.size:
            lo, hi = max(finite.min(), -6.0), min(finite.max(), 6.0)
            pad = 0.1 * max(hi - lo, 1.0)
            ax.set_ylim(lo - pad, hi + pad)
    for ax in axes.flat[n:]:
        ax.set_axis_off()
    handles = [Line2D([], [], color=PALETTE[0], ls="-", lw=2, label="f(x)"),
               Line2D([], [], color=PALETTE[1], ls="--", lw=2, label="f'(x)  derivative")]
    fig.legend(handles=handles, loc="outside upper right", ncols=2, frameon=False)
    fig.supxlabel("x")
    fig.supylabel("f(x), f'(x)")
    if title:
        fig.suptitle(title)
    return fig


@_styled
def function_and_derivative(acts, x=None, ax=None, title=None, derivative=True, figsize=(9, 4.5)):
    """Several activations overlaid on one axes: f solid, f' dashed in the same colour.

    ``acts``: one activation, a list of them (or names), or a dict label ->
    activation. ``derivative=False`` draws f only.
    """
    acts = _as_activations(acts)
    x = _xgrid(x)
    fig, ax = _axes(ax, figsize)
    ax.axhline(0, color="0.6", lw=0.8, zorder=0)
    ax.axvline(0, color="0.6", lw=0.8, zorder=0)
    for i, (label, act) in enumerate(acts.items()):
        y, d = _values(act, x, label)
        colour, _ = _style_of(i)
        ax.plot(x, y, color=colour, ls="-", label=label)
        if derivative:
            ax.plot(x, d, color=colour, ls="--", label=f"{label}'")
    ax.set_xlabel("x")
    ax.set_ylabel("f(x), f'(x) dashed" if derivative else "f(x)")
    ax.set_title(title or ("Activation functions (solid) and derivatives (dashed)" if derivative
                           else "Activation functions"))
    _legend(ax, len(acts) * (2 if derivative else 1), loc="best", ncols=2 if len(acts) > 3 else 1)
    return fig


# ------------------------------------------------------------ paths on surfaces
def _check_surface(surface):
    if isinstance(surface, str):
        from course_lib import surfaces
        surface = surfaces.get(surface)
    for attr in ("f", "xlim", "ylim"):
        if not hasattr(surface, attr):
            raise TypeError(f"surface must have f(X, Y), xlim and ylim (use course_lib.surfaces.get(name)); "
                            f"{type(surface).__name__} has no {attr!r}")
    return surface


def _as_paths(paths):
    if paths is None:
        return {}
    if isinstance(paths, np.ndarray):
        paths = {"path": paths}
    if not isinstance(paths, Mapping):
        raise TypeError(f"paths must be a dict label -> (n, 2) array, got {type(paths).__name__}")
    out = {}
    for label, p in paths.items():
        a = np.asarray(p, dtype=np.float64)
        if a.ndim != 2 or a.shape[1] != 2 or a.shape[0] == 0:
            raise ValueError(f"path {label!r} has shape {a.shape}; a path must be an (n, 2) array of (x, y) "
                             "points, n >= 1")
        out[str(label)] = a
    return out


def _clip_path(p, xlim, ylim):
    """Cut the path at its first non-finite point; clamp far-away points to a box 3 plot-widths wide.

    Returns (points, left): left is True when any point lies outside the plot limits.
    """
    bad = ~np.all(np.isfinite(p), axis=1)
    if bad.any():
        p = p[:np.argmax(bad)]
    (x0, x1), (y0, y1) = xlim, ylim
    w, h = x1 - x0, y1 - y0
    left = bool(np.any((p[:, 0] < x0) | (p[:, 0] > x1) | (p[:, 1] < y0) | (p[:, 1] > y1))) or bad.any()
    q = np.column_stack([np.clip(p[:, 0], x0 - w, x1 + w), np.clip(p[:, 1], y0 - h, y1 + h)])
    return q, left


def contour_levels(Z, n=20, spacing="log"):
    """Contour levels for Z: ``n`` log-spaced values above min(Z) (spacing="log"), or linear.

    Log levels: min(Z) + geomspace(lo, max(Z) − min(Z), n), lo the 0.5 %
    quantile of Z − min(Z) (floored at 1e-8·range) — dense near the minimum, so
    a quadratic bowl and the flat Rosenbrock valley both read well.
    """
    finite = Z[np.isfinite(Z)]
    zmin, zmax = float(finite.min()), float(finite.max())
    span = zmax - zmin
    if span <= 0:
        return np.array([zmin])
    if spacing == "linear":
        return np.linspace(zmin, zmax, n + 2)[1:-1]
    shifted = finite - zmin
    lo = max(float(np.quantile(shifted, 0.005)), span * 1e-8)
    return zmin + np.geomspace(lo, span, n)


def _draw_paths(ax, surface, paths, levels, markers, resolution):
    x = np.linspace(*surface.xlim, resolution)
    y = np.linspace(*surface.ylim, resolution)
    X, Y = np.meshgrid(x, y)
    Z = np.asarray(surface.f(X, Y), dtype=np.float64)
    if isinstance(levels, str):
        levels = contour_levels(Z, 20, levels)
    elif np.isscalar(levels):
        levels = contour_levels(Z, int(levels), "log")
    levels = np.unique(levels)
    if levels.size > 1:
        fill = np.unique(np.concatenate([[np.nanmin(Z)], levels, [np.nanmax(Z)]]))
        ax.contourf(X, Y, Z, levels=fill, cmap="Greys", alpha=0.35)
    ax.contour(X, Y, Z, levels=levels, colors="0.45", linewidths=0.7, linestyles="solid")
    for i, (label, p) in enumerate(paths.items()):
        q, left = _clip_path(p, surface.xlim, surface.ylim)
        colour, ls = _style_of(i)
        ax.plot(q[:, 0], q[:, 1], color=colour, ls=ls, lw=1.8,
                marker=MARKERS[i % len(MARKERS)] if markers else None, markersize=4,
                markevery=max(1, len(q) // 40), label=label + (" (leaves the plot)" if left else ""))
    minima = getattr(surface, "minima", None) or ([surface.minimum] if getattr(surface, "minimum", None)
                                                  is not None else [])
    if len(minima):
        m = np.asarray(minima, dtype=np.float64).reshape(-1, 2)
        ax.plot(m[:, 0], m[:, 1], marker="*", markersize=16, color="black",
                markeredgecolor="white", ls="none", label="minimum" if len(m) == 1 else "minima", zorder=5)
    ax.set_xlim(*surface.xlim)
    ax.set_ylim(*surface.ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.grid(False)


def _surface_title(surface):
    formula = getattr(surface, "formula", "")
    name = getattr(surface, "name", "surface")
    if not formula:
        return name
    return f"{name}: {formula}" if "=" in formula else f"{name}: f(x, y) = {formula}"


@_styled
def paths_on_contour(surface, paths=None, ax=None, title=None, levels="log", markers=True,
                     resolution=300, figsize=(9, 5)):
    """Optimizer paths over the contour lines of a 2-D surface, the minimum as a star.

    ``surface``: a ``course_lib.surfaces`` surface (or its name); the plot
    limits are its ``xlim``, ``ylim``. ``paths``: a dict label -> (n, 2)
    array (or one array); an empty dict or None draws the surface alone.
    A path is cut at its first NaN/inf point and points far outside the
    limits are clamped, so a diverging path runs off the edge; its legend
    entry then says "(leaves the plot)". ``levels``: "log" (default, see
    :func:`contour_levels`), "linear", a number of log levels, or the levels.
    """
    surface = _check_surface(surface)
    paths = _as_paths(paths)
    fig, ax = _axes(ax, figsize)
    _draw_paths(ax, surface, paths, levels, markers, resolution)
    ax.set_title(title or _surface_title(surface))
    n = len(paths) + (getattr(surface, "minimum", None) is not None)
    if n > 6:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    elif paths:
        ax.legend(loc="best")
    return fig


@_styled
def paths_grid(surface, paths, ncols=2, title=None, levels="log", markers=True, figsize=None):
    """Small multiples: each path alone on the surface's contour, panel titled by its label.

    (The 2×2 SGD / Momentum / AdaGrad / Adam figure of *Deep Learning from
    Scratch*.) Arguments as :func:`paths_on_contour`.
    """
    surface = _check_surface(surface)
    paths = _as_paths(_mapping(paths, "paths", '{"SGD": path_sgd, "Adam": path_adam}'))
    n = len(paths)
    ncols = max(1, min(int(ncols), n))
    nrows = -(-n // ncols)
    if figsize is None:
        figsize = (min(4.8 * ncols + 0.5, 12.8), min(2.8 * nrows + 0.8, 6.0))
    fig, axes = _figure(figsize, nrows, ncols)
    for i, (ax, (label, p)) in enumerate(zip(axes.flat, paths.items())):
        _draw_paths(ax, surface, {label: p}, levels, markers, 200)
        line = ax.lines[-2] if getattr(surface, "minimum", None) is not None else ax.lines[-1]
        colour, ls = _style_of(i)
        line.set_color(colour)
        line.set_linestyle(ls)
        ax.set_title(line.get_label())
    for ax in axes.flat[n:]:
        ax.set_axis_off()
    if getattr(surface, "minimum", None) is not None:
        fig.legend(handles=[Line2D([], [], marker="*", markersize=14, color="black", ls="none",
                                   label="minimum")], loc="outside upper right", frameon=False)
    fig.suptitle(title or _surface_title(surface))
    return fig


# ------------------------------------------------------------ training curves
_YLABELS = {"loss": "training loss (mini-batch)", "lr": "learning rate", "train_acc": "training accuracy",
            "test_acc": "test accuracy", "val_acc": "validation accuracy", "grad_norm": "gradient norm ‖g‖",
            "time": "time (s)"}
_PER_EVAL = ("train_acc", "test_acc", "val_acc")
_XLABELS = {"step": "update step", "time": "time (s)", "epoch": "epoch"}


def ema(y, weight):
    """Exponential moving average with bias correction (as TensorBoard's smoothing).

    s_t = w·s_{t−1} + (1 − w)·y_t, s_0 = 0; returned: s_t / (1 − w^t), so the
    first values are not pulled towards 0. ``weight`` w in [0, 1); 0 returns y.
    """
    if not 0.0 <= weight < 1.0:
        raise ValueError(f"smoothing weight must be in [0, 1) (e.g. 0.9), got {weight}")
    y = np.asarray(y, dtype=np.float64)
    if weight == 0.0:
        return y.copy()
    out = np.empty_like(y)
    s = 0.0
    for i, v in enumerate(y):
        s = weight * s + (1.0 - weight) * v
        out[i] = s / (1.0 - weight ** (i + 1))
    return out


def _is_history(obj):
    return isinstance(obj, Mapping) and ("loss" in obj or "eval_step" in obj) and \
        not any(isinstance(v, Mapping) for v in obj.values())


def _histories(series):
    if _is_history(series):
        return {"run": series}
    series = _mapping(series, "series", '{"SGD": history_sgd, "Adam": history_adam}')
    for label, h in series.items():
        if not isinstance(h, Mapping):
            raise TypeError(f"series[{label!r}] must be a history dict (from training.train), "
                            f"got {type(h).__name__}")
    return series


def _steps_per_epoch(h, label, steps_per_epoch):
    if steps_per_epoch is not None:
        if steps_per_epoch <= 0:
            raise ValueError(f"steps_per_epoch must be > 0, got {steps_per_epoch}")
        return float(steps_per_epoch)
    ev = np.asarray(h.get("eval_step", []))
    if ev.size < 2 or ev[1] <= ev[0]:
        raise ValueError(f"history {label!r}: x='epoch' needs eval_step with an evaluation per epoch, "
                         "or pass steps_per_epoch=")
    return float(ev[1] - ev[0])


def _xy_from_history(h, label, key, x, steps_per_epoch):
    """(x values, y values) of ``key`` in history ``h`` against "step", "time" or "epoch"."""
    if key not in h:
        raise ValueError(f"history {label!r} has no {key!r}; it has {', '.join(map(repr, h))}")
    y = np.asarray(h[key], dtype=np.float64).ravel()
    if y.size == 0:
        raise ValueError(f"history {label!r} has an empty {key!r}")
    ev = np.asarray(h.get("eval_step", []), dtype=np.float64).ravel()
    per_step = key not in _PER_EVAL
    if not per_step:                                  # aligned with eval_step
        if ev.size != y.size:
            raise ValueError(f"history {label!r}: {key!r} has {y.size} values but eval_step has {ev.size}; "
                             "they must align (one value per evaluation)")
        steps = ev
    else:
        steps = np.arange(y.size, dtype=np.float64)
    if x == "step":
        return steps, y
    if x == "epoch":
        return steps / _steps_per_epoch(h, label, steps_per_epoch), y
    if x == "time":
        t = np.asarray(h.get("time", []), dtype=np.float64).ravel()
        if t.size == 0:
            raise ValueError(f"history {label!r} has no 'time' for x='time'")
        if per_step:
            if y.size == t.size + 1 and not np.isfinite(y[-1]):   # a diverged run: last loss has no time
                y = y[:-1]
            if y.size != t.size:
                raise ValueError(f"history {label!r}: {key!r} has {y.size} values but 'time' has {t.size}; "
                                 "per-step arrays must have the same length")
            return t, y
        idx = ev.astype(int)
        if idx.max(initial=0) > t.size:
            raise ValueError(f"history {label!r}: eval_step goes to {idx.max()} but 'time' has {t.size} steps")
        return np.where(idx > 0, t[np.maximum(idx - 1, 0)], 0.0), y
    raise ValueError(f"x must be 'step', 'time' or 'epoch', got {x!r}")


@_styled
def curves(series, key="loss", smooth=0.0, x="step", ax=None, title=None, logy=False, raw=None,
           ylabel=None, steps_per_epoch=None, figsize=(10, 4.5)):
    """Overlay one quantity of several training histories (dict label -> history).

    ``key``: a per-step array ("loss", "lr", "grad_norm") or a per-evaluation
    one ("train_acc", "test_acc", "val_acc", drawn with markers at eval_step).
    ``x``: "step" (updates done), "time" (seconds) or "epoch" (step divided by
    the steps per epoch, read from eval_step or given as steps_per_epoch).
    ``smooth`` w > 0 draws the exponential moving average of :func:`ema`;
    ``raw`` (default: when at most 3 series) also draws the unsmoothed
    values faintly. A single history may be passed instead of a dict.
    """
    hs = _histories(series)
    fig, ax = _axes(ax, figsize)
    if raw is None:
        raw = len(hs) <= 3
    for i, (label, h) in enumerate(hs.items()):
        xs, ys = _xy_from_history(h, label, key, x, steps_per_epoch)
        colour, ls = _style_of(i)
        per_eval = key in _PER_EVAL
        if smooth and not per_eval:
            if raw:
                ax.plot(xs, ys, color=colour, alpha=0.25, lw=1)
            ys = ema(ys, smooth)
        else:
            ema(ys[:1], smooth)          # validates smooth
        ax.plot(xs, ys, color=colour, ls=ls, label=str(label),
                marker="o" if per_eval and ys.size <= 60 else None, markersize=4)
    _set_scale(ax, logy=logy)
    ax.set_xlabel(_XLABELS.get(x, str(x)))
    base = ylabel or _YLABELS.get(key, key)
    ax.set_ylabel(base + (f", EMA {smooth:g}" if smooth and key not in _PER_EVAL
                          and not ylabel else ""))
    ax.set_title(title or base[0].upper() + base[1:])
    _legend(ax, len(hs), loc="best")
    return fig


@_styled
def train_test(history, ax=None, title="Training vs test accuracy", x="epoch", steps_per_epoch=None,
               figsize=(9, 4.5)):
    """Training and test accuracy (and validation, if recorded) of one history against epochs.

    A missing or empty "test_acc" is skipped. The legend gives the final values.
    """
    if not isinstance(history, Mapping):
        raise TypeError(f"history must be a dict from training.train, got {type(history).__name__}")
    fig, ax = _axes(ax, figsize)
    for i, (key, name) in enumerate((("train_acc", "train"), ("test_acc", "test"), ("val_acc", "validation"))):
        if key not in history or np.asarray(history[key]).size == 0:
            if key == "train_acc":
                raise ValueError(f"history has no 'train_acc'; it has {', '.join(map(repr, history))}")
            continue
        xs, ys = _xy_from_history(history, "history", key, x, steps_per_epoch)
        colour, ls = _style_of(i)
        ax.plot(xs, ys, color=colour, ls=ls, marker="o" if ys.size <= 60 else None, markersize=4,
                label=f"{name} (final {ys[-1]:.3f})")
    ax.set_xlabel(_XLABELS.get(x, str(x)))
    ax.set_ylabel("accuracy")
    ax.set_title(title)
    ax.legend(loc="best")
    return fig


# ------------------------------------------------------------ generic series
def _series_xy(label, s, x):
    """(x, y) of one series: y, or a pair (x, y)."""
    if isinstance(s, tuple) and len(s) == 2:
        xs, ys = _vector(s[0], f"x of {label!r}"), _vector(s[1], f"y of {label!r}")
    else:
        ys = _vector(s, f"series {label!r}")
        xs = np.arange(ys.size, dtype=np.float64) if x is None else _vector(x, "x")
    if xs.size != ys.size:
        raise ValueError(f"series {label!r}: x has {xs.size} values but y has {ys.size}")
    return xs, ys


def _draw_series(ax, series, x, colours, markers):
    for label, s in series.items():
        xs, ys = _series_xy(label, s, x)
        colour, ls = colours[label]
        ax.plot(xs, ys, color=colour, ls=ls, label=str(label),
                marker="o" if markers else None, markersize=4)


@_styled
def lines(series, xlabel, ylabel, title, x=None, ax=None, logx=False, logy=False, markers=False,
          figsize=(9, 4.5)):
    """Overlay of x → y series: dict label -> y (against ``x``, or 0, 1, ...) or -> (x, y)."""
    series = _mapping(series, "series", '{"sigmoid": y1, "relu": (x2, y2)}')
    fig, ax = _axes(ax, figsize)
    _draw_series(ax, series, x, {k: _style_of(i) for i, k in enumerate(series)}, markers)
    _set_scale(ax, logx, logy)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    _legend(ax, len(series), loc="best")
    return fig


@_styled
def grid_of_curves(panels, xlabel, ylabel, title, x=None, ncols=4, sharey=True, logx=False,
                   logy=False, figsize=None):
    """Small multiples: one panel per entry of ``panels`` (dict panel_title -> series).

    Each panel's series is a dict label -> y (against ``x``, or 0, 1, ...) or
    -> (x, y), or one array. A series label keeps its colour in every panel
    and one figure legend names them, e.g. ``{"std=1": {"BN": acc1, "no BN":
    acc2}, "std=0.1": {...}, ...}`` for the batch-norm weight-scale grid.
    """
    panels = _mapping(panels, "panels", '{"std=1": {"BN": acc_bn, "no BN": acc}, ...}')
    panels = {k: (v if isinstance(v, Mapping) else {"": v}) for k, v in panels.items()}
    labels = list(dict.fromkeys(lab for s in panels.values() for lab in s))
    colours = {lab: _style_of(i) for i, lab in enumerate(labels)}
    n = len(panels)
    ncols = max(1, min(int(ncols), n))
    nrows = -(-n // ncols)
    if figsize is None:
        figsize = (min(2.9 * ncols + 0.8, 12.8), min(1.45 * nrows + 1.2, 6.0))
    fig, axes = _figure(figsize, nrows, ncols, sharex=True, sharey=bool(sharey))
    for ax, (ptitle, series) in zip(axes.flat, panels.items()):
        if not series:
            raise ValueError(f"panel {ptitle!r} has no series")
        _draw_series(ax, series, x, colours, markers=False)
        _set_scale(ax, logx, logy)
        ax.set_title(str(ptitle), fontsize=FONT_MIN + 1)
    for ax in axes.flat[n:]:
        ax.set_axis_off()
    if len(labels) > 1:
        fig.legend(handles=[Line2D([], [], color=colours[k][0], ls=colours[k][1], lw=2, label=str(k))
                            for k in labels], loc="outside upper right", ncols=min(len(labels), 4),
                   frameon=False)
    fig.supxlabel(xlabel)
    fig.supylabel(ylabel)
    fig.suptitle(title)
    return fig


# ------------------------------------------------------------ bars
def _layer_values(label, v, key):
    if isinstance(v, (list, tuple)) and v and isinstance(v[0], Mapping):
        if key is None:
            raise ValueError(f"values[{label!r}] is a list of per-layer statistics: say which one to draw "
                             "with key=, e.g. key='grad_norm'")
        if key not in v[0]:
            raise ValueError(f"values[{label!r}]: the statistics have no {key!r}; they have {', '.join(v[0])}")
        v = [np.nan if s[key] is None else s[key] for s in v]
    return _vector(v, f"values[{label!r}]")


@_styled
def layer_bars(values, ylabel, title, log=True, key=None, ax=None, xlabel="hidden layer (input → output)",
               figsize=(10, 4.5)):
    """Grouped bars, one group per layer, one bar a series: dict label -> 1-D array (layer 1, 2, ...).

    A series may also be the list of per-layer dicts of course_lib.diagnostics,
    with ``key`` naming the statistic ("grad_norm", "update_ratio", "dead",
    ...); None entries are left out. Series may have different depths.
    ``log`` draws y on a log scale (the default: gradient norms span decades).
    """
    values = _mapping(values, "values", '{"sigmoid": grad_norms_sigmoid, "relu": grad_norms_relu}')
    data = {str(k): _layer_values(k, v, key) for k, v in values.items()}
    depth = max(v.size for v in data.values())
    fig, ax = _axes(ax, figsize)
    width = 0.8 / len(data)
    for i, (label, v) in enumerate(data.items()):
        colour, _ = _style_of(i)
        pos = np.arange(1, v.size + 1) + (i - (len(data) - 1) / 2) * width
        ax.bar(pos, v, width=width * 0.95, color=colour, label=label)
    if log:
        finite = np.concatenate([v[np.isfinite(v) & (v > 0)] for v in data.values()])
        if finite.size == 0:
            raise ValueError("log=True needs some positive values; pass log=False")
        ax.set_yscale("log")
    ax.set_xticks(np.arange(1, depth + 1))
    ax.set_xlim(0.5, depth + 0.5)
    ax.grid(False, axis="x")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    _legend(ax, len(data), loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


@_styled
def ranked_bars(values, xlabel, ylabel, title, ax=None, log=False, fmt="{:.3g}", figsize=(9, 4.5)):
    """Horizontal bars sorted by value (largest on top), each labelled with its value.

    For one number per item: the cost of each activation, each optimizer's test accuracy.
    """
    values = _mapping(values, "values", '{"relu": 1.2, "gelu": 4.5}')
    items = sorted(((str(k), float(v)) for k, v in values.items()), key=lambda kv: kv[1])
    fig, ax = _axes(ax, figsize)
    names, vals = zip(*items)
    ax.barh(np.arange(len(vals)), vals, color=PALETTE[0])
    for i, v in enumerate(vals):
        ax.text(v, i, " " + fmt.format(v), va="center", fontsize=FONT_MIN)
    ax.set_yticks(np.arange(len(vals)), names)
    if log:
        ax.set_xscale("log")
    ax.margins(x=0.15)
    ax.grid(False, axis="y")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    return fig


# ------------------------------------------------------------ decision boundary
@_styled
def decision_boundary(predict, x, t, ax=None, title="Decision boundary", resolution=200, margin=0.5,
                      class_names=None, figsize=(7, 5.5)):
    """Regions of the plane by predicted class, with the data points on top.

    ``predict`` maps an (m, 2) array to m class integers (or to (m, k) scores,
    reduced by argmax); ``x`` is (N, 2), ``t`` N integer labels or one-hot.
    The grid covers the data ± ``margin`` with ``resolution``² points.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != 2 or x.shape[0] == 0:
        raise ValueError(f"x must be an (N, 2) array of 2-D points, got shape {x.shape}")
    t = np.asarray(t)
    if t.ndim == 2:
        t = t.argmax(axis=1)
    if t.shape != (x.shape[0],):
        raise ValueError(f"t must hold one label per point: x has {x.shape[0]} points, t has shape {t.shape}")
    t = t.astype(int)
    if not callable(predict):
        raise TypeError("predict must be a function (m, 2) array -> m class integers, "
                        "e.g. lambda p: net.predict(p).argmax(axis=1)")
    gx = np.linspace(x[:, 0].min() - margin, x[:, 0].max() + margin, int(resolution))
    gy = np.linspace(x[:, 1].min() - margin, x[:, 1].max() + margin, int(resolution))
    GX, GY = np.meshgrid(gx, gy)
    z = np.asarray(predict(np.column_stack([GX.ravel(), GY.ravel()]).astype(np.float32)))
    if z.ndim == 2:
        z = z.argmax(axis=1)
    if z.shape != (GX.size,):
        raise ValueError(f"predict returned shape {z.shape} for {GX.size} points; it must return one class "
                         "per point (or one row of scores per point)")
    Z = z.astype(int).reshape(GX.shape)
    k = int(max(t.max(), Z.max())) + 1
    if k > len(PALETTE):
        raise ValueError(f"at most {len(PALETTE)} classes can be told apart, got {k}")
    if class_names is None:
        class_names = [f"class {c}" for c in np.arange(k)]
    fig, ax = _axes(ax, figsize)
    light = ListedColormap([to_rgba(c, 0.25) for c in PALETTE[:k]])
    ax.pcolormesh(GX, GY, Z, cmap=light, norm=BoundaryNorm(np.arange(k + 1) - 0.5, k), shading="auto",
                  rasterized=True)
    ax.contour(GX, GY, Z, levels=np.arange(k) + 0.5, colors="0.3", linewidths=1)
    for c in np.arange(k):
        pts = x[t == c]
        if len(pts):
            ax.scatter(pts[:, 0], pts[:, 1], s=18, color=PALETTE[c], marker=MARKERS[c],
                       edgecolors="white", linewidths=0.5, label=class_names[c])
    ax.set_xlim(gx[0], gx[-1])
    ax.set_ylim(gy[0], gy[-1])
    ax.grid(False)
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.set_title(title)
    ax.legend(loc="best", markerscale=1.5)
    return fig


# ------------------------------------------------------------ hyperparameter search, schedules
@_styled
def scatter_trials(x, y, c, xlabel, ylabel, clabel, logx=True, logy=True, ax=None, title=None,
                   mark_best=True, figsize=(8, 5)):
    """Trials of a search as points (x, y) coloured by a score c, with a colour bar.

    NaN scores (diverged trials) are drawn as grey crosses; ``mark_best``
    rings the trial with the largest c.
    """
    x = _vector(x, "x")
    y = _vector(y, "y")
    c = _vector(c, "c")
    if not x.size == y.size == c.size:
        raise ValueError(f"x, y and c need one value per trial, got {x.size}, {y.size} and {c.size}")
    for name, v, log in (("x", x, logx), ("y", y, logy)):
        if log and np.any(v <= 0):
            raise ValueError(f"{name} has values <= 0, which a log axis cannot show; pass log{name}=False")
    fig, ax = _axes(ax, figsize)
    ok = np.isfinite(c)
    sc = ax.scatter(x[ok], y[ok], c=c[ok], cmap="viridis", s=40, edgecolors="0.2", linewidths=0.4)
    n_series = 0
    if (~ok).any():
        ax.scatter(x[~ok], y[~ok], marker="x", color="0.5", s=30, label="diverged (no score)")
        n_series += 1
    if mark_best and ok.any():
        b = np.flatnonzero(ok)[np.argmax(c[ok])]
        ax.scatter([x[b]], [y[b]], s=220, facecolors="none", edgecolors=PALETTE[1], linewidths=2.5,
                   label=f"best: {clabel} {c[b]:.3g}")
        n_series += 1
    fig.colorbar(sc, ax=ax, label=clabel)
    _set_scale(ax, logx, logy)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title or f"{clabel} of each trial")
    if n_series:
        # Below the x label, a fixed distance from the axes: ticks, tick labels (with exponents) and
        # the label take a fixed height in points (3.5 + 3.5 + ~17 + 4 + ~14) whatever the figure's
        # height, where a fixed fraction of the axes height ran into the x label on figures under
        # about 4 inches. The layout engine makes room. Not inside: a grid of trials has no free corner.
        from matplotlib.transforms import ScaledTranslation
        below = ScaledTranslation(0, -42 / 72, fig.dpi_scale_trans)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0), bbox_transform=ax.transAxes + below,
                  ncols=n_series, frameon=False, borderaxespad=0)
    return fig


@_styled
def schedule_plot(steps, lrs, ax=None, title="Learning-rate schedules", logy=False, figsize=(9, 4.5)):
    """Learning rate against step for several schedules: dict name -> array (one per step) or function.

    A function is called with the array of steps (``course_lib.schedules``
    functions accept arrays) and must return one rate per step.
    """
    steps = _vector(steps, "steps")
    lrs = _mapping(lrs, "lrs", '{"cosine": schedules.get("cosine", lr0=0.1, total_steps=1000)}')
    fig, ax = _axes(ax, figsize)
    for i, (label, lr) in enumerate(lrs.items()):
        if callable(lr):
            try:
                v = np.asarray(lr(steps), dtype=np.float64)
            except (TypeError, ValueError):
                v = None
            if v is None or v.shape != steps.shape:          # a function of one step only
                v = np.array([lr(int(s)) for s in steps], dtype=np.float64)
        else:
            v = np.asarray(lr, dtype=np.float64)
        if v.shape != steps.shape:
            raise ValueError(f"schedule {label!r} gives {v.size} rates for {steps.size} steps")
        colour, ls = _style_of(i)
        ax.plot(steps, v, color=colour, ls=ls, label=str(label))
    _set_scale(ax, logy=logy)
    ax.set_xlabel("update step")
    ax.set_ylabel("learning rate η")
    ax.set_title(title)
    _legend(ax, len(lrs), loc="best")
    return fig
