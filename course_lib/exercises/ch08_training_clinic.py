"""Chapter 08's exercise checks: for every clinic case, the diagnosis and the fix.

    exercises.check("08-case-a-cause", cause_A)   # cause_A() returns one of clinic.CAUSES
    exercises.check("08-case-a-fix", fix_A)       # fix_A() returns a dict of changes to the setup
"""
from course_lib import clinic
from course_lib.exercises._framework import CheckFailed, short, call, exercise
from course_lib.i18n import gettext as _


def _answer(func, what):
    """The student's answer: func() (a function of no arguments), or the value itself."""
    return call(func, what=f"{what}()") if callable(func) else func


def _cause_checker(name):
    def checker(cause):
        value = _answer(cause, f"cause_{name}")
        if not isinstance(value, str):
            raise CheckFailed(_("cause_{name}() returned {value}; return one of clinic.CAUSES, a string such as "
                                "{example}.").format(name=name, value=short(value), example=repr(clinic.CAUSES[0])))
        try:
            passed, message = clinic.check_diagnosis(name, value)
        except ValueError as err:
            raise CheckFailed(str(err)) from None
        if not passed:
            raise CheckFailed(message)
        return message
    checker.__doc__ = f"Case {name}: name the cause (one of clinic.CAUSES)."
    return checker


def _fix_checker(name):
    def checker(fix):
        changes = _answer(fix, f"fix_{name}")
        if not isinstance(changes, dict):
            raise CheckFailed(_("fix_{name}() returned {value}; return a dict of changes to the setup, e.g. "
                                "{example} (the keys are in clinic.FIX_KEYS).").format(
                name=name, value=short(changes), example="{'lr': 0.05}"))
        if not changes:
            raise CheckFailed(_("fix_{name}() returned no changes: that is case {name} as it is, which fails. "
                                "Change the setting your diagnosis points to.").format(name=name))
        try:
            passed, _acc, message = clinic.check_fix(name, changes)
        except (ValueError, TypeError) as err:
            raise CheckFailed(str(err)) from None
        if not passed:
            raise CheckFailed(message)
        return message
    checker.__doc__ = f"Case {name}: a fix that reaches the target accuracy within the step budget."
    return checker


for _name in clinic.names():
    exercise(f"08-case-{_name.lower()}-cause", f"Case {_name}: the cause", returns_text=True)(_cause_checker(_name))
    exercise(f"08-case-{_name.lower()}-fix", f"Case {_name}: the fix")(_fix_checker(_name))
