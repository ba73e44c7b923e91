"""The Korean edition (한국어판): gettext catalogs of the notebooks' text, and the Korean notebooks.

    python -m course_lib.authoring.translate update [NAMES]   # refresh the .po files from the English text
    python -m course_lib.authoring.translate status           # what is left to translate, chapter by chapter
    python -m course_lib.authoring.student                    # also writes notebooks/ko/ and compiles the .mo
    python -m course_lib.authoring.student --check            # also reports stale Korean notebooks

Two kinds of catalog, both ordinary gettext ``.po`` files (edit them with any PO editor):

* ``notebooks/locale/ko/NN_name.po``, one a chapter. One entry per **markdown paragraph**
  (a cell's text split on blank lines; a fenced code block or a ``$$ … $$`` display formula
  is never split, and a paragraph that is only a display formula, a fenced code block or a
  solution marker line is copied unchanged) and one per **display string** in a code cell:
  the literal inside a ``tr("...")`` call (``from course_lib.i18n import tr``; ``tr`` returns its
  argument unchanged). f-strings work: ``tr(f"He reaches {acc:.0%}")`` is translated as
  ``He는 {acc:.0%}에 도달합니다`` -- the same ``{…}`` fields, in any order. The Korean
  notebook's code is the English code with those literals replaced, so both editions compute
  the same numbers from the same seeds. msgctxt is the cell id, so a changed paragraph changes
  one entry only.
* ``course_lib/locale/ko/LC_MESSAGES/course_lib.po``: the messages of course_lib itself (every
  ``_("...")``, ``N_("...")`` and ``ngettext`` literal under course_lib/), compiled to the ``.mo``
  that :mod:`course_lib.i18n` reads at run time (reading, checking, updating and compiling
  catalogs: :mod:`course_lib.authoring.catalogs`).

A chapter is written to ``notebooks/ko/`` (student) and ``notebooks/ko/solutions/`` (instructor)
when its catalog is complete: every entry translated, none fuzzy, every translated display string
keeping its English ``{…}`` fields and every paragraph its inline code and formulas (it may add some). The chapters in
:data:`TRANSLATED` must stay complete: when their English text changes, ``--check`` and the tests
fail until ``update`` has marked the changed entries (empty or fuzzy) and a translator has
translated them. The Korean notebooks start with a cell ``i18n.set_language("ko")``; links to
chapters that have no Korean version yet lead to the English ones.
"""
from __future__ import annotations

import argparse
import ast
import copy
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from course_lib.authoring import student
from course_lib.authoring.catalogs import (LANG, LIBRARY_PO, library_messages, library_missing, load_catalog,
                                           merge, problem, save, translations, update_library)

#: The chapters of the Korean edition: their catalogs must be complete (the tests enforce it).
TRANSLATED = ("00_start_here", "01_vanishing_gradients", "02_activation_functions",
              "03_weight_initialization", "04_optimizers", "05_batch_normalization",
              "06_regularization", "07_hyperparameter_search", "08_training_clinic")

NOTEBOOKS_DIR = student.NOTEBOOKS_DIR

LANGUAGE_CELL_ID = "ko-language"
LANGUAGE_CELL = ('from course_lib import i18n\n'
                 'i18n.set_language("ko")   # 한국어판: course_lib의 메시지와 그림을 한국어로 보여 줍니다')
KO_MD_PROMPT = "**답:** _여기에 쓰세요._"
TRANSLATOR_FUNCTION = "tr"

_BLANK = re.compile(r"\n[ \t]*\n")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_LITERAL = re.compile(r"^(?P<prefix>[rRuUfF]{0,2})(?P<quote>'''|\"\"\"|'|\")(?P<body>.*)(?P=quote)$", re.S)
_MAGIC = re.compile(r"^([ \t]*)[%!]")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


class UntranslatedError(ValueError):
    """A chapter's catalog lacks a current translation of some of its text."""


# ---------------------------------------------------------------- what a notebook has to translate

@dataclass(frozen=True)
class Entry:
    """One translatable piece of a notebook: its context (cell id), English text and kind."""

    context: str | None
    msgid: str
    kind: str          # "markdown" or "code"
    where: str


def _verbatim(paragraph: str) -> bool:
    """A paragraph copied unchanged: only a display formula, a fenced code block or a marker line."""
    text = paragraph.strip()
    if text in (student.MD_BEGIN, student.MD_END):
        return True
    if text.startswith("$$") and text.endswith("$$") and len(text) > 4 and "$$" not in text[2:-2]:
        return True
    return text.startswith("```") and text.endswith("```") and text.count("```") == 2


