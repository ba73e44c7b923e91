"""course_lib.authoring.translate: catalogs of the notebooks' text and the Korean notebooks.

The chapters of translate.TRANSLATED must have a current Korean translation of every markdown
paragraph and every display string, and their generated Korean notebooks must be up to date.
"""
import io
import shutil
import tokenize

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_lib.authoring import student, translate
from notebook_run import NOTEBOOKS

TRANSLATED = [NOTEBOOKS / "solutions" / f"{name}.ipynb" for name in translate.TRANSLATED]


def _nb(*cells):
    nb = new_notebook(cells=list(cells))
    for i, cell in enumerate(nb.cells):
        cell.id = f"c{i}"
        cell.metadata["slideshow"] = {"slide_type": "-"}
    return nb


@pytest.fixture
def course(tmp_path):
    """A copy of the translated chapters, their catalogs and Korean notebooks, to break.

    Every English chapter is copied too: a Korean notebook's links to untranslated chapters
    lead to the English ones, and are resolved against the files that exist.
    """
    root = tmp_path / "notebooks"
    for path in sorted((NOTEBOOKS / "solutions").glob("*.ipynb")):
        for rel in (f"solutions/{path.name}", path.name):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(NOTEBOOKS / rel, root / rel)
    for path in TRANSLATED:
        for rel in (f"solutions/{path.name}", path.name, f"ko/{path.name}", f"ko/solutions/{path.name}",
                    f"locale/ko/{path.stem}.po"):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(NOTEBOOKS / rel, root / rel)
    return root


# ---------------------------------------------------------------- pieces of text

def test_paragraphs_split_on_blank_lines_but_not_inside_fences_formulas_or_markers():
    text = ("Intro line\nsecond line\n\n$$a\n\nb$$\n\n```python\nx = 1\n\ny = 2\n```\n\n"
            "Ask.\n<!-- BEGIN SOLUTION -->\nBecause.\n<!-- END SOLUTION -->")
    pieces = translate.segments(text)
    assert "".join(t for t, _ in pieces) == text
    assert [t for t, ok in pieces if ok] == ["Intro line\nsecond line", "Ask.\n", "Because.\n"]
    assert "$$a\n\nb$$" in [t for t, ok in pieces if not ok]


def test_display_strings_docstrings_and_comments_are_found_markers_and_directives_are_not():
    source = ('%matplotlib inline\ndef f(x):\n    """Doc of f."""\n    ### BEGIN SOLUTION\n'
              '    return x  # the answer\n    ### END SOLUTION\n'
              'print(tr(f"value {x:.2f} here"), tr(\'plain\'), "not marked")  # noqa\nz = 0.5  # 0.5\n')
    bodies = [body for *_, body in translate.display_strings(source)]
    assert bodies == ["Doc of f.", "the answer", "value {x:.2f} here", "plain"]


def test_tr_needs_one_literal():
    with pytest.raises(ValueError, match=r"cell 3, line 1: tr\(\) takes one string literal"):
        translate.display_strings("tr(message)", "cell 3")
    with pytest.raises(ValueError, match="one string literal"):
        translate.display_strings('tr("a" "b")', "cell 3")


def test_a_translation_keeps_fields_code_and_formulas_and_is_not_fuzzy():
    assert translate.problem("code", "reached {acc:.0%} at {step}", "{step}에서 {acc:.0%}") is None
    assert "fields" in translate.problem("code", "reached {acc:.0%}", "{acc:.1%}에 도달")
    assert "inline code" in translate.problem("markdown", "Call `f(x)` with $x$.", "$x$로 f(x)를 부르세요.")
    assert "formulas" in translate.problem("markdown", "Call `f(x)` with $x$.", "`f(x)`를 x로 부르세요.")
    assert translate.problem("markdown", "Use `f`.", "`f`와 `g`를 쓰세요.") is None    # may add code
    assert translate.problem("code", "a", "") == "untranslated"
    assert translate.problem("code", "a", "가", fuzzy=True).startswith("fuzzy")
    assert "lines" in translate.problem("code", "one line", "한 줄\n두 줄")


# ---------------------------------------------------------------- the translated chapters

