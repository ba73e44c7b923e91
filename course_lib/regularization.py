"""Regularization (규제): the L2 and L1 penalties, the max-norm constraint and Monte-Carlo dropout.

    l2_penalty(net.weights(), lam)            # λ/2 · Σ_l ‖W_l‖²
    l1_penalty(net.weights(), lam)            # λ · Σ_l Σ |W_l|;  train(..., callback=l1_shrinkage(λ, lr))
    max_norm(W, c)                            # rescale every column with ‖W[:, j]‖ > c to norm c
    train(..., callback=max_norm_constraint(3.0))
    mean, entropy = mc_dropout(net, x, samples=30)

Layer 1 (numpy only). The network itself applies weight decay
(``MLP(weight_decay=λ)``) and inverted dropout (``MLP(dropout=p)``); this
module holds the pieces that act on a network from outside. Functions that
take a network only use ``net.weights()`` and ``net.predict(x, train=True)``.
"""
import numpy as np

from .layers import softmax
from ._validate import positive_int
from .i18n import gettext as _

__all__ = ["l2_penalty", "l2_gradient", "max_norm", "column_norms", "max_norm_constraint",
           "mc_dropout", "predictive_entropy", "l1_penalty", "l1_gradient", "soft_threshold",
           "l1_shrinkage", "sparsity"]


def _lam(lam):
    if not isinstance(lam, (int, float, np.number)) or isinstance(lam, bool) or not np.isfinite(lam) or lam < 0:
        raise ValueError(_("λ (lam) must be a finite number >= 0, got {value!r}").format(value=lam))
    return float(lam)


def _weights(weights):
    if isinstance(weights, np.ndarray):
        return [weights]
    try:
        ws = list(weights)
    except TypeError:
        raise TypeError(_("weights must be an array or a list of arrays, e.g. net.weights()")) from None
    return [np.asarray(w) for w in ws]


def l2_penalty(weights, lam):
    """The L2 (weight-decay) term added to the loss:  λ/2 · Σ_l Σ_ij W_l,ij².

    ``weights`` is one array or a list of arrays: the weights W only, not the
    biases (a network's ``net.weights()``). The ½ makes the gradient λW.
    """
    lam = _lam(lam)
    return 0.5 * lam * sum(float(np.sum(np.square(w, dtype=np.float64))) for w in _weights(weights))


def l2_gradient(W, lam):
    """∂/∂W of λ/2·‖W‖²:  λ·W (added to the gradient of the data loss)."""
    return _lam(lam) * np.asarray(W)


def column_norms(W):
    """‖W[:, j]‖₂ for every column j: the norm of the incoming weights of unit j
    (W has shape (fan_in, fan_out))."""
    W = np.asarray(W)
    if W.ndim != 2:
        raise ValueError(_("W must be a 2-D weight matrix (fan_in, fan_out), got shape {shape}").format(shape=W.shape))
    return np.sqrt(np.sum(np.square(W, dtype=np.float64), axis=0))


def max_norm(W, c):
    """Max-norm constraint, in place:  w_j ← w_j · min(1, c / ‖w_j‖₂)  for each column w_j = W[:, j].

    Column j holds the incoming weights of unit j, so no unit's weight vector
    can grow beyond norm c (Srivastava et al. 2014 use c = 3 to 4). Returns W.
    """
    if not isinstance(c, (int, float, np.number)) or isinstance(c, bool) or not np.isfinite(c) or c <= 0:
        raise ValueError(_("max-norm c must be a finite number > 0 (e.g. 3.0), got {value!r}").format(value=c))
    if not isinstance(W, np.ndarray) or not np.issubdtype(W.dtype, np.floating):
        raise TypeError(_("W must be a floating-point numpy array (it is rescaled in place)"))
    norms = column_norms(W)
    scale = np.minimum(1.0, c / np.maximum(norms, np.finfo(np.float64).tiny))
    W *= scale.astype(W.dtype)
    return W


def max_norm_constraint(c, output_layer=True):
    """A ``callback(step, net)`` for ``training.train`` that applies :func:`max_norm` with
    bound ``c`` to every weight matrix after each update (``output_layer=False``
    leaves the last layer free)."""
    max_norm(np.zeros((1, 1)), c)           # validates c now, not at the first step

    def constrain(step, net):
        weights = net.weights()
        for W in weights if output_layer else weights[:-1]:
            max_norm(W, c)

    constrain.c = c
    return constrain


