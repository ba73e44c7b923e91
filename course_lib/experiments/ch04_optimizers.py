"""Chapter 04's experiments: optimizer paths for the playground, the effective step sizes of
the adaptive methods, the race of exercise 04-first-to-reach, and mini-batches.

Mini-batches (미니배치): the loss over the whole training set while training on
batches of any size, and the noise of a mini-batch gradient.

Layer 2 (models and data). ``net`` is any object with ``loss(x, t)``,
``loss_and_gradient(x, t) -> (loss, grads)`` and a ``params`` dict, such as
``course_lib.network.MLP``::

    from course_lib import optimizers
    from course_lib.experiments import ch04_optimizers as experiment
    run = experiment.loss_curve(net, optimizers.get("sgd", lr=0.1), x, t, batch_size=1, steps=500)
    run["step"], run["loss"], run["time"]     # full-data loss E every eval_every steps
    experiment.gradient_noise(net, x, t, [1, 4, 16, 64])

The loss is the cross-entropy of the notes over all N examples,
E = −(1/N) Σ_n Σ_k t_nk log y_nk; a mini-batch of B examples estimates it (and
its gradient) from B of the N terms.
"""
import functools
import time
import warnings

import numpy as np

from course_lib import optimizers, surfaces, training
from course_lib._validate import positive_int
from course_lib.i18n import gettext as _

__all__ = ["loss_curve", "gradient_noise", "fit_power_law", "decay_comparison"]


def _check(x, t, batch_size, name="batch_size"):
    if len(x) != len(t):
        raise ValueError(_("x has {rows} rows but t has {labels} labels").format(rows=len(x), labels=len(t)))
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
            or not 1 <= batch_size <= len(x):
        raise ValueError(_("{name} must be an integer from 1 to len(x) = {n} (len(x) is the full batch), got "
                           "{batch_size!r}").format(name=name, n=len(x), batch_size=batch_size))


def loss_curve(net, optimizer, x, t, batch_size, steps, eval_every=10, seed=0):
    """Train ``net`` for ``steps`` updates on mini-batches of ``batch_size`` rows of (x, t)
    and record the loss E over *all* of x every ``eval_every`` steps.

    batch_size = len(x) is full-batch gradient descent, 1 is single-sample SGD.
    Batches come from a seeded shuffle (``training.minibatches``), a new one every epoch (every
    len(x) // batch_size steps). Returns a dict of arrays:

    - ``step``: 0, eval_every, 2·eval_every, ..., steps (updates done);
    - ``loss``: E over all of (x, t) after that many updates;
    - ``time``: seconds spent *training* up to that step (the evaluations are
      not counted), so runs compare by wall time. Times vary from run to run.
    """
    _check(x, t, batch_size)
    steps, eval_every = positive_int("steps", steps), positive_int("eval_every", eval_every)
    batches = training.minibatches(len(x), batch_size, steps, np.random.default_rng(seed),
                                   shuffle_full_batch=False)
    record = {"step": [0], "loss": [float(net.loss(x, t))], "time": [0.0]}
    spent = 0.0
    for step in range(steps):
        start = time.perf_counter()
        idx = next(batches)
        _, grads = net.loss_and_gradient(x[idx], t[idx])
        optimizer.update(net.params, grads)
        spent += time.perf_counter() - start
        if (step + 1) % eval_every == 0 or step + 1 == steps:
            record["step"].append(step + 1)
            record["loss"].append(float(net.loss(x, t)))
            record["time"].append(spent)
    return {k: np.asarray(v) for k, v in record.items()}


def _flat(grads, keys):
    return np.concatenate([np.asarray(grads[k], dtype=np.float64).ravel() for k in keys])


def gradient_noise(net, x, t, batch_sizes, repeats=20, seed=0):
    """How far a mini-batch gradient lies from the full gradient, for each batch size B.

    With g the gradient of E over all N rows and g_B the gradient over B rows
    drawn at random without replacement, returns the root-mean-square
    distance over ``repeats`` draws,

        noise(B) = √( mean_r ‖g_B⁽ʳ⁾ − g‖² ),

    one float per B (an array). Theory: noise(B)² = tr(Σ)/B · (N − B)/(N − 1),
    with Σ the covariance of the per-example gradients, so noise ∝ 1/√B while
    B ≪ N. The network is not changed.
    """
    given = list(np.atleast_1d(batch_sizes))
    if not given:
        raise ValueError(_("batch_sizes is empty: give e.g. [1, 4, 16, 64]"))
    if any(isinstance(b, (bool, np.bool_)) or not float(b).is_integer() for b in given):
        raise ValueError(_("batch sizes must be whole numbers, got {given}").format(given=given))
    sizes = [int(b) for b in given]
    for b in sizes:
        _check(x, t, b, name="every batch size")
    repeats = positive_int("repeats", repeats)
    keys = sorted(net.params)
    full = _flat(net.loss_and_gradient(x, t)[1], keys)
    rng = np.random.default_rng(seed)
    out = []
    for b in sizes:
        sq = [np.sum((_flat(net.loss_and_gradient(x[idx], t[idx])[1], keys) - full) ** 2)
              for idx in (rng.choice(len(x), size=b, replace=False) for _ in range(repeats))]
        out.append(float(np.sqrt(np.mean(sq))))
    return np.asarray(out)


