"""Learning-rate schedules: plain functions of the training step.

Every schedule is a function ``schedule(step, **params) -> lr``. ``step`` is
the number of updates done so far (0 for the first update); it may be a number
or a numpy array of steps, and the result is a float or a float64 array of the
same shape::

    from course_lib import schedules
    schedules.cosine(500, lr0=0.1, total_steps=1000)      # 0.05
    lr = schedules.get("cosine", lr0=0.1, total_steps=1000)
    lr(np.arange(1001))                                    # the whole curve

``get(name, **params)`` fixes the parameters and returns a :class:`Schedule`,
called as ``lr(step)``, with ``.name``, ``.params``, ``.formula`` and a repr that
rebuilds it; ``names()``, ``aliases()`` and ``defaults(name)`` list the schedules,
their other names and their optional parameters. Learning rates must
be positive and steps non-negative; bad input raises ``ValueError`` (bad
values, unknown names) or ``TypeError`` (missing or unknown keywords) with a
message that says how to fix it.
"""
import inspect

import numpy as np

from course_lib._names import call_repr, check_number, merge_params, resolve

__all__ = ["constant", "step_decay", "piecewise", "exponential", "power",
           "cosine", "one_cycle", "Schedule", "get", "names", "aliases", "defaults"]


# ----------------------------------------------------------------- helpers
def _steps(step):
    """``step`` as a float64 array, checked: finite and non-negative."""
    try:
        s = np.asarray(step, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"step must be a number or an array of numbers, got {step!r}") from None
    if not np.all(np.isfinite(s)):
        raise ValueError("step must be finite (got NaN or infinity)")
    if np.any(s < 0):
        raise ValueError(f"step must be >= 0 (the number of updates done so far), "
                         f"got {s.min():g}")
    return s


def _out(lr, step):
    """A Python float for a scalar step, a float64 array otherwise."""
    return float(lr) if np.ndim(step) == 0 else np.asarray(lr, dtype=np.float64)


