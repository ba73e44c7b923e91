"""Chapter 04's explorers: the optimizer playground and the adaptive step sizes."""
import numpy as np

from course_lib import optimizers, surfaces
from course_lib.experiments.ch04_optimizers import (ADAPTIVE, PLAYGROUND_DEFAULT, effective_step_sizes,
                                                     playground_paths)
from course_lib.i18n import gettext as _
from course_lib.plots import plot_effective_steps, plot_playground
from course_lib.widgets._controls import dropdown, explorer_layout, live_figure, log_slider, slider


#: The learning rate the playground starts with on each surface. One η serves every method
#: but AdaDelta, which keeps the η = 1 of its paper.
PLAYGROUND_LR = {"dlfs": 0.1, "ill_conditioned": 0.05, "rosenbrock": 0.002, "saddle": 0.05,
                 "beale": 0.01}


#: The learning rates the playground's η slider offers: 1, 2, 5 in each decade from 1e-4 to 2.
#: A slider over fixed values, because the surface menu sets η: a FloatLogSlider re-snapped the
#: value the kernel set to its own grid and sent it back, and in two full test runs that slider
#: then sent nothing more to the kernel however it was moved. An option is set exactly, never echoed.
PLAYGROUND_LRS = tuple(float(f"{m}e{e}") for e in range(-4, 1) for m in (1, 2, 5))[:-1]


def _start_step(lo: float, hi: float, start: float) -> float:
    """The step of a start slider on [lo, hi]: the coarsest 1-2-5 step of at most 1/100 of the
    range with start and hi on the grid lo + k·step. The browser's slider snaps its value to
    that grid (and sends the snapped value back), so a start off the grid would not stay put:
    the saddle's y = 0.001 needs step 0.001."""
    span = hi - lo
    for exponent in range(int(np.floor(np.log10(span))), -7, -1):
        for mantissa in (5, 2, 1):
            step = float(f"{mantissa}e{exponent}")
            if step <= span / 100 and all(abs(q - round(q)) < 1e-6
                                          for q in ((start - lo) / step, span / step)):
                return step
    return span / 100


def _reset_slider(slider_, lo, hi, value, step):
    """Give a slider new bounds, step and value, sent to the browser as ONE update.

    Sent one trait at a time, the browser's slider would clamp and snap the value at each
    intermediate state (old bounds with the new value, new bounds with the old step) and send
    what it made of it back to the kernel: a start the figure does not use. In the kernel the
    range is widened before the value is set, so ipywidgets never clamps it either."""
    with slider_.hold_sync():
        slider_.min, slider_.max = min(slider_.min, lo), max(slider_.max, hi)
        slider_.step = step
        slider_.value = value
        slider_.min, slider_.max = lo, hi


def optimizer_playground(surface: str = "dlfs", names=PLAYGROUND_DEFAULT, steps: int = 100):
    """The playground: a surface, a start point, optimizers to overlay, η, β and the number of
    steps; the paths redraw at once on the contour plot. Changing the surface moves the start
    sliders to its limits and its default start, and η to :data:`PLAYGROUND_LR`."""
    import ipywidgets as w

    s = surfaces.get(surface)
    controls = {
        "surface": dropdown(_("surface"), surfaces.names(), s.name),
        "x0": slider(_("start x"), s.start[0], *s.xlim, _start_step(*s.xlim, s.start[0]), readout_format=".3g"),
        "y0": slider(_("start y"), s.start[1], *s.ylim, _start_step(*s.ylim, s.start[1]), readout_format=".3g"),
        "names": w.SelectMultiple(options=optimizers.names(), value=tuple(names), rows=5,
                                  description=_("optimizers"), style={"description_width": "initial"},
                                  layout=w.Layout(width="230px")),
        "lr": w.SelectionSlider(options=[(f"{lr:g}", lr) for lr in PLAYGROUND_LRS],
                                value=PLAYGROUND_LR.get(s.name, 0.01), description=_("learning rate η"),
                                style={"description_width": "initial"}, layout=w.Layout(width="320px")),
        "beta": slider(_("momentum / β₁"), 0.9, 0.0, 0.99, 0.01),
        "steps": slider(_("steps"), steps, 10, 300, 10, integer=True),
    }

    def draw(surface, x0, y0, names, lr, beta, steps):
        paths = playground_paths(surface, (x0, y0), names, lr, beta, steps)
        return plot_playground(surface, paths, steps=steps, figsize=(10.0, 3.2))   # under 3 rows of controls

    out = live_figure(draw, controls)
    menu = controls["surface"]
    menu.unobserve(out.redraw, names="value")     # re-drawn once, after the sliders moved

    def new_surface(change):
        new = surfaces.get(change["new"])
        with out.hold():                          # three controls move, one redraw
            _reset_slider(controls["x0"], *new.xlim, new.start[0], _start_step(*new.xlim, new.start[0]))
            _reset_slider(controls["y0"], *new.ylim, new.start[1], _start_step(*new.ylim, new.start[1]))
            controls["lr"].value = PLAYGROUND_LR.get(new.name, 0.01)

    menu.observe(new_surface, names="value")
    return explorer_layout(
        _("Optimizer playground: paths on a surface"), controls, out,
        hint=_("Ctrl/shift-click selects several optimizers; all share η except AdaDelta (η = 1)."))


def effective_step_explorer(surface: str = "dlfs"):
    """AdaGrad / RMSProp / Adam: the effective per-coordinate step size over time."""
    import ipywidgets as w

    controls = {
        "surface": dropdown(_("surface"), surfaces.names(), surface),
        "names": w.SelectMultiple(options=ADAPTIVE, value=ADAPTIVE, rows=3, description=_("methods"),
                                  style={"description_width": "initial"}, layout=w.Layout(width="220px")),
        "lr": log_slider(_("learning rate η"), 0.1, -3, 0.5, 0.05, heavy=True, readout_format=".3g"),
        "decay": slider(_("ρ (RMSProp) / β₂ (Adam)"), 0.9, 0.5, 0.999, 0.001, heavy=True, readout_format=".3f"),
        "steps": slider(_("steps"), 100, 10, 500, 10, heavy=True, integer=True),
    }

    def draw(surface, names, lr, decay, steps):
        curves = {n: effective_step_sizes(n, surface, lr, decay, steps) for n in names}
        return plot_effective_steps(curves, surface, order=ADAPTIVE)

    return explorer_layout(
        _("Adaptive methods: the step size each coordinate gets"), controls, live_figure(draw, controls),
        hint=_("Solid: x, dashed: y. The decay slider sets RMSProp's ρ and Adam's β₂ (AdaGrad has none)."))
