"""Score submitted notebooks in grading mode: one point an exercise whose check passes.

    python -m course_lib.authoring.grade submitted/*/01_vanishing_gradients.ipynb
    python -m course_lib.authoring.grade --csv scores.csv submitted/*/*.ipynb

Each notebook runs top to bottom in a kernel of this Python (its own folder as the working
directory), with ``COURSE_GRADING=1``, going on past errors. In grading mode a check that does
not pass raises (an exercise left "not done yet" included), so a check cell that ends in an error
scores 0 and one that runs scores 1. The exercises counted are the chapter's registered ones
(``exercises.ids("NN")``, NN from the file name), so a deleted check cell scores 0 too.

Nothing is written next to the submissions; ``--csv`` writes one row a notebook and exercise.
"""
from __future__ import annotations

import argparse
import csv
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

CHECK_CALL = re.compile(r"""\bcheck\(\s*["'](\d\d-[a-z0-9]+(?:-[a-z0-9]+)*)["']""")
TIMEOUT = 600                      # seconds per cell


@dataclass
class Score:
    """The exercises of one notebook: id -> passed (True) or not (False)."""

    path: Path
    passed: dict[str, bool] = field(default_factory=dict)

    @property
    def points(self) -> int:
        return sum(self.passed.values())

    @property
    def total(self) -> int:
        return len(self.passed)

    def line(self) -> str:
        marks = ", ".join(f"{i} {'✔' if ok else '✘'}" for i, ok in self.passed.items())
        return f"{self.path}: {self.points}/{self.total} ({marks})"


def chapter_of(path: Path) -> str:
    """'01' for .../01_vanishing_gradients.ipynb; a name without NN_ -> ValueError."""
    match = re.match(r"(\d\d)_", Path(path).name)
    if not match:
        raise ValueError(f"{path}: the file name must start with the chapter number, like "
                         "01_vanishing_gradients.ipynb, so the grader knows its exercises")
    return match.group(1)


def grade_notebook(path: Path, timeout: int = TIMEOUT) -> Score:
    """Run the notebook at path in grading mode and score each of its chapter's exercises."""
    from nbclient import NotebookClient

    from course_lib import exercises
    from course_lib.authoring.build import kernel_manager
    from course_lib.authoring.student import read_notebook

    path = Path(path)
    expected = exercises.ids(chapter_of(path))
    nb = read_notebook(path)
    client = NotebookClient(nb, km=kernel_manager(), timeout=timeout, kernel_name="python3",
                            allow_errors=True, resources={"metadata": {"path": str(path.parent)}})
    client.execute(env={**os.environ, exercises.GRADING_ENV: "1"})
    ran = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        errored = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        for exercise_id in CHECK_CALL.findall(cell.source):
            ran[exercise_id] = ran.get(exercise_id, True) and not errored
    return Score(path, {i: ran.get(i, False) for i in expected})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course_lib.authoring.grade",
        description="Run notebooks in grading mode (COURSE_GRADING=1) and score their exercises.")
    parser.add_argument("notebooks", nargs="+", type=Path, help="submitted notebooks NN_name.ipynb")
    parser.add_argument("--csv", type=Path, help="also write notebook,exercise,passed rows here")
    parser.add_argument("--timeout", type=int, default=TIMEOUT, help="seconds a cell may run")
    args = parser.parse_args(argv)
    scores = []
    for path in args.notebooks:
        try:
            chapter_of(path)
        except ValueError as err:
            parser.error(str(err))
        if not path.is_file():
            parser.error(f"{path}: no such notebook")
        scores.append(grade_notebook(path, args.timeout))
        print(scores[-1].line(), flush=True)
    if args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["notebook", "exercise", "passed"])
            for score in scores:
                writer.writerows([str(score.path), i, int(ok)] for i, ok in score.passed.items())
    return 0


if __name__ == "__main__":
    sys.exit(main())
