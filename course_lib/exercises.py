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

from course_lib import activations

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

def _call_elementwise(func, x, what, formula):
    """Call func(x) on an array; a TypeError from math.exp & co. gets a specific hint."""
    try:
        with np.errstate(all="ignore"):
            return call(func, x, what=what)
    except CheckFailed as err:
        if isinstance(err.__cause__, TypeError):
            raise CheckFailed(f"{err} Your function must work elementwise on a numpy array: use np.exp, "
                              "not math.exp (math works on one number only). " + formula) from None
        if isinstance(err.__cause__, ValueError) and "truth value" in str(err.__cause__):
            raise CheckFailed(f"{err} Your function must work elementwise on a numpy array: `if x > 0:` "
                              "needs one number; choose per element with np.where(x > 0, ..., ...). "
                              + formula) from None
        raise


@exercise("01-sigmoid-derivative", "the derivative of the sigmoid, σ'(x) = σ(x)(1 − σ(x))")
def _check_sigmoid_derivative(sigmoid_derivative):
    """σ'(x) = σ(x)(1 − σ(x)), elementwise, finite for any x."""
    formula = "Revisit σ'(x) = σ(x)·(1 − σ(x)) with σ(x) = 1/(1 + e^(−x))."
    x = np.array([-4.0, -1.0, 0.0, 0.5, 2.0, 6.0])
    s = _sigmoid(x)
    want = s * (1 - s)
    got = _call_elementwise(sigmoid_derivative, x, "sigmoid_derivative(x=[-4, -1, 0, 0.5, 2, 6])", formula)
    if np.shape(got) == x.shape:
        g = np.asarray(got, dtype=np.float64)
        if np.allclose(g, s * (1 + s)):
            raise CheckFailed("You computed σ(x)(1 + σ(x)): the second factor is 1 − σ(x), the chance of "
                              "'the other class'. With + the value at x = 0 is 0.75 instead of 0.25. " + formula)
        if np.allclose(g, s):
            raise CheckFailed("You returned σ(x) itself, not its derivative. " + formula)
        if np.allclose(g, x * (1 - x)):
            raise CheckFailed("You computed x(1 − x): the formula is applied to σ(x), not to x. " + formula)
        if np.allclose(g, s * (1 - s) ** 2) or np.allclose(g, s ** 2 * (1 - s)):
            raise CheckFailed("One factor is squared: σ' is σ(x) times (1 − σ(x)), each once. " + formula)
    expect_close(got, want, "sigmoid_derivative(x=[-4, -1, 0, 0.5, 2, 6])", formula)
    grid = np.array([[-2.0, 0.0], [1.0, 3.0]])
    got = _call_elementwise(sigmoid_derivative, grid, "sigmoid_derivative on a 2×2 array", formula)
    expect_close(got, _sigmoid(grid) * (1 - _sigmoid(grid)), "sigmoid_derivative(2×2 array)",
                 "The result must have the shape of x: compute elementwise, no sums or loops over rows.")
    got = _call_elementwise(sigmoid_derivative, np.array([0.0]), "sigmoid_derivative([0.0])", formula)
    expect_close(got, [0.25], "sigmoid_derivative at x = 0", "The peak of σ' is σ(0)(1 − σ(0)) = ½·½ = ¼.")
    big = np.array([-1000.0, -50.0, 50.0, 1000.0])
    got = _call_elementwise(sigmoid_derivative, big, "sigmoid_derivative(x=[-1000, -50, 50, 1000])", formula)
    g = np.asarray(got, dtype=np.float64)
    expect(g.shape == big.shape and bool(np.all(np.isfinite(g))),
           f"sigmoid_derivative(x=[-1000, -50, 50, 1000]) gave {_show(g)}: not finite. For large |x| a "
           "formula like e^(−x)/(1 + e^(−x))² computes ∞/∞ = nan. Compute s = σ(x) first, then s·(1 − s): "
           "it is exactly 0 far out, never nan.")
    expect_close(g, [0.0, 0.0, 0.0, 0.0], "sigmoid_derivative(x=[-1000, -50, 50, 1000])",
                 "Far from 0 the sigmoid is flat: σ' is (almost exactly) 0 — that is saturation.", atol=1e-12)
    return ("σ'(x) = σ(x)(1 − σ(x)): elementwise, at most ¼ (at x = 0), and 0 in the flat tails — "
            "which is why deep sigmoid nets lose their gradient.")


@exercise("01-max-gradient-factor", "the largest gradient factor through k sigmoid layers")
def _check_max_gradient_factor(max_gradient_factor):
    """The best case of a product of k sigmoid derivatives: (1/4)^k."""
    formula = ("Each sigmoid layer multiplies the gradient by σ'(z) ≤ ¼, and the chain rule multiplies "
               "the factors of all k layers: at most ¼ · ¼ · … · ¼ = (¼)^k.")
    for k in (1, 2, 3, 5, 10):
        got = call(max_gradient_factor, k, what=f"max_gradient_factor({k})")
        try:
            value = float(got)
        except (TypeError, ValueError):
            raise CheckFailed(f"max_gradient_factor({k}) returned {_short(got)}; return one number.") from None
        if np.isclose(value, 0.25 ** k, rtol=1e-9, atol=0):
            continue
        if np.isclose(value, 0.5 ** k):
            raise CheckFailed(f"max_gradient_factor({k}) = {value:.6g} = 0.5^{k}: ½ is σ(0), the sigmoid's "
                              "value at 0, but its slope there is σ(0)(1 − σ(0)) = ¼. " + formula)
        if np.isclose(value, 0.25 * k):
            raise CheckFailed(f"max_gradient_factor({k}) = {value:.6g} = ¼·{k}: the chain rule multiplies "
                              "the layers' factors, it does not add them. " + formula)
        if np.isclose(value, 0.25 ** (k - 1)) or np.isclose(value, 0.25 ** (k + 1)):
            raise CheckFailed(f"max_gradient_factor({k}) = {value:.6g}: off by one layer — k layers give "
                              "k factors. " + formula)
        expect_close(value, 0.25 ** k, f"max_gradient_factor({k})", formula, rtol=1e-9, atol=0)
    got = call(max_gradient_factor, 0, what="max_gradient_factor(0)")
    expect_close(got, 1.0, "max_gradient_factor(0)", "No layer, no factor: the gradient passes unchanged (1).")
    return "(¼)^k: after 10 sigmoid layers at most 9.5e-07 of the gradient reaches the input, even in the best case."


