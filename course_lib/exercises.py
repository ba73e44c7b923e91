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


# ================================================================ chapter 04: optimizers
# (chapter 04's checkers go below this line)


# ================================================================ chapter 05: batch normalization
# (chapter 05's checkers go below this line)

def _bn_reference(x, gamma, beta, eps, axis=0, ddof=0, keepdims=False, eps_outside=False):
    x = np.asarray(x, dtype=np.float64)
    mu = x.mean(axis=axis, keepdims=keepdims)
    var = x.var(axis=axis, ddof=ddof, keepdims=keepdims)
    with np.errstate(divide="ignore", invalid="ignore"):
        xhat = (x - mu) / (np.sqrt(var) + eps if eps_outside else np.sqrt(var + eps))
    return gamma * xhat + beta, xhat


def _matches(got, want):
    got = np.asarray(got, dtype=np.float64)
    return got.shape == np.shape(want) and bool(np.all(np.isfinite(got))) and \
        np.allclose(got, want, rtol=1e-4, atol=1e-7)


def _distance(got, want):
    return float(np.max(np.abs(np.asarray(got, dtype=np.float64) - want)))


@exercise("05-batchnorm-forward", "batch normalisation, training mode")
def _check_batchnorm_forward(batchnorm_forward):
    """BN forward in training mode: per column, x̂ = (x − μ_B)/√(σ²_B + ε) over the batch, y = γx̂ + β."""
    formula = ("Revisit: μ_B = mean over the batch (axis=0), σ²_B = mean of (x − μ_B)² over the batch "
               "(divide by N), x̂ = (x − μ_B)/√(σ²_B + ε), y = γ·x̂ + β.")
    rng = np.random.default_rng(5)
    square = rng.normal(0.0, 1.0, (4, 4)) * np.array([1.0, 3.0, 0.5, 2.0]) + np.array([2.0, -1.0, 0.0, 5.0])
    tiny = 1e-3 * rng.normal(0.0, 1.0, (6, 3))              # σ² ≈ 1e-6, smaller than ε = 1e-5
    tiny[:, 2] = 0.25                                       # a constant column: σ² = 0
    tall = rng.normal(1.0, 2.0, (8, 3))
    cases = [("x of shape (4, 4)", square, np.array([1.5, 0.5, 2.0, 1.0]), np.array([0.1, -0.2, 0.3, 0.0]), 1e-5),
             ("x of shape (8, 3)", tall, np.array([2.0, 1.0, 0.5]), np.array([1.0, 0.0, -1.0]), 1e-5),
             ("x of shape (6, 3) with tiny values and a constant column", tiny, np.array([1.0, 2.0, 1.0]),
              np.array([0.0, 0.5, -0.5]), 1e-5),
             ("x of shape (8, 3) with eps=0.5", tall, np.array([2.0, 1.0, 0.5]), np.array([1.0, 0.0, -1.0]), 0.5)]
    for what, x, gamma, beta, eps in cases:
        x_in = x.copy()
        got = call(batchnorm_forward, x_in, gamma.copy(), beta.copy(), eps=eps,
                   what=f"batchnorm_forward({what}, eps={eps})")
        expect(np.array_equal(x_in, x), f"batchnorm_forward changed its input x ({what}); compute "
               "x − μ into a new array (xc = x - mu), not in place (x -= mu).")
        want, xhat = _bn_reference(x, gamma, beta, eps)
        if _matches(got, want):
            continue
        square_case = x.shape[0] == x.shape[1]
        mistakes = [
            (_bn_reference(x, gamma, beta, eps, ddof=1)[0],
             "you used the unbiased variance (divide by N − 1, ddof=1); batch norm divides by N "
             "(np.var's default, ddof=0)."),
            (_bn_reference(x, gamma, beta, 0.0)[0],
             "you left out ε: divide by √(σ²_B + ε), which also keeps a constant column finite."),
            (_bn_reference(x, gamma, beta, eps, eps_outside=True)[0],
             "ε belongs inside the square root: √(σ²_B + ε), not √σ²_B + ε."),
            (_bn_reference(x, gamma, beta, eps, axis=1, keepdims=True)[0],
             "you normalised each row (axis=1, over the features of one example); batch norm "
             "normalises each column over the batch: axis=0."),
            (_bn_reference(x, gamma, beta, eps, axis=None)[0],
             "you used one mean and variance for the whole array; batch norm has one per column "
             "(unit), over the batch: axis=0."),
            (xhat, "you returned x̂ itself: scale and shift it, y = γ·x̂ + β."),
            (gamma * xhat, "you forgot the shift β: y = γ·x̂ + β."),
            (xhat + beta, "you forgot the scale γ: y = γ·x̂ + β."),
            (beta * xhat + gamma, "γ and β are swapped: y = γ·x̂ + β (γ scales, β shifts)."),
        ]
        if square_case:
            mistakes.append((_bn_reference(x, gamma, beta, eps, axis=1)[0],
                             "you took the mean and variance over axis=1 (each row); batch norm uses "
                             "axis=0, one mean and variance per column."))
        if eps != 1e-5:
            mistakes.append((_bn_reference(x, gamma, beta, 1e-5)[0],
                             "you ignored the eps argument (you used 1e-5 whatever eps was given)."))
        close = [(_distance(got, wrong), hint) for wrong, hint in mistakes if _matches(got, wrong)]
        if close:                                   # the nearest of the known mistakes
            raise CheckFailed(f"batchnorm_forward({what}): {min(close)[1]} {formula}")
        if np.shape(got) == x.shape and not np.all(np.isfinite(np.asarray(got, dtype=np.float64))):
            raise CheckFailed(f"batchnorm_forward({what}) returned NaN or inf: a constant column has "
                              f"σ²_B = 0, and only ε keeps the division finite. {formula}")
        expect_close(got, want, f"batchnorm_forward({what})", formula, rtol=1e-4, atol=1e-7)
    return ("Each column has mean β and standard deviation ≈ γ over the batch — the forward pass of "
            "layers.BatchNorm in training mode.")


