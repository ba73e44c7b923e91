"""A fully connected network (MLP) built from the layers in ``course_lib.layers``.

    net = MLP([784, 100, 100, 10], activation="relu", init="he_normal",
              batchnorm=False, dropout=0.0, weight_decay=0.0, seed=0)
    net.params                      # W1 b1 (gamma1 beta1) (alpha1) W2 b2 ...
    net.predict(x, train=False)     # class scores (before softmax)
    net.loss(x, t)                  # mean softmax cross-entropy + λ/2·Σ W²  (weights only)
    net.gradient(x, t)              # dict of ∂L/∂p, same keys as params
    net.accuracy(x, t)

Each hidden layer is  Dense → [BatchNorm or LayerNorm] → activation → [Dropout].
Set ``net.recording = True`` and every forward/backward pass stores, per hidden
layer, the pre-activations, activations and their gradients in ``net.records``
(``course_lib.diagnostics`` reads them).
"""
import contextlib
import inspect

import numpy as np

from . import activations, initializers, layers, regularization
from ._validate import all_finite, describe_nonfinite, finite_array, is_number, nonnegative_float, positive_int
from .i18n import gettext as _

__all__ = ["MLP"]


def _make_init(init):
    """``init`` may be a name, a number (std of a normal), or a callable (fan_in, fan_out, rng)."""
    if callable(init) and not isinstance(init, initializers.Initializer):
        _check_init_signature(init)
    return initializers.get(init)


def _check_init_signature(init):
    try:
        signature = inspect.signature(init)
    except (TypeError, ValueError):          # some builtins have no signature: find out when called
        return
    try:
        signature.bind(1, 1, None)
    except TypeError:
        name = getattr(init, "__name__", repr(init))
        raise TypeError(_("init: an initializer is called as init(fan_in, fan_out, rng) and returns "
                          "the (fan_in, fan_out) weights, but {name}{signature} cannot take those three "
                          "arguments. Write e.g. lambda fan_in, fan_out, rng: rng.normal(0, 0.01, "
                          "(fan_in, fan_out)), or pass a name such as 'he_normal'").format(
                            name=name, signature=signature)) from None


def _initial_weights(init_fn, fan_in, fan_out, rng, dtype, layer):
    """W = init_fn(fan_in, fan_out, rng), checked: an array of shape (fan_in, fan_out), all finite."""
    W = init_fn(fan_in, fan_out, rng)
    if W is None:
        raise ValueError(_("init returned None for layer {layer}: the initializer must return the "
                           "weights (a forgotten return?)").format(layer=layer))
    W = np.asarray(W, dtype=dtype)
    if W.shape != (fan_in, fan_out):
        raise ValueError(_("init returned weights of shape {shape} for layer {layer}; "
                           "expected (fan_in, fan_out) = {expected}").format(
                             shape=W.shape, layer=layer, expected=(fan_in, fan_out)))
    if not all_finite(W):
        raise ValueError(_("init returned weights with {what} for layer {layer}; "
                           "an initializer must give finite numbers (check its std or limit)").format(
                             what=describe_nonfinite(W), layer=layer))
    return W


def _check_sizes(sizes):
    if isinstance(sizes, (int, np.integer)):
        raise TypeError(_("sizes must be a list of layer sizes, e.g. MLP([784, 100, 10]); got the single "
                          "number {sizes}. Put all the sizes in one list: MLP({sizes}, 100, 10) passes "
                          "100 as the activation and 10 as init").format(sizes=sizes))
    try:
        sizes = list(sizes)
    except TypeError:
        raise TypeError(_("sizes must be a list of layer sizes, e.g. [784, 100, 10]; got {sizes!r}").format(
            sizes=sizes)) from None
    if len(sizes) < 2 or any(isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < 1
                             for n in sizes):
        raise ValueError(_("sizes must list at least an input and an output size, all positive "
                           "integers, e.g. [784, 100, 10]; got {sizes}").format(sizes=sizes))
    return [int(n) for n in sizes]


def _check_dtype(dtype):
    dtype = np.dtype(dtype)
    if not np.issubdtype(dtype, np.floating):
        raise TypeError(_("dtype must be a floating-point type, np.float32 (fast) or np.float64 (for "
                          "gradient checks); got {dtype}, which would round the weights to {kind}").format(
                            dtype=dtype, kind=_("integers") if dtype.kind in "iub" else dtype))
    return dtype


