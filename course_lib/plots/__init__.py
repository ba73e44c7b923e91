"""Figure helpers for the chapters (layer 3: matplotlib + numpy; never trains a model).

Every helper takes plain data, draws it in one consistent slide style and
returns the :class:`matplotlib.figure.Figure`::

    from course_lib import plots
    plots.curves({"SGD": h_sgd, "Adam": h_adam}, key="loss", smooth=0.9)

The figures are :class:`SlideFigure` objects, not registered with pyplot: a
notebook shows one (once) when it is the value of the cell's last line (after
``fig = plots....`` write ``fig``), an explorer shows it with
``IPython.display.display(fig)``, and redrawing many times leaks nothing and
never warns about too many open figures. Helpers that draw on one axes take
``ax=None``: give an axes from :func:`subplots` to compose several helpers
into one figure. (An axes from ``plt.subplots`` works too, but pyplot then
also shows its figure at the end of the cell.)

Style: :data:`STYLE` (fonts >= 11 pt, the colour-blind-safe Okabe-Ito
:data:`PALETTE`, a light grid) is applied by every helper; use
``with plots.slide_style(): ...`` for hand-made figures. Default sizes fit a
1280×720 slide (at most :data:`MAX_FIGSIZE` inches at 100 dpi).

Data shapes: a *history* is the dict of ``course_lib.training.train`` (per
step ``loss``, ``lr``, ``time``; per evaluation ``eval_step``, ``train_acc``,
``test_acc``, ``val_acc``); a *path* is a float array (n, 2); an activation
is any object with ``act(x)``, ``act.derivative(x)`` and ``act.name``; a
surface has ``f(X, Y)``, ``xlim``, ``ylim``, ``minimum``, ``name``,
``formula``. Bad input raises ``ValueError``/``TypeError`` saying what was
wrong.

The helpers live in a few files by kind (``_style``: palette, fonts, SlideFigure, subplots;
``functions``; ``contours``; ``curves``; ``bars``; ``regions``), each re-exported here:
``plots.curves(...)``.

Presentation options: the helpers with many of them (:func:`curves`, :func:`lines`,
:func:`grid_of_curves`, :func:`activation_histograms`, :func:`decision_boundary`,
:func:`scatter_trials`) take them as keywords (``logy=True, figsize=(9, 3)``) that fill a small
frozen dataclass (:class:`CurvesStyle`, :class:`LinesStyle`, ...); ``style=LinesStyle(logy=True)``
passes one set to several figures, and a misspelt keyword is a TypeError naming the close matches.

Text alternatives: every figure shown in a notebook carries one in its output metadata
(``metadata["image/png"]["alt"]``): what it plots and its key numbers, written from the figure by
:func:`describe` unless a helper set its own with :func:`set_alt` (see ``_alt.py``).
"""
from course_lib.plots._alt import alt_text, describe, install_formatter, set_alt
from course_lib.plots._style import (FIGSIZE, FONT_MIN, LINESTYLES, MARKERS, MAX_FIGSIZE, PALETTE, STYLE,
                                     SlideFigure, slide_style, subplots)
from course_lib.plots.bars import layer_bars, plot_gradient_profile, ranked_bars
from course_lib.plots.contours import (contour_grid, contour_levels, paths_grid, paths_on_contour,
                                       plot_effective_steps, plot_playground)
from course_lib.plots.curves import (CurvesStyle, GridStyle, LinesStyle, curves, early_stopping_curves, ema,
                                     grid_of_curves, lines, lr_range_plot, plot_bn_runs, schedule_plot, train_test)
from course_lib.plots.functions import (HistogramStyle, activation_histograms, function_and_derivative, function_grid,
                                        plot_activation_curves, plot_neuron)
from course_lib.plots.monitor import digit_grid, plot_monitor
from course_lib.plots.regions import (BoundaryStyle, TrialsStyle, decision_boundary, plot_regularized_moons,
                                      plot_search_region, scatter_trials)

__all__ = ["alt_text", "describe", "set_alt", "PALETTE", "LINESTYLES", "MARKERS", "FONT_MIN", "FIGSIZE", "STYLE", "MAX_FIGSIZE", "SlideFigure", "slide_style", "subplots", "ema", "contour_levels",
           "activation_histograms", "function_grid", "function_and_derivative",
           "paths_on_contour", "paths_grid", "curves", "train_test", "lines", "grid_of_curves",
           "early_stopping_curves",
           "layer_bars", "ranked_bars", "decision_boundary", "scatter_trials", "schedule_plot",
           "plot_neuron", "plot_gradient_profile", "plot_activation_curves", "contour_grid", "plot_playground",
           "plot_effective_steps", "plot_bn_runs", "plot_regularized_moons", "plot_search_region",
           "lr_range_plot", "plot_monitor", "digit_grid",
           "CurvesStyle", "LinesStyle", "GridStyle", "HistogramStyle", "BoundaryStyle", "TrialsStyle"]

install_formatter()      # inside IPython: every Figure's PNG output carries its text alternative
