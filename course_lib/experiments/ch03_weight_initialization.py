"""Chapter 03's experiments: the activations of a deep net at initialisation, layer by layer,
for the initialisations of the notes (and their two wrong formulas)."""
import functools

import numpy as np

from course_lib import diagnostics, initializers, optimizers
from course_lib._validate import positive_int
from course_lib.i18n import N_, gettext as _


#: The explorer's initialisations: label -> an initializer name, or a function n -> std of a normal
#: (n = width = fan_in = fan_out). The two "✘" entries are the wrong formulas of the notes.
#: The labels are the values code looks up; the explorer shows their translation, _(label).
INIT_CHOICES = {
    N_("std 1"): lambda n: 1.0,
    N_("std 0.01"): lambda n: 0.01,
    N_("LeCun: 1/√n_in"): "lecun_normal",
    N_("Xavier/Glorot: √(2/(n_in+n_out))"): "glorot_normal",
    N_("He: √(2/n_in)"): "he_normal",
    N_("✘ He as in the notes: 2/√n"): lambda n: 2.0 / np.sqrt(n),
    N_("✘ Glorot as in the notes: √(3/(n_in+n_out))"): lambda n: np.sqrt(3.0 / (2 * n)),
}


def init_weight_std(init: str, width: int = 100) -> float:
    """The std of the weights that the explorer's ``init`` label draws for a width×width layer."""
    if init not in INIT_CHOICES:
        raise ValueError(_("unknown initialisation {init!r}; choose one of {names}").format(
                             init=init, names=list(INIT_CHOICES)))
    choice = INIT_CHOICES[init]
    if callable(choice):
        return float(choice(width))
    return initializers.std(choice, width, width)


@functools.lru_cache(maxsize=64)
def init_activations(activation: str = "sigmoid", init: str = "std 1", depth: int = 5,
                     width: int = 100, n: int = 1000, seed: int = 0):
    """The forward experiment of *Deep Learning from Scratch* §6.2 for one explorer setting:
    x ~ N(0, 1) of shape (n, width) through ``depth`` layers a_l = f(a_{l−1} W_l), W_l drawn
    as ``init`` (a label of INIT_CHOICES) says.  Returns (activations a_1..a_depth as a tuple of
    read-only arrays, per-layer means, per-layer stds)."""
    depth = positive_int("depth", depth, " (number of layers)")
    if init not in INIT_CHOICES:
        raise ValueError(_("unknown initialisation {init!r}; choose one of {names}").format(
                             init=init, names=list(INIT_CHOICES)))
    choice = INIT_CHOICES[init]
    spec = init_weight_std(init, width) if callable(choice) else choice
    with np.errstate(over="ignore", invalid="ignore"):   # ReLU with std 1 reaches ~1e16 by layer 20
        layers = diagnostics.forward_activations(activation, spec, depth=int(depth), width=width,
                                                 n=n, seed=seed)
        means = np.array([float(a.mean(dtype=np.float64)) for a in layers])
        stds = np.array([float(a.std(dtype=np.float64)) for a in layers])
    for a in layers:
        a.setflags(write=False)            # cached: nobody may change them
    return tuple(layers), means, stds


def shown_layers(depth: int, panels: int = 5):
    """The (at most ``panels``) layers the explorer draws: evenly spaced, first and last included."""
    return sorted(set(np.round(np.linspace(1, depth, min(depth, panels))).astype(int).tolist()))


# ---------------------------------------------------------------- symmetry, biases, gains, fan modes

#: The symmetry experiment's starting points (2-16-16-2 tanh net): every weight equal, only the
#: first layer equal (the outgoing weights random), all random (Xavier); and random weights with
#: random instead of zero biases.
SYMMETRY_CASES = (N_("all weights 0.5"), N_("only W1 equal"), N_("random (Xavier)"), N_("random W, random b"))