def segments(markdown: str) -> list[tuple[str, bool]]:
    """markdown as (text, translatable) pieces whose concatenation is markdown.

    Paragraphs are separated by blank lines; a blank line inside a ``` fence or a $$ formula
    does not separate; solution marker lines are pieces of their own (never translated).
    """
    pieces, paragraph, pos = [], "", 0
    for match in _BLANK.finditer(markdown):
        paragraph += markdown[pos:match.start()]
        if paragraph.count("```") % 2 or paragraph.count("$$") % 2:
            paragraph += match.group()                # inside a fence or a formula: keep going
        else:
            pieces.extend(_split_markers(paragraph))
            pieces.append((match.group(), False))
            paragraph = ""
        pos = match.end()
    pieces.extend(_split_markers(paragraph + markdown[pos:]))
    return [(text, translatable and text.strip() != "" and not _verbatim(text))
            for text, translatable in pieces if text != ""]


def _split_markers(paragraph: str) -> list[tuple[str, bool]]:
    out, current = [], []
    for line in paragraph.split("\n"):
        if line.strip() in (student.MD_BEGIN, student.MD_END):
            if current:
                out.append(("\n".join(current) + "\n", True))
                current = []
            out.append((line + "\n", False))
        else:
            current.append(line)
    tail = "\n".join(current)
    if out and not current:
        out[-1] = (out[-1][0][:-1], False)            # the last marker line had no newline after it
    elif tail or not out:
        out.append((tail, True))
    return out


def _parseable(source: str) -> str:
    """source with IPython magics and shell lines turned into comments (same length, same lines)."""
    return "\n".join(_MAGIC.sub(lambda m: m.group(1) + "#", line) for line in source.split("\n"))


def display_strings(source: str, where: str = "cell") -> list[tuple[int, int, str, str, str]]:
    """The text a student reads in a code cell: (start, end, head, tail, body), by offset.

    ``tr("...")`` literals (head = prefix and quote, tail = quote), docstrings of functions and
    classes, and comments (head = ``#`` and its spaces); the Korean notebook replaces
    source[start:end] with head + translation + tail. Comments without letters, ``# noqa``,
    ``# type:`` and ``# NBVAL_...`` directives are not text.
    """
    if source.lstrip().startswith("%%"):
        return []
    try:
        tree = ast.parse(_parseable(source))
    except SyntaxError:
        return []
    starts = [0]
    for line in source.split("\n"):
        starts.append(starts[-1] + len(line) + 1)

    def span(node):
        return (starts[node.lineno - 1] + _char_offset(source, node.lineno, node.col_offset),
                starts[node.end_lineno - 1] + _char_offset(source, node.end_lineno, node.end_col_offset))

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == TRANSLATOR_FUNCTION:
            arg = node.args[0] if len(node.args) == 1 and not node.keywords else None
            piece = _literal(source, *span(arg)) if isinstance(arg, (ast.Constant, ast.JoinedStr)) else None
            if piece is None:
                raise ValueError(f"{where}, line {node.lineno}: tr() takes one string literal "
                                 f"(\"...\" or f\"...\"), not {ast.unparse(node)}; write tr(\"text\") "
                                 "and put variables inside an f-string")
            found.append(piece)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body \
                and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant) \
                and isinstance(node.body[0].value.value, str):
            piece = _literal(source, *span(node.body[0].value))
            if piece is not None:
                found.append(piece)
    return sorted(found + _comments(source))


def _literal(source, start, end):
    match = _LITERAL.match(source[start:end])
    if match is None or "b" in match["prefix"].lower() or (
            len(match["quote"]) == 1 and match["quote"] in match["body"].replace("\\" + match["quote"], "")):
        return None                                   # bytes, or implicit concatenation "a" "b"
    return (start, end, match["prefix"] + match["quote"], match["quote"], match["body"])


_NOT_TEXT = re.compile(r"^(noqa|type:|NBVAL_|pragma|fmt:|pylint|isort)")


def _comments(source):
    import io
    import tokenize
    starts = [0]
    for line in source.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    found = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type != tokenize.COMMENT:
                continue
            text = token.string
            body = text.lstrip("#").lstrip()
            head = text[:len(text) - len(body)]
            if text.startswith((student.CODE_BEGIN, student.CODE_END)):
                continue                                  # solution markers stay as they are
            if body and re.search(r"[^\W\d_]", body) and not _NOT_TEXT.match(body):
                start = starts[token.start[0] - 1] + token.start[1]
                found.append((start, start + len(text), head, "", body))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return []
    return found


def _char_offset(source: str, lineno: int, byte_offset: int) -> int:
    """ast gives UTF-8 byte columns; the character column on that line."""
    line = source.split("\n")[lineno - 1]
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8"))


