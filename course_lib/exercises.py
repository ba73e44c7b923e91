"""Exercise checks: ``check("00-neuron", neuron)`` shows ✔ or ✘ with a hint.

Layer 4 (interaction). A checker is a plain function registered under an id
with the :func:`exercise` decorator; it calls the student's answer on several
inputs and raises :class:`CheckFailed` (through the ``expect_*`` helpers) with a
hint that says which input, what was expected, what came back and which
formula to revisit. :func:`check` turns that into a ✔ / ✘ / "not done yet"
display and never raises in a student's notebook.

Under the test run (environment variable ``COURSE_STRICT_CHECKS=1``) a failing
check raises ``AssertionError`` so that an instructor notebook with a wrong
solution fails its test; "not done yet" never raises (student notebooks run
under the tests too).

Exercise ids are ``"NN-short-name"`` where NN is the chapter number. Checkers
are grouped by chapter at the bottom of this module.
"""
from __future__ import annotations

import difflib
import html
import os
import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

STRICT_ENV = "COURSE_STRICT_CHECKS"
_ID_PATTERN = re.compile(r"^\d\d-[a-z0-9]+(-[a-z0-9]+)*$")


class CheckFailed(Exception):
    """Raised by a checker; its message is the ✘ hint shown to the student."""


@dataclass(frozen=True)
class Exercise:
    """A registered exercise: its id, a one-line title and its checker."""

    id: str
    title: str
    checker: Callable[[Any], str | None]


@dataclass(frozen=True)
class Outcome:
    """The result of running a check: passed is True, False or None (not done)."""

    exercise_id: str
    passed: bool | None
    message: str


_REGISTRY: dict[str, Exercise] = {}


def exercise(exercise_id: str, title: str | None = None):
    """Decorator registering ``checker(answer)`` under ``exercise_id``.

    The checker raises CheckFailed (use the expect_* helpers) when the answer
    is wrong, and may return a short confirmation shown after ✔.
    """
    if not isinstance(exercise_id, str) or not _ID_PATTERN.match(exercise_id):
        raise ValueError(
            f"exercise id {exercise_id!r} must look like '01-sigmoid-derivative': "
            "two-digit chapter number, a dash, lowercase words joined by dashes")

    def register(checker):
        if exercise_id in _REGISTRY:
            raise ValueError(f"exercise id {exercise_id!r} is already registered "
                             f"(by {_REGISTRY[exercise_id].checker.__name__}); pick another id")
        doc = (checker.__doc__ or "").strip().splitlines()
        _REGISTRY[exercise_id] = Exercise(exercise_id, title or (doc[0] if doc else exercise_id),
                                          checker)
        return checker

    return register


def ids(chapter: str | None = None) -> list[str]:
    """The registered exercise ids, sorted; only chapter 'NN' if given."""
    return sorted(i for i in _REGISTRY if chapter is None or i.startswith(f"{chapter}-"))


