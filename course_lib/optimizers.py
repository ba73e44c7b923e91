"""Parameter-update methods (매개변수 갱신), all with one interface:

    opt = get("adam", lr=1e-3)
    opt.update(params, grads)        # dicts of arrays; params updated in place
    opt.name, opt.params, opt.formula   # repr(opt) rebuilds it; names(), aliases(), defaults("adam")

State is public: ``opt.state`` maps each parameter name to its dict of arrays (``"v"`` for
Momentum and Nesterov, ``"h"`` for AdaGrad and RMSProp, ``"h"`` and ``"d"`` for AdaDelta,
``"m"`` and ``"v"`` for the Adam family), ``opt.t`` counts the updates done; both may be set
(a check can start from a given velocity) and ``opt.reset()`` clears them. The state is
kept per parameter name, so one optimizer serves one network.  Hyperparameters are keywords: lr, momentum,
rho, beta1, beta2, eps, weight_decay.  Below g = ∂L/∂W, η = lr, t = step count.

``weight_decay`` (λ) adds λ·W to g before the update (coupled L2, as in
``torch.optim``); AdamW instead shrinks W directly (decoupled).

``eps = 0`` is allowed (the exact formula, for steps worked out by hand): an entry
whose gradient has been 0 at every step so far then gets 0/0, which is guarded to a
zero step instead of NaN.  AdaDelta refuses eps = 0 (it would never move).
``update`` refuses NaN/inf, missing, extra or None gradients, and the parameters of
a second network: the state belongs to the arrays it first updated (``reset()`` or a
new optimizer starts over).
"""
import weakref

import numpy as np

from course_lib._names import call_repr, merge_params, resolve
from course_lib._validate import all_finite, describe_nonfinite

__all__ = ["Optimizer", "get", "names", "aliases", "defaults"]


