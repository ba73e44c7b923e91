"""Build the rendered edition of the course: every chapter executed, as HTML pages and slide decks.

    python -m course_lib.authoring.build                 # every chapter into _site/
    python -m course_lib.authoring.build --chapter 00 --chapter 03 --out /tmp/course

Layer 4 (it only orchestrates nbclient and nbconvert). For each chapter
``notebooks/solutions/NN_name.ipynb`` it writes, under the output folder:

- ``NN_name.html``                the student version, executed (exercises show "not done yet"
                                  and the ``NotImplementedError`` of their empty cells);
- ``solutions/NN_name.html``      the instructor version, executed;
- ``slides/NN_name.slides.html``  the instructor version as a reveal.js deck, executed
                                  (what ``jupyter nbconvert --to slides --execute`` gives);

and ``index.html`` linking them all, and ``glossary.html``. Links between chapters point to the
rendered pages. Notebooks run in this Python (``sys.executable``) with their own folder as the
working directory, like in JupyterLab.

The build writes only into a folder it owns: a new or empty one, or a previous build (marked by
its ``.course-edition`` file); it refuses any other non-empty folder unless given ``--force``,
and it never deletes a file it did not write.

The edition works offline: MathJax (from the ``jupyter-server-mathjax`` package), reveal.js,
require.js and jQuery (``course_lib/static``) are copied into ``static/`` and the pages load them
from there, not from nbconvert's CDNs. An explorer shows the picture of its first figure (its
``image/png`` fallback) instead of sliders that could not move without a kernel.
"""
from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import sys
import time
from pathlib import Path

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "_site"   # not build/: that is setuptools' (pip wheel .)
ASSETS = Path(__file__).resolve().parent / "static"          # reveal.js, require.js, jQuery
TEMPLATES = Path(__file__).resolve().parent / "templates"    # course_reveal: reveal, no mermaid
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
TIMEOUT = 600                       # seconds per cell
_CHAPTER_LINK = re.compile(r'href="((?:\.\./)?)(\d\d_[A-Za-z0-9_]+)\.ipynb(#[^"]*)?"')


