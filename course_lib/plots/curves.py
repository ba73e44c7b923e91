"""Training curves, generic series, learning-rate schedules."""
from collections.abc import Mapping
from dataclasses import dataclass

from matplotlib.lines import Line2D
import numpy as np

from course_lib.i18n import N_, gettext as _
from course_lib.plots._style import (FONT_MIN, subplots, target_axes, slide_figure, add_legend, as_mapping, set_scale,
                                     style_of, styled, as_vector, localized, options)


# ------------------------------------------------------------ training curves
_YLABELS = {"loss": N_("training loss (mini-batch)"), "lr": N_("learning rate"),
            "train_acc": N_("training accuracy"), "test_acc": N_("test accuracy"),
            "val_acc": N_("validation accuracy"), "grad_norm": N_("gradient norm ‖g‖"), "time": N_("time (s)")}
_PER_EVAL = ("train_acc", "test_acc", "val_acc")
_XLABELS = {"step": N_("update step"), "time": N_("time (s)"), "epoch": N_("epoch")}


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
        return {N_("run"): series}
    series = as_mapping(series, "series", '{"SGD": history_sgd, "Adam": history_adam}')
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


@dataclass(frozen=True)
class CurvesStyle:
    """How :func:`curves` draws: the title (default: from the y label), the y label (default: from
    ``key``), a log y axis, ``raw`` (also draw the unsmoothed values faintly; default: when at most
    3 series) and the figure size."""
    title: str = None
    ylabel: str = None
    logy: bool = False
    raw: bool = None
    figsize: tuple = (10, 4.5)


def _draw_histories(ax, hs, key, smooth, x, steps_per_epoch, raw):
    """One line a history (its EMA if ``smooth``; the raw values faintly too if ``raw``)."""
    per_eval = key in _PER_EVAL
    for i, (label, h) in enumerate(hs.items()):
        xs, ys = _xy_from_history(h, label, key, x, steps_per_epoch)
        colour, ls = style_of(i)
        if smooth and not per_eval:
            if raw:
                ax.plot(xs, ys, color=colour, alpha=0.25, lw=1)
            ys = ema(ys, smooth)
        else:
            ema(ys[:1], smooth)          # validates smooth
        ax.plot(xs, ys, color=colour, ls=ls, label=localized(label),
                marker="o" if per_eval and ys.size <= 60 else None, markersize=4)


@styled
def curves(series, key="loss", smooth=0.0, x="step", ax=None, *, steps_per_epoch=None, **style):
    """Overlay one quantity of several training histories (dict label -> history).

    ``key``: a per-step array ("loss", "lr", "grad_norm") or a per-evaluation
    one ("train_acc", "test_acc", "val_acc", drawn with markers at eval_step).
    ``x``: "step" (updates done), "time" (seconds) or "epoch" (step divided by
    the steps per epoch, read from eval_step or given as steps_per_epoch).
    ``smooth`` w > 0 draws the exponential moving average of :func:`ema`.
    A single history may be passed instead of a dict.
    ``style``: the keywords of :class:`CurvesStyle` -- ``title``, ``ylabel``, ``logy``, ``raw``
    (also draw the unsmoothed values faintly; default: when at most 3 series), ``figsize`` --
    or ``style=CurvesStyle(...)``.
    """
    opt = options(CurvesStyle, "curves", style)
    hs = _histories(series)
    fig, ax = target_axes(ax, opt.figsize)
    _draw_histories(ax, hs, key, smooth, x, steps_per_epoch, len(hs) <= 3 if opt.raw is None else opt.raw)
    set_scale(ax, logy=opt.logy)
    ax.set_xlabel(localized(_XLABELS.get(x, str(x))))
    base = localized(opt.ylabel or _YLABELS.get(key, key))
    smoothed = smooth and key not in _PER_EVAL and not opt.ylabel
    ax.set_ylabel(_("{label}, EMA {weight:g}").format(label=base, weight=smooth) if smoothed else base)
    ax.set_title(localized(opt.title) if opt.title else base[0].upper() + base[1:])
    add_legend(ax, len(hs), loc="best")
    return fig


