"""course_lib.widgets: compute functions directly, explorers build, redraw, and leak no figures."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import widgets  # noqa: E402


@pytest.mark.parametrize("w, b", [(1.0, 0.0), (2.0, -1.0), (-3.0, 0.5), (0.0, 2.0)])
def test_neuron_curve(w, b):
    x, y = widgets.neuron_curve(w, b)
    assert x.shape == y.shape == (401,)
    np.testing.assert_allclose(y, 1 / (1 + np.exp(-(w * x + b))), rtol=1e-6)
    if w != 0:
        _, mid = widgets.neuron_curve(w, b, x=[-b / w])
        np.testing.assert_allclose(mid, [0.5])
    if w > 0:
        assert np.all(np.diff(y) >= 0)


def test_neuron_curve_other_activation():
    _, y = widgets.neuron_curve(1.0, 0.0, x=[-2.0, 3.0], activation="relu")
    np.testing.assert_allclose(y, [0.0, 3.0])


def test_plot_neuron_fits_a_slide():
    x, y = widgets.neuron_curve(2.0, -1.0)
    fig = widgets.plot_neuron(x, y, 2.0, -1.0)
    width, height = fig.get_size_inches()
    assert width <= 12.8 and height <= 7.2
    (ax,) = fig.axes
    np.testing.assert_allclose(ax.lines[0].get_ydata(), y)
    plt.close(fig)


def test_neuron_explorer_redraws_without_leaking_figures(capsys):
    plt.close("all")
    box = widgets.neuron_explorer(w=1.5)
    assert set(box.controls) == {"w", "b"}
    assert box.controls["w"].value == 1.5 and box.controls["w"].continuous_update
    assert box.output.draws == 1
    box.controls["w"].value = 3.0
    box.controls["b"].value = -2.0
    assert box.output.draws == 3
    assert plt.get_fignums() == []


def test_live_figure_hold_redraws_once_after_several_controls_move():
    box = widgets.neuron_explorer(w=1.5)
    out, (w, b) = box.output, box.controls.values()
    with out.hold():
        w.value, b.value = 2.0, 1.0
        assert out.draws == 1                              # nothing drawn inside the block
    assert out.draws == 2
    png = out.png
    with pytest.raises(RuntimeError), out.hold():
        w.value = 0.5
        raise RuntimeError("a failed update")
    assert out.draws == 2 and not out.held                 # no redraw, and the hold is gone
    b.value = -1.0
    assert out.draws == 3 and out.png != png
    assert plt.get_fignums() == []


def test_slider_heavy_means_update_on_release():
    assert widgets.slider("n", 3, 1, 10, 1, heavy=True, integer=True).continuous_update is False
    assert type(widgets.slider("n", 3, 1, 10, 1, integer=True)).__name__ == "IntSlider"
    assert widgets.dropdown("act", ["relu", "tanh"]).value == "relu"
    assert widgets.dropdown("act", {"ReLU": "relu"}).value == "relu"


def test_explorer_falls_back_to_a_picture_where_widgets_cannot_render():
    """RISE and static exports show an explorer's PNG and a sentence, not 'VBox(children=...'."""
    import base64
    box = widgets.neuron_explorer()
    bundle, metadata = box._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle           # JupyterLab: the live widget
    assert bundle["text/plain"].startswith("Explorer: A single neuron")
    first = base64.b64decode(bundle["image/png"])
    assert first[:8] == b"\x89PNG\r\n\x1a\n" and first == box.output.png
    assert metadata["image/png"]["alt"] == box.output.readout             # the picture's text alternative
    assert "A single neuron" in box.output.readout and "output y against input x" in box.output.readout
    box.controls["w"].value = -4.0
    bundle, metadata = box._repr_mimebundle_()
    second = base64.b64decode(bundle["image/png"])
    assert second == box.output.png and second != first                  # the picture follows the sliders
    assert metadata["image/png"]["alt"] == box.output.readout


def test_explorer_prints_a_readout_of_what_it_draws_on_every_redraw(capsys):
    box = widgets.neuron_explorer(w=1.0, b=-3.0)
    first = box.output.readout
    assert "ends at (6, 0.953)" in first, first                          # σ(6 − 3) at the right edge
    assert "vertical line at x = 3" in first                             # the midpoint −b/w
    box.controls["b"].value = 0.0
    assert box.output.readout != first and "ends at (6, 0.998)" in box.output.readout
    # outside a kernel the Output widget cannot capture, so the lines reach stdout
    lines = capsys.readouterr().out.splitlines()
    printed = [line for line in lines if line.startswith("Figure")]
    assert printed == [widgets.one_line(first), widgets.one_line(box.output.readout)]
    assert all(len(line) <= widgets.READOUT_WIDTH for line in printed)        # one line, on a slide too


def test_one_line_cuts_at_a_word():
    assert widgets.one_line("a  b\nc") == "a b c"
    cut = widgets.one_line("word " * 40, width=30)
    assert cut.endswith(" …") and len(cut) <= 30


def test_log_slider_spans_powers_of_ten():
    s = widgets.log_slider("weight std", 0.01, -4, 0, 0.25, heavy=True)
    assert type(s).__name__ == "FloatLogSlider" and (s.base, s.min, s.max, s.step) == (10, -4, 0, 0.25)
    assert s.value == pytest.approx(0.01) and s.continuous_update is False and s.description == "weight std"
    assert widgets.log_slider("η", 0.1, -3, 0.5, 0.05).continuous_update is True
