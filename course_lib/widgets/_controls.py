"""The controls every explorer is built from: slider, log_slider, dropdown, range_slider, live_figure,
explorer_layout, figure_png, one_line, FIGSIZE."""
from __future__ import annotations

import textwrap

from typing import Callable

from course_lib.i18n import gettext as _
from course_lib.plots._style import FIGSIZE  # noqa: F401 (the explorers' figure size)

def slider(description: str, value: float, min: float, max: float, step: float,
           heavy: bool = False, integer: bool = False, readout_format: str | None = None):
    """A labelled FloatSlider (IntSlider if integer=True); heavy -> continuous_update=False."""
    import ipywidgets as w
    kind = w.IntSlider if integer else w.FloatSlider
    options = dict(value=value, min=min, max=max, step=step, description=description,
                   continuous_update=not heavy, style={"description_width": "initial"},
                   layout=w.Layout(width="320px"))
    if readout_format is not None:
        options["readout_format"] = readout_format
    return kind(**options)


def log_slider(description: str, value: float, min_exp: float, max_exp: float, step: float,
               heavy: bool = False, readout_format: str = ".2g"):
    """A labelled FloatLogSlider over 10^min_exp … 10^max_exp (``step`` in powers of ten);
    heavy -> continuous_update=False."""
    import ipywidgets as w
    return w.FloatLogSlider(value=value, base=10, min=min_exp, max=max_exp, step=step,
                            description=description, continuous_update=not heavy,
                            readout_format=readout_format, style={"description_width": "initial"},
                            layout=w.Layout(width="320px"))


def dropdown(description: str, options, value=None):
    """A labelled Dropdown over options: a list of values, a list of (label, value) pairs (the label
    shown, e.g. translated, the value what the code looks up) or a dict label -> value."""
    import ipywidgets as w
    if value is None:
        first = list(options.values())[0] if isinstance(options, dict) else list(options)[0]
        value = first[1] if isinstance(first, tuple) and len(first) == 2 else first
    return w.Dropdown(options=options, value=value, description=description,
                      style={"description_width": "initial"})


def range_slider(description: str, value, min: float, max: float, step: float, heavy: bool = False):
    """A labelled FloatRangeSlider (a pair low, high); heavy -> continuous_update=False."""
    import ipywidgets as w
    return w.FloatRangeSlider(value=list(value), min=min, max=max, step=step, description=description,
                              continuous_update=not heavy, readout_format=".1f",
                              style={"description_width": "initial"}, layout=w.Layout(width="380px"))


def figure_png(fig) -> bytes:
    """The PNG Jupyter shows for ``fig`` (a plots.SlideFigure, or any matplotlib Figure)."""
    if hasattr(fig, "_repr_png_"):
        return fig._repr_png_()
    import io
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


READOUT_WIDTH = 110   # characters: one line of the readout under an explorer's figure, on a slide too


def one_line(text: str, width: int = READOUT_WIDTH) -> str:
    """``text`` on one line of at most ``width`` characters, cut at a word with " …" if longer
    (the readout printed under an explorer; the full text stays the figure's alt text)."""
    return textwrap.shorten(" ".join(str(text).split()), width=width, placeholder=" …")


def live_figure(draw: Callable, controls: dict):
    """An Output widget showing ``draw(**values)`` and redrawn when a control changes.

    ``draw`` takes the controls' values as keywords and returns a matplotlib
    Figure; each figure is rendered to PNG once, shown and closed. Returns the
    Output, with ``.redraw()`` to redraw by hand, ``with .hold():`` to move
    several controls and redraw once at the end, ``.draws`` counting the
    redraws, ``.png`` the PNG of the figure shown now and ``.readout`` its
    text alternative (plots.alt_text: what it plots and its numbers), which is
    the image's alt metadata and is printed as a line of text under it.
    """
    import contextlib

    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    from course_lib.plots import alt_text

    out = w.Output()
    out.draws = 0
    out.png = None
    out.readout = None
    out.held = False

    def redraw(change=None):
        if out.held:
            return
        values = {name: control.value for name, control in controls.items()}
        with out:
            out.clear_output(wait=True)
            fig = draw(**values)
            try:
                out.png = figure_png(fig)
                out.readout = alt_text(fig)
            finally:
                plt.close(fig)
            display(Image(data=out.png, format="png"), metadata={"image/png": {"alt": out.readout}})
            print(one_line(out.readout))   # the numbers drawn, as text; the whole text is the picture's alt
        out.draws += 1

    for control in controls.values():
        control.observe(redraw, names="value")

    @contextlib.contextmanager
    def hold():
        out.held = True
        try:
            yield
        finally:
            out.held = False
        redraw()

    out.redraw, out.hold = redraw, hold
    redraw()
    return out


def _explorer_box(title: str, parts: list, output):
    """A VBox whose display also carries a picture of the explorer's figure.

    JupyterLab shows the live widget. Where no widget manager runs -- a RISE
    slideshow (jupyterlab-rise 0.43 cannot load the ipywidgets 8 manager), an
    HTML export without widget state, a terminal -- the notebook falls back to
    the figure as it was when the cell ran and a line that says where the
    sliders work, instead of the text ``VBox(children=(...``.
    """
    import base64

    import ipywidgets as w

    class Explorer(w.VBox):
        def _repr_mimebundle_(self, **kwargs):
            bundle = super()._repr_mimebundle_(**kwargs)
            bundle["text/plain"] = _("Explorer: {title} (move its controls in JupyterLab's notebook "
                                     "view)").format(title=title)
            if output.png is None:
                return bundle
            bundle["image/png"] = base64.b64encode(output.png).decode("ascii")
            return bundle, {"image/png": {"alt": output.readout}}

    return Explorer(parts)


def explorer_layout(title: str, controls: dict, output, hint: str = ""):
    """The standard explorer layout: a title, the controls in a row, the figure, a hint."""
    import ipywidgets as w
    parts = [w.HTML(f"<b>{title}</b>"), w.HBox(list(controls.values()),
                                                layout=w.Layout(flex_flow="row wrap")), output]
    if hint:
        parts.append(w.HTML(f"<i>{hint}</i>"))
    box = _explorer_box(title, parts, output)
    box.controls, box.output = controls, output   # handles for tests and for the curious
    return box
