"""The mini-batch training loop.

    history = train(net, optimizers.get("sgd", lr=0.1), x_train, t_train, x_test, t_test,
                    epochs=5, batch_size=100, seed=0)

Each step: draw the next mini-batch (미니배치) of a seeded shuffle, compute
loss and gradients, optionally clip them, update the parameters.  The history
is a dict of numpy arrays:

* per step: ``loss`` (mini-batch loss), ``lr``, ``time`` (seconds since the
  start), ``grad_norm`` (‖g‖ over all parameters, when ``clip_norm`` or
  ``record_grad_norm`` is set);
* per evaluation (before training, then every ``eval_every`` steps and at the
  end): ``eval_step`` (updates done so far), ``train_acc``, and ``test_acc`` /
  ``val_acc`` when those sets are given.
"""
import dataclasses
import time
import warnings

import numpy as np

from . import _validate, layers
from . import optimizers as _optimizers
from ._names import close_matches
from .i18n import N_, gettext as _

__all__ = ["train", "TrainSettings", "TrainingDiverged", "minibatches", "clip_by_global_norm", "global_norm",
           "progress_bar"]

#: Seconds of work before a progress bar appears: quick runs leave no bar behind in
#: the notebook (where a finished bar would linger as "0%|" text in slides and exports).
PROGRESS_DELAY = 2.0


def progress_bar(iterable=None, total=None, desc="", enabled=True):
    """A tqdm.auto progress bar (a widget in Jupyter, text in a terminal) that shows up
    only once the work has lasted PROGRESS_DELAY seconds and disappears when it is done.

    In a notebook a finished bar leaves an empty output behind, not its widget: the kernel
    closes that widget, so a page opened later (a reload, the RISE slideshow) would show
    "Error displaying widget: model not found" in its place."""
    from tqdm.auto import tqdm
    kwargs = dict(total=total, desc=_(desc) if desc else desc, disable=not enabled, leave=False,
                  delay=PROGRESS_DELAY)       # desc: a catalog message (N_) is shown translated
    try:
        from tqdm.notebook import tqdm as notebook_tqdm
    except ImportError:              # no ipywidgets: tqdm.auto is the text bar
        notebook_tqdm = None
    if notebook_tqdm is not None and issubclass(tqdm, notebook_tqdm):
        return _blanking(tqdm)(iterable, **kwargs)
    return tqdm(iterable, **kwargs)


