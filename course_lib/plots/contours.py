"""Optimizer paths on contour plots of a surface, and the quick explorer figures."""
from collections.abc import Mapping
from matplotlib.lines import Line2D
import functools

import numpy as np

from course_lib import optimizers, surfaces
from course_lib.i18n import gettext as _
from course_lib.plots._style import (FONT_MIN, MARKERS, PALETTE, STYLE, SlideFigure, slide_style, target_axes,
                                     slide_figure, as_mapping, style_of, styled, localized)


# ------------------------------------------------------------ paths on surfaces
def _check_surface(surface):
    if isinstance(surface, str):
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
        colour, ls = style_of(i)
        ax.plot(q[:, 0], q[:, 1], color=colour, ls=ls, lw=1.8,
                marker=MARKERS[i % len(MARKERS)] if markers else None, markersize=4,
                markevery=max(1, len(q) // 40),
                label=_("{label} (leaves the plot)").format(label=localized(label)) if left else localized(label))
    minima = getattr(surface, "minima", None) or ([surface.minimum] if getattr(surface, "minimum", None)
                                                  is not None else [])
    if len(minima):
        m = np.asarray(minima, dtype=np.float64).reshape(-1, 2)
        ax.plot(m[:, 0], m[:, 1], marker="*", markersize=16, color="black",
                markeredgecolor="white", ls="none", label=_("minimum") if len(m) == 1 else _("minima"), zorder=5)
    ax.set_xlim(*surface.xlim)
    ax.set_ylim(*surface.ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.grid(False)


def _surface_title(surface):
    formula = getattr(surface, "formula", "")
    name = getattr(surface, "name", None)
    name = _("surface") if name is None else name
    if not formula:
        return name
    return f"{name}: {formula}" if "=" in formula else f"{name}: f(x, y) = {formula}"


@styled
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
    fig, ax = target_axes(ax, figsize)
    _draw_paths(ax, surface, paths, levels, markers, resolution)
    ax.set_title(localized(title) if title else _surface_title(surface))
    n = len(paths) + (getattr(surface, "minimum", None) is not None)
    if n > 6:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    elif paths:
        ax.legend(loc="best")
    return fig


@styled
def paths_grid(surface, paths, ncols=2, title=None, levels="log", markers=True, figsize=None):
    """Small multiples: each path alone on the surface's contour, panel titled by its label.

    (The 2×2 SGD / Momentum / AdaGrad / Adam figure of *Deep Learning from
    Scratch*.) Arguments as :func:`paths_on_contour`.
    """
    surface = _check_surface(surface)
    paths = _as_paths(as_mapping(paths, "paths", '{"SGD": path_sgd, "Adam": path_adam}'))
    n = len(paths)
    ncols = max(1, min(int(ncols), n))
    nrows = -(-n // ncols)
    if figsize is None:
        figsize = (min(4.8 * ncols + 0.5, 12.8), min(2.8 * nrows + 0.8, 6.0))
    fig, axes = slide_figure(figsize, nrows, ncols)
    for i, (ax, (label, p)) in enumerate(zip(axes.flat, paths.items())):
        _draw_paths(ax, surface, {label: p}, levels, markers, 200)
        line = ax.lines[-2] if getattr(surface, "minimum", None) is not None else ax.lines[-1]
        colour, ls = style_of(i)
        line.set_color(colour)
        line.set_linestyle(ls)
        ax.set_title(line.get_label())
    for ax in axes.flat[n:]:
        ax.set_axis_off()
    if getattr(surface, "minimum", None) is not None:
        fig.legend(handles=[Line2D([], [], marker="*", markersize=14, color="black", ls="none",
                                   label=_("minimum"))], loc="outside upper right", frameon=False)
    fig.suptitle(localized(title) if title else _surface_title(surface))
    return fig



# ------------------------------------------------------------ explorers

@functools.lru_cache(maxsize=16)
def contour_grid(surface: str, n: int = 120):
    """(X, Y, Z, line levels, fill levels) of a surface's contour plot, computed once per surface."""
    X, Y, Z = surfaces.get(surface).grid(n)
    levels = np.unique(contour_levels(Z, 18, "log"))
    fill = np.unique(np.concatenate([[Z.min()], levels, [Z.max()]]))
    for a in (X, Y, Z, levels, fill):
        a.setflags(write=False)
    return X, Y, Z, levels, fill


@functools.lru_cache(maxsize=1)
def _fast_figure_class():
    """SlideFigure shown as a PNG of the whole canvas (no tight bounding box: one pass)."""
    import io


    class FastFigure(SlideFigure):
        def _repr_png_(self):
            buf = io.BytesIO()
            self.savefig(buf, format="png")
            return buf.getvalue()

    return FastFigure


def _fast_figure(figsize, rect):
    """A slide-styled figure with one axes at a fixed place: no layout engine and no tight
    bounding box, so showing it takes one rendering pass (explorers that must be quick)."""
    with slide_style():
        fig = _fast_figure_class()(figsize=figsize, dpi=STYLE["figure.dpi"])
        ax = fig.add_axes(rect)
        ax.tick_params(labelsize=FONT_MIN)
    return fig, ax


def plot_playground(surface, paths: dict, steps: int | None = None, figsize=(10.0, 3.6)):
    """The paths over the (cached) contour plot of ``surface``, the start as a dot, the
    minima as stars. The legend gives each path's final distance d to the nearest minimum,
    or the step at which it diverged (when ``steps`` is given and the path is shorter)."""
    s = surfaces.get(surface)
    X, Y, Z, levels, fill = contour_grid(s.name)
    fig, ax = _fast_figure(figsize, [0.075, 0.14, 0.6, 0.76])
    w, h = np.ptp(s.xlim), np.ptp(s.ylim)
    with slide_style():
        ax.contourf(X, Y, Z, levels=fill, cmap="Greys", alpha=0.35)
        ax.contour(X, Y, Z, levels=levels, colors="0.55", linewidths=0.6, linestyles="solid")
        order = optimizers.names()
        for i, (name, p) in enumerate(paths.items()):
            k = order.index(name) if name in order else i          # a method keeps its colour
            q = np.column_stack([np.clip(p[:, 0], s.xlim[0] - w, s.xlim[1] + w),
                                 np.clip(p[:, 1], s.ylim[0] - h, s.ylim[1] + h)])
            if steps is not None and len(p) < steps + 1:
                label = _("{name}: diverged at step {step}").format(name=name, step=len(p))
            else:
                label = f"{name}: d = {surfaces.distance_to_minimum(p[-1:], s)[0]:.3g}"
            ax.plot(q[:, 0], q[:, 1], color=PALETTE[k % len(PALETTE)], lw=1.6,
                    marker=MARKERS[k % len(MARKERS)], markersize=3.5,
                    markevery=max(1, len(q) // 25), label=label)
        m = np.asarray(s.minima, dtype=np.float64)
        ax.plot(m[:, 0], m[:, 1], "*", color="black", markeredgecolor="white", markersize=15,
                label=_("minimum"), zorder=5)
        if paths:
            x0, y0 = next(iter(paths.values()))[0]
            ax.plot([x0], [y0], "o", color="black", markersize=6, label=_("start"), zorder=5)
        ax.set(xlim=s.xlim, ylim=s.ylim, xlabel="x", ylabel="y")
        ax.set_title(f"{s.name}:  {s.formula}", fontsize=12)
        ax.grid(False)
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0,
                  title=_("final distance d to the minimum"))
    return fig


def plot_effective_steps(curves: dict, surface: str, figsize=(10.0, 3.0), order=()):
    """Effective step sizes on a log scale: one colour per method, x solid, y dashed.

    ``order``: the full list of methods the caller may show, so a method keeps its colour when
    others are hidden (a method not in it takes the colour of its position in ``curves``)."""
    fig, ax = _fast_figure(figsize, [0.08, 0.15, 0.6, 0.75])
    with slide_style():
        for i, (name, (k, eff)) in enumerate(curves.items()):
            colour = PALETTE[order.index(name) if name in order else i]
            ax.plot(k, eff[:, 0], color=colour, ls="-", label=f"{name}, x")
            ax.plot(k, eff[:, 1], color=colour, ls="--", label=f"{name}, y")
        ax.set_yscale("log")
        ax.set(xlabel=_("step k"), ylabel=_("effective η per coordinate"),
               title=_("η / (√h + ε) along the path on {surface} (x solid, y dashed)").format(surface=surface))
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    return fig
