"""Chapter 06's exercise checks."""
import numpy as np

from course_lib.exercises._framework import (CheckFailed, short, call, exercise, expect, expect_close,
                                             expect_shape)
from course_lib.i18n import gettext as _


def _l2_case(seed, lam):
    """params/grads dicts W1 b1 W2 b2 (float64, nonzero biases) and the expected result."""
    rng = np.random.default_rng(seed)
    params = {"W1": rng.normal(size=(3, 4)), "b1": rng.normal(size=4),
              "W2": rng.normal(size=(4, 2)), "b2": rng.normal(size=2)}
    grads = {k: rng.normal(size=v.shape) for k, v in params.items()}
    loss = float(rng.uniform(0.5, 2.5))
    sum_w2 = sum(float(np.sum(v ** 2)) for k, v in params.items() if k.startswith("W"))
    sum_b2 = sum(float(np.sum(v ** 2)) for k, v in params.items() if k.startswith("b"))
    return params, grads, loss, sum_w2, sum_b2


def _wd_call(add_weight_decay, loss, grads, params, lam, what):
    """(new_loss as a float, new_grads) from the student's function, checking it returns a pair,
    leaves params alone and gives a dict with the keys of grads."""
    p_in = {k: v.copy() for k, v in params.items()}
    g_in = {k: v.copy() for k, v in grads.items()}
    out = call(add_weight_decay, loss, g_in, p_in, lam, what=what)
    expect(isinstance(out, (tuple, list)) and len(out) == 2,
           _("{what} must return a pair (new_loss, new_grads), got {got}.").format(what=what, got=short(out)))
    new_loss, new_grads = out
    expect(all(np.array_equal(p_in[k], params[k]) for k in params),
           _("{what} changed params: only compute with the weights, do not modify them.").format(what=what))
    try:
        new_loss = float(new_loss)
    except (TypeError, ValueError):
        raise CheckFailed(_("{what}: new_loss must be a number, got {got}.").format(
            what=what, got=short(new_loss))) from None
    expect(isinstance(new_grads, dict) and set(new_grads) == set(grads),
           _("{what}: new_grads must be a dict with the same keys as grads {keys}, got {got}.").format(
               what=what, keys=sorted(grads),
               got=short(new_grads) if not isinstance(new_grads, dict) else sorted(new_grads)))
    return new_loss, new_grads


def _wd_expect_loss(what, new_loss, loss, lam, sums, formula):
    """new_loss = loss + (λ/2)·Σw² (sums = (Σw², Σb²)); else the slip: no ½, biases penalised,
    the penalty alone."""
    sum_w2, sum_b2 = sums
    added = new_loss - loss
    want = 0.5 * lam * sum_w2
    if lam > 0 and np.isclose(added, lam * sum_w2):
        raise CheckFailed(_("{what}: you added λ·Σw² = {added:.6g}, without the ½; the notes' term is "
                            "(λ/2)·Σw² = {want:.6g}. The ½ is there so that the gradient is exactly λ·W.").format(
                                what=what, added=added, want=want) + " " + formula)
    if lam > 0 and (np.isclose(added, want + 0.5 * lam * sum_b2) or np.isclose(added, lam * (sum_w2 + sum_b2))):
        raise CheckFailed(_("{what}: your penalty also sums the biases' squares. Weight decay "
                            "penalises the weights only (keys starting with 'W').").format(what=what)
                          + " " + formula)
    if lam > 0 and np.isclose(new_loss, want):
        raise CheckFailed(_("{what} returned only the penalty {got:.6g}: add it to the data loss.").format(
            what=what, got=new_loss) + " " + formula)
    expect_close(new_loss, loss + want, f"{what}: new_loss", formula)


def _wd_expect_bias_grad(what, k, got, grads, params, lam, formula):
    """A bias's gradient comes back unchanged (no λ·b added)."""
    if got.shape == grads[k].shape and lam > 0 and np.allclose(got, grads[k] + lam * params[k]):
        raise CheckFailed(_("{what}: new_grads[{k!r}] got λ·{k} added — biases are not "
                            "penalised, their gradient stays as it was.").format(what=what, k=k) + " " + formula)
    expect_close(got, grads[k], _("{what}: new_grads[{k!r}] (a bias: unchanged)").format(what=what, k=k), formula)


def _wd_expect_weight_grad(what, k, got, grads, params, lam, formula):
    """A weight's gradient is grads[k] + λ·W; else the slip: 2λ·W, or λ·W alone."""
    want_g = grads[k] + lam * params[k]
    if lam > 0 and got.shape == want_g.shape and np.allclose(got, grads[k] + 2 * lam * params[k]):
        raise CheckFailed(_("{what}: new_grads[{k!r}] adds 2λ·{k}. That is the gradient of λ·Σw² "
                            "(without the ½); the derivative of (λ/2)·w² is λ·w, so add λ·W — "
                            "the loss and its gradient must match.").format(what=what, k=k) + " " + formula)
    if lam > 0 and got.shape == want_g.shape and np.allclose(got, lam * params[k]):
        raise CheckFailed(_("{what}: new_grads[{k!r}] is only λ·{k}: add it to the data "
                            "gradient grads[{k!r}].").format(what=what, k=k) + " " + formula)
    expect_close(got, want_g, f"{what}: new_grads[{k!r}]", formula)


