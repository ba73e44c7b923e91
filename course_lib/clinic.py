"""The training clinic (훈련 클리닉): mystery runs that fail for one hidden reason each.

    case = clinic.case("A")            # a seeded MNIST setup and the complaint of whoever ran it
    print(case)                        # the setup and the complaint (not the cause)
    run = case.run()                   # the training monitor of the run as set up
    (x_tr, t_tr), (x_val, t_val) = case.data()     # the data exactly as the case's loaders give it
    clinic.check_diagnosis("A", "learning rate far too large")     # -> (passed, message)
    clinic.check_fix("A", {"lr": 0.1})                               # trains your fixed configuration

Layer 2 (models and measurement). A fix is a dict of changes to the setup: any key of the
setup (``sizes``, ``activation``, ``init``, ``batchnorm``, ``weight_decay``, ``optimizer``,
``lr``, ``lr_peak`` (None, or (first step, number of steps, lr) of a peak in the schedule),
``batch_size``, ``n_train``, ``eval_mode``, ``eval_batch_size``, ``steps`` up to the
case's budget), plus ``preprocess`` (a function x -> x applied to every input the network
sees: training, validation and the held-out check digits) and ``train_data`` (a pair (x, t)
that replaces the training arrays of ``case.data()``). The fix check trains that configuration
for at most the case's step budget and passes when the accuracy on 1000 held-out test digits
(correctly labelled, through the case's input pipeline and your ``preprocess``, measured the
way ``eval_mode`` says) reaches the case's target.

The causes are not stored in the cases: a diagnosis is checked against a hash.
"""
import functools
import gettext as _stdlib_gettext
import hashlib
import types

import numpy as np

from . import data, i18n, monitor as _monitor, optimizers
from .i18n import N_
from .i18n import gettext as _
from .network import MLP

__all__ = ["CAUSES", "case", "healthy", "names", "check_diagnosis", "check_fix", "Case", "SETUP_KEYS", "FIX_KEYS",
           "held_out_accuracy"]

#: The causes a diagnosis may name (one of them is each case's).
CAUSES = (
    N_("learning rate far too large"),
    N_("learning rate far too small"),
    N_("weights initialised too small (std 0.01) in a deep ReLU net"),
    N_("vanishing gradients in a deep sigmoid net"),
    N_("dying ReLU units after too large a step"),
    N_("inputs not scaled (0-255 pixels)"),
    N_("labels misaligned with the images"),
    N_("training set too small: overfitting"),
    N_("batch norm evaluated in training mode on tiny batches"),
    N_("weight decay far too strong"),
)

#: What each cause would show in the monitor and the sanity checks (the hint of a wrong diagnosis).
_SIGNATURE = {
    CAUSES[0]: N_("the loss would start near ln 10 = 2.30 and then rise or turn NaN within the first dozens of "
                  "steps, with update:weight ratios far above 1e-3"),
    CAUSES[1]: N_("the loss would fall steadily but slowly, with healthy activations and update:weight ratios "
                  "far below 1e-3 in every layer"),
    CAUSES[2]: N_("the activation std would shrink towards 0 from layer to layer already at step 0, and the "
                  "gradient norms would be tiny in every layer"),
    CAUSES[3]: N_("the gradient norms would fall by orders of magnitude from the last layer to the first"),
    CAUSES[4]: N_("a large share of units would be dead (output 0 for every input) once training has started"),
    CAUSES[5]: N_("the initial loss would be far from ln 10 = 2.30, and the inputs would hold values far above 1"),
    CAUSES[6]: N_("the network could still overfit one small batch, yet the images and their labels would "
                  "disagree when you look at them side by side"),
    CAUSES[7]: N_("the training accuracy would approach 100 % while the validation accuracy stays far below it"),
    CAUSES[8]: N_("the training loss would fall as in a healthy run while the accuracy, measured the way the "
                  "setup measures it, stays low"),
    CAUSES[9]: N_("the loss would stall high while the activations and gradients shrink, whatever the "
                  "learning rate"),
}

#: The keys of a setup (all may be changed by a fix) and the extra keys a fix may give.
SETUP_KEYS = ("sizes", "activation", "init", "batchnorm", "weight_decay", "optimizer", "lr", "lr_peak",
              "batch_size", "n_train", "eval_mode", "eval_batch_size", "steps", "seed")
FIX_KEYS = SETUP_KEYS + ("preprocess", "train_data")

