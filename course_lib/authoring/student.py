"""Generate the student notebooks from the instructor notebooks (one source, two versions).

    python -m course_lib.authoring.student            # write notebooks/<name>.ipynb from notebooks/solutions/
    python -m course_lib.authoring.student --check    # exit 1 listing student notebooks that are out of date
    python -m course_lib.authoring.student strip notebooks/solutions/01_vanishing_gradients.ipynb
                                            # remove outputs and execution counts in place

Generating (and --check) covers the Korean edition too (course_lib.authoring.translate):
notebooks/ko/ and notebooks/ko/solutions/ for every chapter whose Korean catalog is complete,
and course_lib's compiled message catalog (course_lib/locale/ko/LC_MESSAGES/course_lib.mo).

In code cells the lines from ``### BEGIN SOLUTION`` to ``### END SOLUTION``
(inclusive) become ``raise NotImplementedError`` at the indentation of the
BEGIN line (the nbgrader convention; it works inside a function body). A cell
whose student version raises when it runs (the raise is not inside a def) gets
the ``raises-exception`` tag. In markdown cells the region from
``<!-- BEGIN SOLUTION -->`` to ``<!-- END SOLUTION -->`` becomes a prompt line.
Outputs and execution counts are removed, metadata is kept, and notebooks are
written atomically with a stable JSON dump, only when their content changed: flushed
to disk (fsync) before the rename, with ordinary permissions (0644 under umask 022).
A notebook that is not valid JSON is reported by name (NotebookReadError).
"""
from __future__ import annotations

import argparse
import ast
import copy
import os
import sys
import tempfile
from pathlib import Path

import nbformat

CODE_BEGIN = "### BEGIN SOLUTION"
CODE_END = "### END SOLUTION"
MD_BEGIN = "<!-- BEGIN SOLUTION -->"
MD_END = "<!-- END SOLUTION -->"
STUB = "raise NotImplementedError"
MD_PROMPT = "**Your answer:** _write it here._"
RAISES_TAG = "raises-exception"

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"


class SolutionMarkerError(ValueError):
    """A BEGIN/END SOLUTION marker is missing, repeated or in the wrong kind of cell."""


class NotebookReadError(ValueError):
    """A notebook file is not valid JSON or not a valid notebook; the message names the file."""


def read_notebook(path: Path):
    """nbformat.read(path) as version 4; a broken file -> NotebookReadError naming it."""
    try:
        return nbformat.read(path, as_version=4)
    except (ValueError, KeyError, AttributeError, TypeError, UnicodeDecodeError) as err:
        # NotJSONError and json.JSONDecodeError are ValueErrors; nbformat raises the others on a
        # JSON file that is not a notebook
        raise NotebookReadError(
            f"{path} is not a readable notebook ({type(err).__name__}: {str(err)[:200]}). "
            "Restore it from git (git checkout -- FILE) or open and re-save it in JupyterLab."
        ) from None


# ---------------------------------------------------------------- cells

def _where(name: str, index: int, cell) -> str:
    cell_id = cell.get("id")
    return f"{name}, cell {index}" + (f" (id {cell_id})" if cell_id else "")


def _replace_regions(lines: list[str], begin: str, end: str, where: str,
                     replacement) -> tuple[list[str], int]:
    """Replace each begin..end region (inclusive); replacement(indent) -> line."""
    out, start, count = [], None, 0
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith(begin):
            if start is not None:
                raise SolutionMarkerError(
                    f"{where}: line {number} opens '{begin}' again before the one on line "
                    f"{start} is closed; add '{end}' after the first solution.")
            start = number
            indent = line[:len(line) - len(line.lstrip())]
        elif stripped.startswith(end):
            if start is None:
                raise SolutionMarkerError(
                    f"{where}: line {number} has '{end}' without a '{begin}' before it.")
            out.append(replacement(indent))
            start, count = None, count + 1
        elif start is None:
            out.append(line)
    if start is not None:
        raise SolutionMarkerError(f"{where}: '{begin}' on line {start} is never closed; "
                                  f"add a line '{end}' after the solution.")
    return out, count


