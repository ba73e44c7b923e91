"""Weight initialisation (가중치 초기화).

    W = get("he_normal")(fan_in, fan_out, rng)     # ndarray (fan_in, fan_out), float32
    get("normal", std=0.01)                         # parameters as keywords
    get(0.01)                                       # a number is the std of a normal: get("normal", std=0.01)
    std("glorot_normal", fan_in, fan_out)           # the formula's standard deviation
    init.name, init.params, init.formula            # repr(init) rebuilds it
    names(), aliases(), defaults("normal")

The formulas (n_in = fan_in, n_out = fan_out):

=================  =========================  ==============================
name               distribution               standard deviation
=================  =========================  ==============================
zeros              0                          0
normal(std)        N(0, std²)                 std
uniform(limit)     U(−limit, limit)           limit/√3
glorot_normal      N(0, σ²)                   √(2/(n_in+n_out))
glorot_uniform     U(−r, r), r=√(6/(n_in+n_out))  √(2/(n_in+n_out))
lecun_normal       N(0, σ²)                   √(1/n_in)
lecun_uniform      U(−r, r), r=√(3/n_in)      √(1/n_in)
he_normal          N(0, σ²)                   √(2/n_in)
he_uniform         U(−r, r), r=√(6/n_in)      √(2/n_in)
=================  =========================  ==============================

"xavier_*" are aliases of "glorot_*" and "kaiming_*" of "he_*".

Where the texts differ:

* *Deep Learning from Scratch* calls 1/√n "Xavier": that is LeCun's
  initialisation. Glorot & Bengio (2010) average fan-in and fan-out:
  std √(2/(n_in+n_out)) — not √(3/(n_in+n_out)), which is the *uniform*
  limit's √3 mixed into a normal.
* He et al. (2015) use std √(2/n_in) — **not** 2/√n_in, as one of our source
  notes has it (that is √2 times too large and makes deep ReLU nets explode).
* The normal initialisers here are plain (untruncated) normals; Keras draws
  from a truncated normal rescaled to the same std.
"""
import numbers

import numpy as np

from course_lib._names import call_repr, check_number, merge_params, resolve
from course_lib._validate import positive_int
from course_lib.seeding import generator

__all__ = ["Initializer", "get", "std", "names", "aliases", "defaults"]

# name -> (distribution, numerator, fan) with std = √(numerator / fan), fan = n_in or n_in + n_out
_SCALED = {
    "glorot_normal": ("normal", 2.0, "sum"),
    "glorot_uniform": ("uniform", 2.0, "sum"),
    "lecun_normal": ("normal", 1.0, "in"),
    "lecun_uniform": ("uniform", 1.0, "in"),
    "he_normal": ("normal", 2.0, "in"),
    "he_uniform": ("uniform", 2.0, "in"),
}
_ALIASES = {"xavier_normal": "glorot_normal", "xavier_uniform": "glorot_uniform",
            "kaiming_normal": "he_normal", "kaiming_uniform": "he_uniform"}
_PARAMS = {"zeros": {}, "normal": {"std": 0.01}, "uniform": {"limit": 0.05}}
_FORMULAS = {
    "zeros": "W = 0",
    "normal": "W ~ N(0, std²)",
    "uniform": "W ~ U(−limit, limit), std = limit/√3",
    "glorot_normal": "W ~ N(0, σ²), σ = √(2/(n_in+n_out))",
    "glorot_uniform": "W ~ U(−r, r), r = √(6/(n_in+n_out)), σ = √(2/(n_in+n_out))",
    "lecun_normal": "W ~ N(0, σ²), σ = √(1/n_in)",
    "lecun_uniform": "W ~ U(−r, r), r = √(3/n_in), σ = √(1/n_in)",
    "he_normal": "W ~ N(0, σ²), σ = √(2/n_in)",
    "he_uniform": "W ~ U(−r, r), r = √(6/n_in), σ = √(2/n_in)",
}


def names():
    """The canonical names ``get`` accepts (the aliases xavier_* and kaiming_*: :func:`aliases`)."""
    return list(_PARAMS) + list(_SCALED)


