"""The messages of the libraries a reader meets (WTForms' validators, Flask-WTF's file and CSRF
checks, Flask-Login's), listed so that Babel extracts them into our catalogs and they are
translated in ky and ru with the rest; `translations()` hands them to every form.

WTForms ships no Kyrgyz catalog and Flask-WTF's CSRF reasons are not translated at all, so the
messages are ours to translate rather than the libraries' catalogs to load.
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_translations


def N_(message: str) -> str:  # noqa: N802 - the marker name Babel extracts by default
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 - extracted with -k N_plural:1,2
    return singular, plural


MESSAGES = (
    N_("Invalid field name '%s'."),
    N_("Field must be equal to %(other_name)s."),
    N_plural(
        "Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long."
    ),
    N_plural(
        "Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters."
    ),
    N_plural(
        "Field must be exactly %(max)d character long.", "Field must be exactly %(max)d characters long."
    ),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Date must be at least %(min)s."),
    N_("Date must be at most %(max)s."),
    N_("Date must be between %(min)s and %(max)s."),
    N_("This field is required."),
    N_("Invalid input."),
    N_("Invalid email address."),
    N_("Invalid IP address."),
    N_("Invalid Mac address."),
    N_("Invalid URL."),
    N_("Invalid UUID."),
    N_("Invalid value, must be one of: %(values)s."),
    N_("Invalid value, can't be any of: %(values)s."),
    N_("This field cannot be edited."),
    N_("This field is disabled and cannot have a value."),
    N_("Invalid CSRF Token."),
    N_("CSRF token missing."),
    N_("CSRF failed."),
    N_("CSRF token expired."),
    N_("Invalid Choice: could not coerce."),
    N_("Choices cannot be None."),
    N_("Not a valid choice."),
    N_("Invalid choice(s): one or more data inputs could not be coerced."),
    N_plural(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
    ),
    N_("Not a valid datetime value."),
    N_("Not a valid date value."),
    N_("Not a valid time value."),
    N_("Not a valid week value."),
    N_("Not a valid integer value."),
    N_("Not a valid decimal value."),
    N_("Not a valid float value."),
    N_("File does not have an approved extension."),
    N_("The CSRF token is missing."),
    N_("The CSRF session token is missing."),
    N_("The CSRF token has expired."),
    N_("The CSRF token is invalid."),
    N_("The CSRF tokens do not match."),
    N_("The referrer header is missing."),
    N_("The referrer does not match the host."),
    N_("Please reauthenticate to access this page."),
)


class FormTranslations:
    """WTForms' translations object (`gettext`, `ngettext`), answering from our catalogs in the
    page's language."""

    def gettext(self, string: str) -> str:
        return str(get_translations().ugettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # WTForms formats the message itself (with min, max...): Flask-Babel's ngettext would
        # format it first with `num` only.
        return str(get_translations().ungettext(singular, plural, n))


_TRANSLATIONS = FormTranslations()


def translations(*_args: Any) -> FormTranslations:
    """The object every form's `Meta.get_translations` returns."""
    return _TRANSLATIONS


def translate_message(message: str) -> str:
    """A library's message (Flask-WTF's CSRF reason, say) in the page's language."""
    return str(get_translations().ugettext(message))
