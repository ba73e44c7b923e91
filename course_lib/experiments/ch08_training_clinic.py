"""Chapter 08's experiments: the recipe's sanity checks, the range test of the clinic's setup, and
the monitor records the explorer shows. They train and measure; they never draw."""
import numpy as np

from course_lib import clinic, gradcheck, monitor, search, training, optimizers
from course_lib.i18n import N_
from course_lib.i18n import gettext as _
from course_lib.network import MLP

#: The explorer's runs: the healthy reference and every case, by label (English: the values code
#: looks up; run_label gives the label shown).
RUN_CHOICES = {"healthy reference": "healthy", **{f"case {n}": n for n in clinic.names()}}
_HEALTHY_LABEL = N_("healthy reference")


def run_label(label):
    """The label of RUN_CHOICES as shown, in the language in use ("case A" -> "사례 A" in Korean)."""
    if RUN_CHOICES.get(label) == "healthy":
        return _(_HEALTHY_LABEL)
    return _("case {name}").format(name=RUN_CHOICES[label]) if label in RUN_CHOICES else label


def _case(name):
    return clinic.healthy() if name == "healthy" else clinic.case(name)


def initial_losses(names=None):
    """{case name: data loss of the untrained network on its first 256 training rows}; healthy ≈ ln 10."""
    out = {}
    for name in (names or ["healthy", *clinic.names()]):
        c = _case(name)
        (x, t), _ = c.data()
        out[name] = monitor.initial_loss(c.make_net(), x[:256], t[:256])
    return out


def overfit_small_batch(name="healthy", rows=50, steps=150, lr=0.1, optimizer="adam", seed=0):
    """Train the case's network on its first ``rows`` training rows only (full batch) and return
    the training accuracy on those rows before and after: a healthy model and pipeline reach 1.0."""
    c = _case(name)
    (x, t), _ = c.data()
    x, t = x[:rows], t[:rows]
    net = c.make_net()
    before = net.accuracy(x, t)
    h = training.train(net, optimizers.get(optimizer, lr=1e-3 if optimizer == "adam" else lr), x, t,
                       steps=steps, batch_size=rows, seed=seed, progress=False, eval_every=steps)
    return {"before": float(before), "after": float(h["train_acc"][-1]), "loss": float(h["loss"][-1])}


def gradient_check(name="healthy", rows=8, keys=("b1", "b2", "W3", "b3"), seed=0):
    """Relative errors backprop vs central differences (gradcheck.check_network) for ``keys`` of the
    case's network as built, in float64, on its first ``rows`` training rows."""
    c = _case(name)
    (x, t), _ = c.data()
    s = c.setup
    net = MLP(list(s["sizes"]), activation=s["activation"], init=s["init"], batchnorm=s["batchnorm"],
              weight_decay=s["weight_decay"], seed=s["seed"], dtype=np.float64)
    keys = [k for k in keys if k in net.params]
    return gradcheck.check_network(net, x[:rows].astype(np.float64), t[:rows], keys=keys)


def range_test(name="healthy", lr_min=1e-4, lr_max=10.0, steps=200, seed=0):
    """search.lr_range_test on the case's network and data, with plain SGD."""
    c = _case(name)
    (x, t), _ = c.data()
    return search.lr_range_test(c.make_net, "sgd", x, t, lr_min=lr_min, lr_max=lr_max, steps=steps,
                                batch_size=c.setup["batch_size"], seed=seed)


def case_run(name):
    """The (cached) monitor record of the healthy run or of case ``name`` as set up."""
    return _case(name).run()


def up_to(run, step):
    """The monitor record cut after the last record at or before ``step`` (a view for the explorer)."""
    keep = int(np.searchsorted(run["step"], step, side="right"))
    keep = max(keep, 1)
    last = int(run["step"][keep - 1])
    out = {k: run[k][:keep] for k in ("step", "train_acc", "val_acc")}
    out["layers"] = {k: v[:keep] for k, v in run["layers"].items()}
    out.update({k: run[k] for k in ("initial_loss", "lr", "every")})
    stopped = run["diverged"] and run["stopped_at"] <= step
    out["loss"] = run["loss"][:max(last, 1) if not stopped else len(run["loss"])]
    out["diverged"], out["stopped_at"] = stopped, run["stopped_at"]
    return out


def ratio_table(lrs=(0.1, 0.001, 10.0), steps=25):
    """{lr: median over layers of the update:weight ratio η‖∂L/∂W_l‖/‖W_l‖ after step 1} of the healthy
    setup trained with each learning rate (a short run of ``steps`` steps)."""
    out = {}
    for lr in lrs:
        r = clinic.healthy().run({"lr": lr, "steps": steps}, every=steps)
        ratios = r["layers"]["update_ratio"]
        out[float(lr)] = float(np.nanmedian(ratios[min(1, len(ratios) - 1)]))
    return out


def sanity(name, overfit_steps=60):
    """The recipe's checks before training, for the healthy run or case ``name``: the initial loss,
    the range of the training inputs, and the overfit-one-batch test (50 rows)."""
    c = _case(name)
    (x, t), _ = c.data()
    small = overfit_small_batch(name, rows=50, steps=overfit_steps)
    return {"initial_loss": monitor.initial_loss(c.make_net(), x[:256], t[:256]),
            "x_min": float(np.min(x)), "x_max": float(np.max(x)), "n_train": int(len(x)),
            "overfit_before": small["before"], "overfit_after": small["after"]}


def sanity_line(name, overfit_steps=60):
    """sanity(name) as one printed line, its wording following the numbers."""
    s = sanity(name, overfit_steps)
    near = abs(s["initial_loss"] - np.log(10)) < 0.3
    loss = (_("initial loss {loss} (near ln 10 = 2.303)") if near else
            _("initial loss {loss} (far from ln 10 = 2.303)")).format(loss=f"{s['initial_loss']:.3g}")
    overfit = (_("overfitting 50 images: {before} → {after} (passes)") if s["overfit_after"] == 1.0 else
               _("overfitting 50 images: {before} → {after} (fails)")).format(
        before=f"{s['overfit_before']:.0%}", after=f"{s['overfit_after']:.0%}")
    return " · ".join((loss, _("inputs in [{low}, {high}]").format(low=f"{s['x_min']:.3g}", high=f"{s['x_max']:.3g}"),
                       _("{n} training images").format(n=s["n_train"]), overfit))
