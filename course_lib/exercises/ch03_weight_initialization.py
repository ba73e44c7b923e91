"""Chapter 03's exercise checks."""
import numpy as np

from course_lib import data, diagnostics
from course_lib.exercises._framework import CheckFailed, short, call, exercise, expect, expect_close
from course_lib.i18n import gettext as _
from course_lib.network import MLP


# Cases (fan_in, fan_out): square layers, the MNIST net's 784 → 100 and 100 → 10, and small fans
# where the usual slips (2/√n, fan_out, both fans, a variance) all give different numbers.
_INIT_CASES = ((100, 100), (784, 100), (100, 10), (3, 50), (1, 1))


def _check_init_std(func, name, right, mistakes, formula):
    """Call func(fan_in, fan_out) on _INIT_CASES; name the slip if the answers match a known mistake.

    A slip is named when it matches every case (so a square layer, where Glorot's and LeCun's
    std agree, does not mislead the hint); otherwise the first wrong case is reported.
    """
    values = []
    for fan_in, fan_out in _INIT_CASES:
        what = f"{name}(fan_in={fan_in}, fan_out={fan_out})"
        got = call(func, fan_in, fan_out, what=what)
        try:
            values.append(float(got))
        except (TypeError, ValueError):
            raise CheckFailed(_("{what} returned {got}; return one number, the standard deviation.").format(
                what=what, got=short(got)) + " " + formula) from None
    wants = [right(i, o) for i, o in _INIT_CASES]
    wrong = [k for k, (v, w) in enumerate(zip(values, wants)) if not np.isclose(v, w, rtol=1e-6)]
    if not wrong:
        return
    slips = [slip for slip, (formula_wrong, _hint) in mistakes.items()
             if all(np.isclose(v, formula_wrong(i, o), rtol=1e-6) for v, (i, o) in zip(values, _INIT_CASES))]
    k = wrong[0]
    if not slips:        # no slip explains every case: one that explains the first wrong one?
        i, o = _INIT_CASES[k]
        slips = [slip for slip, (formula_wrong, _hint) in mistakes.items()
                 if np.isclose(values[k], formula_wrong(i, o), rtol=1e-6)]
    what = f"{name}(fan_in={_INIT_CASES[k][0]}, fan_out={_INIT_CASES[k][1]})"
    if slips:
        raise CheckFailed(_("{what} returned {got:.6g} = {slip}; expected {want:.6g}.").format(
            what=what, got=values[k], slip=slips[0], want=wants[k]) + f" {mistakes[slips[0]][1]} {formula}")
    expect_close(values[k], wants[k], what, formula, rtol=1e-6)


@exercise("03-he-std", "He initialisation: std = √(2/n_in)")
def _check_he_std(he_std):
    """He initialisation's standard deviation √(2/fan_in), for ReLU layers."""
    formula = _("Revisit: He et al. (2015) draw W ~ N(0, σ²) with σ = √(2/n_in), n_in = fan_in.")
    mistakes = {
        "2/√n_in": (lambda i, o: 2 / np.sqrt(i),
                    _("That is the notes' erratum: 2/√n is √2 times too large (variance 4/n, not 2/n); "
                      "put the 2 under the root.")),
        "1/√n_in": (lambda i, o: 1 / np.sqrt(i),
                    _("That is LeCun's std (DLFS calls it 'Xavier'). ReLU zeroes half of its inputs, "
                      "so He doubles the variance: 2/n_in.")),
        "√(2/n_out)": (lambda i, o: np.sqrt(2 / o),
                       _("You used fan_out. A unit's sum has fan_in terms, so the variance is divided "
                         "by fan_in (the number of inputs).")),
        "√(2/(n_in+n_out))": (lambda i, o: np.sqrt(2 / (i + o)),
                              _("That is Glorot's std, which averages both fans; He uses fan_in only.")),
        "2/n_in": (lambda i, o: 2 / i,
                   _("That is the variance σ²; return the standard deviation σ = √(variance).")),
        "√(6/n_in)": (lambda i, o: np.sqrt(6 / i),
                      _("That is the limit r of He's uniform version U(−r, r); its std is r/√3.")),
    }
    _check_init_std(he_std, "he_std", lambda i, o: np.sqrt(2 / i), mistakes, formula)
    return _("σ = √(2/n_in): 0.141 for a 100-unit layer, 0.0505 for MNIST's 784 inputs — "
             "the same as initializers.std('he_normal', n_in, n_out).")


