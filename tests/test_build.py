"""The rendered edition: ``python -m course_lib.build`` for chapter 00 into a temporary folder."""
import html
import json
import re
import subprocess
import sys

import nbformat
import pytest

from course_lib import build, exercises
from notebook_run import NOTEBOOKS, ROOT

CHAPTER = "00_start_here"
NOT_DONE = exercises._NOT_DONE.split(":")[0]               # "Not done yet"
STDERR = 'data-mime-type="application/vnd.jupyter.stderr"'   # how nbconvert shows an error
WIDGET_STATE = re.compile(r'<script type="application/vnd\.jupyter\.widget-state\+json">\s*'
                          r'(.*?)\s*</script>', re.S)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "course_lib.build", "--chapter", "00",
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"{CHAPTER}: executed and rendered" in done.stdout
    return out


def _read(path):
    return path.read_text(encoding="utf-8")


def _widget_outputs(page: str) -> list[dict]:
    """The outputs saved in the page's Output widgets (where the explorers draw their figures)."""
    match = WIDGET_STATE.search(page)
    assert match, "no saved widget state in the page"
    state = json.loads(match.group(1))["state"]
    return [output for model in state.values() if model["model_name"] == "OutputModel"
            for output in model["state"].get("outputs", [])]


def test_the_files_and_the_index(site):
    expected = {f"{CHAPTER}.html", f"solutions/{CHAPTER}.html", f"slides/{CHAPTER}.slides.html",
                "index.html", "glossary.html"}
    assert {str(p.relative_to(site)) for p in site.rglob("*") if p.is_file()} == expected
    index = _read(site / "index.html")
    for target in expected - {"index.html"}:
        assert f'href="{target}"' in index
    assert "Start here — 시작하기" in index
    assert "<table>" in _read(site / "glossary.html")


def test_instructor_page_has_the_outputs(site):
    page = _read(site / "solutions" / f"{CHAPTER}.html")
    text = html.unescape(page)
    # printed results of the run (the self-check and the plain-function cell)
    assert "{'x_train': (8000, 784), 't_train': (8000,)" in text
    assert "outputs: [0.0474 0.5    0.9933]" in text
    # the explorer's first figure, saved with the widget state
    figures = [o for o in _widget_outputs(page) if "image/png" in o.get("data", {})]
    assert figures and len(figures[0]["data"]["image/png"]) > 5000
    assert text.count("✔") >= 2 and NOT_DONE not in text     # both checks pass
    assert "Traceback" not in text and STDERR not in page
    assert "### BEGIN SOLUTION" in text     # the instructor version shows the solutions


def test_student_page_runs_with_empty_exercises(site):
    text = html.unescape(_read(site / f"{CHAPTER}.html"))
    assert "### BEGIN SOLUTION" not in text and "np.argmax(scores, axis=1)" not in text
    assert text.count(NOT_DONE) == 2                        # both checks say "not done yet"
    assert "Traceback" not in text and STDERR not in text   # and nothing broke
    assert "{'x_train': (8000, 784)" in text                 # the rest ran on


def test_deck_is_executed_and_sized_for_the_projector(site):
    deck = _read(site / "slides" / f"{CHAPTER}.slides.html")
    nb = nbformat.read(NOTEBOOKS / "solutions" / f"{CHAPTER}.ipynb", as_version=4)
    types = [c.metadata["slideshow"]["slide_type"] for c in nb.cells]
    assert deck.count("<section") == 2 * types.count("slide") + types.count("subslide")
    assert re.search(r"width:\s*1280,\s*height:\s*720", deck)
    assert "{'x_train': (8000, 784)" in html.unescape(deck)
    assert any("image/png" in o.get("data", {}) for o in _widget_outputs(deck))


def test_links_point_to_the_rendered_files(site):
    page = _read(site / "solutions" / f"{CHAPTER}.html")
    assert 'href="01_vanishing_gradients.html"' in page and 'href="glossary.html"' in page
    deck = _read(site / "slides" / f"{CHAPTER}.slides.html")
    assert 'href="01_vanishing_gradients.slides.html"' in deck
    for rendered in (page, deck):
        assert not re.search(r'href="\d\d_\w+\.ipynb', rendered)


def test_select_by_number_or_name_and_unknown_chapters():
    available = build.chapters()
    assert available[0].stem == CHAPTER
    assert build.select(available, ["00"]) == build.select(available, [CHAPTER]) == available[:1]
    assert build.select(available, None) == available
    with pytest.raises(ValueError, match=CHAPTER):
        build.select(available, ["99"])
    done = subprocess.run([sys.executable, "-m", "course_lib.build", "--chapter", "99"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "no chapter '99'" in done.stderr