def chapters(notebooks_dir: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The instructor notebooks ``solutions/NN_*.ipynb``, in chapter order."""
    return sorted((Path(notebooks_dir) / "solutions").glob("[0-9][0-9]_*.ipynb"))


def select(available: list[Path], wanted: list[str] | None) -> list[Path]:
    """The chapters named in wanted (by number '03' or name '03_weight_initialization');
    all if wanted is empty. An unknown name -> ValueError listing the chapters."""
    if not wanted:
        return list(available)
    chosen = []
    for name in wanted:
        name = Path(name).stem
        matches = [p for p in available if p.stem == name or p.stem[:2] == name]
        if not matches:
            raise ValueError(f"no chapter {name!r}; the chapters are: "
                             + ", ".join(p.stem for p in available))
        chosen += [p for p in matches if p not in chosen]
    return chosen


def kernel_manager():
    """A kernel of this Python (sys.executable), whatever kernelspecs are installed
    (the tests run notebooks with it too)."""
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import KernelManager

    class _ThisPython(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f",
                                    "{connection_file}"],
                              display_name="Python 3", language="python")

    return KernelManager(kernel_spec_manager=_ThisPython(), kernel_name="python3")


def execute(path: Path, timeout: int = TIMEOUT):
    """Run the notebook at path top to bottom and return it with its outputs and widget state.

    Cells tagged ``raises-exception`` may raise; any other error stops the build with
    nbclient's CellExecutionError naming the cell.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, km=kernel_manager(), timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(Path(path).parent)}})
    client.execute(env=dict(os.environ))
    return without_widget_views(nb)


def without_widget_views(nb):
    """Widgets as a page without a kernel can show them: an explorer keeps its picture
    (``image/png``) and loses its controls, which could not move there; any other widget (a
    progress bar, whose text is that of the moment it appeared) is left out."""
    for cell in nb.cells:
        if "outputs" in cell:
            cell.outputs = [o for o in cell.outputs
                            if WIDGET_VIEW not in o.get("data", {}) or "image/png" in o["data"]]
            for output in cell.outputs:
                output.get("data", {}).pop(WIDGET_VIEW, None)
    nb.metadata.pop("widgets", None)
    return nb


MARKER = ".course-edition"          # in the output folder: the build made it and may write there
MANIFEST = ".course-assets"         # in static/: the files the build put there, and their stamp


class OutputFolderError(ValueError):
    """The output folder holds files the build did not make (pass force=True / --force)."""


def claim(out: Path, force: bool = False) -> Path:
    """Make out the build's folder: new, empty, a previous build (it holds MARKER) or, with
    force, any folder (then pages with the edition's names are replaced; nothing else in it is
    touched). A non-empty folder that is not a build -> OutputFolderError. Returns out."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputFolderError(f"--out {out} is a file, not a folder; name a folder for the edition.")
    earlier = (out / "static" / ".stamp").is_file()     # a build by a version before MARKER
    if out.is_dir() and not (out / MARKER).is_file() and not earlier and any(out.iterdir()) \
            and not force:
        raise OutputFolderError(
            f"--out {out} is not empty and is not a rendered edition (it has no {MARKER} file), "
            "so the build will not write into it: its files are not the build's. Name a new or "
            "empty folder with --out, or pass --force to write the pages into this one (files "
            "with the edition's page names are replaced; nothing else is deleted).")
    out.mkdir(parents=True, exist_ok=True)
    if not (out / MARKER).is_file():
        _write(out / MARKER, "This folder is a rendered edition of the course, written by "
                             "`python -m course_lib.authoring.build`, which rewrites its pages.\n")
    return out


def _asset_files() -> dict[str, Path]:
    """Where each asset goes under static/ (relative path) -> the file it is copied from."""
    import jupyter_server_mathjax
    mathjax = Path(jupyter_server_mathjax.__file__).parent / "static"
    files = {str(f.relative_to(ASSETS)): f for f in sorted(ASSETS.rglob("*")) if f.is_file()}
    files["mathjax/config/local/course.js"] = files.pop("mathjax-local.js")
    files.update({f"mathjax/{f.relative_to(mathjax)}": f
                  for f in sorted(mathjax.rglob("*")) if f.is_file()})
    return files


def copy_assets(out: Path) -> Path:
    """Copy MathJax and the deck's scripts into ``out/static`` and return that folder.

    Once: MANIFEST lists what is there with each source's size, so an unchanged set is not
    copied again. Each file is replaced atomically (a temp file beside it, then os.replace), so
    static/ and every file in it exist throughout and a page never loads half a script; files of
    an earlier set that are no longer assets are removed only if MANIFEST lists them as the
    build's. Files of one's own in static/ are left alone."""
    static = Path(out) / "static"
    files = _asset_files()
    stamp = "".join(f"{rel} {src.stat().st_size}\n" for rel, src in files.items())
    manifest = static / MANIFEST
    old = manifest.read_text() if manifest.is_file() else ""
    if old == stamp:
        return static
    mode = _ordinary_mode()
    for rel, src in files.items():
        dest = static / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.partial")
        shutil.copyfile(src, tmp)
        os.chmod(tmp, mode)
        os.replace(tmp, dest)
    for line in old.splitlines():
        rel = line.rsplit(" ", 1)[0]
        if rel and rel not in files and ".." not in Path(rel).parts:
            (static / rel).unlink(missing_ok=True)
    _write(manifest, stamp)
    return static


def _ordinary_mode() -> int:
    from course_lib.authoring.student import ordinary_mode
    return ordinary_mode()


def _urls(static: str) -> dict:
    """Where the templates load their scripts from: the copies under ``static`` (a relative URL)."""
    mathjax = f"{static}/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe,local/course"
    return {"mathjax_url": mathjax, "require_js_url": f"{static}/require.js"}


def _relink(text: str, suffix: str) -> str:
    """Links to chapter notebooks (and to glossary.md) point to the rendered files instead."""
    text = _CHAPTER_LINK.sub(lambda m: f'href="{m.group(2)}{suffix}{m.group(3) or ""}"', text)
    return text.replace('href="glossary.md"', 'href="glossary.html"') \
               .replace('href="../glossary.md"', 'href="../glossary.html"')


def page_html(nb, static: str = "static") -> str:
    """The executed notebook as one HTML page (nbconvert's lab template), loading its scripts
    from the folder ``static`` (a URL relative to the page)."""
    from nbconvert import HTMLExporter
    body, _ = HTMLExporter(template_name="lab", **_urls(static)).from_notebook_node(nb)
    return body


def deck_html(nb, static: str = "static") -> str:
    """The executed notebook as a reveal.js deck sized by its ``rise`` metadata (1280x720),
    loading reveal.js, jQuery and MathJax from the folder ``static``."""
    from nbconvert import SlidesExporter
    rise = nb.metadata.get("rise", {})
    exporter = SlidesExporter(template_name="course_reveal",
                              extra_template_basedirs=[str(TEMPLATES)],
                              reveal_url_prefix=f"{static}/reveal.js",
                              jquery_url=f"{static}/jquery.min.js",
                              reveal_width=str(rise.get("width", 1280)),
                              reveal_height=str(rise.get("height", 720)),
                              reveal_scroll=False, **_urls(static))
    body, _ = exporter.from_notebook_node(nb)
    return body


# ---------------------------------------------------------------- text alternatives, navigation

_IMG = re.compile(r'<img\b[^>]*>')
_SRC = re.compile(r'src="data:image/png;base64,([^"]+)"')
_ALT = re.compile(r'\salt="[^"]*"')
_BODY = re.compile(r'<body\b[^>]*>')
NO_ALT = "No description has been provided for this image"    # nbconvert's placeholder


def figure_alts(nb) -> dict[str, str]:
    """The text alternative of every PNG figure of the notebook, by its base64 data: each
    output's ``metadata["image/png"]["alt"]`` (where course_lib's plots put it)."""
    alts = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            alt = output.get("metadata", {}).get("image/png", {}).get("alt")
            if png and alt:
                alts["".join(png.split())] = str(alt)
    return alts


def with_alt_text(page: str, nb) -> str:
    """The page with each figure's ``<img alt>`` set to its text alternative (nbconvert's lab
    template drops it and writes a placeholder)."""
    alts = figure_alts(nb)

    def fix(match):
        tag = match.group(0)
        src = _SRC.search(tag)
        alt = alts.get("".join(src.group(1).split())) if src else None
        if alt is None:
            return tag
        tag = _ALT.sub("", tag, count=1)
        return tag.replace("<img", f'<img alt="{html.escape(alt, quote=True)}"', 1)

    return _IMG.sub(fix, page)


def nav_html(stems: list[str], titles: dict[str, str], stem: str, index: str,
             suffix: str = ".html", fixed: bool = False) -> str:
    """Links to the index and to the previous and next chapters (URLs relative to the page:
    index is the index's URL, chapters are siblings named stem + suffix)."""
    i = stems.index(stem)
    links = [f'<a href="{index}">Index of chapters</a>']
    if i > 0:
        links.insert(0, f'<a rel="prev" href="{stems[i - 1]}{suffix}">← '
                        f'{html.escape(titles[stems[i - 1]])}</a>')
    if i + 1 < len(stems):
        links.append(f'<a rel="next" href="{stems[i + 1]}{suffix}">'
                     f'{html.escape(titles[stems[i + 1]])} →</a>')
    where = ("position:fixed;left:8px;bottom:6px;z-index:40;font-size:14px;"
             if fixed else "margin:0.6em 1em;")
    return (f'<nav class="course-nav" aria-label="Chapters" style="{where}font-family:sans-serif;'
            f'background:#ffffff;color:#1a1a1a;padding:2px 6px">'
            + " · ".join(links) + "</nav>")


def with_nav(page: str, nav: str, bottom: bool = True) -> str:
    """The page with nav right after <body> (and again before </body>)."""
    page = _BODY.sub(lambda m: m.group(0) + "\n" + nav, page, count=1)
    if bottom:
        head, sep, tail = page.rpartition("</body>")
        page = head + nav + "\n" + sep + tail if sep else page
    return page


def _write(path: Path, text: str) -> Path:
    """Write atomically (a stopped build never leaves half a page) and only if the text changed."""
    from course_lib.authoring.student import write_if_changed
    path.parent.mkdir(parents=True, exist_ok=True)
    write_if_changed(path, text)
    return path


def _title(nb, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("# "):
            return cell.source.lstrip()[2:].splitlines()[0].strip()
    return fallback


def _index(entries: list[tuple[str, str]], glossary: bool) -> str:
    rows = "\n".join(
        f'<tr><td>{html.escape(title)}</td><td><a href="{stem}.html">student</a></td>'
        f'<td><a href="solutions/{stem}.html">instructor</a></td>'
        f'<td><a href="slides/{stem}.slides.html">slides</a></td></tr>'
        for stem, title in entries)
    extra = '<p><a href="glossary.html">Glossary (용어집)</a></p>' if glossary else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Training Deep Neural Networks</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}td{{padding:.3em 1em}}</style>
</head><body>
<h1>Training Deep Neural Networks — rendered edition</h1>
<p>Every chapter executed: the student version (exercises empty), the instructor version (with
solutions) and the slide deck. To run the code and move the explorers' sliders, open the notebooks
in JupyterLab.</p>
<table><tr><th>chapter</th><th colspan="3"></th></tr>
{rows}
</table>
{extra}
</body></html>
"""


def _glossary_html(markdown_path: Path) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    body = _relink(markdown2html_mistune(markdown_path.read_text(encoding="utf-8")), ".html")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Glossary</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.2em .6em}}</style>
</head><body>
<nav class="course-nav" aria-label="Chapters"><a href="index.html">Index of chapters</a></nav>
{body}
</body></html>
"""


def build(wanted: list[str] | None = None, out: Path = DEFAULT_OUT,
          notebooks_dir: Path = NOTEBOOKS_DIR, timeout: int = TIMEOUT,
          log=print, force: bool = False) -> list[Path]:
    """Execute and render the chosen chapters (all by default) into out; returns the files.

    out must be new, empty or a previous build (see claim); force=True writes into any folder."""
    notebooks_dir, out = Path(notebooks_dir), Path(out)
    chosen = select(chapters(notebooks_dir), wanted)
    if not chosen:
        raise ValueError(f"no chapters in {notebooks_dir / 'solutions'}")
    claim(out, force)
    copy_assets(out)
    import nbformat
    every = chapters(notebooks_dir)                 # prev / next follow the whole course
    stems = [p.stem for p in every]
    titles = {p.stem: _title(nbformat.read(p, as_version=4), p.stem) for p in every}
    written, entries = [], []
    for solution in chosen:
        stem = solution.stem
        student = notebooks_dir / solution.name
        if not student.exists():
            raise FileNotFoundError(f"{student} is missing: run python -m course_lib.authoring.student")
        start = time.monotonic()
        nb = execute(solution, timeout)
        page = with_alt_text(page_html(nb, "../static"), nb)
        page = with_nav(page, nav_html(stems, titles, stem, "../index.html"))
        written.append(_write(out / "solutions" / f"{stem}.html", _relink(page, ".html")))
        deck = with_alt_text(deck_html(nb, "../static"), nb)
        deck = with_nav(deck, nav_html(stems, titles, stem, "../index.html", ".slides.html",
                                       fixed=True), bottom=False)
        written.append(_write(out / "slides" / f"{stem}.slides.html", _relink(deck, ".slides.html")))
        entries.append((stem, _title(nb, stem)))
        student_nb = execute(student, timeout)
        page = with_alt_text(page_html(student_nb), student_nb)
        page = with_nav(page, nav_html(stems, titles, stem, "index.html"))
        written.append(_write(out / f"{stem}.html", _relink(page, ".html")))
        log(f"{stem}: executed and rendered in {time.monotonic() - start:.0f} s")
    glossary = notebooks_dir / "glossary.md"
    if glossary.exists():
        written.append(_write(out / "glossary.html", _glossary_html(glossary)))
    written.append(_write(out / "index.html", _index(entries, glossary.exists())))
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course_lib.authoring.build",
        description="Execute every chapter (student and instructor versions) into HTML pages "
                    "and reveal.js slide decks.")
    parser.add_argument("--chapter", action="append", metavar="NN",
                        help="only this chapter: its number (03) or name; repeat for more")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"output folder (default: {DEFAULT_OUT})")
    parser.add_argument("--timeout", type=int, default=TIMEOUT,
                        help="seconds a cell may run (default: %(default)s)")
    parser.add_argument("--force", action="store_true",
                        help="write into a non-empty folder that is not a previous build "
                             "(pages with the edition's names are replaced, nothing else)")
    args = parser.parse_args(argv)
    try:
        files = build(args.chapter, args.out, timeout=args.timeout, force=args.force)
    except ValueError as error:
        parser.error(str(error))
    print(f"wrote {len(files)} pages (and their scripts in static/); open {Path(args.out) / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
