"""Layers with a forward and a backward pass (the computational-graph style of
*Deep Learning from Scratch*, chapter 5), in float32 unless asked otherwise.

Every layer has ``forward(x, train)`` and ``backward(dy) -> dx``. Layers with
parameters read them from a dict they share with the network (``params``),
so assigning ``net.params["W1"] = ...`` is seen at once, and write their
gradients into a dict ``grads`` under the same keys.
"""
import numpy as np

from . import activations
from ._validate import is_number

__all__ = ["Dense", "Activation", "BatchNorm", "Dropout", "RReLU", "PReLU", "SoftmaxCrossEntropy",
           "softmax", "LayerNorm", "fold_batchnorm"]


def _check_input(layer, x, features):
    """``x`` as an array of shape (batch, features), or a ValueError naming the layer and both shapes."""
    x = np.asarray(x)
    if x.ndim != 2 or x.shape[1] != features:
        raise ValueError(f"{layer.name} expects input of shape (batch, {features}), got shape {x.shape}; "
                         f"check the layer sizes and that images are flattened to rows")
    return x


class Dense:
    """Affine layer  y = x W + b.

    Backward:  ∂L/∂W = xᵀ·dy,  ∂L/∂b = Σ_batch dy,  ∂L/∂x = dy·Wᵀ
    (the last one is skipped when ``need_dx`` is False: nobody needs the
    gradient with respect to the input images).
    """

    def __init__(self, params, grads, index):
        self.params, self.grads = params, grads
        self.index = index
        self.w, self.b = f"W{index}", f"b{index}"
        self.need_dx = True

    @property
    def name(self):
        """'Dense layer 1 (W1 of shape (784, 100))', with the shape W has now."""
        return f"Dense layer {self.index} ({self.w} of shape {np.shape(self.params[self.w])})"

    def forward(self, x, train=False):
        W = self.params[self.w]
        x = _check_input(self, x, W.shape[0])
        self.x = x
        y = x @ W
        y += self.params[self.b]
        return y

    def backward(self, dy):
        np.matmul(self.x.T, dy, out=self.grads[self.w])
        np.sum(dy, axis=0, out=self.grads[self.b])
        return dy @ self.params[self.w].T if self.need_dx else None


class Activation:
    """Elementwise activation  y = f(z);  backward  ∂L/∂z = ∂L/∂y ⊙ f'(z)."""

    def __init__(self, act):
        self.act = activations.get(act)
        self.name = f"activation {self.act.name}"
        self._relu = self.act.name == "relu"

    def forward(self, z, train=False):
        self.z = z
        return np.maximum(z, 0) if self._relu else self.act(z)

    def backward(self, dy):
        if self._relu:
            return dy * (self.z > 0)
        return dy * self.act.derivative(self.z)


class BatchNorm:
    """Batch normalisation (배치 정규화), Ioffe & Szegedy 2015, over the batch axis.

    Training:   μ = mean_B(x),  σ² = var_B(x) (biased),  x̂ = (x − μ)/√(σ² + ε),
                y = γ x̂ + β;   running_mean ← m·running_mean + (1 − m)·μ (same for σ²),
                with momentum m = 0.9 (as *Deep Learning from Scratch*; PyTorch's
                ``momentum=0.1`` means the same thing, 1 − m) and ε = 1e-5.
    Inference:  x̂ uses running_mean and running_var instead of the batch's.
    Backward in training mode (N = batch size, g = ∂L/∂x̂ = γ·dy; in inference mode
    simply ∂L/∂x = g/√(running_var + ε)):
                ∂L/∂x = (N·g − Σg − x̂·Σ(g x̂)) / (N·√(σ² + ε)),
                ∂L/∂γ = Σ dy·x̂,  ∂L/∂β = Σ dy.
    """

    def __init__(self, params, grads, index, momentum=0.9, eps=1e-5):
        if not is_number(momentum) or not 0 <= momentum < 1:
            raise ValueError(f"batch-norm momentum must be a number in [0, 1) (e.g. 0.9), got {momentum!r}")
        self.params, self.grads = params, grads
        self.g, self.b = f"gamma{index}", f"beta{index}"
        self.name = f"BatchNorm layer {index}"
        self.momentum, self.eps = momentum, eps
        n = params[self.g].shape[0]
        dtype = params[self.g].dtype
        self.running_mean = np.zeros(n, dtype)
        self.running_var = np.ones(n, dtype)

    def forward(self, x, train=False):
        x = _check_input(self, x, self.params[self.g].shape[0])
        if train:
            if x.shape[0] < 2:
                raise ValueError(f"{self.name}: training mode needs a batch of at least 2 rows to "
                                 f"estimate a mean and variance, got {x.shape[0]}; use train=False "
                                 f"for single examples")
            mu = x.mean(axis=0)
            xc = x - mu
            var = np.mean(xc * xc, axis=0)
            m = self.momentum
            self.running_mean = m * self.running_mean + (1 - m) * mu
            self.running_var = m * self.running_var + (1 - m) * var
        else:
            mu, var = self.running_mean, self.running_var
            xc = x - mu
        self.train = train
        self.inv_std = 1 / np.sqrt(var + self.eps)
        self.xhat = xc * self.inv_std
        return self.params[self.g] * self.xhat + self.params[self.b]

    def backward(self, dy):
        xhat = self.xhat
        np.sum(dy * xhat, axis=0, out=self.grads[self.g])
        np.sum(dy, axis=0, out=self.grads[self.b])
        g = dy * self.params[self.g]
        if not self.train:                  # fixed statistics: an affine map per unit
            return g * self.inv_std
        n = dy.shape[0]
        return (n * g - g.sum(axis=0) - xhat * np.sum(g * xhat, axis=0)) * (self.inv_std / n)



