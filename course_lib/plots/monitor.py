"""The training monitor's figure, and a grid of digits with their labels."""
import io

import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from course_lib.i18n import gettext as _
from course_lib.plots._style import FONT_MIN, STYLE, SlideFigure, slide_figure, fit_figsize, add_legend, styled, style_of

LN10 = float(np.log(10.0))


class _FixedFigure(SlideFigure):
    """A SlideFigure laid out by hand: its PNG is drawn once, without the second, measuring
    pass of bbox_inches="tight" (which doubled the monitor's redraw time)."""

    def _repr_png_(self):
        buf = io.BytesIO()
        self.savefig(buf, format="png")
        return buf.getvalue()


def _log_if_wide(ax, values, decades=1.0):
    """Log y scale when the positive finite values span more than ``decades`` decades."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size and np.log10(v.max() / v.min()) > decades:
        ax.set_yscale("log")
        # plain-text tick labels (1e-03): matplotlib's default 10^k labels go through mathtext,
        # which made this figure several times slower to draw
        ax.yaxis.set_major_locator(LogLocator(base=10.0, numticks=6))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:.0e}".replace("e+0", "e").replace("e-0", "e-")))
        ax.yaxis.set_minor_formatter(NullFormatter())


def _per_layer(ax, steps, values, ylabel, title, logy=False, band=None, legend=False):
    """One line a hidden layer: values (records, layers) against steps."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0 or not np.isfinite(values).any():
        ax.text(0.5, 0.5, _("does not apply\nto this activation"), ha="center", va="center",
                transform=ax.transAxes, fontsize=FONT_MIN)
    else:
        for l in range(values.shape[1]):
            colour, style = style_of(l)
            v = values[:, l]
            if logy:
                v = np.where(v > 0, v, np.nan)
            ax.plot(steps, v, color=colour, linestyle=style, marker="o", markersize=3, label=_("layer {n}").format(n=l + 1))
        if band is not None:
            ax.axhline(band, color="#999999", linestyle=":", linewidth=1.5, label=f"{band:g}")
        if logy:
            _log_if_wide(ax, values if band is None else np.append(values, band))
        if legend or band is not None:
            add_legend(ax, 2 if legend else 1 + (band is not None), ncol=2 if values.shape[1] > 3 else 1)
            if not legend:                                  # only the reference line
                handles, labels = ax.get_legend_handles_labels()
                ax.legend(handles[-1:], labels[-1:])
    ax.set_xlabel(_("step"))
    ax.set_ylabel(ylabel)
    ax.set_title(title)


@styled
def plot_monitor(run, title=None, readout=None, figsize=(12.5, 5.6)):
    """The six panels of a ``monitor.monitor`` record: loss (log scale, ln 10 dashed), train and
    validation accuracy, per-layer activation std, dead (ReLU) or saturated (sigmoid, tanh) share,
    gradient norm ‖∂L/∂W_l‖ and update:weight ratio η‖∂L/∂W_l‖/‖W_l‖ (10⁻³ dotted).
    ``readout``: a line of text under the title (e.g. monitor.readout(run)); ``title`` defaults to
    "Training monitor" (in the language in use)."""
    if not isinstance(run, dict) or "layers" not in run:
        raise TypeError(_("plot_monitor needs the dict that monitor.monitor(...) returns"))
    title = _("Training monitor") if title is None else title
    fig, axes = _monitor_grid(figsize, readout)
    loss = np.asarray(run["loss"], dtype=np.float64)
    steps = np.asarray(run["step"])
    _loss_panel(axes[0], loss, run)
    _accuracy_panel(axes[1], steps, run)
    _layer_panels(axes[2:], steps, run["layers"])
    end = max(float(steps[-1]) if len(steps) else 0.0, float(len(loss)), 1.0)
    for ax in axes:
        ax.set_xlim(-0.02 * end, 1.02 * end)
    fig.suptitle(title if readout is None else f"{title}\n{readout}", fontsize=13)
    return fig


