"""Execute a notebook with nbclient and read variables back (for key-number tests).

    from notebook_run import run_notebook, NOTEBOOKS
    values = run_notebook(NOTEBOOKS / "solutions" / "00_start_here.ipynb",
                          variables=["data_shapes"])
    assert values["data_shapes"]["x_train"] == [8000, 784]

The notebook runs top to bottom in a kernel of the current Python environment
(sys.executable), with the notebook's folder as working directory and
COURSE_STRICT_CHECKS=1, so a failing check or any unexpected error fails the
run (cells tagged ``raises-exception`` may raise). Then one extra cell, in the
same kernel, prints the requested variables as JSON: numpy scalars become
numbers, arrays and tuples become lists, dict keys become strings. Results are
cached for the test session (per process): a chapter executes once however
many tests read its numbers, as long as each asks for a subset of the
variables of the first call — so ask for all of a chapter's variables in one
module-scoped fixture.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from course_lib.authoring.build import kernel_manager

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TIMEOUT = 300            # seconds per cell
_MARK = "__COURSE_VARIABLES__"
_CACHE: dict[Path, tuple[frozenset, dict]] = {}

_READ_CELL = '''
def _course_jsonable(value):
    import numpy as _np
    if isinstance(value, (_np.generic,)):
        return value.item()
    if isinstance(value, _np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {str(k): _course_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_course_jsonable(v) for v in value]
    return value

def _course_dump(names):
    import json as _json
    missing = [n for n in names if n not in globals()]
    if missing:
        raise NameError(f"the notebook defines no variable(s) {missing}")
    print("%s" + _json.dumps({n: _course_jsonable(globals()[n]) for n in names}))

_course_dump(%r)
'''


def execute(path, variables=(), timeout: int = TIMEOUT, env: dict | None = None) -> dict:
    """Run the notebook at path once (no cache) and return {name: JSON value}."""
    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    names = list(variables)
    nb.cells.append(nbformat.v4.new_code_cell(_READ_CELL % (_MARK, names)))
    client = NotebookClient(nb, km=kernel_manager(), timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    kernel_env = {**os.environ, "COURSE_STRICT_CHECKS": "1", **(env or {})}
    client.execute(env=kernel_env)
    for output in nb.cells[-1].outputs:
        if output.get("output_type") == "stream":
            for line in output.get("text", "").splitlines():
                if line.startswith(_MARK):
                    return json.loads(line[len(_MARK):])
    raise RuntimeError(f"{path.name}: could not read the variables {names} back from the kernel")


def run_notebook(path, variables=(), timeout: int = TIMEOUT) -> dict:
    """Like execute(), cached per test session: each notebook runs at most once
    as long as later calls ask for a subset of the variables of an earlier one."""
    path = Path(path).resolve()
    wanted = frozenset(variables)
    cached = _CACHE.get(path)
    if cached is not None and wanted <= cached[0]:
        return {name: cached[1][name] for name in variables}
    if cached is not None:
        wanted |= cached[0]
    values = execute(path, sorted(wanted), timeout=timeout)
    _CACHE[path] = (wanted, values)
    return {name: values[name] for name in variables}