def get(exercise_id: str) -> Exercise:
    """The registered Exercise; unknown id -> KeyError naming close matches."""
    try:
        return _REGISTRY[exercise_id]
    except (KeyError, TypeError):
        close = difflib.get_close_matches(str(exercise_id), list(_REGISTRY), n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise KeyError(f"No exercise with id {exercise_id!r}.{hint} "
                       "Copy the id from the exercise's check cell.") from None


def strict() -> bool:
    """True when failing checks must raise (COURSE_STRICT_CHECKS=1, set by the tests)."""
    return os.environ.get(STRICT_ENV, "").strip().lower() in {"1", "true", "yes"}


# ---------------------------------------------------------------- running checks

def run_check(exercise_id: str, answer: Any) -> Outcome:
    """Run a check without displaying anything or raising: the Outcome."""
    try:
        ex = get(exercise_id)
    except KeyError as err:
        return Outcome(str(exercise_id), False, err.args[0])
    if answer is None or answer is Ellipsis:
        return Outcome(ex.id, None, _NOT_DONE)
    try:
        note = ex.checker(answer)
    except NotImplementedError:
        return Outcome(ex.id, None, _NOT_DONE)
    except CheckFailed as err:
        return Outcome(ex.id, False, str(err))
    except Exception as err:  # the student's code (or its result) broke the checker
        return Outcome(ex.id, False, f"Your code raised {type(err).__name__}: {err}")
    return Outcome(ex.id, True, note or "Correct.")


_NOT_DONE = ("Not done yet: replace `raise NotImplementedError` with your code, "
             "run that cell, then run this check again.")


def check(exercise_id: str, answer: Any) -> bool | None:
    """Check ``answer`` for exercise ``exercise_id`` and display ✔ or ✘ with a hint.

    Returns True (passed), False (failed) or None (not done yet). Never raises,
    except under the test run (COURSE_STRICT_CHECKS=1), where a failed check
    raises AssertionError.
    """
    outcome = run_check(exercise_id, answer)
    _display(outcome)
    if outcome.passed is False and strict():
        raise AssertionError(f"check {outcome.exercise_id!r} failed: {outcome.message}")
    return outcome.passed


_STYLE = {True: ("✔", "#1b7f3b", "#e9f7ef"),
          False: ("✘", "#b3261e", "#fdecea"),
          None: ("✎", "#7a5b00", "#fff8e1")}


def format_text(outcome: Outcome) -> str:
    """The plain-text form of an outcome (terminal, nbconvert, logs)."""
    mark = _STYLE[outcome.passed][0]
    return f"{mark} [{outcome.exercise_id}] {outcome.message}"


def format_html(outcome: Outcome) -> str:
    """The HTML box shown in a notebook."""
    mark, colour, background = _STYLE[outcome.passed]
    message = html.escape(outcome.message).replace("\n", "<br>")
    return (f'<div style="border-left:4px solid {colour};background:{background};'
            f'padding:6px 10px;margin:4px 0;font-family:sans-serif">'
            f'<b style="color:{colour}">{mark} {html.escape(outcome.exercise_id)}</b> '
            f'{message}</div>')


def _display(outcome: Outcome) -> None:
    text = format_text(outcome)
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        print(text)
        return
    if get_ipython() is None:
        print(text)
    else:
        display({"text/html": format_html(outcome), "text/plain": text}, raw=True)


# ---------------------------------------------------------------- helpers for checkers

def _show(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=4, threshold=8, edgeitems=3)
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value)


def _short(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape}" if value.size > 6 else _show(value)
    text = _show(value)
    return text if len(text) <= 40 else text[:37] + "..."


def call(func: Any, *args: Any, what: str | None = None, **kwargs: Any) -> Any:
    """Call the student's function; a crash becomes CheckFailed naming the input.

    NotImplementedError passes through (it means "not done yet").
    """
    if not callable(func):
        raise CheckFailed(f"Expected a function, got {type(func).__name__}. "
                          "Pass the function itself, without calling it: check(id, my_function).")
    try:
        return func(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception as err:
        where = what or "{}({})".format(getattr(func, "__name__", "your function"),
                                        ", ".join(_short(a) for a in args))
        raise CheckFailed(f"{where} raised {type(err).__name__}: {err}") from err


def expect(condition: bool, message: str) -> None:
    """Fail with ``message`` unless ``condition`` holds."""
    if not condition:
        raise CheckFailed(message)


def expect_shape(got: Any, shape: tuple, what: str, hint: str = "") -> None:
    """Fail unless ``got`` is array-like with exactly ``shape``."""
    got_shape = np.shape(got)
    expect(tuple(got_shape) == tuple(shape),
           _join(f"{what}: expected shape {tuple(shape)}, got {tuple(got_shape)}.", hint))


def expect_close(got: Any, want: Any, what: str, hint: str = "",
                 rtol: float = 1e-5, atol: float = 1e-8) -> None:
    """Fail unless ``got`` equals ``want`` within tolerances (shapes must match too).

    |got - want| <= atol + rtol * |want|, elementwise.
    """
    try:
        got_arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        raise CheckFailed(_join(f"{what}: expected a number or array, got {type(got).__name__} "
                                f"{_show(got)}.", hint)) from None
    want_arr = np.asarray(want, dtype=np.float64)
    if got_arr.shape != want_arr.shape:
        raise CheckFailed(_join(f"{what}: expected shape {want_arr.shape}, got {got_arr.shape} "
                                f"({_show(got)}).", hint))
    if not np.all(np.isfinite(got_arr) | ~np.isfinite(want_arr)):
        raise CheckFailed(_join(f"{what}: got non-finite values {_show(got)}; "
                                f"expected {_show(want)}.", hint))
    if not np.allclose(got_arr, want_arr, rtol=rtol, atol=atol, equal_nan=True):
        raise CheckFailed(_join(f"{what}: expected {_show(want)}, got {_show(got)}.", hint))


def expect_equal(got: Any, want: Any, what: str, hint: str = "") -> None:
    """Fail unless ``got == want`` exactly (arrays: same shape and every element)."""
    if isinstance(got, np.ndarray) or isinstance(want, np.ndarray):
        same = np.shape(got) == np.shape(want) and bool(np.all(np.asarray(got) == np.asarray(want)))
    else:
        same = bool(got == want)
    expect(same, _join(f"{what}: expected {_show(want)}, got {_show(got)}.", hint))


def _join(message: str, hint: str) -> str:
    return f"{message} {hint}".strip() if hint else message


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))


