"""Chapter 07's exercise checks."""
import numpy as np

from course_lib.exercises._framework import CheckFailed, short, call, exercise, expect, expect_shape
from course_lib.i18n import gettext as _


def _ks_uniform(u):
    """Kolmogorov–Smirnov distance between the sample u (in [0, 1]) and the uniform distribution."""
    u = np.sort(np.asarray(u, dtype=np.float64))
    n = u.size
    grid = np.arange(1, n + 1) / n
    return float(max(np.max(grid - u), np.max(u - (grid - 1 / n))))


def _lu_sample(sample_log_uniform, low, high, n):
    """n samples from the student's function (seed 0) as floats: what they are called, the array."""
    what = f"sample_log_uniform({low:g}, {high:g}, size={n}, rng)"
    v = np.asarray(call(sample_log_uniform, low, high, n, np.random.default_rng(0), what=what),
                   dtype=np.float64)
    expect_shape(v, (n,), what, _("Return an array of `size` values."))
    return what, v


def _lu_expect_not_exponents(what, v, low, high, formula):
    """The values are hyperparameters, not exponents: not log10 of uniform samples, not 10^U(low, high),
    not e^u nor 10^(ln …)."""
    lo10, hi10 = np.log10(low), np.log10(high)
    if np.all(v <= 0) or (np.all(v >= lo10 - 1e-9) and np.all(v <= hi10 + 1e-9) and hi10 < 0):
        raise CheckFailed(_("{what} returned values between {low:.3g} and {high:.3g}: those are "
                            "exponents, not hyperparameters — it looks like log10 of uniform samples "
                            "(uniform first, then the log). Sample the exponent uniformly and raise 10 "
                            "to it.").format(what=what, low=v.min(), high=v.max()) + " " + formula)
    if np.all(np.abs(np.log10(np.abs(v) + 1e-300) - 0) < 0.1) and hi10 < -1:
        raise CheckFailed(_("{what} returned values near 1 ({low:.4g} … {high:.4g}): you raised 10 "
                            "to U(low, high) — the exponents must range over U(log10 low, log10 high).").format(
                                what=what, low=v.min(), high=v.max()) + " " + formula)
    ln_lo, ln_hi = np.log(low), np.log(high)
    if (np.all(v >= np.exp(lo10) * (1 - 1e-9)) and np.all(v <= np.exp(hi10) * (1 + 1e-9))
            and not np.all((v >= low) & (v <= high))):
        raise CheckFailed(_("{what}: your values lie between e^(log10 low) and e^(log10 high): "
                            "exponents in base 10 need 10**u, not np.exp(u).").format(what=what) + " " + formula)
    if (np.all(v >= 10 ** ln_lo * (1 - 1e-9)) and np.all(v <= 10 ** ln_hi * (1 + 1e-9))
            and not np.all((v >= low) & (v <= high))):
        raise CheckFailed(_("{what}: your values lie between 10^(ln low) and 10^(ln high): np.log is the "
                            "natural log; with 10**u use np.log10.").format(what=what) + " " + formula)


def _lu_expect_inside(what, v, low, high, formula):
    """Every value lies in [low, high] (and the given bounds are used, not 1e-6 and 1e-2)."""
    inside = (v >= low * (1 - 1e-9)) & (v <= high * (1 + 1e-9))
    if not np.all(inside):
        if low != 1e-6 and np.all((v >= 1e-6 * (1 - 1e-9)) & (v <= 1e-2 * (1 + 1e-9))):
            raise CheckFailed(_("{what} returned values in [1e-6, 1e-2]: use the low and high you are "
                                "given, not fixed numbers.").format(what=what) + " " + formula)
        raise CheckFailed(_("{what}: {share:.1%} of the values lie outside [{low:g}, {high:g}] "
                            "(from {smallest:.3g} to {largest:.3g}).").format(
                                what=what, share=np.mean(~inside), low=low, high=high, smallest=v.min(),
                                largest=v.max()) + " " + formula)


