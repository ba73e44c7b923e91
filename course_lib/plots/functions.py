"""Activation histograms, activation functions with their derivatives, a single neuron."""
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from matplotlib.ticker import MaxNLocator
from matplotlib.lines import Line2D

from course_lib import activations
from course_lib.i18n import N_, gettext as _
from course_lib.plots._style import (FIGSIZE, FONT_MIN, PALETTE, subplots, target_axes, slide_figure, add_legend, as_mapping,
                                     style_of, styled, as_vector, localized, options)


# ------------------------------------------------------------ histograms
def _layer_stats_text(v, names=("μ", "σ")):
    mean, std = (localized(n) for n in names)
    return f"{mean}={v.mean():.3g}  {std}={v.std():.3g}" if v.size else _("no finite values")


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


@dataclass(frozen=True)
class HistogramStyle:
    """How :func:`activation_histograms` draws: the x label, a cap on the y axis (``ymax``, e.g.
    0.1 to see past ReLU's spike at 0), the figure size (default: from the rows and layers) and
    the two symbols printed for the mean and the std (e.g. ("mean", "std") where σ is the sigmoid)."""
    xlabel: str = N_("activation value")
    ymax: float = None
    figsize: tuple = None
    stat_names: tuple = ("μ", "σ")


def _histogram_rows(acts):
    """dict row label -> list of 1-D arrays of finite values, one a layer; every row as deep."""
    if isinstance(acts, Mapping):
        rows = as_mapping(acts, "acts", '{"std 1": [a1, a2, ...], "He": [...]}')
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
    depths = {len(v) for v in data.values()}
    if len(depths) > 1:
        sizes = ", ".join(f"{k!r}: {len(v)}" for k, v in data.items())
        raise ValueError(f"every row needs the same number of layers, got {sizes}")
    if not any(v.size for layers in data.values() for v in layers):
        raise ValueError("acts holds no finite values to draw")
    return data


def _panel_titles(labels, ncols):
    """The panel titles: ``labels``, or "layer 1", "layer 2", ...."""
    if labels is None:
        return [_("layer {n}").format(n=i + 1) for i in np.arange(ncols)]
    if len(labels) != ncols:
        raise ValueError(f"labels has {len(labels)} entries but there are {ncols} layers")
    return labels


def _histogram_range(range):
    """(lo, hi) of a fixed range, checked; None stays None."""
    if range is None:
        return None
    lo, hi = map(float, range)
    if not lo < hi:
        raise ValueError(f"range must be (low, high) with low < high, got {range}")
    return lo, hi


def _histogram_row(axes, layers, fixed, bins, colour, per_panel, stat_names):
    """Draw one row's layers into ``axes`` (one a layer): bars of the fraction in each bin, μ and σ."""
    lo, hi = fixed if fixed is not None else _data_range(layers)
    edges = np.linspace(lo, hi, int(bins) + 1)
    for ax, v in zip(axes, layers):
        if per_panel and fixed is None:
            lo, hi = _data_range([v])
            edges = np.linspace(lo, hi, int(bins) + 1)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=3))
        inside = v[(v >= lo) & (v <= hi)]
        weights = np.full(inside.size, 1.0 / max(v.size, 1))
        ax.hist(inside, bins=edges, weights=weights, color=colour, alpha=0.85)
        ax.text(0.98, 0.97, _layer_stats_text(v, stat_names), transform=ax.transAxes, ha="right", va="top",
                fontsize=FONT_MIN, bbox=dict(facecolor="white", alpha=0.7, edgecolor="none", pad=1))
        ax.set_xlim(lo, hi)


