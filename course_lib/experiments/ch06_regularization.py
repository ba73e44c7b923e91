"""Chapter 06's experiments: a small net on two noisy moons, trained with L2, dropout or max-norm."""
import functools

from course_lib import data, optimizers, regularization
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
    """A short label of a regularization setting: "none", "L2 λ=0.01", "dropout 0.3", ..."""
    parts = [f"L2 λ={weight_decay:g}" if weight_decay else "", f"dropout {dropout:g}" if dropout else "",
             f"max-norm c={max_norm:g}" if max_norm else ""]
    return " + ".join(p for p in parts if p) or "no regularization"
