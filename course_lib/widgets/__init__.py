"""Interactive explorers for the chapters (layer 4: ipywidgets on top of plain functions).

Every explorer follows one pattern:

1. a plain compute function in ``course_lib.experiments`` (numbers in, arrays out; the
   tests call it directly),
2. a plot helper in ``course_lib.plots`` that draws those arrays on a new matplotlib figure and returns it,
3. ``<name>_explorer()`` that builds the controls with :func:`slider` /
   :func:`dropdown`, connects them to the plot helper with :func:`live_figure`
   and returns the layout from :func:`explorer_layout`.

``live_figure`` redraws into an ``ipywidgets.Output`` when a control changes and
closes each figure after showing it, so moving a slider never leaks figures.
Use ``heavy=True`` for sliders whose redraw takes more than ~0.15 s (measure with
``tests/benchmarks/benchmark_explorers.py``): the figure is then redrawn when the slider is
released, not while it moves, so redraws never queue up behind a dragged slider.

Files: ``_controls.py`` (the controls and live_figure), then one file a chapter
(``ch01_vanishing_gradients.py`` ...) with its explorers. The compute functions are in
``course_lib.experiments``, the plot helpers in ``course_lib.plots``; every name is
re-exported here, so ``widgets.gradient_explorer()`` and ``widgets.gradient_norm_profile(...)``
both work.
"""
from course_lib.experiments.ch00_start_here import neuron_curve
from course_lib.experiments.ch01_vanishing_gradients import gradient_norm_profile, scaled_init
from course_lib.experiments.ch02_activation_functions import ACTIVATION_PARAMETERS, activation_curves
from course_lib.experiments.ch03_weight_initialization import (INIT_CHOICES, init_activations, init_weight_std,
                                                               shown_layers)
from course_lib.experiments.ch04_optimizers import ADAPTIVE, PLAYGROUND_DEFAULT, effective_step_sizes, playground_paths
from course_lib.experiments.ch05_batch_normalization import bn_runs
from course_lib.experiments.ch06_regularization import (MOONS_NOISE, MOONS_TEST_SEED, moons_label,
                                                        regularized_moons)
from course_lib.experiments.ch07_hyperparameter_search import example_search, search_region
from course_lib.experiments.ch08_training_clinic import RUN_CHOICES, case_run, up_to
from course_lib.plots import (contour_grid, plot_activation_curves, plot_bn_runs, plot_effective_steps,
                              plot_gradient_profile, plot_neuron, plot_playground, plot_regularized_moons,
                              plot_search_region)
from course_lib.widgets._controls import (FIGSIZE, READOUT_WIDTH, dropdown, explorer_layout, figure_png,
                                          live_figure, log_slider, one_line, range_slider, slider)
from course_lib.widgets.ch00_start_here import neuron_explorer
from course_lib.widgets.ch01_vanishing_gradients import gradient_explorer
from course_lib.widgets.ch02_activation_functions import activation_explorer
from course_lib.widgets.ch03_weight_initialization import init_explorer, plot_init_activations
from course_lib.widgets.ch04_optimizers import (PLAYGROUND_LR, PLAYGROUND_LRS, effective_step_explorer,
                                                optimizer_playground)
from course_lib.widgets.ch05_batch_normalization import batchnorm_explorer
from course_lib.widgets.ch06_regularization import regularization_explorer
from course_lib.widgets.ch07_hyperparameter_search import search_region_explorer
from course_lib.widgets.ch08_training_clinic import monitor_explorer, plot_case_monitor

__all__ = ["READOUT_WIDTH", "one_line", "neuron_curve", "gradient_norm_profile", "scaled_init", "ACTIVATION_PARAMETERS",
           "activation_curves", "INIT_CHOICES", "init_activations", "init_weight_std", "shown_layers",
           "ADAPTIVE", "PLAYGROUND_DEFAULT", "effective_step_sizes", "playground_paths", "bn_runs",
           "MOONS_NOISE", "MOONS_TEST_SEED", "moons_label", "regularized_moons", "example_search",
           "search_region", "contour_grid", "plot_activation_curves", "plot_bn_runs", "plot_effective_steps",
           "plot_gradient_profile", "plot_neuron", "plot_playground", "plot_regularized_moons",
           "plot_search_region", "FIGSIZE", "dropdown", "explorer_layout", "figure_png", "live_figure", "log_slider",
           "range_slider", "slider", "neuron_explorer", "gradient_explorer", "activation_explorer",
           "init_explorer", "plot_init_activations", "PLAYGROUND_LR", "PLAYGROUND_LRS",
           "effective_step_explorer", "optimizer_playground", "batchnorm_explorer", "regularization_explorer",
           "search_region_explorer", "RUN_CHOICES", "case_run", "up_to", "monitor_explorer", "plot_case_monitor"]
