"""The check framework of ``course_lib.exercises`` (the package docstring explains checks,
the strict and grading modes, and the ids): the registry and :func:`exercise` decorator, check /
run_check and their display, and the helpers the chapter files' checkers use (call,
call_elementwise, expect, expect_close, expect_equal, expect_shape, show, short, join_hint).
"""
from __future__ import annotations

import functools
import html
import os
import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from course_lib._names import close_matches
from course_lib.i18n import N_
from course_lib.i18n import gettext as _


STRICT_ENV = "COURSE_STRICT_CHECKS"
GRADING_ENV = "COURSE_GRADING"
_grading_override: bool | None = None
_ID_PATTERN = re.compile(r"^\d\d-[a-z0-9]+(-[a-z0-9]+)*$")


class CheckFailed(Exception):
    """Raised by a checker; its message is the ✘ hint shown to the student."""


class ExerciseNotDone(AssertionError):
    """Grading mode only: an exercise was left "not done yet" (scores as failed)."""


@dataclass(frozen=True)
class Exercise:
    """A registered exercise: its id, a one-line title and its checker."""

    id: str
    title: str
    checker: Callable[[Any], str | None]
    returns_text: bool = False     # the answer is a name (e.g. a diagnosis): a string is no wrong kind


@dataclass(frozen=True)
class Outcome:
    """The result of running a check: passed is True, False or None (not done)."""

    exercise_id: str
    passed: bool | None
    message: str


_REGISTRY: dict[str, Exercise] = {}


def exercise(exercise_id: str, title: str | None = None, returns_text: bool = False):
    """Decorator registering ``checker(answer)`` under ``exercise_id``.

    The checker raises CheckFailed (use the expect_* helpers) when the answer
    is wrong, and may return a short confirmation shown after ✔. ``returns_text=True``: the
    student's function is meant to return a string (a name), so a string is not a wrong kind.
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
                                          checker, returns_text)
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
        close = close_matches(exercise_id, _REGISTRY)
        hint = (" " + _("Did you mean {names}?").format(names=", ".join(repr(c) for c in close))
                if close else "")
        raise KeyError(_("No exercise with id {id}.{hint} Copy the id from the exercise's check cell.")
                       .format(id=repr(exercise_id), hint=hint)) from None


def strict() -> bool:
    """True when failing checks must raise (COURSE_STRICT_CHECKS=1, set by the tests)."""
    return os.environ.get(STRICT_ENV, "").strip().lower() in {"1", "true", "yes"}


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes"}


def grading() -> bool:
    """True in grading mode: set_grading(True), else COURSE_GRADING=1 in the environment."""
    return _env_flag(GRADING_ENV) if _grading_override is None else _grading_override


def set_grading(on: bool | None = True) -> None:
    """Turn grading mode on or off in this process (None: follow COURSE_GRADING again)."""
    global _grading_override
    if on is not None and not isinstance(on, bool):
        raise TypeError(f"set_grading(on) takes True, False or None, not {on!r}")
    _grading_override = on


# ---------------------------------------------------------------- running checks

def run_check(exercise_id: str, answer: Any) -> Outcome:
    """Run a check without displaying anything or raising: the Outcome.

    Every wrong kind of answer gets a hint about that kind, whatever the checker: a value where
    a function is expected (a string, a number, an array: ``elu(x)`` instead of ``elu``), and a
    function that returns None (a forgotten ``return``), a string, NaN or inf, an array of the
    wrong shape, or raises. The student's functions are watched while the checker calls them
    (see :class:`_Watched`) and the hint is put before the checker's own message."""
    try:
        ex = get(exercise_id)
    except KeyError as err:
        return Outcome(str(exercise_id), False, err.args[0])
    if answer is None or answer is Ellipsis:
        return Outcome(ex.id, None, _(_NOT_DONE))
    wrong_kind = _not_a_function(answer, ex.id)
    if wrong_kind:
        return Outcome(ex.id, False, wrong_kind)
    watched = _watch(answer)
    try:
        note = ex.checker(watched)
    except NotImplementedError:
        return Outcome(ex.id, None, _(_NOT_DONE))
    except CheckFailed as err:
        return Outcome(ex.id, False, _with_kind_hint(str(err), watched, ex.returns_text))
    except Exception as err:  # the student's code (or its result) broke the checker
        return Outcome(ex.id, False, _with_kind_hint(
            _("Your code raised {kind}: {err}").format(kind=type(err).__name__, err=err), watched,
            ex.returns_text))
    returned_text = None if ex.returns_text else _kind_hint(watched, only=("str",))
    if returned_text:                         # "0.1" passed as a number would teach the wrong thing
        return Outcome(ex.id, False, returned_text)
    return Outcome(ex.id, True, note or _("Correct."))


