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
under the tests too). In grading mode (``COURSE_GRADING=1`` or ``set_grading(True)``) a
check that does not pass, "not done yet" included, raises, so autograders score it failed.

Exercise ids are ``"NN-short-name"`` where NN is the chapter number. The framework
is ``_framework.py``; the checkers are in ``chNN_*.py``, one file a chapter, all
registered when this package is imported.
"""
from course_lib.exercises._framework import (GRADING_ENV, STRICT_ENV, CheckFailed, Exercise, ExerciseNotDone,
                                             Outcome, call, check, exercise, expect, expect_close, expect_equal,
                                             expect_shape, format_html, format_text, get, grading, ids, run_check,
                                             set_grading, strict)
from course_lib.exercises import (ch00_start_here, ch01_vanishing_gradients, ch02_activation_functions,  # noqa: F401 (registers the checkers)
                                  ch03_weight_initialization, ch04_optimizers, ch05_batch_normalization,
                                  ch06_regularization, ch07_hyperparameter_search, ch08_training_clinic)
from course_lib.experiments.ch04_optimizers import RACE_04

__all__ = ["GRADING_ENV", "STRICT_ENV", "CheckFailed", "Exercise", "ExerciseNotDone", "Outcome", "call",
           "check", "exercise", "expect", "expect_close", "expect_equal", "expect_shape", "format_html",
           "format_text", "get", "grading", "ids", "run_check", "set_grading", "strict", "RACE_04"]