@styled
def activation_histograms(acts, title=N_("Activations per layer"), bins=30, range=None, labels=None, *,
                          per_panel=False, **style):
    """Histograms of each layer's values, one panel a layer, with mean μ and std σ printed.

    ``acts`` is a list of arrays (one row, one array a layer) or a dict
    row_label -> list of arrays (several rows, e.g. ``{"std 1": [...],
    "std 0.01": [...], "He": [...]}``); every row needs the same number of
    layers. The bars give the fraction of values in each bin (they sum to 1
    over the range), so rows of different sizes compare; y is shared along a
    row. ``range=(lo, hi)`` fixes the bins of every panel (e.g. (0, 1) for
    sigmoid); None gives each row its own range, from the 0.5 % to the
    99.5 % quantile of the row's values (μ and σ still use every value).
    ``labels`` replaces the panel titles "layer 1", "layer 2", ....
    ``per_panel=True`` gives every panel its own x range (its own quantiles; y stays shared along a
    row), so a layer whose values are spread wide is not flattened next to a narrow spike in
    another panel: each histogram fills its panel and σ tells the scale.
    Non-finite values are left out of the bars and of μ, σ.
    ``style``: the keywords of :class:`HistogramStyle` -- ``xlabel``, ``ymax`` (caps the y axis,
    e.g. 0.1 to see past ReLU's spike at 0), ``figsize``, ``stat_names`` (the two symbols printed
    for the mean and the std, e.g. ("mean", "std") where σ is the sigmoid) -- or
    ``style=HistogramStyle(...)``.
    """
    opt = options(HistogramStyle, "activation_histograms", style)
    data = _histogram_rows(acts)
    ncols = len(next(iter(data.values())))
    labels = _panel_titles(labels, ncols)
    fixed = _histogram_range(range)
    nrows = len(data)
    figsize = opt.figsize or (min(2.4 * ncols + 1.2, 12.0), 1.3 + (1.9 if nrows == 1 else 1.55) * nrows)
    sharex = False if per_panel else ("row" if range is None else True)
    fig, axes = slide_figure(figsize, nrows, ncols, sharex=sharex, sharey="row")
    for r, (row, layers) in enumerate(data.items()):
        _histogram_row(axes[r], layers, fixed, bins, PALETTE[r % len(PALETTE)], per_panel, opt.stat_names)
        if r == 0 or nrows == 1:
            for ax, label in zip(axes[r], labels):
                ax.set_title(localized(label))
        top = max(max((p.get_height() for p in ax.patches), default=0) for ax in axes[r])
        axes[r, 0].set_ylim(0, opt.ymax if opt.ymax is not None else 1.35 * top or 1.0)   # room for μ, σ
        axes[r, 0].set_ylabel(_("{row}\nfraction").format(row=localized(row)) if row else _("fraction of values"))
    fig.supxlabel(localized(opt.xlabel))
    if title:
        fig.suptitle(localized(title))
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
    x = np.linspace(-5.0, 5.0, 501) if x is None else as_vector(x, "x")
    return x


def _values(act, x, label):
    y = np.asarray(act(x), dtype=np.float64)
    d = np.asarray(act.derivative(x), dtype=np.float64)
    if y.shape != x.shape or d.shape != x.shape:
        raise ValueError(f"activation {label!r} returned shapes {y.shape} and {d.shape} for x of shape {x.shape}")
    return y, d


