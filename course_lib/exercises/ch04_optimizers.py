"""Chapter 04's exercise checks."""
import copy

import numpy as np

from course_lib import optimizers, surfaces
from course_lib.experiments.ch04_optimizers import RACE_04
from course_lib.exercises._framework import (CheckFailed, short, call, exercise, expect, expect_close,
                                             expect_equal)
from course_lib.i18n import gettext as _


def _one_update(name, W, g, state, t=1, **hyper):
    """(W, state) after one update of course_lib's optimizer ``name`` started from ``state``
    (its arrays for W) at step ``t``: the reference is the library, not a copy of its formula."""
    opt = optimizers.get(name, **hyper)
    params = {"W": np.array(W, dtype=np.float64)}
    opt.state = {"W": {k: np.array(a, dtype=np.float64) for k, a in state.items()}}
    opt.t = t - 1                                         # update() counts this step
    opt.update(params, {"W": np.asarray(g, dtype=np.float64)})
    return params["W"], opt.state["W"]


def _momentum_reference(W, v, g, lr, alpha):
    W_new, state = _one_update("momentum", W, g, {"v": v}, lr=lr, momentum=alpha)
    return W_new, state["v"]


def _momentum_cases():
    """(W, v, grad, lr, alpha) cases: a general one, a 3×4 random one, the first step (v = 0) and
    α = 0 with g = 0."""
    rng = np.random.default_rng(4)
    return [(np.array([1.0, -2.0, 0.5]), np.array([0.3, -0.1, 0.2]), np.array([0.5, 1.0, -2.0]), 0.1, 0.9),
            (rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), 0.01, 0.5),
            (np.array([2.0]), np.zeros(1), np.array([4.0]), 0.05, 0.9),          # first step: v = 0
            (np.array([-1.0, 1.0]), np.array([0.2, 0.2]), np.zeros(2), 0.1, 0.0)]  # α = 0, g = 0


def _momentum_slip(what, case, W_new, v_want, formula):
    """Name the known slip W_new matches (a sign error, W moved first, PyTorch's convention, plain
    SGD, η missing), if any."""
    W, v, g, lr, alpha = case
    if np.allclose(W_new, W + alpha * v + lr * g):
        raise CheckFailed(_("{what}: you computed v ← αv + η·∂L/∂W — a sign error: the step then "
                            "goes uphill, along the gradient.").format(what=what) + " " + formula)
    if np.allclose(W_new, W + v) and not np.allclose(v, v_want):
        raise CheckFailed(_("{what}: W moved by the old v: you updated W before v. The notes "
                            "first update v, then add the new v to W.").format(what=what) + " " + formula)
    if np.allclose(W_new, W - lr * (alpha * v + g)):
        raise CheckFailed(_("{what}: you used the other convention, v ← αv + ∂L/∂W and "
                            "W ← W − ηv (PyTorch's), which keeps v/η with the opposite sign. It is "
                            "the same method, but here v is the notes' velocity.").format(what=what)
                          + " " + formula)
    if np.allclose(W_new, W - lr * g):
        raise CheckFailed(_("{what}: W moved by −η·∂L/∂W only, which is plain SGD: the velocity "
                            "αv is missing.").format(what=what) + " " + formula)
    if np.allclose(W_new, W + alpha * v - g):
        raise CheckFailed(_("{what}: the learning rate η is missing from v ← αv − η·∂L/∂W.").format(what=what)
                          + " " + formula)


def _momentum_expect_case(momentum_step, case, formula):
    """One step from (W, v) matches the library's Momentum: the pair (W_new, v_new), else the slip."""
    W, v, g, lr, alpha = case
    what = _("momentum_step(W, v, grad, lr={lr}, alpha={alpha}) with W = {W}, v = {v}").format(
        lr=lr, alpha=alpha, W=short(W), v=short(v))
    got = call(momentum_step, W.copy(), v.copy(), g.copy(), lr, alpha, what=what)
    expect(isinstance(got, tuple) and len(got) == 2,
           _("{what} returned {got}; return the pair (W_new, v_new).").format(what=what, got=short(got)))
    W_new, v_new = (np.asarray(a, dtype=np.float64) for a in got)
    W_want, v_want = _momentum_reference(W, v, g, lr, alpha)
    if W_new.shape == W.shape and np.allclose(W_new, W_want) and np.allclose(v_new, v_want):
        return
    if W_new.shape == W.shape:
        _momentum_slip(what, case, W_new, v_want, formula)
    expect_close(W_new, W_want, f"{what}: W_new", formula)
    expect_close(v_new, v_want, f"{what}: v_new", formula)