def _lu_expect_uniform_exponents(what, v, low, high, formula):
    """log10 of the values is uniform on [log10 low, log10 high] (Kolmogorov–Smirnov distance < 0.02);
    a pile-up in the top decade is named as linear sampling."""
    lo10, hi10 = np.log10(low), np.log10(high)
    u = (np.log10(v) - lo10) / (hi10 - lo10)
    top = float(np.mean(u >= 1 - 1 / (hi10 - lo10)))
    if _ks_uniform(u) > 0.02:
        share = 1 / (hi10 - lo10)
        if top > 0.6:
            raise CheckFailed(_("{what}: {top:.0%} of your values lie in the top decade "
                                "[{start:g}, {high:g}], which should hold only {share:.0%}: that is "
                                "uniform sampling on the linear scale. On a log scale every decade gets "
                                "the same share.").format(what=what, top=top, start=high / 10, high=high,
                                                          share=share) + " " + formula)
        raise CheckFailed(_("{what}: the exponents log10(value) are not uniform on "
                            "[{lo:g}, {hi:g}] (Kolmogorov–Smirnov distance {distance:.3f}, "
                            "expected < 0.02 for 20 000 samples).").format(what=what, lo=lo10, hi=hi10,
                                                                           distance=_ks_uniform(u))
                          + " " + formula)


def _lu_expect_seeded(sample_log_uniform, formula):
    """The samples come from the rng argument: the same seed gives the same values, another seed
    others (a fixed grid such as np.logspace is named)."""
    a = np.asarray(call(sample_log_uniform, 1e-6, 1e-2, 50, np.random.default_rng(5)), dtype=np.float64)
    b = np.asarray(call(sample_log_uniform, 1e-6, 1e-2, 50, np.random.default_rng(5)), dtype=np.float64)
    expect(np.array_equal(a, b), _("Two rngs with the same seed gave different samples: draw with the rng "
                                   "argument (rng.uniform), not with np.random, so a search is reproducible."))
    c = np.asarray(call(sample_log_uniform, 1e-6, 1e-2, 50, np.random.default_rng(6)), dtype=np.float64)
    if np.array_equal(a, c):
        evenly = np.allclose(np.diff(np.log10(np.sort(a))), np.diff(np.log10(np.sort(a))).mean(), rtol=1e-6)
        raise CheckFailed(_("Two rngs with DIFFERENT seeds gave the same 50 values: your function ignores rng.")
                          + " " + (_("They are evenly spaced on the log scale — a fixed grid such as np.logspace, "
                                     "not a sample: every search would try the same values, and a second round "
                                     "could never fill the gaps.") + " " if evenly else "")
                          + _("Draw the exponents with rng.uniform.") + " " + formula)


@exercise("07-log-uniform", "sample hyperparameters log-uniformly: 10^U(log10 low, log10 high)")
def _check_log_uniform(sample_log_uniform):
    """Log-uniform sampling: every decade between low and high gets the same share."""
    formula = _("Revisit: draw the EXPONENT uniformly, u ~ U(log10 low, log10 high), then return 10**u "
                "(e.g. 10 ** rng.uniform(np.log10(low), np.log10(high), size)).")
    for low, high in [(1e-6, 1e-2), (1e-8, 1e-4), (0.5, 8.0)]:
        what, v = _lu_sample(sample_log_uniform, low, high, 20000)
        expect(bool(np.all(np.isfinite(v))), _("{what} returned non-finite values.").format(what=what)
               + " " + formula)
        _lu_expect_not_exponents(what, v, low, high, formula)
        _lu_expect_inside(what, v, low, high, formula)
        _lu_expect_uniform_exponents(what, v, low, high, formula)
    _lu_expect_seeded(sample_log_uniform, formula)
    return _("Every decade gets the same share: 10^U(log10 low, log10 high), reproducible from the seed.")


def _trials_case():
    """Trials where each common mistake picks a different one: the best by validation, by test, by
    training accuracy, by (validation + test)/2, the smallest train − validation gap, the lowest
    validation accuracy, and a diverged (NaN) trial."""
    rows = [  # lr, weight_decay, train_acc, val_acc, test_acc
        (1e-3, 1e-6, 0.62, 0.61, 0.59),     # smallest train − val gap (0.01)
        (8e-3, 2e-7, 0.99, 0.71, 0.70),     # best train
        (5e-3, 5e-5, 0.90, 0.78, 0.74),     # best validation: the answer
        (3e-3, 1e-8, 0.85, 0.70, 0.80),     # best test
        (4e-3, 1e-7, 0.86, 0.77, 0.77),     # best (validation + test)/2 = 0.77 (the answer's is 0.76)
        (2e-2, 1e-5, np.nan, np.nan, np.nan),   # diverged
        (1e-5, 3e-6, 0.16, 0.11, 0.10),     # lowest validation (gap 0.05)
    ]
    return [{"lr": a, "weight_decay": b, "train_acc": c, "val_acc": d, "test_acc": e} for a, b, c, d, e in rows]


