"""Every accounts page renders in each language, with its form and no server error."""

from __future__ import annotations

import pytest

from tests.accounts.helpers import link_in, read_mails, register_form, submit_login
from tests.factories import make_user

PUBLIC_PAGES = ["/account/login", "/account/register", "/account/forgot", "/account/confirm"]
PRIVATE_PAGES = ["/account/profile", "/account/password"]


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_pages_render_in_each_language(client, language):
    for path in PUBLIC_PAGES:
        response = client.get(path, query_string={"lang": language})
        assert response.status_code == 200, path
        assert f'<html lang="{language}">' in response.get_data(as_text=True)
    submit_login(client, make_user().email)
    for path in PRIVATE_PAGES:
        response = client.get(path, query_string={"lang": language})
        assert response.status_code == 200, path
        assert "<form" in response.get_data(as_text=True)


def test_country_names_follow_the_page_language(client):
    for language, name in (("ky", "Кыргызстан"), ("ru", "Кыргызстан"), ("en", "Kyrgyzstan")):  # official
        page = client.get("/account/register", query_string={"lang": language}).get_data(as_text=True)
        assert f'<option value="kg">{name}</option>' in page


def test_field_errors_are_shown_next_to_the_field(client):
    page = client.post("/account/register", data=register_form(name="")).get_data(as_text=True)
    assert 'id="name-errors"' in page and 'aria-invalid="true"' in page


def test_confirmation_link_of_a_confirmed_account_sends_to_login(client, outbox):
    client.post("/account/register", data=register_form())
    link = link_in(read_mails(outbox)[0])
    client.post(link)
    response = client.get(link, follow_redirects=True)
    assert b"already confirmed" in response.data


def test_bad_reset_link_page(client):
    response = client.get("/account/reset/not-a-token")
    assert response.status_code == 400
    assert b"This link is not valid" in response.data