def _blanking(bar_class):
    """`bar_class` (tqdm's notebook bar) shown through a display id, and blanked when done."""
    from IPython.display import display, update_display

    class Bar(bar_class):
        def display(self, *args, close=False, check_delay=True, **kwargs):
            if check_delay and self.delay > 0 and not self.displayed:   # tqdm shows it now
                self._display_id = display(self.container, display_id=True).display_id
                self.displayed = True
            shown = super().display(*args, close=close, check_delay=check_delay, **kwargs)
            if close and getattr(self, "_display_id", None):
                update_display({"text/plain": ""}, raw=True, display_id=self._display_id)
            return shown

    return Bar


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite.  ``.history`` holds the run up to that step."""

    def __init__(self, message, history):
        super().__init__(message)
        self.history = history


def global_norm(grads):
    """‖g‖ = √(Σ_p Σ_i g_p,i²) over every gradient array."""
    return float(np.sqrt(sum(float(np.vdot(g, g)) for g in grads.values())))


def clip_by_global_norm(grads, max_norm):
    """If ‖g‖ > max_norm, scale every gradient by max_norm/‖g‖ (in place); return ‖g‖ before clipping."""
    _validate.positive_float("clip_norm", max_norm, _(" (the largest gradient norm kept, e.g. 1.0)"))
    norm = global_norm(grads)
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return norm


@dataclasses.dataclass(frozen=True)
class TrainSettings:
    """How :func:`train` runs: every field is also a keyword of ``train``, checked on creation.

    Give ``epochs`` (passes over the data) or ``steps`` (updates).  ``seed`` fixes the
    shuffling.  ``schedule(step) -> lr`` sets the learning rate before each update (step
    counts from 0).  ``clip_norm`` clips the global gradient norm (``record_grad_norm``
    records it without clipping).  ``eval_every`` (default: once per epoch) sets how often
    accuracies are measured; ``eval_train_size`` measures train accuracy on the first rows
    only, for speed.  ``early_stopping=k`` stops after k evaluations without a better
    validation accuracy and restores the best parameters.  ``callback(step, net)`` runs
    after every update (e.g. a max-norm constraint).  ``progress`` shows a bar named ``desc``.
    """

    epochs: float = None
    steps: int = None
    batch_size: int = 100
    seed: object = 0
    schedule: object = None
    clip_norm: float = None
    record_grad_norm: bool = False
    eval_every: int = None
    eval_train_size: int = None
    early_stopping: int = None
    progress: bool = True
    desc: str = N_("training")
    callback: object = None

    def __post_init__(self):
        if (self.epochs is None) == (self.steps is None):
            raise ValueError(_("give exactly one of epochs= (passes over the data) or steps= (updates)"))
        if self.epochs is not None:
            _validate.positive_float("epochs", self.epochs, _(" (passes over the training data)"))
        _validate.optional(_validate.positive_int, "steps", self.steps, _(" (number of updates)"))
        _validate.positive_int("batch_size", self.batch_size, _(" (rows per update, e.g. 100)"))
        _validate.optional(_validate.positive_float, "clip_norm", self.clip_norm,
                           _(" (the largest gradient norm kept, e.g. 1.0; clip_norm=None turns clipping off)"))
        for name in ("eval_every", "eval_train_size", "early_stopping"):
            _validate.optional(_validate.positive_int, name, getattr(self, name), _(" (or None)"))
        for name in ("schedule", "callback"):
            value = getattr(self, name)
            if value is not None and not callable(value):
                raise TypeError(_("{name} must be a function (or None), got {kind} {value!r}").format(
                                    name=name, kind=type(value).__name__, value=value)
                                + (_(": pass schedules.get(...), not a number — a constant rate is the "
                                     "optimizer's lr") if name == "schedule" else ""))

    @classmethod
    def from_keywords(cls, settings=None, **keywords):
        """``settings`` (a TrainSettings or None) with ``keywords`` replacing its fields;
        an unknown keyword is a TypeError naming the close matches."""
        fields = [f.name for f in dataclasses.fields(cls)]
        for key in keywords:
            if key not in fields:
                near = close_matches(key, fields)
                hint = " " + _("Did you mean {names}?").format(names=", ".join(map(repr, near))) if near else ""
                raise TypeError(_("train() got an unexpected keyword {key!r}.{hint} "
                                  "It takes {fields}, x_val, t_val and settings").format(
                                    key=key, hint=hint, fields=", ".join(fields)))
        if settings is None:
            return cls(**keywords)
        if not isinstance(settings, cls):
            raise TypeError(_("settings must be a TrainSettings, got {kind}").format(kind=type(settings).__name__))
        return dataclasses.replace(settings, **keywords)


def _as_data(name, x, t, net, required=False):
    """(x, t) as arrays, checked: both given, as many labels as rows, no NaN or inf in x."""
    if x is None and t is None:
        if required:
            raise ValueError(_("x_{name} and t_{name} are required").format(name=name))
        return None, None
    if x is None or t is None:
        raise ValueError(_("give both x_{name} and t_{name}, or neither").format(name=name))
    x, t = np.asarray(x), np.asarray(t)
    if len(x) != len(t):
        raise ValueError(_("x_{name} has {rows} rows but t_{name} has {labels} labels").format(
            name=name, rows=len(x), labels=len(t)))
    if len(x) == 0:
        raise ValueError((_("x_{name} has no rows: there is nothing to train on; check how the data was "
                            "loaded or split") if name == "train" else
                          _("x_{name} has no rows: there is nothing to measure; check how the data was "
                            "loaded or split")).format(name=name))
    x = _validate.finite_array(f"x_{name}", x, _("This is bad data, not a learning-rate problem: drop or fix "
                                                 "those rows first, e.g. keep = np.isfinite(x_{name}).all(axis=1)."
                                                 ).format(name=name))
    if isinstance(getattr(net, "sizes", None), list):
        layers.labels_to_int(t, len(x), net.sizes[-1])       # labels checked once, before any step
    return x, t


def _as_optimizer(optimizer):
    if isinstance(optimizer, str):
        return _optimizers.get(optimizer)
    if isinstance(optimizer, type) or not callable(getattr(optimizer, "update", None)):
        what = (_("the class {name}").format(name=optimizer.__name__) if isinstance(optimizer, type)
                else _("{value} (a {kind})").format(value=str(optimizer)[:60], kind=type(optimizer).__name__))
        raise TypeError(_("optimizer must be an optimizer such as optimizers.get('sgd', lr=0.1), or its "
                          "name 'sgd'; got {what}. The order is train(net, optimizer, x_train, t_train, ...)"
                          ).format(what=what))
    return optimizer


def minibatches(n, batch_size, steps, rng, shuffle_full_batch=True):
    """Row indices of ``steps`` mini-batches of ``batch_size`` out of ``n`` rows.

    Each epoch (n // batch_size batches) walks a new seeded shuffle ``rng.permutation(n)``
    in slices of batch_size; the rows a shuffle leaves over are not used in that epoch.
    ``shuffle_full_batch=False`` keeps the rows in order when batch_size = n.
    """
    if not 1 <= batch_size <= n:
        raise ValueError(_("batch_size must be from 1 to n = {n}, got {batch_size}").format(n=n, batch_size=batch_size))
    per_epoch = n // batch_size
    order = None
    for step in range(steps):
        pos = (step % per_epoch) * batch_size
        if pos == 0:
            order = rng.permutation(n) if shuffle_full_batch or batch_size < n else np.arange(n)
        yield order[pos:pos + batch_size]


def _batch_size(batch_size, n):
    if batch_size > n:
        warnings.warn(_("batch_size={batch_size} is larger than the {n} training rows: every step uses all "
                        "{n} rows (full-batch gradient descent). Pass batch_size={n} to say so.").format(
                          batch_size=batch_size, n=n),
                      UserWarning, stacklevel=3)
    return min(batch_size, n)


def _learning_rate(schedule, step):
    lr = schedule(step)
    if not _validate.is_number(lr) or not np.isfinite(lr) or lr <= 0:
        raise ValueError(_("the schedule returned lr={lr!r} at step {step}: a learning rate must be a finite "
                           "number > 0. Check the schedule's formula near step {step} (a decay that reaches "
                           "0 or goes negative?), or its total_steps against the length of the run").format(
                             lr=lr, step=step))
    return float(lr)


def _diverged(loss, step, per_epoch, optimizer, history):
    return TrainingDiverged(
        _("the loss became {loss} at step {step} (epoch {epoch}) with learning rate {lr:g} ({optimizer}). "
          "The updates grew until the numbers overflowed. Try a learning rate 3-10x smaller, gradient "
          "clipping (clip_norm=1.0), a smaller initial weight scale, or batch normalisation.").format(
            loss=loss, step=step, epoch=step // per_epoch + 1, lr=optimizer.lr,
            optimizer=type(optimizer).__name__), history)


def _check_final_params(net, step, optimizer, history):
    """The last update has no next loss to overflow in: look at the parameters themselves."""
    bad = [k for k, p in net.params.items() if not _validate.all_finite(p)]
    if bad:
        raise TrainingDiverged(
            _("after the last update (step {step}) {names} hold NaN or inf, with learning rate {lr:g} "
              "({optimizer}): the loss was still finite, but the network is broken. Try a learning rate "
              "3-10x smaller, gradient clipping (clip_norm=1.0), a smaller initial weight scale, or batch "
              "normalisation.").format(step=step, names=", ".join(bad), lr=optimizer.lr,
                                       optimizer=type(optimizer).__name__), history)


class _History:
    """The lists ``train`` fills, and the evaluations it records."""

    KEYS = ("loss", "lr", "time", "grad_norm", "eval_step", "train_acc", "test_acc", "val_acc")

    def __init__(self, net, eval_sets):
        self.net, self.eval_sets = net, eval_sets
        self.lists = {k: [] for k in self.KEYS}

    def evaluate(self, step):
        self.lists["eval_step"].append(step)
        for key, (x, t) in self.eval_sets.items():
            if x is not None:
                self.lists[key].append(self.net.accuracy(x, t))

    def result(self, stopped_early=False):
        out = {k: np.asarray(v) for k, v in self.lists.items() if len(v)}
        out["stopped_early"] = stopped_early
        return out


class _EarlyStopping:
    """Stop after ``patience`` evaluations without a better validation accuracy; keep the best parameters."""

    def __init__(self, patience):
        self.patience, self.best, self.params, self.since = patience, -1.0, None, 0

    def should_stop(self, acc, net):
        if acc > self.best:
            self.best, self.params, self.since = acc, {k: p.copy() for k, p in net.params.items()}, 0
            return False
        self.since += 1
        return self.since >= self.patience

    def restore(self, net):
        if self.params is not None:
            for k, p in self.params.items():
                net.params[k][...] = p


def train(net, optimizer, x_train, t_train, x_test=None, t_test=None, *, x_val=None, t_val=None,
          settings=None, **keywords):
    """Train ``net`` with ``optimizer`` (an optimizer or its name) on mini-batches.

    The keywords are the fields of :class:`TrainSettings` (epochs or steps, batch_size, seed,
    schedule, clip_norm, record_grad_norm, eval_every, eval_train_size, early_stopping,
    progress, desc, callback), or ``settings=TrainSettings(...)`` with keywords overriding it.
    ``early_stopping`` watches the validation set ``x_val``, ``t_val``.
    A NaN or infinite loss, or NaN/inf parameters after the last update, raise
    ``TrainingDiverged`` saying where and why; NaN in the data is a ValueError before any step.
    """
    cfg = TrainSettings.from_keywords(settings, **keywords)
    optimizer = _as_optimizer(optimizer)
    x_train, t_train = _as_data("train", x_train, t_train, net, required=True)
    x_test, t_test = _as_data("test", x_test, t_test, net)
    x_val, t_val = _as_data("val", x_val, t_val, net)
    if cfg.early_stopping is not None and x_val is None:
        raise ValueError(_("early_stopping needs a validation set to watch: pass x_val, t_val split off the "
                           "training data (search.validation_split). Stopping on the test set would tune "
                           "the run to the test set, which then no longer measures generalisation."))
    bad = [k for k, p in net.params.items() if not _validate.all_finite(p)]
    if bad:
        raise ValueError(_("the network's parameters {names} hold NaN or inf before training "
                           "(a diverged earlier run, or values assigned to net.params?): build a new network"
                           ).format(names=", ".join(bad)))
    n = len(x_train)
    batch_size = _batch_size(cfg.batch_size, n)
    per_epoch = n // batch_size
    total = int(cfg.steps if cfg.steps is not None else cfg.epochs * per_epoch)
    if total < 1:
        raise ValueError(_("nothing to do: epochs/steps must be >= 1, got epochs={epochs}, steps={steps}").format(
            epochs=cfg.epochs, steps=cfg.steps))
    eval_sets = {"train_acc": (x_train[:cfg.eval_train_size], t_train[:cfg.eval_train_size]),
                 "test_acc": (x_test, t_test), "val_acc": (x_val, t_val)}
    run = _Run(net, optimizer, x_train, t_train, cfg, _History(net, eval_sets), per_epoch, total)
    bar = progress_bar(total=total, desc=cfg.desc, enabled=cfg.progress)
    try:
        stopped = run.loop(minibatches(n, batch_size, total, np.random.default_rng(cfg.seed)), bar)
    finally:
        bar.close()
    return run.history.result(stopped)


class _Run:
    """One call of :func:`train`: what it works on, and its loop of updates."""

    def __init__(self, net, optimizer, x, t, cfg, history, per_epoch, total):
        self.net, self.optimizer, self.x, self.t, self.cfg = net, optimizer, x, t, cfg
        self.history, self.per_epoch, self.total = history, per_epoch, total
        self.eval_every = int(cfg.eval_every or per_epoch)
        self.own = isinstance(optimizer, _optimizers.Optimizer)

    def loop(self, batches, bar):
        """Every update, with evaluations and early stopping; True if early stopping ended the run."""
        cfg, net, lists = self.cfg, self.net, self.history.lists
        stopper = _EarlyStopping(cfg.early_stopping) if cfg.early_stopping is not None else None
        self.history.evaluate(0)
        start = time.perf_counter()
        for step, idx in enumerate(batches):
            loss = self.update(step, idx)
            lists["loss"].append(loss)
            lists["lr"].append(self.optimizer.lr)
            lists["time"].append(time.perf_counter() - start)
            bar.update(1)
            done = step + 1
            if done == self.total:
                _check_final_params(net, step, self.optimizer, self.history.result())
            if done % self.eval_every == 0 or done == self.total:
                self.history.evaluate(done)
                if stopper is not None and stopper.should_stop(lists["val_acc"][-1], net):
                    bar.total = bar.n                # stopped early on purpose: not an interrupted run
                    stopper.restore(net)
                    return True
        if stopper is not None:
            stopper.restore(net)
        return False

    def update(self, step, idx):
        """One step on the rows ``idx``: learning rate, loss and gradient, clipping, update, callback."""
        cfg, net, optimizer = self.cfg, self.net, self.optimizer
        if cfg.schedule is not None:
            optimizer.lr = _learning_rate(cfg.schedule, step)
        with np.errstate(over="ignore", invalid="ignore"):    # a divergence is reported below
            loss, grads = net.loss_and_gradient(self.x[idx], self.t[idx])
        if not np.isfinite(loss):
            self.history.lists["loss"].append(loss)
            raise _diverged(loss, step, self.per_epoch, optimizer, self.history.result())
        if cfg.clip_norm is not None or cfg.record_grad_norm:
            norm = clip_by_global_norm(grads, cfg.clip_norm) if cfg.clip_norm else global_norm(grads)
            self.history.lists["grad_norm"].append(norm)
        with np.errstate(over="ignore", invalid="ignore"):
            if self.own:   # a non-finite gradient shows up as a NaN loss at the next step (or at the end)
                optimizer.update(net.params, grads, check_finite=False)
            else:
                optimizer.update(net.params, grads)
        if cfg.callback is not None:
            cfg.callback(step, net)
        return loss
