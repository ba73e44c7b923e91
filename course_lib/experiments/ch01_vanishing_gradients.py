"""Chapter 01's experiments: per-layer gradient norms of an untrained deep net on MNIST, for
any depth, activation and weight scale g (weights N(0, (g/√n_in)²))."""
import functools

import numpy as np

from course_lib import activations, data, diagnostics, initializers
from course_lib.i18n import N_, gettext as _
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
        raise ValueError(_("weight_scale must be a positive number (1 = LeCun, 1.41 = He), got "
                           "{weight_scale!r}").format(weight_scale=weight_scale))
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
        raise ValueError(_("depth must be an integer >= 2 (the number of weight layers), got {depth!r}").format(
                             depth=depth))
    activation = activations.get(activation).name
    scaled_init(weight_scale)                 # validates the scale
    return _profile(int(depth), activation, float(weight_scale), int(width), int(batch), int(seed)).copy()


def mean_slopes(net, x, t):
    """The mean slope f'(z) of each hidden layer's units on the batch (x, t): (1/(N·n)) Σ f'(z_l),
    with z_l the layer's pre-activations; the factor backpropagation multiplies by besides Wᵀ."""
    _, _, records = net.recorded_pass(x, t)
    return np.array([float(np.mean(net.activation.derivative(rec["pre"]))) for rec in records])


def pre_activation_std(net, x, t):
    """The std of each hidden layer's pre-activations z_l = a_{l−1}W_l + b_l on the batch (x, t):
    small z (|z| ≪ 1) means sigmoid units near the middle, where σ'(z) ≈ ¼."""
    _, _, records = net.recorded_pass(x, t)
    return np.array([float(np.std(rec["pre"])) for rec in records])


def skip_gradient_norms(depth: int = 10, activation: str = "sigmoid", init: str = "lecun_normal",
                        width: int = 100, batch: int = 200, seed: int = 0):
    """‖∂L/∂W_l‖ per layer of the same untrained network, plain and with skip connections
    a_l = a_{l−1} + F_l(a_{l−1}) (:class:`course_lib.network.ResidualMLP`), on a fixed MNIST batch.

    Returns {"plain": norms, "with skips": norms}, each a float array of length ``depth``.
    """
    from course_lib.network import ResidualMLP
    if not isinstance(depth, (int, np.integer)) or depth < 3:
        raise ValueError(_("depth must be an integer >= 3 (skips need two hidden layers), got {depth!r}").format(
                             depth=depth))
    x, t = _mnist_batch(batch, seed)
    sizes = [784] + [width] * (depth - 1) + [10]
    return {label: diagnostics.gradient_norms(ResidualMLP(sizes, activation=activation, init=init,
                                                          residual=res, seed=seed), x, t)
            for label, res in ((N_("plain"), False), (N_("with skips"), True))}


def clip_by_value(grads, c: float):
    """Every entry clipped to [−c, c]: g_i ← max(−c, min(c, g_i)) (Keras ``clipvalue``,
    ``torch.nn.utils.clip_grad_value_``). Returns a new dict; the direction may change."""
    if not (np.isfinite(c) and c > 0):
        raise ValueError(_("c must be a positive number (the largest entry kept), got {c!r}").format(c=c))
    return {k: np.clip(g, -c, c) for k, g in grads.items()}


def clip_by_norm(grads, c: float):
    """g ← g·min(1, c/‖g‖), ‖g‖ over all arrays together (Keras ``global_clipnorm``,
    ``torch.nn.utils.clip_grad_norm_``). Returns a new dict; the direction is kept."""
    if not (np.isfinite(c) and c > 0):
        raise ValueError(_("c must be a positive number (the largest norm kept), got {c!r}").format(c=c))
    norm = float(np.sqrt(sum(np.sum(np.asarray(g, np.float64) ** 2) for g in grads.values())))
    scale = min(1.0, c / norm) if norm > 0 else 1.0
    return {k: g * scale for k, g in grads.items()}


def direction_kept(grads, clipped):
    """Cosine between the whole gradient and its clipped version: g·g' / (‖g‖ ‖g'‖) (1 = same direction)."""
    a = np.concatenate([np.ravel(grads[k]).astype(np.float64) for k in grads])
    b = np.concatenate([np.ravel(clipped[k]).astype(np.float64) for k in grads])
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
