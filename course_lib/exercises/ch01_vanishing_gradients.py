"""Chapter 01's exercise checks."""
import numpy as np

from course_lib.activations import sigmoid
from course_lib.exercises._framework import (CheckFailed, call_elementwise, short, show, call,
                                             exercise, expect, expect_close, expect_shape)
from course_lib.i18n import gettext as _


@exercise("01-sigmoid-derivative", "the derivative of the sigmoid, σ'(x) = σ(x)(1 − σ(x))")
def _check_sigmoid_derivative(sigmoid_derivative):
    """σ'(x) = σ(x)(1 − σ(x)), elementwise, finite for any x."""
    formula = _("Revisit σ'(x) = σ(x)·(1 − σ(x)) with σ(x) = 1/(1 + e^(−x)).")
    x = np.array([-4.0, -1.0, 0.0, 0.5, 2.0, 6.0])
    s = sigmoid(x)
    want = s * (1 - s)
    got = call_elementwise(sigmoid_derivative, x, "sigmoid_derivative(x=[-4, -1, 0, 0.5, 2, 6])", formula)
    if np.shape(got) == x.shape:
        g = np.asarray(got, dtype=np.float64)
        if np.allclose(g, s * (1 + s)):
            raise CheckFailed(_("You computed σ(x)(1 + σ(x)): the second factor is 1 − σ(x), the chance of "
                                "'the other class'. With + the value at x = 0 is 0.75 instead of 0.25.")
                              + " " + formula)
        if np.allclose(g, s):
            raise CheckFailed(_("You returned σ(x) itself, not its derivative.") + " " + formula)
        if np.allclose(g, x * (1 - x)):
            raise CheckFailed(_("You computed x(1 − x): the formula is applied to σ(x), not to x.") + " "
                              + formula)
        if np.allclose(g, s * (1 - s) ** 2) or np.allclose(g, s ** 2 * (1 - s)):
            raise CheckFailed(_("One factor is squared: σ' is σ(x) times (1 − σ(x)), each once.") + " "
                              + formula)
    expect_close(got, want, "sigmoid_derivative(x=[-4, -1, 0, 0.5, 2, 6])", formula)
    grid = np.array([[-2.0, 0.0], [1.0, 3.0]])
    got = call_elementwise(sigmoid_derivative, grid, _("sigmoid_derivative on a 2×2 array"), formula)
    expect_close(got, sigmoid(grid) * (1 - sigmoid(grid)), _("sigmoid_derivative(2×2 array)"),
                 _("The result must have the shape of x: compute elementwise, no sums or loops over rows."))
    got = call_elementwise(sigmoid_derivative, np.array([0.0]), "sigmoid_derivative([0.0])", formula)
    expect_close(got, [0.25], _("sigmoid_derivative at x = 0"), _("The peak of σ' is σ(0)(1 − σ(0)) = ½·½ = ¼."))
    big = np.array([-1000.0, -50.0, 50.0, 1000.0])
    got = call_elementwise(sigmoid_derivative, big, "sigmoid_derivative(x=[-1000, -50, 50, 1000])", formula)
    g = np.asarray(got, dtype=np.float64)
    expect(g.shape == big.shape and bool(np.all(np.isfinite(g))),
           _("sigmoid_derivative(x=[-1000, -50, 50, 1000]) gave {got}: not finite. For large |x| a "
             "formula like e^(−x)/(1 + e^(−x))² computes ∞/∞ = nan. Compute s = σ(x) first, then s·(1 − s): "
             "it is exactly 0 far out, never nan.").format(got=show(g)))
    expect_close(g, [0.0, 0.0, 0.0, 0.0], "sigmoid_derivative(x=[-1000, -50, 50, 1000])",
                 _("Far from 0 the sigmoid is flat: σ' is (almost exactly) 0 — that is saturation."), atol=1e-12)
    return _("σ'(x) = σ(x)(1 − σ(x)): elementwise, at most ¼ (at x = 0), and 0 in the flat tails — "
             "which is why deep sigmoid nets lose their gradient.")


