"""Chapter 08's explorer: the training monitor of the healthy run or of a clinic case, up to a step."""
from course_lib import monitor, plots
from course_lib.experiments.ch08_training_clinic import RUN_CHOICES, case_run, run_label, up_to
from course_lib.i18n import gettext as _
from course_lib.widgets._controls import dropdown, explorer_layout, live_figure, slider


def plot_case_monitor(run: str = "healthy reference", step: int = 300, figsize=(12.5, 4.1)):
    """The monitor figure of ``run`` (a label of RUN_CHOICES) up to ``step``, its readout as subtitle."""
    if run not in RUN_CHOICES:
        raise ValueError(_("unknown run {run}; choose one of {runs}").format(run=repr(run), runs=list(RUN_CHOICES)))
    record = up_to(case_run(RUN_CHOICES[run]), step)
    return plots.plot_monitor(record, title=_("Monitor: {run}").format(run=run_label(run)),
                              readout=monitor.readout(record), figsize=figsize)


def monitor_explorer(run: str = "healthy reference", step: int = 300):
    """Run (healthy or a case) × step → the six monitor panels and the one-line readout.

    The dropdown shows the runs' labels in the language in use; its values stay the English labels
    of RUN_CHOICES (what plot_case_monitor looks up)."""
    controls = {"run": dropdown(_("run"), [(run_label(label), label) for label in RUN_CHOICES], run),
                "step": slider(_("up to step"), step, 0, 300, 25, heavy=True, integer=True)}
    return explorer_layout(_("Training monitor: loss, accuracy and per-layer statistics"),
                           controls, live_figure(plot_case_monitor, controls),
                           hint=_("Try: the healthy run, then each case; slide the step back to 0 and "
                                  "forward — read the readout line first, then the panel it points to."))
