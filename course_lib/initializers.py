"""Weight initialisation (가중치 초기화).

    W = get("he_normal")(fan_in, fan_out, rng)     # ndarray (fan_in, fan_out), float32
    get("normal", std=0.01)                         # parameters as keywords
    std("glorot_normal", fan_in, fan_out)           # the formula's standard deviation

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
import numpy as np

from ._names import normalize, unknown_name_error
from ._validate import positive_int

__all__ = ["get", "std", "names"]

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


def names():
    """Every name ``get`` accepts, aliases included."""
    return list(_PARAMS) + list(_SCALED) + list(_ALIASES)


def _check_fans(fan_in, fan_out):
    for what, n in (("fan_in", fan_in), ("fan_out", fan_out)):
        positive_int(what, n, " (number of units)")


def _resolve(name, params):
    key = normalize(name)
    key = _ALIASES.get(key, key)
    if key not in _PARAMS and key not in _SCALED:
        raise unknown_name_error("initializer", name, names())
    allowed = _PARAMS.get(key, {})
    unknown = set(params) - set(allowed)
    if unknown:
        takes = ", ".join(allowed) if allowed else "no parameters (its scale comes from the fans)"
        raise TypeError(f"initializer {name!r} got unexpected parameter(s) {sorted(unknown)}; it takes {takes}")
    params = {**allowed, **params}
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


def _rng(rng):
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy Generator or an int seed, got {type(rng).__name__}")


def get(name, **params):
    """An initializer ``init(fan_in, fan_out, rng, dtype=float32) -> ndarray (fan_in, fan_out)``.

    ``rng`` is a ``numpy.random.Generator`` or an int seed.
    """
    key, params = _resolve(name, params)

    def init(fan_in, fan_out, rng=None, dtype=np.float32):
        s = std(key, fan_in, fan_out, **params)
        shape = (fan_in, fan_out)
        if key == "zeros":
            return np.zeros(shape, dtype)
        kind = "uniform" if key == "uniform" else _SCALED.get(key, ("normal",))[0]
        gen = _rng(rng)
        if kind == "uniform":
            limit = s * np.sqrt(3.0)                      # U(−r, r) has std r/√3
            return gen.uniform(-limit, limit, shape).astype(dtype)
        return (gen.standard_normal(shape) * s).astype(dtype)

    init.name = key
    init.params = params
    return init
