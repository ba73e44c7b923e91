"""Hyperparameter search (하이퍼파라미터 탐색): a validation split, log-uniform sampling,
random and grid search, and picking the best trial by validation accuracy.

    (x_tr, t_tr), (x_val, t_val) = validation_split(x, t, val_size=0.2, seed=0)
    configs = random_configs({"lr": (1e-6, 1e-2), "weight_decay": (1e-8, 1e-4)}, n=100, seed=0)
    trials = run_trials(lambda **c: train_and_score(**c), configs)   # e.g. experiments' mlp_trial
    best = trials[best_trial(trials)]            # by validation accuracy — never the test set
    r = lr_range_test(lambda: MLP([784, 100, 10]), "sgd", x_tr, t_tr)   # r["suggested"]: a learning rate

Layer 2 (models and data). A *trial* is a dict: the hyperparameters of one configuration
and what training with them gave (``val_acc``, ``train_acc``, ``history``). Every sampling
function takes a seed, so a search is reproducible. Chapter 07's own experiments (the MNIST
trial of the notes, grid versus random search) are in
``course_lib.experiments.ch07_hyperparameter_search``.
"""
import math

import numpy as np

from course_lib._validate import positive_int
from course_lib.i18n import N_, gettext as _
from course_lib.seeding import generator     # seed: an int or a np.random.Generator
from course_lib.training import minibatches, progress_bar

__all__ = ["validation_split", "log_uniform", "search_space", "random_configs", "grid_configs",
           "narrow_space", "run_trials", "best_trial", "top_trials", "column", "in_region",
           "centred_grid_configs", "extend_space", "kfold_splits", "standard_error",
           "rank_correlation", "lr_range_test", "centred_mean"]


# ---------------------------------------------------------------- the validation split

def validation_split(x, t, val_size=0.2, seed=0, stratify=True):
    """Split training data into ((x_train, t_train), (x_val, t_val)), seeded.

    ``val_size``: a fraction in (0, 1) or a number of rows. With ``stratify``
    (and integer labels) every class keeps its share in both parts. The
    validation rows come from the *training* data: the test set is never
    touched, so it can still measure new data at the very end.
    """
    x, t = np.asarray(x), np.asarray(t)
    n = len(x)
    if len(t) != n:
        raise ValueError(_("x has {rows} rows but t has {labels} labels").format(rows=n, labels=len(t)))
    if isinstance(val_size, (float, np.floating)) and 0 < val_size < 1:
        n_val = int(round(val_size * n))
    elif isinstance(val_size, (int, np.integer)) and not isinstance(val_size, bool) and 0 < val_size < n:
        n_val = int(val_size)
    else:
        raise ValueError(_("val_size must be a fraction in (0, 1) or a row count in 1..{last}, got {value!r}").format(
            last=n - 1, value=val_size))
    if not 0 < n_val < n:
        raise ValueError(_("val_size={value!r} leaves {n_val} validation rows of {n}; both parts need rows").format(
            value=val_size, n_val=n_val, n=n))
    rng = generator(seed)
    order = rng.permutation(n)
    if stratify and t.ndim == 1 and np.issubdtype(t.dtype, np.integer):
        # deal the shuffled rows out class by class, so each class is split in proportion
        labels = t[order]
        ranks = np.empty(n, dtype=np.float64)
        for c in np.unique(labels):
            idx = np.flatnonzero(labels == c)
            ranks[idx] = (np.arange(len(idx)) + rng.random()) / len(idx)
        order = order[np.argsort(ranks, kind="stable")]
    val, tr = order[:n_val], order[n_val:]
    return (x[tr], t[tr]), (x[val], t[val])


# ---------------------------------------------------------------- sampling

