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
import time

import numpy as np

from . import optimizers as _optimizers

__all__ = ["train", "TrainingDiverged", "clip_by_global_norm", "global_norm", "progress_bar"]

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
    kwargs = dict(total=total, desc=desc, disable=not enabled, leave=False, delay=PROGRESS_DELAY)
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
    if max_norm <= 0:
        raise ValueError(f"clip_norm must be > 0, got {max_norm}")
    norm = global_norm(grads)
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return norm


def _check_data(name, x, t):
    if x is None and t is None:
        return
    if x is None or t is None:
        raise ValueError(f"give both x_{name} and t_{name}, or neither")
    if len(x) != len(t):
        raise ValueError(f"x_{name} has {len(x)} rows but t_{name} has {len(t)} labels")


def train(net, optimizer, x_train, t_train, x_test=None, t_test=None, *, epochs=None, steps=None,
          batch_size=100, seed=0, schedule=None, clip_norm=None, record_grad_norm=False,
          eval_every=None, eval_train_size=None, x_val=None, t_val=None, early_stopping=None,
          progress=True, desc="training", callback=None):
    """Train ``net`` with ``optimizer`` (an optimizer or its name) on mini-batches.

    Give ``epochs`` (passes over the data) or ``steps`` (updates).  ``seed``
    fixes the shuffling.  ``schedule(step) -> lr`` sets the learning rate before
    each update (step counts from 0).  ``clip_norm`` clips the global gradient
    norm.  ``eval_every`` (default: once per epoch) sets how often accuracies
    are measured; ``eval_train_size`` measures train accuracy on the first rows
    only, for speed.  ``early_stopping=k`` stops after k evaluations without a
    better validation accuracy (``x_val``, ``t_val`` required) and restores the best parameters.
    ``callback(step, net)`` runs after every update (e.g. a max-norm constraint).
    A NaN or infinite loss raises ``TrainingDiverged`` saying where and why.
    """
    if isinstance(optimizer, str):
        optimizer = _optimizers.get(optimizer)
    _check_data("train", x_train, t_train)
    _check_data("test", x_test, t_test)
    _check_data("val", x_val, t_val)
    n = len(x_train)
    if (epochs is None) == (steps is None):
        raise ValueError("give exactly one of epochs= (passes over the data) or steps= (updates)")
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    batch_size = min(batch_size, n)
    per_epoch = n // batch_size
    total = int(steps if steps is not None else epochs * per_epoch)
    if total < 1:
        raise ValueError(f"nothing to do: epochs/steps must be >= 1, got epochs={epochs}, steps={steps}")
    eval_every = int(eval_every or per_epoch)
    monitor = "val_acc"
    if early_stopping is not None and x_val is None:
        raise ValueError("early_stopping needs a validation set to watch: pass x_val, t_val split off the "
                         "training data (search.validation_split). Stopping on the test set would tune "
                         "the run to the test set, which then no longer measures generalisation.")

    rng = np.random.default_rng(seed)
    x_eval, t_eval = x_train[:eval_train_size], t_train[:eval_train_size]
    hist = {k: [] for k in ("loss", "lr", "time", "grad_norm", "eval_step", "train_acc", "test_acc", "val_acc")}
    best = (-1.0, None, 0)      # (accuracy, parameters, evaluations since)

    def evaluate(step):
        hist["eval_step"].append(step)
        hist["train_acc"].append(net.accuracy(x_eval, t_eval))
        if x_test is not None:
            hist["test_acc"].append(net.accuracy(x_test, t_test))
        if x_val is not None:
            hist["val_acc"].append(net.accuracy(x_val, t_val))

    def result(stopped_early=False):
        out = {k: np.asarray(v) for k, v in hist.items() if len(v)}
        out["stopped_early"] = stopped_early
        return out

    bar = progress_bar(total=total, desc=desc, enabled=progress)
    evaluate(0)
    start = time.perf_counter()
    order = np.empty(0, dtype=np.int64)
    stopped = False
    try:
        for step in range(total):
            pos = (step % per_epoch) * batch_size
            if pos == 0:
                order = rng.permutation(n)
            idx = order[pos:pos + batch_size]
            if schedule is not None:
                optimizer.lr = float(schedule(step))
            with np.errstate(over="ignore", invalid="ignore"):    # a divergence is reported below
                loss, grads = net.loss_and_gradient(x_train[idx], t_train[idx])
            if not np.isfinite(loss):
                hist["loss"].append(loss)
                raise TrainingDiverged(
                    f"the loss became {loss} at step {step} (epoch {step // per_epoch + 1}) with learning "
                    f"rate {optimizer.lr:g} ({type(optimizer).__name__}). The updates grew until the numbers "
                    f"overflowed. Try a learning rate 3-10x smaller, gradient clipping (clip_norm=1.0), "
                    f"a smaller initial weight scale, or batch normalisation.", result())
            if clip_norm is not None or record_grad_norm:
                norm = clip_by_global_norm(grads, clip_norm) if clip_norm else global_norm(grads)
                hist["grad_norm"].append(norm)
            optimizer.update(net.params, grads)
            if callback is not None:
                callback(step, net)
            hist["loss"].append(loss)
            hist["lr"].append(optimizer.lr)
            hist["time"].append(time.perf_counter() - start)
            bar.update(1)
            done = step + 1
            if done % eval_every == 0 or done == total:
                evaluate(done)
                if early_stopping is not None:
                    acc = hist[monitor][-1]
                    if acc > best[0]:
                        best = (acc, {k: p.copy() for k, p in net.params.items()}, 0)
                    else:
                        best = (best[0], best[1], best[2] + 1)
                        if best[2] >= early_stopping:
                            stopped = True
                            break
    finally:
        if stopped:
            bar.total = bar.n                # stopped early on purpose: not an interrupted run
        bar.close()
    if early_stopping is not None and best[1] is not None:
        for k, p in best[1].items():
            net.params[k][...] = p
    return result(stopped)