def predictive_entropy(p):
    """H(p) = −Σ_k p_k log p_k for each row of probabilities p (0 log 0 = 0), in nats."""
    p = np.asarray(p, dtype=np.float64)
    if p.ndim != 2:
        raise ValueError(_("p must be (N, classes) probabilities, got shape {shape}").format(shape=p.shape))
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.sum(np.where(p > 0, p * np.log(p), 0.0), axis=1)


def mc_dropout(net, x, samples=30):
    """Monte-Carlo dropout (Gal & Ghahramani 2016): predict ``samples`` times with the
    dropout masks on (train=True) and average the softmax outputs.

    Returns (mean, entropy): mean[n, k] = (1/S) Σ_s softmax(net(x_n; mask_s))_k and the
    predictive entropy H(mean) per row, an uncertainty (0 = certain, log K = no idea).
    Batch-norm running statistics, if any, are left unchanged.
    """
    samples = positive_int("samples", samples, _(" (e.g. 30)"))
    keep = getattr(net, "preserving_statistics", None)
    total = None
    for _sample in range(samples):
        if keep is not None:
            with keep():
                s = net.predict(x, train=True)
        else:
            s = net.predict(x, train=True)
        p = softmax(np.asarray(s, dtype=np.float64))
        total = p if total is None else total + p
    mean = total / samples
    return mean, predictive_entropy(mean)


# ---------------------------------------------------------------- L1 (lasso) regularisation

def l1_penalty(weights, lam):
    """The L1 term added to the loss:  λ · Σ_l Σ_ij |W_l,ij|  (weights only, not biases)."""
    lam = _lam(lam)
    return lam * sum(float(np.sum(np.abs(w), dtype=np.float64)) for w in _weights(weights))


def l1_gradient(W, lam):
    """A (sub)gradient of λ·Σ|W|:  λ·sign(W)  (0 where W = 0)."""
    return _lam(lam) * np.sign(np.asarray(W))


def soft_threshold(W, threshold):
    """In place:  W ← sign(W) · max(|W| − τ, 0)  with τ = ``threshold``; returns W.

    This is the proximal step of τ·Σ|W|: it moves every weight τ towards 0 and sets the ones
    with |W| ≤ τ to exactly 0 — where L1's sparsity comes from.
    """
    if not isinstance(threshold, (int, float, np.number)) or isinstance(threshold, bool) \
            or not np.isfinite(threshold) or threshold < 0:
        raise ValueError(_("threshold τ must be a finite number >= 0, got {value!r}").format(value=threshold))
    if not isinstance(W, np.ndarray) or not np.issubdtype(W.dtype, np.floating):
        raise TypeError(_("W must be a floating-point numpy array (it is shrunk in place)"))
    np.copyto(W, np.sign(W) * np.maximum(np.abs(W) - W.dtype.type(threshold), 0))
    return W


def l1_shrinkage(lam, lr, output_layer=True):
    """A ``callback(step, net)`` for ``training.train`` that adds L1 regularisation λ·Σ|W| to SGD
    at learning rate ``lr``: after every update, ``soft_threshold(W, lr·λ)`` on each weight matrix
    (proximal gradient descent, ISTA). Unlike the subgradient λ·sign(W), which makes small weights
    jump back and forth across 0, it leaves them exactly at 0, so ``sparsity`` can count them."""
    lam = _lam(lam)
    if not isinstance(lr, (int, float, np.number)) or isinstance(lr, bool) or not np.isfinite(lr) or lr <= 0:
        raise ValueError(_("lr must be the optimizer's learning rate, a number > 0; got {value!r}").format(value=lr))
    threshold = lam * float(lr)

    def shrink(step, net):
        weights = net.weights()
        for W in weights if output_layer else weights[:-1]:
            soft_threshold(W, threshold)

    shrink.lam, shrink.lr = lam, float(lr)
    return shrink


def sparsity(weights, tol=0.0):
    """Share of weights with |w| ≤ tol (tol = 0: exactly zero) over one array or a list of arrays."""
    if not np.isfinite(tol) or tol < 0:
        raise ValueError(_("tol must be a finite number >= 0, got {value!r}").format(value=tol))
    ws = _weights(weights)
    total = sum(w.size for w in ws)
    if total == 0:
        raise ValueError(_("weights holds no values"))
    return sum(int(np.sum(np.abs(w) <= tol)) for w in ws) / total
