"""gettext catalogs (``.po``) for the Korean edition: read, check, update, compile.

Shared by :mod:`course_lib.authoring.translate` (the chapters' catalogs) and used for the
catalog of course_lib's own messages, ``course_lib/locale/ko/LC_MESSAGES/course_lib.po``
(every ``_("...")``, ``N_("...")`` and ``ngettext`` literal under course_lib/), compiled to
the ``.mo`` that :mod:`course_lib.i18n` reads at run time.
"""
from __future__ import annotations

import ast
import difflib
import re
from pathlib import Path

from course_lib.authoring import student

LANG = "ko"
PACKAGE_DIR = Path(__file__).resolve().parents[1]
LIBRARY_PO = PACKAGE_DIR / "locale" / LANG / "LC_MESSAGES" / "course_lib.po"
LIBRARY_FUNCTIONS = ("_", "N_")

_CODE_SPAN = re.compile(r"`[^`\n]+`")
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.S)


def polib_module():
    try:
        import polib
    except ImportError:  # pragma: no cover - polib is in requirements.txt and the authoring extra
        raise ImportError("the Korean edition needs polib: pip install polib "
                          "(or pip install -e '.[authoring]')") from None
    return polib


def load_catalog(path: Path):
    """The polib catalog at path (an empty one if the file does not exist)."""
    polib = polib_module()
    path = Path(path)
    if path.exists():
        return polib.pofile(str(path), wrapwidth=0)
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Project-Id-Version": "course_lib", "Language": LANG, "MIME-Version": "1.0",
                   "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit",
                   "Plural-Forms": "nplurals=1; plural=0;"}
    return po


def translations(po) -> dict:
    return {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}


def _fields(text: str) -> list[str]:
    """The {…} replacement fields of a format string or f-string body, sorted ({{ }} are not fields)."""
    text = text.replace("{{", "").replace("}}", "")
    return sorted(re.findall(r"\{[^{}]*\}", text))


def problem(entry_kind: str, msgid: str, msgstr: str, fuzzy: bool = False) -> str | None:
    """Why msgstr is not a current translation of msgid, or None if it is."""
    if not msgstr:
        return "untranslated"
    if fuzzy:
        return "fuzzy (the English text changed: check the translation, then remove the fuzzy flag)"
    if _fields(msgid) != _fields(msgstr):
        return f"its {{…}} fields {_fields(msgstr)} differ from the English {_fields(msgid)}"
    if entry_kind == "markdown":
        for pattern, what in ((_CODE_SPAN, "inline code"), (_MATH, "formulas")):
            lost = sorted(set(pattern.findall(msgid)) - set(pattern.findall(msgstr)))
            if lost:
                return f"it lacks the English paragraph's {what} {lost} (keep them unchanged)"
    if entry_kind == "code" and msgstr.count("\n") != msgid.count("\n"):
        return "a display string, comment or docstring must keep its number of lines"
    return None


# ---------------------------------------------------------------- updating a catalog

def merge(po, entries, occurrences) -> int:
    """Bring po in line with entries: new ones empty, changed ones fuzzy with the old translation."""
    polib = polib_module()
    current = translations(po)
    old = [e for e in po if e.msgstr]
    wanted = set()
    changes = 0
    for context, msgid, comment, where in entries:
        wanted.add((context, msgid))
        entry = current.get((context, msgid))
        if entry is None:
            entry = next((e for e in po if e.obsolete and (e.msgctxt, e.msgid) == (context, msgid)), None)
            if entry is not None:
                entry.obsolete = False
            else:
                entry = polib.POEntry(msgctxt=context, msgid=msgid, msgstr="")
                similar = _most_similar(msgid, context, old)
                if similar is not None:
                    entry.msgstr, entry.previous_msgid = similar.msgstr, similar.msgid
                    entry.flags.append("fuzzy")
                po.append(entry)
            changes += 1
        entry.comment, entry.occurrences = comment, occurrences(where)
    for entry in list(po):
        if not entry.obsolete and (entry.msgctxt, entry.msgid) not in wanted:
            entry.obsolete = True
            changes += 1
        if entry.obsolete and not entry.msgstr:
            po.remove(entry)                          # nothing worth keeping for a later fuzzy match
    return changes


