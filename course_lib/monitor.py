"""The training monitor (훈련 모니터): train a network and record, every few steps, what the
recipe says to watch.

    run = monitor(net, optimizers.get("sgd", lr=0.1), x_train, t_train, x_val, t_val,
                  steps=300, batch_size=64, every=20, seed=0)
    run["loss"]             # mini-batch loss of every step (measured before the update)
    run["step"]             # the steps at which the rest was recorded (0, every, 2·every, ..., last)
    run["train_acc"], run["val_acc"]
    run["layers"]["act_std"]        # array (records, hidden layers); also act_mean, dead, saturated,
                                    # grad_norm, update_ratio (NaN where a statistic does not apply)
    readout(run)            # the numbers of the last record in one line of text

Layer 2 (models and measurement). The per-layer statistics are those of
``diagnostics.layer_stats`` on a fixed monitoring batch (the first ``stats_rows`` training
rows), called at every record: the monitor has no statistics of its own.
"""
import dataclasses

import numpy as np

from . import diagnostics, optimizers, regularization, training
from ._names import merge_params
from ._validate import positive_int
from .i18n import gettext as _

__all__ = ["monitor", "MonitorSettings", "readout", "LAYER_KEYS", "initial_loss"]

#: The per-layer statistics the monitor records (the keys of diagnostics.layer_stats).
LAYER_KEYS = ("act_mean", "act_std", "dead", "saturated", "grad_norm", "update_ratio")


def initial_loss(net, x, t):
    """The data loss of the network as it is, L_0 = −(1/N) Σ log softmax(s_n)[t_n] (inference mode,
    without the weight-decay penalty λ/2·Σ W²); ≈ ln C = ln 10 ≈ 2.303 for an untrained healthy
    10-class network, whose scores start near equal."""
    penalty = regularization.l2_penalty(net.weights(), net.weight_decay) if net.weight_decay else 0.0
    return float(net.loss(x, t)) - float(penalty)


def _scheduled_lr(schedule, step):
    lr = schedule(step)
    if not isinstance(lr, (int, float, np.floating)) or isinstance(lr, bool) or not np.isfinite(lr) or lr <= 0:
        raise ValueError(_("the schedule returned lr={lr} at step {step}: a learning rate must be a finite number > 0")
                         .format(lr=repr(lr), step=step))
    return float(lr)


def _accuracy(net, x, t, evaluate):
    return float(net.accuracy(x, t) if evaluate is None else evaluate(net, x, t))


@dataclasses.dataclass(frozen=True)
class MonitorSettings:
    """How :func:`monitor` runs; every field is also a keyword of ``monitor``, checked on creation.

    ``steps`` mini-batch updates of ``batch_size`` rows (their order seeded by ``seed``), a record
    at step 0, at steps 1, 2, 4, ... below ``every``, every ``every`` steps and at the end; the
    per-layer statistics on the first ``stats_rows`` training rows, the accuracies on the first
    ``eval_rows`` rows (``evaluate(net, x, t)`` replaces ``net.accuracy`` if given);
    ``schedule(step) -> lr`` (optional) sets the learning rate before each update (step from 0).
    """

    steps: int = 300
    batch_size: int = 64
    every: int = 20
    seed: object = 0
    stats_rows: int = 256
    eval_rows: int = 1000
    evaluate: object = None
    schedule: object = None

    def __post_init__(self):
        for name, hint in (("steps", " (number of updates)"),
                           ("every", " (record the statistics every this many steps)"),
                           ("stats_rows", " (rows of the monitoring batch)"),
                           ("eval_rows", " (rows used to measure the accuracies)"), ("batch_size", "")):
            object.__setattr__(self, name, positive_int(name, getattr(self, name), hint))
        if self.evaluate is not None and not callable(self.evaluate):
            raise TypeError(_("evaluate must be a function evaluate(net, x, t) -> accuracy, got {kind}").format(
                kind=type(self.evaluate).__name__))
        if self.schedule is not None and not callable(self.schedule):
            raise TypeError(_("schedule must be a function step -> lr (or None), got {kind}").format(
                kind=type(self.schedule).__name__))


