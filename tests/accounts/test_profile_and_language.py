"""The profile page, the preferred language, and mail written in the recipient's language."""

from __future__ import annotations

from babel.dates import format_date

from covenant_hub.extensions import db
from tests.accounts.helpers import read_mails, register_form, submit_login, text_of
from tests.factories import make_org, make_user


def test_profile_shows_details_and_organisations_with_links(client):
    org = make_org(name="Karakol", external_id="kg-karakol")
    user = make_user(name="Bakyt Osmonov", org=org, org_role="org_admin")
    submit_login(client, user.email)
    page = client.get("/account/profile").get_data(as_text=True)
    assert "Bakyt Osmonov" in page and user.email in page
    assert 'href="/orgs/kg-karakol"' in page and "Karakol" in page
    assert "You manage this profile" in page


def test_language_preference_is_stored_and_used_for_pages(client):
    user = make_user(language="en")
    submit_login(client, user.email)
    assert 'lang="en"' in client.get("/account/profile").get_data(as_text=True)

    response = client.post("/account/profile", data={"name": user.name, "language": "ky"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.language == "ky"

    page = client.get("/account/profile").get_data(as_text=True)
    assert '<html lang="ky">' in page
    assert format_date(user.created_at, "long", locale="ky") in page  # e.g. "2026-ж., 27-ноябрь"


def test_unknown_language_is_refused(client):
    user = make_user(language="ru")
    name = user.name
    submit_login(client, user.email)
    response = client.post("/account/profile", data={"name": "New name", "language": "xx"})
    assert response.status_code == 200
    db.session.refresh(user)
    assert (user.language, user.name) == ("ru", name)


def test_confirmation_mail_is_in_the_language_chosen_not_the_page_language(client, outbox):
    client.post("/account/register?lang=ru", data=register_form(language="ky"))
    client.post("/account/register?lang=ky", data=register_form(email="ann@example.org", language="en"))
    kyrgyz, english = read_mails(outbox)
    assert kyrgyz["Content-Language"] == "ky" and english["Content-Language"] == "en"
    assert "3 күн" in text_of(kyrgyz)  # the link lifetime, formatted by CLDR for Kyrgyz
    assert "3 days" in text_of(english)
    assert '<html lang="ky">' in kyrgyz.get_body(preferencelist=("html",)).get_content()


def test_reset_mail_uses_the_account_language(client, outbox):
    user = make_user(language="ru")
    client.post("/account/forgot?lang=en", data={"email": user.email})
    (mail,) = read_mails(outbox)
    assert mail["Content-Language"] == "ru"
    assert "в течение 2 часов" in text_of(mail)  # genitive after «в течение», not "2 часа"
