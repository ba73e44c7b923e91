"""Chapter 02's exercise checks."""
import numpy as np

from course_lib import activations
from course_lib.exercises._framework import CheckFailed, call_elementwise, show, exercise, expect_close
from course_lib.i18n import gettext as _


def _elu(x, alpha):
    """The course's ELU in float64: the reference a student's answer is compared with."""
    return activations.get("elu", alpha=alpha)(np.asarray(x, dtype=np.float64))


def _elu_grad(x, alpha):
    return activations.get("elu", alpha=alpha).derivative(np.asarray(x, dtype=np.float64))


_ELU_X = np.array([-3.0, -1.0, -0.25, 0.5, 2.0])
_ELU_SHOW = "x=[-3, -1, -0.25, 0.5, 2]"


@exercise("02-elu", "the ELU activation, x if x > 0 else α(eˣ − 1)")
def _check_elu(elu):
    """ELU(x) = x for x > 0, α(eˣ − 1) for x ≤ 0, elementwise."""
    formula = _("Revisit ELU(x) = x if x > 0, else α·(eˣ − 1).")
    for alpha in (1.0, 0.5, 2.0):
        got = call_elementwise(lambda x: elu(x, alpha), _ELU_X, f"elu({_ELU_SHOW}, alpha={alpha})", formula)
        want = _elu(_ELU_X, alpha)
        if np.shape(got) == want.shape and not np.allclose(got, want):
            g = np.asarray(got, dtype=np.float64)
            neg = _ELU_X < 0
            if np.allclose(g[neg], alpha * np.exp(_ELU_X[neg])):
                raise CheckFailed(_("elu(x, alpha={alpha}) returned α·eˣ for negative x: the −1 is missing, so "
                                    "ELU would jump from α to 0 at x = 0 and tend to 0, not to −α, as x → −∞.")
                                  .format(alpha=alpha) + " " + formula)
            if alpha != 1.0 and np.allclose(g[neg], np.expm1(_ELU_X[neg])):
                raise CheckFailed(_("elu(x, alpha={alpha}) ignores alpha for negative x: multiply (eˣ − 1) "
                                    "by α.").format(alpha=alpha) + " " + formula)
            if np.allclose(g[neg], 0.0) or np.allclose(g[neg], _ELU_X[neg]) or \
                    np.allclose(g[neg], alpha * _ELU_X[neg]):
                raise CheckFailed(_("elu(x, alpha={alpha}) for negative x returned {got}, a ReLU-like "
                                    "value; ELU bends smoothly towards −α: α(eˣ − 1) = {want}.").format(
                                        alpha=alpha, got=show(g[neg]), want=show(want[neg])) + " " + formula)
            if not np.allclose(g[~neg], _ELU_X[~neg]):
                raise CheckFailed(_("elu(x, alpha={alpha}) for positive x returned {got}; for x > 0 "
                                    "ELU is x itself.").format(alpha=alpha, got=show(g[~neg])) + " " + formula)
        expect_close(got, want, f"elu({_ELU_SHOW}, alpha={alpha})", formula)
    grid = np.array([[-2.0, 0.0], [1.5, -0.5]])
    got = call_elementwise(lambda x: elu(x, 1.0), grid, _("elu on a 2×2 array"), formula)
    expect_close(got, _elu(grid, 1.0), _("elu(2×2 array, alpha=1)"), _("Keep the shape of x: work elementwise."))
    far = np.array([-1000.0, 1000.0])
    got = call_elementwise(lambda x: elu(x, 1.5), far, "elu(x=[-1000, 1000], alpha=1.5)", formula)
    expect_close(got, [-1.5, 1000.0], "elu(x=[-1000, 1000], alpha=1.5)",
                 _("Far left ELU saturates at −α; far right it is x. If you got nan, compute the exponential "
                   "only of min(x, 0), e.g. np.expm1(np.minimum(x, 0))."))
    return _("ELU: identity for x > 0, a smooth floor at −α for x < 0 — negative outputs keep the mean near 0.")