def _momentum_path_difference(momentum_step, formula):
    """30 steps of the student's update on f = x²/20 + y² follow the library's Momentum path; the
    largest difference."""

    class Yours:                                    # the student's step as an optimizer
        def __init__(self):
            self.v = np.zeros(2)

        def update(self, params, grads):
            W, self.v = momentum_step(params["xy"].copy(), self.v.copy(), grads["xy"], 0.1, 0.9)
            params["xy"][...] = W

    theirs = surfaces.trajectory(Yours(), "dlfs", steps=30)
    ours = surfaces.trajectory(optimizers.get("momentum", lr=0.1, momentum=0.9), "dlfs", steps=30)
    expect_close(theirs, ours, _("30 steps of your update on f = x²/20 + y² (η = 0.1, α = 0.9)"), formula)
    return np.abs(theirs - ours).max()


@exercise("04-momentum", "the Momentum update v ← αv − η∂L/∂W, W ← W + v")
def _check_momentum(momentum_step):
    """Momentum: v ← αv − η·∂L/∂W, then W ← W + v (the new v)."""
    formula = _("Revisit the notes' formula: first v ← αv − η·∂L/∂W, then W ← W + v with the new v.")
    for case in _momentum_cases():
        _momentum_expect_case(momentum_step, case, formula)
    difference = _momentum_path_difference(momentum_step, formula)
    return _("Your update follows course_lib's Momentum path on f = x²/20 + y² for 30 steps "
             "(largest difference {difference:.1e}).").format(difference=difference)


def _adam_reference(W, m, v, g, t, hyper):
    """(W, m, v) after one step of course_lib's Adam at step t; hyper: lr, beta1, beta2, eps."""
    W_new, state = _one_update("adam", W, g, {"m": m, "v": v}, t=t, **hyper)
    return W_new, state["m"], state["v"]


def _adam_cases():
    """(W, m, v, grad, t, hyper) cases: the first step, a later step with other β, tiny gradients
    (where ε matters) and step 1000 with m, v ≠ 0."""
    rng = np.random.default_rng(4)
    hp = dict(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8)
    return [(np.array([1.0, -2.0, 0.5]), np.zeros(3), np.zeros(3), np.array([0.5, -1.0, 2.0]), 1, hp),
            (rng.normal(size=(2, 3)), 0.1 * rng.normal(size=(2, 3)), 0.01 * rng.random((2, 3)),
             rng.normal(size=(2, 3)), 5, dict(lr=0.01, beta1=0.8, beta2=0.99, eps=1e-8)),
            (np.array([0.0, 1.0]), np.zeros(2), np.zeros(2), np.array([1e-9, -1e-9]), 1, hp),
            (np.array([3.0]), np.array([0.2]), np.array([0.05]), np.array([-0.3]), 1000, hp)]


def _adam_moments(case):
    """(m, v, m̂, v̂) of one correct Adam step from the case's m, v."""
    W, m, v, g, t, kw = case
    b1, b2 = kw["beta1"], kw["beta2"]
    m1, v1 = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
    return m1, v1, m1 / (1 - b1 ** t), v1 / (1 - b2 ** t)