def _bounds(low, high, name="value"):
    for v in (low, high):
        if not isinstance(v, (int, float, np.number)) or isinstance(v, bool) or not np.isfinite(v) or v <= 0:
            raise ValueError(_("{name}: log-uniform bounds must be finite numbers > 0, got ({low!r}, {high!r})").format(
                name=name, low=low, high=high))
    if not low < high:
        raise ValueError(_("{name}: need low < high, got ({low!r}, {high!r})").format(name=name, low=low, high=high))
    return float(low), float(high)


def log_uniform(low, high, size=None, seed=0):
    """Values spread evenly over the decades between low and high:  10^U(log10 low, log10 high).

    Every decade gets the same share (lr in [1e-6, 1e-2]: a quarter in each of
    [1e-6, 1e-5], ..., [1e-3, 1e-2]); a uniform draw on [low, high] would put
    90 % in the top decade. ``seed``: an int or a np.random.Generator.
    """
    low, high = _bounds(low, high)
    return 10.0 ** generator(seed).uniform(math.log10(low), math.log10(high), size)


def search_space(space):
    """The search space ``{name: (low, high)}`` checked: a non-empty dict of pairs 0 < low < high."""
    if not isinstance(space, dict) or not space:
        raise TypeError(_('space must be a dict name -> (low, high), e.g. {"lr": (1e-6, 1e-2)}'))
    out = {}
    for name, b in space.items():
        try:
            low, high = b
        except (TypeError, ValueError):
            raise ValueError(_("space[{name!r}] must be a pair (low, high), got {value!r}").format(
                name=name, value=b)) from None
        out[name] = _bounds(low, high, name)
    return out


def random_configs(space, n, seed=0):
    """``n`` configurations, each hyperparameter log-uniform in its (low, high): a list of dicts."""
    space = search_space(space)
    n = positive_int("n", n, _(" (the number of trials)"))
    rng = generator(seed)
    values = {name: log_uniform(low, high, n, rng) for name, (low, high) in space.items()}
    return [{name: float(v[i]) for name, v in values.items()} for i in range(n)]


def grid_configs(space, per_axis):
    """Every combination of ``per_axis`` log-spaced values per hyperparameter (ends included):
    per_axis ** len(space) configurations, a list of dicts."""
    space = search_space(space)
    per_axis = positive_int("per_axis", per_axis, _(" (values per hyperparameter)"))
    axes = {name: np.logspace(math.log10(lo), math.log10(hi), per_axis) if per_axis > 1
            else np.array([math.sqrt(lo * hi)]) for name, (lo, hi) in space.items()}
    mesh = np.meshgrid(*axes.values(), indexing="ij")
    return [{name: float(m.flat[i]) for name, m in zip(axes, mesh)} for i in range(mesh[0].size)]


def narrow_space(trials, names, top=5, key="val_acc", margin=0.5):
    """The coarse-to-fine step: a new space around the ``top`` best trials (by ``key``).

    For each name: from the smallest to the largest value among the top trials,
    widened by ``margin`` decades on each side (so a best region at the edge of
    the old range can grow past it).
    """
    idx = _ranking(trials, key)[:top]
    if len(idx) == 0:
        raise ValueError(_("no trial has a finite {key!r} to narrow the space around").format(key=key))
    out = {}
    for name in names:
        v = np.log10([trials[i][name] for i in idx])
        out[name] = (float(10 ** (v.min() - margin)), float(10 ** (v.max() + margin)))
    return out


# ---------------------------------------------------------------- running and ranking trials

def run_trials(objective, configs, progress=True, desc=N_("trials")):
    """Call ``objective(**config)`` for every configuration, with a progress bar over the trials.

    ``objective`` returns a dict (e.g. val_acc, train_acc, history). Returns a
    list of trials: each is the configuration merged with its result.
    """
    configs = list(configs)
    if not callable(objective):
        raise TypeError(_("objective must be a function objective(**config) -> dict of results"))
    trials = []
    for config in progress_bar(configs, desc=desc, enabled=progress):
        result = objective(**config)
        if not isinstance(result, dict):
            raise TypeError(_("objective must return a dict (e.g. {{'val_acc': 0.9}}), got {kind}").format(
                kind=type(result).__name__))
        trials.append({**config, **result})
    return trials