@exercise("02-elu-derivative", "the ELU's derivative, 1 if x > 0 else α·eˣ")
def _check_elu_derivative(elu_derivative):
    """ELU'(x) = 1 for x > 0, α·eˣ for x < 0 (= ELU(x) + α), elementwise."""
    formula = _("Revisit d/dx α(eˣ − 1) = α·eˣ for x < 0, and d/dx x = 1 for x > 0.")
    for alpha in (1.0, 0.5, 2.0):
        got = call_elementwise(lambda x: elu_derivative(x, alpha), _ELU_X,
                                f"elu_derivative({_ELU_SHOW}, alpha={alpha})", formula)
        want = _elu_grad(_ELU_X, alpha)
        if np.shape(got) == want.shape and not np.allclose(got, want):
            g = np.asarray(got, dtype=np.float64)
            neg = _ELU_X < 0
            if np.allclose(g[neg], _elu(_ELU_X[neg], alpha)):
                raise CheckFailed(_("elu_derivative(x, alpha={alpha}) returned ELU itself, α(eˣ − 1), for "
                                    "negative x: that is the function, not its slope. The −1 is a constant and "
                                    "its derivative is 0.").format(alpha=alpha) + " " + formula)
            if np.allclose(g[neg], 0.0):
                raise CheckFailed(_("elu_derivative(x, alpha={alpha}) is 0 for negative x — that is ReLU's "
                                    "derivative, the one that lets units die.").format(alpha=alpha)
                                  + " " + formula)
            if np.allclose(g[neg], alpha):
                raise CheckFailed(_("elu_derivative(x, alpha={alpha}) is the constant α for negative x — that "
                                    "is LeakyReLU's slope; ELU's slope decays as α·eˣ.").format(alpha=alpha)
                                  + " " + formula)
            if alpha != 1.0 and np.allclose(g[neg], np.exp(_ELU_X[neg])):
                raise CheckFailed(_("elu_derivative(x, alpha={alpha}) ignores alpha for negative x: the slope "
                                    "is α·eˣ.").format(alpha=alpha) + " " + formula)
            if not np.allclose(g[~neg], 1.0):
                raise CheckFailed(_("elu_derivative(x, alpha={alpha}) for positive x returned {got}; "
                                    "for x > 0 ELU is x, with slope 1.").format(alpha=alpha, got=show(g[~neg]))
                                  + " " + formula)
        expect_close(got, want, f"elu_derivative({_ELU_SHOW}, alpha={alpha})", formula)
    grid = np.array([[-2.0, 3.0], [1.5, -0.5]])
    got = call_elementwise(lambda x: elu_derivative(x, 1.0), grid, _("elu_derivative on a 2×2 array"), formula)
    expect_close(got, _elu_grad(grid, 1.0), _("elu_derivative(2×2 array, alpha=1)"),
                 _("Keep the shape of x: work elementwise."))
    far = np.array([-1000.0, 1000.0])
    got = call_elementwise(lambda x: elu_derivative(x, 1.5), far, "elu_derivative(x=[-1000, 1000], alpha=1.5)",
                            formula)
    expect_close(got, [0.0, 1.0], "elu_derivative(x=[-1000, 1000], alpha=1.5)",
                 _("Far left the slope α·eˣ is 0; far right it is 1. If you got nan or inf, exponentiate "
                   "min(x, 0) only."), atol=1e-12)
    return _("ELU': 1 on the right, α·eˣ on the left — small but never exactly 0 at finite x, so no unit dies.")


@exercise("02-leaky-relu", "LeakyReLU with any slope α")
def _check_leaky_relu(leaky_relu):
    """LeakyReLU(x) = x for x > 0, α·x for x ≤ 0, for any α ≥ 0."""
    formula = _("Revisit LeakyReLU(x) = x if x > 0, else α·x — np.where(x > 0, x, alpha * x).")
    x = np.array([-4.0, -1.0, -0.5, 0.0, 0.5, 3.0])
    shown = "x=[-4, -1, -0.5, 0, 0.5, 3]"
    for alpha in (0.01, 0.2, 0.0, 2.0):
        got = call_elementwise(lambda v: leaky_relu(v, alpha), x, f"leaky_relu({shown}, alpha={alpha})", formula)
        want = np.where(x > 0, x, alpha * x)
        if np.shape(got) == want.shape and not np.allclose(got, want):
            g = np.asarray(got, dtype=np.float64)
            pos = x > 0
            if alpha > 1 and np.allclose(g, np.maximum(alpha * x, x)):
                raise CheckFailed(_("leaky_relu(x, alpha={alpha}) returned max(αx, x): that equals LeakyReLU "
                                    "only for α ≤ 1. With α = {alpha} it gives αx for positive x and x for "
                                    "negative x. Choose the branch by the sign of x instead.").format(alpha=alpha)
                                  + " " + formula)
            if np.allclose(g[pos], alpha * x[pos]) or np.allclose(g, alpha * x):
                raise CheckFailed(_("leaky_relu(x, alpha={alpha}) multiplied the positive inputs by α too: the "
                                    "slope α is only for x < 0; positive inputs pass unchanged.").format(alpha=alpha)
                                  + " " + formula)
            if alpha > 0 and np.allclose(g, np.maximum(x, 0)):
                raise CheckFailed(_("leaky_relu(x, alpha={alpha}) returned max(x, 0), a plain ReLU: negative "
                                    "inputs must give α·x.").format(alpha=alpha) + " " + formula)
        expect_close(got, want, f"leaky_relu({shown}, alpha={alpha})", formula)
    grid = np.array([[-2.0, 3.0], [1.5, -0.5]])
    got = call_elementwise(lambda v: leaky_relu(v, 0.1), grid, _("leaky_relu on a 2×2 array"), formula)
    expect_close(got, np.where(grid > 0, grid, 0.1 * grid), _("leaky_relu(2×2 array, alpha=0.1)"),
                 _("Keep the shape of x: work elementwise."))
    return _("LeakyReLU for every α, including α > 1 where the max(αx, x) shortcut breaks.")