def _adam_off_by_one_t(what, case, W_new, W_want, formula):
    """Name a bias correction made with t + 1 or t − 1 instead of t, if W_new matches one."""
    W, m, v, g, t, kw = case
    lr, b1, b2, eps = kw["lr"], kw["beta1"], kw["beta2"], kw["eps"]
    m1, v1, _m_hat, _v_hat = _adam_moments(case)
    for t_used in (t + 1, t - 1):
        if t_used < 1:
            continue
        c1, c2 = 1 - b1 ** t_used, 1 - b2 ** t_used
        if np.allclose(W_new, W - lr * (m1 / c1) / (np.sqrt(v1 / c2) + eps), rtol=1e-6, atol=1e-12):
            size = np.abs(W_new - W).max() / np.abs(W_want - W).max()
            raise CheckFailed(
                _("{what}: your step is the one for t = {t_used}, not for the t = {t} you were given "
                  "— the bias correction's t is off by one. That changes the step to {size:.3f} times "
                  "the right one (W_new {got:.6f} instead of {want:.6f} "
                  "in the first coordinate: a difference that rounding to 3 digits hides). Use the t "
                  "argument as it is in 1 − β₁ᵗ and 1 − β₂ᵗ (t = 1 on the first step); do not add 1 "
                  "or subtract 1.").format(what=what, t_used=t_used, t=t, size=size, got=np.ravel(W_new)[0],
                                           want=np.ravel(W_want)[0]) + " " + formula)


def _adam_slip_in_step(what, case, W_new, W_want, formula):
    """Name the slip in the step W ← W − η·m̂/(√v̂ + ε) that W_new matches: no bias correction,
    only one moment corrected, t off by one, ε inside the root."""
    W, m, v, g, t, kw = case
    lr, b1, b2, eps = kw["lr"], kw["beta1"], kw["beta2"], kw["eps"]
    m1, v1, m_hat, v_hat = _adam_moments(case)
    if np.allclose(W_new, W - lr * m1 / (np.sqrt(v1) + eps), rtol=1e-6, atol=1e-12):
        raise CheckFailed(_("{what}: the bias correction is missing — you divided m by √v "
                            "instead of m̂ = m/(1−β₁ᵗ) by √v̂ = √(v/(1−β₂ᵗ)). On the first step "
                            "that makes the step (1−β₁)/√(1−β₂) = {factor:.3g} times the right one.").format(
                                what=what, factor=(1 - b1) / np.sqrt(1 - b2)) + " " + formula)
    if np.allclose(W_new, W - lr * m_hat / (np.sqrt(v1) + eps), rtol=1e-6, atol=1e-12) or \
            np.allclose(W_new, W - lr * m1 / (np.sqrt(v_hat) + eps), rtol=1e-6, atol=1e-12):
        raise CheckFailed(_("{what}: only one of the two moments is bias-corrected; correct "
                            "both, m̂ = m/(1−β₁ᵗ) and v̂ = v/(1−β₂ᵗ).").format(what=what) + " " + formula)
    _adam_off_by_one_t(what, case, W_new, W_want, formula)
    if np.allclose(W_new, W - lr * m_hat / np.sqrt(v_hat + eps), rtol=1e-6, atol=1e-12):
        raise CheckFailed(_("{what}: ε is inside the square root, √(v̂ + ε). Kingma & Ba add it "
                            "outside, √v̂ + ε. With ε = 1e-8 inside, the root adds about 1e-4, "
                            "which matters when the gradients are tiny, as here.").format(what=what)
                          + " " + formula)


def _adam_slip(what, case, got, want, formula):
    """Name the known slip a wrong (W_new, m_new, v_new) of the right shapes matches, if any: v of g
    instead of g², t counted from 0, a slip in the step, m̂ kept as the new m."""
    W, m, v, g, t, kw = case
    W_new, m_new, v_new = got
    W_want, m_want, v_want = want
    b2 = kw["beta2"]
    _m1, _v1, m_hat, _v_hat = _adam_moments(case)
    if np.allclose(v_new, b2 * v + (1 - b2) * g) and not np.allclose(v_new, v_want):
        raise CheckFailed(_("{what}: v averages the squared gradient g², not g.").format(what=what)
                          + " " + formula)
    if t == 1 and not np.all(np.isfinite(W_new)):
        raise CheckFailed(_("{what}: W_new is non-finite. On the first step t = 1, so the bias "
                            "correction divides by 1 − β¹ = 1 − β, not by 1 − β⁰ = 0: did you use "
                            "t − 1, or count t from 0?").format(what=what) + " " + formula)
    if not np.allclose(W_new, W_want, rtol=1e-6, atol=1e-12):
        _adam_slip_in_step(what, case, W_new, W_want, formula)
    elif np.allclose(m_new, m_hat) and not np.allclose(m_hat, m_want):
        raise CheckFailed(_("{what}: you returned the corrected m̂ as the new m. Keep the running "
                            "averages m, v uncorrected; m̂, v̂ are only used for this step.").format(what=what)
                          + " " + formula)