_BASE = types.MappingProxyType(dict(
    sizes=(784, 100, 100, 10), activation="relu", init="he_normal", batchnorm=False, weight_decay=0.0,
    optimizer="sgd", lr=0.1, lr_peak=None, batch_size=64, n_train=6000, eval_mode="inference", eval_batch_size=1000,
    steps=300, seed=0))

_VAL = slice(6000, 7000)          # validation rows of the bundled training split
_CHECK_ROWS = 1000                # held-out test digits of the fix check


@functools.lru_cache(maxsize=1)
def _mnist():
    (x, t), (xt, tt) = data.load_mnist()
    for a in (x, t, xt, tt):
        a.setflags(write=False)
    return x, t, xt, tt


# The loaders of the cases. Most read the bundled sample as it is; two do what real loaders
# sometimes do. (Their names say what they read, not what is wrong with them.)
def _loader_plain(x, t, train):
    return x, t


def _loader_png(x, t, train):
    return (x * 255.0).astype(np.float32), t


def _loader_two_files(x, t, train):
    return (x, np.roll(t, 1)) if train else (x, t)


_LOADERS = {"plain": _loader_plain, "png": _loader_png, "two-files": _loader_two_files}


def _peak_text(peak):
    if peak is None:
        return ""
    first, n, lr = peak
    return _(" (the schedule raises it to {lr} for steps {first}-{last})").format(
        lr=f"{lr:g}", first=first, last=first + n - 1)


def _schedule(c):
    """step -> lr of a configuration: lr, except lr_peak's lr during its steps."""
    if c["lr_peak"] is None:
        return None
    first, n, peak = c["lr_peak"]
    return lambda step: float(peak if first <= step < first + n else c["lr"])


