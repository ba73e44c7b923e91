"""The stored notebooks: stripped, slide metadata, chapter anatomy, up-to-date student
copies, decks that build, and chapter 00's key numbers (read from an executed run).

nbval executes every notebook cell by cell (configured in pyproject.toml); this
file checks everything else about them.
"""
import re
from pathlib import Path

import nbformat
import pytest

from course_lib import exercises
from course_lib.authoring import student
from notebook_run import NOTEBOOKS, execute, run_notebook

SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
HANGUL = re.compile(r"[\uac00-\ud7a3]")
CHECK_CALL = re.compile(r"""exercises\.check\(\s*["'](?P<id>[^"']+)["']""")
EXPLORER_CALL = re.compile(r"\bwidgets\.\w+_explorer\(")

SOLUTIONS = sorted((NOTEBOOKS / "solutions").glob("[0-9][0-9]_*.ipynb"))
STUDENTS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
CHAPTERS = SOLUTIONS + STUDENTS


def _ids(paths):
    return [str(p.relative_to(NOTEBOOKS)) for p in paths]


def _read(path):
    return nbformat.read(path, as_version=4)


def _headings(nb, level):
    prefix = "#" * level + " "
    return [c.source.lstrip().splitlines()[0][len(prefix):].strip()
            for c in nb.cells
            if c.cell_type == "markdown" and c.source.lstrip().startswith(prefix)]


def test_there_are_chapters():
    assert any(p.name == "00_start_here.ipynb" for p in SOLUTIONS)
    assert {p.name for p in STUDENTS} == {p.name for p in SOLUTIONS}, \
        "every solution notebook needs its generated student copy: python -m course_lib.authoring.student"


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.rglob("*.ipynb")),
                         ids=_ids(sorted(NOTEBOOKS.rglob("*.ipynb"))))
def test_stored_without_outputs_and_with_slide_metadata(path):
    nb = _read(path)
    nbformat.validate(nb)
    assert "widgets" not in nb.metadata, "saved widget state: python -m course_lib.authoring.student strip FILE"
    for i, cell in enumerate(nb.cells):
        where = f"{path.name} cell {i}"
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{where} has outputs: python -m course_lib.authoring.student strip FILE"
            assert cell.execution_count is None, f"{where} has an execution count"
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type")
        assert slide_type in SLIDE_TYPES, f"{where}: slideshow.slide_type is {slide_type!r}"


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_chapter_anatomy(path):
    nb = _read(path)
    types = [c.metadata["slideshow"]["slide_type"] for c in nb.cells]
    first = nb.cells[0]
    assert first.cell_type == "markdown" and types[0] == "slide" \
        and first.source.startswith("# "), "the first cell is the title slide: '# Title — 한국어'"
    assert HANGUL.search(first.source.splitlines()[0]), "the title carries the Korean name"
    assert types.count("slide") + types.count("subslide") >= 8, "at least 8 slides"
    assert "notes" in types, "speaker notes go in cells of slide type 'notes'"
    second_level = _headings(nb, 2)
    assert any(h.lower() in {"objectives", "learning objectives"} for h in second_level), \
        "a '## Objectives' slide"
    assert any(h.lower() == "summary" for h in second_level), "a '## Summary' slide"
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert any(EXPLORER_CALL.search(src) for src in code), "an explorer: widgets.<name>_explorer(...)"
    checked = [m["id"] for src in code for m in CHECK_CALL.finditer(src)]
    assert len(set(checked)) >= 2, "at least two exercises with check cells"
    chapter = path.name[:2]
    for exercise_id in checked:
        assert exercise_id.startswith(f"{chapter}-"), f"{exercise_id}: ids start with the chapter number"
        assert exercise_id in exercises.ids(), f"{exercise_id} is not registered in course_lib.exercises"


@pytest.mark.parametrize("path", SOLUTIONS, ids=_ids(SOLUTIONS))
def test_solution_markers(path):
    text = path.read_text(encoding="utf-8")
    assert text.count(student.CODE_BEGIN) >= 2, "at least two solutions between ### BEGIN/END SOLUTION"
    student.student_notebook(_read(path), path.name)   # raises on unbalanced markers


@pytest.mark.parametrize("path", STUDENTS, ids=_ids(STUDENTS))
def test_student_copy_has_no_solutions(path):
    text = path.read_text(encoding="utf-8")
    for marker in (student.CODE_BEGIN, student.CODE_END, student.MD_BEGIN, student.MD_END):
        assert marker not in text


@pytest.mark.parametrize("path", SOLUTIONS, ids=_ids(SOLUTIONS))
def test_student_copy_is_up_to_date(path):
    target = NOTEBOOKS / path.name
    assert target.exists(), f"{target} missing: run python -m course_lib.authoring.student"
    assert target.read_text(encoding="utf-8") == student.generate_text(path), \
        f"{target.name} is out of date: run python -m course_lib.authoring.student"