def column(trials, key):
    """One field of every trial as a float array (NaN where a trial lacks it)."""
    return np.array([float(tr.get(key, np.nan)) for tr in trials], dtype=np.float64)


def _ranking(trials, key):
    scores = column(trials, key)
    ok = np.flatnonzero(np.isfinite(scores))
    return ok[np.argsort(-scores[ok], kind="stable")]


def best_trial(trials, key="val_acc"):
    """Index of the trial with the highest ``key`` (validation accuracy by default), skipping NaN
    (diverged) trials; the first one wins a tie. Never rank by test accuracy: the test set
    must stay unseen until the one final measurement."""
    if key in ("test_acc", "test"):
        raise ValueError(_("choosing by the test accuracy makes it a validation accuracy: the final test "
                           "number would be optimistic. Rank by 'val_acc' and use the test set once, at the end."))
    if not trials:
        raise ValueError(_("no trials to choose from"))
    order = _ranking(trials, key)
    if len(order) == 0:
        raise ValueError(_("no trial has a finite {key!r} (all diverged?)").format(key=key))
    return int(order[0])


def top_trials(trials, k=5, key="val_acc"):
    """Indices of the ``k`` best trials by ``key``, best first (NaN skipped)."""
    return [int(i) for i in _ranking(trials, key)[:k]]


def in_region(trials, region):
    """Indices of the trials whose every hyperparameter lies in region[name] = (low, high) (inclusive)."""
    keep = np.ones(len(trials), dtype=bool)
    for name, (lo, hi) in region.items():
        v = column(trials, name)
        keep &= (v >= lo) & (v <= hi)
    return [int(i) for i in np.flatnonzero(keep)]


# ---------------------------------------------------------------- added for the content pass (chapter 07)

def centred_grid_configs(space, per_axis):
    """A fair grid: ``per_axis`` values per hyperparameter at the centres of equal log-cells,

        x_k = 10^(log10 low + (k + ½)·(log10 high − log10 low)/per_axis),   k = 0 … per_axis − 1,

    so no value sits on the boundary of the range (``grid_configs`` puts two of them there).
    per_axis ** len(space) configurations, a list of dicts.
    """
    space = search_space(space)
    if not isinstance(per_axis, (int, np.integer)) or isinstance(per_axis, bool) or per_axis < 1:
        raise ValueError(_("per_axis must be a positive integer, got {value!r}").format(value=per_axis))
    axes = {}
    for name, (lo, hi) in space.items():
        a, b = math.log10(lo), math.log10(hi)
        axes[name] = 10.0 ** (a + (np.arange(per_axis) + 0.5) * (b - a) / per_axis)
    mesh = np.meshgrid(*axes.values(), indexing="ij")
    return [{name: float(m.flat[i]) for name, m in zip(axes, mesh)} for i in range(mesh[0].size)]


def extend_space(trials, space, names, top=5, key="val_acc", margin=0.5, extend=1.0):
    """Coarse to fine, past an edge: :func:`narrow_space` around the ``top`` trials, and where they
    crowd an edge of the old ``space`` the range moves past that edge.

    In log10 units, with v the values of the top trials and (a, b) the old range of a name:
        low  = min(v) − margin,  or  a − extend  if min(v) − a < margin (the best sit at the low edge);
        high = max(v) + margin,  or  b + extend  if b − max(v) < margin (the best sit at the high edge).
    """
    space = search_space(space)
    unknown = [n for n in names if n not in space]
    if unknown:
        raise ValueError(_("names {unknown} are not in space (its names: {names})").format(
            unknown=unknown, names=list(space)))
    for label, value in (("margin", margin), ("extend", extend)):
        if not isinstance(value, (int, float, np.number)) or isinstance(value, bool) or not value >= 0:
            raise ValueError(_("{name} must be a number of decades >= 0, got {value!r}").format(name=label, value=value))
    narrow = narrow_space(trials, names, top=top, key=key, margin=margin)
    out = {}
    for name in names:
        a, b = (math.log10(x) for x in space[name])
        lo, hi = (math.log10(x) for x in narrow[name])
        v_lo, v_hi = lo + margin, hi - margin
        if v_lo - a < margin:
            lo = min(lo, a - extend)
        if b - v_hi < margin:
            hi = max(hi, b + extend)
        out[name] = (float(10 ** lo), float(10 ** hi))
    return out


