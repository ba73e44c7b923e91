"""Two-dimensional test functions for drawing optimizer paths.

Each surface is a :class:`Surface`: its name, a formula for plot titles, the
function ``f(x, y)`` and its gradient ``grad(x, y) -> (gx, gy)`` (both work
elementwise on numpy arrays, so ``f(X, Y)`` on a meshgrid gives the contour
values), plot limits, the minimum and a default start point::

    from course_lib import surfaces, optimizers
    s = surfaces.get("dlfs")
    path = surfaces.trajectory(optimizers.get("sgd", lr=0.95), s, steps=30)
    surfaces.steps_to_reach(path, s, tol=0.1)

``trajectory`` drives any object with the optimizer method
``update(params, grads)`` (dicts of arrays, params changed in place), the duck
type of ``course_lib.optimizers``.

The surfaces (``names()``):

- ``dlfs``: x²/20 + y², the example of *Deep Learning from Scratch* (ch. 6):
  20 times steeper in y than in x, so SGD zig-zags.
- ``ill_conditioned``: (x² + 25y²)/2, Hessian diag(1, 25), condition number 25.
  Gradient descent multiplies y by (1 − 25·lr) each step, so it converges iff
  lr < 2/25 = 0.08 and diverges above.
- ``rosenbrock``: (1 − x)² + 100(y − x²)², a curved narrow valley, minimum (1, 1).
- ``saddle``: x² + y⁴/4 − y²/2, a saddle point at (0, 0), minima at (0, ±1).
- ``beale``: (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)², minimum (3, 0.5).
"""
import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course_lib import optimizers
from course_lib._names import merge_params, resolve

__all__ = ["Surface", "get", "names", "aliases", "defaults", "trajectory", "distance_to_minimum",
           "steps_to_reach"]


@dataclass(frozen=True)
class Surface:
    """A 2-D test function with its gradient, plot limits, minimum and start.

    ``f(x, y)`` and ``grad(x, y)`` accept numbers or arrays (broadcast
    elementwise, computed in float64). ``minimum`` is the global minimum used
    by :func:`distance_to_minimum`; ``minima`` lists every global minimum when
    there are several (the saddle has two).
    """
    name: str
    formula: str
    f: Callable = field(repr=False)
    grad: Callable = field(repr=False)
    xlim: tuple
    ylim: tuple
    minimum: tuple
    start: tuple
    minima: tuple = ()
    description: str = field(default="", repr=False)

    def __post_init__(self):
        if not self.minima:
            object.__setattr__(self, "minima", (self.minimum,))

    @property
    def params(self):
        """The surface's parameters: none (every registry object has ``.params``)."""
        return {}

    def __repr__(self):
        return f"surfaces.get({self.name!r})"

    def grid(self, n=201):
        """``(X, Y, Z)`` on an n×n grid over the plot limits, for contour plots."""
        x = np.linspace(*self.xlim, n)
        y = np.linspace(*self.ylim, n)
        X, Y = np.meshgrid(x, y)
        return X, Y, self.f(X, Y)


def _xy(x, y):
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


# ------------------------------------------------------------------ dlfs
def _dlfs_f(x, y):
    """f(x, y) = x²/20 + y²."""
    x, y = _xy(x, y)
    return x ** 2 / 20.0 + y ** 2


def _dlfs_grad(x, y):
    """∇f = (x/10, 2y)."""
    x, y = _xy(x, y)
    return x / 10.0, 2.0 * y


# ------------------------------------------------------- ill-conditioned
def _ill_f(x, y):
    """f(x, y) = (x² + 25y²)/2; Hessian diag(1, 25), condition number 25.

    Gradient descent with rate lr maps x -> (1 − lr)x and y -> (1 − 25·lr)y,
    so it converges iff |1 − 25·lr| < 1, i.e. lr < 2/25 = 0.08.
    """
    x, y = _xy(x, y)
    return 0.5 * (x ** 2 + 25.0 * y ** 2)


def _ill_grad(x, y):
    """∇f = (x, 25y)."""
    x, y = _xy(x, y)
    return x, 25.0 * y


# ------------------------------------------------------------ rosenbrock
def _rosen_f(x, y):
    """f(x, y) = (1 − x)² + 100(y − x²)²."""
    x, y = _xy(x, y)
    return (1.0 - x) ** 2 + 100.0 * (y - x ** 2) ** 2


def _rosen_grad(x, y):
    """∇f = (−2(1 − x) − 400x(y − x²), 200(y − x²))."""
    x, y = _xy(x, y)
    r = y - x ** 2
    return -2.0 * (1.0 - x) - 400.0 * x * r, 200.0 * r


# ---------------------------------------------------------------- saddle
def _saddle_f(x, y):
    """f(x, y) = x² + y⁴/4 − y²/2; Hessian at (0, 0) is diag(2, −1)."""
    x, y = _xy(x, y)
    return x ** 2 + y ** 4 / 4.0 - y ** 2 / 2.0