class Case:
    """A mystery run: ``name``, ``complaint``, ``setup`` (read-only), ``target`` (held-out accuracy
    the fix must reach) within ``setup['steps']`` steps. ``run()``, ``data()``, ``make_net()``."""

    __slots__ = ("name", "complaint", "setup", "target", "_loader", "_runs")

    def __init__(self, name, complaint, setup, target, loader="plain"):
        self.name, self.complaint, self.target = name, complaint, float(target)
        self.setup = types.MappingProxyType({**_BASE, **setup})
        self._loader = _LOADERS[loader]
        self._runs = {}

    def __repr__(self):
        s = self.setup
        layers = _("{sizes}, activation {activation}, init {init}").format(
            sizes=list(s["sizes"]), activation=repr(s["activation"]), init=repr(s["init"])) + \
            (_(", batch norm") if s["batchnorm"] else "") + \
            (_(", weight decay λ = {wd}").format(wd=f"{s['weight_decay']:g}") if s["weight_decay"] else "")
        evaluation = (_("training mode, {n} images at a time") if s["eval_mode"] == "training" else
                      _("inference mode, {n} images at a time")).format(n=s["eval_batch_size"])
        return "\n".join((
            _("Case {name}: “{complaint}”").format(name=self.name, complaint=_(self.complaint)),
            _("  network     MLP({layers})").format(layers=layers),
            _("  training    {optimizer} lr {lr}{peak}, batch {batch}, {steps} steps, {n_train} training images, "
              "seed {seed}").format(optimizer=s["optimizer"], lr=f"{s['lr']:g}", peak=_peak_text(s["lr_peak"]),
                                    batch=s["batch_size"], steps=s["steps"], n_train=s["n_train"], seed=s["seed"]),
            _("  evaluation  accuracy measured in {evaluation}").format(evaluation=evaluation),
            _("  fix target  ≥ {target} % on {rows} held-out digits within {steps} steps").format(
                target=f"{100 * self.target:.0f}", rows=_CHECK_ROWS, steps=s["steps"])))

    __str__ = __repr__

    def __dir__(self):
        return ["name", "complaint", "setup", "target", "run", "train", "data", "held_out", "make_net",
                "make_optimizer", "configured", "evaluate"]

    # -- the setup, with changes --------------------------------------------------
    def configured(self, changes=None):
        """The setup with ``changes`` applied (checked): a dict."""
        changes = dict(changes or {})
        unknown = [k for k in changes if k not in FIX_KEYS]
        if unknown:
            raise ValueError(_("unknown setting(s) {unknown}: a fix may change {keys}").format(
                unknown=unknown, keys=", ".join(FIX_KEYS)))
        if "steps" in changes and not (isinstance(changes["steps"], (int, np.integer)) and
                                       1 <= changes["steps"] <= self.setup["steps"]):
            raise ValueError(_("steps must be an integer from 1 to the case's budget {budget}, got {got}").format(
                budget=self.setup["steps"], got=repr(changes["steps"])))
        if "eval_mode" in changes and changes["eval_mode"] not in ("inference", "training"):
            raise ValueError(_("eval_mode must be 'inference' or 'training', got {got}").format(
                got=repr(changes["eval_mode"])))
        if "n_train" in changes and not (isinstance(changes["n_train"], (int, np.integer)) and
                                         1 <= changes["n_train"] <= 6000):
            raise ValueError(_("n_train must be an integer from 1 to 6000 (the rows before the validation "
                               "split), got {got}").format(got=repr(changes["n_train"])))
        peak = changes.get("lr_peak")
        if peak is not None and not (isinstance(peak, (tuple, list)) and len(peak) == 3):
            raise ValueError(_("lr_peak must be None or (first step, number of steps, lr), got {got}").format(
                got=repr(peak)))
        for key in ("preprocess",):
            if changes.get(key) is not None and not callable(changes[key]):
                raise TypeError(_("{key} must be a function x -> x, got {kind}").format(
                    key=key, kind=type(changes[key]).__name__))
        return {**self.setup, "preprocess": None, "train_data": None, **changes}

    def data(self):
        """((x_train, t_train), (x_val, t_val)) as the case's loaders give them (n_train training rows,
        1000 validation rows), before any ``preprocess`` of a fix."""
        return self._data(self.setup["n_train"])

    def _data(self, n_train):
        x, t, _, _ = _mnist()
        xtr, ttr = self._loader(x[:n_train], t[:n_train], train=True)
        xv, tv = self._loader(x[_VAL], t[_VAL], train=False)
        return (xtr, ttr), (xv, tv)

    def make_net(self, changes=None):
        """A fresh network of the (changed) setup."""
        c = self.configured(changes)
        return MLP(list(c["sizes"]), activation=c["activation"], init=c["init"], batchnorm=c["batchnorm"],
                   weight_decay=c["weight_decay"], seed=c["seed"])

    def make_optimizer(self, changes=None):
        """A fresh optimizer of the (changed) setup."""
        c = self.configured(changes)
        return optimizers.get(c["optimizer"], lr=c["lr"])

    def evaluate(self, changes=None):
        """The accuracy function evaluate(net, x, t) of the (changed) setup's ``eval_mode``."""
        c = self.configured(changes)
        return functools.partial(held_out_accuracy, mode=c["eval_mode"], batch_size=c["eval_batch_size"])

    def _prepared(self, c):
        (xtr, ttr), (xv, tv) = self._data(c["n_train"])
        if c["train_data"] is not None:
            try:
                xtr, ttr = (np.asarray(a) for a in c["train_data"])
            except (TypeError, ValueError):
                raise TypeError(_("train_data must be a pair (x_train, t_train) of arrays")) from None
            if len(xtr) != len(ttr):
                raise ValueError(_("train_data: x has {rows} rows but t has {labels} labels").format(
                    rows=len(xtr), labels=len(ttr)))
        if c["preprocess"] is not None:
            xtr, xv = c["preprocess"](xtr), c["preprocess"](xv)
        return (xtr, ttr), (xv, tv)

    def run(self, changes=None, every=25, **monitor_options):
        """The training monitor (``monitor.monitor``) of the run, as set up or with ``changes``;
        the unchanged run is computed once and cached."""
        key = None if changes or monitor_options else every
        if key is not None and key in self._runs:
            return self._runs[key]
        _, out = self.train(changes, every=every, **monitor_options)
        if key is not None:
            self._runs[key] = out
        return out

    def train(self, changes=None, every=25, eval_rows=300, **monitor_options):
        """(network, monitor record) of a fresh run of the (changed) setup."""
        c = self.configured(changes)
        setup = c_only(c)
        (xtr, ttr), (xv, tv) = self._prepared(c)
        net = self.make_net(setup)
        if c["eval_mode"] == "training":          # thousands of tiny forward passes: measure on fewer rows
            eval_rows = min(eval_rows, 100)
        out = _monitor.monitor(net, self.make_optimizer(setup), xtr, ttr, xv, tv, steps=c["steps"],
                               batch_size=c["batch_size"], every=every, seed=c["seed"],
                               evaluate=self.evaluate(setup), eval_rows=eval_rows, schedule=_schedule(c),
                               **monitor_options)
        return net, out

    def held_out(self, changes=None):
        """The fix check's 1000 held-out test digits through the case's input pipeline and the fix's
        ``preprocess``; labels as they really are."""
        c = self.configured(changes)
        _, _, xt, tt = _mnist()
        x, _ = self._loader(xt[:_CHECK_ROWS], tt[:_CHECK_ROWS], train=False)
        return (x if c["preprocess"] is None else c["preprocess"](x)), tt[:_CHECK_ROWS]


