"""Chapter 05's exercise checks."""
import numpy as np

from course_lib.exercises._framework import CheckFailed, show, call, exercise, expect, expect_close
from course_lib.i18n import gettext as _


def _bn_reference(x, gamma, beta, eps, axis=0, ddof=0, keepdims=False, eps_outside=False):
    x = np.asarray(x, dtype=np.float64)
    mu = x.mean(axis=axis, keepdims=keepdims)
    var = x.var(axis=axis, ddof=ddof, keepdims=keepdims)
    with np.errstate(divide="ignore", invalid="ignore"):
        xhat = (x - mu) / (np.sqrt(var) + eps if eps_outside else np.sqrt(var + eps))
    return gamma * xhat + beta, xhat


def _matches(got, want):
    got = np.asarray(got, dtype=np.float64)
    return got.shape == np.shape(want) and bool(np.all(np.isfinite(got))) and \
        np.allclose(got, want, rtol=1e-4, atol=1e-7)


def _distance(got, want):
    return float(np.max(np.abs(np.asarray(got, dtype=np.float64) - want)))


def _bn_cases():
    """(what, x, gamma, beta, eps) cases: a square batch (where axis=0 and axis=1 differ only in
    meaning), a tall one, tiny values with a constant column (σ² below ε, and 0), and eps = 0.5."""
    rng = np.random.default_rng(5)
    square = rng.normal(0.0, 1.0, (4, 4)) * np.array([1.0, 3.0, 0.5, 2.0]) + np.array([2.0, -1.0, 0.0, 5.0])
    tiny = 1e-3 * rng.normal(0.0, 1.0, (6, 3))              # σ² ≈ 1e-6, smaller than ε = 1e-5
    tiny[:, 2] = 0.25                                       # a constant column: σ² = 0
    tall = rng.normal(1.0, 2.0, (8, 3))
    return [(_("x of shape (4, 4)"), square, np.array([1.5, 0.5, 2.0, 1.0]), np.array([0.1, -0.2, 0.3, 0.0]),
             1e-5),
            (_("x of shape (8, 3)"), tall, np.array([2.0, 1.0, 0.5]), np.array([1.0, 0.0, -1.0]), 1e-5),
            (_("x of shape (6, 3) with tiny values and a constant column"), tiny, np.array([1.0, 2.0, 1.0]),
             np.array([0.0, 0.5, -0.5]), 1e-5),
            (_("x of shape (8, 3) with eps=0.5"), tall, np.array([2.0, 1.0, 0.5]), np.array([1.0, 0.0, -1.0]),
             0.5)]


def _bn_mistakes(x, gamma, beta, eps):
    """(output, hint) of every known slip on this input: the wrong variance, ε left out or outside
    the root, the wrong axis, a missing or swapped γ and β, an ignored eps."""
    xhat = _bn_reference(x, gamma, beta, eps)[1]
    mistakes = [
        (_bn_reference(x, gamma, beta, eps, ddof=1)[0],
         _("you used the unbiased variance (divide by N − 1, ddof=1); batch norm divides by N "
           "(np.var's default, ddof=0).")),
        (_bn_reference(x, gamma, beta, 0.0)[0],
         _("you left out ε: divide by √(σ²_B + ε), which also keeps a constant column finite.")),
        (_bn_reference(x, gamma, beta, eps, eps_outside=True)[0],
         _("ε belongs inside the square root: √(σ²_B + ε), not √σ²_B + ε.")),
        (_bn_reference(x, gamma, beta, eps, axis=1, keepdims=True)[0],
         _("you normalised each row (axis=1, over the features of one example); batch norm "
           "normalises each column over the batch: axis=0.")),
        (_bn_reference(x, gamma, beta, eps, axis=None)[0],
         _("you used one mean and variance for the whole array; batch norm has one per column "
           "(unit), over the batch: axis=0.")),
        (xhat, _("you returned x̂ itself: scale and shift it, y = γ·x̂ + β.")),
        (gamma * xhat, _("you forgot the shift β: y = γ·x̂ + β.")),
        (xhat + beta, _("you forgot the scale γ: y = γ·x̂ + β.")),
        (beta * xhat + gamma, _("γ and β are swapped: y = γ·x̂ + β (γ scales, β shifts).")),
    ]
    if x.shape[0] == x.shape[1]:
        mistakes.append((_bn_reference(x, gamma, beta, eps, axis=1)[0],
                         _("you took the mean and variance over axis=1 (each row); batch norm uses "
                           "axis=0, one mean and variance per column.")))
    if eps != 1e-5:
        mistakes.append((_bn_reference(x, gamma, beta, 1e-5)[0],
                         _("you ignored the eps argument (you used 1e-5 whatever eps was given).")))
    return mistakes