@pytest.mark.parametrize("path", TRANSLATED, ids=[p.stem for p in TRANSLATED])
def test_every_paragraph_and_display_string_of_a_translated_chapter_is_translated(path):
    nb = nbformat.read(path, as_version=4)
    po = translate.load_catalog(translate.catalog_path(path.name))
    gaps = translate.missing(nb, po, path.name)
    assert gaps == [], ("untranslated: " + "; ".join(f"{e.where}: {why}" for e, why in gaps[:5])
                        + " -- python -m course_lib.authoring.translate update, then translate them")
    assert len(translate.extract(nb, path.name)) > 20


@pytest.mark.parametrize("path", TRANSLATED, ids=[p.stem for p in TRANSLATED])
def test_the_korean_notebooks_are_current(path):
    instructor, pupil = translate.korean_texts(path)
    for target, text in ((NOTEBOOKS / "ko" / "solutions" / path.name, instructor),
                         (NOTEBOOKS / "ko" / path.name, pupil)):
        assert target.exists() and target.read_text(encoding="utf-8") == text, \
            f"{target} is stale: python -m course_lib.authoring.student"


def test_check_mode_agrees_and_nothing_in_ko_lacks_a_source():
    assert translate.generate(NOTEBOOKS, check=True) == ([], [])


def _code_tokens(source):
    skip = {tokenize.STRING, tokenize.COMMENT}
    return [(t.type, t.string) for t in tokenize.generate_tokens(io.StringIO(source).readline)
            if t.type not in skip]


@pytest.mark.parametrize("path", TRANSLATED, ids=[p.stem for p in TRANSLATED])
def test_korean_code_is_the_english_code_with_only_strings_and_comments_translated(path):
    english = nbformat.read(path, as_version=4)
    korean = nbformat.read(NOTEBOOKS / "ko" / "solutions" / path.name, as_version=4)
    first = korean.cells[0]
    assert first.cell_type == "code" and 'i18n.set_language("ko")' in first.source
    assert first.metadata["slideshow"]["slide_type"] == "skip"
    assert len(korean.cells) == len(english.cells) + 1
    for en, ko in zip(english.cells, korean.cells[1:]):
        assert (en.cell_type, en.id, en.metadata) == (ko.cell_type, ko.id, ko.metadata)
        if en.cell_type == "code":
            assert _code_tokens(en.source) == _code_tokens(ko.source), en.id
            assert en.source.count("\n") == ko.source.count("\n"), en.id
        elif translate.extract(new_notebook(cells=[en]), "x"):
            assert translate.HANGUL.search(ko.source), f"{en.id}: no Korean in the Korean cell"


def test_korean_links_lead_to_existing_notebooks():
    for path in (NOTEBOOKS / "ko").rglob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for target in translate._LINK.findall(cell.source if cell.cell_type == "markdown" else ""):
                if "://" not in target and not target.startswith("#"):
                    assert (path.parent / target.split("#")[0]).exists(), f"{path.name}: broken link {target}"


# ---------------------------------------------------------------- changes to the English text

