"""Chapter 03's explorer: activation histograms at initialisation."""
from course_lib import plots
from course_lib.experiments.ch03_weight_initialization import (INIT_CHOICES, init_activations,
                                                               init_weight_std, shown_layers)
from course_lib.i18n import gettext as _
from course_lib.widgets._controls import dropdown, explorer_layout, live_figure, slider


#: Fixed histogram ranges for the bounded activations (None: from the data).
_HIST_RANGE = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}


def plot_init_activations(activation: str, init: str, depth: int, figsize=(11.0, 3.1)):
    """Histograms of up to five layers (first to last) of one setting, with μ and σ per panel."""
    layers, _means, stds = init_activations(activation, init, depth)
    show = shown_layers(depth)
    title = _("{activation}, {init} (weight std {std:.3g}): std of layer {depth} = {last:.3g}").format(
        activation=activation, init=_(init), std=init_weight_std(init), depth=depth, last=stds[-1])
    return plots.activation_histograms([layers[i - 1] for i in show], title=title,
                                       labels=[_("layer {i}").format(i=i) for i in show],
                                       range=_HIST_RANGE.get(activation),
                                       ymax=0.15 if activation == "relu" else None, figsize=figsize)


def init_explorer(activation: str = "sigmoid", init: str = "std 1", depth: int = 5):
    """Activation × initialisation × depth → the activations' histograms, layer by layer."""
    controls = {"activation": dropdown(_("activation"), ["sigmoid", "tanh", "relu"], activation),
                "init": dropdown(_("init"), [(_(label), label) for label in INIT_CHOICES], init),
                "depth": slider(_("layers"), depth, 1, 20, 1, heavy=True, integer=True)}
    return explorer_layout(_("Activations of a deep net at initialisation (100 units a layer, 1000 inputs)"),
                           controls, live_figure(plot_init_activations, controls),
                           hint=_("Try: sigmoid with std 1, then std 0.01, then Xavier; ReLU with Xavier "
                                  "and 20 layers, then He, then the notes' 2/√n — watch σ layer by layer."))
