"""Gradient checking: compare backpropagation with central differences.

    numerical_gradient(f, x)      # ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h
    relative_error(a, b)          # ‖a − b‖ / (‖a‖ + ‖b‖)
    check_network(net, x, t)      # {param name: relative error} for every parameter

Use float64 (``MLP(..., dtype=np.float64)``): in float32 the rounding error of
the differences (~1e-7/h) swamps the comparison.
"""
import numpy as np

__all__ = ["numerical_gradient", "relative_error", "check_network"]


def numerical_gradient(f, x, h=1e-5):
    """Central differences: g_i = (f(x + h·e_i) − f(x − h·e_i)) / (2h), error O(h²).

    ``f(x)`` returns a scalar; ``x`` (a float array) is perturbed in place one
    element at a time and restored, so ``f`` may also ignore its argument and
    read ``x`` through a closure (e.g. a network's parameter array).
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError("x must be a floating-point numpy array (it is perturbed in place)")
    if h <= 0:
        raise ValueError(f"step h must be > 0, got {h}")
    grad = np.zeros(x.shape, dtype=np.float64)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("x must be contiguous so it can be perturbed in place (use np.ascontiguousarray)")
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        f_plus = float(f(x))
        flat[i] = old - h
        f_minus = float(f(x))
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a, b):
    """‖a − b‖ / (‖a‖ + ‖b‖): 0 for equal arrays, 1 for opposite ones.

    Below 1e-7 the two gradients agree to float64 precision; above 1e-4 one of
    them is almost certainly wrong.  Both zero -> 0.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare arrays of shapes {a.shape} and {b.shape}")
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
    keys = list(net.params) if keys is None else list(keys)
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