@exercise("01-max-gradient-factor", "the largest gradient factor through k sigmoid layers")
def _check_max_gradient_factor(max_gradient_factor):
    """The best case of a product of k sigmoid derivatives: (1/4)^k."""
    formula = _("Each sigmoid layer multiplies the gradient by σ'(z) ≤ ¼, and the chain rule multiplies "
                "the factors of all k layers: at most ¼ · ¼ · … · ¼ = (¼)^k.")
    for k in (1, 2, 3, 5, 10):
        got = call(max_gradient_factor, k, what=f"max_gradient_factor({k})")
        try:
            value = float(got)
        except (TypeError, ValueError):
            raise CheckFailed(_("max_gradient_factor({k}) returned {got}; return one number.").format(
                k=k, got=short(got))) from None
        if np.isclose(value, 0.25 ** k, rtol=1e-9, atol=0):
            continue
        if np.isclose(value, 0.5 ** k):
            raise CheckFailed(_("max_gradient_factor({k}) = {value:.6g} = 0.5^{k}: ½ is σ(0), the sigmoid's "
                                "value at 0, but its slope there is σ(0)(1 − σ(0)) = ¼.").format(k=k, value=value)
                              + " " + formula)
        if np.isclose(value, 0.25 * k):
            raise CheckFailed(_("max_gradient_factor({k}) = {value:.6g} = ¼·{k}: the chain rule multiplies "
                                "the layers' factors, it does not add them.").format(k=k, value=value)
                              + " " + formula)
        if np.isclose(value, 0.25 ** (k - 1)) or np.isclose(value, 0.25 ** (k + 1)):
            raise CheckFailed(_("max_gradient_factor({k}) = {value:.6g}: off by one layer — k layers give "
                                "k factors.").format(k=k, value=value) + " " + formula)
        expect_close(value, 0.25 ** k, f"max_gradient_factor({k})", formula, rtol=1e-9, atol=0)
    got = call(max_gradient_factor, 0, what="max_gradient_factor(0)")
    expect_close(got, 1.0, "max_gradient_factor(0)", _("No layer, no factor: the gradient passes unchanged (1)."))
    return _("(¼)^k: after 10 sigmoid layers at most 9.5e-07 of the gradient reaches the input, even in the "
             "best case.")


def _clip_grads():
    """The gradients every clip case starts from: W1 of norm 5, b1 of norm 12, together ‖g‖ = 13."""
    return {"W1": np.array([[3.0, 0.0], [0.0, 4.0]]), "b1": np.array([7.2, 9.6])}


def _clip_result(clip_by_global_norm, max_norm):
    """clip_by_global_norm(grads, max_norm) as float arrays, checking it is a dict with the keys and
    shapes of grads."""
    got = call(clip_by_global_norm, _clip_grads(), max_norm,
               what=f"clip_by_global_norm(grads, max_norm={max_norm})")
    expect(isinstance(got, dict), _("clip_by_global_norm returned {kind}; return a dict with the same keys "
                                    "as grads (W1, b1), each an array of the same shape.").format(
                                        kind=type(got).__name__))
    expect(set(got) == {"W1", "b1"}, _("clip_by_global_norm returned the keys {keys}; expected the keys of "
                                       "grads, ['W1', 'b1'].").format(keys=sorted(got)))
    for key in ("W1", "b1"):
        expect_shape(got[key], _clip_grads()[key].shape, f"clip_by_global_norm(...)[{key!r}]")
    return {k: np.asarray(v, dtype=np.float64) for k, v in got.items()}