def _saddle_grad(x, y):
    """∇f = (2x, y³ − y)."""
    x, y = _xy(x, y)
    return 2.0 * x, y ** 3 - y


# ----------------------------------------------------------------- beale
def _beale_f(x, y):
    """f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²."""
    x, y = _xy(x, y)
    return ((1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2
            + (2.625 - x + x * y ** 3) ** 2)


def _beale_grad(x, y):
    """With a = 1.5 − x + xy, b = 2.25 − x + xy², c = 2.625 − x + xy³:
    ∇f = (2a(y − 1) + 2b(y² − 1) + 2c(y³ − 1),  2a·x + 4b·xy + 6c·xy²)."""
    x, y = _xy(x, y)
    a = 1.5 - x + x * y
    b = 2.25 - x + x * y ** 2
    c = 2.625 - x + x * y ** 3
    gx = 2 * a * (y - 1) + 2 * b * (y ** 2 - 1) + 2 * c * (y ** 3 - 1)
    gy = 2 * a * x + 4 * b * x * y + 6 * c * x * y ** 2
    return gx, gy


_SURFACES = {s.name: s for s in (
    Surface("dlfs", r"$f(x, y) = \frac{x^2}{20} + y^2$", _dlfs_f, _dlfs_grad,
            xlim=(-10.0, 10.0), ylim=(-5.0, 5.0), minimum=(0.0, 0.0), start=(-7.0, 2.0),
            description="Deep Learning from Scratch's surface: 20 times steeper in y than in x."),
    Surface("ill_conditioned", r"$f(x, y) = \frac{1}{2}(x^2 + 25\,y^2)$", _ill_f, _ill_grad,
            xlim=(-5.0, 5.0), ylim=(-2.0, 2.0), minimum=(0.0, 0.0), start=(-4.0, 1.5),
            description="Condition number 25: gradient descent converges iff lr < 2/25 = 0.08."),
    Surface("rosenbrock", r"$f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2$", _rosen_f, _rosen_grad,
            xlim=(-2.0, 2.0), ylim=(-1.0, 3.0), minimum=(1.0, 1.0), start=(-1.2, 1.0),
            description="A long, curved, narrow valley; the minimum (1, 1) is at its flat end."),
    Surface("saddle", r"$f(x, y) = x^2 + \frac{y^4}{4} - \frac{y^2}{2}$", _saddle_f, _saddle_grad,
            xlim=(-1.5, 1.5), ylim=(-1.5, 1.5), minimum=(0.0, 1.0), start=(1.0, 1e-3),
            minima=((0.0, 1.0), (0.0, -1.0)),
            description="A saddle point at (0, 0) (curvature +2 in x, -1 in y), minima at "
                        "(0, ±1). From (1, 0.001) gradient descent slides into the saddle "
                        "and lingers; momentum escapes sooner."),
    Surface("beale", r"$f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2$",
            _beale_f, _beale_grad,
            xlim=(-4.5, 4.5), ylim=(-4.5, 4.5), minimum=(3.0, 0.5), start=(1.0, 1.5),
            description="Flat plateaus and steep ridges; minimum f(3, 0.5) = 0."),
)}


_ALIASES = {"rosen": "rosenbrock", "ill": "ill_conditioned"}


def names():
    """The canonical surface names ``get`` accepts (aliases: :func:`aliases`)."""
    return list(_SURFACES)


def aliases():
    """{alias: canonical name}."""
    return dict(_ALIASES)


def defaults(name):
    """The surface's parameters with their defaults: none, {} (the registries share this shape)."""
    resolve("surface", name, _SURFACES, _ALIASES)
    return {}


def get(name, **params):
    """The :class:`Surface` called ``name`` (a Surface is returned unchanged); surfaces take no
    parameters.

    Unknown names raise ``ValueError`` naming close matches.
    """
    merge_params(f"surface {getattr(name, 'name', name)!r}", params, {})
    if isinstance(name, Surface):
        return name
    if not isinstance(name, str):
        raise TypeError(f"surface must be a name or a Surface, got {type(name).__name__}; "
                        f"choose one of {names()}")
    return _SURFACES[resolve("surface", name, _SURFACES, _ALIASES)]


def _make_optimizer(optimizer, opt_kwargs):
    if isinstance(optimizer, str):
        return optimizers.get(optimizer, **(opt_kwargs or {}))
    if hasattr(optimizer, "update") and not isinstance(optimizer, type):
        if opt_kwargs:
            raise TypeError("opt_kwargs is only used when optimizer is a name or a factory; "
                            "you passed an optimizer object, so set its hyperparameters "
                            "when you create it")
        return optimizer
    if callable(optimizer):
        opt = optimizer(**(opt_kwargs or {}))
        if not hasattr(opt, "update"):
            raise TypeError(f"the optimizer factory returned {type(opt).__name__}, "
                            "which has no update(params, grads) method")
        return opt
    raise TypeError(f"optimizer must be an object with update(params, grads), a factory "
                    f"that returns one, or a name such as 'adam'; got {type(optimizer).__name__}")


def trajectory(optimizer, surface, start=None, steps=30, *, opt_kwargs=None, max_abs=1e6):
    """The points an optimizer visits on a surface: float64 array (steps + 1, 2).

    Row 0 is ``start`` (default ``surface.start``); row k is the point after k
    updates p ← optimizer.update(p, ∇f(p)), with params = {"xy": array([x, y])}
    and grads = {"xy": array([gx, gy])}.

    ``optimizer`` is one of
    - an object with ``update(params, grads)``. It keeps state (velocities,
      moment estimates) between calls, so pass a *fresh* optimizer for every
      trajectory;
    - a factory (or class) called as ``optimizer(**opt_kwargs)`` to build a
      fresh one, e.g. ``lambda: optimizers.get("adam", lr=0.3)``;
    - a name: built with ``course_lib.optimizers.get(name, **opt_kwargs)``.

    ``surface`` is a :class:`Surface` or its name.

    Divergence: if a point becomes NaN or infinite, or a coordinate exceeds
    ``max_abs`` in size (pass ``max_abs=np.inf`` to stop only on overflow), the
    run stops with a ``RuntimeWarning`` naming the step, and the array holds
    only the points before it (fewer than steps + 1 rows).
    """
    surface = get(surface)
    opt = _make_optimizer(optimizer, opt_kwargs)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be an integer >= 0, got {steps!r}")
    p0 = np.asarray(surface.start if start is None else start, dtype=np.float64)
    if p0.shape != (2,) or not np.all(np.isfinite(p0)):
        raise ValueError(f"start must be two finite numbers (x, y), got {start!r}")
    if not np.all(np.abs(p0) <= max_abs):
        raise ValueError(f"start {tuple(p0)} is already beyond max_abs={max_abs:g}")

    path = np.empty((steps + 1, 2), dtype=np.float64)
    path[0] = p0
    params = {"xy": p0.copy()}
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(1, steps + 1):
            x, y = params["xy"]
            gx, gy = surface.grad(x, y)
            opt.update(params, {"xy": np.array([gx, gy], dtype=np.float64)})
            p = np.asarray(params["xy"], dtype=np.float64)
            if not np.all(np.isfinite(p)) or not np.all(np.abs(p) <= max_abs):
                why = ("is not finite" if not np.all(np.isfinite(p))
                       else f"has a coordinate beyond max_abs={max_abs:g}")
                warnings.warn(
                    f"the path diverged on {surface.name!r}: the point after step {k} "
                    f"({p[0]:.4g}, {p[1]:.4g}) {why}. Stopped; returning the {k} points "
                    f"before it (rows 0..{k - 1}). Try a smaller learning rate.",
                    RuntimeWarning, stacklevel=2)
                return path[:k].copy()
            path[k] = p
    return path


def _as_path(path):
    path = np.asarray(path, dtype=np.float64)
    if path.ndim != 2 or path.shape[1] != 2:
        raise ValueError(f"path must be an array of shape (n, 2) (one (x, y) row per step), "
                         f"got shape {path.shape}")
    return path


def distance_to_minimum(path, surface):
    """Euclidean distance of each point of ``path`` (n, 2) to the surface's nearest minimum.

    d_k = min over minima m of ‖p_k − m‖ (for most surfaces there is one minimum).
    """
    path = _as_path(path)
    minima = np.asarray(get(surface).minima, dtype=np.float64)          # (m, 2)
    d = np.linalg.norm(path[:, None, :] - minima[None, :, :], axis=2)   # (n, m)
    return d.min(axis=1)


def steps_to_reach(path, surface, tol=0.1):
    """The first step k with distance_to_minimum(path)[k] <= tol, or None if never."""
    if not np.isfinite(tol) or tol <= 0:
        raise ValueError(f"tol must be a positive distance, got {tol!r}")
    hit = np.flatnonzero(distance_to_minimum(path, surface) <= tol)
    return int(hit[0]) if hit.size else None


def hessian(surface, point, h=1e-5):
    """The 2×2 Hessian ∇²f at ``point`` by central differences of the gradient:
    column j = (∇f(p + h·e_j) − ∇f(p − h·e_j)) / 2h, then symmetrised.

    Its eigenvalues are the curvatures along the principal directions; gradient
    descent with rate η is stable near a minimum iff η < 2/λ_max.
    """
    surface = get(surface)
    p = np.asarray(point, dtype=np.float64)
    if p.shape != (2,) or not np.all(np.isfinite(p)):
        raise ValueError(f"point must be two finite numbers (x, y), got {point!r}")
    if not np.isfinite(h) or h <= 0:
        raise ValueError(f"h must be a small positive step, got {h!r}")
    H = np.empty((2, 2))
    for j in range(2):
        e = np.zeros(2)
        e[j] = h
        H[:, j] = (np.asarray(surface.grad(*(p + e))) - np.asarray(surface.grad(*(p - e)))) / (2 * h)
    return (H + H.T) / 2
