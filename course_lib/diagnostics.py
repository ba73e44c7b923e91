"""What is going on inside a network, layer by layer.

    layer_stats(net, x, t, lr=0.01)   # per hidden layer: activation mean/std, % saturated,
                                      # % dead, ‖∂L/∂W‖, update:weight ratio
    forward_activations(...)          # the histogram experiment of *Deep Learning from Scratch* 6.2
    dead_fraction(net, x)             # share of ReLU units that output 0 for every input

The statistics come from one recorded training-mode pass (``MLP.recorded_pass``),
which changes nothing in the network.
"""
import numpy as np

from . import activations, initializers
from ._validate import optional, positive_float, positive_int
from .i18n import gettext as _

__all__ = ["layer_stats", "forward_activations", "dead_fraction", "saturated_fraction", "gradient_norms"]

# An activation counts as saturated where its derivative is under a fifth of its peak:
# sigmoid outside (0.05, 0.95) (σ' < 0.0475 ≤ ¼/5), tanh with |a| ≥ 0.95 (tanh' < 0.0975 ≤ 1/5).
SATURATION = {"sigmoid": lambda a: (a <= 0.05) | (a >= 0.95), "tanh": lambda a: np.abs(a) >= 0.95}
# Activations whose units can die (output 0 with zero gradient for every input).
DYING = ("relu", "threshold_relu")


def _act_name(act):
    return act if isinstance(act, str) else act.name


def saturated_fraction(a, activation):
    """Share of activation values in the flat tails (sigmoid: a ≤ 0.05 or a ≥ 0.95;
    tanh: |a| ≥ 0.95); None for activations that do not saturate on both sides."""
    rule = SATURATION.get(_act_name(activation))
    return None if rule is None else float(np.mean(rule(np.asarray(a))))


def _dead(a, activation):
    """Share of units (columns) that are 0 for every row: a dead ReLU unit never learns again."""
    if _act_name(activation) not in DYING:
        return None
    return float(np.mean(np.all(np.asarray(a) == 0, axis=0)))


def layer_stats(net, x, t, lr=None):
    """One dict per hidden layer l = 1..L:

    act_mean, act_std   mean and std of the activations a_l
    saturated           share of a_l in the flat tails (sigmoid/tanh), else None
    dead                share of units with a_l = 0 for the whole batch (ReLU), else None
    grad_norm           ‖∂L/∂W_l‖ (Frobenius norm)
    grad_act_std        std of ∂L/∂a_l, the gradient flowing back into layer l
    update_ratio        ‖η ∂L/∂W_l‖ / ‖W_l‖ — the SGD step relative to the weights
                        (≈ 1e-3 is healthy; ≫ 1e-2 too fast, ≪ 1e-4 too slow); None if lr is None
    """
    lr = optional(positive_float, "lr", lr, _(" (the learning rate of the update:weight ratio, or None)"))
    _loss, grads, records = net.recorded_pass(x, t)
    stats = []
    for l, rec in enumerate(records, start=1):
        W = net.params[f"W{l}"]
        g = grads[f"W{l}"]
        a = rec["act"]
        stats.append({
            "layer": l,
            "act_mean": float(a.mean()), "act_std": float(a.std()),
            "saturated": saturated_fraction(a, net.activation),
            "dead": _dead(a, net.activation),
            "grad_norm": float(np.linalg.norm(g)),
            "grad_act_std": float(rec["grad_act"].std()),
            "update_ratio": None if lr is None else float(lr * np.linalg.norm(g) / np.linalg.norm(W)),
        })
    return stats


def gradient_norms(net, x, t):
    """‖∂L/∂W_l‖ for every layer l = 1..L (including the output layer), as an array."""
    _, grads, _ = net.recorded_pass(x, t)
    return np.array([np.linalg.norm(grads[f"W{l}"]) for l in range(1, len(net.sizes))])


def dead_fraction(net, x, batch_size=2000):
    """Per hidden layer, the share of ReLU units whose output is 0 for every row of ``x``
    (inference mode).  A dead unit has zero gradient for every input, so it stays dead."""
    if _act_name(net.activation) not in DYING:
        raise ValueError(_("dead units are defined for ReLU-like activations {names}, not {name!r}").format(
            names=DYING, name=_act_name(net.activation)))
    batch_size = positive_int("batch_size", batch_size)
    if len(x) == 0:
        raise ValueError(_("x is empty: dead units are counted over at least one input row"))
    was = net.recording
    net.recording = True
    alive = None
    try:
        for i in range(0, len(x), batch_size):
            net.predict(x[i:i + batch_size])
            batch = [np.any(rec["act"] != 0, axis=0) for rec in net.records]
            alive = batch if alive is None else [a | b for a, b in zip(alive, batch)]
    finally:
        net.recording = was
    return np.array([1 - float(a.mean()) for a in alive])


def forward_activations(activation="sigmoid", init="normal", depth=5, width=100, n=1000, seed=0, **init_params):
    """The experiment of *Deep Learning from Scratch* §6.2: x ~ N(0, 1) of shape (n, width)
    through ``depth`` layers a_l = f(a_{l−1} W_l) (no bias, no training), W_l from ``init``
    (a name, or a number = std of a normal).  Returns the list [a_1, ..., a_depth]."""
    depth, width, n = (positive_int(k, v) for k, v in (("depth", depth), ("width", width), ("n", n)))
    act = activations.get(activation)
    make = initializers.get(init, **init_params)          # a number: the std of a normal
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n, width)).astype(np.float32)
    out = []
    for _layer in range(depth):
        a = act(a @ make(width, width, rng))
        out.append(a)
    return out

