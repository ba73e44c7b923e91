"""Korean figures find a Hangul font by themselves; English figures are unchanged."""
import io
import warnings

import matplotlib as mpl
import numpy as np
import pytest

from course_lib import i18n, plots
from course_lib.plots import _style

KOREAN_TITLE = "뉴런 하나: 기울기 소실과 가중치 초기화 (σ, −b/w, 0.25)"


@pytest.fixture
def korean(monkeypatch):
    i18n.set_language("ko")
    yield
    i18n.set_language("en")
    monkeypatch.setattr(i18n, "_chosen", None)


def _render_without_missing_glyphs(fig):
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"(?s).*Glyph .* missing from font")
        fig.savefig(io.BytesIO(), format="png")


def test_a_korean_title_renders_with_every_glyph(korean):
    if _style.hangul_font() is None:
        pytest.fail(_style.NO_HANGUL_FONT.format(fonts=_style.HANGUL_FONTS, cache=mpl.get_cachedir()))
    fig, ax = plots.subplots()
    ax.plot([0, 1], [0, 1], label="가중치 w")
    ax.set(title=KOREAN_TITLE, xlabel="입력 x", ylabel="출력 y")
    ax.legend()
    _render_without_missing_glyphs(fig)


def test_the_chapter_00_figure_is_korean_and_complete(korean):
    x = np.linspace(-6, 6, 41)
    fig = plots.plot_neuron(x, 1 / (1 + np.exp(-x)), 1.0, 0.0)
    ax = fig.axes[0]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("뉴런 하나", "입력 x", "출력 y")
    assert ax.get_legend().get_texts()[1].get_text() == "중간점 x = −b/w = 0.00"
    _render_without_missing_glyphs(fig)


def test_without_the_fallback_the_same_title_is_caught():
    """The guard above can fail: English style (no Hangul font) misses the glyphs."""
    fig, ax = plots.subplots()
    ax.set_title(KOREAN_TITLE)
    with pytest.raises(UserWarning, match="Glyph .* missing from font"):
        _render_without_missing_glyphs(fig)


def test_english_figures_keep_the_default_family():
    assert i18n.language() == "en" and _style.language_style() == {}
    fig, ax = plots.subplots()
    assert ax.set_title("x").get_fontfamily() == mpl.rcParamsDefault["font.family"]


def test_back_to_english_removes_the_hangul_font(korean):
    assert mpl.rcParams["font.family"][-1] == _style.hangul_font()
    i18n.set_language("en")
    assert mpl.rcParams["font.family"] == mpl.rcParamsDefault["font.family"]


def test_a_missing_hangul_font_names_the_package_to_install(korean, monkeypatch):
    monkeypatch.setattr(_style, "hangul_font", lambda: None)
    with pytest.warns(UserWarning, match=r"apt-get install fonts-nanum"):
        assert _style.language_style() == {}
