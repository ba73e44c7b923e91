"""Decision boundaries, hyperparameter trials and search regions."""
from dataclasses import dataclass

import numpy as np
from matplotlib.colors import BoundaryNorm, ListedColormap, to_rgba

from course_lib.i18n import N_, gettext as _
from course_lib.plots.curves import train_test
from course_lib.plots._style import (FONT_MIN, MARKERS, PALETTE, subplots, target_axes, set_scale, styled, as_vector,
                                     localized, options)


# ------------------------------------------------------------ decision boundary
@dataclass(frozen=True)
class BoundaryStyle:
    """How :func:`decision_boundary` draws: the grid of ``resolution``² points over the data ±
    ``margin``, the legend's class names (default "class 0", "class 1", ...), the figure size."""
    resolution: int = 200
    margin: float = 0.5
    class_names: tuple = None
    figsize: tuple = (7, 5.5)


def _points_and_labels(predict, x, t):
    """x as an (N, 2) float array and t as N integer labels (from integers or one-hot), checked."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != 2 or x.shape[0] == 0:
        raise ValueError(f"x must be an (N, 2) array of 2-D points, got shape {x.shape}")
    t = np.asarray(t)
    if t.ndim == 2:
        t = t.argmax(axis=1)
    if t.shape != (x.shape[0],):
        raise ValueError(f"t must hold one label per point: x has {x.shape[0]} points, t has shape {t.shape}")
    if not callable(predict):
        raise TypeError("predict must be a function (m, 2) array -> m class integers, "
                        "e.g. lambda p: net.predict(p).argmax(axis=1)")
    return x, t.astype(int)


def _predicted_grid(predict, x, margin, resolution):
    """(GX, GY, Z): a resolution × resolution grid over the data ± margin and the class predicted there."""
    gx = np.linspace(x[:, 0].min() - margin, x[:, 0].max() + margin, int(resolution))
    gy = np.linspace(x[:, 1].min() - margin, x[:, 1].max() + margin, int(resolution))
    GX, GY = np.meshgrid(gx, gy)
    z = np.asarray(predict(np.column_stack([GX.ravel(), GY.ravel()]).astype(np.float32)))
    if z.ndim == 2:
        z = z.argmax(axis=1)
    if z.shape != (GX.size,):
        raise ValueError(f"predict returned shape {z.shape} for {GX.size} points; it must return one class "
                         "per point (or one row of scores per point)")
    return GX, GY, z.astype(int).reshape(GX.shape)


def _draw_regions(ax, GX, GY, Z, k):
    """The k class regions in light colours, their borders as grey lines."""
    light = ListedColormap([to_rgba(c, 0.25) for c in PALETTE[:k]])
    ax.pcolormesh(GX, GY, Z, cmap=light, norm=BoundaryNorm(np.arange(k + 1) - 0.5, k), shading="auto",
                  rasterized=True)
    ax.contour(GX, GY, Z, levels=np.arange(k) + 0.5, colors="0.3", linewidths=1)


def _draw_classes(ax, x, t, k, class_names):
    """The points of each class, in its colour and marker, labelled with its name."""
    for c in np.arange(k):
        pts = x[t == c]
        if len(pts):
            ax.scatter(pts[:, 0], pts[:, 1], s=18, color=PALETTE[c], marker=MARKERS[c],
                       edgecolors="white", linewidths=0.5, label=localized(class_names[c]))


@styled
def decision_boundary(predict, x, t, ax=None, title=N_("Decision boundary"), **style):
    """Regions of the plane by predicted class, with the data points on top.

    ``predict`` maps an (m, 2) array to m class integers (or to (m, k) scores,
    reduced by argmax); ``x`` is (N, 2), ``t`` N integer labels or one-hot.
    ``style``: the keywords of :class:`BoundaryStyle` -- ``resolution`` and ``margin`` (the grid
    covers the data ± ``margin`` with ``resolution``² points), ``class_names``, ``figsize`` -- or
    ``style=BoundaryStyle(...)``.
    """
    opt = options(BoundaryStyle, "decision_boundary", style)
    x, t = _points_and_labels(predict, x, t)
    GX, GY, Z = _predicted_grid(predict, x, opt.margin, opt.resolution)
    k = int(max(t.max(), Z.max())) + 1
    if k > len(PALETTE):
        raise ValueError(f"at most {len(PALETTE)} classes can be told apart, got {k}")
    class_names = opt.class_names if opt.class_names is not None else [_("class {c}").format(c=c) for c in np.arange(k)]
    fig, ax = target_axes(ax, opt.figsize)
    _draw_regions(ax, GX, GY, Z, k)
    _draw_classes(ax, x, t, k, class_names)
    ax.set_xlim(GX[0, 0], GX[0, -1])
    ax.set_ylim(GY[0, 0], GY[-1, 0])
    ax.grid(False)
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.set_title(localized(title))
    ax.legend(loc="best", markerscale=1.5)
    return fig


# ------------------------------------------------------------ hyperparameter search, schedules
@dataclass(frozen=True)
class TrialsStyle:
    """How :func:`scatter_trials` draws: log axes, the title (default "<clabel> of each trial"),
    a ring around the best trial, a fixed colour scale ``clim=(vmin, vmax)`` (so panels side by
    side share it; default: the range of c in this panel alone), the figure size."""
    logx: bool = True
    logy: bool = True
    title: str = None
    mark_best: bool = True
    clim: tuple = None
    figsize: tuple = (8, 5)


def _colour_limits(clim):
    """{} (the panel's own range) or {"vmin": ..., "vmax": ...} from ``clim``, checked."""
    if clim is None:
        return {}
    try:
        vmin, vmax = (float(v) for v in clim)
    except (TypeError, ValueError):
        raise ValueError(f"clim must be a pair (vmin, vmax) of numbers, got {clim!r}") from None
    if not vmin < vmax:
        raise ValueError(f"clim needs vmin < vmax, got {clim!r}")
    return {"vmin": vmin, "vmax": vmax}


def _trial_vectors(x, y, c, logx, logy):
    """x, y, c as float vectors of one value per trial; x, y positive where drawn on a log axis."""
    x, y, c = as_vector(x, "x"), as_vector(y, "y"), as_vector(c, "c")
    if not x.size == y.size == c.size:
        raise ValueError(f"x, y and c need one value per trial, got {x.size}, {y.size} and {c.size}")
    for name, v, log in (("x", x, logx), ("y", y, logy)):
        if log and np.any(v <= 0):
            raise ValueError(f"{name} has values <= 0, which a log axis cannot show; pass log{name}=False")
    return x, y, c


def _legend_below(fig, ax, n_series):
    """The legend below the x label, a fixed distance from the axes.

    Ticks, tick labels (with exponents) and the label take a fixed height in points (3.5 + 3.5 +
    ~17 + 4 + ~14) whatever the figure's height, where a fixed fraction of the axes height ran into
    the x label on figures under about 4 inches. The layout engine makes room. Not inside: a grid
    of trials has no free corner.
    """
    from matplotlib.transforms import ScaledTranslation
    below = ScaledTranslation(0, -42 / 72, fig.dpi_scale_trans)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0), bbox_transform=ax.transAxes + below,
              ncols=n_series, frameon=False, borderaxespad=0)


