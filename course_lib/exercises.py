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