def _checked(optimizer, x_train, t_train, x_val, t_val):
    """(optimizer, x_train, t_train) as arrays and an optimizer object; a clear error otherwise."""
    x_train, t_train = np.asarray(x_train), np.asarray(t_train)
    if len(x_train) != len(t_train):
        raise ValueError(_("x_train has {rows} rows but t_train has {labels} labels").format(
            rows=len(x_train), labels=len(t_train)))
    if (x_val is None) != (t_val is None):
        raise ValueError(_("give both x_val and t_val, or neither"))
    if isinstance(optimizer, str):
        optimizer = optimizers.get(optimizer)
    if not callable(getattr(optimizer, "update", None)):
        raise TypeError(_("optimizer must be an optimizer such as optimizers.get('sgd', lr=0.1), or its name; "
                          "got {kind}").format(kind=type(optimizer).__name__))
    return optimizer, x_train, t_train


class _Recorder:
    """The records of one monitored run: accuracies and per-layer statistics at chosen steps."""

    def __init__(self, net, optimizer, x_train, t_train, x_val, t_val, cfg):
        self.net, self.optimizer, self.evaluate = net, optimizer, cfg.evaluate
        self.stats_batch = (x_train[:cfg.stats_rows], t_train[:cfg.stats_rows])
        self.sets = {"train_acc": (x_train[:cfg.eval_rows], t_train[:cfg.eval_rows]),
                     "val_acc": None if x_val is None else (x_val[:cfg.eval_rows], t_val[:cfg.eval_rows])}
        self.rec = {"step": [], "train_acc": [], "val_acc": [], **{k: [] for k in LAYER_KEYS}}

    def record(self, step):
        self.rec["step"].append(step)
        for key, xy in self.sets.items():
            self.rec[key].append(np.nan if xy is None else _accuracy(self.net, *xy, self.evaluate))
        stats = diagnostics.layer_stats(self.net, *self.stats_batch, lr=float(self.optimizer.lr))
        for k in LAYER_KEYS:
            self.rec[k].append([np.nan if s[k] is None else s[k] for s in stats])

    def result(self):
        out = {k: np.asarray(self.rec[k], dtype=np.float64) for k in ("step", "train_acc", "val_acc")}
        out["layers"] = {k: np.asarray(self.rec[k], dtype=np.float64) for k in LAYER_KEYS}
        return out


