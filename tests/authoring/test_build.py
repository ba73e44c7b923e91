"""The rendered edition: ``python -m course_lib.authoring.build`` for chapter 00 into a temporary folder."""
import html
import os
import re
import shutil
import subprocess
import sys
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

from course_lib import exercises
from course_lib.authoring import build
from notebook_run import NOTEBOOKS, ROOT

CHAPTER = "00_start_here"
NOT_DONE = exercises._framework._NOT_DONE.split(":")[0]               # "Not done yet"
STDERR = 'data-mime-type="application/vnd.jupyter.stderr"'   # how nbconvert shows an error
PNG = re.compile(r'<img [^>]*src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
# every address a page loads: scripts, pictures, style sheets, CSS url(...) and JS import(...)
ADDRESS = re.compile(r'<(?:script|img|link|source|iframe)\s[^>]*?(?:src|href)="([^"]*)"'
                     r'|url\(["\']?([^"\')]+)|import\(["\']([^"\']+)')
PAGES = [f"{CHAPTER}.html", f"solutions/{CHAPTER}.html", f"slides/{CHAPTER}.slides.html"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "course_lib.authoring.build", "--chapter", "00",
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"{CHAPTER}: executed and rendered" in done.stdout
    return out


def _read(path):
    return path.read_text(encoding="utf-8")


def _explorer_picture(page: str) -> str:
    """The base64 PNG the page shows where the notebook has its explorer (the only figure of
    chapter 00), after checking the page carries no live widget that could not move."""
    assert "application/vnd.jupyter.widget" not in page, "a widget view or state was left in"
    pictures = PNG.findall(page)
    assert len(pictures) == 1, f"{len(pictures)} pictures; chapter 00 has one figure, its explorer's"
    return pictures[0]


def test_the_files_and_the_index(site):
    expected = {*PAGES, "index.html", "glossary.html", build.MARKER}
    assert {str(p.relative_to(site)) for p in site.rglob("*")
            if p.is_file() and p.parts[len(site.parts)] != "static"} == expected
    index = _read(site / "index.html")
    for target in expected - {"index.html", build.MARKER}:
        assert f'href="{target}"' in index
    assert "Start here — 시작하기" in index
    assert "<table>" in _read(site / "glossary.html")


def test_instructor_page_has_the_outputs(site):
    page = _read(site / "solutions" / f"{CHAPTER}.html")
    text = html.unescape(page)
    # printed results of the run (the self-check and the plain-function cell)
    assert "{'x_train': (8000, 784), 't_train': (8000,)" in text
    assert "outputs: [0.0474 0.5    0.9933]" in text
    # the explorer's first figure, as a picture
    assert len(_explorer_picture(page)) > 5000
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
    assert _explorer_picture(deck) == _explorer_picture(_read(site / "solutions" / f"{CHAPTER}.html"))


def test_pages_load_nothing_from_the_internet(site):
    """Every script, style sheet, font and picture of a page is a file of the site (the browser
    test opens them offline and checks that the formulas and the slides work)."""
    for name in PAGES:
        page = site / name
        text = _read(page)
        for groups in ADDRESS.findall(text):
            address = html.unescape(next(a for a in groups if a))
            parts = urlsplit(address)
            if parts.scheme in ("data", "about", "mailto") or address.startswith("#"):
                continue
            if parts.scheme or parts.netloc:
                # nbconvert's lab template keeps the address of mermaid, which it imports only
                # where a page has a mermaid diagram; the chapters have none
                assert "mermaid" in address and "slides" not in name, f"{name} loads {address}"
                assert "class=\"jp-Mermaid" not in text
                continue
            assert (page.parent / unquote(parts.path)).is_file(), f"{name}: {address} is missing"
        assert "MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe,local/course" in text
    local = site / "static" / "mathjax" / "config" / "local" / "course.js"
    assert "STIX-Web" in _read(local)        # the only fonts this MathJax has


def test_assets_are_copied_once_and_replaced_when_they_change(tmp_path, monkeypatch):
    static = build.copy_assets(tmp_path)
    marker = static / "mathjax" / "MathJax.js"
    marker.write_text("a file a rebuild would have replaced")
    assert build.copy_assets(tmp_path) == static and marker.read_text().startswith("a file")
    assets = tmp_path / "assets"
    shutil.copytree(build.ASSETS, assets)
    (assets / "require.js").write_text("// a newer require.js\n")
    monkeypatch.setattr(build, "ASSETS", assets)
    build.copy_assets(tmp_path)                              # the stamp differs: copied afresh
    assert (static / "require.js").read_text() == "// a newer require.js\n"
    assert not marker.read_text().startswith("a file")
    assert not (tmp_path / ".static.partial").exists()


def test_a_folder_of_ones_own_is_refused_and_left_as_it_was(tmp_path):
    mine = tmp_path / "mine"
    (mine / "static").mkdir(parents=True)
    (mine / "static" / "logo.png").write_bytes(b"my picture")
    (mine / "notes.txt").write_text("my notes")
    before = sorted(str(p.relative_to(mine)) for p in mine.rglob("*"))
    with pytest.raises(build.OutputFolderError, match="--force") as info:
        build.claim(mine)
    assert str(mine) in str(info.value) and "not empty" in str(info.value)
    done = subprocess.run([sys.executable, "-m", "course_lib.authoring.build", "--chapter", "00",
                           "--out", str(mine)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--force" in done.stderr and "Traceback" not in done.stderr
    assert sorted(str(p.relative_to(mine)) for p in mine.rglob("*")) == before
    assert (mine / "static" / "logo.png").read_bytes() == b"my picture"


def test_new_empty_and_previous_build_folders_are_accepted(tmp_path):
    assert build.claim(tmp_path / "new") == tmp_path / "new"
    assert (tmp_path / "new" / build.MARKER).is_file()
    (tmp_path / "new" / "index.html").write_text("a page of the build")
    build.claim(tmp_path / "new")                               # marked: a previous build
    (tmp_path / "empty").mkdir()
    build.claim(tmp_path / "empty")
    with pytest.raises(build.OutputFolderError, match="is a file"):
        build.claim(tmp_path / "new" / "index.html")


def test_force_writes_into_a_folder_but_deletes_nothing_of_its_own(tmp_path):
    mine = tmp_path / "mine"
    (mine / "static").mkdir(parents=True)
    (mine / "static" / "logo.png").write_bytes(b"my picture")
    build.claim(mine, force=True)
    static = build.copy_assets(mine)
    assert (static / "logo.png").read_bytes() == b"my picture"
    assert (static / "require.js").is_file() and (mine / build.MARKER).is_file()


def test_assets_are_replaced_file_by_file_without_a_missing_moment(tmp_path, monkeypatch):
    static = build.copy_assets(tmp_path)
    first = sorted(p.relative_to(static) for p in static.rglob("*") if p.is_file())
    (static / "mine.css").write_text("a file of one's own")
    assets = tmp_path / "assets"
    shutil.copytree(build.ASSETS, assets)
    (assets / "require.js").write_text("// a newer require.js\n")
    (assets / "jquery.min.js").unlink()                      # an asset the new set drops
    monkeypatch.setattr(build, "ASSETS", assets)
    real_replace, seen = build.os.replace, []

    def replace(src, dst):
        # at every step static/ and every file it held are there (old or new version)
        missing = [str(rel) for rel in first if not (static / rel).is_file()
                   and rel.name != "jquery.min.js"]
        seen.append(missing)
        return real_replace(src, dst)

    monkeypatch.setattr(build.os, "replace", replace)
    build.copy_assets(tmp_path)
    assert len(seen) > 100 and not any(seen)
    assert (static / "require.js").read_text() == "// a newer require.js\n"
    assert not (static / "jquery.min.js").exists()           # the build's own, listed: removed
    assert (static / "mine.css").read_text() == "a file of one's own"
    assert not list(static.rglob("*.partial"))


def test_assets_and_marker_get_ordinary_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        build.claim(tmp_path / "site")
        static = build.copy_assets(tmp_path / "site")
    finally:
        os.umask(old)
    modes = {p.stat().st_mode & 0o777 for p in [*static.rglob("*"), tmp_path / "site" / build.MARKER]
             if p.is_file()}
    assert modes == {0o644}


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
    done = subprocess.run([sys.executable, "-m", "course_lib.authoring.build", "--chapter", "99"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "no chapter '99'" in done.stderr


def test_widgets_leave_their_picture_or_nothing():
    nb = nbformat.v4.new_notebook(metadata={"widgets": {"state": {}}})
    view = {"model_id": "1", "version_major": 2, "version_minor": 0}
    explorer = nbformat.v4.new_output("display_data", data={
        build.WIDGET_VIEW: view, "image/png": "iVBORw0K", "text/plain": "Explorer: neuron"})
    bar = nbformat.v4.new_output("display_data", data={build.WIDGET_VIEW: view,
                                                       "text/plain": "  5%|▌ | 1/20"})
    printed = nbformat.v4.new_output("stream", text="accuracy 0.91\n")
    nb.cells.append(nbformat.v4.new_code_cell("...", outputs=[explorer, bar, printed]))
    nb.cells.append(nbformat.v4.new_markdown_cell("text"))
    outputs = build.without_widget_views(nb).cells[0].outputs
    assert [o.output_type for o in outputs] == ["display_data", "stream"]
    assert outputs[0].data == {"image/png": "iVBORw0K", "text/plain": "Explorer: neuron"}
    assert "widgets" not in nb.metadata


def test_every_page_links_the_index_and_the_neighbouring_chapters(site):
    stems = [p.stem for p in build.chapters()]
    after = stems[stems.index(CHAPTER) + 1]
    for name, index, nxt in ((f"{CHAPTER}.html", "index.html", f"{after}.html"),
                             (f"solutions/{CHAPTER}.html", "../index.html", f"{after}.html"),
                             (f"slides/{CHAPTER}.slides.html", "../index.html", f"{after}.slides.html")):
        page = _read(site / name)
        nav = re.search(r'<nav class="course-nav".*?</nav>', page, re.S)
        assert nav, f"{name} has no chapter navigation"
        assert f'href="{index}"' in nav.group(0) and f'rel="next" href="{nxt}"' in nav.group(0)
        assert 'rel="prev"' not in nav.group(0)            # chapter 00 is the first
    assert '<nav class="course-nav" aria-label="Chapters"><a href="index.html">' in _read(site / "glossary.html")


def test_nav_links_previous_and_next_in_course_order():
    stems, titles = ["00_a", "01_b", "02_c"], {"00_a": "A", "01_b": "B & b", "02_c": "C"}
    nav = build.nav_html(stems, titles, "01_b", "../index.html")
    assert 'rel="prev" href="00_a.html">← A</a>' in nav and 'rel="next" href="02_c.html">C →' in nav
    assert 'href="../index.html"' in nav and "B &amp; b" not in nav
    last = build.nav_html(stems, titles, "02_c", "index.html", ".slides.html", fixed=True)
    assert 'rel="next"' not in last and 'href="01_b.slides.html"' in last and "position:fixed" in last
    page = build.with_nav("<html><body class='x'>text</body></html>", "<nav>N</nav>")
    assert page == "<html><body class='x'>\n<nav>N</nav>text<nav>N</nav>\n</body></html>"


def test_figures_get_their_alt_text_from_the_output_metadata():
    png = "iVBORw0KGgoAAAANSUhEUg"
    nb = nbformat.v4.new_notebook()
    figure = nbformat.v4.new_output("display_data", data={"image/png": png + "\n",
                                                         "text/plain": "<Figure>"},
                                    metadata={"image/png": {"alt": 'Loss "curve": 0.31 at the end'}})
    bare = nbformat.v4.new_output("display_data", data={"image/png": "QUJD"})
    nb.cells.append(nbformat.v4.new_code_cell("plot()", outputs=[figure, bare]))
    page = build.with_alt_text(build.page_html(nb), nb)
    tags = re.findall(r"<img [^>]*>", page)
    assert len(tags) == 2
    assert 'alt="Loss &quot;curve&quot;: 0.31 at the end"' in tags[0] and tags[0].count("alt=") == 1
    assert build.NO_ALT in tags[1]                            # no metadata: nbconvert's placeholder


def test_every_figure_of_the_built_chapter_has_a_text_alternative(site):
    for name in PAGES:
        tags = re.findall(r"<img [^>]*>", _read(site / name))
        assert tags, f"{name} shows no figure"
        for tag in tags:
            alt = re.search(r'\salt="([^"]*)"', tag)
            assert alt and alt.group(1).strip() and build.NO_ALT not in alt.group(1), \
                f"{name}: {tag[:200]}"
    page = html.unescape(_read(site / f"solutions/{CHAPTER}.html"))
    assert 'alt="Figure. A single neuron: output y against input x' in page