def kfold_splits(x, t, k=5, seed=0, stratify=True):
    """The k splits of k-fold cross-validation: a list of ((x_train, t_train), (x_val, t_val)).

    The rows are shuffled with ``seed`` and dealt into k folds of (nearly) equal size (by class,
    with ``stratify`` and integer labels); split i validates on fold i and trains on the other
    k − 1. Every row is validated exactly once, so the mean of the k validation scores rests on
    all n rows instead of n/k.
    """
    x, t = np.asarray(x), np.asarray(t)
    n = len(x)
    if len(t) != n:
        raise ValueError(_("x has {rows} rows but t has {labels} labels").format(rows=n, labels=len(t)))
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not 2 <= k <= n:
        raise ValueError(_("k (the number of folds) must be an integer in 2..{n} (the rows), got {value!r}").format(
            n=n, value=k))
    rng = generator(seed)
    order = rng.permutation(n)
    if stratify and t.ndim == 1 and np.issubdtype(t.dtype, np.integer):
        order = order[np.argsort(t[order], kind="stable")]      # class by class, shuffled within a class
    fold = np.empty(n, dtype=np.int64)
    fold[order] = np.arange(n) % k                               # deal the rows out like cards
    splits = []
    for i in range(k):
        val, tr = np.flatnonzero(fold == i), np.flatnonzero(fold != i)
        splits.append(((x[tr], t[tr]), (x[val], t[val])))
    return splits


def standard_error(scores):
    """The standard error of the mean of independent scores:  s/√k, with s the sample standard
    deviation (ddof = 1) of the k scores."""
    v = np.asarray(scores, dtype=np.float64).ravel()
    if v.size < 2 or not np.all(np.isfinite(v)):
        raise ValueError(_("scores must hold at least 2 finite numbers, got {n} values").format(n=v.size)
                         + ("" if np.all(np.isfinite(v)) else _(" with NaN or inf among them")))
    return float(v.std(ddof=1) / math.sqrt(v.size))


def rank_correlation(a, b):
    """Spearman's rank correlation of a and b: the Pearson correlation of their ranks,
    ρ = cov(rank a, rank b) / (σ_rank a · σ_rank b), in [−1, 1]; pairs with a NaN are left out
    (diverged trials). +1: b grows whenever a does; 0: no monotone relation. Ties get their mean rank."""
    a, b = np.asarray(a, dtype=np.float64).ravel(), np.asarray(b, dtype=np.float64).ravel()
    if a.size != b.size:
        raise ValueError(_("a and b need one value per trial, got {a} and {b}").format(a=a.size, b=b.size))
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 3:
        raise ValueError(_("need at least 3 pairs without NaN to rank, got {n}").format(n=int(ok.sum())))

    def ranks(v):
        order = np.argsort(v, kind="stable")
        r = np.empty(v.size)
        r[order] = np.arange(v.size, dtype=np.float64)
        for value in np.unique(v):
            same = v == value
            if same.sum() > 1:
                r[same] = r[same].mean()
        return r

    ra, rb = ranks(a[ok]), ranks(b[ok])
    if ra.std() == 0 or rb.std() == 0:
        raise ValueError(_("a or b is constant: a rank correlation needs values that vary"))
    return float(np.corrcoef(ra, rb)[0, 1])