# ---------------------------------------------------------------- wrong kinds of answers

def _describe_value(value: Any) -> str:
    if isinstance(value, str):
        return _("the string {value}").format(value=short(value))
    if isinstance(value, np.ndarray):
        return _("an array of shape {shape}").format(shape=value.shape)
    if isinstance(value, (list, tuple)):
        return _("a {kind} of {n} values").format(kind=type(value).__name__, n=len(value))
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return _("the number {value}").format(value=short(value))
    return _("the {kind} {value}").format(kind=type(value).__name__, value=short(value))


def _not_a_function(answer: Any, exercise_id: str) -> str | None:
    """The hint for an answer that is not a function (nor a tuple of functions), else None."""
    parts = answer if isinstance(answer, (tuple, list)) and answer else (answer,)
    if all(callable(p) for p in parts):
        return None
    bad = next(p for p in parts if not callable(p))
    if isinstance(bad, str):
        return _("You passed {value}, not a function. Pass the function itself, by its name without "
                 "quotes: exercises.check(\"{id}\", my_function).").format(value=_describe_value(bad),
                                                                          id=exercise_id)
    if bad is None:
        return _("One of the functions you passed is None: run the cell that defines it first, "
                 "then pass the functions themselves.")
    return _("You passed {value}, not a function: that is what calling your function gives. Pass the "
             "function itself, without calling it: exercises.check(\"{id}\", my_function), not "
             "exercises.check(\"{id}\", my_function(x)).").format(value=_describe_value(bad), id=exercise_id)


def _kind_of(value: Any, depth: int = 0) -> tuple[str, str] | None:
    """(kind, description) of a returned value that is a wrong kind: None, a string, NaN or inf
    anywhere (one level into tuples, lists and dicts), else ("array", shape) or None."""
    if value is None:
        return ("None", "None")
    if isinstance(value, str):
        return ("str", short(value)) if depth == 0 else None    # a name in a pair may be right
    if isinstance(value, (tuple, list, dict)) and depth == 0:
        items = value.values() if isinstance(value, dict) else value
        for item in items:
            kind = _kind_of(item, 1)
            if kind and kind[0] != "array":
                return kind[0], _("{what} inside the {kind} it returned").format(
                    what=kind[1], kind=type(value).__name__)
        return None
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if np.isnan(arr).any():
        return ("nan", short(value))
    if np.isinf(arr).any():
        return ("inf", short(value))
    return ("array", str(arr.shape)) if isinstance(value, np.ndarray) and depth == 0 else None


_KIND_HINTS = {
    "None": N_("Your function returned None: a function without a `return` line gives None (the "
             "commonest slip). End it with `return <the result>`."),
    "str": N_("Your function returned a string ({what}): return the number or array itself, not "
            "text (no quotes, no f-string, no str())."),
    "nan": N_("Your function returned NaN ({what}): look for 0/0, the log or square root of a "
            "negative number or of 0, or inf − inf after an overflowing exp."),
    "inf": N_("Your function returned inf ({what}): an overflow (exp of a large number) or a "
            "division by zero."),
    "raised": N_("Your function raised {what}: call it by hand on a small input in a cell of its "
               "own; the traceback names the line that fails."),
    "array": N_("Your function returned an array of shape {what}."),
}


def _kind_hint(watched: Any, only: tuple = ("None", "str", "nan", "inf", "raised")) -> str | None:
    for fn in (watched if isinstance(watched, (tuple, list)) else (watched,)):
        for kind, what in getattr(fn, "kinds", []):
            if kind in only:
                return _(_KIND_HINTS[kind]).format(what=what)
    return None


