"""Language selection and locale-aware formatting for ky, ru and en."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import inspect as inspect_instance

from covenant_hub.extensions import babel

LANGUAGE_NAMES = {"ky": "Кыргызча", "ru": "Русский", "en": "English"}
# Dates and numbers in English follow international (British) usage, "2 Dec 2026", as the
# Covenant's offices write them, not the US "Dec 2, 2026" of CLDR's plain `en`.
FORMAT_LOCALES = {"en": "en_GB"}


def formatting_locale(language: str) -> str:
    """The CLDR locale that formats dates and numbers for a UI language."""
    return FORMAT_LOCALES.get(language, language)


def supported_languages() -> tuple[str, ...]:
    """The UI languages this deployment offers."""
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    """`?lang=` on this URL, then the user's preference, then the switcher, then the browser."""
    if not has_request_context():  # CLI commands and workers: services may still translate
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = supported_languages()
    requested = "" if lang_argument_is_a_filter() else request.args.get("lang", "")
    if requested in languages:
        session["lang"] = requested
        return formatting_locale(requested)
    preferred = getattr(current_user, "language", None) if current_user else None
    if current_user and current_user.is_authenticated and preferred in languages:
        return formatting_locale(preferred)
    return formatting_locale(_switcher_or_browser_language(languages))


def keep_lang_argument(app: Flask, endpoint: str) -> None:
    """Say that on `endpoint` an old `?lang=` filters content instead of choosing the interface
    language (the search page's results, before they became `doc_lang`)."""
    app.extensions.setdefault("lang_filter_endpoints", set()).add(endpoint)


def lang_argument_is_a_filter() -> bool:
    return request.endpoint in current_app.extensions.get("lang_filter_endpoints", ())


def _switcher_or_browser_language(languages: tuple[str, ...]) -> str:
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def error_page_language() -> str:
    """The language of an error page, which must come out even when the database does not.

    Call it after rolling back a failed transaction: the locale chosen already, `?lang=`, the
    preference of the user loaded by this request (read in a try: a failed flush expires every
    loaded row, so this may query, and the database may be the very thing that broke), then
    the switcher and the browser, which need no database.
    """
    languages = supported_languages()
    chosen = str(getattr(g, "babel_locale", "") or "").split("_")[0]
    if chosen in languages:
        return chosen
    if request.args.get("lang") in languages and not lang_argument_is_a_filter():
        return request.args["lang"]
    user = g.get("_login_user")  # Flask-Login's cache: None unless this request loaded a user
    try:
        preferred = user.language if inspect_instance(user, raiseerr=False) is not None else None
    except Exception:  # any database failure falls back to the request
        current_app.logger.warning("Error page: the user's language could not be read", exc_info=True)
        preferred = None
    if preferred in languages:
        return str(preferred)
    return _switcher_or_browser_language(languages)


def current_language() -> str:
    """The language code of the page being rendered."""
    return str(get_locale() or "en").split("_")[0]


def content_language(text: str | None, default: str = "") -> str:
    """The language a block of user content is written in, for its `lang` attribute: `default`
    (the record's own language) unless the text is plainly in another script, else detected."""
    from covenant_hub.language.detection import detect_language, reply_language

    if not text or not text.strip():
        return default
    found = reply_language(text, default) if default else detect_language(text, ("ky", "ru", "en"))
    return found if found in ("ky", "ru", "en") else default


def init_app(app: Flask) -> None:
    """Attach Flask-Babel and expose the language list to templates."""
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def _language_context() -> dict[str, object]:
        return {"language_names": LANGUAGE_NAMES, "current_language": current_language}

    app.add_template_filter(content_language, "content_lang")