class MLP:
    """Multi-layer perceptron for classification with softmax cross-entropy.

    sizes: [n_in, hidden..., n_classes].  activation: a name of
    ``activations.names()``, an ``activations.Activation``, or "prelu" / "rrelu"
    (learned / randomized leaky ReLU).  init: an initializer name, a number (the
    std of a normal) or a callable ``init(fan_in, fan_out, rng) -> (fan_in, fan_out)``.
    batchnorm: insert batch normalisation before each hidden activation (True or
    "before", as Ioffe & Szegedy) or after it ("after").
    dropout: ratio of hidden units dropped during training (inverted dropout).
    weight_decay: λ of the penalty λ/2·Σ W² over the weights W (not biases, γ, β).
    seed: for the weights and the dropout masks.  dtype: float32 (fast) or float64
    (for gradient checks).  layernorm: True inserts layer normalisation (per example,
    ``layers.LayerNorm``) before each hidden activation instead of batch norm.
    """

    def __init__(self, sizes, activation="relu", init="he_normal", batchnorm=False, dropout=0.0,
                 weight_decay=0.0, seed=0, dtype=np.float32, bn_momentum=0.9, layernorm=False):
        self.sizes, self.dtype = _check_sizes(sizes), _check_dtype(dtype)
        self.weight_decay = nonnegative_float("weight_decay", weight_decay, _(" (λ, e.g. 1e-4; 0 turns it off)"))
        if batchnorm not in (False, True, "before", "after"):
            raise ValueError(_("batchnorm must be False, True/'before' or 'after', got {value!r}").format(
                value=batchnorm))
        self.batchnorm = "before" if batchnorm is True else batchnorm
        if not is_number(dropout) or not 0 <= dropout < 1:
            raise ValueError(_("dropout ratio must be a number in [0, 1) (the share of hidden units dropped, "
                               "e.g. 0.5), got {value!r}").format(value=dropout))
        if layernorm not in (False, True) or (layernorm and self.batchnorm):
            raise ValueError(_("layernorm must be True or False, and cannot be combined with batchnorm "
                               "(both would normalise the same layer); got layernorm={layernorm!r}, "
                               "batchnorm={batchnorm!r}").format(layernorm=layernorm, batchnorm=batchnorm))
        self.layernorm = bool(layernorm)
        self.dropout = float(dropout)
        self.rng = np.random.default_rng(seed)
        init_fn = _make_init(init)
        kind = activation if isinstance(activation, str) and activation.lower() in ("prelu", "rrelu") else None
        self.activation = kind or activations.get(activation)
        self.params, self.grads = {}, {}
        self.layers = []
        for i in range(1, len(self.sizes)):
            self._add_layer(i, init_fn, kind, bn_momentum)
        self.layers[0].need_dx = False
        self._shapes = {k: p.shape for k, p in self.params.items()}
        self._act_ids = {id(layer) for layer in self.layers
                         if isinstance(layer, (layers.Activation, layers.PReLU, layers.RReLU))}
        self.last = layers.SoftmaxCrossEntropy()
        self.recording = False
        self.records = []

    def _add_layer(self, i, init_fn, kind, bn_momentum):
        """Layer i: Dense, and for a hidden layer [BatchNorm or LayerNorm] → activation → [Dropout]."""
        fan_in, fan_out = self.sizes[i - 1], self.sizes[i]
        self._add(f"W{i}", _initial_weights(init_fn, fan_in, fan_out, self.rng, self.dtype, i))
        self._add(f"b{i}", np.zeros(fan_out, self.dtype))
        self.layers.append(layers.Dense(self.params, self.grads, i))
        if i == len(self.sizes) - 1:
            return
        if self.batchnorm:
            self._add(f"gamma{i}", np.ones(fan_out, self.dtype))
            self._add(f"beta{i}", np.zeros(fan_out, self.dtype))
            bn = layers.BatchNorm(self.params, self.grads, i, momentum=bn_momentum)
            if self.batchnorm == "before":
                self.layers.append(bn)
        if self.layernorm:
            self._add(f"gamma{i}", np.ones(fan_out, self.dtype))
            self._add(f"beta{i}", np.zeros(fan_out, self.dtype))
            self.layers.append(layers.LayerNorm(self.params, self.grads, i))
        if kind == "prelu":
            self._add(f"alpha{i}", np.full(fan_out, 0.25, self.dtype))
            act = layers.PReLU(self.params, self.grads, i)
        elif kind == "rrelu":
            act = layers.RReLU(self.rng, name=f"RReLU layer {i}")
        else:
            act = layers.Activation(self.activation)
        self.layers.append(act)
        if self.batchnorm == "after":
            self.layers.append(bn)
        if self.dropout:
            self.layers.append(layers.Dropout(self.dropout, self.rng, name=f"Dropout layer {i}"))

    def _add(self, key, value):
        self.params[key] = value
        self.grads[key] = np.zeros_like(value)

    def __repr__(self):
        act = self.activation if isinstance(self.activation, str) else self.activation.name
        extra = "".join([f", batchnorm={self.batchnorm!r}" if self.batchnorm else "",
                         ", layernorm=True" if self.layernorm else "",
                         f", dropout={self.dropout}" if self.dropout else "",
                         f", weight_decay={self.weight_decay}" if self.weight_decay else ""])
        return f"MLP({self.sizes}, activation={act!r}{extra})"

    # -- forward and backward -------------------------------------------------
    def _as_input(self, x):
        x = np.asarray(x)
        if x.ndim == 1:
            raise ValueError(_("input must be a batch of rows, shape (batch, {n}); got a "
                               "single vector of shape {shape} — use x[None, :] or x.reshape(1, -1)").format(
                                 n=self.sizes[0], shape=x.shape))
        if x.ndim > 2:
            raise ValueError(_("input must be 2-D, shape (batch, {n}); got {shape}: "
                               "flatten images with x.reshape(len(x), -1)").format(n=self.sizes[0], shape=x.shape))
        if x.ndim < 1 or len(x) == 0:
            raise ValueError(_("x is an empty batch (shape {shape}): loss, gradient and accuracy need at "
                               "least one row of shape ({n},); check the slice or the data split").format(
                                 shape=x.shape, n=self.sizes[0]))
        if x.dtype.kind not in "fiub":
            finite_array("x", x)                       # strings, objects: a TypeError that says so
        self._check_params()
        return x.astype(self.dtype, copy=False)

    def _check_finite_input(self, x, first):
        """NaN or inf in x -> ValueError naming the rows and columns.

        Tested on x itself, or, when layer 1 is narrower than x, on its output ``first`` =
        x W1 + b1: a NaN or inf in a row of x makes every unit of that row NaN or inf
        (inf·0 is NaN), so ``first`` is finite whenever x is (only then is x searched)."""
        if x.shape[1] <= first.shape[1] or not all_finite(first):
            finite_array("x", x, _("Clean or drop those rows first, e.g. keep = np.isfinite({name}).all(axis=1)."
                                   ).format(name="x"))

    def _check_params(self):
        """Every parameter still an array of the shape the layer sizes need (it may have been replaced)."""
        for key, shape in self._shapes.items():
            p = self.params.get(key)
            if isinstance(p, np.ndarray) and p.shape == shape and p.dtype.kind == "f":
                continue
            if p is None:
                raise ValueError(_("net.params[{key!r}] is missing; the network needs all of {names}").format(
                    key=key, names=", ".join(self._shapes)))
            what = (_("has shape {shape} now").format(shape=np.shape(p)) if np.shape(p) != shape else
                    _("is a {kind}").format(kind=type(p).__name__) if not isinstance(p, np.ndarray)
                    else _("has dtype {dtype}").format(dtype=p.dtype))
            layer = "".join(c for c in key if c.isdigit())          # W1, b1, gamma1, ... -> 1
            raise ValueError(_("net.params[{key!r}] {what}, but layer {layer} of the network built as {net!r} "
                               "needs a floating-point array of shape {shape}. Assign one of that shape, e.g. "
                               "net.params[{key!r}][...] = new_values, or build a new MLP with the sizes "
                               "you want").format(key=key, what=what, layer=layer, net=self, shape=shape))

    def predict(self, x, train=False):
        """Class scores s (before softmax), shape (batch, n_classes)."""
        x = self._as_input(x)
        records = [] if self.recording else None
        for layer in self.layers:
            if layer is self.layers[0]:
                with np.errstate(invalid="ignore"):      # NaN in x: reported by the check, not numpy
                    out = layer.forward(x, train)
                self._check_finite_input(x, out)
            else:
                out = layer.forward(x, train)
            if records is not None and id(layer) in self._act_ids:
                records.append({"pre": x.copy(), "act": out.copy()})
            x = out
        if records is not None:
            self.records = records
        return x

    def _penalty(self):
        return regularization.l2_penalty(self.weights(), self.weight_decay) if self.weight_decay else 0.0

    def loss(self, x, t, train=False):
        """L = −(1/N) Σ_n log softmax(s_n)[t_n] + λ/2 · Σ_l ‖W_l‖²."""
        return self.last.forward(self.predict(x, train), t) + self._penalty()

    def loss_and_gradient(self, x, t):
        """One training-mode forward and backward pass: (loss, grads).

        ∂L/∂W_l gets the weight-decay term λ·W_l.  The arrays in ``grads`` are
        reused by the next call: copy them to keep them.
        """
        loss = self.loss(x, t, train=True)
        for k, p in self.params.items():          # parameters may have been replaced by the user
            if self.grads.get(k) is None or self.grads[k].shape != p.shape or self.grads[k].dtype != p.dtype:
                self.grads[k] = np.zeros_like(p)
        d = self.last.backward()
        hidden = len(self.records) if self.recording else 0
        for layer in reversed(self.layers):
            if hidden and id(layer) in self._act_ids:
                hidden -= 1
                self.records[hidden]["grad_act"] = d.copy()
                d = layer.backward(d)
                self.records[hidden]["grad_pre"] = d.copy()
            else:
                d = layer.backward(d)
        if self.weight_decay:
            for i, W in enumerate(self.weights(), start=1):
                self.grads[f"W{i}"] += regularization.l2_gradient(W, self.weight_decay)
        return loss, self.grads

    def gradient(self, x, t):
        """∂L/∂p for every parameter p (dict with the keys of ``params``), by backpropagation."""
        return self.loss_and_gradient(x, t)[1]

    def accuracy(self, x, t, batch_size=2000):
        """Share of rows whose highest score is the label (inference mode)."""
        x = self._as_input(x)
        t = layers.labels_to_int(t, len(x), self.sizes[-1])
        batch_size = positive_int("batch_size", batch_size, " (rows per forward pass)")
        correct = 0
        for i in range(0, len(x), batch_size):
            correct += int(np.sum(self.predict(x[i:i + batch_size]).argmax(axis=1) == t[i:i + batch_size]))
        return correct / len(x)

    # -- helpers ----------------------------------------------------------------
    def set_frozen(self, frozen):
        """Reuse the current dropout masks and RReLU slopes (True) or draw new ones (False)."""
        for layer in self.layers:
            if hasattr(layer, "frozen"):
                layer.frozen = frozen

    @contextlib.contextmanager
    def preserving_statistics(self):
        """Within this block, training-mode passes leave the batch-norm running averages as they were
        (for checks and diagnostics that must not train the network)."""
        saved = [(bn.running_mean.copy(), bn.running_var.copy()) for bn in self.batchnorm_layers()]
        try:
            yield self
        finally:
            for bn, (mean, var) in zip(self.batchnorm_layers(), saved):
                bn.running_mean, bn.running_var = mean, var

    def recorded_pass(self, x, t):
        """One training-mode forward and backward pass with recording on, changing nothing.

        Returns (loss, grads, records): grads are copies; records[l] holds hidden layer
        l+1's "pre", "act", "grad_act", "grad_pre" arrays.
        """
        was = self.recording
        self.recording = True
        try:
            with self.preserving_statistics():
                loss, grads = self.loss_and_gradient(x, t)
            return loss, {k: g.copy() for k, g in grads.items()}, self.records
        finally:
            self.recording = was

    def batchnorm_layers(self):
        """The BatchNorm layers (their running_mean / running_var hold the inference statistics)."""
        return [layer for layer in self.layers if isinstance(layer, layers.BatchNorm)]

    def weights(self):
        """[W1, W2, ...] in order."""
        return [self.params[f"W{i}"] for i in range(1, len(self.sizes))]