def symmetry_run(case, x, t, steps=2000, lr=0.1, batch_size=30, seed=0):
    """Train a 2-16-16-2 tanh net from one of SYMMETRY_CASES with SGD; return (net, stats).

    Two hidden units j, k stay identical iff their incoming columns W_{:,j} = W_{:,k} *and*
    their outgoing rows are equal: ∂L/∂W_{:,j} = a_prevᵀ δ_j with δ_j = f′(z_j) (δ_next W_nextᵀ)_j,
    so different outgoing weights give different δ and the columns drift apart.
    stats: ``W1_diff``, ``W2_diff`` (largest difference between a column and the first column),
    ``column_diff`` (the larger of the two), ``moved`` (largest change of W1), ``b1_spread``
    (max − min of b1 after training) and ``accuracy`` on (x, t).
    """
    from course_lib.network import MLP
    from course_lib.training import train
    if case not in SYMMETRY_CASES:
        raise ValueError(_("unknown case {case!r}; choose one of {names}").format(
                             case=case, names=SYMMETRY_CASES))
    net = MLP([2, 16, 16, 2], activation="tanh", init="glorot_normal", seed=seed)
    if case == "all weights 0.5":
        for key in ("W1", "W2", "W3"):
            net.params[key][...] = 0.5
    elif case == "only W1 equal":
        net.params["W1"][...] = 0.5
    elif case == "random W, random b":
        rng = np.random.default_rng(seed + 1)
        for key in ("b1", "b2", "b3"):
            net.params[key][...] = rng.normal(0.0, 0.5, net.params[key].shape)
    W1_start = net.params["W1"].copy()
    train(net, optimizers.get("sgd", lr=lr), x, t, steps=steps, batch_size=batch_size, seed=seed, progress=False)
    d1, d2 = (float(np.abs(net.params[k] - net.params[k][:, :1]).max()) for k in ("W1", "W2"))
    return net, {"W1_diff": d1, "W2_diff": d2, "column_diff": max(d1, d2),
                 "moved": float(np.abs(net.params["W1"] - W1_start).max()),
                 "b1_spread": float(np.ptp(net.params["b1"])), "accuracy": float(net.accuracy(x, t))}


def scaled_normal(base, gain):
    """An initializer drawing N(0, (gain · std_base)²), std_base the std of the initializer ``base``:
    e.g. scaled_normal("glorot_normal", 5/3) is PyTorch's xavier_normal_(gain=calculate_gain('tanh'))."""
    if not gain > 0:
        raise ValueError(_("gain must be > 0, got {gain!r}").format(gain=gain))

    def init(fan_in, fan_out, rng):
        return rng.standard_normal((fan_in, fan_out)) * gain * initializers.std(base, fan_in, fan_out)
    return init


def he_normal_fan_out(fan_in, fan_out, rng):
    """He normal in fan-out mode (PyTorch's kaiming_normal_(mode="fan_out")): std √(2/n_out),
    which keeps the variance of the *backward* signal ∂L/∂a from layer to layer."""
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_out)


def signal_and_gradient(activation, init, sizes=(100, 100, 100, 100, 100, 100, 10), n=1000, seed=0):
    """Forward and backward signal of an untrained net on x ~ N(0, 1) with random labels.

    Returns per hidden layer ``act_std`` (std of the activations a_l) and ``grad_std`` (std of
    ∂L/∂a_l, the backward signal), and ``grad_ratio`` = std(∂L/∂a_1) / std(∂L/∂a_last): the share
    of the backward signal of the last hidden layer that reaches the first (below 1: it
    vanishes on the way back, above 1: it grows).
    """
    from course_lib.network import MLP
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, sizes[0])).astype(np.float32)
    t = rng.integers(0, sizes[-1], n)
    net = MLP(list(sizes), activation=activation, init=init, seed=seed)
    stats = diagnostics.layer_stats(net, x, t)
    grad_std = np.array([s["grad_act_std"] for s in stats])
    return {"act_std": np.array([s["act_std"] for s in stats]), "grad_std": grad_std,
            "grad_ratio": float(grad_std[0] / grad_std[-1])}