def _clip_expect_short_unchanged(clip_by_global_norm, formula):
    """max_norm 100 > ‖g‖ = 13: the gradient comes back unchanged (not scaled up, not divided by ‖g‖²)."""
    got = _clip_result(clip_by_global_norm, 100.0)
    if all(np.allclose(got[k], v * 100 / 13) for k, v in _clip_grads().items()):
        raise CheckFailed(_("A gradient of norm 13 was scaled UP to norm 100: clipping only ever scales down "
                            "(min(1, c/‖g‖)).") + " " + formula)
    if all(np.allclose(got[k], v * 100 / 169) for k, v in _clip_grads().items()):
        raise CheckFailed(_("You divided by ‖g‖² = 169, the sum of squares: the norm is its square root, 13.")
                          + " " + formula)
    for key, want in _clip_grads().items():
        expect_close(got[key], want, _("with ‖g‖ = 13 and max_norm = 100, grads[{key!r}]").format(key=key),
                     _("A gradient whose norm is already below max_norm must stay unchanged.") + " " + formula)


def _clip_expect_long_scaled(clip_by_global_norm, formula):
    """max_norm 6.5 and 1 < ‖g‖ = 13: every array scaled by the same c/‖g‖ (not clipped by value,
    not each array by its own norm)."""
    got = _clip_result(clip_by_global_norm, 6.5)
    norm = float(np.sqrt(sum(np.sum(v * v) for v in got.values())))
    grads = _clip_grads()
    if np.allclose(got["W1"], np.clip(grads["W1"], -6.5, 6.5)) and np.allclose(got["b1"], [6.5, 6.5]):
        raise CheckFailed(_("You clipped each number to [−6.5, 6.5] (np.clip): that changes the gradient's "
                            "direction. Clipping by norm scales the whole gradient down instead.") + " " + formula)
    if np.allclose(got["W1"], grads["W1"]) and np.allclose(got["b1"], [3.9, 5.2]):
        raise CheckFailed(_("You clipped each array by its own norm (W1 has norm 5 < 6.5, so it stayed; b1 "
                            "was cut from 12 to 6.5): that changes the direction of the whole gradient. Use one "
                            "global norm over all arrays together.") + " " + formula)
    for key, want in grads.items():
        expect_close(got[key], want * 0.5, _("with ‖g‖ = 13 and max_norm = 6.5, grads[{key!r}]").format(key=key),
                     _("Every array must be multiplied by 6.5/13 = 0.5 (the clipped norm was {norm:.4g}).").format(
                         norm=norm) + " " + formula)
    got = _clip_result(clip_by_global_norm, 1.0)
    for key, want in grads.items():
        expect_close(got[key], want / 13.0, _("with ‖g‖ = 13 and max_norm = 1, grads[{key!r}]").format(key=key),
                     formula)


def _clip_expect_small_unchanged(clip_by_global_norm, formula):
    """A tiny gradient (‖g‖ = 0.05) under max_norm 1 stays unchanged: clipping never scales up."""
    small = {"W1": np.array([[0.03, 0.0], [0.0, 0.04]]), "b1": np.array([0.0, 0.0])}
    got = call(clip_by_global_norm, small, 1.0, what=_("clip_by_global_norm(small grads, 1.0)"))
    if isinstance(got, dict) and "W1" in got and np.allclose(got["W1"], [[0.6, 0.0], [0.0, 0.8]]):
        raise CheckFailed(_("A gradient of norm 0.05 was scaled UP to norm 1: clipping only ever scales down "
                            "(min(1, c/‖g‖)).") + " " + formula)
    expect(isinstance(got, dict) and "W1" in got,
           _("clip_by_global_norm must return a dict with the keys of grads."))
    expect_close(got["W1"], small["W1"], _("with ‖g‖ = 0.05 and max_norm = 1, grads['W1']"),
                 _("Small gradients stay unchanged.") + " " + formula)


@exercise("01-clip-by-global-norm", "gradient clipping by the global norm")
def _check_clip_by_global_norm(clip_by_global_norm):
    """g ← g · min(1, c / ‖g‖), ‖g‖ over all arrays together."""
    formula = _("Revisit: ‖g‖ = √(Σ over all arrays of Σ g²); if ‖g‖ > c, multiply every array by c/‖g‖, "
                "otherwise leave them unchanged.")
    _clip_expect_short_unchanged(clip_by_global_norm, formula)
    _clip_expect_long_scaled(clip_by_global_norm, formula)
    _clip_expect_small_unchanged(clip_by_global_norm, formula)
    return _("One norm over all arrays, scaled down only when too long: the direction of the step is kept, "
             "its length is capped — that is train(..., clip_norm=c).")