class ResidualMLP(MLP):
    """An :class:`MLP` whose hidden-to-hidden layers are residual blocks (He et al. 2016):

        a_l = a_{l−1} + F_l(a_{l−1}),   F_l = Dense → [BatchNorm] → activation → [Dropout]

    for every hidden layer l ≥ 2 with as many inputs as outputs (the first layer, 784 → width,
    and the output layer stay plain).  Backward, ∂L/∂a_{l−1} = ∂L/∂a_l + (the part through F_l):
    the identity path passes the gradient back with slope 1, however deep the network.

    Same arguments, parameters and methods as MLP, plus ``residual`` (True: skips on; False: a
    plain MLP, for side-by-side comparisons).  ``net.records`` hold F_l's activations (before
    the skip adds a_{l−1}).
    """

    def __init__(self, sizes, *args, residual=True, **kwargs):
        if not isinstance(residual, (bool, np.bool_)):
            raise ValueError(_("residual must be True (skip connections) or False (a plain MLP), "
                               "got {value!r}").format(value=residual))
        super().__init__(sizes, *args, **kwargs)
        self.residual = residual
        if residual:
            self.layers = self._with_skips(self.layers)

    def _with_skips(self, flat):
        """The layer list with SkipStart / SkipEnd around each block of equal fan-in and fan-out."""
        dense_at = [i for i, layer in enumerate(flat) if isinstance(layer, layers.Dense)]
        ends = dense_at[1:] + [len(flat)]
        out = list(flat[:dense_at[0]])
        for n, (begin, end) in enumerate(zip(dense_at, ends), start=1):
            block = flat[begin:end]
            if 2 <= n < len(self.sizes) - 1 and self.sizes[n - 1] == self.sizes[n]:
                start = layers.SkipStart(f"SkipStart layer {n}")
                block = [start, *block, layers.SkipEnd(start, f"SkipEnd layer {n}")]
            out += block
        return out

    def __repr__(self):
        return super().__repr__()[:-1] + f", residual={self.residual})"


__all__ += ["ResidualMLP"]
