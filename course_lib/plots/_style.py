"""The slide style shared by every figure helper: palette, fonts, sizes, SlideFigure."""
import contextlib
import dataclasses
import functools
import io
import warnings
from collections.abc import Mapping

import numpy as np
import matplotlib as mpl
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_lib._names import close_matches
from course_lib.i18n import N_, gettext as _, language, on_change

#: Colour-blind-safe palette: Okabe & Ito's blue, vermillion, green, a darkened
#: orange, reddish purple, then Tol's indigo, black, Tol's wine and a dark grey.
#: Every colour has a contrast of at least 3:1 against the white figure
#: background (WCAG's minimum for graphics): Okabe-Ito's orange (2.2:1), sky
#: blue (2.3:1) and yellow and the light grey #999999 (2.9:1) are too faint
#: for lines. Series beyond 9 reuse the colours with another line style.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#A66E00", "#CC79A7",
           "#332288", "#000000", "#882255", "#767676")
LINESTYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">")
#: The largest default figure, in inches at 100 dpi (a 1280×720 slide minus its title).
MAX_FIGSIZE = (12.8, 6.0)
FIGSIZE = (7.0, 3.6)   # inches; fits a 1280×720 slide at the inline backend's dpi
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


#: Fonts with Hangul, tried in order: the Nanum fonts (Debian/Ubuntu: apt-get install fonts-nanum),
#: then those of other systems. Korean figures use the first one found as a fallback after the
#: usual sans-serif font, so Latin letters, digits and symbols look the same in both editions.
HANGUL_FONTS = ("NanumGothic", "NanumBarunGothic", "NanumSquare", "Noto Sans CJK KR", "Noto Sans KR",
                "Source Han Sans KR", "Malgun Gothic", "AppleGothic", "UnDotum")
NO_HANGUL_FONT = N_("Korean figures need a font with Hangul, and matplotlib found none of {fonts}. "
                    "Install one: `sudo apt-get install fonts-nanum` (Debian/Ubuntu; on other systems install "
                    "a Nanum or Noto Sans KR font), then restart the kernel (if it is still not found, delete "
                    "matplotlib's font cache, {cache}). Until then Hangul shows as empty boxes.")


@functools.lru_cache(maxsize=None)
def _warn_no_hangul_font():
    warnings.warn(_(NO_HANGUL_FONT).format(fonts=", ".join(HANGUL_FONTS), cache=mpl.get_cachedir()),
                  UserWarning, stacklevel=4)


@functools.lru_cache(maxsize=None)
def hangul_font():
    """The first of :data:`HANGUL_FONTS` that matplotlib's font manager knows, or None."""
    from matplotlib import font_manager
    known = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in HANGUL_FONTS if name in known), None)


def language_style() -> dict:
    """rcParams the current language adds to STYLE: Korean appends a Hangul font to font.family
    (matplotlib falls back to it for glyphs the first font lacks); English adds nothing."""
    if language() != "ko":
        return {}
    font = hangul_font()
    if font is None:
        _warn_no_hangul_font()
        return {}
    family = [f for f in mpl.rcParams["font.family"] if f not in HANGUL_FONTS]
    return {"font.family": family + [font]}


def apply_language(lang=None) -> None:
    """Fit matplotlib's global font.family to the language, for figures made outside the helpers
    too: Korean appends the Hangul font, English removes it again (called on set_language)."""
    family = [f for f in mpl.rcParams["font.family"] if f not in HANGUL_FONTS]
    if (lang or language()) == "ko":
        family = language_style().get("font.family", family)
    if family != list(mpl.rcParams["font.family"]):
        mpl.rcParams["font.family"] = family


on_change(apply_language)
apply_language()          # COURSE_LANG=ko without a set_language call


@contextlib.contextmanager
def slide_style():
    """Apply :data:`STYLE` (fonts, palette, grid) and :func:`language_style` inside a ``with`` block."""
    with mpl.rc_context({**STYLE, **language_style()}):
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


def styled(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with slide_style():
            fig = func(*args, **kwargs)
            _finish(fig)
        return fig
    return wrapper


def fit_figsize(figsize):
    """The figure size (w, h) in inches, each capped at MAX_FIGSIZE so a figure fits its slide."""
    w, h = figsize
    return (min(float(w), MAX_FIGSIZE[0]), min(float(h), MAX_FIGSIZE[1]))


def slide_figure(figsize, nrows=1, ncols=1, **kwargs):
    """A new styled Figure (not managed by pyplot) with an (nrows, ncols) array of axes."""
    fig = SlideFigure(figsize=fit_figsize(figsize), dpi=STYLE["figure.dpi"], layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
    return fig, axes


def _root(ax):
    try:
        return ax.get_figure(root=True)
    except TypeError:                     # matplotlib < 3.10
        return ax.figure


def target_axes(ax, figsize):
    """(fig, ax): the given axes and its figure, or a new figure with one axes."""
    if ax is None:
        fig, axes = slide_figure(figsize)
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
        fig, axes = slide_figure(figsize, nrows, ncols, **kwargs)
        for a in axes.flat:
            a.tick_params(labelsize=FONT_MIN)
    return fig, (axes[0, 0] if axes.size == 1 else axes.squeeze())


def localized(text) -> str:
    """A label in the current language: ``_(text)``, so a caller's label whose translation is in the
    catalog (a series name the experiments mark with ``N_``, a default title) is shown translated
    and any other text unchanged; "" and matplotlib's hidden labels ("_child0") stay as they are."""
    text = str(text)
    return _(text) if text and not text.startswith("_") else text


def style_of(i):
    """(colour, line style) of the i-th series."""
    return PALETTE[i % len(PALETTE)], LINESTYLES[(i // len(PALETTE)) % len(LINESTYLES)]


def as_mapping(obj, what, example):
    if not isinstance(obj, Mapping):
        raise TypeError(f"{what} must be a dict label -> data, e.g. {example}; got {type(obj).__name__}")
    if len(obj) == 0:
        raise ValueError(f"{what} is empty: give at least one entry, e.g. {example}")
    return obj


def as_vector(a, name):
    try:
        v = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers, got {type(a).__name__}") from None
    if v.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {v.shape}")
    if v.size == 0:
        raise ValueError(f"{name} is empty")
    return v


def add_legend(ax, n_series, **kwargs):
    if n_series > 1:
        ax.legend(**kwargs)


def set_scale(ax, logx=False, logy=False):
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")


def options(cls, func, keywords):
    """The presentation options of helper ``func``: a ``cls`` (a frozen dataclass) built from the
    helper's keywords. ``keywords["style"]``, if given, is a ``cls`` to start from (so one set of
    options can serve several figures); the other keywords replace its fields. An unknown keyword
    is a TypeError naming the close matches and every keyword the helper takes."""
    keywords = dict(keywords)
    base = keywords.pop("style", None)
    fields = [f.name for f in dataclasses.fields(cls)]
    for key in keywords:
        if key not in fields:
            near = close_matches(key, fields)
            hint = f" Did you mean {', '.join(map(repr, near))}?" if near else ""
            raise TypeError(f"{func}() got an unexpected keyword {key!r}.{hint} Its presentation "
                            f"keywords are {', '.join(fields)} (or style={cls.__name__}(...))")
    if base is None:
        return cls(**keywords)
    if not isinstance(base, cls):
        raise TypeError(f"{func}(style=...) must be a plots.{cls.__name__}, got {type(base).__name__}")
    return dataclasses.replace(base, **keywords)