class Optimizer:
    """Base class: validates hyperparameters, keeps per-parameter state, counts steps.

    ``params`` (also ``hyper``): the hyperparameters; ``formula``: the update rule as text;
    ``state``: {parameter name: {slot: array}}; ``t``: the number of updates done.
    """

    defaults = {"lr": 0.01}
    formula = ""

    def __init__(self, **hyper):
        self.hyper = merge_params(f"optimizer {self.name!r}", hyper, self.defaults)
        self.params = self.hyper
        for key, value in self.hyper.items():
            if not np.isfinite(value):
                raise ValueError(f"{self.name}: {key} must be a finite number, got {value!r}")
        if self.hyper["lr"] <= 0:
            raise ValueError(f"{self.name}: the learning rate must be > 0, got lr={self.hyper['lr']}; "
                             f"typical values are 1e-4 … 1")
        for key in ("momentum", "rho", "beta1", "beta2"):
            if key in self.hyper and not 0 <= self.hyper[key] < 1:
                raise ValueError(f"{self.name}: {key} must be in [0, 1), got {self.hyper[key]}")
        for key in ("eps", "weight_decay"):
            if self.hyper.get(key, 0) < 0:
                raise ValueError(f"{self.name}: {key} must be >= 0, got {self.hyper[key]}")
        self.check_hyper()
        self.__dict__.update(self.hyper)
        self.reset()

    def reset(self):
        """Forget the state and the step count, as a fresh optimizer (e.g. for a new network)."""
        self.state = {}
        self.t = 0
        self._owners = {}            # parameter name -> weak reference to the array last updated

    def check_hyper(self):
        """Method-specific checks of ``self.hyper`` (none by default)."""

    def __repr__(self):
        return call_repr("optimizers", self.name, self.hyper)

    def update(self, params, grads, check_finite=True):
        """Update every array in ``params`` in place from the array of the same name in ``grads``.

        Refused (ValueError / TypeError, nothing changed): a missing, extra or None gradient,
        one of another shape, a NaN or inf gradient (unless ``check_finite=False``, for loops
        that report divergence themselves), and parameters of another network than the one
        this optimizer's state belongs to (create a new optimizer or call ``reset()``).
        """
        grads = self._checked_grads(params, grads, check_finite)
        self._check_owner(params)
        self.t += 1
        for key, p in params.items():
            g = grads[key]
            if self.hyper.get("weight_decay") and self.name != "adamw":
                g = g + self.weight_decay * p
            if key not in self.state:
                self.state[key] = self.init_state(p)
                self._owners[key] = weakref.ref(p)
            self.step(p, g, self.state[key])

    def _checked_grads(self, params, grads, check_finite):
        """``grads`` as arrays, one per parameter, each of its parameter's shape (and finite)."""
        for what, d in (("params", params), ("grads", grads)):
            if not hasattr(d, "items"):
                raise TypeError(f"{self.name}.update(params, grads): {what} must be a dict of arrays "
                                f"(e.g. net.params, net.gradient(x, t)), got {type(d).__name__}")
        missing = [k for k in params if k not in grads]
        extra = [k for k in grads if k not in params]
        if missing or extra:
            raise ValueError(f"{self.name}: grads must have the keys of params, one gradient per parameter; "
                             + (f"no gradient for {missing}" if missing else "")
                             + ("; " if missing and extra else "")
                             + (f"gradients for unknown parameter(s) {extra}" if extra else "")
                             + f" (params has {list(params)})")
        checked = {}
        for key, p in params.items():
            if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
                raise TypeError(f"{self.name}: parameter {key!r} must be a floating-point numpy array "
                                f"(it is updated in place), got {type(p).__name__}"
                                + (f" of dtype {p.dtype}" if isinstance(p, np.ndarray) else ""))
            g = grads[key]
            if g is None:
                raise ValueError(f"{self.name}: the gradient of {key!r} is None (a gradient function "
                                 f"that forgot to return?)")
            g = np.asarray(g)
            if g.shape != p.shape:
                raise ValueError(f"{self.name}: gradient of {key!r} has shape {g.shape}, "
                                 f"but the parameter has shape {p.shape}")
            if check_finite and not all_finite(g):
                raise ValueError(f"{self.name}: the gradient of {key!r} has {describe_nonfinite(g)}; "
                                 f"updating with it would make the parameter NaN. The loss or the "
                                 f"network overflowed before this step: try a smaller learning rate "
                                 f"or gradient clipping")
            checked[key] = g
        return checked

    def _check_owner(self, params):
        """The state (velocities, moments, step count) belongs to the arrays first updated."""
        if not self.state:                    # fresh or reset: any parameters may start
            self._owners.clear()
            return
        known = [k for k in params if k in self._owners]
        foreign = [k for k in known if self._owners[k]() is not params[k]]
        if foreign and len(foreign) == len(known):
            raise ValueError(f"{self.name}: this optimizer already holds state (t = {self.t} steps, "
                             f"its velocities or moments) for other parameter arrays — another network "
                             f"or a copy. Its state would carry over silently: create a new optimizer "
                             f"for each network, or call reset() to start over")
        for k in foreign + [k for k in params if k in self.state and k not in self._owners]:
            old = next((a for a in self.state[k].values() if isinstance(a, np.ndarray)), None)
            if old is not None and old.shape != params[k].shape:
                raise ValueError(f"{self.name}: parameter {k!r} now has shape {params[k].shape}, but "
                                 f"this optimizer's state for it has shape {old.shape}: create a new "
                                 f"optimizer or call reset()")
            self._owners[k] = weakref.ref(params[k])    # the same network, one array replaced

    def init_state(self, p):
        return {}

    def step(self, p, g, s):
        raise NotImplementedError


def _divide(num, den):
    """num / den, with 0 where den = 0.

    Used only with eps = 0, where den = √h (or √v̂) is 0 exactly where every gradient of that entry
    so far was 0, so num is 0 too: the guarded 0/0 is a zero step (the entry stays where it is),
    not NaN.  With eps > 0 the division is the plain formula.
    """
    out = np.zeros_like(num)
    return np.divide(num, den, out=out, where=den != 0)


class SGD(Optimizer):
    """W ← W − η g"""
    name, defaults = "sgd", {"lr": 0.01, "weight_decay": 0.0}
    formula = "W ← W − η·g"

    def step(self, p, g, s):
        p -= self.lr * g


