"""Chapter 07's experiments: the MNIST trial of the notes, grid versus random search measured,
and the region of a search the explorer shows. The reusable search tools are in course_lib.search."""
import functools
import math

import numpy as np

from course_lib import data, search
from course_lib._validate import positive_int
from course_lib.i18n import gettext as _
from course_lib.network import MLP
from course_lib.optimizers import get
from course_lib.search import column, grid_configs, random_configs, search_space
from course_lib.seeding import generator
from course_lib.training import train
from course_lib.experiments._shared import notes_mlp_sizes, train_surviving

__all__ = ["DLFS_SIZES", "mlp_trial", "peaked_score", "grid_vs_random", "search_region", "example_search",
           "fit_final", "cross_validate", "seed_spread", "decay_per_step"]

#: The network of *Deep Learning from Scratch* §6.5: 784-100-100-100-100-100-100-10.
DLFS_SIZES = notes_mlp_sizes(6)


# ---------------------------------------------------------------- grid versus random search

def peaked_score(x, peak, width=0.25):
    """A toy validation score of one hyperparameter x:  exp(−(log10 x − peak)² / (2·width²)).

    1 at x = 10^peak, falling to 0.6 a quarter-decade (``width``) away.
    """
    return np.exp(-0.5 * ((np.log10(np.asarray(x, dtype=np.float64)) - peak) / width) ** 2)


def grid_vs_random(space, important, per_axis=3, problems=1000, seed=0, width=0.25, grid="ends"):
    """Bergstra & Bengio (2012), measured: grid and random search with the same budget
    n = per_axis ** len(space) on problems where only ``important`` matters.

    Each problem's score is :func:`peaked_score` of the important hyperparameter,
    its peak drawn uniformly over the log range; the others are ignored. Returns
    {"grid": ..., "random": ...}, each with "trials" (n), "distinct" (distinct
    values of the important hyperparameter tried, averaged over problems) and
    "best" (the best score found, averaged), and "random_wins" (share of
    problems where random search found a higher score than the grid).
    ``grid``: "ends" (:func:`search.grid_configs`, the range's ends included, so two of three
    columns sit on the boundary) or "centred" (:func:`search.centred_grid_configs`, the fair grid).
    """
    if grid not in ("ends", "centred"):
        raise ValueError(_('grid must be "ends" (the range\'s ends included) or "centred", got {grid!r}').format(
                             grid=grid))
    bounds = search_space(space)
    if important not in bounds:
        raise ValueError(_("important must be one of {bounds}, got {important!r}").format(
                             bounds=list(bounds), important=important))
    problems = positive_int("problems", problems)
    rng = generator(seed)
    lo, hi = (math.log10(b) for b in bounds[important])
    peaks = rng.uniform(lo, hi, problems)
    make_grid = grid_configs if grid == "ends" else search.centred_grid_configs
    grid = column(make_grid(space, per_axis), important)
    n = grid.size
    best_grid = np.array([peaked_score(grid, p, width).max() for p in peaks])
    tried = [column(random_configs(space, n, rng), important) for _ in range(problems)]
    best_random = np.array([peaked_score(v, p, width).max() for v, p in zip(tried, peaks)])
    return {"grid": {"trials": n, "distinct": float(len(np.unique(grid))), "best": float(best_grid.mean())},
            "random": {"trials": n, "distinct": float(np.mean([len(np.unique(v)) for v in tried])),
                       "best": float(best_random.mean())},
            "random_wins": float(np.mean(best_random > best_grid))}



# ---------------------------------------------------------------- the MNIST trial of the notes

def mlp_trial(lr, weight_decay, data, sizes=DLFS_SIZES, epochs=50, batch_size=100, seed=0, return_net=False):
    """Train an MLP (ReLU, He init, SGD with ``lr``, L2 ``weight_decay``) on data = (x_train, t_train,
    x_val, t_val) and return {"val_acc", "train_acc", "history"} (+ "net"), the accuracies after
    the last epoch. A diverged run gives NaN accuracies instead of an error."""
    x_tr, t_tr, x_val, t_val = data
    net = MLP(list(sizes), weight_decay=weight_decay, seed=seed)
    with np.errstate(over="ignore", invalid="ignore"):     # a diverging trial is reported as NaN below
        history, diverged_at = train_surviving(net, get("sgd", lr=lr), x_tr, t_tr, x_val=x_val, t_val=t_val,
                                               epochs=epochs, batch_size=batch_size, seed=seed, progress=False)
    if diverged_at is None:
        out = {"val_acc": float(history["val_acc"][-1]), "train_acc": float(history["train_acc"][-1]),
               "history": history}
    else:
        out = {"val_acc": float("nan"), "train_acc": float("nan"), "history": history}
    if return_net:
        out["net"] = net
    return out


# ---------------------------------------------------------------- the explorer's search