@styled
def function_grid(activations, x=None, ncols=6, title=N_("Activation functions and their derivatives"),
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
    fig, axes = slide_figure(figsize, nrows, ncols, sharex=True)
    for ax, (label, act) in zip(axes.flat, acts.items()):
        y, d = _values(act, x, label)
        ax.axhline(0, color="0.6", lw=0.8, zorder=0)
        ax.axvline(0, color="0.6", lw=0.8, zorder=0)
        ax.plot(x, y, color=PALETTE[0], ls="-", label="f(x)")
        ax.plot(x, d, color=PALETTE[1], ls="--", label="f'(x)")
        ax.set_title(localized(label))
        finite = np.concatenate([y[np.isfinite(y)], d[np.isfinite(d)]])
        if finite.size:
            lo, hi = max(finite.min(), -6.0), min(finite.max(), 6.0)
            pad = 0.1 * max(hi - lo, 1.0)
            ax.set_ylim(lo - pad, hi + pad)
    for ax in axes.flat[n:]:
        ax.set_axis_off()
    handles = [Line2D([], [], color=PALETTE[0], ls="-", lw=2, label="f(x)"),
               Line2D([], [], color=PALETTE[1], ls="--", lw=2, label=_("f'(x)  derivative"))]
    fig.legend(handles=handles, loc="outside upper right", ncols=2, frameon=False)
    fig.supxlabel("x")
    fig.supylabel("f(x), f'(x)")
    if title:
        fig.suptitle(localized(title))
    return fig


@styled
def function_and_derivative(acts, x=None, ax=None, title=None, derivative=True, figsize=(9, 4.5)):
    """Several activations overlaid on one axes: f solid, f' dashed in the same colour.

    ``acts``: one activation, a list of them (or names), or a dict label ->
    activation. ``derivative=False`` draws f only.
    """
    acts = _as_activations(acts)
    x = _xgrid(x)
    fig, ax = target_axes(ax, figsize)
    ax.axhline(0, color="0.6", lw=0.8, zorder=0)
    ax.axvline(0, color="0.6", lw=0.8, zorder=0)
    for i, (label, act) in enumerate(acts.items()):
        y, d = _values(act, x, label)
        colour = style_of(i)[0]
        ax.plot(x, y, color=colour, ls="-", label=localized(label))
        if derivative:
            ax.plot(x, d, color=colour, ls="--", label=f"{localized(label)}'")
    ax.set_xlabel("x")
    ax.set_ylabel(_("f(x), f'(x) dashed") if derivative else "f(x)")
    ax.set_title(localized(title) if title else (_("Activation functions (solid) and derivatives (dashed)")
                                                 if derivative else _("Activation functions")))
    add_legend(ax, len(acts) * (2 if derivative else 1), loc="best", ncols=2 if len(acts) > 3 else 1)
    return fig



# ------------------------------------------------------------ explorers

def _new_figure(figsize=FIGSIZE):
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return fig, ax


def plot_neuron(x, y, w: float, b: float, ax=None):
    """Draw a neuron's curve y(x) with its midpoint x = −b/w marked; returns the Figure."""
    if ax is None:
        fig, ax = _new_figure()
    else:
        fig = ax.figure
    ax.plot(x, y, lw=2.5, color=PALETTE[0], label=f"y = σ({w:g}·x {'+' if b >= 0 else '−'} {abs(b):g})")
    ax.axhline(0.5, color="grey", lw=0.8, ls=":")
    if w != 0 and x.min() <= -b / w <= x.max():
        midpoint = -b / w + 0.0                    # + 0.0 turns −0.0 (b = 0) into 0.0 for the legend
        ax.axvline(midpoint, color=PALETTE[1], lw=1, ls="--",
                   label=_("midpoint x = −b/w = {value:.2f}").format(value=midpoint))
    ax.set(xlim=(x.min(), x.max()), ylim=(-0.05, 1.05), xlabel=_("input x"), ylabel=_("output y"),
           title=_("A single neuron"))
    ax.legend(loc="upper left")
    return fig


def plot_activation_curves(curves, title: str = "", figsize=(8.5, 3.6)):
    """f solid and f' dashed (same colour) for each entry of :func:`activation_curves`."""
    fig, ax = subplots(figsize=figsize)
    ax.axhline(0, color="0.6", lw=0.8, zorder=0)
    ax.axvline(0, color="0.6", lw=0.8, zorder=0)
    for i, (label, (x, f, d)) in enumerate(curves.items()):
        colour = PALETTE[i % len(PALETTE)]
        ax.plot(x, f, color=colour, ls="-", label=localized(label))
        ax.plot(x, d, color=colour, ls="--")
    if not curves:
        ax.text(0.5, 0.5, _("select one or more functions"), ha="center", va="center", transform=ax.transAxes)
    ax.set(xlabel="x", ylabel=_("f(x) solid, f'(x) dashed"),
           title=localized(title) if title else _("Activation functions"))
    ax.set_ylim(-2.5, 4.5)
    if curves:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return fig
