"""Chapter 05's experiments, batch normalisation; layer 2: trains networks, draws nothing.

    check_layer(x, gamma, beta)               # BatchNorm's backward pass against central differences
    train_run(x, t, batchnorm=True, ...)      # one seeded MLP run -> (net, history), divergence recorded
    weight_scale_grid(x, t, scales)           # training accuracy with and without BN for each initial std
    batch_statistics_accuracy(net, x, t, 2)   # inference that (wrongly) uses the statistics of each batch
    steps_to(history, 0.95)                   # first update step at which the accuracy reaches a level
    step_time(net, x, t)                      # seconds for one forward and backward pass on a batch
    learning_rate_sweep(x, t, lrs)            # final training accuracy with and without BN for each η
    normalization_runs(x, t, xt, tt, 2)       # BN and layer norm trained with a given batch size
    folded_network(net)                       # the same inference scores with BN folded into W and b

The layer itself is ``course_lib.layers.BatchNorm``; the network option is
``MLP(..., batchnorm=True / "before" / "after")``.
"""
import dataclasses
import functools
import time

import numpy as np

from course_lib import data, i18n, optimizers
from course_lib._names import merge_params
from course_lib.gradcheck import numerical_gradient, relative_error
from course_lib.i18n import N_, gettext as _
from course_lib.layers import BatchNorm, fold_batchnorm
from course_lib.network import MLP
from course_lib.experiments._shared import notes_mlp_sizes, train_surviving
from course_lib.training import progress_bar

__all__ = ["DEPTH5", "Run", "check_layer", "train_run", "weight_scale_grid", "batch_statistics_accuracy",
           "steps_to", "step_time", "learning_rate_sweep", "normalization_runs", "folded_network",
           "NORMALIZATIONS"]

#: The network of *Deep Learning from Scratch*'s batch-norm experiment: 784-100×5-10.
DEPTH5 = notes_mlp_sizes(5)


