"""The registry helper shared by activations, initializers, optimizers, schedules and surfaces.

Every registry has the same shape::

    get(name_or_object, **params)   # an object with .name, .params, .formula; its repr rebuilds it
    names()                         # the canonical names, in the order of the course
    aliases()                       # {alias: canonical name}
    defaults(name)                  # {parameter: default value}

Names are matched case-insensitively, with "-" and " " read as "_" ("Leaky-ReLU" is
"leaky_relu"); an unknown name raises ValueError listing the close matches. Parameters are
keywords; an unknown keyword raises TypeError naming the keywords taken, and a value that is
not a number (the string "0.01", True) raises TypeError naming the parameter.
"""
import difflib
import numbers

import numpy as np


def close_matches(name, choices, n=3):
    """Up to ``n`` entries of ``choices`` that look like ``name``."""
    return difflib.get_close_matches(str(name).lower(), list(choices), n=n, cutoff=0.5)


def unknown_name_error(kind, name, choices):
    """A ValueError for an unknown ``name`` that names the close matches and all choices."""
    near = close_matches(name, choices)
    hint = f" Did you mean {', '.join(map(repr, near))}?" if near else ""
    return ValueError(f"unknown {kind} {name!r}.{hint} Known: {', '.join(choices)}")


def normalize(name):
    """'Leaky-ReLU' -> 'leaky_relu'."""
    return str(name).strip().lower().replace("-", "_").replace(" ", "_")


def resolve(kind, name, known, aliases=None):
    """The canonical name of ``name`` among ``known`` (via ``aliases``); unknown -> ValueError.

    ``name`` must be a string; anything else raises TypeError saying what ``get`` takes.
    """
    if not isinstance(name, str):
        raise TypeError(f"{kind} name must be a string such as {next(iter(known))!r}, got "
                        f"{type(name).__name__} {name!r}; choose one of {', '.join(known)}")
    key = normalize(name)
    key = (aliases or {}).get(key, key)
    if key not in known:
        raise unknown_name_error(kind, name, list(known) + list(aliases or {}))
    return key


def check_number(what, key, value):
    """``value`` as it is if it is a real number (not a bool, not a string); TypeError otherwise,
    naming the parameter ``key`` of ``what`` ("activation 'elu'")."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        shown = f"the string {value!r}" if isinstance(value, str) else f"{type(value).__name__} {value!r}"
        fix = f"; write {key}={value.strip()} without quotes" if isinstance(value, str) else ""
        raise TypeError(f"{what}: {key} must be a number, got {shown}{fix}")
    return value


def merge_params(what, params, defaults, numeric=True):
    """``{**defaults, **params}`` after checking that every keyword is known (TypeError naming
    the keywords taken, with a close match) and, if ``numeric``, that every value is a number."""
    unknown = [k for k in params if k not in defaults]
    if unknown:
        bits = []
        for k in unknown:
            near = close_matches(k, defaults, n=1)
            bits.append(f"{k!r}" + (f" (did you mean {near[0]!r}?)" if near else ""))
        takes = ", ".join(defaults) if defaults else "no parameters"
        raise TypeError(f"{what} got unexpected parameter(s) {', '.join(bits)}; it takes {takes}")
    if numeric:
        for k, v in params.items():
            check_number(what, k, v)
    return {**defaults, **params}


def call_repr(module, name, params):
    """``module.get('name', k=v, ...)``: the expression that rebuilds a registry object."""
    args = "".join(f", {k}={v!r}" for k, v in params.items())
    return f"{module}.get({name!r}{args})"