@styled
def train_test(history, ax=None, title=N_("Training vs test accuracy"), x="epoch", steps_per_epoch=None,
               figsize=(9, 4.5)):
    """Training and test accuracy (and validation, if recorded) of one history against epochs.

    A missing or empty "test_acc" is skipped. The legend gives the final values.
    """
    if not isinstance(history, Mapping):
        raise TypeError(f"history must be a dict from training.train, got {type(history).__name__}")
    fig, ax = target_axes(ax, figsize)
    for i, (key, name) in enumerate((("train_acc", N_("train")), ("test_acc", N_("test")),
                                              ("val_acc", N_("validation")))):
        if key not in history or np.asarray(history[key]).size == 0:
            if key == "train_acc":
                raise ValueError(f"history has no 'train_acc'; it has {', '.join(map(repr, history))}")
            continue
        xs, ys = _xy_from_history(history, "history", key, x, steps_per_epoch)
        colour, ls = style_of(i)
        ax.plot(xs, ys, color=colour, ls=ls, marker="o" if ys.size <= 60 else None, markersize=4,
                label=_("{name} (final {value:.3f})").format(name=_(name), value=ys[-1]))
    ax.set_xlabel(localized(_XLABELS.get(x, str(x))))
    ax.set_ylabel(_("accuracy"))
    ax.set_title(localized(title))
    ax.legend(loc="best")
    return fig


# ------------------------------------------------------------ generic series
def _series_xy(label, s, x):
    """(x, y) of one series: y, or a pair (x, y)."""
    if isinstance(s, tuple) and len(s) == 2:
        xs, ys = as_vector(s[0], f"x of {label!r}"), as_vector(s[1], f"y of {label!r}")
    else:
        ys = as_vector(s, f"series {label!r}")
        xs = np.arange(ys.size, dtype=np.float64) if x is None else as_vector(x, "x")
    if xs.size != ys.size:
        raise ValueError(f"series {label!r}: x has {xs.size} values but y has {ys.size}")
    return xs, ys


def _draw_series(ax, series, x, colours, markers):
    for label, s in series.items():
        xs, ys = _series_xy(label, s, x)
        colour, ls = colours[label]
        ax.plot(xs, ys, color=colour, ls=ls, label=localized(label),
                marker="o" if markers else None, markersize=4)


@dataclass(frozen=True)
class LinesStyle:
    """How :func:`lines` draws: log x and y axes, a marker on every point, the figure size."""
    logx: bool = False
    logy: bool = False
    markers: bool = False
    figsize: tuple = (9, 4.5)


@styled
def lines(series, xlabel, ylabel, title, x=None, ax=None, **style):
    """Overlay of x → y series: dict label -> y (against ``x``, or 0, 1, ...) or -> (x, y).

    ``style``: the keywords of :class:`LinesStyle` (``logx``, ``logy``, ``markers``, ``figsize``),
    or ``style=LinesStyle(...)``.
    """
    opt = options(LinesStyle, "lines", style)
    series = as_mapping(series, "series", '{"sigmoid": y1, "relu": (x2, y2)}')
    fig, ax = target_axes(ax, opt.figsize)
    _draw_series(ax, series, x, {k: style_of(i) for i, k in enumerate(series)}, opt.markers)
    set_scale(ax, opt.logx, opt.logy)
    ax.set_xlabel(localized(xlabel))
    ax.set_ylabel(localized(ylabel))
    ax.set_title(localized(title))
    add_legend(ax, len(series), loc="best")
    return fig


@dataclass(frozen=True)
class GridStyle:
    """How :func:`grid_of_curves` draws: one y scale for all panels (``sharey``), log axes, the
    figure size (default: about 2.9 × 1.45 inches a panel)."""
    sharey: bool = True
    logx: bool = False
    logy: bool = False
    figsize: tuple = None


def _grid_legend(fig, labels, colours):
    """One figure legend naming every series label (when there is more than one)."""
    if len(labels) > 1:
        fig.legend(handles=[Line2D([], [], color=colours[k][0], ls=colours[k][1], lw=2, label=localized(k))
                            for k in labels], loc="outside upper right", ncols=min(len(labels), 4),
                   frameon=False)