@exercise("01-clip-by-global-norm", "gradient clipping by the global norm")
def _check_clip_by_global_norm(clip_by_global_norm):
    """g ← g · min(1, c / ‖g‖), ‖g‖ over all arrays together."""
    formula = ("Revisit: ‖g‖ = √(Σ over all arrays of Σ g²); if ‖g‖ > c, multiply every array by c/‖g‖, "
               "otherwise leave them unchanged.")

    def grads():
        return {"W1": np.array([[3.0, 0.0], [0.0, 4.0]]), "b1": np.array([7.2, 9.6])}   # norms 5, 12; ‖g‖ = 13

    def result(max_norm):
        given = grads()
        got = call(clip_by_global_norm, given, max_norm, what=f"clip_by_global_norm(grads, max_norm={max_norm})")
        expect(isinstance(got, dict), f"clip_by_global_norm returned {type(got).__name__}; return a dict "
               "with the same keys as grads (W1, b1), each an array of the same shape.")
        expect(set(got) == {"W1", "b1"}, f"clip_by_global_norm returned the keys {sorted(got)}; "
               "expected the keys of grads, ['W1', 'b1'].")
        for key in ("W1", "b1"):
            expect_shape(got[key], grads()[key].shape, f"clip_by_global_norm(...)[{key!r}]")
        return {k: np.asarray(v, dtype=np.float64) for k, v in got.items()}

    got = result(100.0)
    if all(np.allclose(got[k], v * 100 / 13) for k, v in grads().items()):
        raise CheckFailed("A gradient of norm 13 was scaled UP to norm 100: clipping only ever scales down "
                          "(min(1, c/‖g‖)). " + formula)
    if all(np.allclose(got[k], v * 100 / 169) for k, v in grads().items()):
        raise CheckFailed("You divided by ‖g‖² = 169, the sum of squares: the norm is its square root, 13. "
                          + formula)
    for key, want in grads().items():
        expect_close(got[key], want, f"with ‖g‖ = 13 and max_norm = 100, grads[{key!r}]",
                     "A gradient whose norm is already below max_norm must stay unchanged. " + formula)
    got = result(6.5)
    norm = float(np.sqrt(sum(np.sum(v * v) for v in got.values())))
    if np.allclose(got["W1"], np.clip(grads()["W1"], -6.5, 6.5)) and np.allclose(got["b1"], [6.5, 6.5]):
        raise CheckFailed("You clipped each number to [−6.5, 6.5] (np.clip): that changes the gradient's "
                          "direction. Clipping by norm scales the whole gradient down instead. " + formula)
    if np.allclose(got["W1"], grads()["W1"]) and np.allclose(got["b1"], [3.9, 5.2]):
        raise CheckFailed("You clipped each array by its own norm (W1 has norm 5 < 6.5, so it stayed; b1 "
                          "was cut from 12 to 6.5): that changes the direction of the whole gradient. Use one global "
                          "norm over all arrays together. " + formula)
    for key, want in grads().items():
        expect_close(got[key], want * 0.5, f"with ‖g‖ = 13 and max_norm = 6.5, grads[{key!r}]",
                     f"Every array must be multiplied by 6.5/13 = 0.5 (the clipped norm was {norm:.4g}). " + formula)
    got = result(1.0)
    for key, want in grads().items():
        expect_close(got[key], want / 13.0, f"with ‖g‖ = 13 and max_norm = 1, grads[{key!r}]", formula)
    small = {"W1": np.array([[0.03, 0.0], [0.0, 0.04]]), "b1": np.array([0.0, 0.0])}
    got = call(clip_by_global_norm, small, 1.0, what="clip_by_global_norm(small grads, 1.0)")
    if isinstance(got, dict) and "W1" in got and np.allclose(got["W1"], [[0.6, 0.0], [0.0, 0.8]]):
        raise CheckFailed("A gradient of norm 0.05 was scaled UP to norm 1: clipping only ever scales down "
                          "(min(1, c/‖g‖)). " + formula)
    expect(isinstance(got, dict) and "W1" in got, "clip_by_global_norm must return a dict with the keys of grads.")
    expect_close(got["W1"], small["W1"], "with ‖g‖ = 0.05 and max_norm = 1, grads['W1']",
                 "Small gradients stay unchanged. " + formula)
    return ("One norm over all arrays, scaled down only when too long: the direction of the step is kept, "
            "its length is capped — that is train(..., clip_norm=c).")


# ================================================================ chapter 02: activation functions
# (chapter 02's checkers go below this line)

def _elu(x, alpha):
    """The course's ELU in float64: the reference a student's answer is compared with."""
    return activations.get("elu", alpha=alpha)(np.asarray(x, dtype=np.float64))


def _elu_grad(x, alpha):
    return activations.get("elu", alpha=alpha).derivative(np.asarray(x, dtype=np.float64))


_ELU_X = np.array([-3.0, -1.0, -0.25, 0.5, 2.0])
_ELU_SHOW = "x=[-3, -1, -0.25, 0.5, 2]"


@exercise("02-elu", "the ELU activation, x if x > 0 else α(eˣ − 1)")
def _check_elu(elu):
    """ELU(x) = x for x > 0, α(eˣ − 1) for x ≤ 0, elementwise."""
    formula = "Revisit ELU(x) = x if x > 0, else α·(eˣ − 1)."
    for alpha in (1.0, 0.5, 2.0):
        got = _call_elementwise(lambda x: elu(x, alpha), _ELU_X, f"elu({_ELU_SHOW}, alpha={alpha})", formula)
        want = _elu(_ELU_X, alpha)
        if np.shape(got) == want.shape and not np.allclose(got, want):
            g = np.asarray(got, dtype=np.float64)
            neg = _ELU_X < 0
            if np.allclose(g[neg], alpha * np.exp(_ELU_X[neg])):
                raise CheckFailed(f"elu(x, alpha={alpha}) returned α·eˣ for negative x: the −1 is missing, so "
                                  f"ELU would jump from α to 0 at x = 0 and tend to 0, not to −α, as x → −∞. "
                                  + formula)
            if alpha != 1.0 and np.allclose(g[neg], np.expm1(_ELU_X[neg])):
                raise CheckFailed(f"elu(x, alpha={alpha}) ignores alpha for negative x: multiply (eˣ − 1) "
                                  "by α. " + formula)
            if np.allclose(g[neg], 0.0) or np.allclose(g[neg], _ELU_X[neg]) or \
                    np.allclose(g[neg], alpha * _ELU_X[neg]):
                raise CheckFailed(f"elu(x, alpha={alpha}) for negative x returned {_show(g[neg])}, a ReLU-like "
                                  f"value; ELU bends smoothly towards −α: α(eˣ − 1) = {_show(want[neg])}. "
                                  + formula)
            if not np.allclose(g[~neg], _ELU_X[~neg]):
                raise CheckFailed(f"elu(x, alpha={alpha}) for positive x returned {_show(g[~neg])}; for x > 0 "
                                  "ELU is x itself. " + formula)
        expect_close(got, want, f"elu({_ELU_SHOW}, alpha={alpha})", formula)
    grid = np.array([[-2.0, 0.0], [1.5, -0.5]])
    got = _call_elementwise(lambda x: elu(x, 1.0), grid, "elu on a 2×2 array", formula)
    expect_close(got, _elu(grid, 1.0), "elu(2×2 array, alpha=1)", "Keep the shape of x: work elementwise.")
    far = np.array([-1000.0, 1000.0])
    got = _call_elementwise(lambda x: elu(x, 1.5), far, "elu(x=[-1000, 1000], alpha=1.5)", formula)
    expect_close(got, [-1.5, 1000.0], "elu(x=[-1000, 1000], alpha=1.5)",
                 "Far left ELU saturates at −α; far right it is x. If you got nan, compute the exponential "
                 "only of min(x, 0), e.g. np.expm1(np.minimum(x, 0)).")
    return "ELU: identity for x > 0, a smooth floor at −α for x < 0 — negative outputs keep the mean near 0."


