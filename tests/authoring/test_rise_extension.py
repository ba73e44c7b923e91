"""The labextension that lets the RISE slideshow show ipywidgets (course_lib/authoring/rise_widgets)
is installed, and is the one built from the repository's source.

build.py writes the SHA-256 of the extension's source files into the prebuilt labextension
(source.json); here it is computed again from the source and compared with the installed copy,
whose files must also be byte for byte the committed prebuilt ones. A change to src/, style/,
package.json, the lock or build.py without a rebuild, or a stale install, fails with the command
that fixes it.
"""
from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "course_lib" / "authoring" / "rise_widgets"
PREBUILT = SOURCE / "course_rise_widgets" / "labextension"
NAME = "course-rise-widgets"
REBUILD = ("python course_lib/authoring/rise_widgets/build.py && "
           "pip install ./course_lib/authoring/rise_widgets")


def _build_module():
    spec = importlib.util.spec_from_file_location("course_rise_widgets_build", SOURCE / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _installed() -> Path:
    """The folder JupyterLab loads the extension from: the first labextensions/<NAME> on its
    data path (the same search order as JupyterLab's)."""
    from jupyter_core.paths import jupyter_path
    for base in jupyter_path("labextensions"):
        if (Path(base) / NAME / "package.json").is_file():
            return Path(base) / NAME
    pytest.fail(f"the labextension {NAME} is not installed: pip install -r requirements.txt",
                pytrace=False)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_prebuilt_extension_is_built_from_this_source():
    recorded = json.loads((PREBUILT / "source.json").read_text())["source_sha256"]
    now = _build_module().source_sha256(SOURCE)
    assert recorded == now, (f"extensions/{NAME}: the source changed since the prebuilt "
                             f"labextension was built (recorded {recorded[:12]}, source now "
                             f"{now[:12]}): rebuild and commit it: {REBUILD}")


def test_installed_extension_is_the_prebuilt_one():
    installed, prebuilt = _files(_installed()), _files(PREBUILT)
    assert sorted(installed) == sorted(prebuilt), (
        f"the installed {NAME} has files {sorted(installed)}, the repository's prebuilt one "
        f"{sorted(prebuilt)}: reinstall: pip install ./extensions/{NAME}")
    differ = [name for name in prebuilt if installed[name] != prebuilt[name]]
    assert not differ, (f"the installed {NAME} differs from the repository's prebuilt one in "
                        f"{differ}: reinstall: pip install ./extensions/{NAME}")


def test_it_provides_console_at_the_version_of_the_rise_app():
    """The bundled @jupyterlab/console is shared at the version of the JupyterLab packages
    that RISE's app is built with; RISE's app does not share console itself (else this
    extension is no longer needed)."""
    import jupyterlab_rise
    bundle = (Path(jupyterlab_rise.__file__).parent / "static" / "bundle.js").read_text()
    rise = dict(re.findall(r'\("(@jupyterlab/[a-z-]+)","(\d+\.\d+\.\d+)"', bundle))
    assert "@jupyterlab/cells" in rise, "could not read RISE's shared packages from its bundle.js"
    assert "@jupyterlab/console" not in rise, (
        f"jupyterlab-rise now shares @jupyterlab/console {rise.get('@jupyterlab/console')}: "
        f"the slideshow no longer needs extensions/{NAME}; remove it")
    bundled = json.loads((PREBUILT / "source.json").read_text())["bundled"]["@jupyterlab/console"]
    entry = next((PREBUILT / "static").glob("remoteEntry.*.js")).read_text()
    assert f'("@jupyterlab/console","{bundled}",' in entry, \
        f"the prebuilt remoteEntry does not offer @jupyterlab/console {bundled}"
    assert bundled == rise["@jupyterlab/cells"], (
        f"{NAME} bundles @jupyterlab/console {bundled} but RISE's app has JupyterLab "
        f"{rise['@jupyterlab/cells']} packages: set that version in "
        f"extensions/{NAME}/package-lock.json and rebuild: {REBUILD}")