# ================================================================ chapter 00: start here

@exercise("00-neuron", "a single neuron y = σ(w·x + b)")
def _check_neuron(neuron):
    """A single neuron: y = sigmoid(w * x + b), elementwise over an array x."""
    formula = "Revisit the formula y = σ(w·x + b) with σ(z) = 1 / (1 + e^(−z))."
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    for w, b in [(1.0, 0.0), (2.0, 1.0), (-3.0, 0.5), (0.0, -1.0)]:
        got = call(neuron, x, w, b, what=f"neuron(x, w={w}, b={b})")
        want = _sigmoid(w * x + b)
        if np.shape(got) == want.shape and np.allclose(got, want):
            continue
        if np.shape(got) == want.shape and np.allclose(got, w * x + b):
            raise CheckFailed(f"neuron(x, w={w}, b={b}) returned w·x + b itself: "
                              "apply the sigmoid σ to it. " + formula)
        if np.shape(got) == want.shape and np.allclose(got, _sigmoid(w * (x + b))):
            raise CheckFailed(f"neuron(x, w={w}, b={b}) computed σ(w·(x + b)): the bias is "
                              "added after multiplying by w. " + formula)
        expect_close(got, want, f"neuron(x=[-2, -0.5, 0, 0.5, 2], w={w}, b={b})", formula)
    got = call(neuron, 0.0, 5.0, 0.0, what="neuron(0.0, w=5, b=0)")
    expect_close(got, 0.5, "neuron(0.0, w=5, b=0)", "σ(0) = 0.5 whatever w is.")
    with np.errstate(over="ignore"):
        got = call(neuron, np.array([-100.0, 100.0]), 10.0, 0.0, what="neuron at x = ±100, w = 10")
    expect_close(got, [0.0, 1.0], "neuron(x=[-100, 100], w=10, b=0)",
                 "Very negative inputs give 0 and very positive ones give 1.", atol=1e-6)
    return "Your neuron matches σ(w·x + b) on every input, including the saturated ends."