class LayerNorm:
    """Layer normalisation (층 정규화), Ba, Kiros & Hinton 2016: batch normalisation's formula
    taken over the units of each example (axis 1) instead of over the batch (axis 0).

    For each row x (D units):  μ = mean(x),  σ² = mean((x − μ)²) (biased),
                x̂ = (x − μ)/√(σ² + ε),  y = γ x̂ + β   (γ, β: one value per unit; ε = 1e-5).
    No running averages: training and inference compute the same thing, and a row's output
    does not depend on the other rows of the batch (a batch of one is fine).
    Backward (per row, g = ∂L/∂x̂ = γ·dy, sums over the D units of the row):
                ∂L/∂x = (D·g − Σg − x̂·Σ(g x̂)) / (D·√(σ² + ε)),
                ∂L/∂γ = Σ_batch dy·x̂,  ∂L/∂β = Σ_batch dy.
    """

    def __init__(self, params, grads, index, eps=1e-5):
        if not eps > 0:
            raise ValueError(f"layer-norm eps must be > 0 (e.g. 1e-5), got {eps}")
        self.params, self.grads = params, grads
        self.g, self.b = f"gamma{index}", f"beta{index}"
        self.name = f"LayerNorm layer {index}"
        self.eps = eps

    def forward(self, x, train=False):
        x = _check_input(self, x, self.params[self.g].shape[0])
        if x.shape[1] < 2:
            raise ValueError(f"{self.name}: layer normalisation needs at least 2 units per example to "
                             f"estimate a mean and variance, got {x.shape[1]}")
        xc = x - x.mean(axis=1, keepdims=True)
        self.inv_std = 1 / np.sqrt(np.mean(xc * xc, axis=1, keepdims=True) + self.eps)
        self.xhat = xc * self.inv_std
        return self.params[self.g] * self.xhat + self.params[self.b]

    def backward(self, dy):
        xhat = self.xhat
        np.sum(dy * xhat, axis=0, out=self.grads[self.g])
        np.sum(dy, axis=0, out=self.grads[self.b])
        g = dy * self.params[self.g]
        d = dy.shape[1]
        return (d * g - g.sum(axis=1, keepdims=True)
                - xhat * np.sum(g * xhat, axis=1, keepdims=True)) * (self.inv_std / d)