class Momentum(Optimizer):
    """v ← α v − η g;  W ← W + v        (α = momentum; Géron writes m ← βm − ηg, the same rule;
    PyTorch keeps v' = −v/η: v' ← βv' + g, W ← W − ηv', the same path for a constant η)"""
    name, defaults = "momentum", {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.0}
    formula = "v ← α·v − η·g;  W ← W + v   (α = momentum)"

    def init_state(self, p):
        return {"v": np.zeros_like(p)}

    def step(self, p, g, s):
        v = s["v"]
        v *= self.momentum
        v -= self.lr * g
        p += v


class Nesterov(Optimizer):
    """Nesterov accelerated gradient in Bengio's form (as torch.optim.SGD(nesterov=True)):

    v ← μ v − η g;   W ← W + μ² v_prev − (1 + μ) η g    (v_prev = v before this step)
    """
    name, defaults = "nesterov", {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.0}
    formula = "v ← μ·v − η·g;  W ← W + μ²·v_prev − (1 + μ)·η·g   (μ = momentum)"

    def init_state(self, p):
        return {"v": np.zeros_like(p)}

    def step(self, p, g, s):
        v, mu = s["v"], self.momentum
        p += mu * mu * v - (1 + mu) * self.lr * g
        v *= mu
        v -= self.lr * g


class AdaGrad(Optimizer):
    """h ← h + g ⊙ g;  W ← W − η g / (√h + ε)"""
    name, defaults = "adagrad", {"lr": 0.01, "eps": 1e-7, "weight_decay": 0.0}
    formula = "h ← h + g⊙g;  W ← W − η·g / (√h + ε)"

    def init_state(self, p):
        return {"h": np.zeros_like(p)}

    def step(self, p, g, s):
        h = s["h"]
        h += g * g
        p -= self.lr * g / (np.sqrt(h) + self.eps) if self.eps else _divide(self.lr * g, np.sqrt(h))


class RMSProp(Optimizer):
    """h ← ρ h + (1 − ρ) g ⊙ g;  W ← W − η g / (√h + ε)"""
    name, defaults = "rmsprop", {"lr": 0.001, "rho": 0.9, "eps": 1e-7, "weight_decay": 0.0}
    formula = "h ← ρ·h + (1 − ρ)·g⊙g;  W ← W − η·g / (√h + ε)"

    def init_state(self, p):
        return {"h": np.zeros_like(p)}

    def step(self, p, g, s):
        h = s["h"]
        h *= self.rho
        h += (1 - self.rho) * g * g
        p -= self.lr * g / (np.sqrt(h) + self.eps) if self.eps else _divide(self.lr * g, np.sqrt(h))


class AdaDelta(Optimizer):
    """Zeiler 2012:  h ← ρ h + (1 − ρ) g²;  Δ = −√(d + ε)/√(h + ε) · g;
    d ← ρ d + (1 − ρ) Δ²;  W ← W + η Δ   (η = 1 in the paper: no learning rate to tune)"""
    name, defaults = "adadelta", {"lr": 1.0, "rho": 0.95, "eps": 1e-6, "weight_decay": 0.0}
    formula = ("h ← ρ·h + (1 − ρ)·g²;  Δ = −√(d + ε) / √(h + ε)·g;  d ← ρ·d + (1 − ρ)·Δ²;  "
               "W ← W + η·Δ")

    def check_hyper(self):
        if self.hyper["eps"] <= 0:
            raise ValueError(f"adadelta: eps must be > 0, got eps={self.hyper['eps']}: with ε = 0 the "
                             f"first step √(d + ε)/√(h + ε)·g = 0 (d starts at 0), so AdaDelta never moves. "
                             f"The default is 1e-6")

    def init_state(self, p):
        return {"h": np.zeros_like(p), "d": np.zeros_like(p)}

    def step(self, p, g, s):
        h, d, rho = s["h"], s["d"], self.rho
        h *= rho
        h += (1 - rho) * g * g
        delta = -np.sqrt(d + self.eps) / np.sqrt(h + self.eps) * g
        d *= rho
        d += (1 - rho) * delta * delta
        p += self.lr * delta


