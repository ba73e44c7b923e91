"""Chapter 07's explorer: the trials inside a region of the (lr, λ) plane."""
import numpy as np

from course_lib import search
from course_lib.experiments.ch07_hyperparameter_search import example_search
from course_lib.i18n import gettext as _
from course_lib.plots import plot_search_region
from course_lib.widgets._controls import explorer_layout, live_figure, range_slider


def search_region_explorer(trials=None, log_lr=(-3.0, -1.5), log_wd=(-8.0, -4.0)):
    """Two range sliders choosing a region of the (lr, λ) plane (log10 units); the figure shows the
    trials inside it and their validation curves. ``trials``: a list from search.run_trials (default:
    :func:`example_search`, computed once)."""
    if trials is None:
        trials = example_search()
    if not trials:
        raise ValueError(_("trials is empty: run a search first (search.run_trials)"))
    lr, wd = np.log10(search.column(trials, "lr")), np.log10(search.column(trials, "weight_decay"))
    lo_lr, hi_lr = np.floor(lr.min() * 2) / 2, np.ceil(lr.max() * 2) / 2
    lo_wd, hi_wd = np.floor(wd.min() * 2) / 2, np.ceil(wd.max() * 2) / 2
    clip = lambda v, lo, hi: (float(np.clip(v[0], lo, hi)), float(np.clip(v[1], lo, hi)))  # noqa: E731
    controls = {"log_lr": range_slider(_("log₁₀ learning rate"), clip(log_lr, lo_lr, hi_lr), lo_lr, hi_lr, 0.1,
                                       heavy=True),
                "log_wd": range_slider(_("log₁₀ weight decay λ"), clip(log_wd, lo_wd, hi_wd), lo_wd, hi_wd, 0.1,
                                       heavy=True)}

    def draw(log_lr, log_wd):
        return plot_search_region(trials, tuple(log_lr), tuple(log_wd))

    return explorer_layout(_("Trials inside a region of the (learning rate, λ) plane"), controls,
                           live_figure(draw, controls),
                           hint=_("Try: slide the learning-rate range from low to high — the curves climb; then "
                                  "narrow λ — across this range it hardly matters."))