@styled
def scatter_trials(x, y, c, xlabel, ylabel, clabel, *, ax=None, **style):
    """Trials of a search as points (x, y) coloured by a score c, with a colour bar.

    NaN scores (diverged trials) are drawn as grey crosses.
    ``style``: the keywords of :class:`TrialsStyle` -- ``logx``, ``logy`` (default True),
    ``title``, ``mark_best`` (ring the trial with the largest c), ``clim=(vmin, vmax)`` (fixes the
    colour scale, so panels side by side share it; default: the range of c in this panel alone),
    ``figsize`` -- or ``style=TrialsStyle(...)``.
    """
    opt = options(TrialsStyle, "scatter_trials", style)
    limits = _colour_limits(opt.clim)
    x, y, c = _trial_vectors(x, y, c, opt.logx, opt.logy)
    fig, ax = target_axes(ax, opt.figsize)
    ok = np.isfinite(c)
    sc = ax.scatter(x[ok], y[ok], c=c[ok], cmap="viridis", s=40, edgecolors="0.2", linewidths=0.4, **limits)
    n_series = 0
    if (~ok).any():
        ax.scatter(x[~ok], y[~ok], marker="x", color="0.5", s=30, label=_("diverged (no score)"))
        n_series += 1
    if opt.mark_best and ok.any():
        b = np.flatnonzero(ok)[np.argmax(c[ok])]
        ax.scatter([x[b]], [y[b]], s=220, facecolors="none", edgecolors=PALETTE[1], linewidths=2.5,
                   label=_("best: {score_name} {score:.3g}").format(score_name=localized(clabel), score=c[b]))
        n_series += 1
    fig.colorbar(sc, ax=ax, label=localized(clabel))
    set_scale(ax, opt.logx, opt.logy)
    ax.set_xlabel(localized(xlabel))
    ax.set_ylabel(localized(ylabel))
    ax.set_title(localized(opt.title) if opt.title else
                 _("{score_name} of each trial").format(score_name=localized(clabel)))
    if n_series:
        _legend_below(fig, ax, n_series)
    return fig