@exercise("03-glorot-std", "Xavier/Glorot initialisation: std = √(2/(n_in+n_out))")
def _check_glorot_std(glorot_std):
    """Glorot (Xavier) normal initialisation's standard deviation √(2/(fan_in + fan_out))."""
    formula = _("Revisit: Glorot & Bengio (2010) draw W ~ N(0, σ²) with σ = √(2/(n_in + n_out)), "
                "the average of the forward (1/n_in) and backward (1/n_out) conditions.")
    mistakes = {
        "√(3/(n_in+n_out))": (lambda i, o: np.sqrt(3 / (i + o)),
                              _("That is the notes' erratum: √1.5 ≈ 1.22 times too large. The 3 "
                                "belongs to uniform limits (U(−r, r) has variance r²/3), not to "
                                "the normal's std.")),
        "1/√n_in": (lambda i, o: 1 / np.sqrt(i),
                    _("That is LeCun's std, which DLFS calls 'Xavier': it equals Glorot's only when "
                      "n_in = n_out. Use both fans.")),
        "√(6/(n_in+n_out))": (lambda i, o: np.sqrt(6 / (i + o)),
                              _("That is the limit r of Glorot's uniform version U(−r, r); its "
                                "std is r/√3.")),
        "2/(n_in+n_out)": (lambda i, o: 2 / (i + o),
                           _("That is the variance σ²; return the standard deviation σ.")),
        "√(2/n_in)": (lambda i, o: np.sqrt(2 / i),
                      _("That is He's std (fan_in only); Glorot averages fan_in and fan_out.")),
        "√(1/(n_in+n_out))": (lambda i, o: np.sqrt(1 / (i + o)),
                              _("The variance is 1 over the average fan, (n_in + n_out)/2, which "
                                "gives 2/(n_in + n_out).")),
        "2/√(n_in+n_out)": (lambda i, o: 2 / np.sqrt(i + o),
                            _("Put the 2 under the square root.")),
    }
    _check_init_std(glorot_std, "glorot_std", lambda i, o: np.sqrt(2 / (i + o)), mistakes, formula)
    return _("σ = √(2/(n_in+n_out)): 0.1 for a 100 → 100 layer (where it equals LeCun's 1/√n_in), "
             "0.0476 for 784 → 100 (LeCun: 0.0357).")


_STALL_SIZES = [784, 100, 100, 100, 100, 10]


def _stall_reference(init):
    """Per-layer statistics and scores of the chapter's MNIST net (seed 0) on 1000 training images."""
    (x, t), _test = data.load_mnist()
    net = MLP(_STALL_SIZES, activation="relu", init=init, seed=0)
    stats = diagnostics.layer_stats(net, x[:1000], t[:1000])
    return stats, net.predict(x[:1000])


@exercise("03-why-stall", "why std 0.01 stalls: the last hidden layer's activation std")
def _check_why_stall(last_hidden_std):
    """last_hidden_std(init): std of hidden layer 4's activations of the 784-100×4-10 ReLU net."""
    recipe = _("Revisit the recipe: net = MLP([784, 100, 100, 100, 100, 10], activation='relu', "
               "init=init, seed=0); stats = diagnostics.layer_stats(net, x_train[:1000], "
               "t_train[:1000]); return stats[-1]['act_std'] (the last hidden layer, layer 4).")
    found = {}
    for init in (0.01, "he_normal", 0.05):
        what = f"last_hidden_std({init!r})"
        got = call(last_hidden_std, init, what=what)
        stats, scores = _stall_reference(init)
        want = stats[-1]["act_std"]
        try:
            value = float(got)
        except (TypeError, ValueError):
            raise CheckFailed(_("{what} returned {got}; return one number.").format(what=what, got=short(got))
                              + " " + recipe) from None
        if np.isclose(value, want, rtol=1e-3, atol=1e-12):
            found[init] = value
            continue
        slips = {_("the std of the FIRST hidden layer (stats[0])"): stats[0]["act_std"],
                 _("the MEAN of the last hidden layer, not its std"): stats[-1]["act_mean"],
                 _("the std of the output scores, not of the last hidden layer"): float(scores.std()),
                 _("the std of layer 3 (the last hidden layer is layer 4, stats[-1])"): stats[-2]["act_std"]}
        if isinstance(init, float):
            slips[_("the weights' std (the init parameter itself)")] = init
        for slip, w in slips.items():
            if np.isclose(value, w, rtol=1e-3):
                raise CheckFailed(_("{what} returned {got:.4g}: that is {slip}. Expected {want:.4g}.").format(
                    what=what, got=value, slip=slip, want=want) + " " + recipe)
        raise CheckFailed(_("{what}: expected {want:.4g}, got {got:.4g}. Use seed=0 and the first "
                            "1000 TRAINING images.").format(what=what, want=want, got=value) + " " + recipe)
    expect(found[0.01] < 1e-3 * found["he_normal"],
           _("With std 0.01 the last hidden layer's std should be tiny next to He's; got "
             "{small:.3g} vs {he:.3g}.").format(small=found[0.01], he=found["he_normal"]) + " " + recipe)
    return _("std 0.01: the last hidden layer's activations have std {small:.2g}, {ratio:.0f}× smaller than "
             "with He ({he:.2g}). Each layer multiplies the scale by ≈ 0.01·√(100/2) ≈ 0.07.").format(
                 small=found[0.01], ratio=found["he_normal"] / found[0.01], he=found["he_normal"])
