"""Chapter 00 (start here): the self-check's numbers, the exercise hints and the explorer's legend,
and every claim of its "What you should see" and summary cells checked (tests/claims.py)."""
import math

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from claims import stale_quotes, unchecked  # noqa: E402
from course_lib import widgets  # noqa: E402
from course_lib.plots import plot_neuron  # noqa: E402
from course_lib.exercises import run_check  # noqa: E402
from notebook_run import NOTEBOOKS, run_notebook  # noqa: E402

NB = NOTEBOOKS / "solutions" / "00_start_here.ipynb"

QUOTED = {
    "8000 training and 2000 test images of 784 pixels (28 × 28) each, pixel values between 0 and 1, "
    "labels 0–9": "test_the_self_check_shows_8000_and_2000_images_of_784_pixels",
    "**Next:** [01 — vanishing gradients": "test_next_links_to_chapter_01",
}


@pytest.fixture(scope="module")
def chapter():
    return run_notebook(NB, variables=["data_shapes", "pixel_range", "versions"])


def test_the_self_check_shows_8000_and_2000_images_of_784_pixels(chapter):
    from course_lib import data
    assert chapter["data_shapes"] == {"x_train": [8000, 784], "t_train": [8000],
                                      "x_test": [2000, 784], "t_test": [2000]}
    assert 784 == 28 * 28
    low, high = chapter["pixel_range"]
    assert low == 0.0 and 0.99 <= high <= 1.0
    (_, t_train), (_, t_test) = data.load_mnist()
    assert sorted(set(t_train.tolist())) == sorted(set(t_test.tolist())) == list(range(10))


def test_next_links_to_chapter_01():
    assert (NB.parent / "01_vanishing_gradients.ipynb").exists()


def test_every_claim_is_printed_or_checked():
    assert not unchecked(NB, QUOTED) and not stale_quotes(NB, QUOTED)
    assert all(name in globals() for name in QUOTED.values())


def test_neuron_check_tells_math_exp_users_to_use_np_exp():
    outcome = run_check("00-neuron", lambda x, w, b: 1 / (1 + math.exp(-(w * x + b))))
    assert outcome.passed is False
    assert "use np.exp" in outcome.message and "math.exp" in outcome.message, outcome.message


@pytest.mark.parametrize("w", [1.0, -1.0, 2.5])
def test_explorer_legend_never_prints_minus_zero(w):
    x, y = widgets.neuron_curve(w, 0.0)
    fig = plot_neuron(x, y, w, 0.0)
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("= 0.00" in t for t in texts) and not any("−0.00" in t or "-0.00" in t for t in texts), texts
    assert np.all(np.diff(y) > 0) == (w > 0)