# ------------------------------------------------------------ explorers

def plot_regularized_moons(result, label="", figsize=(10.0, 3.2)):
    """Left: train/test accuracy against updates; right: the decision boundary with the
    training points. Returns the Figure."""
    fig, (left, right) = subplots(1, 2, figsize=figsize)
    h, net = result["history"], result["net"]
    train_test(h, ax=left, x="step", title=_("Accuracy ({label})").format(label=localized(label)) if label
               else _("Accuracy"))
    left.set_ylim(0.4, 1.02)
    gap = h["train_acc"][-1] - h["test_acc"][-1]
    decision_boundary(lambda p: net.predict(p), result["x"], result["t"], ax=right,
                            resolution=120,
                      title=_("{n} training points · gap {gap:.3f}").format(n=len(result["t"]), gap=gap))
    return fig


def plot_search_region(trials, log_lr, log_wd, key="val_acc", max_curves=8, figsize=(11.0, 3.2)):
    """Left: every trial in the (lr, λ) plane (grey), those inside the region coloured by ``key``,
    the region as a rectangle. Right: the ``key`` curves of the best trials inside (at most
    ``max_curves``). ``log_lr``, ``log_wd``: the region in log10 units. Returns the Figure."""
    from matplotlib.patches import Rectangle

    from course_lib.experiments.ch07_hyperparameter_search import search_region
    from course_lib import search
    inside, best = search_region(trials, log_lr, log_wd, key)
    lr, wd, score = (search.column(trials, k) for k in ("lr", "weight_decay", key))
    fig, (left, right) = subplots(1, 2, figsize=figsize)
    left.scatter(lr, wd, s=14, color="0.75", label=_("all trials"))
    finite = score[np.isfinite(score)]
    vmin, vmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    sc = left.scatter(lr[inside], wd[inside], c=score[inside], cmap="viridis", vmin=vmin, vmax=vmax, s=40,
                      edgecolors="0.2", linewidths=0.4, label=_("inside the region"))
    fig.colorbar(sc, ax=left, label=localized(key.replace("_acc", " accuracy").replace("val", "validation")))
    left.add_patch(Rectangle((10 ** log_lr[0], 10 ** log_wd[0]), 10 ** log_lr[1] - 10 ** log_lr[0],
                             10 ** log_wd[1] - 10 ** log_wd[0], fill=False, ec=PALETTE[1], lw=2))
    left.set(xscale="log", yscale="log", xlabel=_("learning rate"), ylabel=_("weight decay λ"),
             title=_("{inside} of {total} trials inside").format(inside=len(inside), total=len(trials)))
    left.legend(loc="lower left", fontsize=FONT_MIN)
    shown = [i for i in inside if np.isfinite(score[i])][:max_curves]
    for rank, i in enumerate(shown):
        h = trials[i]["history"]
        colour, ls = PALETTE[rank % len(PALETTE)], "-" if rank < len(PALETTE) else "--"
        per_epoch = float(h["eval_step"][1] - h["eval_step"][0]) if len(h["eval_step"]) > 1 else 1.0
        right.plot(np.asarray(h["eval_step"]) / per_epoch, h[key], color=colour, ls=ls,
                   label=f"lr {trials[i]['lr']:.1e}, λ {trials[i]['weight_decay']:.0e}")
    right.set(xlabel=_("epoch"), ylabel=_("validation accuracy"), ylim=(0, 1),
              title=_("best inside: {score:.3f}").format(score=score[best]) if best is not None
              else _("no trial inside"))
    if shown:
        right.legend(loc="upper left", fontsize=FONT_MIN - 1 if len(shown) > 4 else FONT_MIN)
    return fig
