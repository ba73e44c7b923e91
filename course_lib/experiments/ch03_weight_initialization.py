"""Chapter 03's experiments: the activations of a deep net at initialisation, layer by layer,
for the initialisations of the notes (and their two wrong formulas)."""
import functools

import numpy as np

from course_lib import diagnostics, initializers


#: The explorer's initialisations: label -> an initializer name, or a function n -> std of a normal
#: (n = width = fan_in = fan_out). The two "✘" entries are the wrong formulas of the notes.
INIT_CHOICES = {
    "std 1": lambda n: 1.0,
    "std 0.01": lambda n: 0.01,
    "LeCun: 1/√n_in": "lecun_normal",
    "Xavier/Glorot: √(2/(n_in+n_out))": "glorot_normal",
    "He: √(2/n_in)": "he_normal",
    "✘ He as in the notes: 2/√n": lambda n: 2.0 / np.sqrt(n),
    "✘ Glorot as in the notes: √(3/(n_in+n_out))": lambda n: np.sqrt(3.0 / (2 * n)),
}


def init_weight_std(init: str, width: int = 100) -> float:
    """The std of the weights that the explorer's ``init`` label draws for a width×width layer."""
    if init not in INIT_CHOICES:
        raise ValueError(f"unknown initialisation {init!r}; choose one of {list(INIT_CHOICES)}")
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
    if not isinstance(depth, (int, np.integer)) or depth < 1:
        raise ValueError(f"depth must be a positive integer (number of layers), got {depth!r}")
    if init not in INIT_CHOICES:
        raise ValueError(f"unknown initialisation {init!r}; choose one of {list(INIT_CHOICES)}")
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
