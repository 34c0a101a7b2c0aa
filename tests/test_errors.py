"""Error pages are friendly, in the visitor's language, never a stack trace; JSON under /api/."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext

from tests.factories import make_org, make_user
from tests.sessions import login


@pytest.fixture
def app_config(app_config):
    app_config.update(
        RATELIMIT_ENABLED=True,
        RATELIMIT_LOGIN="2 per minute",
        MAX_CONTENT_LENGTH=1024,
        PROPAGATE_EXCEPTIONS=False,
    )
    return app_config


@pytest.fixture
def failing_app(app):
    def explode():
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/boom", "boom", explode)
    app.add_url_rule("/api/v1/boom", "api_boom", explode)
    app.testing = False  # let the 500 handler run instead of re-raising into the test
    return app


def _ky(client, method, path, **kwargs):
    return client.open(path, method=method, headers={"Accept-Language": "ky"}, **kwargs)


def test_404_page_in_kyrgyz(client):
    response = _ky(client, "GET", "/no/such/page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert '<html lang="ky">' in html and "We could not find that page." not in html
    with force_locale("ky"):
        assert gettext("We could not find that page.") in html  # said, in Kyrgyz


def test_400_page(client):
    response = _ky(client, "POST", "/language", data={"lang": "xx"})
    assert response.status_code == 400 and '<html lang="ky">' in response.get_data(as_text=True)


def test_403_page_on_another_organisation(client):
    own, other = make_org(), make_org()
    user = make_user(org=own, org_role="org_admin", language="ru")
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    response = client.get(f"/orgs/{other.external_id}/edit", headers={"Accept-Language": "en"})
    assert response.status_code == 403
    assert '<html lang="ru">' in response.get_data(as_text=True)


def test_413_page(client):
    response = _ky(client, "POST", "/language", data={"lang": "ky", "next": "x" * 5000})
    assert response.status_code == 413 and '<html lang="ky">' in response.get_data(as_text=True)


def test_429_page_after_too_many_logins(client):
    codes = [
        _ky(client, "POST", "/account/login", data={"email": "a@b.kg", "password": "x"}).status_code
        for _ in range(3)
    ]
    assert codes[-1] == 429
    last = _ky(client, "POST", "/account/login", data={"email": "a@b.kg", "password": "x"})
    assert '<html lang="ky">' in last.get_data(as_text=True)


def test_500_page_hides_the_exception(failing_app):
    client = failing_app.test_client()
    response = _ky(client, "GET", "/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internal detail" not in html and "Traceback" not in html
    assert '<html lang="ky">' in html
    assert response.headers["Content-Security-Policy"]


def test_api_errors_are_json(failing_app):
    client = failing_app.test_client()
    missing = client.get("/api/v1/no-such-endpoint")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == 404
    broken = client.get("/api/v1/boom")
    assert broken.status_code == 500
    assert broken.get_json()["error"]["code"] == 500
    assert "secret internal detail" not in broken.get_data(as_text=True)


def test_every_domain_refusal_is_one_domain_error_with_its_status():
    from covenant_hub import errors
    from covenant_hub.accounts.services import AccountError
    from covenant_hub.events import services as events
    from covenant_hub.forum import errors as forum
    from covenant_hub.library import services as library
    from covenant_hub.programme import audit as programme

    bases = (
        AccountError,
        events.EventsError,
        forum.ForumError,
        library.LibraryError,
        programme.ProgrammeError,
    )
    assert all(issubclass(base, errors.DomainError) and base.status == 400 for base in bases)
    refusals = (events.NotAllowed, forum.NotAllowed, library.NotAllowed, programme.NotAllowed)
    assert all(issubclass(kind, errors.NotAllowed) and kind.status == 403 for kind in refusals)


@pytest.fixture
def flush_failing_app(app):
    """Routes whose flush fails for real: a second user with an email that is already taken."""
    from flask_login import current_user

    from covenant_hub.accounts.models import User
    from covenant_hub.extensions import db

    def duplicate_email():
        taken = db.session.scalars(db.select(User.email).limit(1)).one()
        name = f"Copy of {getattr(current_user, 'name', 'a guest')}"  # loads the signed-in user
        db.session.add(User(email=taken, name=name, password_hash="x"))
        db.session.flush()  # IntegrityError: the session now refuses every query until rollback
        return "unreachable"

    app.add_url_rule("/duplicate", "duplicate", duplicate_email)
    app.add_url_rule("/api/v1/duplicate", "api_duplicate", duplicate_email)
    app.testing = False
    return app


def test_500_page_after_a_failed_flush_is_ours_in_the_users_language(flush_failing_app):
    user = make_user(language="ru")
    client = flush_failing_app.test_client()
    login(client, user)
    response = client.get("/duplicate", headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and response.mimetype == "text/html"
    assert '<html lang="ru">' in html and "IntegrityError" not in html
    assert response.headers["Content-Security-Policy"] and response.headers["X-Frame-Options"] == "DENY"


def test_api_500_after_a_failed_flush_is_the_json_envelope(flush_failing_app):
    user = make_user(language="ky")
    client = flush_failing_app.test_client()
    login(client, user)
    response = client.get("/api/v1/duplicate")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == 500
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_session_works_again_after_the_failed_flush(flush_failing_app):
    from covenant_hub.accounts.models import User
    from covenant_hub.extensions import db

    user = make_user()
    client = flush_failing_app.test_client()
    login(client, user)
    assert client.get("/duplicate").status_code == 500
    assert db.session.get(User, user.id).email == user.email
    assert client.get("/").status_code == 200


def test_500_page_falls_back_to_a_bare_page_when_the_template_fails(flush_failing_app, monkeypatch):
    import covenant_hub.errors

    def broken_template(*_args, **_kwargs):
        raise RuntimeError("template trouble")

    monkeypatch.setattr(covenant_hub.errors, "render_template", broken_template)
    response = _ky(flush_failing_app.test_client(), "GET", "/duplicate")
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and '<html lang="ky">' in html and "template trouble" not in html
    assert response.headers["Content-Security-Policy"]