def _adam_expect_case(adam_step, case, formula):
    """One Adam step matches the library's: the triple (W_new, m_new, v_new), else the slip."""
    W, m, v, g, t, kw = case
    what = (f"adam_step(W, m, v, grad = {short(g)}, t={t}, lr={kw['lr']}, beta1={kw['beta1']}, "
            f"beta2={kw['beta2']}, eps={kw['eps']})" + ("" if not m.any() else " " + _("with m, v ≠ 0")))
    got = call(adam_step, W.copy(), m.copy(), v.copy(), g.copy(), t, what=what, **kw)
    expect(isinstance(got, tuple) and len(got) == 3,
           _("{what} returned {got}; return the triple (W_new, m_new, v_new).").format(what=what, got=short(got)))
    W_new, m_new, v_new = (np.asarray(a, dtype=np.float64) for a in got)
    W_want, m_want, v_want = _adam_reference(W, m, v, g, t, kw)
    ok_shapes = W_new.shape == W.shape and m_new.shape == m.shape and v_new.shape == v.shape
    if ok_shapes and np.allclose(W_new, W_want, rtol=1e-6, atol=1e-12) \
            and np.allclose(m_new, m_want) and np.allclose(v_new, v_want, rtol=1e-6, atol=1e-30):
        return
    if ok_shapes:
        _adam_slip(what, case, (W_new, m_new, v_new), (W_want, m_want, v_want), formula)
    expect_close(m_new, m_want, f"{what}: m_new", formula)
    expect_close(v_new, v_want, f"{what}: v_new", formula, rtol=1e-6, atol=1e-30)
    expect_close(W_new, W_want, f"{what}: W_new", formula, rtol=1e-6, atol=1e-12)


def _adam_expect_path(adam_step, formula):
    """30 of the student's Adam steps on f = x²/20 + y² (η = 0.3) follow the library's Adam path."""

    class Yours:
        def __init__(self):
            self.m, self.v, self.t = np.zeros(2), np.zeros(2), 0

        def update(self, params, grads):
            self.t += 1
            W, self.m, self.v = adam_step(params["xy"].copy(), self.m.copy(), self.v.copy(),
                                          grads["xy"], self.t, lr=0.3, beta1=0.9, beta2=0.999, eps=1e-8)
            params["xy"][...] = W

    theirs = surfaces.trajectory(Yours(), "dlfs", steps=30)
    ours = surfaces.trajectory(optimizers.get("adam", lr=0.3), "dlfs", steps=30)
    expect_close(theirs, ours, _("30 Adam steps on f = x²/20 + y² (η = 0.3)"), formula)


@exercise("04-adam-step", "one Adam step with bias correction")
def _check_adam_step(adam_step):
    """Adam: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ),
    W ← W − η m̂/(√v̂ + ε)."""
    formula = _("Revisit Kingma & Ba: m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  m̂ = m/(1−β₁ᵗ);  "
                "v̂ = v/(1−β₂ᵗ);  W ← W − η·m̂/(√v̂ + ε), with t = 1 on the first step.")
    for case in _adam_cases():
        _adam_expect_case(adam_step, case, formula)
    _adam_expect_path(adam_step, formula)
    return _("Your Adam step matches Kingma & Ba on every input, including the first step (bias "
             "correction) and tiny gradients (ε outside the root), and follows course_lib's Adam "
             "path for 30 steps.")