@exercise("02-elu-derivative", "the ELU's derivative, 1 if x > 0 else α·eˣ")
def _check_elu_derivative(elu_derivative):
    """ELU'(x) = 1 for x > 0, α·eˣ for x < 0 (= ELU(x) + α), elementwise."""
    formula = "Revisit d/dx α(eˣ − 1) = α·eˣ for x < 0, and d/dx x = 1 for x > 0."
    for alpha in (1.0, 0.5, 2.0):
        got = _call_elementwise(lambda x: elu_derivative(x, alpha), _ELU_X,
                                f"elu_derivative({_ELU_SHOW}, alpha={alpha})", formula)
        want = _elu_grad(_ELU_X, alpha)
        if np.shape(got) == want.shape and not np.allclose(got, want):
            g = np.asarray(got, dtype=np.float64)
            neg = _ELU_X < 0
            if np.allclose(g[neg], _elu(_ELU_X[neg], alpha)):
                raise CheckFailed(f"elu_derivative(x, alpha={alpha}) returned ELU itself, α(eˣ − 1), for negative "
                                  "x: that is the function, not its slope. The −1 is a constant and its "
                                  "derivative is 0. " + formula)
            if np.allclose(g[neg], 0.0):
                raise CheckFailed(f"elu_derivative(x, alpha={alpha}) is 0 for negative x — that is ReLU's "
                                  "derivative, the one that lets units die. " + formula)
            if np.allclose(g[neg], alpha):
                raise CheckFailed(f"elu_derivative(x, alpha={alpha}) is the constant α for negative x — that "
                                  "is LeakyReLU's slope; ELU's slope decays as α·eˣ. " + formula)
            if alpha != 1.0 and np.allclose(g[neg], np.exp(_ELU_X[neg])):
                raise CheckFailed(f"elu_derivative(x, alpha={alpha}) ignores alpha for negative x: the slope "
                                  "is α·eˣ. " + formula)
            if not np.allclose(g[~neg], 1.0):
                raise CheckFailed(f"elu_derivative(x, alpha={alpha}) for positive x returned {_show(g[~neg])}; "
                                  "for x > 0 ELU is x, with slope 1. " + formula)
        expect_close(got, want, f"elu_derivative({_ELU_SHOW}, alpha={alpha})", formula)
    grid = np.array([[-2.0, 3.0], [1.5, -0.5]])
    got = _call_elementwise(lambda x: elu_derivative(x, 1.0), grid, "elu_derivative on a 2×2 array", formula)
    expect_close(got, _elu_grad(grid, 1.0), "elu_derivative(2×2 array, alpha=1)",
                 "Keep the shape of x: work elementwise.")
    far = np.array([-1000.0, 1000.0])
    got = _call_elementwise(lambda x: elu_derivative(x, 1.5), far, "elu_derivative(x=[-1000, 1000], alpha=1.5)",
                            formula)
    expect_close(got, [0.0, 1.0], "elu_derivative(x=[-1000, 1000], alpha=1.5)",
                 "Far left the slope α·eˣ is 0; far right it is 1. If you got nan or inf, exponentiate "
                 "min(x, 0) only.", atol=1e-12)
    return "ELU': 1 on the right, α·eˣ on the left — small but never exactly 0 at finite x, so no unit dies."


@exercise("02-leaky-relu", "LeakyReLU with any slope α")
def _check_leaky_relu(leaky_relu):
    """LeakyReLU(x) = x for x > 0, α·x for x ≤ 0, for any α ≥ 0."""
    formula = "Revisit LeakyReLU(x) = x if x > 0, else α·x — np.where(x > 0, x, alpha * x)."
    x = np.array([-4.0, -1.0, -0.5, 0.0, 0.5, 3.0])
    show = "x=[-4, -1, -0.5, 0, 0.5, 3]"
    for alpha in (0.01, 0.2, 0.0, 2.0):
        got = _call_elementwise(lambda v: leaky_relu(v, alpha), x, f"leaky_relu({show}, alpha={alpha})", formula)
        want = np.where(x > 0, x, alpha * x)
        if np.shape(got) == want.shape and not np.allclose(got, want):
            g = np.asarray(got, dtype=np.float64)
            pos = x > 0
            if alpha > 1 and np.allclose(g, np.maximum(alpha * x, x)):
                raise CheckFailed(f"leaky_relu(x, alpha={alpha}) returned max(αx, x): that equals LeakyReLU only "
                                  f"for α ≤ 1. With α = {alpha} it gives αx for positive x and x for negative x. "
                                  "Choose the branch by the sign of x instead. " + formula)
            if np.allclose(g[pos], alpha * x[pos]) or np.allclose(g, alpha * x):
                raise CheckFailed(f"leaky_relu(x, alpha={alpha}) multiplied the positive inputs by α too: the "
                                  "slope α is only for x < 0; positive inputs pass unchanged. " + formula)
            if alpha > 0 and np.allclose(g, np.maximum(x, 0)):
                raise CheckFailed(f"leaky_relu(x, alpha={alpha}) returned max(x, 0), a plain ReLU: negative "
                                  "inputs must give α·x. " + formula)
        expect_close(got, want, f"leaky_relu({show}, alpha={alpha})", formula)
    grid = np.array([[-2.0, 3.0], [1.5, -0.5]])
    got = _call_elementwise(lambda v: leaky_relu(v, 0.1), grid, "leaky_relu on a 2×2 array", formula)
    expect_close(got, np.where(grid > 0, grid, 0.1 * grid), "leaky_relu(2×2 array, alpha=0.1)",
                 "Keep the shape of x: work elementwise.")
    return "LeakyReLU for every α, including α > 1 where the max(αx, x) shortcut breaks."


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

