"""Chapter 06's explorer: regularization on two noisy moons."""
from course_lib.experiments.ch06_regularization import moons_label, regularized_moons
from course_lib.i18n import gettext as _
from course_lib.plots import plot_regularized_moons
from course_lib.widgets._controls import explorer_layout, live_figure, slider


def regularization_explorer(weight_decay: float = 0.0, dropout: float = 0.0, n_train: int = 60):
    """Sliders for λ, the dropout ratio and the training-set size of the 2-D moons problem,
    redrawing the train/test curves and the decision boundary."""
    controls = {"weight_decay": slider(_("L2 λ"), weight_decay, 0.0, 0.05, 0.0025, heavy=True,
                                       readout_format=".4f"),
                "dropout": slider(_("dropout ratio p"), dropout, 0.0, 0.6, 0.1, heavy=True),
                "n_train": slider(_("training points"), n_train, 20, 400, 20, heavy=True, integer=True)}

    def draw(weight_decay, dropout, n_train):
        result = regularized_moons(round(weight_decay, 6), round(dropout, 6), int(n_train))
        return plot_regularized_moons(result, moons_label(weight_decay, dropout))

    return explorer_layout(_("Regularization on two noisy moons: λ, dropout, data"), controls,
                           live_figure(draw, controls),
                           hint=_("Try: λ = 0.01, then dropout 0.3 — the boundary smooths and the gap "
                                  "closes; then 400 points and no regularization — more data does the same."))