_VANISH_CASES = {1.0: 0, 0.5: 1, 0.25: 1, 0.1: 2, 0.01: 4, 1e-6: 10, 1e-12: 20}


def _vanish_expect_case(layers_to_vanish, fraction, want, formula):
    """layers_to_vanish(fraction) is the whole number want; else the slip: not rounded up, a factor
    ½ per layer, off by one."""
    got = call(layers_to_vanish, fraction, what=f"layers_to_vanish({fraction:g})")
    try:
        value = float(got)
    except (TypeError, ValueError):
        raise CheckFailed(_("layers_to_vanish({fraction:g}) returned {got}; return one whole number of "
                            "layers.").format(fraction=fraction, got=short(got))) from None
    if value == want:
        return
    exact = np.log(1 / fraction) / np.log(4)
    if want > 0 and np.isclose(value, exact) and value != round(value):
        raise CheckFailed(_("layers_to_vanish({fraction:g}) = {value:.4g}: a network has a whole number "
                            "of layers — round up to {want}.").format(fraction=fraction, value=value, want=want)
                          + " " + formula)
    if want > 0 and np.isclose(value, np.ceil(np.log(1 / fraction) / np.log(2))):
        raise CheckFailed(_("layers_to_vanish({fraction:g}) = {value:g} uses a factor ½ per layer: ½ is "
                            "σ(0), the sigmoid's value, but its slope there is ¼.").format(
                                fraction=fraction, value=value) + " " + formula)
    if value in (want - 1, want + 1):
        raise CheckFailed(_("layers_to_vanish({fraction:g}) = {value:g}, expected {want}: off by one — "
                            "check (¼)^{value:g} = {power:.3g} against {fraction:g} "
                            "(≤, and round up, not down).").format(fraction=fraction, value=value, want=want,
                                                                   power=0.25 ** value) + " " + formula)
    raise CheckFailed(_("layers_to_vanish({fraction:g}): expected {want}, got {got}.").format(
        fraction=fraction, want=want, got=short(got)) + " " + formula)


def _vanish_expect_value_errors(layers_to_vanish):
    """A fraction outside (0, 1] (0, −0.5, 1.5) raises ValueError."""
    for bad in (0.0, -0.5, 1.5):
        try:
            layers_to_vanish(bad)
        except ValueError:
            continue
        except NotImplementedError:
            raise
        except Exception as err:  # noqa: BLE001 - the student's error type is what we report
            raise CheckFailed(_("layers_to_vanish({bad}) raised {kind}; raise a ValueError that says "
                                "fraction must be in (0, 1].").format(bad=bad, kind=type(err).__name__)) from None
        raise CheckFailed(_("layers_to_vanish({bad}) returned without an error; a fraction of the gradient "
                            "lies in (0, 1]: raise ValueError for anything else.").format(bad=bad))


@exercise("01-layers-to-vanish", "how many sigmoid layers until even the best case vanishes")
def _check_layers_to_vanish(layers_to_vanish):
    """The smallest k >= 0 with (1/4)^k <= fraction: k = ⌈log(1/fraction) / log 4⌉."""
    formula = _("Through k sigmoid layers the gradient is multiplied by at most (¼)^k; you want the "
                "smallest whole k with (¼)^k ≤ fraction, i.e. k = ⌈log(1/fraction) / log 4⌉ (or count "
                "up in a loop until 0.25**k ≤ fraction).")
    for fraction, want in _VANISH_CASES.items():
        _vanish_expect_case(layers_to_vanish, fraction, want, formula)
    _vanish_expect_value_errors(layers_to_vanish)
    return _("10 sigmoid layers are enough for even the best case to pass back less than a millionth "
             "of the gradient; 20 for less than 10⁻¹².")
