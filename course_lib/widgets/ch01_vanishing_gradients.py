"""Chapter 01's explorer: gradient norms per layer."""
from course_lib.experiments.ch01_vanishing_gradients import gradient_norm_profile
from course_lib.i18n import gettext as _
from course_lib.plots import plot_gradient_profile
from course_lib.widgets._controls import dropdown, explorer_layout, live_figure, slider


def gradient_explorer(depth: int = 10, activation: str = "sigmoid", weight_scale: float = 1.0):
    """Depth × activation × weight scale → per-layer gradient norms of an untrained net on MNIST."""
    controls = {"depth": slider(_("depth (weight layers)"), depth, 2, 30, 1, heavy=True, integer=True),
                "activation": dropdown(_("activation"), ["sigmoid", "tanh", "relu", "leaky_relu", "elu",
                                                      "selu", "softsign"], activation),
                "weight_scale": slider(_("weight scale g (std g/√n)"), weight_scale, 0.25, 6.0, 0.05, heavy=True)}

    def draw(depth, activation, weight_scale):
        norms = gradient_norm_profile(depth, activation, weight_scale)
        return plot_gradient_profile(norms, activation, weight_scale)

    return explorer_layout(_("Gradient norm per layer: depth × activation × weight scale"), controls,
                           live_figure(draw, controls),
                           hint=_("Try: sigmoid at depth 20 (the first bars vanish); tanh with g = 1 vs g = 4 "
                                  "(growing towards the input); relu with g = 1, 1.41 (He) and 2 (all bars "
                                  "move together — watch the axis)."))
