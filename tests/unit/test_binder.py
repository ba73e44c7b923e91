"""The files repo2docker (Binder) reads in .binder/.

What can be tested here, offline: no network and no Docker, so repo2docker itself is not run and
nothing is downloaded. The test checks that the files exist, that the Python pin is one
repo2docker understands and the package accepts, and that every package they name is a
declared dependency of the course (pyproject.toml), installed in this environment at a version
the line accepts — so the image would get the course's runtime, and nothing from the test or
authoring tools.
"""
import re
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
BINDER = ROOT / ".binder"
tomllib = pytest.importorskip("tomllib", reason="tomllib is in Python 3.11+")
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _requirements(path):
    lines = [line.split("#", 1)[0].strip() for line in path.read_text().splitlines()]
    return [line for line in lines if line]


def _local(lines):
    """The lines that install a folder of this repository (the course itself, the slideshow extension)."""
    return [line for line in lines if line == "." or line.startswith("./")]


def _names(requirements):
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def test_python_is_pinned_to_a_version_the_package_accepts():
    runtime = (BINDER / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(3\.\d+)", runtime)
    assert match, f"repo2docker wants 'python-3.X', found {runtime!r}"
    version = Version(match.group(1))
    assert version in SpecifierSet(PROJECT["requires-python"])
    assert version > Version("3.10"), "repo2docker's default 3.10 caps numpy; pin a newer Python"


def test_requirements_install_the_course_and_only_what_students_need():
    lines = _requirements(BINDER / "requirements.txt")
    assert "." in lines, "the repository itself (course_lib with its data) must be installed"
    for folder in _local(lines):
        assert (ROOT / folder / "pyproject.toml").is_file(), f"{folder}: no installable folder there"
    named = _names([line for line in lines if line not in _local(lines)])
    allowed = _names(PROJECT["dependencies"] + PROJECT["optional-dependencies"]["notebooks"])
    assert named <= allowed, f"not a student dependency of the course: {sorted(named - allowed)}"
    assert {"jupyterlab", "jupyterlab-rise"} <= named
    extras = PROJECT["optional-dependencies"]
    tools = _names([r for r in extras["test"] if not r.startswith("course_lib")]
                   + extras["authoring"]
                   + extras["instructor"])
    assert not named & tools


def test_every_named_package_is_installable_here():
    """Installed in this environment at a version the line accepts (an offline stand-in for
    'pip could install it'): a misspelt name or an impossible pin fails."""
    lines = [line for line in _requirements(BINDER / "requirements.txt") if line not in _local([line])]
    for requirement in map(Requirement, lines + PROJECT["dependencies"]):
        installed = metadata.version(requirement.name)
        assert requirement.specifier.contains(installed, prereleases=True), \
            f"{requirement}: this environment has {installed}"


def test_no_postbuild_needed_or_it_is_executable():
    post = BINDER / "postBuild"
    assert not post.exists() or post.stat().st_mode & 0o111, "repo2docker runs postBuild only if executable"