def monitor(net, optimizer, x_train, t_train, x_val=None, t_val=None, *, settings=None, **keywords):
    """Train ``net`` for ``steps`` mini-batch updates and record, at step 0, at steps 1, 2, 4, ...
    below ``every``, every ``every`` steps and at the end:

    train_acc, val_acc   accuracy on the first ``eval_rows`` training / validation rows
                         (``evaluate(net, x, t)`` replaces ``net.accuracy`` if given)
    layers[key]          diagnostics.layer_stats(net, x_s, t_s, lr=η)[l][key] for every hidden
                         layer l, x_s = the first ``stats_rows`` training rows; update_ratio is
                         η‖∂L/∂W_l‖/‖W_l‖, the plain-SGD step relative to the weights

    The keywords are the fields of :class:`MonitorSettings` (steps, batch_size, every, seed,
    stats_rows, eval_rows, evaluate, schedule), or ``settings=MonitorSettings(...)`` with keywords
    overriding it. A NaN or infinite loss stops the run (``diverged`` True, ``stopped_at`` the
    step) instead of raising: a diverging run is one of the things the monitor must show.
    Returns a dict: loss, step, train_acc, val_acc, layers, initial_loss, diverged,
    stopped_at, lr, every.
    """
    base = settings or MonitorSettings()
    merge_params("monitor()", keywords, dataclasses.asdict(base), numeric=False)
    cfg = dataclasses.replace(base, **keywords)
    optimizer, x_train, t_train = _checked(optimizer, x_train, t_train, x_val, t_val)
    recorder = _Recorder(net, optimizer, x_train, t_train, x_val, t_val, cfg)
    early = {2 ** k for k in range(8) if 2 ** k < cfg.every}      # the first steps, densely: 1, 2, 4, ...
    first = initial_loss(net, *recorder.stats_batch)
    losses, diverged, stopped_at = [], False, cfg.steps
    recorder.record(0)
    batch_size = min(cfg.batch_size, len(x_train))
    for step, idx in enumerate(training.minibatches(len(x_train), batch_size, cfg.steps,
                                                    np.random.default_rng(cfg.seed))):
        if cfg.schedule is not None:
            optimizer.lr = _scheduled_lr(cfg.schedule, step)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            loss, grads = net.loss_and_gradient(x_train[idx], t_train[idx])
            ok = np.isfinite(loss) and all(np.all(np.isfinite(g)) for g in grads.values())
        losses.append(float(loss))
        if not ok:
            diverged, stopped_at = True, step
            break
        with np.errstate(over="ignore", invalid="ignore"):
            optimizer.update(net.params, grads)
        done = step + 1
        if done % cfg.every == 0 or done == cfg.steps or done in early:
            if not all(np.all(np.isfinite(p)) for p in net.params.values()):
                diverged, stopped_at = True, done
                break
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                recorder.record(done)
    out = recorder.result()
    out.update(loss=np.asarray(losses), initial_loss=first, diverged=diverged, stopped_at=stopped_at,
               lr=float(optimizer.lr), every=cfg.every)
    return out


def _pct(v):
    return "—" if not np.isfinite(v) else f"{100 * v:.1f} %"


def _sub(n):
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def readout(run):
    """One line: the last record's step, the mean loss of the last ``every`` steps (finite ones, for a
    diverged run), accuracies, the largest dead / saturated share, the gradient-norm ratio
    ‖∂L/∂W_1‖ / ‖∂L/∂W_L‖ (first / last hidden layer) and the median update:weight ratio."""
    if not isinstance(run, dict) or "layers" not in run:
        raise TypeError(_("readout needs the dict that monitor(...) returns"))
    L = run["layers"]
    loss = run["loss"][-min(len(run["loss"]), run["every"]):]
    loss = loss[np.isfinite(loss)] if run["diverged"] else loss
    with np.errstate(invalid="ignore"):
        loss_now = float(np.mean(loss)) if len(loss) else float("nan")
    last = int(run["step"][-1])
    parts = ([_("NaN/inf at step {step}").format(step=run["stopped_at"]),
              _("last record step {step}").format(step=last)] if run["diverged"]
             else [_("step {step}").format(step=last)])
    parts += [_("loss {loss}").format(loss=f"{loss_now:.3g}"), _("train {acc}").format(acc=_pct(run["train_acc"][-1])),
              _("val {acc}").format(acc=_pct(run["val_acc"][-1]))]
    for key, text in (("dead", _("dead ≤ {share} (layer {layer})")),
                      ("saturated", _("saturated ≤ {share} (layer {layer})"))):
        v = L[key][-1]
        if np.isfinite(v).any():
            worst = int(np.nanargmax(v))
            parts.append(text.format(share=_pct(v[worst]), layer=worst + 1))
    g = L["grad_norm"][-1]
    if g.size and np.isfinite(g[[0, -1]]).all() and g[-1] > 0:
        parts.append(f"‖g₁‖/‖g{_sub(g.size)}‖ = {g[0] / g[-1]:.2g}")
    r = L["update_ratio"][-1]
    if np.isfinite(r).any():
        parts.append(_("update:weight {ratio}").format(ratio=f"{np.nanmedian(r):.1e}"))
    return " · ".join(parts)
