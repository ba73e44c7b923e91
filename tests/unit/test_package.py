"""course_lib as a real package: a wheel built from the repository, installed into a fresh
virtual environment outside it, runs a chapter's experiment from a temporary folder.

To stay quick and offline the fresh environment reuses this environment's third-party packages
(numpy, matplotlib, ...) through a ``.pth`` line instead of downloading them, and the wheel is
installed with ``--no-deps --no-index``. A ``.pth`` line only adds a folder to ``sys.path``: the
editable install of course_lib in this environment (its own ``.pth`` hook) is not run there, so
the only course_lib the fresh environment can import is the wheel's — the test checks that.
"""
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

from course_lib import data

ROOT = Path(__file__).resolve().parents[2]

# Run by the wheel's Python from an empty folder: the bundled data and chapter 03's MNIST run
# (std 0.01 stalls, He learns), shortened.
EXPERIMENT = textwrap.dedent("""
    import json, os, sys
    import course_lib
    from course_lib import data, optimizers
    from course_lib.network import MLP
    from course_lib.training import train
    (x_train, t_train), (x_test, t_test) = data.load_mnist()
    accuracy = {}
    for name, init in {"std 0.01": 0.01, "He": "he_normal"}.items():
        net = MLP([784, 100, 100, 100, 100, 10], activation="relu", init=init, seed=0)
        history = train(net, optimizers.get("sgd", lr=0.01), x_train, t_train, x_test, t_test,
                        steps=300, batch_size=100, seed=0, eval_every=300, progress=False)
        accuracy[name] = float(net.accuracy(x_test, t_test))
    import matplotlib
    matplotlib.use("Agg")
    from course_lib import plots
    print(json.dumps({"course_lib": course_lib.__file__, "sample": str(data.SAMPLE_PATH),
                      "shape": list(x_train.shape), "accuracy": accuracy, "cwd": os.getcwd()}))
""")


def _source_copy(dest: Path) -> Path:
    """What setuptools needs to build the wheel, copied so the build leaves nothing in the
    repository (no build/, no egg-info)."""
    shutil.copy2(ROOT / "pyproject.toml", dest)
    shutil.copy2(ROOT / "README.md", dest)
    shutil.copytree(ROOT / "course_lib", dest / "course_lib",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    src = _source_copy(tmp_path_factory.mktemp("src"))
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index",
                           "--no-build-isolation", "-w", str(out), str(src)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    wheels = list(out.glob("course_lib-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_the_wheel_holds_the_data_and_the_assets(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "course_lib/datasets/mnist_sample.npz" in names
    assert "course_lib/data.py" in names
    assert any(n.endswith("static/require.js") for n in names), "the rendered edition's scripts"
    assert any(n.endswith("static/reveal.js/dist/reveal.js") for n in names)
    assert any("templates/course_reveal/" in n for n in names), "the slide template"
    assert "course_lib/authoring/nbgrader_config.py" in names, "instructors of a hub find it installed"
    assert not any(n.startswith(("tests/", "notebooks/", "data/")) for n in names)
    metadata = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    requires = [line.split(":", 1)[1].strip() for line in metadata.splitlines()
                if line.startswith("Requires-Dist:")]
    runtime = {r.split(">")[0].split("=")[0].split("<")[0].strip().lower()
               for r in requires if "extra ==" not in r}
    assert {"numpy", "matplotlib", "ipywidgets", "tqdm"} <= runtime
    assert not runtime & {"pytest", "nbval", "playwright", "nbconvert", "nbgrader"}, \
        "test and authoring tools are extras, not what a student's kernel needs"


def test_wheel_installed_outside_the_repository_runs_a_chapter_experiment(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "course_deps.pth").write_text("\n".join(sorted(ours)) + "\n")
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                           "--no-deps", "--no-index", "-q", str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]

    elsewhere = tmp_path / "somewhere"
    elsewhere.mkdir()
    run = subprocess.run([str(python), "-c", EXPERIMENT], cwd=elsewhere, capture_output=True,
                         text=True, timeout=300, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                                                      "OPENBLAS_NUM_THREADS": "1",
                                                      "MPLCONFIGDIR": str(tmp_path / "mpl")})
    assert run.returncode == 0, run.stderr[-3000:]
    import json
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert Path(result["course_lib"]).is_relative_to(env_dir), result["course_lib"]
    assert Path(result["sample"]).is_relative_to(env_dir), result["sample"]
    assert not Path(result["course_lib"]).is_relative_to(ROOT)
    assert result["shape"] == [8000, 784]
    acc = result["accuracy"]
    assert acc["He"] > 0.5 > acc["std 0.01"], acc      # the chapter's finding, from the wheel


def test_data_module_does_not_locate_files_from_the_repository():
    source = Path(data.__file__).read_text()
    assert "importlib.resources" in source and "parent.parent" not in source