def extract(nb, name: str) -> list[Entry]:
    """Every translatable piece of a notebook, in order (no duplicates of (context, msgid))."""
    entries, seen = [], set()
    for index, cell in enumerate(nb.cells):
        context = cell.get("id")
        where = f"{name}, cell {index}" + (f" (id {context})" if context else "")
        if cell.cell_type == "markdown":
            texts = [(t, "markdown") for t, ok in segments(cell.source) if ok]
        elif cell.cell_type == "code":
            texts = [(body, "code") for *_, body in display_strings(cell.source, where)]
        else:
            texts = []
        for text, kind in texts:
            if (context, text) not in seen:
                seen.add((context, text))
                entries.append(Entry(context, text, kind, where))
    return entries


def catalog_path(name: str, root: Path = NOTEBOOKS_DIR) -> Path:
    """notebooks/locale/ko/<name>.po"""
    return Path(root) / "locale" / LANG / f"{Path(name).stem}.po"


def missing(nb, po, name: str = "notebook") -> list[tuple[Entry, str]]:
    """The pieces of nb without a current translation in po, each with the reason."""
    table = translations(po)
    out = []
    for entry in extract(nb, name):
        found = table.get((entry.context, entry.msgid))
        reason = "untranslated" if found is None else problem(entry.kind, entry.msgid, found.msgstr,
                                                              "fuzzy" in found.flags)
        if reason:
            out.append((entry, reason))
    return out


# ---------------------------------------------------------------- the Korean notebooks

def _relink(markdown: str, depth: int, have_korean: set[str], root: Path) -> str:
    """Relative links of a notebook in notebooks/[solutions/] as seen from notebooks/ko/[solutions/]."""
    here = Path(root) / ("solutions" if depth == 2 else "")

    def fix(match):
        target = match.group(1)
        if re.match(r"^([a-z]+:|#|/)", target):
            return match.group(0)
        path, _, anchor = target.partition("#")
        if Path(path).stem in have_korean and path.endswith(".ipynb"):
            return match.group(0)
        if (here / path).exists() or depth == 1:
            new = "../" * depth + (f"solutions/{path}" if depth == 2 else path)
        else:
            new = "../" * depth + path                    # e.g. glossary.md from a solution notebook
        return f"]({new}{'#' + anchor if anchor else ''})"

    return _LINK.sub(fix, markdown)


def translate_notebook(nb, po, name: str = "notebook", depth: int = 2, have_korean=(),
                       root: Path = NOTEBOOKS_DIR):
    """The Korean version of an (English, instructor) notebook; UntranslatedError if po is incomplete.

    depth is how many folders below notebooks/ the Korean notebook lives (2: ko/solutions/).
    """
    gaps = missing(nb, po, name)
    if gaps:
        raise UntranslatedError(f"{name}: {len(gaps)} piece(s) lack a current Korean translation in "
                                f"{catalog_path(name, root)}; first: {gaps[0][0].where}: {gaps[0][1]}: "
                                f"{gaps[0][0].msgid[:60]!r}")
    table = {key: e.msgstr for key, e in translations(po).items()}
    out = copy.deepcopy(nb)
    for cell in out.cells:
        context = cell.get("id")
        if cell.cell_type == "markdown":
            text = "".join(table[(context, t)] if ok else t for t, ok in segments(cell.source))
            cell.source = _relink(text, depth, set(have_korean), root)
        elif cell.cell_type == "code":
            source, shift = cell.source, 0
            for start, end, head, tail, body in display_strings(cell.source, name):
                literal = f"{head}{table[(context, body)]}{tail}"
                source = source[:start + shift] + literal + source[end + shift:]
                shift += len(literal) - (end - start)
            cell.source = source
    first = nbformat.v4.new_code_cell(LANGUAGE_CELL, metadata={"slideshow": {"slide_type": "skip"}})
    first.id = LANGUAGE_CELL_ID
    out.cells.insert(0, first)
    out.metadata["language"] = LANG
    return student.strip_outputs(out)


def korean_texts(solution_path: Path, root: Path = NOTEBOOKS_DIR, have_korean=TRANSLATED) -> tuple[str, str]:
    """(instructor text, student text) of the Korean notebooks of one chapter."""
    solution_path = Path(solution_path)
    nb = nbformat.read(solution_path, as_version=4)
    po = load_catalog(catalog_path(solution_path.name, root))
    korean = translate_notebook(nb, po, solution_path.name, 2, have_korean, root)
    as_student = translate_notebook(nb, po, solution_path.name, 1, have_korean, root)
    pupil = student.student_notebook(as_student, name=str(solution_path), md_prompt=KO_MD_PROMPT)
    return student.dumps(korean), student.dumps(pupil)