def test_student_check_mode_agrees():
    assert student.generate(NOTEBOOKS, check=True) == []


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_deck_builds(path):
    from nbconvert import SlidesExporter
    nb = _read(path)
    types = [c.metadata["slideshow"]["slide_type"] for c in nb.cells]
    html, _ = SlidesExporter().from_notebook_node(nb)
    slides, subslides = types.count("slide"), types.count("subslide")
    # reveal.js: one outer <section> per slide, one inner <section> per slide and subslide
    assert html.count("<section") == 2 * slides + subslides
    assert html.count('<aside class="notes">') == types.count("notes")
    assert html.count('class="fragment"') >= types.count("fragment")
    title = nb.cells[0].source.splitlines()[0].lstrip("# ").strip()
    assert title in html
    for heading in _headings(nb, 2):
        if heading.lower() in {"objectives", "learning objectives", "summary"}:
            assert f">{heading}<a class=\"anchor-link\"" in html, f"no '{heading}' section"


# ---------------------------------------------------------------- chapter 00's key numbers

START = NOTEBOOKS / "solutions" / "00_start_here.ipynb"


@pytest.fixture(scope="module")
def start_here():
    return run_notebook(START, variables=["data_shapes", "pixel_range", "versions"])


def test_start_here_self_check_reports_the_mnist_sample(start_here):
    assert start_here["data_shapes"] == {"x_train": [8000, 784], "t_train": [8000],
                                         "x_test": [2000, 784], "t_test": [2000]}
    low, high = start_here["pixel_range"]
    assert low == 0.0 and 0.99 <= high <= 1.0


def test_start_here_reports_versions(start_here):
    import numpy
    assert set(start_here["versions"]) == {"Python", "numpy", "matplotlib", "ipywidgets"}
    assert start_here["versions"]["numpy"] == numpy.__version__


# ---------------------------------------------------------------- the run_notebook helper

def _notebook(tmp_path, *sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    return path


def test_execute_returns_json_values_and_uses_strict_checks(tmp_path):
    path = _notebook(tmp_path, "import numpy as np, os\nn = np.int64(3)\narr = np.arange(3.0)",
                     "pair = (1, 'a')\nstrict = os.environ['COURSE_STRICT_CHECKS']\ncwd = os.getcwd()")
    values = execute(path, ["n", "arr", "pair", "strict", "cwd"])
    assert values == {"n": 3, "arr": [0.0, 1.0, 2.0], "pair": [1, "a"], "strict": "1",
                      "cwd": str(tmp_path)}


def test_execute_fails_on_a_failing_check_and_on_a_missing_variable(tmp_path):
    from nbclient.exceptions import CellExecutionError
    failing = _notebook(tmp_path, "from course_lib import exercises\n"
                                  "exercises.check('00-neuron', lambda x, w, b: x)")
    with pytest.raises(CellExecutionError, match="AssertionError"):
        execute(failing)
    fine = _notebook(tmp_path, "a = 1")
    with pytest.raises(CellExecutionError, match="defines no variable"):
        execute(fine, ["b"])


def test_run_notebook_caches_per_session(tmp_path, monkeypatch):
    import notebook_run
    path = _notebook(tmp_path, "a = 1\nb = 2")
    calls = []

    def counting(p, names, timeout):
        calls.append(list(names))
        return execute(p, names, timeout)

    monkeypatch.setattr(notebook_run, "execute", counting)
    assert run_notebook(path, ["a", "b"]) == {"a": 1, "b": 2}
    assert run_notebook(path, ["b"]) == {"b": 2}
    assert len(calls) == 1
    notebook_run._CACHE.pop(Path(path).resolve())


def test_every_figure_of_a_chapter_carries_a_text_alternative():
    """Chapter 02 (function plots, bar charts, histograms, an explorer) run in a kernel: every
    PNG output has a non-empty alt text in its metadata, which names what is drawn."""
    import os
    from nbclient import NotebookClient
    from course_lib.authoring.build import kernel_manager
    path = NOTEBOOKS / "solutions" / "02_activation_functions.ipynb"
    nb = _read(path)
    NotebookClient(nb, km=kernel_manager(), timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute(
        env={**os.environ, "COURSE_STRICT_CHECKS": "1"})
    figures = [(i, o) for i, cell in enumerate(nb.cells) for o in cell.get("outputs", [])
               if "image/png" in o.get("data", {})]
    assert len(figures) >= 5
    missing = [i for i, o in figures if not o.get("metadata", {}).get("image/png", {}).get("alt", "").strip()]
    assert not missing, f"cells {missing} show a figure without a text alternative"
    assert all(o.metadata["image/png"]["alt"].startswith("Figure") for _, o in figures)