def fold_batchnorm(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    """Fold an inference-mode batch norm into the affine layer before it: (W', b') with

        BN(x W + b) = x W' + b',   s = γ / √(σ²_run + ε),
        W' = W · s  (column j times s_j),   b' = (b − μ_run) · s + β.

    At inference BN is a fixed affine map per unit, so it costs nothing once folded.
    Returns new arrays (W and b are not changed).
    """
    W, b = np.asarray(W), np.asarray(b)
    if W.ndim != 2:
        raise ValueError(f"W must be a weight matrix (fan_in, fan_out), got shape {W.shape}")
    n = W.shape[1]
    parts = {"b": b, "gamma": gamma, "beta": beta, "running_mean": running_mean, "running_var": running_var}
    parts = {k: np.asarray(v) for k, v in parts.items()}
    for key, value in parts.items():
        if value.shape != (n,):
            raise ValueError(f"{key} must have one value per column of W, shape ({n},); got {value.shape}")
    if np.any(parts["running_var"] < 0) or not eps > 0:
        raise ValueError("running_var must be >= 0 and eps > 0, so that √(running_var + eps) is a positive number")
    s = parts["gamma"] / np.sqrt(parts["running_var"] + eps)
    return W * s, (parts["b"] - parts["running_mean"]) * s + parts["beta"]

class Dropout:
    """Inverted dropout (드롭아웃), Srivastava et al. 2014.

    Training:  mask_i ~ Bernoulli(1 − p),  y = x ⊙ mask / (1 − p)   (p = ``ratio``)
    Inference: y = x  — the 1/(1 − p) at training time keeps E[y] = x, so the
    inference network needs no rescaling.  Backward: ∂L/∂x = dy ⊙ mask / (1 − p).
    ``frozen = True`` reuses the last mask (for gradient checks).
    """

    def __init__(self, ratio, rng, name="Dropout"):
        if not is_number(ratio) or not 0 <= ratio < 1:
            raise ValueError(f"dropout ratio must be a number in [0, 1) (the share of units dropped, "
                             f"e.g. 0.5), got {ratio!r}")
        self.ratio, self.rng, self.name = ratio, rng, name
        self.frozen = False
        self.mask = None

    def forward(self, x, train=False):
        self.applied = None
        if not train or self.ratio == 0:
            return x
        if not (self.frozen and self.mask is not None and self.mask.shape == x.shape):
            keep = self.rng.random(x.shape, dtype=np.float32) >= self.ratio
            self.mask = keep.astype(x.dtype) / x.dtype.type(1 - self.ratio)
        self.applied = self.mask
        return x * self.mask

    def backward(self, dy):
        return dy if self.applied is None else dy * self.applied


class RReLU:
    """Randomized leaky ReLU (Xu et al. 2015): y = x if x > 0 else a·x.

    Training: a ~ U(lower, upper) drawn per element and step.
    Inference: a = (lower + upper)/2, the mean slope.  ``frozen`` reuses the slopes.
    """

    def __init__(self, rng, lower=1 / 8, upper=1 / 3, name="RReLU"):
        if not (is_number(lower) and is_number(upper) and 0 <= lower <= upper < 1):
            raise ValueError(f"RReLU needs 0 <= lower <= upper < 1, got lower={lower}, upper={upper}")
        self.rng, self.lower, self.upper, self.name = rng, lower, upper, name
        self.frozen = False
        self.slope = None

    def forward(self, x, train=False):
        if train:
            if not (self.frozen and self.slope is not None and np.shape(self.slope) == x.shape):
                self.slope = self.rng.uniform(self.lower, self.upper, x.shape).astype(x.dtype)
            slope = self.slope
        else:
            slope = x.dtype.type((self.lower + self.upper) / 2)
        self.factor = np.where(x > 0, x.dtype.type(1), slope)
        return x * self.factor

    def backward(self, dy):
        return dy * self.factor


class PReLU:
    """Parametric ReLU (He et al. 2015): y = x if x > 0 else a·x, one slope a per unit,
    learned, initialised at 0.25.  ∂L/∂a = Σ_batch dy·min(x, 0);  ∂L/∂x = dy·(1 or a)."""

    def __init__(self, params, grads, index):
        self.params, self.grads = params, grads
        self.a = f"alpha{index}"
        self.name = f"PReLU layer {index}"

    def forward(self, x, train=False):
        x = _check_input(self, x, self.params[self.a].shape[0])
        self.x = x
        return np.where(x > 0, x, self.params[self.a] * x)

    def backward(self, dy):
        neg = np.minimum(self.x, 0)
        np.sum(dy * neg, axis=0, out=self.grads[self.a])
        return np.where(self.x > 0, dy, dy * self.params[self.a])


def softmax(scores):
    """softmax(s)_k = exp(s_k − max s) / Σ_j exp(s_j − max s), row by row (stable); a 1-D
    ``scores`` is one row."""
    scores = np.asarray(scores)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _one_hot_to_int(t, n, classes):
    if t.shape != (n, classes):
        raise ValueError(f"one-hot labels must have shape ({n}, {classes}) to match the scores, "
                         f"got {t.shape}")
    hard = (t == 0) | (t == 1)
    if not hard.all():
        rows = np.flatnonzero(~hard.all(axis=1))
        raise ValueError(f"one-hot labels must hold only 0s and 1s; row {rows[0]} is {t[rows[0]]} "
                         f"({len(rows)} row{'s' if len(rows) > 1 else ''} like this). Soft labels (probabilities) are not supported: "
                         f"use hard labels, e.g. t.argmax(axis=1)")
    ones = t.sum(axis=1)
    if not (ones == 1).all():
        row = int(np.flatnonzero(ones != 1)[0])
        raise ValueError(f"every one-hot row needs exactly one 1; row {row} has {int(ones[row])} "
                         f"({int(np.sum(ones != 1))} row{'s' if np.sum(ones != 1) > 1 else ''} like this). Check how the labels were encoded, or "
                         f"give integer labels 0..{classes - 1} instead")
    return t.argmax(axis=1)


def labels_to_int(t, n, classes):
    """Integer labels from integer labels (n,) or one-hot (n, classes), with clear errors."""
    t = np.asarray(t)
    if t.dtype.kind in "USO":
        raise TypeError(f"labels must be numbers, got dtype {t.dtype} (e.g. {str(t.flat[0])!r} read from a "
                        f"CSV file?); convert them with t = np.asarray(t).astype(int)" if t.size else
                        f"labels must be numbers, got dtype {t.dtype}")
    if t.ndim == 2:
        return _one_hot_to_int(t, n, classes)
    if t.shape != (n,):
        raise ValueError(f"labels must be integers of shape ({n},) or one-hot ({n}, {classes}), "
                         f"got shape {t.shape}")
    if not np.issubdtype(t.dtype, np.integer):
        if not np.all(t == np.round(t)):
            raise ValueError("integer labels expected (class numbers), got fractional values"
                             + (" or NaN/inf" if not np.isfinite(t).all() else ""))
        t = t.astype(np.int64)
    if t.size and (t.min() < 0 or t.max() >= classes):
        raise ValueError(f"labels must lie in 0..{classes - 1}, got values from {t.min()} to {t.max()}")
    return t


class SoftmaxCrossEntropy:
    """Softmax followed by the mean cross-entropy (교차 엔트로피):

        L = −(1/N) Σ_n Σ_k t_nk log y_nk,   y = softmax(s),
    computed as  L = (1/N) Σ_n (logsumexp(s_n) − s_n,t_n)  so it never takes log 0.
    Backward:  ∂L/∂s = (y − t)/N.
    """

    name = "softmax cross-entropy"

    def forward(self, scores, t):
        n, classes = scores.shape
        self.t = labels_to_int(t, n, classes)
        shifted = scores - scores.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        self.y = e / total
        rows = np.arange(n)
        return float(np.mean(np.log(total[:, 0]) - shifted[rows, self.t]))

    def backward(self):
        n = self.y.shape[0]
        d = self.y.copy()
        d[np.arange(n), self.t] -= 1
        d /= n
        return d


# -- skip (residual) connections ------------------------------------------------------------------
# Two markers around a block of layers F (Dense → [BatchNorm] → activation → [Dropout]) turn it
# into a residual block y = x + F(x) (He et al. 2016) without changing the layers in between.

class SkipStart:
    """Start of a residual block y = x + F(x): remembers x for the matching :class:`SkipEnd`.

    Forward: passes x on unchanged.  Backward: ∂L/∂x = ∂L/∂x|_through F + ∂L/∂y, the second
    term being the gradient that the skip carried straight back from the block's end.
    """

    def __init__(self, name="SkipStart"):
        self.name, self.x, self.skip_grad = name, None, None

    def forward(self, x, train=False):
        self.x = x
        return x

    def backward(self, dy):
        if self.skip_grad is None:
            raise RuntimeError(f"{self.name}: backward of the block's SkipEnd must come first")
        dx, self.skip_grad = dy + self.skip_grad, None
        return dx


class SkipEnd:
    """End of a residual block: y = F(x) + x, with x the input saved by ``start``.

    Backward: ∂L/∂F = ∂L/∂y goes back through F, and the same ∂L/∂y is handed to ``start``
    unchanged (the skip's slope is 1, so depth cannot shrink this part of the gradient).
    """

    def __init__(self, start, name="SkipEnd"):
        if not isinstance(start, SkipStart):
            raise TypeError(f"{name}: start must be the block's SkipStart, got {type(start).__name__}")
        self.start, self.name = start, name

    def forward(self, fx, train=False):
        if self.start.x is None or self.start.x.shape != fx.shape:
            got = None if self.start.x is None else self.start.x.shape
            raise ValueError(f"{self.name}: a skip connection adds the block's input (shape {got}) "
                             f"to its output (shape {fx.shape}); they must have the same shape — "
                             f"give the block as many outputs as inputs")
        return fx + self.start.x

    def backward(self, dy):
        self.start.skip_grad = dy
        return dy


__all__ += ["SkipStart", "SkipEnd"]