# ---------------------------------------------------------------- the learning-rate range test

#: the range test stops once an EMA (weight 0.9) of the loss exceeds this many times its minimum
RANGE_TEST_DIVERGED = 4.0
#: the range test's loss curve is smoothed by a centred mean over 2·RANGE_TEST_HALF_WINDOW + 1 steps
RANGE_TEST_HALF_WINDOW = 5
#: the suggested learning rate is the one at the smoothed-loss minimum divided by this
RANGE_TEST_BELOW_MIN = 10.0


def centred_mean(y, half_window):
    """s_k = mean of y_j over |j − k| ≤ h (fewer terms at the ends): smoothing without lag."""
    y = np.asarray(y, dtype=np.float64)
    c = np.concatenate([[0.0], np.cumsum(y)])
    k = np.arange(len(y))
    lo, hi = np.maximum(k - half_window, 0), np.minimum(k + half_window + 1, len(y))
    return (c[hi] - c[lo]) / (hi - lo)


def _positive_int(name, value, low=1):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < low:
        raise ValueError(_("{name} must be an integer >= {low}, got {value!r}").format(name=name, low=low, value=value))
    return int(value)


def lr_range_test(make_net, make_optimizer, x, t, lr_min=1e-5, lr_max=10.0, steps=200, batch_size=64, seed=0):
    """The learning-rate range test (Smith 2017; Géron ch. 11): train one fresh network for
    ``steps`` mini-batch updates while the learning rate grows exponentially,

        η_k = η_min · (η_max / η_min)^(k / (steps − 1)),   k = 0 … steps − 1,

    record the mini-batch loss L_k of every step (measured before update k), and suggest
    a learning rate a bit below the one where the smoothed loss is lowest:

        s_k = mean of L_j over |j − k| ≤ 5  (centred: no lag);   suggested = η_argmin s / 10

    (past the loss minimum η is too large; Smith and Géron pick about ten times lower).
    The test stops early once a running average of the loss (EMA, weight 0.9) exceeds 4×
    its minimum (the loss has diverged) or a loss is NaN/inf, so the arrays can be
    shorter than ``steps``.

    make_net: a function with no arguments returning a fresh network (``network.MLP``
    or anything with ``params`` and ``loss_and_gradient(x, t)``).  make_optimizer: a
    function ``lr -> optimizer`` (e.g. ``lambda lr: optimizers.get("adam", lr=lr)``) or
    an optimizer name; its ``lr`` is set before every step.  ``seed`` fixes the order of
    the mini-batches (the network's own seed is make_net's business).

    Returns a dict: ``lr`` and ``loss`` (one entry per step run), ``smoothed`` (s),
    ``lr_at_min`` (η where s is lowest), ``suggested``, ``diverged`` (True when the run
    stopped early) and ``steps`` (the number of steps run).
    """
    make_optimizer = _range_test_makers(make_net, make_optimizer)
    x, t, lrs, batch_size = _range_test_rates(x, t, lr_min, lr_max, steps, batch_size)
    net, opt = _range_test_built(make_net, make_optimizer, lrs[0])
    losses, diverged = _range_test_losses(net, opt, x, t, lrs, batch_size, seed)
    n = len(losses)
    if n == 0:
        raise ValueError(_("the very first loss was not finite at lr={lr:g}: check the network and the data").format(
            lr=lrs[0]))
    smooth = centred_mean(losses, RANGE_TEST_HALF_WINDOW)
    lr_at_min = float(lrs[int(np.argmin(smooth))])
    return {"lr": lrs[:n].copy(), "loss": np.asarray(losses), "smoothed": smooth, "lr_at_min": lr_at_min,
            "suggested": max(lr_at_min / RANGE_TEST_BELOW_MIN, float(lrs[0])), "diverged": diverged, "steps": n}


