"""Every message is translated into ky and ru, the catalogs match the code, and the language
is chosen from the user's preference, the switcher, then the browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from covenant_hub.config import PROJECT_ROOT
from tests.factories import make_user

TRANSLATIONS = PROJECT_ROOT / "translations"
REQUIRED_LANGUAGES = ("ky", "ru")


def _catalog(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def _message_ids(catalog) -> set[str]:
    return {
        str(message.id if isinstance(message.id, str) else message.id[0]) for message in catalog if message.id
    }


def test_catalog_template_lists_every_message_in_the_code(tmp_path: Path):
    fresh = tmp_path / "messages.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(PROJECT_ROOT / "babel.cfg"),
            "-k",
            "lazy_gettext",
            "-k",
            "_l",
            "-k",
            "N_plural:1,2",
            "--no-location",
            "-o",
            str(fresh),
            str(PROJECT_ROOT),
        ]
    )
    with fresh.open("rb") as handle:
        in_code = _message_ids(read_po(handle))
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        in_template = _message_ids(read_po(handle))
    missing = sorted(in_code - in_template)
    assert not missing, f"run `make extract-messages` and translate: {missing[:20]}"


@pytest.mark.parametrize("language", REQUIRED_LANGUAGES)
def test_every_message_has_a_translation(language: str):
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        wanted = _message_ids(read_po(handle))
    catalog = _catalog(language)
    untranslated = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            untranslated.append(message.id)
    missing = wanted - _message_ids(catalog)
    assert not untranslated and not missing, (
        f"{language}: {len(untranslated)} untranslated or fuzzy, {len(missing)} absent, "
        f"e.g. {(list(untranslated) + sorted(missing))[:10]}"
    )


def test_kyrgyz_catalog_uses_kyrgyz_letters():
    """Real Kyrgyz, not transliterated Russian: ө, ү and ң appear throughout."""
    text = " ".join(str(m.string) for m in _catalog("ky") if m.id)
    for letter in "өүң":
        assert text.count(letter) >= 10, letter


def test_lang_parameter_serves_kyrgyz(client):
    html = client.get("/?lang=ky").get_data(as_text=True)
    assert '<html lang="ky">' in html
    assert "Каталог" in html  # "Directory"


def test_accept_language_picks_russian(client):
    html = client.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="ru">' in html


def test_switcher_choice_is_remembered(client):
    client.post("/language", data={"lang": "ky", "next": "/"})
    assert '<html lang="ky">' in client.get("/").get_data(as_text=True)


def test_switcher_refuses_unknown_language_and_foreign_redirects(client):
    assert client.post("/language", data={"lang": "xx"}).status_code == 400
    response = client.post("/language", data={"lang": "ru", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_user_preference_wins_over_browser(client, app):
    user = make_user(language="ru")
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="ru">' in html