_SHAPE_HINT = N_("A wrong shape usually comes from a sum or mean over the wrong axis (or without "
               "keepdims=True), a transpose or a reshape.")


def _with_kind_hint(message: str, watched: Any, returns_text: bool = False) -> str:
    """message with the hint about the wrong kind of value the student's function gave first."""
    hint = _kind_hint(watched, only=("None", "nan", "inf", "raised") if returns_text else
                      ("None", "str", "nan", "inf", "raised"))
    # the English words, and their Korean counterparts ("모양", "모양이") in a Korean message
    if hint is None and not any(word in message for word in ("shape", _("shape"))):
        hint = _kind_hint(watched, only=("array",))
    elif hint is None and any(words in message for words in ("expected shape", _("expected shape"))):
        hint = _(_SHAPE_HINT)
    return f"{hint} {message}" if hint else message


class _Watched:
    """The student's function, called as usual, remembering the kind of each value it returns
    (or what it raised) so that a failed check can say "your function returned None"."""

    def __init__(self, func):
        functools.update_wrapper(self, func)
        self.func, self.kinds = func, []

    def __call__(self, *args, **kwargs):
        try:
            value = self.func(*args, **kwargs)
        except NotImplementedError:
            raise
        except Exception as err:
            self._note(("raised", f"{type(err).__name__}: {err}"))
            raise
        kind = _kind_of(value)
        if kind:
            self._note(kind)
        return value

    def _note(self, kind):
        if len(self.kinds) < 8:
            self.kinds.append(kind)


def _watch(answer: Any) -> Any:
    if isinstance(answer, tuple):
        return tuple(_Watched(a) for a in answer)
    if isinstance(answer, list):
        return [_Watched(a) for a in answer]
    return _Watched(answer)


_NOT_DONE = N_("Not done yet: replace `raise NotImplementedError` with your code, "
               "run that cell, then run this check again.")


def check(exercise_id: str, answer: Any) -> bool | None:
    """Check ``answer`` for exercise ``exercise_id`` and display ✔ or ✘ with a hint.

    Returns True (passed), False (failed) or None (not done yet). Never raises,
    except under the test run (COURSE_STRICT_CHECKS=1), where a failed check
    raises AssertionError, and in grading mode (COURSE_GRADING=1), where a check
    left not done raises ExerciseNotDone too.
    """
    outcome = run_check(exercise_id, answer)
    _display(outcome)
    if outcome.passed is False and (strict() or grading()):
        raise AssertionError(f"check {outcome.exercise_id!r} failed: {outcome.message}")
    if outcome.passed is None and grading():
        raise ExerciseNotDone(f"exercise {outcome.exercise_id!r} is not done (grading mode, "
                              f"{GRADING_ENV}=1): it scores as failed")
    return outcome.passed


_STYLE = {True: ("✔", "#1b7f3b", "#e9f7ef"),
          False: ("✘", "#b3261e", "#fdecea"),
          None: ("✎", "#7a5b00", "#fff8e1")}


def format_text(outcome: Outcome) -> str:
    """The plain-text form of an outcome (terminal, nbconvert, logs)."""
    mark = _STYLE[outcome.passed][0]
    return f"{mark} [{outcome.exercise_id}] {outcome.message}"


_TEXT = "#1a1a1a"     # the box sets its own text colour: on its pale background the theme's
                     # (light in a dark theme) would be unreadable (about 1.1:1)


def format_html(outcome: Outcome) -> str:
    """The HTML box shown in a notebook: a pale background with dark text and a darker mark,
    both set (never the theme's text colour), so the contrast is the same in every theme:
    text at least 15:1, the mark at least 4.5:1."""
    mark, colour, background = _STYLE[outcome.passed]
    message = html.escape(outcome.message).replace("\n", "<br>")
    return (f'<div class="course-check" style="border-left:4px solid {colour};background:{background};'
            f'color:{_TEXT};padding:6px 10px;margin:4px 0;font-family:sans-serif">'
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

def show(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=4, threshold=8, edgeitems=3)
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value)


