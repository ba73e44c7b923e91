"""The layering of course_lib is executable: every import of every module (module-level and
inside functions) is read with ast and checked against the layer table in course_lib/__init__.py.

A module may import modules of its own layer or a lower one (the files of one package import
each other freely), never a higher layer; no layer imports authoring; and no module imports a
private name (``_x``) from another module.
"""
import ast
from pathlib import Path

import pytest

import course_lib

ROOT = Path(course_lib.__file__).resolve().parent
LAYERS = course_lib.LAYERS


def _top(module):
    """'course_lib.plots.curves' -> 'plots'; None for modules outside course_lib."""
    parts = module.split(".")
    return parts[1] if parts[0] == "course_lib" and len(parts) > 1 else None


def _modules():
    """{dotted name: path} of every .py file of course_lib (authoring included)."""
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports_of(module, path):
    """[(line, imported module, imported name or None)] of every import statement in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for a in node.names:
                found.append((node.lineno, base, a.name))
    return found


def violations(modules=None):
    """Every import that breaks the layering, as readable lines."""
    modules = _modules() if modules is None else modules
    bad = []
    for module, path in modules.items():
        here = _top(module)
        if here is None:                         # course_lib/__init__.py itself imports nothing
            continue
        if here not in LAYERS:
            bad.append(f"{module}: not in course_lib.LAYERS; give it a layer there")
            continue
        for line, target, name in imports_of(module, path):
            if target == "course_lib" and name is not None:      # from course_lib import plots
                target, name = f"course_lib.{name}", None
            there = _top(target)
            where = f"{module}:{line}"
            if there is None or there == here:
                pass
            elif there not in LAYERS:
                bad.append(f"{where}: imports {target}, which is not in course_lib.LAYERS")
            elif LAYERS[there] == "beside" and LAYERS[here] != "beside":
                bad.append(f"{where}: {here} (layer {LAYERS[here]}) imports authoring, which no layer may")
            elif LAYERS[here] != "beside" and LAYERS[there] > LAYERS[here]:
                bad.append(f"{where}: {here} (layer {LAYERS[here]}) imports {target} "
                           f"(layer {LAYERS[there]}): imports only go down")
            if (name and name.startswith("_") and not name.startswith("__") and target.startswith("course_lib")
                    and target != module):
                bad.append(f"{where}: imports the private name {name} from {target}; make it public "
                           f"(in a private module if it is shared inside a package) or keep it where it is used")
    return bad


def test_every_module_has_a_layer_and_every_import_goes_down():
    assert violations() == []


def test_the_table_names_every_top_level_module_and_package():
    tops = {p.stem for p in ROOT.glob("*.py") if p.stem != "__init__"} | {
        p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert tops == set(LAYERS)
    assert set(LAYERS.values()) <= {1, 2, 3, 4, "beside"}


@pytest.mark.parametrize("source, complaint", [
    ("from course_lib import plots\n", "imports only go down"),                   # numerics -> plots
    ("def f():\n    from course_lib.widgets import slider\n", "imports only go down"),   # in a function
    ("from course_lib.authoring import student\n", "imports authoring"),
    ("from course_lib.layers import _helper\n", "private name _helper"),
    ("from .network import MLP\n", "imports only go down"),                       # relative import
])
def test_the_check_catches_each_kind_of_bad_import(tmp_path, source, complaint):
    path = tmp_path / "activations.py"
    path.write_text(source)
    found = violations({"course_lib.activations": path})
    assert len(found) == 1 and complaint in found[0], found


def test_allowed_imports_pass(tmp_path):
    path = tmp_path / "curves.py"
    path.write_text("import numpy as np\nfrom course_lib import optimizers, search\n"
                    "from course_lib.plots._style import PALETTE\nfrom course_lib._names import resolve\n")
    assert violations({"course_lib.plots.curves": path}) == []