def _most_similar(msgid, context, candidates):
    """The translated entry whose English is closest to msgid (same context preferred), if close."""
    best, best_score = None, 0.6
    for e in candidates:
        score = difflib.SequenceMatcher(None, msgid, e.msgid).ratio() + (0.05 if e.msgctxt == context else 0)
        if score > best_score:
            best, best_score = e, score
    return best


def save(po, path: Path) -> bool:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = str(po)
    return student.write_if_changed(path, text if text.endswith("\n") else text + "\n")


# ---------------------------------------------------------------- course_lib's own catalog

def library_messages(package_dir: Path = PACKAGE_DIR) -> list[tuple[str, str | None, str]]:
    """Every message of course_lib: (msgid, msgid_plural or None, file), in file order."""
    found, seen = [], set()
    for path in sorted(Path(package_dir).rglob("*.py")):
        if "authoring" in path.relative_to(package_dir).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call)),
                           key=lambda n: (n.lineno, n.col_offset)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
                    for a in node.args]
            if node.func.id in LIBRARY_FUNCTIONS and len(args) == 1 and args[0] is not None:
                msg = (args[0], None)
            elif node.func.id == "ngettext" and len(args) == 3 and None not in args[:2]:
                msg = (args[0], args[1])
            else:
                continue
            if msg not in seen:
                seen.add(msg)
                found.append((*msg, str(path.relative_to(package_dir.parent))))
    return found


def update_library(po_path: Path = LIBRARY_PO, package_dir: Path = PACKAGE_DIR) -> bool:
    """Refresh course_lib.po from the _()/N_()/ngettext literals of course_lib; True if changed."""
    po = load_catalog(po_path)
    messages = library_messages(package_dir)
    entries = [(None, msgid, None, where) for msgid, _plural, where in messages]
    plural = {msgid: p for msgid, p, _ in messages if p}
    merge(po, entries, lambda where: [(where, "")])
    for entry in po:
        if entry.msgid in plural and not entry.obsolete:
            entry.msgid_plural = plural[entry.msgid]
            entry.msgstr_plural = entry.msgstr_plural or {0: ""}
    return save(po, po_path)


def library_missing(po_path: Path = LIBRARY_PO, package_dir: Path = PACKAGE_DIR) -> list[tuple[str, str]]:
    """(msgid, reason) for each message of course_lib without a current Korean translation."""
    table = translations(load_catalog(po_path))
    out = []
    for msgid, plural, _where in library_messages(package_dir):
        entry = table.get((None, msgid))
        text = "" if entry is None else (entry.msgstr_plural.get(0, "") if plural else entry.msgstr)
        reason = problem("code", msgid, text, entry is not None and "fuzzy" in entry.flags)
        if reason:
            out.append((msgid, reason))
    return out


def mo_bytes(po_path: Path = LIBRARY_PO) -> bytes:
    """The compiled .mo of a .po file (fuzzy entries left out, as msgfmt does)."""
    import os
    import tempfile
    po = load_catalog(po_path)
    for entry in [e for e in po if "fuzzy" in e.flags]:
        po.remove(entry)
    fd, tmp = tempfile.mkstemp(suffix=".mo")
    os.close(fd)
    try:
        po.save_as_mofile(tmp)
        return Path(tmp).read_bytes()
    finally:
        Path(tmp).unlink(missing_ok=True)


def mo_messages(data: bytes) -> dict:
    """What a compiled catalog says (gettext's own reading of it): {msgid or (msgid, n): msgstr}."""
    import gettext
    import io
    return dict(gettext.GNUTranslations(io.BytesIO(data))._catalog)


def compile_library(check: bool = False, po_path: Path = LIBRARY_PO) -> list[Path]:
    """Compile course_lib.po to course_lib.mo beside it; the .mo written (check: that is stale).

    The .mo counts as current when gettext reads the same messages from it as from a fresh
    compilation of the .po (so another polib version's byte layout is not a change).
    """
    mo_path = Path(po_path).with_suffix(".mo")
    data = mo_bytes(po_path)
    if mo_path.exists() and mo_messages(mo_path.read_bytes()) == mo_messages(data):
        return []
    if not check:
        mo_path.write_bytes(data)
    return [mo_path]