class Adam(Optimizer):
    """Kingma & Ba 2015:  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;
    m̂ = m/(1 − β₁ᵗ);  v̂ = v/(1 − β₂ᵗ);  W ← W − η m̂ / (√v̂ + ε)"""
    name, defaults = "adam", {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0}
    formula = ("m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;  m̂ = m/(1 − β₁ᵗ);  v̂ = v/(1 − β₂ᵗ);  "
               "W ← W − η·m̂ / (√v̂ + ε)")

    def init_state(self, p):
        return {"m": np.zeros_like(p), "v": np.zeros_like(p)}

    def moments(self, g, s):
        """Update m and v in place; return the bias-corrected m̂, v̂."""
        m, v = s["m"], s["v"]
        m *= self.beta1
        m += (1 - self.beta1) * g
        v *= self.beta2
        v += (1 - self.beta2) * g * g
        return m / (1 - self.beta1 ** self.t), v / (1 - self.beta2 ** self.t)

    def step(self, p, g, s):
        m_hat, v_hat = self.moments(g, s)
        p -= (self.lr * m_hat / (np.sqrt(v_hat) + self.eps) if self.eps
              else _divide(self.lr * m_hat, np.sqrt(v_hat)))


class Nadam(Adam):
    """Adam with Nesterov momentum (Dozat 2016, the simplified form without momentum schedule):
    W ← W − η (β₁ m̂ + (1 − β₁) g/(1 − β₁ᵗ)) / (√v̂ + ε)"""
    name = "nadam"
    defaults = {"lr": 0.002, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0}
    formula = "m, v, m̂, v̂ as Adam;  W ← W − η·(β₁·m̂ + (1 − β₁)·g/(1 − β₁ᵗ)) / (√v̂ + ε)"

    def step(self, p, g, s):
        m_hat, v_hat = self.moments(g, s)
        look_ahead = self.beta1 * m_hat + (1 - self.beta1) * g / (1 - self.beta1 ** self.t)
        p -= (self.lr * look_ahead / (np.sqrt(v_hat) + self.eps) if self.eps
              else _divide(self.lr * look_ahead, np.sqrt(v_hat)))


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter 2019):
    W ← W − η (m̂ / (√v̂ + ε) + λ W)   (λ = weight_decay, not added to g)"""
    name = "adamw"
    defaults = {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01}
    formula = "m, v, m̂, v̂ as Adam;  W ← W − η·(m̂ / (√v̂ + ε) + λ·W)   (λ = weight_decay, not added to g)"

    def step(self, p, g, s):
        m_hat, v_hat = self.moments(g, s)
        ratio = m_hat / (np.sqrt(v_hat) + self.eps) if self.eps else _divide(m_hat, np.sqrt(v_hat))
        p -= self.lr * (ratio + self.weight_decay * p)


_CLASSES = {c.name: c for c in (SGD, Momentum, Nesterov, AdaGrad, RMSProp, AdaDelta, Adam, Nadam, AdamW)}


_ALIASES = {"nag": "nesterov", "gd": "sgd"}


def names():
    """The canonical names ``get`` accepts (aliases: :func:`aliases`)."""
    return list(_CLASSES)


def aliases():
    """{alias: canonical name}: "nag" is "nesterov", "gd" is "sgd"."""
    return dict(_ALIASES)


def get(name, **hyper):
    """A fresh optimizer called ``name`` with hyperparameters as keywords (defaults: ``defaults(name)``).

    An Optimizer passes through unchanged (state and all); with ``hyper`` it gives a fresh
    optimizer of the same kind with those hyperparameters replaced.
    """
    if isinstance(name, Optimizer):
        return type(name)(**{**name.hyper, **hyper}) if hyper else name
    return _CLASSES[resolve("optimizer", name, _CLASSES, _ALIASES)](**hyper)


def defaults(name):
    """The default hyperparameters of ``name``."""
    return dict(_CLASSES[resolve("optimizer", name, _CLASSES, _ALIASES)].defaults)
