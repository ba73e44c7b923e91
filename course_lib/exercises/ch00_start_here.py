"""Chapter 00's exercise checks."""
import numpy as np

from course_lib.activations import sigmoid
from course_lib.exercises._framework import CheckFailed, call, exercise, expect_close
from course_lib.i18n import gettext as _


def _call_on_array(neuron, x, w, b, formula):
    """neuron(x, w, b) on an array x; math.exp (one number only) gets the np.exp hint."""
    try:
        return call(neuron, x, w, b, what=f"neuron(x, w={w}, b={b})")
    except CheckFailed as err:
        if isinstance(err.__cause__, TypeError):
            raise CheckFailed(f"{err} " + _("Your neuron must work elementwise on a numpy array: use np.exp, "
                                            "not math.exp (math works on one number only).") + " "
                              + formula) from None
        raise


@exercise("00-neuron", "a single neuron y = σ(w·x + b)")
def _check_neuron(neuron):
    """A single neuron: y = sigmoid(w * x + b), elementwise over an array x."""
    formula = _("Revisit the formula y = σ(w·x + b) with σ(z) = 1 / (1 + e^(−z)).")
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    for w, b in [(1.0, 0.0), (2.0, 1.0), (-3.0, 0.5), (0.0, -1.0)]:
        got = _call_on_array(neuron, x, w, b, formula)
        want = sigmoid(w * x + b)
        if np.shape(got) == want.shape and np.allclose(got, want):
            continue
        if np.shape(got) == want.shape and np.allclose(got, w * x + b):
            raise CheckFailed(_("neuron(x, w={w}, b={b}) returned w·x + b itself: apply the sigmoid σ "
                                "to it.").format(w=w, b=b) + " " + formula)
        if np.shape(got) == want.shape and np.allclose(got, sigmoid(w * (x + b))):
            raise CheckFailed(_("neuron(x, w={w}, b={b}) computed σ(w·(x + b)): the bias is added after "
                                "multiplying by w.").format(w=w, b=b) + " " + formula)
        expect_close(got, want, f"neuron(x=[-2, -0.5, 0, 0.5, 2], w={w}, b={b})", formula)
    got = call(neuron, 0.0, 5.0, 0.0, what="neuron(0.0, w=5, b=0)")
    expect_close(got, 0.5, "neuron(0.0, w=5, b=0)", _("σ(0) = 0.5 whatever w is."))
    with np.errstate(over="ignore"):
        got = call(neuron, np.array([-100.0, 100.0]), 10.0, 0.0, what=_("neuron at x = ±100, w = 10"))
    expect_close(got, [0.0, 1.0], "neuron(x=[-100, 100], w=10, b=0)",
                 _("Very negative inputs give 0 and very positive ones give 1."), atol=1e-6)
    return _("Your neuron matches σ(w·x + b) on every input, including the saturated ends.")


@exercise("00-accuracy", "classification accuracy from scores")
def _check_accuracy(accuracy):
    """Accuracy: the fraction of rows whose largest score is at the true label."""
    formula = _("Revisit: prediction = argmax of each row (axis=1); "
                "accuracy = mean(prediction == label), a fraction between 0 and 1.")
    square = np.array([[0.9, 0.05, 0.05],
                       [0.6, 0.3, 0.1],
                       [0.1, 0.2, 0.7]])
    square_labels = np.array([0, 0, 2])       # every row right -> 1.0; argmax over axis=0 gives 2/3
    square_what = _("accuracy on a 3×3 score matrix")
    got = call(accuracy, square, square_labels, what=square_what)
    want = 1.0
    if np.ndim(got) == 0 and np.isclose(float(got), 2 / 3):
        raise CheckFailed(_("On a 3×3 score matrix you got 2/3 instead of 1.0: the argmax was taken "
                            "over the wrong axis. Each ROW is one example, so use axis=1.") + " " + formula)
    if np.ndim(got) == 0 and np.isclose(float(got), 100.0):
        raise CheckFailed(_percentage(100.0, 1.0) + " " + formula)
    if np.ndim(got) == 0 and np.isclose(float(got), 3.0):
        raise CheckFailed(_count(3, 1.0) + " " + formula)
    expect_close(got, want, square_what, formula)
    scores = np.array([[0.1, 0.7, 0.2],
                       [0.8, 0.1, 0.1],
                       [0.2, 0.3, 0.5],
                       [0.6, 0.3, 0.1]])
    labels = np.array([1, 0, 1, 2])            # rows 0 and 1 right -> 0.5
    got = call(accuracy, scores, labels, what="accuracy(scores 4×3, labels [1, 0, 1, 2])")
    if np.ndim(got) == 0 and np.isclose(float(got), 50.0):
        raise CheckFailed(_percentage(50.0, 0.5) + " " + formula)
    if np.ndim(got) == 0 and np.isclose(float(got), 2.0):
        raise CheckFailed(_count(2, 0.5) + " " + formula)
    expect_close(got, 0.5, "accuracy(scores 4×3, labels [1, 0, 1, 2])", formula)
    got = call(accuracy, np.eye(10), np.arange(10), what="accuracy(np.eye(10), 0..9)")
    expect_close(got, 1.0, _("accuracy(np.eye(10), labels 0..9) (every row right)"), formula)
    got = call(accuracy, np.eye(10), (np.arange(10) + 1) % 10, what="accuracy(np.eye(10), shifted labels)")
    expect_close(got, 0.0, _("accuracy(np.eye(10), labels shifted by one) (every row wrong)"), formula)
    return _("Row-wise argmax compared with the labels, averaged: that is the accuracy every chapter reports.")


def _percentage(got, want):
    return _("You returned a percentage ({got}); return a fraction ({want}).").format(got=got, want=want)


def _count(got, want):
    return _("You returned the number of correct rows ({got}); divide by the number of rows to get a "
             "fraction ({want}).").format(got=got, want=want)