@exercise("06-weight-decay", "add the L2 term λ/2·Σw² to a loss and λ·W to its gradient")
def _check_weight_decay(add_weight_decay):
    """Weight decay: loss + λ/2·Σ W², gradient + λ·W, weights only."""
    formula = _("Revisit: L_new = L + (λ/2)·Σ_l Σ w², and ∂L_new/∂W = ∂L/∂W + λ·W for every weight "
                "matrix W (keys starting with 'W'); biases (keys 'b…') are not penalised.")
    for seed, lam in [(0, 0.1), (1, 0.5), (2, 0.0)]:
        params, grads, loss, sum_w2, sum_b2 = _l2_case(seed, lam)
        what = f"add_weight_decay(loss={loss:.3f}, grads, params, lam={lam})"
        new_loss, new_grads = _wd_call(add_weight_decay, loss, grads, params, lam, what)
        _wd_expect_loss(what, new_loss, loss, lam, (sum_w2, sum_b2), formula)
        for k in params:
            got = np.asarray(new_grads[k], dtype=np.float64)
            expect_grad = _wd_expect_bias_grad if k.startswith("b") else _wd_expect_weight_grad
            expect_grad(what, k, got, grads, params, lam, formula)
    return _("Loss + (λ/2)·Σw² and gradient + λ·W on the weights only: exactly what MLP(weight_decay=λ) "
             "does.")


def _as_pair(answer, names):
    if callable(answer) or not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise CheckFailed(_("Pass both functions as a pair: check(id, ({names})).").format(names=names))
    return answer


def _dropout_expect_mask(what, mask, p, formula):
    """The mask holds only 0 and 1 (not 1/(1 − p)) and drops about p of the units (not 1 − p)."""
    values = set(np.unique(mask).round(6).tolist())
    if values <= {0.0, round(1 / (1 - p), 6)} and len(values) == 2:
        raise CheckFailed(_("{what}: mask holds 0 and 1/(1 − p) = 1.25; return the 0/1 keep mask and "
                            "put the scaling into y.").format(what=what) + " " + formula)
    expect(values <= {0.0, 1.0}, _("{what}: mask must hold only 0 (dropped) and 1 (kept), got values "
                                   "{values}.").format(what=what, values=sorted(values)[:5]) + " " + formula)
    dropped = float(np.mean(mask == 0))
    if abs(dropped - (1 - p)) < 0.02:
        raise CheckFailed(_("{what}: you dropped {dropped:.1%} of the units — that is 1 − p. p is the "
                            "probability of DROPPING a unit: keep where rng.random(...) >= p.").format(
                                what=what, dropped=dropped) + " " + formula)
    expect(abs(dropped - p) < 0.02, _("{what}: expected about {p:.0%} of the units dropped, got "
                                      "{dropped:.1%}.").format(what=what, p=p, dropped=dropped) + " " + formula)


def _dropout_expect_scaling(what, x, y, mask, p, formula):
    """The kept values are divided by 1 − p (not left at 1, not multiplied by 1 − p), so E[y] = x."""
    kept = np.unique(y[mask == 1].round(6))
    if np.allclose(kept, 1.0):
        raise CheckFailed(_("{what}: the kept values are 1, not 1/(1 − p) = 1.25 — the scaling 1/(1 − p) "
                            "is missing, so the mean output is (1 − p)·x and the inference network "
                            "(which uses every unit) would see larger inputs than in training.").format(what=what)
                          + " " + formula)
    if np.allclose(kept, 1 - p):
        raise CheckFailed(_("{what}: the kept values are 1 − p = 0.8; inverted dropout DIVIDES by 1 − p "
                            "at training time (y = x·mask/(1 − p)).").format(what=what) + " " + formula)
    expect_close(y, x * mask / (1 - p),
                 _("{what}: y (compared with x·mask/(1 − p) for your mask)").format(what=what), formula)
    expect(abs(float(y.mean()) - 1.0) < 0.02, _("{what}: the mean of y is {mean:.3f}; inverted dropout keeps "
                                                "E[y] = x = 1.").format(what=what, mean=y.mean()) + " " + formula)


