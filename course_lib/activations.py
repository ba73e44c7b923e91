"""Activation functions (활성화 함수) and their elementwise derivatives.

    act = get("gelu")                  # unknown name -> ValueError naming close matches
    act(x); act.derivative(x)          # value and f'(x), elementwise
    get("leaky_relu", alpha=0.01)      # parameters as keywords; get("PReLU") is get("prelu")
    act.name, act.params, act.formula  # repr(act) rebuilds it: activations.get('elu', alpha=1.0)
    names(), aliases(), defaults("elu")

names(): the 18 functions of the notes, then prelu and rrelu in their elementwise form (a fixed
slope; in a network, ``MLP(activation="prelu")`` learns one slope per unit and
``MLP(activation="rrelu")`` draws random slopes while training).

Every function keeps the dtype of a floating-point input (float32 stays float32)
and is numerically stable: no overflow warning for |x| up to 1000.
"""
import math

import numpy as np

from course_lib._names import call_repr, merge_params, resolve

__all__ = ["Activation", "get", "names", "aliases", "defaults", "sigmoid"]


def _float(x):
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


def sigmoid(x):
    """σ(x) = 1 / (1 + e^(−x)), computed from e^(−|x|) so it never overflows."""
    x = _float(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


_erfc = np.frompyfunc(math.erfc, 1, 1)
# erfc(z) ≈ t·exp(−z² + P(t)), t = 1/(1 + z/2), z ≥ 0 (Numerical Recipes' erfcc, after Chebyshev):
# fractional error below 1.2e-7 everywhere, under float32's resolution.
_ERFC_COEFFICIENTS = (-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807,
                      -1.13520398, 1.48851587, -0.82215223, 0.17087277)


def _erfc_float32(x):
    """erfc(x) for a float32 array, vectorised (relative error < 1.2e-7)."""
    z = np.abs(x)
    t = 1 / (1 + 0.5 * z)
    poly = _ERFC_COEFFICIENTS[-1]
    for c in _ERFC_COEFFICIENTS[-2::-1]:
        poly = poly * t + c
    tail = t * np.exp(-z * z + poly)
    return np.where(x >= 0, tail, 2 - tail)


def _normal_cdf(x):
    """Φ(x) = ½(1 + erf(x/√2)) = ½·erfc(−x/√2).

    numpy has no erf: in float64 (gradient checks) it is exact, math.erfc number
    by number (erfc, not 1 + erf, keeps the far left tail from cancelling to 0); in float32 (training) a vectorised approximation whose error is
    below float32's resolution, so the fast path loses nothing.
    """
    if x.dtype.itemsize <= 4:
        return (0.5 * _erfc_float32(-x / np.float32(math.sqrt(2.0)))).astype(x.dtype, copy=False)
    return (0.5 * _erfc(-x / math.sqrt(2.0)).astype(np.float64)).astype(x.dtype, copy=False)


# Each entry: (forward, derivative, default parameters, formula).
def _identity(x):
    return x.copy()


def _identity_d(x):
    return np.ones_like(x)


def _step(x):
    return (x > 0).astype(x.dtype)


def _zero_d(x):
    return np.zeros_like(x)


def _sign(x):
    return np.sign(x)


def _sigmoid_d(x):
    s = sigmoid(x)
    return s * (1 - s)


def _tanh_d(x):
    return 1 - np.tanh(x) ** 2


def _softsign(x):
    return x / (1 + np.abs(x))


def _softsign_d(x):
    return 1 / (1 + np.abs(x)) ** 2


def _arctan_d(x):
    return 1 / (1 + x * x)


def _relu(x):
    return np.maximum(x, 0)


def _relu_d(x):
    return (x > 0).astype(x.dtype)


def _leaky_relu(x, alpha):
    return np.where(x > 0, x, alpha * x).astype(x.dtype, copy=False)


def _leaky_relu_d(x, alpha):
    return np.where(x > 0, 1, alpha).astype(x.dtype)


def _elu(x, alpha):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))).astype(x.dtype, copy=False)


def _elu_d(x, alpha):
    return np.where(x > 0, 1, alpha * np.exp(np.minimum(x, 0))).astype(x.dtype, copy=False)


SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


def _selu(x):
    return (SELU_SCALE * _elu(x, SELU_ALPHA)).astype(x.dtype, copy=False)


def _selu_d(x):
    return (SELU_SCALE * _elu_d(x, SELU_ALPHA)).astype(x.dtype, copy=False)


def _threshold_relu(x, theta):
    return np.where(x > theta, x, 0).astype(x.dtype, copy=False)


def _threshold_relu_d(x, theta):
    return (x > theta).astype(x.dtype)


def _softplus(x):
    return np.logaddexp(0, x).astype(x.dtype, copy=False)


def _bent_identity(x):
    return (np.hypot(x, 1) - 1) / 2 + x


def _bent_identity_d(x):
    return x / (2 * np.hypot(x, 1)) + 1


def _gaussian(x):
    return np.exp(-x * x)


def _gaussian_d(x):
    return -2 * x * np.exp(-x * x)


def _gelu(x):
    return x * _normal_cdf(x)


def _gelu_d(x):
    pdf = np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    return (_normal_cdf(x) + x * pdf).astype(x.dtype, copy=False)


def _rrelu(x, lower, upper):
    return _leaky_relu(x, (lower + upper) / 2)


def _rrelu_d(x, lower, upper):
    return _leaky_relu_d(x, (lower + upper) / 2)


def _swish(x, beta):
    return x * sigmoid(beta * x)


def _swish_d(x, beta):
    s = sigmoid(beta * x)
    return s + beta * x * s * (1 - s)