def _bn_expect_case(batchnorm_forward, case, formula):
    """One batch: x is left unchanged and y = γ·x̂ + β; else the nearest known slip, or NaN/inf."""
    what, x, gamma, beta, eps = case
    x_in = x.copy()
    got = call(batchnorm_forward, x_in, gamma.copy(), beta.copy(), eps=eps,
               what=f"batchnorm_forward({what}, eps={eps})")
    expect(np.array_equal(x_in, x), _("batchnorm_forward changed its input x ({what}); compute "
                                      "x − μ into a new array (xc = x - mu), not in place (x -= mu).").format(
                                          what=what))
    want = _bn_reference(x, gamma, beta, eps)[0]
    if _matches(got, want):
        return
    close = [(_distance(got, wrong), hint) for wrong, hint in _bn_mistakes(x, gamma, beta, eps)
             if _matches(got, wrong)]
    if close:                                   # the nearest of the known mistakes
        raise CheckFailed(f"batchnorm_forward({what}): {min(close)[1]} {formula}")
    if np.shape(got) == x.shape and not np.all(np.isfinite(np.asarray(got, dtype=np.float64))):
        raise CheckFailed(_("batchnorm_forward({what}) returned NaN or inf: a constant column has "
                            "σ²_B = 0, and only ε keeps the division finite.").format(what=what) + " " + formula)
    expect_close(got, want, f"batchnorm_forward({what})", formula, rtol=1e-4, atol=1e-7)


@exercise("05-batchnorm-forward", "batch normalisation, training mode")
def _check_batchnorm_forward(batchnorm_forward):
    """BN forward in training mode: per column, x̂ = (x − μ_B)/√(σ²_B + ε) over the batch, y = γx̂ + β."""
    formula = _("Revisit: μ_B = mean over the batch (axis=0), σ²_B = mean of (x − μ_B)² over the batch "
                "(divide by N), x̂ = (x − μ_B)/√(σ²_B + ε), y = γ·x̂ + β.")
    for case in _bn_cases():
        _bn_expect_case(batchnorm_forward, case, formula)
    return _("Each column has mean β and standard deviation ≈ γ over the batch — the forward pass of "
             "layers.BatchNorm in training mode.")


@exercise("05-running-mean", "the running mean of batch norm")
def _check_running_mean(update_running_mean):
    """running ← momentum·running + (1 − momentum)·batch mean (the average used at inference)."""
    formula = _("Revisit: running_mean ← m·running_mean + (1 − m)·batch_mean with momentum m "
                "(0.9 keeps 90 % of the old value).")
    cases = [(np.zeros(3), np.array([1.0, 2.0, 3.0]), 0.9),
             (np.array([1.0, -2.0, 0.5]), np.array([3.0, 0.0, 0.5]), 0.9),
             (np.array([4.0, 1.0]), np.array([0.0, 3.0]), 0.99),
             (np.array([4.0, 1.0]), np.array([0.0, 3.0]), 0.5),
             (np.array([4.0, 1.0]), np.array([0.0, 3.0]), 0.0)]
    for running, batch, m in cases:
        what = f"update_running_mean(running_mean={show(running)}, batch_mean={show(batch)}, momentum={m})"
        got = call(update_running_mean, running.copy(), batch.copy(), momentum=m, what=what)
        expect(got is not None, _("{what} returned None: return the new running mean.").format(what=what))
        want = m * running + (1 - m) * batch
        if np.shape(got) == want.shape and m != 0.5:
            if np.allclose(got, (1 - m) * running + m * batch):
                raise CheckFailed(_("{what}: momentum and 1 − momentum are swapped — you kept "
                                    "{kept:g} of the old value and took {m:g} of the batch. The "
                                    "momentum is the share of the OLD running mean that is kept "
                                    "(PyTorch's momentum=0.1 is this 1 − m).").format(what=what, kept=1 - m, m=m)
                                  + " " + formula)
            if m != 0.9 and np.allclose(got, 0.9 * running + 0.1 * batch):
                raise CheckFailed(_("{what}: you used 0.9 whatever momentum was given; use the "
                                    "momentum argument.").format(what=what) + " " + formula)
        expect_close(got, want, what, formula)
    running = np.zeros(2)
    for _step in range(50):
        running = call(update_running_mean, running, np.array([2.0, -1.0]), momentum=0.9,
                       what=_("update_running_mean applied 50 times"))
    expect_close(running, np.array([2.0, -1.0]) * (1 - 0.9 ** 50),
                 _("after 50 updates from 0 with a constant batch mean [2, -1], momentum 0.9"),
                 _("The running mean approaches the batch mean as 1 − 0.9^k."))
    return _("After k batches the running mean has forgotten its start up to a factor mᵏ "
             "(0.9⁵⁰ ≈ 0.005): that is what BN uses at inference.")