def complete(name: str, root: Path = NOTEBOOKS_DIR) -> bool:
    """True when the chapter's catalog exists and translates every piece of its text."""
    path = catalog_path(name, root)
    source = Path(root) / "solutions" / f"{Path(name).stem}.ipynb"
    return path.exists() and not missing(nbformat.read(source, as_version=4), load_catalog(path), name)


def generate(root: Path = NOTEBOOKS_DIR, check: bool = False, names=None) -> tuple[list[Path], list[str]]:
    """Write notebooks/ko/[solutions/]<name>.ipynb for every chapter with a complete catalog.

    Returns (changed, problems): the Korean notebooks written (check=True: that would be
    written, or that exist without a complete catalog) and, for chapters of TRANSLATED whose
    catalog is incomplete, what is missing (nothing is written for them).
    """
    root = Path(root)
    sources = student.solution_paths(root)
    if names:
        sources = [p for p in sources if p.stem in {Path(n).stem for n in names}]
    candidates = [p for p in sources if catalog_path(p.name, root).exists()]
    ready = {p.stem for p in candidates if complete(p.name, root)}
    changed, problems = [], []
    for source in sources:
        targets = (root / LANG / "solutions" / source.name, root / LANG / source.name)
        if source.stem not in ready:
            if source.stem in TRANSLATED:
                nb = nbformat.read(source, as_version=4)
                gaps = missing(nb, load_catalog(catalog_path(source.name, root)), source.name)
                problems += [f"{e.where}: {reason}: {e.msgid[:70]!r}" for e, reason in gaps] or [
                    f"{source.name}: no catalog {catalog_path(source.name, root)}"]
            if check:
                changed += [t for t in targets if t.exists()]
            continue
        for target, text in zip(targets, korean_texts(source, root, ready | set(TRANSLATED))):
            if check:
                if not target.exists() or target.read_text(encoding="utf-8") != text:
                    changed.append(target)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                if student.write_if_changed(target, text):
                    changed.append(target)
    if check and not names:
        have = {p.name for p in sources if p.stem in ready}
        for folder in (root / LANG, root / LANG / "solutions"):
            changed += [p for p in sorted(folder.glob("*.ipynb")) if p.name not in have and p not in changed]
    return changed, problems


# ---------------------------------------------------------------- updating catalogs

def update_chapter(name: str, root: Path = NOTEBOOKS_DIR) -> bool:
    """Refresh notebooks/locale/ko/<name>.po from the English instructor notebook; True if changed."""
    source = Path(root) / "solutions" / f"{Path(name).stem}.ipynb"
    nb = nbformat.read(source, as_version=4)
    path = catalog_path(name, root)
    po = load_catalog(path)
    kinds = {"markdown": "markdown paragraph", "code": "display string in a code cell: keep the {…} fields"}
    entries = [(e.context, e.msgid, kinds[e.kind], e.where) for e in extract(nb, source.name)]
    merge(po, entries, lambda where: [(f"{source.name}#{where.split('(id ')[-1].rstrip(')')}", "")])
    return save(po, path)


# ---------------------------------------------------------------- command line

def status(root: Path = NOTEBOOKS_DIR) -> list[str]:
    """One line a chapter: how many of its pieces lack a current Korean translation."""
    lines = []
    for source in student.solution_paths(root):
        path = catalog_path(source.name, root)
        if not path.exists():
            lines.append(f"{source.stem}: no catalog (run: python -m course_lib.authoring.translate update)")
            continue
        nb = nbformat.read(source, as_version=4)
        gaps, total = missing(nb, load_catalog(path), source.name), len(extract(nb, source.name))
        lines.append(f"{source.stem}: {total - len(gaps)}/{total} translated"
                     + (" (in the Korean edition)" if not gaps else ""))
    gaps = library_missing()
    lines.append(f"course_lib messages: {len(library_messages()) - len(gaps)}/{len(library_messages())} translated")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Command line: update [NAMES] | status."""
    parser = argparse.ArgumentParser(prog="python -m course_lib.authoring.translate",
                                     description="The Korean edition's catalogs (notebooks/locale/ko/).")
    parser.add_argument("command", choices=["update", "status"])
    parser.add_argument("names", nargs="*", help="only these chapters (e.g. 00_start_here)")
    parser.add_argument("--root", type=Path, default=NOTEBOOKS_DIR, help="the notebooks folder")
    args = parser.parse_args(argv)
    if args.command == "status":
        print("\n".join(status(args.root)))
        return 0
    names = args.names or [p.stem for p in student.solution_paths(args.root)]
    for name in names:
        if update_chapter(name, args.root):
            print(f"updated {catalog_path(name, args.root)}")
    if not args.names and update_library():
        print(f"updated {LIBRARY_PO}")
    print("translate the empty and fuzzy entries, then run: python -m course_lib.authoring.student")
    return 0


if __name__ == "__main__":
    sys.exit(main())