@exercise("00-accuracy", "classification accuracy from scores")
def _check_accuracy(accuracy):
    """Accuracy: the fraction of rows whose largest score is at the true label."""
    formula = ("Revisit: prediction = argmax of each row (axis=1); "
               "accuracy = mean(prediction == label), a fraction between 0 and 1.")
    square = np.array([[0.9, 0.05, 0.05],
                       [0.6, 0.3, 0.1],
                       [0.1, 0.2, 0.7]])
    square_labels = np.array([0, 0, 2])       # every row right -> 1.0; argmax over axis=0 gives 2/3
    got = call(accuracy, square, square_labels, what="accuracy on a 3×3 score matrix")
    want = 1.0
    if np.ndim(got) == 0 and np.isclose(float(got), 2 / 3):
        raise CheckFailed("On a 3×3 score matrix you got 2/3 instead of 1.0: the argmax was taken "
                          "over the wrong axis. Each ROW is one example, so use axis=1. " + formula)
    if np.ndim(got) == 0 and np.isclose(float(got), 100.0):
        raise CheckFailed("You returned a percentage (100.0); return a fraction (1.0). " + formula)
    if np.ndim(got) == 0 and np.isclose(float(got), 3.0):
        raise CheckFailed("You returned the number of correct rows (3); divide by the number "
                          "of rows to get a fraction (1.0). " + formula)
    expect_close(got, want, "accuracy on a 3×3 score matrix", formula)
    scores = np.array([[0.1, 0.7, 0.2],
                       [0.8, 0.1, 0.1],
                       [0.2, 0.3, 0.5],
                       [0.6, 0.3, 0.1]])
    labels = np.array([1, 0, 1, 2])            # rows 0 and 1 right -> 0.5
    got = call(accuracy, scores, labels, what="accuracy(scores 4×3, labels [1, 0, 1, 2])")
    if np.ndim(got) == 0 and np.isclose(float(got), 50.0):
        raise CheckFailed("You returned a percentage (50.0); return a fraction (0.5). " + formula)
    if np.ndim(got) == 0 and np.isclose(float(got), 2.0):
        raise CheckFailed("You returned the number of correct rows (2); divide by the number "
                          "of rows to get a fraction (0.5). " + formula)
    expect_close(got, 0.5, "accuracy(scores 4×3, labels [1, 0, 1, 2])", formula)
    got = call(accuracy, np.eye(10), np.arange(10), what="accuracy(np.eye(10), 0..9)")
    expect_close(got, 1.0, "accuracy(np.eye(10), labels 0..9) (every row right)", formula)
    got = call(accuracy, np.eye(10), (np.arange(10) + 1) % 10, what="accuracy(np.eye(10), shifted labels)")
    expect_close(got, 0.0, "accuracy(np.eye(10), labels shifted by one) (every row wrong)", formula)
    return "Row-wise argmax compared with the labels, averaged: that is the accuracy every chapter reports."


# ================================================================ chapter 01: vanishing gradients
# (chapter 01's checkers go below this line)


# ================================================================ chapter 02: activation functions
# (chapter 02's checkers go below this line)


# ================================================================ chapter 03: weight initialization
# (chapter 03's checkers go below this line)

# Cases (fan_in, fan_out): square layers, the MNIST net's 784 → 100 and 100 → 10, and small fans
# where the usual slips (2/√n, fan_out, both fans, a variance) all give different numbers.
_INIT_CASES = ((100, 100), (784, 100), (100, 10), (3, 50), (1, 1))


def _check_init_std(func, name, right, mistakes, formula):
    """Call func(fan_in, fan_out) on _INIT_CASES; name the slip if the answers match a known mistake.

    A slip is named when it matches every case (so a square layer, where Glorot's and LeCun's
    std agree, does not mislead the hint); otherwise the first wrong case is reported.
    """
    values = []
    for fan_in, fan_out in _INIT_CASES:
        what = f"{name}(fan_in={fan_in}, fan_out={fan_out})"
        got = call(func, fan_in, fan_out, what=what)
        try:
            values.append(float(got))
        except (TypeError, ValueError):
            raise CheckFailed(f"{what} returned {_short(got)}; return one number, the standard "
                              f"deviation. {formula}") from None
    wants = [right(i, o) for i, o in _INIT_CASES]
    wrong = [k for k, (v, w) in enumerate(zip(values, wants)) if not np.isclose(v, w, rtol=1e-6)]
    if not wrong:
        return
    slips = [slip for slip, (formula_wrong, _) in mistakes.items()
             if all(np.isclose(v, formula_wrong(i, o), rtol=1e-6) for v, (i, o) in zip(values, _INIT_CASES))]
    k = wrong[0]
    if not slips:        # no slip explains every case: one that explains the first wrong one?
        i, o = _INIT_CASES[k]
        slips = [slip for slip, (formula_wrong, _) in mistakes.items()
                 if np.isclose(values[k], formula_wrong(i, o), rtol=1e-6)]
    what = f"{name}(fan_in={_INIT_CASES[k][0]}, fan_out={_INIT_CASES[k][1]})"
    if slips:
        raise CheckFailed(f"{what} returned {values[k]:.6g} = {slips[0]}; expected {wants[k]:.6g}. "
                          f"{mistakes[slips[0]][1]} {formula}")
    expect_close(values[k], wants[k], what, formula, rtol=1e-6)