def c_only(c):
    """The setup keys of a configuration (without preprocess / train_data)."""
    return {k: v for k, v in c.items() if k in SETUP_KEYS}


def held_out_accuracy(net, x, t, mode="inference", batch_size=1000):
    """Share of rows whose highest score is the label, predicting ``batch_size`` rows at a time in
    inference mode (running statistics) or in training mode (batch statistics, which this
    measurement leaves unchanged)."""
    if mode == "inference":
        return net.accuracy(x, t, batch_size=batch_size)
    with net.preserving_statistics():
        right = sum(int(np.sum(net.predict(x[i:i + batch_size], train=True).argmax(axis=1) ==
                               t[i:i + batch_size])) for i in range(0, len(x), batch_size))
    return right / len(x)


_CASES = {
    "A": dict(complaint=N_("The loss starts at about 2.3, then shoots up by orders of magnitude within a few steps."),
              setup=dict(lr=10.0), target=0.88),
    "B": dict(complaint=N_("Training accuracy reaches 100 %, but validation accuracy stays far below it."),
              setup=dict(n_train=60), target=0.85),
    "C": dict(complaint=N_("Accuracy is stuck at chance level and the loss at 2.30, however long it trains."),
              setup=dict(sizes=(784, 100, 100, 100, 100, 10), init=0.01, lr=0.05), target=0.85),
    "D": dict(complaint=N_("The loss will not go below 2.2, and validation accuracy stays below 25 %."),
              setup=dict(), target=0.88, loader="two-files"),
    "E": dict(complaint=N_("Accuracy creeps up to a mediocre level and stops there; the loss stays high."),
              setup=dict(weight_decay=0.2), target=0.88),
    "F": dict(complaint=N_("It learns, but painfully slowly: after 300 steps the accuracy is far from 90 %."),
              setup=dict(lr=0.001), target=0.88),
    "G": dict(complaint=N_("The loss barely moves from 2.30 in the first hundreds of steps."),
              setup=dict(sizes=(784,) + (100,) * 6 + (10,), activation="sigmoid", init="glorot_normal",
                         lr=0.5), target=0.85),
    "H": dict(complaint=N_("The training loss falls nicely, but the accuracy we measure stays poor."),
              setup=dict(batchnorm=True, eval_mode="training", eval_batch_size=2), target=0.88),
    "I": dict(complaint=N_("The first 100 steps look fine; then the accuracy collapses and never recovers."),
              setup=dict(lr_peak=(100, 5, 3.0)), target=0.88),
    "J": dict(complaint=N_("The loss starts far above 2.3, and the accuracy soon sticks near 10 %."),
              setup=dict(), target=0.88, loader="png"),
}

# sha256("course-clinic/<case>/<cause>")[:16] of each case's cause.
_ANSWERS = {
    "A": "373274f6e2cf924e",
    "B": "e9efcde3d6fe4209",
    "C": "d104abfd0ad2289b",
    "D": "bff9fdac18956a04",
    "E": "f2b6878bb683fd47",
    "F": "203f8bcbf38a5a7c",
    "G": "a63cff4ea7542fc2",
    "H": "37378a3a6be25ec2",
    "I": "9aa6306a2bc4585c",
    "J": "5d1ecb2a4aa0c9a7",
}


def _digest(name, cause):
    return hashlib.sha256(f"course-clinic/{name}/{cause}".encode()).hexdigest()[:16]


@functools.lru_cache(maxsize=None)
def healthy():
    """The healthy reference run: the setup every case starts from, with nothing wrong."""
    return Case("healthy", N_("Nothing: this is the reference run."), {}, 0.88)


def names():
    """The case names, "A", "B", ..."""
    return sorted(_CASES)


@functools.lru_cache(maxsize=None)
def case(name):
    """The mystery run ``name`` (see names()); unknown name -> ValueError listing the cases."""
    key = str(name).strip().upper()
    if key not in _CASES:
        raise ValueError(_("no case {name}; the cases are {cases}").format(name=repr(name), cases=", ".join(names())))
    spec = _CASES[key]
    return Case(key, spec["complaint"], spec["setup"], spec["target"], spec.get("loader", "plain"))