def search_region(trials, log_lr=(-6.0, -2.0), log_wd=(-8.0, -4.0), key="val_acc"):
    """The trials inside a region of the (lr, λ) plane given in log10 units, best first.

    Returns (inside, best): the indices of the trials with log10 lr in ``log_lr``
    and log10 weight_decay in ``log_wd`` sorted by ``key`` (NaN last), and the
    index of the best one (None if the region holds no trial with a score).
    """
    idx = search.in_region(trials, {"lr": (10 ** log_lr[0], 10 ** log_lr[1]),
                                    "weight_decay": (10 ** log_wd[0], 10 ** log_wd[1])})
    scores = search.column(trials, key)
    idx.sort(key=lambda i: (not np.isfinite(scores[i]), -np.nan_to_num(scores[i], nan=-np.inf)))
    best = idx[0] if idx and np.isfinite(scores[idx[0]]) else None
    return idx, best


@functools.lru_cache(maxsize=2)
def example_search(n_trials: int = 20, epochs: int = 25, seed: int = 0):
    """Chapter 07's first round, for an explorer opened on its own: ``n_trials`` random (lr, λ) with lr
    in [1e-6, 1e-2] and λ in [1e-8, 1e-4], each training the notes' MLP for ``epochs`` epochs on 400
    MNIST images and scored on 100 validation images. Computed once (cached; do not modify the list)."""
    (x_train, t_train), _ = data.load_mnist()
    (x_tr, t_tr), (x_val, t_val) = search.validation_split(x_train[:500], t_train[:500], val_size=0.2, seed=0)
    split = (x_tr, t_tr, x_val, t_val)
    configs = search.random_configs({"lr": (1e-6, 1e-2), "weight_decay": (1e-8, 1e-4)}, n_trials, seed=seed)
    return search.run_trials(lambda lr, weight_decay: mlp_trial(lr, weight_decay, split, epochs=epochs),
                             configs, progress=False)


# ---------------------------------------------------------------- after the search (content pass)

def decay_per_step(lr, weight_decay, steps):
    """What L2 weight decay can do to a weight in a run of SGD: each step multiplies it by (1 − ηλ)
    (the decay part of w ← w − η(∂L/∂w + λw)), so ``steps`` steps shrink it by the factor
    (1 − ηλ)^steps at most. Returns (ηλ, 1 − (1 − ηλ)^steps): the shrink per step and over the run."""
    for label, v in (("lr", lr), ("weight_decay", weight_decay)):
        if not np.isfinite(v) or v < 0:
            raise ValueError(_("{label} must be a finite number >= 0, got {v!r}").format(label=label, v=v))
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool) or steps < 0:
        raise ValueError(_("steps must be an integer >= 0 (the number of updates), got {steps!r}").format(
                             steps=steps))
    per_step = float(lr) * float(weight_decay)
    return per_step, float(1.0 - (1.0 - per_step) ** int(steps))


def fit_final(lr, weight_decay, x, t, sizes=DLFS_SIZES, epochs=50, batch_size=100, seed=0):
    """The last training run: the chosen (lr, λ) trained on all rows (x, t) — training part and
    validation part together — with the setting of :func:`mlp_trial`, no validation watched.
    Returns the network, ready for the one test measurement."""
    net = MLP(list(sizes), weight_decay=weight_decay, seed=seed)
    train(net, get("sgd", lr=lr), x, t, epochs=epochs, batch_size=batch_size, seed=seed, progress=False)
    return net


def cross_validate(lr, weight_decay, x, t, k=5, sizes=DLFS_SIZES, epochs=50, batch_size=100, seed=0):
    """k-fold cross-validation of one setting: the validation accuracy of :func:`mlp_trial` on each of
    the k splits of :func:`search.kfold_splits` (folds seeded by ``seed``, the networks by 0).
    Returns the k accuracies; their mean ± s/√k (:func:`search.standard_error`) is the estimate."""
    return [mlp_trial(lr, weight_decay, (x_tr, t_tr, x_val, t_val), sizes=sizes, epochs=epochs,
                      batch_size=batch_size)["val_acc"]
            for (x_tr, t_tr), (x_val, t_val) in search.kfold_splits(x, t, k=k, seed=seed)]


def seed_spread(lr, weight_decay, data, seeds=range(5), sizes=DLFS_SIZES, epochs=50, batch_size=100):
    """The same setting and split trained once per seed (initial weights and batch order change):
    the validation accuracy of each seed, a list. Their spread is luck, not the hyperparameters."""
    seeds = list(seeds)
    if len(seeds) < 2:
        raise ValueError(_("seeds must hold at least 2 seeds to show a spread, got {seeds!r}").format(
                             seeds=seeds))
    return [mlp_trial(lr, weight_decay, data, sizes=sizes, epochs=epochs, batch_size=batch_size,
                      seed=int(s))["val_acc"] for s in seeds]