def _pick_index(pick_best, trials, what, formula):
    """The student's choice as an index of trials: an integer in range (not the trial itself)."""
    got = call(pick_best, [dict(t) for t in trials], what=what)
    if isinstance(got, dict):
        raise CheckFailed(_("{what} returned a trial (dict); return its index in the list.").format(what=what)
                          + " " + formula)
    try:
        got = int(got)
    except (TypeError, ValueError):
        raise CheckFailed(_("{what} must return an integer index, got {got}.").format(
            what=what, got=short(got))) from None
    expect(0 <= got < len(trials), _("{what} returned {got}, not an index of the list of {n} trials.").format(
        what=what, got=got, n=len(trials)) + " " + formula)
    return got


def _pick_slip(what, chosen, formula):
    """Name the rule the chosen trial gives away, if it is a known wrong one: best test accuracy,
    validation and test together, best training accuracy, the NaN trial, the smallest gap, the lowest."""
    if chosen["test_acc"] == 0.80:
        raise CheckFailed(_("{what} chose the trial with the best TEST accuracy. The test set must not "
                            "influence any choice — once it does, its accuracy is no longer a measurement "
                            "on new data. Choose by validation accuracy.").format(what=what) + " " + formula)
    if chosen["val_acc"] == 0.77 and chosen["test_acc"] == 0.77:
        raise CheckFailed(_("{what} chose a trial with a lower validation accuracy (0.77) but a higher test "
                            "accuracy than the best by validation (0.78, test 0.74): the test accuracy took "
                            "part in your choice — e.g. by averaging validation and test. Any use of the test "
                            "set in choosing makes its number optimistic. Rank by validation accuracy "
                            "alone.").format(what=what) + " " + formula)
    if chosen["train_acc"] == 0.99:
        raise CheckFailed(_("{what} chose the trial with the best TRAINING accuracy: that rewards "
                            "overfitting. Choose by validation accuracy.").format(what=what) + " " + formula)
    if np.isnan(chosen["val_acc"]):
        raise CheckFailed(_("{what} chose the diverged trial (val_acc NaN): np.argmax treats NaN as the "
                            "largest value; skip NaN, e.g. with np.nanargmax.").format(what=what) + " " + formula)
    if chosen["val_acc"] == 0.61:
        raise CheckFailed(_("{what} chose the trial with the smallest gap between training and validation "
                            "accuracy (0.62 vs 0.61). A small gap means little overfitting, not a good model: "
                            "a network that learned little has no gap either. Choose the highest validation "
                            "accuracy.").format(what=what) + " " + formula)
    if chosen["val_acc"] == 0.11:
        raise CheckFailed(_("{what} chose the trial with the LOWEST validation accuracy: take the maximum.")
                          .format(what=what) + " " + formula)


def _pick_expect_tie(pick_best):
    """On a tie of validation accuracies the first trial is chosen, as np.argmax does."""
    tie = [{"lr": 1e-3, "weight_decay": 0.0, "train_acc": 0.8, "val_acc": 0.7, "test_acc": 0.9},
           {"lr": 2e-3, "weight_decay": 0.0, "train_acc": 0.9, "val_acc": 0.7, "test_acc": 0.6}]
    got = call(pick_best, tie, what=_("pick_best on a tie"))
    expect(int(got) == 0, _("On a tie of validation accuracies, return the first trial (index 0), as "
                            "np.argmax does; got {got}.").format(got=got))


@exercise("07-pick-best", "pick the best trial by validation accuracy (never by test or train)")
def _check_pick_best(pick_best):
    """Choose the trial with the highest validation accuracy, skipping diverged (NaN) trials."""
    formula = _("Revisit: rank the trials by 'val_acc' only and return the index of the largest, "
                "skipping NaN (e.g. int(np.nanargmax([t['val_acc'] for t in trials]))).")
    base = _trials_case()
    for shift in (0, 2, 4):                      # the same trials in other orders
        trials = base[shift:] + base[:shift]
        want = next(i for i, t in enumerate(trials) if t["val_acc"] == 0.78)
        what = _("pick_best(trials) (the trials rotated by {shift})").format(shift=shift)
        got = _pick_index(pick_best, trials, what, formula)
        chosen = trials[got]
        _pick_slip(what, chosen, formula)
        expect(got == want, _("{what}: expected index {want} (val_acc 0.78), got {got} (val_acc {val}).").format(
            what=what, want=want, got=got, val=chosen["val_acc"]) + " " + formula)
    _pick_expect_tie(pick_best)
    return _("Chosen by validation accuracy, diverged trials skipped: the test set stays untouched.")
