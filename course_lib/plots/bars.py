"""Per-layer and ranked bars."""
from collections.abc import Mapping
import numpy as np

from course_lib.i18n import N_, gettext as _
from course_lib.plots._style import (FONT_MIN, PALETTE, target_axes, add_legend, as_mapping, style_of, styled, as_vector,
                                     localized)


# ------------------------------------------------------------ bars
def _layer_values(label, v, key):
    if isinstance(v, (list, tuple)) and v and isinstance(v[0], Mapping):
        if key is None:
            raise ValueError(f"values[{label!r}] is a list of per-layer statistics: say which one to draw "
                             "with key=, e.g. key='grad_norm'")
        if key not in v[0]:
            raise ValueError(f"values[{label!r}]: the statistics have no {key!r}; they have {', '.join(v[0])}")
        v = [np.nan if s[key] is None else s[key] for s in v]
    return as_vector(v, f"values[{label!r}]")


@styled
def layer_bars(values, ylabel, title, log=True, key=None, ax=None, xlabel=N_("hidden layer (input → output)"),
               figsize=(10, 4.5)):
    """Grouped bars, one group per layer, one bar a series: dict label -> 1-D array (layer 1, 2, ...).

    A series may also be the list of per-layer dicts of course_lib.diagnostics,
    with ``key`` naming the statistic ("grad_norm", "update_ratio", "dead",
    ...); None entries are left out. Series may have different depths.
    ``log`` draws y on a log scale (the default: gradient norms span decades).
    """
    values = as_mapping(values, "values", '{"sigmoid": grad_norms_sigmoid, "relu": grad_norms_relu}')
    data = {str(k): _layer_values(k, v, key) for k, v in values.items()}
    depth = max(v.size for v in data.values())
    fig, ax = target_axes(ax, figsize)
    width = 0.8 / len(data)
    for i, (label, v) in enumerate(data.items()):
        colour = style_of(i)[0]
        pos = np.arange(1, v.size + 1) + (i - (len(data) - 1) / 2) * width
        ax.bar(pos, v, width=width * 0.95, color=colour, label=localized(label))
    if log:
        finite = np.concatenate([v[np.isfinite(v) & (v > 0)] for v in data.values()])
        if finite.size == 0:
            raise ValueError("log=True needs some positive values; pass log=False")
        ax.set_yscale("log")
    ax.set_xticks(np.arange(1, depth + 1))
    ax.set_xlim(0.5, depth + 0.5)
    ax.grid(False, axis="x")
    ax.set_xlabel(localized(xlabel))
    ax.set_ylabel(localized(ylabel))
    ax.set_title(localized(title))
    add_legend(ax, len(data), loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


@styled
def ranked_bars(values, xlabel, ylabel, title, ax=None, log=False, fmt="{:.3g}", figsize=(9, 4.5)):
    """Horizontal bars sorted by value (largest on top), each labelled with its value.

    For one number per item: the cost of each activation, each optimizer's test accuracy.
    """
    values = as_mapping(values, "values", '{"relu": 1.2, "gelu": 4.5}')
    items = sorted(((str(k), float(v)) for k, v in values.items()), key=lambda kv: kv[1])
    fig, ax = target_axes(ax, figsize)
    names, vals = zip(*items)
    ax.barh(np.arange(len(vals)), vals, color=PALETTE[0])
    for i, v in enumerate(vals):
        ax.text(v, i, " " + fmt.format(v), va="center", fontsize=FONT_MIN)
    ax.set_yticks(np.arange(len(vals)), [localized(n) for n in names])
    if log:
        ax.set_xscale("log")
    ax.margins(x=0.15)
    ax.grid(False, axis="y")
    ax.set_xlabel(localized(xlabel))
    ax.set_ylabel(localized(ylabel))
    ax.set_title(localized(title))
    return fig



# ------------------------------------------------------------ explorers

def plot_gradient_profile(norms, activation: str, weight_scale: float, figsize=(8.5, 3.6)):
    """Bars of ‖∂L/∂W_l‖ per layer (log scale), titled with the ratio first layer : last layer."""
    norms = np.asarray(norms, dtype=np.float64)
    shown = np.where(np.isfinite(norms) & (norms > 0), norms, np.nan)   # 0 or inf: under-/overflow
    if np.isnan(shown).all():
        title = _("{activation}, weight std {scale:g}/√n: every gradient under- or overflowed "
                  "the float32 range").format(activation=activation, scale=weight_scale)
        return layer_bars({activation: np.zeros_like(norms)}, "‖∂L/∂W‖", title, log=False,
                          xlabel=_("layer (input → output)"), figsize=figsize)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = norms[0] / norms[-1]
    title = _("{activation}, weight std {scale:g}/√n: first layer gets {ratio:.2g} × the last "
              "layer's gradient").format(activation=activation, scale=weight_scale, ratio=ratio)
    if np.isnan(shown).any():
        title += " " + _("(missing bars: 0, underflow)")
    return layer_bars({activation: shown}, _("‖∂L/∂W‖ (log scale)"), title,
                      xlabel=_("layer (input → output)"), figsize=figsize)