def _positive(name, value):
    check_number("schedule", name, value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")


def _in_unit_interval(name, value):
    check_number("schedule", name, value)
    if not np.isfinite(value) or not 0 < value <= 1:
        raise ValueError(f"{name} must be in (0, 1] (a factor that shrinks the "
                         f"learning rate), got {value!r}")


# --------------------------------------------------------------- schedules
def constant(step, lr0):
    """Constant learning rate: lr(t) = lr0."""
    s = _steps(step)
    _positive("lr0", lr0)
    return _out(np.full(s.shape, float(lr0)), step)


def step_decay(step, lr0, drop=0.5, every=1000):
    """Step decay: lr(t) = lr0 · drop^floor(t / every).

    The rate is multiplied by ``drop`` at steps every, 2·every, ... (so at
    t = every − 1 it is still lr0 and at t = every it is lr0·drop).
    """
    s = _steps(step)
    _positive("lr0", lr0)
    _in_unit_interval("drop", drop)
    _positive("every", every)
    return _out(lr0 * drop ** np.floor(s / every), step)


def piecewise(step, boundaries, values):
    """Piecewise-constant: lr(t) = values[i] for boundaries[i-1] <= t < boundaries[i].

    That is values[0] before boundaries[0], values[1] from boundaries[0] up to
    (not including) boundaries[1], ..., values[-1] from boundaries[-1] on.
    Needs len(values) == len(boundaries) + 1 and strictly increasing
    boundaries. Example: piecewise(t, [1000, 2000], [0.1, 0.01, 0.001]).
    """
    s = _steps(step)
    b = np.asarray(boundaries, dtype=np.float64).ravel()
    v = np.asarray(values, dtype=np.float64).ravel()
    if len(v) != len(b) + 1:
        raise ValueError(f"piecewise needs one more value than boundaries "
                         f"(len(values) == len(boundaries) + 1), got {len(b)} "
                         f"boundaries and {len(v)} values")
    if np.any(np.diff(b) <= 0):
        raise ValueError(f"boundaries must be strictly increasing, got {list(b)}")
    if np.any(b < 0) or not np.all(np.isfinite(b)):
        raise ValueError(f"boundaries must be finite steps >= 0, got {list(b)}")
    for i, value in enumerate(v):
        _positive(f"values[{i}]", value)
    return _out(v[np.searchsorted(b, s, side="right")], step)


def exponential(step, lr0, decay_rate=0.1, decay_steps=1000):
    """Exponential decay: lr(t) = lr0 · decay_rate^(t / decay_steps).

    The rate shrinks smoothly by the factor ``decay_rate`` every
    ``decay_steps`` steps (Géron's exponential scheduling).
    """
    s = _steps(step)
    _positive("lr0", lr0)
    _in_unit_interval("decay_rate", decay_rate)
    _positive("decay_steps", decay_steps)
    return _out(lr0 * decay_rate ** (s / decay_steps), step)


def power(step, lr0, s=1000, c=1.0):
    """Power scheduling (Géron): lr(t) = lr0 / (1 + t/s)^c.

    After s steps the rate is lr0/2^c, after 2s steps lr0/3^c, ...: it drops
    fast at first, then more and more slowly. c = 1 is 1/t decay.
    """
    t = _steps(step)
    _positive("lr0", lr0)
    _positive("s", s)
    _positive("c", c)
    return _out(lr0 / (1.0 + t / s) ** c, step)


def cosine(step, lr0, total_steps, lr_min=0.0):
    """Cosine annealing: lr(t) = lr_min + ½(lr0 − lr_min)(1 + cos(π·min(t, T)/T)), T = total_steps.

    lr0 at t = 0, (lr0 + lr_min)/2 at t = T/2, lr_min at t = T and after.
    """
    s = _steps(step)
    _positive("lr0", lr0)
    _positive("total_steps", total_steps)
    check_number("schedule", "lr_min", lr_min)
    if not np.isfinite(lr_min) or not 0 <= lr_min <= lr0:
        raise ValueError(f"lr_min must be in [0, lr0] = [0, {lr0}], got {lr_min!r}")
    frac = np.minimum(s, total_steps) / total_steps
    return _out(lr_min + 0.5 * (lr0 - lr_min) * (1.0 + np.cos(np.pi * frac)), step)


def one_cycle(step, lr_max, total_steps, pct_start=0.3, div=25.0, final_div=1e4):
    """One-cycle policy (Smith 2018): a linear warm-up, then a cosine decay.

    With T = total_steps, T1 = pct_start·T, lr_start = lr_max/div and
    lr_end = lr_max/final_div:

    - warm-up, t <= T1 (linear up):
      lr(t) = lr_start + (lr_max − lr_start) · t/T1
    - annealing, T1 < t <= T (cosine down, as PyTorch's OneCycleLR default):
      lr(t) = lr_end + ½(lr_max − lr_end)(1 + cos(π·(t − T1)/(T − T1)))
    - t > T: lr_end.

    The peak lr_max is reached at t = pct_start·T.
    """
    s = _steps(step)
    _positive("lr_max", lr_max)
    _positive("total_steps", total_steps)
    if not np.isfinite(pct_start) or not 0 < pct_start < 1:
        raise ValueError(f"pct_start must be in (0, 1) (the fraction of total_steps "
                         f"spent warming up), got {pct_start!r}")
    if not np.isfinite(div) or div < 1:
        raise ValueError(f"div must be >= 1 (the warm-up starts at lr_max/div), got {div!r}")
    if not np.isfinite(final_div) or final_div < 1:
        raise ValueError(f"final_div must be >= 1 (the run ends at lr_max/final_div), "
                         f"got {final_div!r}")
    lr_start, lr_end = lr_max / div, lr_max / final_div
    t1 = pct_start * total_steps
    t = np.minimum(s, total_steps)
    up = lr_start + (lr_max - lr_start) * (t / t1)
    frac = (t - t1) / (total_steps - t1)
    down = lr_end + 0.5 * (lr_max - lr_end) * (1.0 + np.cos(np.pi * frac))
    return _out(np.where(t <= t1, up, down), step)


# ---------------------------------------------------------------- registry
_SCHEDULES = {f.__name__: f for f in
              (constant, step_decay, piecewise, exponential, power, cosine, one_cycle)}
_ALIASES = {"step": "step_decay", "onecycle": "one_cycle", "exp": "exponential",
            "cosine_annealing": "cosine"}


def names():
    """The canonical schedule names ``get`` accepts (aliases: :func:`aliases`)."""
    return list(_SCHEDULES)


def aliases():
    """{alias: canonical name}: step, exp, onecycle, cosine_annealing."""
    return dict(_ALIASES)


def _signature(key):
    """(every parameter, {optional parameter: default}) of the schedule ``key``."""
    sig = [p for p in inspect.signature(_SCHEDULES[key]).parameters.values() if p.name != "step"]
    return [p.name for p in sig], {p.name: p.default for p in sig if p.default is not inspect.Parameter.empty}


def defaults(name):
    """The optional parameters of ``name`` with their defaults (the others are required),
    e.g. {'lr_min': 0.0} for 'cosine'."""
    return dict(_signature(resolve("schedule", name, _SCHEDULES, _ALIASES))[1])


class Schedule:
    """A learning-rate schedule with its parameters fixed: ``lr(step)``.

    ``name``, ``params`` and ``formula`` (the first line of the schedule function's docstring)
    describe it; ``repr`` rebuilds it.
    """

    def __init__(self, name, **params):
        key = resolve("schedule", name, _SCHEDULES, _ALIASES)
        accepted, optional = _signature(key)
        required = [k for k in accepted if k not in optional]
        takes = f"{key} takes {', '.join(accepted)} (required: {', '.join(required)})"
        try:
            merge_params(f"schedule {key!r}", params, dict.fromkeys(accepted),
                         numeric=key != "piecewise")       # piecewise takes lists
        except TypeError as err:
            raise TypeError(f"{err}; {takes}") from None
        missing = [k for k in required if k not in params]
        if missing:
            raise TypeError(f"schedule {key!r} needs {', '.join(missing)}; {takes}. "
                            f"Example: {_example(key)}")
        self.name, self.params, self._fn = key, dict(params), _SCHEDULES[key]
        self.__name__ = key                       # as the function it stands for
        self.formula = self._fn.__doc__.strip().splitlines()[0]
        self._fn(0, **params)  # check the values now, not at the first training step

    def __call__(self, step):
        return self._fn(step, **self.params)

    def __repr__(self):
        return call_repr("schedules", self.name, self.params)


def get(name, **params):
    """The schedule ``name`` with the parameters fixed: a :class:`Schedule`, ``lr(step)``.

    Example: ``lr = get("cosine", lr0=0.1, total_steps=1000); lr(500)`` gives 0.05.
    The parameters are checked at once (by evaluating the schedule at step 0).
    Unknown names raise ``ValueError`` naming close matches; missing or unknown
    keywords raise ``TypeError`` listing the keywords the schedule takes. A Schedule
    passes through unchanged, or with ``params`` replaced.
    """
    if isinstance(name, Schedule):
        return Schedule(name.name, **{**name.params, **params}) if params else name
    return Schedule(name, **params)


def _example(key):
    return {
        "constant": 'get("constant", lr0=0.01)',
        "step_decay": 'get("step_decay", lr0=0.1, drop=0.5, every=1000)',
        "piecewise": 'get("piecewise", boundaries=[1000, 2000], values=[0.1, 0.01, 0.001])',
        "exponential": 'get("exponential", lr0=0.1, decay_rate=0.1, decay_steps=1000)',
        "power": 'get("power", lr0=0.1, s=1000, c=1.0)',
        "cosine": 'get("cosine", lr0=0.1, total_steps=1000)',
        "one_cycle": 'get("one_cycle", lr_max=0.1, total_steps=1000)',
    }[key]