def _range_test_makers(make_net, make_optimizer):
    """make_optimizer as a function lr -> optimizer (a name becomes one); TypeError for anything else."""
    from . import optimizers
    if not callable(make_net):
        raise TypeError(_("make_net must be a function with no arguments that returns a fresh network, "
                          "e.g. lambda: MLP([784, 100, 10], seed=0)"))
    if isinstance(make_optimizer, str):
        opt_name = make_optimizer
        optimizers.get(opt_name)                 # an unknown name fails here, naming close matches
        make_optimizer = lambda lr: optimizers.get(opt_name, lr=lr)   # noqa: E731
    if not callable(make_optimizer):
        raise TypeError(_("make_optimizer must be a function lr -> optimizer, e.g. "
                          "lambda lr: optimizers.get('sgd', lr=lr), or an optimizer name such as 'sgd'"))
    return make_optimizer


def _range_test_rates(x, t, lr_min, lr_max, steps, batch_size):
    """(x, t, the rates η_k = η_min · (η_max / η_min)^(k / (steps − 1)), the batch size), checked."""
    x, t = np.asarray(x), np.asarray(t)
    if len(x) != len(t):
        raise ValueError(_("x has {rows} rows but t has {labels} labels").format(rows=len(x), labels=len(t)))
    for arg, v in (("lr_min", lr_min), ("lr_max", lr_max)):
        if not isinstance(v, (int, float, np.number)) or isinstance(v, bool) or not np.isfinite(v) or v <= 0:
            raise ValueError(_("{name} must be a finite learning rate > 0, got {value!r}").format(name=arg, value=v))
    if not lr_min < lr_max:
        raise ValueError(_("need lr_min < lr_max (the rate grows from one to the other), got "
                           "lr_min={lr_min!r}, lr_max={lr_max!r}").format(lr_min=lr_min, lr_max=lr_max))
    lr_min, lr_max = float(lr_min), float(lr_max)
    steps = _positive_int("steps", steps, low=2)
    batch_size = _positive_int("batch_size", batch_size)
    if len(x) == 0:
        raise ValueError(_("x is empty: the range test needs training rows"))
    return x, t, lr_min * (lr_max / lr_min) ** (np.arange(steps) / (steps - 1)), min(batch_size, len(x))


def _range_test_built(make_net, make_optimizer, lr):
    """(make_net(), make_optimizer(lr)), each checked to be what the test needs."""
    net = make_net()
    if not hasattr(net, "params") or not hasattr(net, "loss_and_gradient"):
        raise TypeError(_("make_net() returned {kind}, which has no params / loss_and_gradient; "
                          "it must return a network such as network.MLP").format(kind=type(net).__name__))
    opt = make_optimizer(lr)
    if not hasattr(opt, "update"):
        raise TypeError(_("make_optimizer(lr) returned {kind}, which has no update(params, grads)").format(
            kind=type(opt).__name__))
    return net, opt


def _range_test_losses(net, opt, x, t, lrs, batch_size, seed):
    """The mini-batch loss before each update k, taken at rate lrs[k]; (losses, diverged). Stops at a
    NaN/inf loss or once the bias-corrected EMA of the loss (weight 0.9) exceeds RANGE_TEST_DIVERGED × its minimum."""
    losses, avg, best = [], 0.0, np.inf
    for k, idx in enumerate(minibatches(len(x), batch_size, len(lrs), generator(seed))):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            loss, grads = net.loss_and_gradient(x[idx], t[idx])
        loss = float(loss)
        if not np.isfinite(loss):
            return losses, True
        losses.append(loss)
        avg = 0.9 * avg + 0.1 * loss
        running = avg / (1 - 0.9 ** (k + 1))           # bias-corrected: the first steps are not pulled to 0
        best = min(best, running)
        if running > RANGE_TEST_DIVERGED * best:
            return losses, True
        opt.lr = float(lrs[k])
        with np.errstate(over="ignore", invalid="ignore"):
            opt.update(net.params, grads)
    return losses, False