def _monitor_grid(figsize, readout):
    """The figure and its six axes (raveled), margins in inches so any size keeps its labels."""
    # a fixed grid, not the constrained layout of slide_figure: that doubled the drawing time
    fig = _FixedFigure(figsize=fit_figsize(figsize), dpi=STYLE["figure.dpi"])
    axes = fig.subplots(2, 3)
    w, h = fig.get_size_inches()
    top_in, bottom_in, gap_in = (0.85 if readout else 0.55), 0.5, 0.8
    axes_h = (h - top_in - bottom_in - gap_in) / 2
    fig.subplots_adjust(left=0.9 / w, right=1 - 0.15 / w, top=1 - top_in / h, bottom=bottom_in / h,
                        wspace=0.36, hspace=gap_in / axes_h)
    return fig, axes.ravel()


def _loss_panel(ax, loss, run):
    """The mini-batch loss of every step (log scale when it spans a wide range), ln 10 dashed."""
    finite = np.where(np.isfinite(loss) & (loss > 0), loss, np.nan)
    ax.plot(np.arange(len(loss)), finite, color=style_of(0)[0], linewidth=1.2, label=_("mini-batch loss"))
    ax.axhline(LN10, color="#999999", linestyle="--", linewidth=1.5, label="ln 10 = 2.303")
    if run.get("diverged"):
        ax.axvline(run["stopped_at"], color=style_of(1)[0], linestyle=":", label=_("NaN at step {step}").format(step=run["stopped_at"]))
    _log_if_wide(ax, np.append(finite, LN10))
    ax.set(xlabel=_("step"), ylabel=_("loss"), title=_("Loss"))
    add_legend(ax, 3)


def _accuracy_panel(ax, steps, run):
    """Train and validation accuracy at the recorded steps."""
    for i, (key, label) in enumerate((("train_acc", _("train")), ("val_acc", _("validation")))):
        colour, style = style_of(i)
        ax.plot(steps, np.asarray(run[key]), color=colour, linestyle=style, marker="o", markersize=3, label=label)
    ax.set_ylim(0, 1.02)
    ax.set(xlabel=_("step"), ylabel=_("accuracy"), title=_("Accuracy"))
    add_legend(ax, 2)


def _layer_panels(axes, steps, L):
    """Per layer: activation std, dead (or saturated) share, gradient norm, update:weight ratio (10⁻³ dotted)."""
    _per_layer(axes[0], steps, L["act_std"], _("std of activations"), _("Activation std per layer"), logy=True,
               legend=True)
    dead = np.asarray(L["dead"])
    if np.isfinite(dead).any():
        _per_layer(axes[1], steps, dead, _("share of units"), _("Dead units per layer (ReLU)"))
    else:
        _per_layer(axes[1], steps, L["saturated"], _("share of values"), _("Saturated values per layer"))
    axes[1].set_ylim(-0.02, 1.02)
    _per_layer(axes[2], steps, L["grad_norm"], "‖∂L/∂W‖", _("Gradient norm per layer"), logy=True)
    _per_layer(axes[3], steps, L["update_ratio"], "η‖∂L/∂W‖ / ‖W‖", _("Update:weight ratio per layer"), logy=True,
               band=1e-3)


@styled
def digit_grid(x, labels, n=12, title=None, ncols=12, figsize=(12, 1.9)):
    """The first ``n`` rows of ``x`` (784 = 28×28 pixels each) as images, each titled with its label;
    ``title`` defaults to "Images and their labels" (in the language in use)."""
    x = np.asarray(x)
    if x.ndim != 2 or x.shape[1] != 784:
        raise ValueError(_("x must have rows of 784 pixels (28×28), got shape {shape}").format(shape=x.shape))
    title = _("Images and their labels") if title is None else title
    n = min(int(n), len(x))
    nrows = int(np.ceil(n / ncols))
    fig, axes = slide_figure(figsize, nrows, ncols)
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i < n:
            ax.imshow(x[i].reshape(28, 28), cmap="gray_r")
            ax.set_title(_("{i}: label {label}").format(i=i, label=labels[i]), fontsize=FONT_MIN)
    fig.suptitle(title, fontsize=13)
    return fig
