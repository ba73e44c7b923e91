"""Chapter 06's experiments: a small net on two noisy moons, trained with L2, dropout or max-norm;
early stopping with the validation loss recorded beside the validation accuracy it watches."""
import functools

import numpy as np

from course_lib import data, optimizers, regularization
from course_lib.i18n import gettext as _
from course_lib.network import MLP
from course_lib.training import train


MOONS_NOISE = 0.35      # the 2-D problem of chapter 06: two noisy half-moons


MOONS_TEST_SEED = 100   # the test points come from another draw than every training set


@functools.lru_cache(maxsize=64)
def regularized_moons(weight_decay: float = 0.0, dropout: float = 0.0, n_train: int = 60,
                      max_norm: float | None = None, steps: int = 400, seed: int = 0):
    """Train a 2-100-100-2 ReLU net on ``n_train`` noisy moons with the given regularization.

    Adam (lr 0.01), full-batch, ``steps`` updates; L2 penalty λ/2·Σ W² with
    λ = ``weight_decay``; inverted dropout ``dropout`` after each hidden layer;
    ``max_norm`` c clips every unit's incoming weight vector to norm ≤ c.
    Accuracies on the training points and on 1000 test points of the same
    distribution every 20 updates. Cached: the same arguments return the same
    (shared, do not modify) result dict with keys net, history, x, t, x_test, t_test.
    """
    n_train = int(n_train)
    x, t = data.make_moons(n=n_train, noise=MOONS_NOISE, seed=seed)
    x_test, t_test = data.make_moons(n=1000, noise=MOONS_NOISE, seed=MOONS_TEST_SEED)
    net = MLP([2, 100, 100, 2], weight_decay=float(weight_decay), dropout=float(dropout), seed=seed)
    callback = regularization.max_norm_constraint(max_norm) if max_norm else None
    history = train(net, optimizers.get("adam", lr=0.01), x, t, x_test, t_test, steps=int(steps),
                    batch_size=n_train, eval_every=20, seed=seed, progress=False, callback=callback)
    return {"net": net, "history": history, "x": x, "t": t, "x_test": x_test, "t_test": t_test}


def moons_label(weight_decay=0.0, dropout=0.0, max_norm=None):
    """A short label of a regularization setting, in the language of the course: "L2 λ=0.01",
    "dropout 0.3", "L2 λ=0.01 + dropout 0.3", ..., "no regularization" (a title, never a key)."""
    parts = [_("L2 λ={value:g}").format(value=weight_decay) if weight_decay else "",
             _("dropout {value:g}").format(value=dropout) if dropout else "",
             _("max-norm c={value:g}").format(value=max_norm) if max_norm else ""]
    return " + ".join(p for p in parts if p) or _("no regularization")


def early_stopping_run(x, t, x_val, t_val, sizes, *, lr=0.1, epochs=200, patience=10, batch_size=100, seed=0):
    """Train ``MLP(sizes, seed=seed)`` with SGD at ``lr`` and ``training.train``'s early stopping: stop after
    ``patience`` epochs without a higher validation accuracy and restore the weights of the best epoch.

    Every epoch (and before training) it also records the validation loss, the mean cross-entropy
    L_val = −(1/N) Σ_n log softmax(s_n)[t_n] on (x_val, t_val) in inference mode — the quantity
    Keras's EarlyStopping watches by default (``monitor="val_loss"``). Returns a dict:

    net                  the network with the restored (best) weights
    history              train's history plus "val_loss" (one value per epoch, from epoch 0)
    best_epoch           the epoch whose weights were restored (first highest validation accuracy)
    stop_epoch           the epoch after which training stopped
    val_loss_best_epoch  the epoch of the lowest validation loss
    """
    if x_val is None or t_val is None or len(x_val) == 0:
        raise ValueError(_("early stopping needs a validation set (x_val, t_val) split off the training data"))
    if not isinstance(patience, (int, np.integer)) or patience < 1:
        raise ValueError(_("patience must be a positive integer (epochs without improvement), got "
                           "{patience!r}").format(patience=patience))
    net = MLP(list(sizes), seed=seed)
    per_epoch = len(x) // min(batch_size, len(x))
    val_loss = [net.loss(x_val, t_val)]

    def record(step, net):
        if (step + 1) % per_epoch == 0:
            val_loss.append(net.loss(x_val, t_val))

    history = train(net, optimizers.get("sgd", lr=lr), x, t, x_val=x_val, t_val=t_val, epochs=epochs,
                    batch_size=batch_size, seed=seed, early_stopping=patience, progress=False, callback=record)
    history["val_loss"] = np.array(val_loss)
    return {"net": net, "history": history, "best_epoch": int(np.argmax(history["val_acc"])),
            "stop_epoch": int(history["eval_step"][-1] // per_epoch),
            "val_loss_best_epoch": int(np.argmin(history["val_loss"]))}
