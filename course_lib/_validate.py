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

from course_lib.i18n import gettext as _, ngettext

__all__ = ["is_number", "number", "positive_int", "positive_float", "nonnegative_float",
           "optional", "all_finite", "finite_array", "describe_nonfinite"]


def is_number(value):
    """True for a real number (Python or numpy), False for bools, strings and everything else."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _type_hint(name, value):
    if isinstance(value, str):
        return _("{name} must be a number, got the string {value!r}: write {name}={bare} "
                 "without quotes (or convert with float(...) / int(...))").format(
                   name=name, value=value, bare=value.strip())
    return _("{name} must be a number, got {kind} {value!r}").format(name=name, kind=type(value).__name__,
                                                                    value=value)


def number(name, value, hint=""):
    """``value`` as a finite float; TypeError for non-numbers (strings named as such), ValueError for NaN/inf."""
    if not is_number(value):
        raise TypeError(_type_hint(name, value) + hint)
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(_("{name} must be a finite number, got {value}").format(name=name, value=value) + hint)
    return value


def positive_int(name, value, hint=""):
    """``value`` as an int >= 1 (bools and floats are refused, e.g. batch_size=100.0 or True)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        if is_number(value) and float(value).is_integer():
            raise TypeError(_("{name} must be a whole number, got {value!r}: write {name}={whole}").format(
                name=name, value=value, whole=int(value)) + hint)
        raise TypeError((_type_hint(name, value) if not is_number(value)
                         else _("{name} must be a positive integer, got {value!r}").format(name=name, value=value))
                        + hint)
    if value < 1:
        raise ValueError(_("{name} must be a positive integer (1 or more), got {value}").format(name=name, value=value)
                         + hint)
    return int(value)


def positive_float(name, value, hint=""):
    """``value`` as a finite float > 0."""
    value = number(name, value, hint)
    if value <= 0:
        raise ValueError(_("{name} must be > 0, got {value:g}").format(name=name, value=value) + hint)
    return value


def nonnegative_float(name, value, hint=""):
    """``value`` as a finite float >= 0."""
    value = number(name, value, hint)
    if value < 0:
        raise ValueError(_("{name} must be >= 0, got {value:g}").format(name=name, value=value) + hint)
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
    return shown + (_(", … ({n} in all)").format(n=len(indices)) if len(indices) > k else "")


def describe_nonfinite(a):
    """'NaN in row 3, column 2' style text for the entries of ``a`` that are not finite."""
    a = np.asarray(a)
    bad = ~np.isfinite(a)
    kinds = _(" and ").join(k for k, m in (("NaN", np.isnan(a)), ("inf", np.isinf(a))) if m.any())
    if a.ndim == 2:
        rows, cols = np.flatnonzero(bad.any(axis=1)), np.flatnonzero(bad.any(axis=0))
        n = int(bad.sum())
        return (ngettext("{kinds} in {n} entry", "{kinds} in {n} entries", n).format(kinds=kinds, n=n) + ": "
                + ngettext("row {rows}", "rows {rows}", len(rows)).format(rows=_first(rows)) + "; "
                + ngettext("column {cols}", "columns {cols}", len(cols)).format(cols=_first(cols)))
    return _("{kinds} in {bad} of {size} entries (flat positions {where})").format(
        kinds=kinds, bad=bad.sum(), size=a.size, where=_first(np.flatnonzero(bad)))


def finite_array(name, x, fix=""):
    """``x`` as an array (lists are converted); ValueError naming the rows and columns of NaN/inf."""
    x = np.asarray(x)
    if x.dtype.kind in "US":
        raise TypeError(_("{name} holds strings (dtype {dtype}); convert it to numbers first, "
                          "e.g. {name} = {name}.astype(np.float32)").format(name=name, dtype=x.dtype))
    if x.dtype == object:
        raise TypeError(_("{name} must be an array of numbers, got an object array (mixed or ragged "
                          "rows?); build it with np.array(..., dtype=np.float32)").format(name=name))
    if not all_finite(x):
        raise ValueError(_("{name} has {what}.").format(name=name, what=describe_nonfinite(x)) + " "
                         + (fix or _("Clean or drop those rows first, e.g. keep = np.isfinite({name}).all(axis=1)."
                                     ).format(name=name)))
    return x