def _raises_when_run(source: str) -> bool:
    """True if a ``raise NotImplementedError`` in source runs at cell execution time,
    i.e. is not inside a function (def, async def or lambda)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
        source = TransformerManager().transform_cell(source)
    except ImportError:  # pragma: no cover - IPython is installed with the notebooks
        pass
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return any(line.startswith(STUB) for line in source.splitlines())

    def visit(node, in_function: bool) -> bool:
        if isinstance(node, ast.Raise) and not in_function:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(exc, ast.Name) and exc.id == "NotImplementedError":
                return True
        inner = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                 ast.Lambda))
        return any(visit(child, inner) for child in ast.iter_child_nodes(node))

    return visit(tree, False)


def student_cell(cell, where: str, md_prompt: str = MD_PROMPT):
    """The student version of one cell (a new cell; the input is not changed)."""
    cell = copy.deepcopy(cell)
    lines = cell.source.split("\n")
    if cell.cell_type == "code":
        for marker in (MD_BEGIN, MD_END):
            if any(line.strip().startswith(marker) for line in lines):
                raise SolutionMarkerError(f"{where}: '{marker}' is the markdown marker; in a "
                                          f"code cell use '{CODE_BEGIN}' / '{CODE_END}'.")
        lines, count = _replace_regions(lines, CODE_BEGIN, CODE_END, where,
                                        lambda indent: indent + STUB)
        cell.source = "\n".join(lines)
        if count and _raises_when_run(cell.source):
            tags = cell.metadata.setdefault("tags", [])
            if RAISES_TAG not in tags:
                tags.append(RAISES_TAG)
        cell.outputs = []
        cell.execution_count = None
    elif cell.cell_type == "markdown":
        for marker in (CODE_BEGIN, CODE_END):
            if any(line.strip().startswith(marker) for line in lines):
                raise SolutionMarkerError(f"{where}: '{marker}' is the code marker; in a "
                                          f"markdown cell use '{MD_BEGIN}' / '{MD_END}'.")
        lines, _ = _replace_regions(lines, MD_BEGIN, MD_END, where,
                                    lambda indent: indent + md_prompt)
        cell.source = "\n".join(lines)
    return cell


def strip_outputs(nb):
    """Remove outputs, execution counts, run timings and saved widget state (in place)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    return nb


def student_notebook(nb, name: str = "notebook", md_prompt: str = MD_PROMPT):
    """The student version of a solution notebook (a new notebook); md_prompt replaces a
    markdown solution (the Korean edition passes its own)."""
    out = copy.deepcopy(nb)
    out.cells = [student_cell(cell, _where(name, i, cell), md_prompt) for i, cell in enumerate(nb.cells)]
    return strip_outputs(out)


# ---------------------------------------------------------------- files

def dumps(nb) -> str:
    """Stable text of a notebook: nbformat's sorted, indented JSON and a final newline."""
    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def ordinary_mode() -> int:
    """The permissions a written file gets: 0o666 minus the umask (0644 under umask 022), as
    open() gives a new file; never mkstemp's 0600, which a web server or classmates cannot read
    (a file an earlier version wrote 0600 gets ordinary permissions again)."""
    return 0o666 & ~_umask()


def write_if_changed(path: Path, text: str) -> bool:
    """Write text to path atomically, only if it differs; True if written.

    A temp file beside path gets the text, ordinary permissions and an fsync, then replaces
    path (os.replace): a reader sees the old file or the new one, never half of it."""
    path = Path(path)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    mode = ordinary_mode()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fchmod(f.fileno(), mode)
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def generate_text(solution_path: Path) -> str:
    """The exact text of the student notebook generated from solution_path."""
    solution_path = Path(solution_path)
    nb = read_notebook(solution_path)
    return dumps(student_notebook(nb, name=str(solution_path)))


