"""Text alternatives for figures: what a figure plots and its key numbers, in one short text.

Every figure the course shows carries one in its output metadata
(``metadata["image/png"]["alt"]``), where a screen reader, the rendered edition's ``<img alt>``
and a text-only reader find it:

- a helper may set its own with :func:`set_alt`; otherwise :func:`describe` writes one from the
  figure itself: its titles, axis labels, and for each labelled line its last point, for bars
  their range, for scatter points their count, for images their value range;
- :class:`~course_lib.plots.SlideFigure` puts it in its display metadata (``_repr_mimebundle_``);
- figures shown by matplotlib's inline backend (pyplot) get it from :func:`install_formatter`,
  which wraps IPython's PNG formatter for every Figure (run on import of ``course_lib.plots``
  inside IPython, and again before and after each cell, as the inline backend may register its
  own later).
"""
from __future__ import annotations

import math
import sys

import numpy as np

from course_lib.i18n import gettext as _

MAX_CHARS = 400
MAX_SERIES = 4


def set_alt(fig, text: str):
    """Give fig the text alternative ``text`` (what it plots and its key number); returns fig."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"text must be a non-empty string saying what the figure shows, got {text!r}")
    fig._course_alt = " ".join(text.split())
    return fig


def alt_text(fig) -> str:
    """fig's text alternative: the one set with :func:`set_alt`, else :func:`describe`."""
    return getattr(fig, "_course_alt", None) or describe(fig)


def _num(v) -> str:
    v = float(v) + 0.0                  # -0.0 -> 0.0
    return f"{v:.3g}" if math.isfinite(v) else str(v)


def _lines(ax) -> list[str]:
    parts, shown = [], 0
    labelled = [ln for ln in ax.get_lines()
                if not str(ln.get_label()).startswith("_") and np.size(ln.get_xdata()) > 1]
    for line in labelled[:MAX_SERIES]:
        x = np.asarray(line.get_xdata(), dtype=float)
        y = np.asarray(line.get_ydata(), dtype=float)
        ok = np.isfinite(x) & np.isfinite(y)
        if not ok.any():
            continue
        x, y = x[ok], y[ok]
        if np.all(x == x[0]) and x.size == 2:          # axvline: a marked x
            parts.append(_("{label} (a vertical line at x = {x})").format(label=line.get_label(), x=_num(x[0])))
        elif np.all(y == y[0]) and y.size == 2:        # axhline: a marked y
            parts.append(_("{label} (a horizontal line at y = {y})").format(label=line.get_label(), y=_num(y[0])))
        else:
            parts.append(_("{label} ends at ({x}, {y})").format(label=line.get_label(), x=_num(x[-1]),
                                                                y=_num(y[-1])))
        shown += 1
    if len(labelled) > shown:
        parts.append(_("{n} more lines").format(n=len(labelled) - shown))
    return parts


def _bars(ax) -> list[str]:
    from matplotlib.container import BarContainer
    parts = []
    for bars in [c for c in ax.containers if isinstance(c, BarContainer)][:MAX_SERIES]:
        h = np.array([p.get_height() if p.get_height() == p.get_height() else np.nan for p in bars])
        w = np.array([p.get_width() for p in bars])
        values = h if bars.orientation == "vertical" else w
        values = values[np.isfinite(values)]
        if values.size:
            name = bars.get_label()
            name = "" if not name or name.startswith("_") else f"{name}: "
            parts.append(name + _("{n} bars from {low} to {high}").format(n=values.size, low=_num(values.min()),
                                                                           high=_num(values.max())))
    return parts


def _others(ax) -> list[str]:
    from matplotlib.collections import PathCollection
    parts = []
    for coll in ax.collections:
        if isinstance(coll, PathCollection) and len(coll.get_offsets()):
            values = coll.get_array()
            points = _("{n} points").format(n=len(coll.get_offsets()))
            if values is not None and np.size(values):
                points = _("{points}, coloured {low} to {high}").format(
                    points=points, low=_num(np.nanmin(values)), high=_num(np.nanmax(values)))
            label = coll.get_label()
            name = "" if not label or label.startswith("_") else f"{label}: "
            parts.append(name + points)
    for image in ax.images:
        a = np.asarray(image.get_array(), dtype=float)
        if a.size and np.isfinite(a).any():
            parts.append(_("a map of values {low} to {high}").format(low=_num(np.nanmin(a)), high=_num(np.nanmax(a))))
    return parts[:MAX_SERIES]


def describe(fig) -> str:
    """A short description written from the figure: its title, then for each panel its title,
    axes and data (lines' last points, bars' range, points' count, images' value range)."""
    suptitle = getattr(fig, "_suptitle", None)
    head = suptitle.get_text().strip() if suptitle is not None else ""
    panels = []
    axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>" and ax.get_visible()]
    for ax in axes:
        bits = []
        title = ax.get_title().strip()
        if title and title != head:
            bits.append(title)
        x, y = ax.get_xlabel().strip(), ax.get_ylabel().strip()
        if x or y:
            bits.append(_("{y} against {x}").format(y=y or "y", x=x or "x"))
        data = _lines(ax) + _bars(ax) + _others(ax)
        if data:
            bits.append("; ".join(data))
        if bits:
            panels.append(": ".join(bits[:2]) + (" — " + bits[2] if len(bits) > 2 else ""))
    kind = _("Figure with {n} panels").format(n=len(axes)) if len(axes) > 1 else _("Figure")
    text = f"{kind}: {head}. " if head else f"{kind}. "
    text += " | ".join(panels)
    text = " ".join(text.split()).rstrip(". |") + "."
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS - 1].rstrip() + "…"


def metadata(fig) -> dict:
    """The display metadata that carries fig's text alternative."""
    return {"image/png": {"alt": alt_text(fig)}}


# ---------------------------------------------------------------- IPython (inline backend)

def _png(fig) -> bytes:
    if hasattr(fig, "_repr_png_"):
        return fig._repr_png_()
    import io
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


def _wrap(printer):
    def png_with_alt(fig):
        data = printer(fig) if printer is not None else _png(fig)
        if isinstance(data, tuple):
            data = data[0]
        return None if data is None else (data, {"alt": alt_text(fig)})
    png_with_alt._course_alt_wrapper = True
    return png_with_alt


def install_formatter(ip=None) -> bool:
    """Make IPython's PNG formatter for matplotlib Figures add the text alternative (in
    place of, and calling, the printer the inline backend registered). True if installed."""
    if ip is None:
        ipython = sys.modules.get("IPython")
        ip = ipython.get_ipython() if ipython is not None else None
    if ip is None:
        return False
    from matplotlib.figure import Figure
    png = ip.display_formatter.formatters["image/png"]
    try:
        current = png.lookup_by_type(Figure)
    except KeyError:
        current = None
    if not getattr(current, "_course_alt_wrapper", False):
        png.for_type(Figure, _wrap(current))
    if not getattr(ip, "_course_alt_hook", False):
        # the inline backend registers its printer when pyplot is first used, maybe in the middle
        # of a cell, and shows the cell's figures in a post_execute callback: wrap again before
        # each cell and after it (this callback, registered first, runs before that one)
        ip.events.register("pre_execute", lambda: install_formatter(ip))
        ip.events.register("post_execute", lambda: install_formatter(ip))
        ip._course_alt_hook = True
    return True
