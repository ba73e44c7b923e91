"""Argument checks shared by course_lib (numpy only, layer 1).

Every helper takes the argument's ``name`` as the user wrote it and raises an
error that says what was wrong and how to fix it, or returns the value in the
form the caller uses (a plain ``int`` or ``float``, a numpy array):

    batch_size = positive_int("batch_size", batch_size)
    lam = nonnegative_float("weight_decay", weight_decay)
    x = finite_array("x_train", x)                 # NaN / inf -> names the rows and columns
"""
import numbers

import numpy as np

__all__ = ["is_number", "number", "positive_int", "positive_float", "nonnegative_float",
           "optional", "all_finite", "finite_array", "describe_nonfinite"]


def is_number(value):
    """True for a real number (Python or numpy), False for bools, strings and everything else."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _type_hint(name, value):
    if isinstance(value, str):
        return (f"{name} must be a number, got the string {value!r}: write {name}={value.strip()} "
                f"without quotes (or convert with float(...) / int(...))")
    return f"{name} must be a number, got {type(value).__name__} {value!r}"


def number(name, value, hint=""):
    """``value`` as a finite float; TypeError for non-numbers (strings named as such), ValueError for NaN/inf."""
    if not is_number(value):
        raise TypeError(_type_hint(name, value) + hint)
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}{hint}")
    return value


def positive_int(name, value, hint=""):
    """``value`` as an int >= 1 (bools and floats are refused, e.g. batch_size=100.0 or True)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        if is_number(value) and float(value).is_integer():
            raise TypeError(f"{name} must be a whole number, got {value!r}: write {name}={int(value)}{hint}")
        raise TypeError((_type_hint(name, value) if not is_number(value)
                         else f"{name} must be a positive integer, got {value!r}") + hint)
    if value < 1:
        raise ValueError(f"{name} must be a positive integer (1 or more), got {value}{hint}")
    return int(value)


def positive_float(name, value, hint=""):
    """``value`` as a finite float > 0."""
    value = number(name, value, hint)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value:g}{hint}")
    return value


def nonnegative_float(name, value, hint=""):
    """``value`` as a finite float >= 0."""
    value = number(name, value, hint)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value:g}{hint}")
    return value


def optional(check, name, value, hint=""):
    """None stays None; anything else goes through ``check(name, value, hint)``."""
    return None if value is None else check(name, value, hint)


def all_finite(a):
    """True if no entry of ``a`` is NaN or ±inf.

    Fast path for large arrays: one sum (NaN and inf propagate into it); only if the
    sum is not finite (a NaN/inf, or finite values whose sum overflows) is every entry tested.
    """
    a = np.asarray(a)
    if a.dtype.kind not in "fc":
        return True
    if a.size < 4096:                     # small: the direct test is cheaper than the errstate below
        return bool(np.isfinite(a).all())
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(a)):
            return True
    return bool(np.isfinite(a).all())


def _first(indices, k=5):
    shown = ", ".join(str(int(i)) for i in indices[:k])
    return shown + (f", … ({len(indices)} in all)" if len(indices) > k else "")


def describe_nonfinite(a):
    """'NaN in row 3, column 2' style text for the entries of ``a`` that are not finite."""
    a = np.asarray(a)
    bad = ~np.isfinite(a)
    kinds = " and ".join(k for k, m in (("NaN", np.isnan(a)), ("inf", np.isinf(a))) if m.any())
    if a.ndim == 2:
        rows, cols = np.flatnonzero(bad.any(axis=1)), np.flatnonzero(bad.any(axis=0))
        n = int(bad.sum())
        return (f"{kinds} in {n} entr{'y' if n == 1 else 'ies'}: row{'s' if len(rows) > 1 else ''} {_first(rows)}; "
                f"column{'s' if len(cols) > 1 else ''} {_first(cols)}")
    return f"{kinds} in {bad.sum()} of {a.size} entries (flat positions {_first(np.flatnonzero(bad))})"


def finite_array(name, x, fix=""):
    """``x`` as an array (lists are converted); ValueError naming the rows and columns of NaN/inf."""
    x = np.asarray(x)
    if x.dtype.kind in "US":
        raise TypeError(f"{name} holds strings (dtype {x.dtype}); convert it to numbers first, "
                        f"e.g. {name} = {name}.astype(np.float32)")
    if x.dtype == object:
        raise TypeError(f"{name} must be an array of numbers, got an object array (mixed or ragged "
                        f"rows?); build it with np.array(..., dtype=np.float32)")
    if not all_finite(x):
        raise ValueError(f"{name} has {describe_nonfinite(x)}. "
                         + (fix or f"Clean or drop those rows first, e.g. keep = np.isfinite({name}).all(axis=1)."))
    return x
