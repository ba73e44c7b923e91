"""Build the prebuilt labextension in course_rise_widgets/labextension/ from this folder's source.

    python course_lib/authoring/rise_widgets/build.py      # needs node >= 18 and npm; run in the course venv

Reproducible: `npm ci` installs exactly the packages of package-lock.json from the npm registry,
then @jupyterlab/builder (from that lock) builds the extension against the core package list of
the JupyterLab installed in this environment (its `staging/package.json`, from PyPI). The source
files' SHA-256 (`source_sha256()`) is written to course_rise_widgets/labextension/source.json, and
tests/test_rise_extension.py checks that the installed extension carries that same hash, so the
prebuilt files cannot silently drift from the source. Commit the rebuilt labextension/ folder.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "course_rise_widgets" / "labextension"
# Everything the build reads from this folder; a change to any of them needs a rebuild.
SOURCES = ["package.json", "package-lock.json", "build.py", "src/index.js", "style/index.css"]


def source_sha256(root: Path = HERE) -> str:
    """SHA-256 over the SOURCES: each file's relative path, a NUL, its bytes, a NUL."""
    digest = hashlib.sha256()
    for name in SOURCES:
        digest.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
    return digest.hexdigest()


def _run(command: list[str]) -> str:
    print("+", " ".join(command), flush=True)
    return subprocess.run(command, cwd=HERE, check=True, text=True,
                          stdout=subprocess.PIPE).stdout.strip()


def main() -> int:
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            sys.exit(f"build.py: '{tool}' not found: install Node.js 18 or newer "
                     "(Debian: apt-get install nodejs npm)")
    try:
        import jupyterlab
    except ImportError:
        sys.exit("build.py: JupyterLab is not installed here: activate the course venv "
                 "(pip install -r requirements.txt) and run again")
    core = Path(jupyterlab.__file__).parent / "staging"
    if not (core / "package.json").is_file():
        sys.exit(f"build.py: {core / 'package.json'} is missing: reinstall jupyterlab from PyPI")
    _run(["npm", "ci", "--no-audit", "--no-fund"])
    if OUT.exists():
        shutil.rmtree(OUT)
    _run(["node", "node_modules/@jupyterlab/builder/lib/build-labextension.js",
          "--core-path", str(core), "."])
    lock = json.loads((HERE / "package-lock.json").read_text())["packages"]
    record = {
        "source_sha256": source_sha256(),
        "sources": SOURCES,
        "bundled": {"@jupyterlab/console": lock["node_modules/@jupyterlab/console"]["version"]},
        "built_with": {"node": _run(["node", "--version"]),
                       "@jupyterlab/builder": lock["node_modules/@jupyterlab/builder"]["version"],
                       "jupyterlab core": jupyterlab.__version__},
    }
    (OUT / "source.json").write_text(json.dumps(record, indent=2) + "\n")
    print(f"built {OUT.relative_to(HERE)}; source sha256 {record['source_sha256']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