def check_layer(x, gamma=None, beta=None, seed=0, h=1e-5):
    """Relative errors of BatchNorm's training-mode backward pass against central differences.

    The loss is L = Σ y ⊙ c with a fixed random c (so ∂L/∂y = c), y = BN(x) in
    training mode on the batch ``x`` (float64, shape (N, D) with N ≥ 2).
    Returns {"x": err, "gamma": err, "beta": err}, each ‖a − n‖ / (‖a‖ + ‖n‖).
    """
    x = np.array(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(_("x must be a batch of shape (N, D) with N >= 2 rows, got shape {shape}; batch "
                           "statistics of a single row are meaningless").format(shape=x.shape))
    d = x.shape[1]
    params = {"gamma1": np.ones(d) if gamma is None else np.array(gamma, dtype=np.float64),
              "beta1": np.zeros(d) if beta is None else np.array(beta, dtype=np.float64)}
    for key, value in params.items():
        if value.shape != (d,):
            raise ValueError(_("{key} must have one value per column of x, shape ({d},); got {shape}").format(
                                 key=key[:-1], d=d, shape=value.shape))
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    layer = BatchNorm(params, grads, 1)
    c = np.random.default_rng(seed).standard_normal(x.shape)

    def loss(_):
        return float(np.sum(c * layer.forward(x, train=True)))

    layer.forward(x, train=True)
    dx = layer.backward(c.copy())
    return {"x": relative_error(dx, numerical_gradient(loss, x, h)),
            "gamma": relative_error(grads["gamma1"], numerical_gradient(loss, params["gamma1"], h)),
            "beta": relative_error(grads["beta1"], numerical_gradient(loss, params["beta1"], h))}


@dataclasses.dataclass(frozen=True)
class Run:
    """One seeded run of this chapter: ``MLP(sizes, activation, init, batchnorm, layernorm, seed)``
    trained by ``optimizer`` at learning rate ``lr`` for ``epochs`` passes of ``batch_size``-row
    mini-batches (their order seeded by ``seed`` too). ``init`` is an initialiser name or the std
    σ of W ~ N(0, σ²). Every experiment below takes these fields as keywords."""

    batchnorm: object = True
    layernorm: bool = False
    init: object = "he_normal"
    sizes: tuple = DEPTH5
    activation: str = "relu"
    optimizer: str = "sgd"
    lr: float = 0.1
    epochs: int = 5
    batch_size: int = 100
    seed: int = 0

    def replace(self, what="train_run", **changes):
        """This run with ``changes`` (field=value); an unknown field is a TypeError naming the close
        match and every field (``what`` names the function that was called)."""
        merge_params(f"{what}()", changes, dataclasses.asdict(self), numeric=False)
        return dataclasses.replace(self, **changes)


def train_run(x, t, x_test=None, t_test=None, *, run=None, progress=False, **changes):
    """Train one network as ``run`` (a :class:`Run`; default ``Run()``) with ``changes`` applied --
    the keywords are Run's fields: batchnorm, layernorm, init, sizes, activation, optimizer, lr,
    epochs, batch_size, seed.

    Returns (net, history) as ``training.train`` (one evaluation per epoch).
    If the loss overflows (NaN or ∞), the run stops there instead of raising:
    ``history["diverged_at"]`` is that update step (None otherwise), and the
    remaining evaluations repeat the accuracy the broken network has, so every
    run has the same number of evaluations.
    """
    r = (run or Run()).replace("train_run", **changes)
    net = MLP(list(r.sizes), activation=r.activation, init=r.init, batchnorm=r.batchnorm, seed=r.seed,
              layernorm=r.layernorm)
    opt = optimizers.get(r.optimizer, lr=r.lr)
    hist, diverged_at = train_surviving(net, opt, x, t, x_test=x_test, t_test=t_test, epochs=r.epochs,
                                        batch_size=r.batch_size, seed=r.seed, progress=progress)
    hist["diverged_at"] = diverged_at
    if diverged_at is not None:
        _repeat_broken_accuracy(net, hist, x, t, x_test, t_test, r)
    return net, hist


def _repeat_broken_accuracy(net, hist, x, t, x_test, t_test, r):
    """Fill a diverged run's history up to ``r.epochs`` evaluations with the broken network's accuracy."""
    per_epoch = len(x) // min(r.batch_size, len(x))
    steps = np.arange(r.epochs + 1) * per_epoch
    with np.errstate(all="ignore"):
        broken = {"train_acc": net.accuracy(x, t)}
        if x_test is not None:
            broken["test_acc"] = net.accuracy(x_test, t_test)
    for key, value in broken.items():
        done = hist[key]
        hist[key] = np.concatenate([done, np.full(steps.size - done.size, value)])
    hist["eval_step"] = steps


def weight_scale_grid(x, t, scales, *, labels=None, progress=True, **changes):
    """The weight-scale experiment: for each initial std in ``scales``, train with and without BN.

    Every run uses weights W ~ N(0, std²), the same seed and the same mini-batches,
    SGD at lr (default 0.01; the keywords are :class:`Run`'s fields, default epochs=20), and
    measures the accuracy on (x, t) once per epoch (inference mode).
    ``labels`` maps a series name to the MLP's batchnorm option
    (default {"no BN": False, "BN": True}). Returns a dict:

    scales       the stds, as an array
    epoch        0, 1, ..., epochs
    curves       name -> array (len(scales), epochs + 1) of accuracies
    final        name -> array (len(scales),): the accuracy after the last epoch
    diverged_at  name -> list, per scale, of the update step where the loss overflowed (or None)
    """
    base = Run(lr=0.01, epochs=20).replace("weight_scale_grid", **changes)
    scales = np.asarray(scales, dtype=np.float64).ravel()
    if scales.size == 0 or np.any(~np.isfinite(scales)) or np.any(scales <= 0):
        raise ValueError(i18n.gettext(N_("scales must be positive standard deviations, e.g. np.logspace(0, "
                                         "-4, 16); got {scales}")).format(scales=scales))
    labels = {N_("no BN"): False, N_("BN"): True} if labels is None else dict(labels)
    curves = {name: [] for name in labels}
    diverged = {name: [] for name in labels}
    with progress_bar(total=scales.size * len(labels), desc=N_("weight-scale grid"), enabled=progress) as bar:
        for std in scales:
            for name, option in labels.items():
                _, hist = train_run(x, t, run=base, batchnorm=option, init=float(std))
                curves[name].append(hist["train_acc"])
                diverged[name].append(hist["diverged_at"])
                bar.update(1)
    curves = {name: np.array(c) for name, c in curves.items()}
    return {"scales": scales, "epoch": np.arange(base.epochs + 1), "curves": curves,
            "final": {name: c[:, -1] for name, c in curves.items()}, "diverged_at": diverged}


def batch_statistics_accuracy(net, x, t, batch_size, order="random", seed=0):
    """Accuracy when every batch-norm layer normalises with the statistics of the batch it is given
    (training-mode BN) instead of the running averages — the mistake of running inference in
    training mode.

    The rows of (x, t) are split into len(x) // batch_size batches of at least ``batch_size``
    rows, in a seeded random order (``order="random"``) or sorted by label (``"by_class"``: each
    batch holds mostly one digit). The running averages are left as they were.
    """
    if not net.batchnorm_layers():
        raise ValueError(_("the network has no batch-norm layers: build it with MLP(..., batchnorm=True)"))
    if net.dropout:
        raise ValueError(_("the network uses dropout, which training mode would also switch on; use a network "
                           "without dropout"))
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 2:
        raise ValueError(_("batch_size must be an integer >= 2: the variance of a batch of one row is 0, so "
                           "batch statistics cannot normalise it; got {batch_size!r}").format(
                             batch_size=batch_size))
    if order not in ("random", "by_class"):
        raise ValueError(_("order must be 'random' or 'by_class', got {order!r}").format(order=order))
    t = np.asarray(t)
    if len(x) != len(t) or len(x) < batch_size:
        raise ValueError(_("need at least batch_size={batch_size} rows with one label each; got {rows} rows and "
                           "{labels} labels").format(batch_size=batch_size, rows=len(x), labels=len(t)))
    idx = (np.random.default_rng(seed).permutation(len(x)) if order == "random"
           else np.argsort(t, kind="stable"))
    correct = 0
    with net.preserving_statistics():
        for part in np.array_split(idx, len(x) // batch_size):
            correct += int(np.sum(net.predict(x[part], train=True).argmax(axis=1) == t[part]))
    return correct / len(x)


def steps_to(history, level, key="train_acc"):
    """The first evaluation step (updates done) at which history[key] ≥ level, or None if never."""
    values = np.asarray(history[key])
    steps = np.asarray(history["eval_step"])
    hit = np.flatnonzero(values >= level)
    return None if hit.size == 0 else int(steps[hit[0]])


def step_time(net, x, t, repeats=30):
    """Seconds for one training-mode forward and backward pass of ``net`` on the batch (x, t):
    the median of ``repeats`` passes after one warm-up. Nothing is updated (the batch-norm
    running averages are restored)."""
    if repeats < 1:
        raise ValueError(i18n.gettext(N_("repeats must be >= 1, got {repeats}")).format(repeats=repeats))
    times = []
    with net.preserving_statistics():
        net.loss_and_gradient(x, t)
        for _repeat in range(int(repeats)):
            start = time.perf_counter()
            net.loss_and_gradient(x, t)
            times.append(time.perf_counter() - start)
    return float(np.median(times))



def learning_rate_sweep(x, t, lrs, *, labels=None, progress=False, **changes):
    """For each learning rate η in ``lrs``, train the same network with and without BN (``train_run``:
    SGD, the same seed and mini-batches) and keep the training accuracy after ``epochs`` epochs
    (the keywords are :class:`Run`'s fields, default epochs=5).

    ``labels`` maps a series name to the MLP's batchnorm option (default {"no BN": False, "BN": True}).
    Returns {"lrs": array, "final": name -> array (len(lrs),), "diverged_at": name -> list (update
    step where the loss overflowed, or None), "best_lr": name -> the η with the highest final accuracy}.
    """
    base = Run().replace("learning_rate_sweep", **changes)
    lrs = np.asarray(lrs, dtype=np.float64).ravel()
    if lrs.size == 0 or np.any(~np.isfinite(lrs)) or np.any(lrs <= 0):
        raise ValueError(i18n.gettext(N_("lrs must be positive learning rates, e.g. [0.01, 0.1, 1.0]; got "
                                         "{lrs}")).format(lrs=lrs))
    labels = {N_("no BN"): False, N_("BN"): True} if labels is None else dict(labels)
    final = {name: [] for name in labels}
    diverged = {name: [] for name in labels}
    with progress_bar(total=lrs.size * len(labels), desc=N_("learning-rate sweep"), enabled=progress) as bar:
        for lr in lrs:
            for name, option in labels.items():
                _, hist = train_run(x, t, run=base, batchnorm=option, lr=float(lr))
                final[name].append(float(hist["train_acc"][-1]))
                diverged[name].append(hist["diverged_at"])
                bar.update(1)
    final = {name: np.array(v) for name, v in final.items()}
    return {"lrs": lrs, "final": final, "diverged_at": diverged,
            "best_lr": {name: float(lrs[int(np.argmax(v))]) for name, v in final.items()}}


#: The normalisations ``normalization_runs`` compares: name -> MLP keywords.
NORMALIZATIONS = {N_("BN"): {"batchnorm": True}, N_("LayerNorm"): {"batchnorm": False, "layernorm": True}}


def normalization_runs(x, t, x_test, t_test, batch_size, *, kinds=("BN", "LayerNorm"), **changes):
    """Train one network per normalisation in ``kinds`` (names of ``NORMALIZATIONS``: batch norm, which
    normalises each unit over the batch, or layer norm, which normalises each example over its units)
    with mini-batches of ``batch_size`` rows, SGD at lr; otherwise as ``train_run`` (the keywords are
    :class:`Run`'s fields, default lr=0.01, epochs=1).

    Returns {name: (net, history)}; history["test_acc"][-1] is the inference-mode test accuracy at the end.
    """
    unknown = [k for k in kinds if k not in NORMALIZATIONS]
    if unknown or not kinds:
        raise ValueError(_("kinds must name some of {names}, got {kinds}").format(
                             names=list(NORMALIZATIONS), kinds=list(kinds)))
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 2:
        raise ValueError(_("batch_size must be an integer >= 2 (batch norm cannot train on one row), got "
                           "{batch_size!r}").format(batch_size=batch_size))
    base = Run(lr=0.01, epochs=1).replace("normalization_runs", **changes)
    return {name: train_run(x, t, x_test, t_test, run=base, batch_size=batch_size, **NORMALIZATIONS[name])
            for name in kinds}


def folded_network(net):
    """A network without batch norm whose inference-mode scores are ``net``'s: each Dense → BN pair
    becomes one Dense layer with W' = W·s, b' = (b − μ_run)·s + β, s = γ/√(σ²_run + ε)
    (``layers.fold_batchnorm``). ``net`` must put BN before the activation (``batchnorm="before"``).
    """
    if net.batchnorm != "before":
        raise ValueError(_("folding needs batch norm right after each Dense layer (MLP(batchnorm=True) or "
                           "'before'); this network has batchnorm={batchnorm!r}").format(
                             batchnorm=net.batchnorm))
    if isinstance(net.activation, str):
        raise ValueError(_("folded_network supports elementwise activations by name, not {activation!r}").format(
                             activation=net.activation))
    folded = MLP(net.sizes, activation=net.activation, batchnorm=False, seed=0, dtype=net.dtype)
    for key in folded.params:
        folded.params[key][...] = net.params[key]
    for i, bn in enumerate(net.batchnorm_layers(), start=1):
        W, b = fold_batchnorm(net.params[f"W{i}"], net.params[f"b{i}"], net.params[f"gamma{i}"],
                              net.params[f"beta{i}"], bn.running_mean, bn.running_var, bn.eps)
        folded.params[f"W{i}"][...], folded.params[f"b{i}"][...] = W, b
    return folded

# ---------------------------------------------------------------- the explorer's runs

@functools.lru_cache(maxsize=64)
def _bn_runs_cached(log10_std, log10_lr, n, epochs, batch_size, seed):
    (x, t), _ = data.load_mnist()
    runs = {}
    for name, option in ((N_("no BN"), False), (N_("BN"), True)):
        _, runs[name] = train_run(x[:n], t[:n], batchnorm=option, init=10.0 ** log10_std,
                                            lr=10.0 ** log10_lr, epochs=epochs, batch_size=batch_size,
                                            seed=seed)
    return runs


def bn_runs(std: float, lr: float, n: int = 500, epochs: int = 6, batch_size: int = 50, seed: int = 0):
    """Training histories of the 784-100×5-10 ReLU net with and without batch norm:
    weights W ~ N(0, std²), SGD at rate ``lr``, on the first ``n`` MNIST training images.

    Returns {"no BN": history, "BN": history} (``train_run`` histories: per-step
    "loss", per-epoch "train_acc", "diverged_at"). Cached: returning to a setting is instant;
    do not modify the returned histories.
    """
    if not (std > 0 and lr > 0):
        raise ValueError(_("std and lr must be > 0, got std={std}, lr={lr}").format(std=std, lr=lr))
    return _bn_runs_cached(round(float(np.log10(std)), 3), round(float(np.log10(lr)), 3), int(n),
                           int(epochs), int(batch_size), int(seed))

