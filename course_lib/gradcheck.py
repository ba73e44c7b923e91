"""Gradient checking: compare backpropagation with central differences.

    numerical_gradient(f, x)      # ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h
    relative_error(a, b)          # ‖a − b‖ / (‖a‖ + ‖b‖)
    check_network(net, x, t)      # {param name: relative error} for every parameter

Use float64 (``MLP(..., dtype=np.float64)``): in float32 the rounding error of
the differences (~1e-7/h) swamps the comparison.
"""
import numpy as np

from ._names import close_matches
from ._validate import describe_nonfinite, positive_float

__all__ = ["numerical_gradient", "relative_error", "check_network"]


def numerical_gradient(f, x, h=1e-5):
    """Central differences: g_i = (f(x + h·e_i) − f(x − h·e_i)) / (2h), error O(h²).

    ``f(x)`` returns a scalar; ``x`` (a float array) is perturbed in place one
    element at a time and restored, so ``f`` may also ignore its argument and
    read ``x`` through a closure (e.g. a network's parameter array).
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError("x must be a floating-point numpy array (it is perturbed in place)")
    h = positive_float("h", h, " (the finite-difference step, e.g. 1e-5)")
    grad = np.zeros(x.shape, dtype=np.float64)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("x must be contiguous so it can be perturbed in place (use np.ascontiguousarray)")
    for i in range(flat.size):
        old = flat[i]
        try:
            flat[i] = old + h
            f_plus = _scalar(f(x))
            flat[i] = old - h
            f_minus = _scalar(f(x))
        finally:
            flat[i] = old                     # x is the caller's (often a network's weights): restore it
        if not np.isfinite(f_plus - f_minus):
            raise ValueError(f"f(x) is not finite near element {i} of x (f(x + h·e_i) = {f_plus}, "
                             f"f(x − h·e_i) = {f_minus}): check x, or f for a log of 0 or an overflow")
        gflat[i] = (f_plus - f_minus) / (2 * h)
    return grad


def _scalar(value):
    """f's value as a float, or a TypeError that says what f returned instead."""
    if value is None:
        raise TypeError("f(x) returned None: f must return the loss, a number (a forgotten return?)")
    if np.ndim(value) != 0:
        raise TypeError(f"f(x) must return one number (the loss), got an array of shape {np.shape(value)}; "
                        f"sum or average it, e.g. return float(np.sum(...))")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"f(x) must return a number (the loss), got {type(value).__name__} {value!r}") from None


def relative_error(a, b):
    """‖a − b‖ / (‖a‖ + ‖b‖): 0 for equal arrays, 1 for opposite ones.

    Below 1e-7 the two gradients agree to float64 precision; above 1e-4 one of
    them is almost certainly wrong.  Both zero -> 0.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare arrays of shapes {a.shape} and {b.shape}")
    for name, arr in (("a", a), ("b", b)):
        if not np.isfinite(arr).all():
            raise ValueError(f"relative_error: {name} has {describe_nonfinite(arr)}, so no error can be "
                             f"measured; find where that gradient overflowed first")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def check_network(net, x, t, keys=None, h=1e-5):
    """Relative error between backprop and numerical gradients for each parameter.

    The loss is the training-mode loss; dropout masks and RReLU slopes are held
    fixed (frozen) during the check so the loss is a deterministic function of
    the parameters.  Batch norm uses the batch statistics, as in training.
    Returns ``{name: relative error}``.
    """
    if np.dtype(net.dtype) != np.float64:
        raise ValueError("gradient checks need a float64 network: MLP(..., dtype=np.float64)")
    keys = list(net.params) if keys is None else ([keys] if isinstance(keys, str) else list(keys))
    for k in keys:
        if k not in net.params:
            near = close_matches(k, net.params)
            raise ValueError(f"keys: the network has no parameter {k!r} (it has {', '.join(net.params)})"
                             + (f"; did you mean {', '.join(map(repr, near))}?" if near else ""))
    with net.preserving_statistics():
        net.loss(x, t, train=True)            # draw the masks once
        net.set_frozen(True)
        try:
            analytic = {k: g.copy() for k, g in net.gradient(x, t).items()}
            errors = {}
            for k in keys:
                numeric = numerical_gradient(lambda _: net.loss(x, t, train=True), net.params[k], h)
                errors[k] = relative_error(analytic[k], numeric)
        finally:
            net.set_frozen(False)
    return errors