def test_a_new_paragraph_makes_the_chapter_incomplete_until_translated(course):
    name = TRANSLATED[0].name
    source = course / "solutions" / name
    nb = nbformat.read(source, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown" and c.metadata["slideshow"]["slide_type"] == "slide")
    cell.source += "\n\nA new paragraph nobody has translated."
    nbformat.write(nb, source)
    student.generate(course)                      # the English student copy is current
    assert translate.generate(course, check=True)[1] != []
    changed, problems = translate.generate(course)
    assert problems and "A new paragraph" in problems[0] and "untranslated" in problems[0]
    assert changed == []                          # the Korean notebooks are left as they were ...
    assert (course / "ko" / name).exists()
    assert student.main(["--check", "--root", str(course)]) == 1      # ... and --check fails
    translate.update_chapter(name, course)
    po = translate.load_catalog(translate.catalog_path(name, course))
    entry = next(e for e in po if e.msgid == "A new paragraph nobody has translated.")
    assert entry.msgstr == "" and entry.msgctxt == cell.id
    entry.msgstr = "아무도 번역하지 않은 새 문단."
    po.save()
    assert translate.generate(course)[1] == []
    assert "아무도 번역하지 않은 새 문단." in (course / "ko" / name).read_text(encoding="utf-8")
    assert translate.generate(course, check=True) == ([], [])


def test_a_changed_display_string_becomes_fuzzy_and_counts_as_untranslated(course):
    name = TRANSLATED[0].name
    source = course / "solutions" / name
    nb = nbformat.read(source, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and 'tr("outputs:")' in c.source)
    cell.source = cell.source.replace('tr("outputs:")', 'tr("outputs :")')
    nbformat.write(nb, source)
    translate.update_chapter(name, course)
    po = translate.load_catalog(translate.catalog_path(name, course))
    entry = next(e for e in po if e.msgid == "outputs :")
    assert "fuzzy" in entry.flags and entry.previous_msgid == "outputs:" and entry.msgstr == "출력:"
    assert any(e.obsolete and e.msgid == "outputs:" for e in po)
    assert not translate.complete(name, course)
    entry.flags.remove("fuzzy")
    po.save()
    assert translate.complete(name, course)


def test_korean_student_version_replaces_solutions_with_a_korean_prompt():
    nb = _nb(new_markdown_cell("Why?\n<!-- BEGIN SOLUTION -->\nBecause.\n<!-- END SOLUTION -->"),
             new_code_cell('def f():\n    ### BEGIN SOLUTION\n    return tr("done")  # finished\n'
                           '    ### END SOLUTION'))
    po = translate.load_catalog("/nonexistent.po")
    import polib
    for ctxt, en, ko in (("c0", "Why?\n", "왜일까요?\n"), ("c0", "Because.\n", "그렇기 때문입니다.\n"),
                         ("c1", "done", "끝"), ("c1", "finished", "마침")):
        po.append(polib.POEntry(msgctxt=ctxt, msgid=en, msgstr=ko))
    korean = translate.translate_notebook(nb, po, "demo")
    assert korean.cells[1].source == "왜일까요?\n<!-- BEGIN SOLUTION -->\n그렇기 때문입니다.\n<!-- END SOLUTION -->"
    assert korean.cells[2].source == ('def f():\n    ### BEGIN SOLUTION\n    return tr("끝")  # 마침\n'
                                      '    ### END SOLUTION')
    pupil = student.student_notebook(korean, "demo", md_prompt=translate.KO_MD_PROMPT)
    assert pupil.cells[1].source == f"왜일까요?\n{translate.KO_MD_PROMPT}"
    po.pop()
    with pytest.raises(translate.UntranslatedError, match="1 piece.*'finished'"):
        translate.translate_notebook(nb, po, "demo")


# ---------------------------------------------------------------- course_lib's own catalog

def test_every_message_of_course_lib_has_a_current_korean_translation():
    assert translate.library_missing() == [], "python -m course_lib.authoring.translate update, then translate"
    ids = [m for m, *_ in translate.library_messages()]
    assert "Correct." in ids and any(m.startswith("the loss became") for m in ids)


def test_the_compiled_catalog_is_current():
    mo = translate.LIBRARY_PO.with_suffix(".mo")
    assert mo.exists() and translate.mo_messages(mo.read_bytes()) == translate.mo_messages(translate.mo_bytes()), \
        f"{mo} is older than its .po: python -m course_lib.authoring.student"
    assert translate.compile_library(check=True) == []


def test_a_changed_po_makes_the_compiled_catalog_stale(tmp_path):
    po_path = tmp_path / "course_lib.po"
    shutil.copy(translate.LIBRARY_PO, po_path)
    shutil.copy(translate.LIBRARY_PO.with_suffix(".mo"), tmp_path / "course_lib.mo")
    assert translate.compile_library(check=True, po_path=po_path) == []
    po = translate.load_catalog(po_path)
    po.find("Correct.").msgstr = "맞았습니다."
    po.save()
    assert translate.compile_library(check=True, po_path=po_path) == [tmp_path / "course_lib.mo"]
    translate.compile_library(po_path=po_path)
    assert translate.compile_library(check=True, po_path=po_path) == []