def aliases():
    """{alias: canonical name}: "xavier_*" is "glorot_*", "kaiming_*" is "he_*"."""
    return dict(_ALIASES)


def defaults(name):
    """The default parameters of ``name``: {'std': 0.01} for 'normal', {} for the fan-scaled ones."""
    return dict(_PARAMS.get(resolve("initializer", name, names(), _ALIASES), {}))


def _check_fans(fan_in, fan_out):
    for what, n in (("fan_in", fan_in), ("fan_out", fan_out)):
        positive_int(what, n, " (number of units)")


def _resolve(name, params):
    key = resolve("initializer", name, names(), _ALIASES)
    allowed = _PARAMS.get(key, {})
    if params and not allowed:
        raise TypeError(f"initializer {name!r} got unexpected parameter(s) {sorted(params)}; it takes "
                        "no parameters (its scale comes from the fans)")
    params = merge_params(f"initializer {name!r}", params, allowed)
    for k, v in params.items():
        if not (np.isfinite(v) and v >= 0):
            raise ValueError(f"initializer {name!r}: {k} must be a finite number >= 0, got {v!r}")
    return key, params


def std(name, fan_in, fan_out, **params):
    """The standard deviation of the weights that ``name`` draws (formula in the module docstring)."""
    _check_fans(fan_in, fan_out)
    key, params = _resolve(name, params)
    if key == "zeros":
        return 0.0
    if key == "normal":
        return float(params["std"])
    if key == "uniform":
        return float(params["limit"]) / np.sqrt(3.0)
    _, num, fans = _SCALED[key]
    fan = fan_in + fan_out if fans == "sum" else fan_in
    return float(np.sqrt(num / fan))


class Initializer:
    """``init(fan_in, fan_out, rng, dtype=float32) -> ndarray (fan_in, fan_out)``.

    ``rng`` is a ``numpy.random.Generator`` or an int seed. ``init.name``, ``init.params``,
    ``init.formula`` describe it; ``init.std(fan_in, fan_out)`` is the std it draws.
    """

    def __init__(self, name, **params):
        self.name, self.params = _resolve(name, params)
        self.formula = _FORMULAS[self.name]

    def std(self, fan_in, fan_out):
        """The standard deviation of the weights drawn for a fan_in × fan_out layer."""
        return std(self.name, fan_in, fan_out, **self.params)

    def __call__(self, fan_in, fan_out, rng, dtype=np.float32):
        s = self.std(fan_in, fan_out)
        shape = (fan_in, fan_out)
        if self.name == "zeros":
            return np.zeros(shape, dtype)
        kind = "uniform" if self.name == "uniform" else _SCALED.get(self.name, ("normal",))[0]
        gen = generator(rng, "rng")
        if kind == "uniform":
            limit = s * np.sqrt(3.0)                      # U(−r, r) has std r/√3
            return gen.uniform(-limit, limit, shape).astype(dtype)
        return (gen.standard_normal(shape) * s).astype(dtype)

    def __repr__(self):
        return call_repr("initializers", self.name, self.params)


def get(name, **params):
    """The initializer ``name`` (see :func:`names`) with parameters as keywords: an
    :class:`Initializer`, called as ``init(fan_in, fan_out, rng)``.

    ``name`` may also be a number, the std of a normal (``get(0.01)`` is
    ``get("normal", std=0.01)``), an Initializer (returned as it is, or with ``params``
    replaced) or any callable ``init(fan_in, fan_out, rng)`` (returned as it is).
    """
    if isinstance(name, Initializer):
        return Initializer(name.name, **{**name.params, **params}) if params else name
    if isinstance(name, numbers.Real) and not isinstance(name, bool):
        if params:
            raise TypeError(f"initializer {name!r} is the std of a normal and takes no parameters; "
                            f"got {sorted(params)}")
        return Initializer("normal", std=check_number("initializer", "std", name))
    if callable(name):
        if params:
            raise TypeError("an initializer given as a function takes no parameters; fix them inside it")
        return name
    return Initializer(name, **params)
