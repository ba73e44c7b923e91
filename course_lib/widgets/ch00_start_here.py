"""Chapter 00's explorer: a single neuron."""
from course_lib.experiments.ch00_start_here import neuron_curve
from course_lib.i18n import gettext as _
from course_lib.plots import plot_neuron
from course_lib.widgets._controls import explorer_layout, live_figure, slider


def neuron_explorer(w: float = 1.0, b: float = 0.0):
    """Sliders for the weight w and the bias b of y = σ(w·x + b), redrawing the curve."""
    controls = {"w": slider(_("weight w"), w, -5.0, 5.0, 0.1),
                "b": slider(_("bias b"), b, -5.0, 5.0, 0.1)}

    def draw(w, b):
        x, y = neuron_curve(w, b)
        return plot_neuron(x, y, w, b)

    return explorer_layout(_("A single neuron: y = σ(w·x + b)"), controls,
                           live_figure(draw, controls),
                           hint=_("Try: make w large (a step), make w negative (the curve flips), "
                                  "move b (the curve slides to x = −b/w)."))