def _race_reference(race):
    reached = {}
    for name, kwargs in race["optimizers"].items():
        path = surfaces.trajectory(name, race["surface"], steps=race["steps"], opt_kwargs=kwargs)
        reached[name] = surfaces.steps_to_reach(path, race["surface"], tol=race["tol"])
    done = {k: s for k, s in reached.items() if s is not None}
    return (min(done, key=done.get) if done else None), reached


_RACES = [RACE_04,
          {"surface": "dlfs", "steps": 100, "tol": 0.1,
           "optimizers": {"sgd": {"lr": 0.95}, "momentum": {"lr": 0.1}, "adagrad": {"lr": 1.5},
                          "adam": {"lr": 0.3}}},
          {"surface": "saddle", "steps": 20, "tol": 0.1,
           "optimizers": {"sgd": {"lr": 0.05}, "momentum": {"lr": 0.05}}}]     # nobody arrives


def _race_expect_reached(what, race, reached, reached_want, hint):
    """reached is a dict with every optimizer's first step within tol (None if never); a count
    from 1 instead of 0 is named."""
    expect(isinstance(reached, dict) and set(reached) == set(reached_want),
           _("{what}: reached must be a dict with one entry per optimizer of the race, "
             "{names}; got {got}.").format(what=what, names=sorted(reached_want), got=short(reached))
           + " " + hint)
    for name, want in reached_want.items():
        if reached[name] == want:
            continue
        if want is not None and reached[name] == want + 1:
            raise CheckFailed(_("{what}: {name} reached at step {got}, expected {want}: counted from 1, "
                                "but row 0 of a path is the start (step 0).").format(
                                    what=what, name=name, got=reached[name], want=want) + " " + hint)
        expect_equal(reached[name], want, _("{what}: the step at which {name} first comes within {tol} of "
                                            "the minimum").format(what=what, name=name, tol=race["tol"]), hint)


def _race_expect_case(first_to_reach, race, hint):
    """One race: the pair (first, reached) matches the library's trajectories; naming the last
    optimizer to arrive is named."""
    first_want, reached_want = _race_reference(race)
    what = _("first_to_reach(race on {surface!r}, {steps} steps)").format(surface=race["surface"],
                                                                          steps=race["steps"])
    got = call(first_to_reach, copy.deepcopy(race), what=what)
    expect(isinstance(got, tuple) and len(got) == 2,
           _("{what} returned {got}; return the pair (first, reached).").format(what=what, got=short(got)))
    first, reached = got
    _race_expect_reached(what, race, reached, reached_want, hint)
    if first != first_want and first_want is not None and \
            first == max((k for k in reached_want if reached_want[k] is not None), key=reached_want.get):
        raise CheckFailed(_("{what}: you named the LAST optimizer to arrive ({first}); the first one "
                            "has the smallest step.").format(what=what, first=first) + " " + hint)
    expect_equal(first, first_want, _("{what}: the first to arrive").format(what=what), hint)


@exercise("04-first-to-reach", "which optimizer comes within 0.1 of the minimum first")
def _check_first_to_reach(first_to_reach):
    """first_to_reach(race) -> (name of the first optimizer within tol of the minimum, {name: step or None})."""
    hint = _("For each optimizer: path = surfaces.trajectory(name, race['surface'], steps=race['steps'], "
             "opt_kwargs=race['optimizers'][name]); step = surfaces.steps_to_reach(path, race['surface'], "
             "tol=race['tol']) (None if it never gets there). The first is the smallest step, "
             "leaving out the Nones.")
    for race in _RACES:
        _race_expect_case(first_to_reach, race, hint)
    first, reached = _race_reference(RACE_04)
    order = ", ".join(f"{k} {v}" for k, v in sorted(reached.items(), key=lambda kv: (kv[1] is None, kv[1])))
    return _("On {surface} with η = 0.05 for all, {first} arrives first. Steps to come within "
             "0.1 of the minimum: {order}. Was that your prediction?").format(surface=RACE_04["surface"],
                                                                              first=first, order=order)
