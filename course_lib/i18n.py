"""The language course_lib speaks: English (the default) or Korean (한국어).

Layer 1 (standard library only). Every message a student reads -- exercise feedback,
explorer labels, figure labels, training errors -- goes through :func:`gettext`, imported as ``_`` (or
:func:`ngettext` when it depends on a count), which looks it up in the gettext catalog
``course_lib/locale/<language>/LC_MESSAGES/course_lib.mo`` shipped inside the package::

    from course_lib import i18n
    i18n.set_language("ko")      # Korean from now on (the Korean notebooks' first cell)
    i18n.language()              # 'ko'
    i18n.set_language("en")      # back to English

Without a call, the language comes from the environment variable ``COURSE_LANG``
(``COURSE_LANG=ko jupyter lab`` starts every kernel in Korean); unset, it is English.
The lookup happens when a message is made, so messages with values are written
``_("expected {want}, got {got}").format(want=..., got=...)`` -- never an f-string inside
``_()``, whose text would differ from the catalog's for every value.

:func:`N_` marks a string for the catalog without translating it (for module-level
constants, translated with ``_(CONSTANT)`` where they are shown). :func:`tr` marks a
display string in a notebook's code cell: it returns its argument unchanged, because the
Korean notebooks are generated with the literal already translated
(``course_lib.authoring.translate``).
"""
from __future__ import annotations

import gettext as _stdlib_gettext
import os
from pathlib import Path

__all__ = ["LANGUAGES", "ENV", "set_language", "language", "gettext", "_", "ngettext", "N_", "tr",
           "LOCALE_DIR", "on_change"]

#: The languages the course speaks; English is the source language (no catalog).
LANGUAGES = ("en", "ko")
#: The environment variable read when no language was set in the session.
ENV = "COURSE_LANG"
DOMAIN = "course_lib"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_chosen: str | None = None
_catalogs: dict[str, _stdlib_gettext.NullTranslations] = {}
_listeners: list = []


def _check(lang, where: str) -> str:
    code = str(lang).strip().lower().replace("_", "-").split("-")[0] if isinstance(lang, str) else None
    if code not in LANGUAGES:
        raise ValueError(f"{where}={lang!r} is not a language of the course: use one of "
                         f"{', '.join(repr(c) for c in LANGUAGES)} (e.g. set_language('ko') for Korean)")
    return code


def set_language(lang: str) -> str:
    """Speak ``lang`` ("en" or "ko"; "ko_KR"/"ko-KR" count as "ko") from now on; returns it."""
    global _chosen
    _chosen = _check(lang, "lang")
    for listener in _listeners:
        listener(_chosen)
    return _chosen


def on_change(listener) -> None:
    """Call ``listener(language)`` after every set_language (plots use it to pick a Hangul font)."""
    if listener not in _listeners:
        _listeners.append(listener)


def language() -> str:
    """The language in use: the last set_language(), else $COURSE_LANG, else "en"."""
    if _chosen is not None:
        return _chosen
    env = os.environ.get(ENV, "").strip()
    return _check(env, f"the environment variable {ENV}") if env else "en"


def _catalog(lang: str) -> _stdlib_gettext.NullTranslations:
    if lang not in _catalogs:
        if lang == "en":
            _catalogs[lang] = _stdlib_gettext.NullTranslations()
        else:
            try:
                _catalogs[lang] = _stdlib_gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang])
            except FileNotFoundError:
                raise FileNotFoundError(
                    f"the {lang!r} message catalog {LOCALE_DIR / lang / 'LC_MESSAGES' / (DOMAIN + '.mo')} "
                    "is missing: reinstall course_lib, or in a checkout run "
                    "`python -m course_lib.authoring.student` to compile it") from None
    return _catalogs[lang]


def gettext(message: str) -> str:
    """``message`` in the current language (gettext; English if it has no translation).

    Modules import it as ``from course_lib.i18n import gettext as _`` (the gettext convention;
    the extraction in course_lib.authoring.translate looks for calls of ``_``).
    """
    return _catalog(language()).gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for count ``n`` in the current language."""
    return _catalog(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog and return it untranslated (translate it where shown)."""
    return message


def tr(text: str) -> str:
    """Mark a display string in a notebook's code cell; returns ``text`` unchanged.

    The English notebook shows the English literal; the Korean notebook is generated
    with the Korean literal in its place, from the chapter's catalog.
    """
    return text
