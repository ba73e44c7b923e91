"""Grading with nbgrader: ``nbgrader generate_assignment``, configured like the course
(course_lib/authoring/nbgrader_config.py), gives the student notebooks of ``notebooks/``.

nbgrader comes with the ``instructor`` extra, which requirements.txt installs (its pins do not
conflict with the course's), so ``pytest`` runs this test. Compared, cell by cell: the cell type,
the source and the cell metadata (slide metadata and tags), and the notebook metadata. Allowed to
differ: nothing else is stored (both have no outputs); cell ids are not compared.
"""
import shutil
import subprocess
import sys

import nbformat
import pytest

from notebook_run import NOTEBOOKS, ROOT

pytest.importorskip("nbgrader", reason="nbgrader is the instructor extra: pip install -e '.[instructor]'")

CONFIG = ROOT / "course_lib" / "authoring" / "nbgrader_config.py"
ASSIGNMENT = "course"


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """nbgrader's course directory: the config at its root, the instructor notebooks as the
    source of one assignment; returns the folder of the generated (release) notebooks."""
    course = tmp_path_factory.mktemp("nbgrader_course")
    shutil.copy2(CONFIG, course / "nbgrader_config.py")
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    for path in sorted((NOTEBOOKS / "solutions").glob("[0-9][0-9]_*.ipynb")):
        shutil.copy2(path, source)
    done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT],
                          cwd=course, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "No nbgrader_config.py file found" not in done.stderr
    return course / "release" / ASSIGNMENT


def _chapters():
    return [p.name for p in sorted((NOTEBOOKS / "solutions").glob("[0-9][0-9]_*.ipynb"))]


@pytest.mark.parametrize("name", _chapters())
def test_nbgrader_generates_the_student_notebooks(released, name):
    ours = nbformat.read(NOTEBOOKS / name, as_version=4)
    theirs = nbformat.read(released / name, as_version=4)
    assert len(theirs.cells) == len(ours.cells)
    for i, (a, b) in enumerate(zip(theirs.cells, ours.cells)):
        assert (a.cell_type, a.source) == (b.cell_type, b.source), f"{name} cell {i}"
        assert a.metadata == b.metadata, f"{name} cell {i}: metadata"
        assert not a.get("outputs")
    assert theirs.metadata == ours.metadata


def test_the_config_names_the_course_markers():
    text = CONFIG.read_text()
    for marker in ('"BEGIN SOLUTION"', '"END SOLUTION"', '"raise NotImplementedError"',
                   '"**Your answer:** _write it here._"', "enforce_metadata = False"):
        assert marker in text