def solution_paths(root: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The instructor notebooks, sorted: root/solutions/*.ipynb."""
    folder = Path(root) / "solutions"
    if not folder.is_dir():
        raise FileNotFoundError(f"no folder {folder}: the instructor notebooks live in "
                                "notebooks/solutions/ (pass --root to point elsewhere)")
    return sorted(folder.glob("*.ipynb"))


def generate(root: Path = NOTEBOOKS_DIR, check: bool = False,
             names: list[str] | None = None) -> list[Path]:
    """Generate root/<name>.ipynb from root/solutions/<name>.ipynb for every solution.

    Returns the student notebooks that were (check=False: rewritten; check=True:
    would be rewritten, nothing is written). With check=True, student notebooks
    without a solution notebook are reported as stale too.
    """
    root = Path(root)
    sources = solution_paths(root)
    if names:
        wanted = {Path(n).stem for n in names}
        unknown = wanted - {p.stem for p in sources}
        if unknown:
            raise FileNotFoundError(f"no solution notebook for {sorted(unknown)} in {root / 'solutions'}")
        sources = [p for p in sources if p.stem in wanted]
    changed = []
    for source in sources:
        target = root / source.name
        text = generate_text(source)
        if check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                changed.append(target)
        elif write_if_changed(target, text):
            changed.append(target)
    if check and not names:
        have = {p.name for p in sources}
        changed += [p for p in sorted(root.glob("*.ipynb")) if p.name not in have]
    return changed


def strip(paths) -> list[Path]:
    """Strip outputs from notebook files in place; returns the files that changed."""
    changed = []
    for path in map(Path, paths):
        nb = read_notebook(path)
        if write_if_changed(path, dumps(strip_outputs(nb))):
            changed.append(path)
    return changed


# ---------------------------------------------------------------- command line

def _strip_main(argv: list[str]) -> int:
    """``strip FILES``: remove outputs and execution counts in place."""
    parser = argparse.ArgumentParser(prog="python -m course_lib.authoring.student strip",
                                     description="Remove outputs and execution counts in place.")
    parser.add_argument("files", nargs="+", help="notebook files")
    args = parser.parse_args(argv)
    try:
        stripped = strip(args.files)
    except (NotebookReadError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for path in stripped:
        print(f"stripped {path}")
    return 0


def _report(changed: list, untranslated: list, check: bool) -> int:
    """Print what was written (or, with ``check``, what is stale or untranslated); the exit code."""
    for problem in untranslated:
        print(f"untranslated (Korean edition): {problem}", file=sys.stderr)
    if untranslated:
        print("translate them in notebooks/locale/ko/ (python -m course_lib.authoring.translate update "
              "marks what changed); their Korean notebooks are not rewritten until then", file=sys.stderr)
    if check:
        for path in changed:
            print(f"stale: {path}", file=sys.stderr)
        if changed:
            print("run: python -m course_lib.authoring.student", file=sys.stderr)
        return 1 if changed or untranslated else 0
    for path in changed:
        print(f"wrote {path}")
    if not changed:
        print("student notebooks are up to date")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line: generate (default), --check, or strip FILES."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["strip"]:
        return _strip_main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m course_lib.authoring.student",
        description="Generate notebooks/<name>.ipynb from notebooks/solutions/<name>.ipynb.")
    parser.add_argument("names", nargs="*", help="only these chapters (e.g. 01_vanishing_gradients)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a student notebook is out of date")
    parser.add_argument("--root", type=Path, default=NOTEBOOKS_DIR, help="the notebooks folder")
    args = parser.parse_args(argv)
    try:
        changed = generate(args.root, check=args.check, names=args.names)
        from course_lib.authoring import catalogs, translate     # the Korean edition (imports this module)
        korean, untranslated = translate.generate(args.root, check=args.check, names=args.names)
        changed += korean + catalogs.compile_library(check=args.check)
    except (SolutionMarkerError, NotebookReadError, FileNotFoundError, ValueError, ImportError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return _report(changed, untranslated, args.check)

if __name__ == "__main__":
    sys.exit(main())
