"""Grading mode end to end: python -m course_lib.authoring.grade runs a notebook with
COURSE_GRADING=1 and scores each exercise; an untouched student notebook scores zero, the
instructor notebook full marks."""
import subprocess
import sys

import nbformat
import pytest

from course_lib.authoring import grade
from notebook_run import NOTEBOOKS, ROOT

CHAPTER = "00_start_here.ipynb"


@pytest.fixture(scope="module")
def scores():
    return {"student": grade.grade_notebook(NOTEBOOKS / CHAPTER),
            "instructor": grade.grade_notebook(NOTEBOOKS / "solutions" / CHAPTER)}


def test_untouched_student_notebook_scores_zero(scores):
    score = scores["student"]
    assert score.total == 2 and set(score.passed) == {"00-neuron", "00-accuracy"}
    assert score.points == 0, score.line()


def test_instructor_notebook_scores_full_marks(scores):
    score = scores["instructor"]
    assert score.points == score.total == 2, score.line()


def test_a_deleted_check_cell_scores_zero(tmp_path):
    nb = nbformat.read(NOTEBOOKS / "solutions" / CHAPTER, as_version=4)
    nb.cells = [c for c in nb.cells if 'check("00-accuracy"' not in c.source]
    path = tmp_path / CHAPTER
    nbformat.write(nb, path)
    score = grade.grade_notebook(path)
    assert score.passed == {"00-neuron": True, "00-accuracy": False}


def test_command_line_prints_scores_and_writes_csv(tmp_path):
    out = tmp_path / "scores.csv"
    done = subprocess.run([sys.executable, "-m", "course_lib.authoring.grade", "--csv", str(out),
                           str(NOTEBOOKS / CHAPTER)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "0/2 (00-accuracy ✘, 00-neuron ✘)" in done.stdout
    assert out.read_text().splitlines()[1:] == [f"{NOTEBOOKS / CHAPTER},00-accuracy,0",
                                                f"{NOTEBOOKS / CHAPTER},00-neuron,0"]
    bad = subprocess.run([sys.executable, "-m", "course_lib.authoring.grade", str(tmp_path / "x.ipynb")],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "chapter number" in bad.stderr