def _momentum_reference(W, v, g, lr, alpha):
    v_new = alpha * v - lr * g
    return W + v_new, v_new


@exercise("04-momentum", "the Momentum update v ← αv − η∂L/∂W, W ← W + v")
def _check_momentum(momentum_step):
    """Momentum: v ← αv − η·∂L/∂W, then W ← W + v (the new v)."""
    formula = "Revisit the notes' formula: first v ← αv − η·∂L/∂W, then W ← W + v with the new v."
    rng = np.random.default_rng(4)
    cases = [(np.array([1.0, -2.0, 0.5]), np.array([0.3, -0.1, 0.2]), np.array([0.5, 1.0, -2.0]), 0.1, 0.9),
             (rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), 0.01, 0.5),
             (np.array([2.0]), np.zeros(1), np.array([4.0]), 0.05, 0.9),          # first step: v = 0
             (np.array([-1.0, 1.0]), np.array([0.2, 0.2]), np.zeros(2), 0.1, 0.0)]  # α = 0, g = 0
    for W, v, g, lr, alpha in cases:
        what = f"momentum_step(W, v, grad, lr={lr}, alpha={alpha}) with W = {_short(W)}, v = {_short(v)}"
        got = call(momentum_step, W.copy(), v.copy(), g.copy(), lr, alpha, what=what)
        expect(isinstance(got, tuple) and len(got) == 2,
               f"{what} returned {_short(got)}; return the pair (W_new, v_new).")
        W_new, v_new = (np.asarray(a, dtype=np.float64) for a in got)
        W_want, v_want = _momentum_reference(W, v, g, lr, alpha)
        if W_new.shape == W.shape and np.allclose(W_new, W_want) and np.allclose(v_new, v_want):
            continue
        if W_new.shape == W.shape:
            if np.allclose(W_new, W + alpha * v + lr * g):
                raise CheckFailed(f"{what}: you computed v ← αv + η·∂L/∂W — a sign error: the step then "
                                  "goes uphill, along the gradient. " + formula)
            if np.allclose(W_new, W + v) and not np.allclose(v, v_want):
                raise CheckFailed(f"{what}: W moved by the old v: you updated W before v. The notes "
                                  "first update v, then add the new v to W. " + formula)
            if np.allclose(W_new, W - lr * (alpha * v + g)):
                raise CheckFailed(f"{what}: you used the other convention, v ← αv + ∂L/∂W and "
                                  "W ← W − ηv (PyTorch's), which keeps v/η with the opposite sign. It is "
                                  "the same method, but here v is the notes' velocity. " + formula)
            if np.allclose(W_new, W - lr * g):
                raise CheckFailed(f"{what}: W moved by −η·∂L/∂W only, which is plain SGD: the velocity "
                                  "αv is missing. " + formula)
            if np.allclose(W_new, W + alpha * v - g):
                raise CheckFailed(f"{what}: the learning rate η is missing from v ← αv − η·∂L/∂W. " + formula)
        expect_close(W_new, W_want, f"{what}: W_new", formula)
        expect_close(v_new, v_want, f"{what}: v_new", formula)

    from course_lib import optimizers, surfaces

    class Yours:                                    # the student's step as an optimizer
        def __init__(self):
            self.v = np.zeros(2)

        def update(self, params, grads):
            W, self.v = momentum_step(params["xy"].copy(), self.v.copy(), grads["xy"], 0.1, 0.9)
            params["xy"][...] = W

    theirs = surfaces.trajectory(Yours(), "dlfs", steps=30)
    ours = surfaces.trajectory(optimizers.get("momentum", lr=0.1, momentum=0.9), "dlfs", steps=30)
    expect_close(theirs, ours, "30 steps of your update on f = x²/20 + y² (η = 0.1, α = 0.9)", formula)
    return (f"Your update follows course_lib's Momentum path on f = x²/20 + y² for 30 steps "
            f"(largest difference {np.abs(theirs - ours).max():.1e}).")


