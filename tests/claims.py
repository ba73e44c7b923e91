"""The sentences of a chapter that quantify or compare, so its test can prove each one is checked.

A course whose "What you should see" can be wrong loses its students' trust. So every sentence of
a "What you should see" or summary cell that states a number or compares two things must be either

* printed by the code from its variables (an f-string whose wording follows the numbers: then it
  is not in a markdown cell at all, and this module does not see it), or
* quoted, word for word, in the chapter's test, next to the assertion that proves it.

    from claims import unchecked
    QUOTED = {"SGD's $y$ changes sign at *every* step": "test_sgd_zigzags", ...}
    assert not unchecked(NOTEBOOK, QUOTED)

A sentence counts as quoted when one of the quoted strings occurs in it (after white space is
folded), so a test may quote the telling part of a long sentence.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat

#: Cells whose sentences must be backed by numbers: the "What you should see" paragraphs, the
#: summaries (takeaways) and the answers of the instructor version.
CLAIM_CELLS = re.compile(r"What you should see|^#+\s*(Summary|Takeaways)", re.I | re.M)

#: Words that compare or quantify; a sentence with one of them, or with a digit, is a claim.
COMPARING = re.compile(
    r"\b(more|less|fewer|larger|smaller|bigger|higher|lower|faster|slower|ahead|behind|better|"
    r"worse|closer|farther|further|nearer|near|about|roughly|almost|nearly|most|least|best|worst|"
    r"twice|half|times|orders? of magnitude|percent|same|equal|exceeds?|beats?|wins?|loses?|"
    r"dearer|cheaper|expensive|stays?|stalls?|never|always)\b", re.I)
_NUMBER = re.compile(r"[0-9¼½¾⅓⅔]|\b(one|two|three|four|five|six|seven|eight|nine|ten)\b", re.I)
_HEADING_ONLY = re.compile(r"#+\s*What you should see[^\n]*", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z*_(\"'“])|\n\s*[-*]\s+|\n{2,}")


def _fold(text: str) -> str:
    return " ".join(text.split())


def sentences(text: str) -> list[str]:
    """The sentences (and list items) of a markdown text, white space folded."""
    return [s for s in (_fold(p) for p in _SENTENCE_END.split(text)) if s]


def is_claim(sentence: str) -> bool:
    """Whether a sentence states a number or compares (math between $...$ counts)."""
    return bool(_NUMBER.search(sentence) or COMPARING.search(sentence))


def claim_sentences(path) -> list[str]:
    """Every claim in the "What you should see" and summary cells of the notebook at path."""
    found = []
    for source in claim_texts(path):
        found += [s for s in sentences(source) if is_claim(s)]
    return found


def claim_texts(path) -> list[str]:
    """The markdown of the claim cells: a cell that names "What you should see" or a summary, and
    the first markdown cell after a heading-only "What you should see" cell (the text that comes
    after the code it talks about), unless that cell starts a new heading or is speaker notes."""
    nb = nbformat.read(Path(path), as_version=4)
    texts, under_heading = [], False
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        text = cell.source.strip()
        if CLAIM_CELLS.search(text):
            texts.append(text)
            under_heading = bool(_HEADING_ONLY.fullmatch(text))
        elif text.startswith("#"):
            under_heading = False
        elif under_heading:
            if cell.metadata.get("slideshow", {}).get("slide_type") != "notes":
                texts.append(text)
            under_heading = False
    return texts


def unchecked(path, quoted) -> list[str]:
    """The claims of the notebook at path that none of the quoted strings covers."""
    quoted = [_fold(q) for q in quoted]
    return [s for s in claim_sentences(path) if not any(q in s for q in quoted)]


def stale_quotes(path, quoted) -> list[str]:
    """Quoted strings that no longer occur in the notebook (the sentence was reworded)."""
    nb = nbformat.read(Path(path), as_version=4)
    text = _fold(" ".join(c.source for c in nb.cells if c.cell_type == "markdown"))
    return [q for q in quoted if _fold(q) not in text]