@exercise("03-he-std", "He initialisation: std = √(2/n_in)")
def _check_he_std(he_std):
    """He initialisation's standard deviation √(2/fan_in), for ReLU layers."""
    formula = "Revisit: He et al. (2015) draw W ~ N(0, σ²) with σ = √(2/n_in), n_in = fan_in."
    mistakes = {
        "2/√n_in": (lambda i, o: 2 / np.sqrt(i),
                    "That is the notes' erratum: 2/√n is √2 times too large (variance 4/n, not 2/n); "
                    "put the 2 under the root."),
        "1/√n_in": (lambda i, o: 1 / np.sqrt(i),
                    "That is LeCun's std (DLFS calls it 'Xavier'). ReLU zeroes half of its inputs, "
                    "so He doubles the variance: 2/n_in."),
        "√(2/n_out)": (lambda i, o: np.sqrt(2 / o),
                       "You used fan_out. A unit's sum has fan_in terms, so the variance is divided "
                       "by fan_in (the number of inputs)."),
        "√(2/(n_in+n_out))": (lambda i, o: np.sqrt(2 / (i + o)),
                              "That is Glorot's std, which averages both fans; He uses fan_in only."),
        "2/n_in": (lambda i, o: 2 / i,
                   "That is the variance σ²; return the standard deviation σ = √(variance)."),
        "√(6/n_in)": (lambda i, o: np.sqrt(6 / i),
                      "That is the limit r of He's uniform version U(−r, r); its std is r/√3."),
    }
    _check_init_std(he_std, "he_std", lambda i, o: np.sqrt(2 / i), mistakes, formula)
    return ("σ = √(2/n_in): 0.141 for a 100-unit layer, 0.0505 for MNIST's 784 inputs — "
            "the same as initializers.std('he_normal', n_in, n_out).")


@exercise("03-glorot-std", "Xavier/Glorot initialisation: std = √(2/(n_in+n_out))")
def _check_glorot_std(glorot_std):
    """Glorot (Xavier) normal initialisation's standard deviation √(2/(fan_in + fan_out))."""
    formula = ("Revisit: Glorot & Bengio (2010) draw W ~ N(0, σ²) with σ = √(2/(n_in + n_out)), "
               "the average of the forward (1/n_in) and backward (1/n_out) conditions.")
    mistakes = {
        "√(3/(n_in+n_out))": (lambda i, o: np.sqrt(3 / (i + o)),
                              "That is the notes' erratum: √1.5 ≈ 1.22 times too large. The 3 "
                              "belongs to uniform limits (U(−r, r) has variance r²/3), not to "
                              "the normal's std."),
        "1/√n_in": (lambda i, o: 1 / np.sqrt(i),
                    "That is LeCun's std, which DLFS calls 'Xavier': it equals Glorot's only when "
                    "n_in = n_out. Use both fans."),
        "√(6/(n_in+n_out))": (lambda i, o: np.sqrt(6 / (i + o)),
                              "That is the limit r of Glorot's uniform version U(−r, r); its "
                              "std is r/√3."),
        "2/(n_in+n_out)": (lambda i, o: 2 / (i + o),
                           "That is the variance σ²; return the standard deviation σ."),
        "√(2/n_in)": (lambda i, o: np.sqrt(2 / i),
                      "That is He's std (fan_in only); Glorot averages fan_in and fan_out."),
        "√(1/(n_in+n_out))": (lambda i, o: np.sqrt(1 / (i + o)),
                              "The variance is 1 over the average fan, (n_in + n_out)/2, which "
                              "gives 2/(n_in + n_out)."),
        "2/√(n_in+n_out)": (lambda i, o: 2 / np.sqrt(i + o),
                            "Put the 2 under the square root."),
    }
    _check_init_std(glorot_std, "glorot_std", lambda i, o: np.sqrt(2 / (i + o)), mistakes, formula)
    return ("σ = √(2/(n_in+n_out)): 0.1 for a 100 → 100 layer (where it equals LeCun's 1/√n_in), "
            "0.0476 for 784 → 100 (LeCun: 0.0357).")


