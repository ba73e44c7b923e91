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

import numpy as np

from . import activations, initializers, layers

__all__ = ["MLP"]


def _make_init(init):
    """``init`` may be a name, a number (std of a normal), or a callable (fan_in, fan_out, rng)."""
    if callable(init):
        return init
    if isinstance(init, (int, float, np.floating)) and not isinstance(init, bool):
        return initializers.get("normal", std=float(init))
    return initializers.get(init)


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
        sizes = list(sizes)
        if len(sizes) < 2 or any(not isinstance(n, (int, np.integer)) or n < 1 for n in sizes):
            raise ValueError(f"sizes must list at least an input and an output size, all positive "
                             f"integers, e.g. [784, 100, 10]; got {sizes}")
        if weight_decay < 0:
            raise ValueError(f"weight_decay (λ) must be >= 0, got {weight_decay}")
        self.sizes, self.dtype = sizes, np.dtype(dtype)
        self.weight_decay = float(weight_decay)
        if batchnorm not in (False, True, "before", "after"):
            raise ValueError(f"batchnorm must be False, True/'before' or 'after', got {batchnorm!r}")
        self.batchnorm = "before" if batchnorm is True else batchnorm
        if layernorm not in (False, True) or (layernorm and self.batchnorm):
            raise ValueError(f"layernorm must be True or False, and cannot be combined with batchnorm "
                             f"(both would normalise the same layer); got layernorm={layernorm!r}, "
                             f"batchnorm={batchnorm!r}")
        self.layernorm = bool(layernorm)
        self.dropout = float(dropout)
        self.rng = np.random.default_rng(seed)
        init_fn = _make_init(init)
        kind = activation if isinstance(activation, str) and activation.lower() in ("prelu", "rrelu") else None
        self.activation = kind or activations.get(activation)
        self.params, self.grads = {}, {}
        self.layers = []
        n_layers = len(sizes) - 1
        for i in range(1, n_layers + 1):
            fan_in, fan_out = sizes[i - 1], sizes[i]
            W = np.asarray(init_fn(fan_in, fan_out, self.rng), dtype=self.dtype)
            if W.shape != (fan_in, fan_out):
                raise ValueError(f"init returned weights of shape {W.shape} for layer {i}; "
                                 f"expected (fan_in, fan_out) = {(fan_in, fan_out)}")
            self._add(f"W{i}", W)
            self._add(f"b{i}", np.zeros(fan_out, self.dtype))
            self.layers.append(layers.Dense(self.params, self.grads, i))
            if i == n_layers:
                break
            if self.batchnorm:
                self._add(f"gamma{i}", np.ones(fan_out, self.dtype))
                self._add(f"beta{i}", np.zeros(fan_out, self.dtype))
                bn = layers.BatchNorm(self.params, self.grads, i, momentum=bn_momentum)
                if self.batchnorm == "before":
                    self.layers.append(bn)
            if layernorm:
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
        self.layers[0].need_dx = False
        self._act_ids = {id(layer) for layer in self.layers
                         if isinstance(layer, (layers.Activation, layers.PReLU, layers.RReLU))}
        self.last = layers.SoftmaxCrossEntropy()
        self.recording = False
        self.records = []

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
            raise ValueError(f"input must be a batch of rows, shape (batch, {self.sizes[0]}); got a "
                             f"single vector of shape {x.shape} — use x[None, :] or x.reshape(1, -1)")
        if x.ndim > 2:
            raise ValueError(f"input must be 2-D, shape (batch, {self.sizes[0]}); got {x.shape}: "
                             f"flatten images with x.reshape(len(x), -1)")
        return x.astype(self.dtype, copy=False)

    def predict(self, x, train=False):
        """Class scores s (before softmax), shape (batch, n_classes)."""
        x = self._as_input(x)
        records = [] if self.recording else None
        for layer in self.layers:
            out = layer.forward(x, train)
            if records is not None and id(layer) in self._act_ids:
                records.append({"pre": x.copy(), "act": out.copy()})
            x = out
        if records is not None:
            self.records = records
        return x

    def _penalty(self):
        if not self.weight_decay:
            return 0.0
        return 0.5 * self.weight_decay * sum(float(np.sum(W * W)) for k, W in self.params.items()
                                             if k.startswith("W"))

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
            for k, W in self.params.items():
                if k.startswith("W"):
                    self.grads[k] += self.weight_decay * W
        return loss, self.grads

    def gradient(self, x, t):
        """∂L/∂p for every parameter p (dict with the keys of ``params``), by backpropagation."""
        return self.loss_and_gradient(x, t)[1]

    def accuracy(self, x, t, batch_size=2000):
        """Share of rows whose highest score is the label (inference mode)."""
        x = self._as_input(x)
        t = layers.labels_to_int(t, len(x), self.sizes[-1])
        correct = 0
        for i in range(0, len(x), batch_size):
            correct += int(np.sum(self.predict(x[i:i + batch_size]).argmax(axis=1) == t[i:i + batch_size]))
        return correct / max(len(x), 1)

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