def _mish(x):
    return x * np.tanh(_softplus(x))


def _mish_d(x):
    t = np.tanh(_softplus(x))
    return t + x * (1 - t * t) * sigmoid(x)


_TABLE = {
    "identity": (_identity, _identity_d, {}, "f(x) = x"),
    "step": (_step, _zero_d, {}, "f(x) = 1 if x > 0 else 0   (f' = 0 almost everywhere)"),
    "sign": (_sign, _zero_d, {}, "f(x) = sign(x)   (f' = 0 almost everywhere)"),
    "sigmoid": (sigmoid, _sigmoid_d, {}, "σ(x) = 1/(1+e^(−x)),  σ' = σ(1−σ) ≤ 1/4"),
    "tanh": (np.tanh, _tanh_d, {}, "tanh(x),  f' = 1 − tanh²(x)"),
    "softsign": (_softsign, _softsign_d, {}, "x/(1+|x|),  f' = 1/(1+|x|)²"),
    "arctan": (np.arctan, _arctan_d, {}, "arctan(x),  f' = 1/(1+x²)"),
    "relu": (_relu, _relu_d, {}, "max(0, x),  f' = 1 if x > 0 else 0"),
    "leaky_relu": (_leaky_relu, _leaky_relu_d, {"alpha": 0.01}, "x if x > 0 else αx"),
    "elu": (_elu, _elu_d, {"alpha": 1.0}, "x if x > 0 else α(eˣ − 1)"),
    "selu": (_selu, _selu_d, {}, "λ·(x if x > 0 else α(eˣ − 1)), λ ≈ 1.0507, α ≈ 1.6733"),
    "threshold_relu": (_threshold_relu, _threshold_relu_d, {"theta": 1.0}, "x if x > θ else 0"),
    "softplus": (_softplus, sigmoid, {}, "log(1 + eˣ),  f' = σ(x)"),
    "bent_identity": (_bent_identity, _bent_identity_d, {}, "(√(x²+1) − 1)/2 + x"),
    "gaussian": (_gaussian, _gaussian_d, {}, "e^(−x²),  f' = −2x·e^(−x²)"),
    "gelu": (_gelu, _gelu_d, {}, "x·Φ(x), Φ the standard normal CDF;  ≈ x·σ(1.702x)"),
    "swish": (_swish, _swish_d, {"beta": 1.0}, "x·σ(βx)"),
    "mish": (_mish, _mish_d, {}, "x·tanh(softplus(x))"),
    "prelu": (_leaky_relu, _leaky_relu_d, {"alpha": 0.25},
              "x if x > 0 else αx, α learned per unit (initialised at 0.25); here α is fixed"),
    "rrelu": (_rrelu, _rrelu_d, {"lower": 1 / 8, "upper": 1 / 3},
              "x if x > 0 else a·x, a ~ U(lower, upper) while training; here a = (lower+upper)/2, "
              "its inference form"),
}
_ALIASES = {"silu": "swish", "lrelu": "leaky_relu"}


class Activation:
    """An elementwise activation f with its derivative f'.

    ``act(x)`` gives f(x), ``act.derivative(x)`` gives f'(x); both keep a
    floating input's dtype.  ``act.name``, ``act.params`` and ``act.formula``
    describe it.
    """

    def __init__(self, name, **params):
        self.name = name
        self._f, self._d, defaults, self.formula = _TABLE[name]
        self.params = merge_params(f"activation {name!r}", params, defaults)
        for key, value in self.params.items():
            if not np.isfinite(value):
                raise ValueError(f"activation {name!r}: {key} must be a finite number, got {value!r}")
        if name == "rrelu" and not 0 <= self.params["lower"] <= self.params["upper"] < 1:
            raise ValueError(f"activation 'rrelu' needs 0 <= lower <= upper < 1, got {self.params}")

    def __call__(self, x):
        return self._f(_float(x), **self.params)

    def derivative(self, x):
        """f'(x), elementwise."""
        return self._d(_float(x), **self.params)

    def __repr__(self):
        return call_repr("activations", self.name, self.params)


def names():
    """The canonical names ``get`` accepts, in the order of the course (aliases: :func:`aliases`)."""
    return list(_TABLE)


def aliases():
    """{alias: canonical name}: other names ``get`` accepts."""
    return dict(_ALIASES)


def defaults(name):
    """The default parameters of the activation ``name``, e.g. {'alpha': 1.0} for 'elu'."""
    return dict(_TABLE[resolve("activation", name, _TABLE, _ALIASES)][2])


def get(name, **params):
    """The activation called ``name`` (see ``names()``; case does not matter), with parameters
    as keywords.

    An ``Activation`` passes through unchanged, or with ``params`` replaced (so functions can
    accept either): ``get(get("elu"), alpha=0.5)`` is ``get("elu", alpha=0.5)``.
    """
    if isinstance(name, Activation):
        return Activation(name.name, **{**name.params, **params}) if params else name
    return Activation(resolve("activation", name, _TABLE, _ALIASES), **params)


def gelu_tanh(x):
    """GELU's tanh approximation (Hendrycks & Gimpel 2016; PyTorch ``GELU(approximate="tanh")``):

        GELU(x) ≈ ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).

    Cheaper than the exact x·Φ(x) (no erf) and closer to it than x·σ(1.702x).
    """
    x = _float(x)
    inner = math.sqrt(2 / math.pi) * x * (1 + 0.044715 * (x * x))      # x·x·x, not x**3: pow is slow
    return (0.5 * x * (1 + np.tanh(inner))).astype(x.dtype, copy=False)


__all__ += ["gelu_tanh"]