_STALL_SIZES = [784, 100, 100, 100, 100, 10]


def _stall_reference(init):
    """Per-layer statistics and scores of the chapter's MNIST net (seed 0) on 1000 training images."""
    from course_lib import data, diagnostics
    from course_lib.network import MLP
    (x, t), _ = data.load_mnist()
    net = MLP(_STALL_SIZES, activation="relu", init=init, seed=0)
    stats = diagnostics.layer_stats(net, x[:1000], t[:1000])
    return stats, net.predict(x[:1000])


@exercise("03-why-stall", "why std 0.01 stalls: the last hidden layer's activation std")
def _check_why_stall(last_hidden_std):
    """last_hidden_std(init): std of hidden layer 4's activations of the 784-100×4-10 ReLU net."""
    recipe = ("Revisit the recipe: net = MLP([784, 100, 100, 100, 100, 10], activation='relu', "
              "init=init, seed=0); stats = diagnostics.layer_stats(net, x_train[:1000], "
              "t_train[:1000]); return stats[-1]['act_std'] (the last hidden layer, layer 4).")
    found = {}
    for init in (0.01, "he_normal", 0.05):
        what = f"last_hidden_std({init!r})"
        got = call(last_hidden_std, init, what=what)
        stats, scores = _stall_reference(init)
        want = stats[-1]["act_std"]
        try:
            value = float(got)
        except (TypeError, ValueError):
            raise CheckFailed(f"{what} returned {_short(got)}; return one number. {recipe}") from None
        if np.isclose(value, want, rtol=1e-3, atol=1e-12):
            found[init] = value
            continue
        slips = {"the std of the FIRST hidden layer (stats[0])": stats[0]["act_std"],
                 "the MEAN of the last hidden layer, not its std": stats[-1]["act_mean"],
                 "the std of the output scores, not of the last hidden layer": float(scores.std()),
                 "the std of layer 3 (the last hidden layer is layer 4, stats[-1])": stats[-2]["act_std"]}
        if isinstance(init, float):
            slips["the weights' std (the init parameter itself)"] = init
        for slip, w in slips.items():
            if np.isclose(value, w, rtol=1e-3):
                raise CheckFailed(f"{what} returned {value:.4g}: that is {slip}. "
                                  f"Expected {want:.4g}. {recipe}")
        raise CheckFailed(f"{what}: expected {want:.4g}, got {value:.4g}. Use seed=0 and the first "
                          f"1000 TRAINING images. {recipe}")
    expect(found[0.01] < 1e-3 * found["he_normal"],
           f"With std 0.01 the last hidden layer's std should be tiny next to He's; got "
           f"{found[0.01]:.3g} vs {found['he_normal']:.3g}. {recipe}")
    return (f"std 0.01: the last hidden layer's activations have std {found[0.01]:.2g}, "
            f"{found['he_normal'] / found[0.01]:.0f}× smaller than with He ({found['he_normal']:.2g}). "
            "Each layer multiplies the scale by ≈ 0.01·√(100/2) ≈ 0.07.")


# ================================================================ chapter 04: optimizers
# (chapter 04's checkers go below this line)


# ================================================================ chapter 05: batch normalization
# (chapter 05's checkers go below this line)


# ================================================================ chapter 06: regularization
# (chapter 06's checkers go below this line)


# ================================================================ chapter 07: hyperparameter search
# (chapter 07's checkers go below this line)
