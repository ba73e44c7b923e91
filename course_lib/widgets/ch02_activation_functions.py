"""Chapter 02's explorer: activation functions and their parameters."""
from course_lib import activations
from course_lib.experiments.ch02_activation_functions import activation_curves
from course_lib.i18n import gettext as _
from course_lib.plots import plot_activation_curves
from course_lib.widgets._controls import explorer_layout, live_figure, slider


def activation_explorer(names=("leaky_relu", "elu", "threshold_relu"), alpha: float = 0.3,
                        theta: float = 1.0, beta: float = 1.0):
    """Pick activation functions and their parameters α, θ, β; see f and f'."""
    import ipywidgets as w
    controls = {"names": w.SelectMultiple(options=activations.names(), value=tuple(names), rows=5,
                                          description=_("functions"), style={"description_width": "initial"}),
                "alpha": slider(_("α (leaky_relu, elu)"), alpha, 0.0, 2.0, 0.05),
                "theta": slider(_("θ (threshold_relu)"), theta, -2.0, 3.0, 0.1),
                "beta": slider(_("β (swish)"), beta, 0.0, 5.0, 0.1)}

    def draw(names, alpha, theta, beta):
        title = f"α = {alpha:g},  θ = {theta:g},  β = {beta:g}"
        return plot_activation_curves(activation_curves(names, alpha, theta, beta), title=title,
                                      figsize=(8.5, 2.7))      # with two rows of controls and a readout on a slide

    return explorer_layout(_("Activation functions f (solid) and their derivatives f' (dashed)"), controls,
                           live_figure(draw, controls),
                           hint=_("Try: elu with α = 0, 1, 2 (the floor at −α); threshold_relu with θ < 0; "
                                  "swish with β = 1.702 next to gelu; ctrl/shift-click to pick several."))