_EVIDENCE = {
    "A": N_("the loss of the first 30 steps next to the initial loss, and the update:weight ratios"),
    "B": N_("the training and validation accuracies side by side, and every line of the setup"),
    "C": N_("the activation std of each layer at step 0, and the gradient norms"),
    "D": N_("the overfit-one-batch test on case.data(), then a few training images with their labels"),
    "E": N_("the loss next to the healthy run's, the activation std over time, and every line of the setup"),
    "F": N_("the loss curve's slope and the update:weight ratios"),
    "G": N_("the gradient norm of each layer, first to last, at step 0 and later"),
    "H": N_("the training loss next to the measured accuracy, and how the setup measures it"),
    "I": N_("the dead share of each layer before and after step 100, and whether the loss is finite"),
    "J": N_("the initial loss (before any step) and x.max() of case.data()"),
}


@functools.lru_cache(maxsize=None)
def _cause_names():
    """{folded name: English cause}: every cause under its English name and under its name in every
    other language of the course (the catalogs' translations), so a diagnosis may be written in any."""
    table = {}
    for lang in i18n.LANGUAGES:
        catalog = (_stdlib_gettext.NullTranslations() if lang == "en" else
                   _stdlib_gettext.translation(i18n.DOMAIN, localedir=i18n.LOCALE_DIR, languages=[lang],
                                               fallback=True))
        for c in CAUSES:
            table.setdefault(_fold(catalog.gettext(c)), c)
    return table


def _fold(text):
    return " ".join(text.lower().replace("–", "-").split())


def _cause(cause):
    """The English cause (one of CAUSES) that ``cause`` names, in English or in its translation."""
    if not isinstance(cause, str):
        raise TypeError(_("a diagnosis is one of clinic.CAUSES (a string), got {kind}").format(
            kind=type(cause).__name__))
    found = _cause_names().get(_fold(cause))
    if found is None:
        listed = [c if _(c) == c else f"{c} — {_(c)}" for c in CAUSES]
        raise ValueError(_("{cause} is not one of the causes; choose one of clinic.CAUSES:").format(
            cause=repr(cause)) + "\n  " + "\n  ".join(listed))
    return found


def check_diagnosis(name, cause):
    """(True, message) if ``cause`` (one of CAUSES, in English or its Korean name) is case ``name``'s;
    else (False, a hint: what that cause would show, and where in this case's evidence to look)."""
    c = case(name)
    cause = _cause(cause)
    if _digest(c.name, cause) == _ANSWERS[c.name]:
        return True, _("Case {name}: “{cause}” — right. Now fix it.").format(name=c.name, cause=_(cause))
    return False, _("Case {name} does not fit “{cause}”: with that cause {signature}. Does case {name}'s evidence "
                    "show that? Look at {evidence}.").format(name=c.name, cause=_(cause),
                                                             signature=_(_SIGNATURE[cause]),
                                                             evidence=_(_EVIDENCE[c.name]))


def check_fix(name, changes):
    """Train case ``name`` with ``changes`` (a dict, see the module docstring) for at most the case's
    step budget; (passed, held-out accuracy, message). Passed when the accuracy reaches the target."""
    c = case(name)
    if not isinstance(changes, dict):
        raise TypeError(_("a fix is a dict of changes to the setup, e.g. {example}").format(example="{'lr': 0.1}"))
    cfg = c.configured(changes)
    net, run = c.train(changes, every=cfg["steps"], eval_rows=2, stats_rows=2)
    x, t = c.held_out(changes)
    target = f"{100 * c.target:.0f}"
    if run["diverged"]:
        return False, float("nan"), _(
            "Case {name}: your configuration diverged at step {step} (NaN or inf); the target is {target} % on "
            "the held-out digits. Run case.run(your_changes) and look at its monitor.").format(
            name=c.name, step=run["stopped_at"], target=target)
    acc = float(held_out_accuracy(net, x, t, cfg["eval_mode"], cfg["eval_batch_size"]))
    if acc >= c.target:
        return True, acc, _("Case {name}: after {steps} steps your configuration reaches {acc} % on {rows} "
                            "held-out digits (target {target} %).").format(
            name=c.name, steps=cfg["steps"], acc=f"{100 * acc:.1f}", rows=len(x), target=target)
    return False, acc, _("Case {name}: after {steps} steps your configuration reaches {acc} % on {rows} held-out "
                         "digits; the target is {target} %. Run case.run(your_changes) and compare its monitor "
                         "with the healthy run's.").format(
        name=c.name, steps=cfg["steps"], acc=f"{100 * acc:.1f}", rows=len(x), target=target)