def _dropout_expect_forward(forward, formula):
    """dropout_forward on a large batch of ones with p = 0.2: a pair (y, mask) of x's shape, the
    right mask and the right scaling."""
    p = 0.2
    x = np.ones((400, 250))
    what = "dropout_forward(x = ones((400, 250)), p=0.2, rng)"
    out = call(forward, x.copy(), p, np.random.default_rng(1), what=what)
    expect(isinstance(out, (tuple, list)) and len(out) == 2,
           _("{what} must return a pair (y, mask), got {got}.").format(what=what, got=short(out)))
    y, mask = (np.asarray(a, dtype=np.float64) for a in out)
    expect_shape(y, x.shape, f"{what}: y")
    expect_shape(mask, x.shape, f"{what}: mask")
    _dropout_expect_mask(what, mask, p, formula)
    _dropout_expect_scaling(what, x, y, mask, p, formula)


def _dropout_x():
    """A (50, 30) normal batch (seed 7) for the p = 0.5, p = 0 and seeding cases."""
    return np.random.default_rng(7).normal(size=(50, 30))


def _dropout_expect_other_p(forward, formula):
    """p = 0.5 and p = 0 on a normal batch: x left unchanged, y = x·mask/(1 − p), p = 0 drops none."""
    x2 = _dropout_x()
    for p2 in (0.5, 0.0):
        what2 = _("dropout_forward(x of shape (50, 30), p={p}, rng)").format(p=p2)
        x_in = x2.copy()
        y2, m2 = call(forward, x_in, p2, np.random.default_rng(3), what=what2)
        y2, m2 = np.asarray(y2, dtype=np.float64), np.asarray(m2, dtype=np.float64)
        expect(np.array_equal(x_in, x2), _("{what} changed its input x in place; return a new array.").format(
            what=what2))
        expect_close(y2, x2 * m2 / (1 - p2), f"{what2}: y", formula)
        if p2 == 0.0:
            expect(np.all(m2 == 1), _("{what}: with p = 0 nothing may be dropped (mask all ones).").format(
                what=what2) + " " + formula)


def _dropout_expect_seeded(forward):
    """Two rngs with the same seed give the same mask: the mask is drawn with the rng argument."""
    x2 = _dropout_x()
    masks = [np.asarray(call(forward, x2.copy(), 0.5, np.random.default_rng(3),
                             what=_("dropout_forward with a freshly seeded rng"))[1], dtype=np.float64)
             for _run in range(2)]
    expect(np.array_equal(masks[0], masks[1]),
           _("dropout_forward gave different masks for two rngs with the same seed: draw the mask with "
             "the rng argument (rng.random(x.shape)), not with np.random."))


def _dropout_expect_backward(backward, formula):
    """dropout_backward = dy·mask/(1 − p); else the slip: no 1/(1 − p), dy unchanged, divided by p."""
    mask_b = (np.random.default_rng(11).random((6, 5)) >= 0.3).astype(np.float64)
    dy = np.random.default_rng(12).normal(size=(6, 5))
    whatb = "dropout_backward(dy, mask, p=0.3)"
    dx = np.asarray(call(backward, dy.copy(), mask_b.copy(), 0.3, what=whatb), dtype=np.float64)
    expect_shape(dx, dy.shape, whatb)
    if np.allclose(dx, dy * mask_b) and not np.allclose(dy * mask_b, 0):
        raise CheckFailed(_("{what} returned dy·mask: the backward pass needs the same 1/(1 − p) as the "
                            "forward pass, since y = x·mask/(1 − p) means ∂y/∂x = mask/(1 − p).").format(
                                what=whatb) + " " + formula)
    if np.allclose(dx, dy):
        raise CheckFailed(_("{what} returned dy unchanged: dropped units pass no gradient.").format(what=whatb)
                          + " " + formula)
    if np.allclose(dx, dy * mask_b / 0.3):
        raise CheckFailed(_("{what} divided by p = 0.3; divide by the keep probability 1 − p = 0.7.").format(
            what=whatb) + " " + formula)
    expect_close(dx, dy * mask_b / 0.7, whatb, formula)


@exercise("06-dropout", "inverted dropout: forward (mask, scale 1/(1−p)) and backward")
def _check_dropout(pair):
    """Inverted dropout: keep with probability 1 − p, scale kept values by 1/(1 − p)."""
    forward, backward = _as_pair(pair, "dropout_forward, dropout_backward")
    formula = _("Revisit: mask_i = 1 with probability 1 − p (kept), 0 with probability p (dropped), "
                "e.g. mask = (rng.random(x.shape) >= p); y = x · mask / (1 − p); "
                "backward ∂L/∂x = ∂L/∂y · mask / (1 − p).")
    _dropout_expect_forward(forward, formula)
    _dropout_expect_other_p(forward, formula)
    _dropout_expect_seeded(forward)
    _dropout_expect_backward(backward, formula)
    return _("Units dropped with probability p, the kept ones scaled by 1/(1 − p) in both passes: "
             "E[y] = x, so the inference network uses x unchanged.")
