"""Chapter 05's explorer: training with and without batch norm."""
from course_lib.experiments.ch05_batch_normalization import bn_runs
from course_lib.i18n import gettext as _
from course_lib.plots import plot_bn_runs
from course_lib.widgets._controls import explorer_layout, live_figure, log_slider


def batchnorm_explorer(std: float = 0.01, lr: float = 0.05):
    """Log sliders for the initial weight std and the learning rate; redraws the runs with and
    without batch norm side by side (each setting trains two small nets, cached)."""
    controls = {
        "std": log_slider(_("weight std"), std, -4, 0, 0.25, heavy=True),
        "lr": log_slider(_("learning rate"), lr, -3, 0, 0.25, heavy=True),
    }

    def draw(std, lr):
        return plot_bn_runs(bn_runs(std, lr), std, lr)

    return explorer_layout(_("Training with and without batch norm (500 images, 6 epochs)"), controls,
                           live_figure(draw, controls),
                           hint=_("Try: std 1e-3 (no BN stays at chance, BN learns); std 1 (no BN "
                                  "diverges); then raise the learning rate until BN fails too."))