def short(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return _("array of shape {shape}").format(shape=value.shape) if value.size > 6 else show(value)
    text = show(value)
    return text if len(text) <= 40 else text[:37] + "..."


def call(func: Any, *args: Any, what: str | None = None, **kwargs: Any) -> Any:
    """Call the student's function; a crash becomes CheckFailed naming the input.

    NotImplementedError passes through (it means "not done yet").
    """
    if not callable(func):
        raise CheckFailed(_("Expected a function, got {value}. Pass the function itself, without calling "
                            "it: check(id, my_function).").format(value=_describe_value(func)))
    try:
        return func(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception as err:
        where = what or "{}({})".format(getattr(func, "__name__", _("your function")),
                                        ", ".join(short(a) for a in args))
        raise CheckFailed(_("{where} raised {kind}: {err}").format(where=where, kind=type(err).__name__,
                                                                   err=err)) from err


def expect(condition: bool, message: str) -> None:
    """Fail with ``message`` unless ``condition`` holds."""
    if not condition:
        raise CheckFailed(message)


def expect_shape(got: Any, shape: tuple, what: str, hint: str = "") -> None:
    """Fail unless ``got`` is array-like with exactly ``shape``."""
    got_shape = np.shape(got)
    expect(tuple(got_shape) == tuple(shape),
           join_hint(_("{what}: expected shape {want}, got {got}.").format(
               what=what, want=tuple(shape), got=tuple(got_shape)), hint))


def expect_close(got: Any, want: Any, what: str, hint: str = "",
                 rtol: float = 1e-5, atol: float = 1e-8) -> None:
    """Fail unless ``got`` equals ``want`` within tolerances (shapes must match too).

    |got - want| <= atol + rtol * |want|, elementwise.
    """
    try:
        got_arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        raise CheckFailed(join_hint(_("{what}: expected a number or array, got {kind} {got}.").format(
            what=what, kind=type(got).__name__, got=show(got)), hint)) from None
    want_arr = np.asarray(want, dtype=np.float64)
    if got_arr.shape != want_arr.shape:
        raise CheckFailed(join_hint(_("{what}: expected shape {want}, got {got} ({value}).").format(
            what=what, want=want_arr.shape, got=got_arr.shape, value=show(got)), hint))
    if not np.all(np.isfinite(got_arr) | ~np.isfinite(want_arr)):
        raise CheckFailed(join_hint(_("{what}: got non-finite values {got}; expected {want}.").format(
            what=what, got=show(got), want=show(want)), hint))
    if not np.allclose(got_arr, want_arr, rtol=rtol, atol=atol, equal_nan=True):
        raise CheckFailed(join_hint(_("{what}: expected {want}, got {got}.").format(
            what=what, want=show(want), got=show(got)), hint))


def expect_equal(got: Any, want: Any, what: str, hint: str = "") -> None:
    """Fail unless ``got == want`` exactly (arrays: same shape and every element)."""
    if isinstance(got, np.ndarray) or isinstance(want, np.ndarray):
        same = np.shape(got) == np.shape(want) and bool(np.all(np.asarray(got) == np.asarray(want)))
    else:
        same = bool(got == want)
    expect(same, join_hint(_("{what}: expected {want}, got {got}.").format(
        what=what, want=show(want), got=show(got)), hint))


def join_hint(message: str, hint: str) -> str:
    return f"{message} {hint}".strip() if hint else message


def call_elementwise(func, x, what, formula):
    """Call func(x) on an array; a TypeError from math.exp & co. gets a specific hint."""
    try:
        with np.errstate(all="ignore"):
            return call(func, x, what=what)
    except CheckFailed as err:
        if isinstance(err.__cause__, TypeError):
            raise CheckFailed(f"{err} " + _("Your function must work elementwise on a numpy array: use "
                                            "np.exp, not math.exp (math works on one number only).")
                              + " " + formula) from None
        if isinstance(err.__cause__, ValueError) and "truth value" in str(err.__cause__):
            raise CheckFailed(f"{err} " + _("Your function must work elementwise on a numpy array: "
                                            "`if x > 0:` needs one number; choose per element with "
                                            "np.where(x > 0, ..., ...).") + " " + formula) from None
        raise
