"""Chapter 01's experiments: per-layer gradient norms of an untrained deep net on MNIST, for
any depth, activation and weight scale g (weights N(0, (g/√n_in)²))."""
import functools

import numpy as np

from course_lib import activations, data, diagnostics, initializers
from course_lib.network import MLP


@functools.lru_cache(maxsize=4)
def _mnist_batch(size: int = 200, seed: int = 0):
    """A fixed batch of MNIST training digits (x, t), the same on every call."""
    (x_train, t_train), _ = data.load_mnist()
    rows = np.random.default_rng(seed).choice(len(x_train), size, replace=False)
    x, t = x_train[rows], t_train[rows]
    x.flags.writeable = t.flags.writeable = False
    return x, t


def scaled_init(weight_scale: float):
    """An initializer W ~ N(0, (g/√n_in)²) with g = ``weight_scale``: g = 1 is LeCun normal,
    g = √2 ≈ 1.41 is He normal; larger g makes every layer amplify its input by about g."""
    if not (np.isfinite(weight_scale) and weight_scale > 0):
        raise ValueError(f"weight_scale must be a positive number (1 = LeCun, 1.41 = He), got {weight_scale!r}")
    lecun = initializers.get("lecun_normal")

    def init(fan_in, fan_out, rng):
        return weight_scale * lecun(fan_in, fan_out, rng)

    return init


@functools.lru_cache(maxsize=256)
def _profile(depth, activation, weight_scale, width, batch, seed):
    x, t = _mnist_batch(batch, seed)
    net = MLP([784] + [width] * (depth - 1) + [10], activation=activation,
              init=scaled_init(weight_scale), seed=seed)
    with np.errstate(over="ignore", invalid="ignore"):
        return diagnostics.gradient_norms(net, x, t)


def gradient_norm_profile(depth: int = 10, activation: str = "sigmoid", weight_scale: float = 1.0,
                          width: int = 100, batch: int = 200, seed: int = 0):
    """‖∂L/∂W_l‖ for l = 1..depth: an untrained MLP with ``depth`` weight layers
    (784 → width → … → width → 10) on a fixed batch of ``batch`` MNIST digits.

    Weights W_l ~ N(0, (g/√n_in)²) with g = ``weight_scale`` (see :func:`scaled_init`),
    biases 0. Backpropagation multiplies the gradient by f'(z_l)·W_lᵀ at every layer, so
    the norms shrink towards the input when that factor is below 1 (vanishing) and grow
    when it is above 1 (exploding). Returns a new float array of length ``depth``.
    """
    if not isinstance(depth, (int, np.integer)) or depth < 2:
        raise ValueError(f"depth must be an integer >= 2 (the number of weight layers), got {depth!r}")
    activation = activations.get(activation).name
    scaled_init(weight_scale)                 # validates the scale
    return _profile(int(depth), activation, float(weight_scale), int(width), int(batch), int(seed)).copy()