@styled
def grid_of_curves(panels, xlabel, ylabel, title, x=None, ncols=4, **style):
    """Small multiples: one panel per entry of ``panels`` (dict panel_title -> series).

    Each panel's series is a dict label -> y (against ``x``, or 0, 1, ...) or
    -> (x, y), or one array. A series label keeps its colour in every panel
    and one figure legend names them, e.g. ``{"std=1": {"BN": acc1, "no BN":
    acc2}, "std=0.1": {...}, ...}`` for the batch-norm weight-scale grid.
    ``style``: the keywords of :class:`GridStyle` (``sharey``, ``logx``, ``logy``, ``figsize``),
    or ``style=GridStyle(...)``.
    """
    opt = options(GridStyle, "grid_of_curves", style)
    panels = as_mapping(panels, "panels", '{"std=1": {"BN": acc_bn, "no BN": acc}, ...}')
    panels = {k: (v if isinstance(v, Mapping) else {"": v}) for k, v in panels.items()}
    labels = list(dict.fromkeys(lab for s in panels.values() for lab in s))
    colours = {lab: style_of(i) for i, lab in enumerate(labels)}
    n = len(panels)
    ncols = max(1, min(int(ncols), n))
    nrows = -(-n // ncols)
    figsize = opt.figsize or (min(2.9 * ncols + 0.8, 12.8), min(1.45 * nrows + 1.2, 6.0))
    fig, axes = slide_figure(figsize, nrows, ncols, sharex=True, sharey=bool(opt.sharey))
    for ax, (ptitle, series) in zip(axes.flat, panels.items()):
        if not series:
            raise ValueError(f"panel {ptitle!r} has no series")
        _draw_series(ax, series, x, colours, markers=False)
        set_scale(ax, opt.logx, opt.logy)
        ax.set_title(localized(ptitle), fontsize=FONT_MIN + 1)
    for ax in axes.flat[n:]:
        ax.set_axis_off()
    _grid_legend(fig, labels, colours)
    fig.supxlabel(localized(xlabel))
    fig.supylabel(localized(ylabel))
    fig.suptitle(localized(title))
    return fig



@styled
def schedule_plot(steps, lrs, ax=None, title=N_("Learning-rate schedules"), logy=False, figsize=(9, 4.5)):
    """Learning rate against step for several schedules: dict name -> array (one per step) or function.

    A function is called with the array of steps (``course_lib.schedules``
    functions accept arrays) and must return one rate per step.
    """
    steps = as_vector(steps, "steps")
    lrs = as_mapping(lrs, "lrs", '{"cosine": schedules.get("cosine", lr0=0.1, total_steps=1000)}')
    fig, ax = target_axes(ax, figsize)
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
        colour, ls = style_of(i)
        ax.plot(steps, v, color=colour, ls=ls, label=localized(label))
    set_scale(ax, logy=logy)
    ax.set_xlabel(_("update step"))
    ax.set_ylabel(_("learning rate η"))
    ax.set_title(localized(title))
    add_legend(ax, len(lrs), loc="best")
    return fig


@styled
def early_stopping_curves(history, best_epoch, stop_epoch, loss_best_epoch=None, figsize=(12.0, 3.8)):
    """Early stopping in two panels against epochs: the validation loss (``history["val_loss"]``, one
    value per epoch from epoch 0) and the training and validation accuracy, each with vertical
    lines at ``best_epoch`` (the weights restored), ``stop_epoch`` (where training stopped) and,
    if given, ``loss_best_epoch`` (the lowest validation loss)."""
    if not isinstance(history, Mapping) or "val_loss" not in history or "val_acc" not in history:
        raise ValueError("history must come from an early-stopping run with 'val_loss' and 'val_acc' "
                         "(experiments.ch06_regularization.early_stopping_run)")
    loss = np.asarray(history["val_loss"], dtype=np.float64)
    if not 0 <= best_epoch <= stop_epoch < loss.size:
        raise ValueError(f"need 0 <= best_epoch <= stop_epoch < {loss.size} (epochs recorded), got "
                         f"best_epoch={best_epoch}, stop_epoch={stop_epoch}")
    fig, axes = slide_figure(figsize, 1, 2)
    ax_loss, ax_acc = axes[0]
    epochs = np.arange(loss.size)
    ax_loss.plot(epochs, loss, color=style_of(1)[0], label=_("validation loss"))
    for key, name, i in (("train_acc", _("training"), 0), ("val_acc", _("validation"), 1)):
        ax_acc.plot(epochs, np.asarray(history[key]), color=style_of(i)[0], ls=style_of(i)[1], label=name)
    marks = [(best_epoch, _("best validation accuracy (restored)"), "-"), (stop_epoch, _("stopped"), ":")]
    if loss_best_epoch is not None:
        marks.append((loss_best_epoch, _("lowest validation loss"), "--"))
    lines_ = []
    for ax in (ax_loss, ax_acc):
        lines_ = [ax.axvline(epoch, color="black", ls=ls, lw=1.2, label=_("{mark}: epoch {epoch}").format(mark=label, epoch=epoch))
                  for epoch, label, ls in marks]
        ax.set_xlabel(_("epoch"))
    ax_loss.set_ylabel(_("validation loss (cross-entropy)"))
    ax_loss.set_title(_("The validation loss"))
    ax_acc.set_ylabel(_("accuracy"))
    ax_acc.set_title(_("The accuracy early stopping watches"))
    ax_loss.legend(handles=ax_loss.lines[:1], loc="upper right")
    ax_acc.legend(handles=ax_acc.lines[:2], loc="lower right")
    fig.legend(handles=lines_, loc="outside lower center", ncol=len(lines_), frameon=False)
    return fig


# ------------------------------------------------------------ explorers

def plot_bn_runs(runs, std: float, lr: float):
    """Loss per step (left) and training accuracy per epoch (right) of bn_runs' histories."""
    labelled = {}
    for name, h in runs.items():
        step = h.get("diverged_at")
        name = localized(name)
        labelled[name if step is None else _("{name} (diverged at step {step})").format(name=name, step=step)] = h
    fig, (ax_loss, ax_acc) = subplots(1, 2, figsize=(10, 3.1))
    with np.errstate(invalid="ignore", over="ignore"):
        curves(labelled, key="loss", smooth=0.6, raw=False, logy=True, ax=ax_loss,
                     title=_("Training loss · std {std:.2g}, lr {lr:.2g}").format(std=std, lr=lr))
    curves(labelled, key="train_acc", x="epoch", ax=ax_acc, title=_("Training accuracy"))
    ax_acc.set_ylim(0, 1.02)
    ax_loss.set_ylim(1e-2, 1e2)
    return fig


@styled
def lr_range_plot(result, ax=None, title=N_("Learning-rate range test"), label=None, figsize=(9, 3.6)):
    """The learning-rate range test of ``search.lr_range_test``: the mini-batch loss (faint)
    and its centred mean against η on a log axis, with the η of the lowest smoothed loss
    and the suggested η (a tenth of it) marked. y is capped at 1.3 × the starting loss, so the
    final blow-up does not squash the part that matters."""
    if not isinstance(result, Mapping) or not {"lr", "loss", "smoothed", "lr_at_min", "suggested"} <= set(result):
        raise TypeError("result must be the dict of search.lr_range_test (lr, loss, smoothed, lr_at_min, suggested)")
    fig, ax = target_axes(ax, figsize)
    lr, loss, smooth = (as_vector(result[k], k) for k in ("lr", "loss", "smoothed"))
    colour = style_of(0)[0]
    name = f"{localized(label)}: " if label else ""
    ax.plot(lr, loss, color=colour, alpha=0.3, lw=1, label=name + _("mini-batch loss"))
    ax.plot(lr, smooth, color=colour, lw=2, label=name + _("smoothed (centred mean)"))
    ax.axvline(result["lr_at_min"], color=style_of(1)[0], ls="--",
               label=_("lowest smoothed loss, η = {lr:.3g}").format(lr=result["lr_at_min"]))
    ax.axvline(result["suggested"], color=style_of(2)[0], ls=":", lw=2,
               label=_("suggested η = {lr:.3g} (a tenth)").format(lr=result["suggested"]))
    set_scale(ax, logx=True)
    # the divergence at the end would squash the interesting part: cap y a little above the start
    ax.set_ylim(float(smooth.min()) * 0.8, 1.3 * max(float(smooth[0]), float(loss[0])))
    ax.set_xlabel(_("learning rate η (grows every step)"))
    ax.set_ylabel(_("training loss (mini-batch)"))
    ax.set_title(localized(title))
    ax.legend(loc="lower left", fontsize=FONT_MIN)
    return fig