def _adam_reference(W, m, v, g, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return W - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


@exercise("04-adam-step", "one Adam step with bias correction")
def _check_adam_step(adam_step):
    """Adam: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ),
    W ← W − η m̂/(√v̂ + ε)."""
    formula = ("Revisit Kingma & Ba: m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  m̂ = m/(1−β₁ᵗ);  "
               "v̂ = v/(1−β₂ᵗ);  W ← W − η·m̂/(√v̂ + ε), with t = 1 on the first step.")
    rng = np.random.default_rng(4)
    hp = dict(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8)
    cases = [(np.array([1.0, -2.0, 0.5]), np.zeros(3), np.zeros(3), np.array([0.5, -1.0, 2.0]), 1, hp),
             (rng.normal(size=(2, 3)), 0.1 * rng.normal(size=(2, 3)), 0.01 * rng.random((2, 3)),
              rng.normal(size=(2, 3)), 5, dict(lr=0.01, beta1=0.8, beta2=0.99, eps=1e-8)),
             (np.array([0.0, 1.0]), np.zeros(2), np.zeros(2), np.array([1e-9, -1e-9]), 1, hp),
             (np.array([3.0]), np.array([0.2]), np.array([0.05]), np.array([-0.3]), 1000, hp)]
    for W, m, v, g, t, kw in cases:
        what = (f"adam_step(W, m, v, grad = {_short(g)}, t={t}, lr={kw['lr']}, beta1={kw['beta1']}, "
                f"beta2={kw['beta2']}, eps={kw['eps']})" + ("" if not m.any() else " with m, v ≠ 0"))
        got = call(adam_step, W.copy(), m.copy(), v.copy(), g.copy(), t, what=what, **kw)
        expect(isinstance(got, tuple) and len(got) == 3,
               f"{what} returned {_short(got)}; return the triple (W_new, m_new, v_new).")
        W_new, m_new, v_new = (np.asarray(a, dtype=np.float64) for a in got)
        W_want, m_want, v_want = _adam_reference(W, m, v, g, t, **kw)
        ok_shapes = W_new.shape == W.shape and m_new.shape == m.shape and v_new.shape == v.shape
        if ok_shapes and np.allclose(W_new, W_want, rtol=1e-6, atol=1e-12) \
                and np.allclose(m_new, m_want) and np.allclose(v_new, v_want, rtol=1e-6, atol=1e-30):
            continue
        if ok_shapes:
            lr, b1, b2, eps = kw["lr"], kw["beta1"], kw["beta2"], kw["eps"]
            m1, v1 = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
            m_hat, v_hat = m1 / (1 - b1 ** t), v1 / (1 - b2 ** t)
            if np.allclose(v_new, b2 * v + (1 - b2) * g) and not np.allclose(v_new, v_want):
                raise CheckFailed(f"{what}: v averages the squared gradient g², not g. " + formula)
            if t == 1 and not np.all(np.isfinite(W_new)):
                raise CheckFailed(f"{what}: W_new is non-finite. On the first step t = 1, so the bias "
                                  "correction divides by 1 − β¹ = 1 − β, not by 1 − β⁰ = 0: did you use "
                                  "t − 1, or count t from 0? " + formula)
            if not np.allclose(W_new, W_want, rtol=1e-6, atol=1e-12):
                if np.allclose(W_new, W - lr * m1 / (np.sqrt(v1) + eps), rtol=1e-6, atol=1e-12):
                    raise CheckFailed(f"{what}: the bias correction is missing — you divided m by √v "
                                      f"instead of m̂ = m/(1−β₁ᵗ) by √v̂ = √(v/(1−β₂ᵗ)). On the first step "
                                      f"that makes the step (1−β₁)/√(1−β₂) = "
                                      f"{(1 - b1) / np.sqrt(1 - b2):.3g} times the right one. " + formula)
                if np.allclose(W_new, W - lr * m_hat / (np.sqrt(v1) + eps), rtol=1e-6, atol=1e-12) or \
                        np.allclose(W_new, W - lr * m1 / (np.sqrt(v_hat) + eps), rtol=1e-6, atol=1e-12):
                    raise CheckFailed(f"{what}: only one of the two moments is bias-corrected; correct "
                                      "both, m̂ = m/(1−β₁ᵗ) and v̂ = v/(1−β₂ᵗ). " + formula)
                if np.allclose(W_new, W - lr * m_hat / np.sqrt(v_hat + eps), rtol=1e-6, atol=1e-12):
                    raise CheckFailed(f"{what}: ε is inside the square root, √(v̂ + ε). Kingma & Ba add it "
                                      "outside, √v̂ + ε. With ε = 1e-8 inside, the root adds about 1e-4, "
                                      "which matters when the gradients are tiny, as here. " + formula)
            elif np.allclose(m_new, m_hat) and not np.allclose(m_hat, m_want):
                raise CheckFailed(f"{what}: you returned the corrected m̂ as the new m. Keep the running "
                                  "averages m, v uncorrected; m̂, v̂ are only used for this step. " + formula)
        expect_close(m_new, m_want, f"{what}: m_new", formula)
        expect_close(v_new, v_want, f"{what}: v_new", formula, rtol=1e-6, atol=1e-30)
        expect_close(W_new, W_want, f"{what}: W_new", formula, rtol=1e-6, atol=1e-12)

    from course_lib import optimizers, surfaces

    class Yours:
        def __init__(self):
            self.m, self.v, self.t = np.zeros(2), np.zeros(2), 0

        def update(self, params, grads):
            self.t += 1
            W, self.m, self.v = adam_step(params["xy"].copy(), self.m.copy(), self.v.copy(),
                                          grads["xy"], self.t, lr=0.3, beta1=0.9, beta2=0.999, eps=1e-8)
            params["xy"][...] = W

    theirs = surfaces.trajectory(Yours(), "dlfs", steps=30)
    ours = surfaces.trajectory(optimizers.get("adam", lr=0.3), "dlfs", steps=30)
    expect_close(theirs, ours, "30 Adam steps on f = x²/20 + y² (η = 0.3)", formula)
    return ("Your Adam step matches Kingma & Ba on every input, including the first step (bias "
            "correction) and tiny gradients (ε outside the root), and follows course_lib's Adam "
            "path for 30 steps.")


#: The race of exercise 04-first-to-reach (the notebook shows the same settings).
RACE_04 = {"surface": "ill_conditioned", "steps": 300, "tol": 0.1,
           "optimizers": {"sgd": {"lr": 0.05}, "momentum": {"lr": 0.05, "momentum": 0.9},
                          "nesterov": {"lr": 0.05, "momentum": 0.9}, "adam": {"lr": 0.05}}}


def _race_reference(race):
    from course_lib import surfaces
    reached = {}
    for name, kwargs in race["optimizers"].items():
        path = surfaces.trajectory(name, race["surface"], steps=race["steps"], opt_kwargs=kwargs)
        reached[name] = surfaces.steps_to_reach(path, race["surface"], tol=race["tol"])
    done = {k: s for k, s in reached.items() if s is not None}
    return (min(done, key=done.get) if done else None), reached


@exercise("04-first-to-reach", "which optimizer comes within 0.1 of the minimum first")
def _check_first_to_reach(first_to_reach):
    """first_to_reach(race) -> (name of the first optimizer within tol of the minimum, {name: step or None})."""
    import copy
    hint = ("For each optimizer: path = surfaces.trajectory(name, race['surface'], steps=race['steps'], "
            "opt_kwargs=race['optimizers'][name]); step = surfaces.steps_to_reach(path, race['surface'], "
            "tol=race['tol']) (None if it never gets there). The first is the smallest step, "
            "leaving out the Nones.")
    races = [RACE_04,
             {"surface": "dlfs", "steps": 100, "tol": 0.1,
              "optimizers": {"sgd": {"lr": 0.95}, "momentum": {"lr": 0.1}, "adagrad": {"lr": 1.5},
                             "adam": {"lr": 0.3}}},
             {"surface": "saddle", "steps": 20, "tol": 0.1,
              "optimizers": {"sgd": {"lr": 0.05}, "momentum": {"lr": 0.05}}}]     # nobody arrives
    for race in races:
        first_want, reached_want = _race_reference(race)
        what = f"first_to_reach(race on {race['surface']!r}, {race['steps']} steps)"
        got = call(first_to_reach, copy.deepcopy(race), what=what)
        expect(isinstance(got, tuple) and len(got) == 2,
               f"{what} returned {_short(got)}; return the pair (first, reached).")
        first, reached = got
        expect(isinstance(reached, dict) and set(reached) == set(reached_want),
               f"{what}: reached must be a dict with one entry per optimizer of the race, "
               f"{sorted(reached_want)}; got {_short(reached)}. " + hint)
        for name, want in reached_want.items():
            if reached[name] == want:
                continue
            if want is not None and reached[name] == want + 1:
                raise CheckFailed(f"{what}: {name} reached at step {reached[name]}, expected {want}: "
                                  "counted from 1, but row 0 of a path is the start (step 0). " + hint)
            expect_equal(reached[name], want, f"{what}: the step at which {name} first comes within "
                                              f"{race['tol']} of the minimum", hint)
        if first != first_want and first_want is not None and \
                first == max((k for k in reached_want if reached_want[k] is not None), key=reached_want.get):
            raise CheckFailed(f"{what}: you named the LAST optimizer to arrive ({first}); the first one "
                              "has the smallest step. " + hint)
        expect_equal(first, first_want, f"{what}: the first to arrive", hint)
    first, reached = _race_reference(RACE_04)
    order = ", ".join(f"{k} {v}" for k, v in sorted(reached.items(), key=lambda kv: (kv[1] is None, kv[1])))
    return (f"On {RACE_04['surface']} with η = 0.05 for all, {first} arrives first. Steps to come within "
            f"0.1 of the minimum: {order}. Was that your prediction?")



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

def _l2_case(seed, lam):
    """params/grads dicts W1 b1 W2 b2 (float64, nonzero biases) and the expected result."""
    rng = np.random.default_rng(seed)
    params = {"W1": rng.normal(size=(3, 4)), "b1": rng.normal(size=4),
              "W2": rng.normal(size=(4, 2)), "b2": rng.normal(size=2)}
    grads = {k: rng.normal(size=v.shape) for k, v in params.items()}
    loss = float(rng.uniform(0.5, 2.5))
    sum_w2 = sum(float(np.sum(v ** 2)) for k, v in params.items() if k.startswith("W"))
    sum_b2 = sum(float(np.sum(v ** 2)) for k, v in params.items() if k.startswith("b"))
    return params, grads, loss, sum_w2, sum_b2


@exercise("06-weight-decay", "add the L2 term λ/2·Σw² to a loss and λ·W to its gradient")
def _check_weight_decay(add_weight_decay):
    """Weight decay: loss + λ/2·Σ W², gradient + λ·W, weights only."""
    formula = ("Revisit: L_new = L + (λ/2)·Σ_l Σ w², and ∂L_new/∂W = ∂L/∂W + λ·W for every weight "
               "matrix W (keys starting with 'W'); biases (keys 'b…') are not penalised.")
    for seed, lam in [(0, 0.1), (1, 0.5), (2, 0.0)]:
        params, grads, loss, sum_w2, sum_b2 = _l2_case(seed, lam)
        p_in = {k: v.copy() for k, v in params.items()}
        g_in = {k: v.copy() for k, v in grads.items()}
        what = f"add_weight_decay(loss={loss:.3f}, grads, params, lam={lam})"
        out = call(add_weight_decay, loss, g_in, p_in, lam, what=what)
        expect(isinstance(out, (tuple, list)) and len(out) == 2,
               f"{what} must return a pair (new_loss, new_grads), got {_short(out)}.")
        new_loss, new_grads = out
        expect(all(np.array_equal(p_in[k], params[k]) for k in params),
               f"{what} changed params: only compute with the weights, do not modify them.")
        try:
            new_loss = float(new_loss)
        except (TypeError, ValueError):
            raise CheckFailed(f"{what}: new_loss must be a number, got {_short(new_loss)}.") from None
        expect(isinstance(new_grads, dict) and set(new_grads) == set(grads),
               f"{what}: new_grads must be a dict with the same keys as grads {sorted(grads)}, "
               f"got {_short(new_grads) if not isinstance(new_grads, dict) else sorted(new_grads)}.")
        added = new_loss - loss
        want = 0.5 * lam * sum_w2
        if lam > 0 and np.isclose(added, lam * sum_w2):
            raise CheckFailed(f"{what}: you added λ·Σw² = {added:.6g}, without the ½; the notes' term is (λ/2)·Σw² = "
                              f"{want:.6g}. The ½ is there so that the gradient is exactly λ·W. " + formula)
        if lam > 0 and (np.isclose(added, want + 0.5 * lam * sum_b2) or np.isclose(added, lam * (sum_w2 + sum_b2))):
            raise CheckFailed(f"{what}: your penalty also sums the biases' squares. Weight decay "
                              "penalises the weights only (keys starting with 'W'). " + formula)
        if lam > 0 and np.isclose(new_loss, want):
            raise CheckFailed(f"{what} returned only the penalty {new_loss:.6g}: add it to the data "
                              "loss. " + formula)
        expect_close(new_loss, loss + want, f"{what}: new_loss", formula)
        for k in params:
            got = np.asarray(new_grads[k], dtype=np.float64)
            if k.startswith("b"):
                if got.shape == grads[k].shape and lam > 0 and np.allclose(got, grads[k] + lam * params[k]):
                    raise CheckFailed(f"{what}: new_grads[{k!r}] got λ·{k} added — biases are not "
                                      "penalised, their gradient stays as it was. " + formula)
                expect_close(got, grads[k], f"{what}: new_grads[{k!r}] (a bias: unchanged)", formula)
                continue
            want_g = grads[k] + lam * params[k]
            if lam > 0 and got.shape == want_g.shape and np.allclose(got, grads[k] + 2 * lam * params[k]):
                raise CheckFailed(f"{what}: new_grads[{k!r}] adds 2λ·{k}. That is the gradient of λ·Σw² "
                                  "(without the ½); the derivative of (λ/2)·w² is λ·w, so add λ·W — "
                                  "the loss and its gradient must match. " + formula)
            if lam > 0 and got.shape == want_g.shape and np.allclose(got, lam * params[k]):
                raise CheckFailed(f"{what}: new_grads[{k!r}] is only λ·{k}: add it to the data "
                                  f"gradient grads[{k!r}]. " + formula)
            expect_close(got, want_g, f"{what}: new_grads[{k!r}]", formula)
    return ("Loss + (λ/2)·Σw² and gradient + λ·W on the weights only: exactly what MLP(weight_decay=λ) "
            "does.")


def _as_pair(answer, names):
    if callable(answer) or not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise CheckFailed(f"Pass both functions as a pair: check(id, ({names})).")
    return answer


@exercise("06-dropout", "inverted dropout: forward (mask, scale 1/(1−p)) and backward")
def _check_dropout(pair):
    """Inverted dropout: keep with probability 1 − p, scale kept values by 1/(1 − p)."""
    forward, backward = _as_pair(pair, "dropout_forward, dropout_backward")
    formula = ("Revisit: mask_i = 1 with probability 1 − p (kept), 0 with probability p (dropped), "
               "e.g. mask = (rng.random(x.shape) >= p); y = x · mask / (1 − p); "
               "backward ∂L/∂x = ∂L/∂y · mask / (1 − p).")
    p = 0.2
    x = np.ones((400, 250))
    what = "dropout_forward(x = ones((400, 250)), p=0.2, rng)"
    out = call(forward, x.copy(), p, np.random.default_rng(1), what=what)
    expect(isinstance(out, (tuple, list)) and len(out) == 2,
           f"{what} must return a pair (y, mask), got {_short(out)}.")
    y, mask = (np.asarray(a, dtype=np.float64) for a in out)
    expect_shape(y, x.shape, f"{what}: y")
    expect_shape(mask, x.shape, f"{what}: mask")
    values = set(np.unique(mask).round(6).tolist())
    if values <= {0.0, round(1 / (1 - p), 6)} and len(values) == 2:
        raise CheckFailed(f"{what}: mask holds 0 and 1/(1 − p) = 1.25; return the 0/1 keep mask and "
                          "put the scaling into y. " + formula)
    expect(values <= {0.0, 1.0}, f"{what}: mask must hold only 0 (dropped) and 1 (kept), "
                                 f"got values {sorted(values)[:5]}. " + formula)
    dropped = float(np.mean(mask == 0))
    if abs(dropped - (1 - p)) < 0.02:
        raise CheckFailed(f"{what}: you dropped {dropped:.1%} of the units — that is 1 − p. p is the "
                          "probability of DROPPING a unit: keep where rng.random(...) >= p. " + formula)
    expect(abs(dropped - p) < 0.02, f"{what}: expected about {p:.0%} of the units dropped, got "
                                    f"{dropped:.1%}. " + formula)
    kept = np.unique(y[mask == 1].round(6))
    if np.allclose(kept, 1.0):
        raise CheckFailed(f"{what}: the kept values are 1, not 1/(1 − p) = 1.25 — the scaling 1/(1 − p) "
                          "is missing, so the mean output is (1 − p)·x and the inference network "
                          "(which uses every unit) would see larger inputs than in training. " + formula)
    if np.allclose(kept, 1 - p):
        raise CheckFailed(f"{what}: the kept values are 1 − p = 0.8; inverted dropout DIVIDES by 1 − p "
                          "at training time (y = x·mask/(1 − p)). " + formula)
    expect_close(y, x * mask / (1 - p), f"{what}: y (compared with x·mask/(1 − p) for your mask)", formula)
    expect(abs(float(y.mean()) - 1.0) < 0.02, f"{what}: the mean of y is {y.mean():.3f}; inverted "
                                              "dropout keeps E[y] = x = 1. " + formula)
    rng_x = np.random.default_rng(7)
    x2 = rng_x.normal(size=(50, 30))
    for p2 in (0.5, 0.0):
        what2 = f"dropout_forward(x of shape (50, 30), p={p2}, rng)"
        x_in = x2.copy()
        y2, m2 = call(forward, x_in, p2, np.random.default_rng(3), what=what2)
        y2, m2 = np.asarray(y2, dtype=np.float64), np.asarray(m2, dtype=np.float64)
        expect(np.array_equal(x_in, x2), f"{what2} changed its input x in place; return a new array.")
        expect_close(y2, x2 * m2 / (1 - p2), f"{what2}: y", formula)
        if p2 == 0.0:
            expect(np.all(m2 == 1), f"{what2}: with p = 0 nothing may be dropped (mask all ones). " + formula)
    masks = [np.asarray(call(forward, x2.copy(), 0.5, np.random.default_rng(3),
                             what="dropout_forward with a freshly seeded rng")[1], dtype=np.float64)
             for _ in range(2)]
    expect(np.array_equal(masks[0], masks[1]),
           "dropout_forward gave different masks for two rngs with the same seed: draw the mask with "
           "the rng argument (rng.random(x.shape)), not with np.random.")
    # backward
    mask_b = (np.random.default_rng(11).random((6, 5)) >= 0.3).astype(np.float64)
    dy = np.random.default_rng(12).normal(size=(6, 5))
    whatb = "dropout_backward(dy, mask, p=0.3)"
    dx = np.asarray(call(backward, dy.copy(), mask_b.copy(), 0.3, what=whatb), dtype=np.float64)
    expect_shape(dx, dy.shape, whatb)
    if np.allclose(dx, dy * mask_b) and not np.allclose(dy * mask_b, 0):
        raise CheckFailed(f"{whatb} returned dy·mask: the backward pass needs the same 1/(1 − p) as the "
                          "forward pass, since y = x·mask/(1 − p) means ∂y/∂x = mask/(1 − p). " + formula)
    if np.allclose(dx, dy):
        raise CheckFailed(f"{whatb} returned dy unchanged: dropped units pass no gradient. " + formula)
    if np.allclose(dx, dy * mask_b / 0.3):
        raise CheckFailed(f"{whatb} divided by p = 0.3; divide by the keep probability 1 − p = 0.7. " + formula)
    expect_close(dx, dy * mask_b / 0.7, whatb, formula)
    return ("Units dropped with probability p, the kept ones scaled by 1/(1 − p) in both passes: "
            "E[y] = x, so the inference network uses x unchanged.")


# ================================================================ chapter 07: hyperparameter search
# (chapter 07's checkers go below this line)

def _ks_uniform(u):
    """Kolmogorov–Smirnov distance between the sample u (in [0, 1]) and the uniform distribution."""
    u = np.sort(np.asarray(u, dtype=np.float64))
    n = u.size
    grid = np.arange(1, n + 1) / n
    return float(max(np.max(grid - u), np.max(u - (grid - 1 / n))))


@exercise("07-log-uniform", "sample hyperparameters log-uniformly: 10^U(log10 low, log10 high)")
def _check_log_uniform(sample_log_uniform):
    """Log-uniform sampling: every decade between low and high gets the same share."""
    formula = ("Revisit: draw the EXPONENT uniformly, u ~ U(log10 low, log10 high), then return 10**u "
               "(e.g. 10 ** rng.uniform(np.log10(low), np.log10(high), size)).")
    n = 20000
    for low, high in [(1e-6, 1e-2), (1e-8, 1e-4), (0.5, 8.0)]:
        what = f"sample_log_uniform({low:g}, {high:g}, size={n}, rng)"
        v = np.asarray(call(sample_log_uniform, low, high, n, np.random.default_rng(0), what=what),
                       dtype=np.float64)
        expect_shape(v, (n,), what, "Return an array of `size` values.")
        expect(bool(np.all(np.isfinite(v))), f"{what} returned non-finite values. " + formula)
        lo10, hi10 = np.log10(low), np.log10(high)
        if np.all(v <= 0) or (np.all(v >= lo10 - 1e-9) and np.all(v <= hi10 + 1e-9) and hi10 < 0):
            raise CheckFailed(f"{what} returned values between {v.min():.3g} and {v.max():.3g}: those are "
                              "exponents, not hyperparameters — it looks like log10 of uniform samples "
                              "(uniform first, then the log). Sample the exponent uniformly and raise 10 "
                              "to it. " + formula)
        if np.all(np.abs(np.log10(np.abs(v) + 1e-300) - 0) < 0.1) and hi10 < -1:
            raise CheckFailed(f"{what} returned values near 1 ({v.min():.4g} … {v.max():.4g}): you raised 10 "
                              "to U(low, high) — the exponents must range over U(log10 low, log10 high). "
                              + formula)
        ln_lo, ln_hi = np.log(low), np.log(high)
        if (np.all(v >= np.exp(lo10) * (1 - 1e-9)) and np.all(v <= np.exp(hi10) * (1 + 1e-9))
                and not np.all((v >= low) & (v <= high))):
            raise CheckFailed(f"{what}: your values lie between e^(log10 low) and e^(log10 high): "
                              "exponents in base 10 need 10**u, not np.exp(u). " + formula)
        if (np.all(v >= 10 ** ln_lo * (1 - 1e-9)) and np.all(v <= 10 ** ln_hi * (1 + 1e-9))
                and not np.all((v >= low) & (v <= high))):
            raise CheckFailed(f"{what}: your values lie between 10^(ln low) and 10^(ln high): np.log is the "
                              "natural log; with 10**u use np.log10. " + formula)
        inside = (v >= low * (1 - 1e-9)) & (v <= high * (1 + 1e-9))
        if not np.all(inside):
            if low != 1e-6 and np.all((v >= 1e-6 * (1 - 1e-9)) & (v <= 1e-2 * (1 + 1e-9))):
                raise CheckFailed(f"{what} returned values in [1e-6, 1e-2]: use the low and high you are "
                                  "given, not fixed numbers. " + formula)
            raise CheckFailed(f"{what}: {np.mean(~inside):.1%} of the values lie outside [{low:g}, {high:g}] "
                              f"(from {v.min():.3g} to {v.max():.3g}). " + formula)
        u = (np.log10(v) - lo10) / (hi10 - lo10)
        top = float(np.mean(u >= 1 - 1 / (hi10 - lo10)))
        if _ks_uniform(u) > 0.02:
            share = 1 / (hi10 - lo10)
            if top > 0.6:
                raise CheckFailed(f"{what}: {top:.0%} of your values lie in the top decade "
                                  f"[{high / 10:g}, {high:g}], which should hold only {share:.0%}: that is "
                                  "uniform sampling on the linear scale. On a log scale every decade gets "
                                  "the same share. " + formula)
            raise CheckFailed(f"{what}: the exponents log10(value) are not uniform on "
                              f"[{lo10:g}, {hi10:g}] (Kolmogorov–Smirnov distance {_ks_uniform(u):.3f}, "
                              "expected < 0.02 for 20 000 samples). " + formula)
    a = np.asarray(call(sample_log_uniform, 1e-6, 1e-2, 50, np.random.default_rng(5)), dtype=np.float64)
    b = np.asarray(call(sample_log_uniform, 1e-6, 1e-2, 50, np.random.default_rng(5)), dtype=np.float64)
    expect(np.array_equal(a, b), "Two rngs with the same seed gave different samples: draw with the rng "
                                 "argument (rng.uniform), not with np.random, so a search is reproducible.")
    return "Every decade gets the same share: 10^U(log10 low, log10 high), reproducible from the seed."


def _trials_case():
    """Trials where the best by validation, test and train accuracy are three different ones, plus a NaN."""
    rows = [  # lr, weight_decay, train_acc, val_acc, test_acc
        (1e-3, 1e-6, 0.62, 0.60, 0.59),
        (8e-3, 2e-7, 0.99, 0.71, 0.70),     # best train
        (5e-3, 5e-5, 0.90, 0.78, 0.74),     # best validation
        (3e-3, 1e-8, 0.85, 0.74, 0.77),     # best test
        (2e-2, 1e-5, np.nan, np.nan, np.nan),   # diverged
        (1e-5, 3e-6, 0.12, 0.11, 0.10),
    ]
    return [{"lr": a, "weight_decay": b, "train_acc": c, "val_acc": d, "test_acc": e} for a, b, c, d, e in rows]


@exercise("07-pick-best", "pick the best trial by validation accuracy (never by test or train)")
def _check_pick_best(pick_best):
    """Choose the trial with the highest validation accuracy, skipping diverged (NaN) trials."""
    formula = ("Revisit: rank the trials by 'val_acc' only and return the index of the largest, "
               "skipping NaN (e.g. int(np.nanargmax([t['val_acc'] for t in trials]))).")
    base = _trials_case()
    for shift in (0, 2, 4):                      # the same trials in other orders
        trials = base[shift:] + base[:shift]
        want = next(i for i, t in enumerate(trials) if t["val_acc"] == 0.78)
        what = f"pick_best(trials) (the trials rotated by {shift})"
        got = call(pick_best, [dict(t) for t in trials], what=what)
        if isinstance(got, dict):
            raise CheckFailed(f"{what} returned a trial (dict); return its index in the list. " + formula)
        try:
            got = int(got)
        except (TypeError, ValueError):
            raise CheckFailed(f"{what} must return an integer index, got {_short(got)}.") from None
        expect(0 <= got < len(trials), f"{what} returned {got}, not an index of the list of "
                                       f"{len(trials)} trials. " + formula)
        chosen = trials[got]
        if chosen["test_acc"] == 0.77:
            raise CheckFailed(f"{what} chose the trial with the best TEST accuracy. The test set must not "
                              "influence any choice — once it does, its accuracy is no longer a measurement "
                              "on new data. Choose by validation accuracy. " + formula)
        if chosen["train_acc"] == 0.99:
            raise CheckFailed(f"{what} chose the trial with the best TRAINING accuracy: that rewards "
                              "overfitting. Choose by validation accuracy. " + formula)
        if np.isnan(chosen["val_acc"]):
            raise CheckFailed(f"{what} chose the diverged trial (val_acc NaN): np.argmax treats NaN as the "
                              "largest value; skip NaN, e.g. with np.nanargmax. " + formula)
        if chosen["val_acc"] == 0.11:
            raise CheckFailed(f"{what} chose the trial with the LOWEST validation accuracy: take the maximum. "
                              + formula)
        expect(got == want, f"{what}: expected index {want} (val_acc 0.78), got {got} "
                            f"(val_acc {chosen['val_acc']}). " + formula)
    tie = [{"lr": 1e-3, "weight_decay": 0.0, "train_acc": 0.8, "val_acc": 0.7, "test_acc": 0.9},
           {"lr": 2e-3, "weight_decay": 0.0, "train_acc": 0.9, "val_acc": 0.7, "test_acc": 0.6}]
    got = call(pick_best, tie, what="pick_best on a tie")
    expect(int(got) == 0, "On a tie of validation accuracies, return the first trial (index 0), as "
                          f"np.argmax does; got {got}.")
    return "Chosen by validation accuracy, diverged trials skipped: the test set stays untouched."