@exercise("05-running-mean", "the running mean of batch norm")
def _check_running_mean(update_running_mean):
    """running ← momentum·running + (1 − momentum)·batch mean (the average used at inference)."""
    formula = ("Revisit: running_mean ← m·running_mean + (1 − m)·batch_mean with momentum m "
               "(0.9 keeps 90 % of the old value).")
    cases = [(np.zeros(3), np.array([1.0, 2.0, 3.0]), 0.9),
             (np.array([1.0, -2.0, 0.5]), np.array([3.0, 0.0, 0.5]), 0.9),
             (np.array([4.0, 1.0]), np.array([0.0, 3.0]), 0.99),
             (np.array([4.0, 1.0]), np.array([0.0, 3.0]), 0.5),
             (np.array([4.0, 1.0]), np.array([0.0, 3.0]), 0.0)]
    for running, batch, m in cases:
        what = f"update_running_mean(running_mean={_show(running)}, batch_mean={_show(batch)}, momentum={m})"
        got = call(update_running_mean, running.copy(), batch.copy(), momentum=m, what=what)
        expect(got is not None, f"{what} returned None: return the new running mean.")
        want = m * running + (1 - m) * batch
        if np.shape(got) == want.shape and m != 0.5:
            if np.allclose(got, (1 - m) * running + m * batch):
                raise CheckFailed(f"{what}: momentum and 1 − momentum are swapped — you kept "
                                  f"{1 - m:g} of the old value and took {m:g} of the batch. The "
                                  f"momentum is the share of the OLD running mean that is kept "
                                  f"(PyTorch's momentum=0.1 is this 1 − m). {formula}")
            if m != 0.9 and np.allclose(got, 0.9 * running + 0.1 * batch):
                raise CheckFailed(f"{what}: you used 0.9 whatever momentum was given; use the "
                                  f"momentum argument. {formula}")
        expect_close(got, want, what, formula)
    running = np.zeros(2)
    for _ in range(50):
        running = call(update_running_mean, running, np.array([2.0, -1.0]), momentum=0.9,
                       what="update_running_mean applied 50 times")
    expect_close(running, np.array([2.0, -1.0]) * (1 - 0.9 ** 50), "after 50 updates from 0 with a constant "
                 "batch mean [2, -1], momentum 0.9", "The running mean approaches the batch mean as 1 − 0.9^k.")
    return ("After k batches the running mean has forgotten its start up to a factor mᵏ "
            "(0.9⁵⁰ ≈ 0.005): that is what BN uses at inference.")


# ================================================================ chapter 06: regularization
# (chapter 06's checkers go below this line)


# ================================================================ chapter 07: hyperparameter search
# (chapter 07's checkers go below this line)
