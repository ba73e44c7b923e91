"""Grading with nbgrader: ``nbgrader generate_assignment``, configured like the course
(course_lib/authoring/nbgrader_config.py), gives the student notebooks of ``notebooks/``.

nbgrader (the ``instructor`` extra) is not installed with the course: its JupyterLab extensions
stop RISE's slideshow from loading in the same JupyterLab (the browser tests' slide test fails
with it). So this test makes a virtual environment of its own with nbgrader from the package
registry, once, cached in the temporary folder (``course-nbgrader-<hash>``, rebuilt when the
pin or Python changes), and runs nbgrader there. It is skipped, saying so, only when the
registry cannot be reached; any other failure to install fails the test.

Compared, cell by cell: the cell type, the source and the cell metadata (slide metadata and
tags), and the notebook metadata. Allowed to differ: nothing else is stored (both have no
outputs); cell ids are not compared.
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

import nbformat
import pytest

from notebook_run import NOTEBOOKS, ROOT

tomllib = pytest.importorskip("tomllib", reason="tomllib is in Python 3.11+")
CONFIG = ROOT / "course_lib" / "authoring" / "nbgrader_config.py"
ASSIGNMENT = "course"
PIN = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["instructor"]
OFFLINE = re.compile(r"NewConnectionError|Network is unreachable|Temporary failure in name resolution|"
                     r"Name or service not known|Connection refused|Max retries exceeded|"
                     r"No matching distribution found for nbgrader", re.I)


def _nbgrader_python() -> Path:
    """The Python of a virtual environment with nbgrader (made once, then reused; a lock file
    keeps two test runs from building it at the same time)."""
    import fcntl
    key = hashlib.sha256(f"{PIN} {sys.version}".encode()).hexdigest()[:12]
    home = Path(tempfile.gettempdir()) / f"course-nbgrader-{key}"
    python = home / "bin" / "python"
    with open(f"{home}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (home / ".ready").is_file():
            return python
        shutil.rmtree(home, ignore_errors=True)          # a build that stopped half-way
        venv.EnvBuilder(with_pip=True).create(home)      # where it stays: scripts name their folder
        done = subprocess.run([str(python), "-m", "pip", "install", "-q", *PIN],
                              capture_output=True, text=True, timeout=1200)
        if done.returncode != 0:
            shutil.rmtree(home, ignore_errors=True)
            found = OFFLINE.search(done.stdout + done.stderr)
            if found:
                pytest.skip(f"cannot install {PIN} into a fresh environment: the package registry "
                            f"is unreachable ({found.group(0)})")
            pytest.fail(f"pip install {PIN} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
        (home / ".ready").write_text(f"{PIN}\n")
    return python


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
    python = _nbgrader_python()
    env = {**os.environ, "PATH": f"{python.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("VIRTUAL_ENV", None)                  # nbgrader runs its `alembic` from PATH
    done = subprocess.run([str(python), "-m", "nbgrader", "generate_assignment", ASSIGNMENT],
                          cwd=course, capture_output=True, text=True, timeout=600, env=env)
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