def fit_power_law(x, y):
    """Least-squares line through (log x, log y): returns (slope, prefactor) of y ≈ prefactor · x^slope."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape or x.ndim != 1 or x.size < 2:
        raise ValueError(_("x and y must be 1-D of the same length >= 2, got shapes {x_shape} and "
                           "{y_shape}").format(x_shape=x.shape, y_shape=y.shape))
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError(_("a power law needs x > 0 and y > 0 (it is fitted on log scales)"))
    slope, intercept = np.polyfit(np.log(x), np.log(y), 1)
    return float(slope), float(np.exp(intercept))


# ---------------------------------------------------------------- the playground's paths

PLAYGROUND_DEFAULT = ("sgd", "momentum", "adagrad", "adam")


def _playground_kwargs(name: str, lr: float, beta: float) -> dict:
    """Hyperparameters of one method in the playground: η = lr (AdaDelta: η = 1),
    momentum = β (Momentum, Nesterov) or β₁ = β (Adam, Nadam, AdamW); the rest at defaults."""
    if name == "adadelta":
        return {}
    kwargs = {"lr": float(lr)}
    if name in ("momentum", "nesterov"):
        kwargs["momentum"] = float(beta)
    elif name in ("adam", "nadam", "adamw"):
        kwargs["beta1"] = float(beta)
    return kwargs


@functools.lru_cache(maxsize=1024)
def _playground_path(name: str, surface: str, start: tuple, lr: float, beta: float, steps: int):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)        # a diverging path stops early
        path = surfaces.trajectory(name, surface, start=start, steps=steps,
                                   opt_kwargs=_playground_kwargs(name, lr, beta))
    path.setflags(write=False)                                 # shared by the cache
    return path


def playground_paths(surface="dlfs", start=None, names=PLAYGROUND_DEFAULT, lr: float = 0.1,
                     beta: float = 0.9, steps: int = 100) -> dict:
    """{name: path} for each optimizer in ``names`` on ``surface`` from ``start``.

    Every method gets the learning rate ``lr`` except AdaDelta (η = 1, as in its
    paper); ``beta`` is the momentum of Momentum/Nesterov and β₁ of Adam, Nadam
    and AdamW; the other hyperparameters keep their defaults. ``start`` defaults
    to the surface's start. A path that diverges stops early (it has fewer than
    steps + 1 rows). Paths are cached: the same settings cost nothing the second time.
    """
    s = surfaces.get(surface)
    start = tuple(float(v) for v in (s.start if start is None else start))
    names = (names,) if isinstance(names, str) else tuple(names)
    for name in names:
        if name not in optimizers.names():
            raise ValueError(_("unknown optimizer {name!r}; choose from {names}").format(
                                 name=name, names=optimizers.names()))
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(_("lr must be a positive number, got {lr!r}").format(lr=lr))
    if not 0 <= beta < 1:
        raise ValueError(_("beta (momentum / β₁) must be in [0, 1), got {beta!r}").format(beta=beta))
    if isinstance(steps, bool) or int(steps) != steps or steps < 1:
        raise ValueError(_("steps must be a positive integer, got {steps!r}").format(steps=steps))
    return {name: _playground_path(name, s.name, start, float(lr), float(beta), int(steps))
            for name in names}



# ---------------------------------------------------------------- adaptive step sizes

ADAPTIVE = ("adagrad", "rmsprop", "adam")


def effective_step_sizes(name: str, surface="dlfs", lr: float = 0.1, decay: float = 0.9,
                         steps: int = 100, start=None):
    """The per-coordinate effective learning rate of an adaptive method along its path.

    After update k (k = 1..steps) the method moves coordinate i by η_eff,i times
    its gradient (AdaGrad, RMSProp) or its first moment m̂ (Adam), with

        AdaGrad  η_eff = η / (√h + ε),  h = Σ g²                  (decay unused)
        RMSProp  η_eff = η / (√h + ε),  h ← ρh + (1 − ρ)g²,       ρ = decay
        Adam     η_eff = η / (√v̂ + ε),  v̂ = v/(1 − β₂ᵏ),          β₂ = decay

    Returns (k, eff): k = 1..steps and eff of shape (steps, 2), columns x and y.
    """
    if name not in ADAPTIVE:
        raise ValueError(_("effective_step_sizes takes one of {names}, got {name!r}").format(
                             names=ADAPTIVE, name=name))
    if not 0 < decay < 1:
        raise ValueError(_("decay (ρ or β₂) must be in (0, 1), got {decay!r}").format(decay=decay))
    s = surfaces.get(surface)
    kwargs = {"lr": float(lr), **({"rho": decay} if name == "rmsprop" else
                                  {"beta2": decay} if name == "adam" else {})}
    opt = optimizers.get(name, **kwargs)
    params = {"xy": np.array(s.start if start is None else start, dtype=np.float64)}
    eff = np.empty((int(steps), 2))
    for k in range(int(steps)):
        g = np.array(s.grad(*params["xy"]), dtype=np.float64)
        opt.update(params, {"xy": g})
        state = opt.state["xy"]
        h = state["v"] / (1 - opt.beta2 ** opt.t) if name == "adam" else state["h"]
        eff[k] = opt.lr / (np.sqrt(h) + opt.eps)
    return np.arange(1, int(steps) + 1), eff



# ---------------------------------------------------------------- the race of exercise 04-first-to-reach

#: The race of exercise 04-first-to-reach (the notebook shows the same settings).
RACE_04 = {"surface": "ill_conditioned", "steps": 300, "tol": 0.1,
           "optimizers": {"sgd": {"lr": 0.05}, "momentum": {"lr": 0.05, "momentum": 0.9},
                          "nesterov": {"lr": 0.05, "momentum": 0.9}, "adam": {"lr": 0.05}}}



# ---------------------------------------------------------------- Adam + L2 against AdamW

def decay_comparison(x, t, x_test, t_test, weight_decay=0.1, lr=1e-3, steps=300, batch_size=128, seed=0,
                     hidden=100):
    """Adam without decay, Adam + L2 (coupled: g ← g + λW, then Adam) and AdamW (decoupled:
    W ← W − η(m̂/(√v̂ + ε) + λW)), the same λ, network and batches.

    The *silent* weights are the rows of W1 for input pixels that are 0 in every training
    image: their data gradient is always 0. With L2 inside Adam their whole gradient is λW,
    and Adam divides it by its own size, √v̂ ≈ λ|W|: they move by ≈ η a step towards 0,
    whatever λ is. AdamW shrinks every weight by the same factor (1 − ηλ) a step.

    Returns {run: {"test_acc", "silent_shrink", "other_shrink"}} with the shrinks
    ‖W1[rows]‖_final / ‖W1[rows]‖_initial, and "adamw_factor" = (1 − ηλ)^steps.
    """
    from course_lib.network import MLP
    from course_lib.training import train
    if weight_decay <= 0:
        raise ValueError(_("weight_decay (λ) must be > 0 to compare the two ways of decaying, got "
                           "{weight_decay!r}").format(weight_decay=weight_decay))
    silent = ~np.any(np.asarray(x) != 0, axis=0)
    if not silent.any():
        raise ValueError(_("no input column is 0 in every row of x: there are no silent weights to follow"))
    runs = {"Adam": optimizers.get("adam", lr=lr),
            "Adam + L2": optimizers.get("adam", lr=lr, weight_decay=weight_decay),
            "AdamW": optimizers.get("adamw", lr=lr, weight_decay=weight_decay)}
    out = {}
    for label, opt in runs.items():
        net = MLP([x.shape[1], hidden, 10], seed=seed)
        W0 = net.params["W1"].copy()
        hist = train(net, opt, x, t, x_test, t_test, steps=steps, batch_size=batch_size, seed=seed,
                     eval_every=steps, progress=False)
        W = net.params["W1"]
        out[label] = {"test_acc": float(hist["test_acc"][-1]),
                      "silent_shrink": float(np.linalg.norm(W[silent]) / np.linalg.norm(W0[silent])),
                      "other_shrink": float(np.linalg.norm(W[~silent]) / np.linalg.norm(W0[~silent]))}
    out["adamw_factor"] = float((1 - lr * weight_decay) ** steps)
    out["silent_inputs"] = int(silent.sum())
    return out
