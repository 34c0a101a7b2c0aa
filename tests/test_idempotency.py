"""A form sent twice with the same token is applied once and answered like the first time."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from flask_wtf import FlaskForm
from sqlalchemy import func, select

from covenant_hub.accounts.models import User
from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.forms import Form
from covenant_hub.idempotency import FormSubmission, SubmitOnceForm
from tests.accounts.helpers import read_mails, register_form

TOKEN = re.compile(
    r'name="form_token" type="hidden" value="([^"]+)"|'
    r'type="hidden" name="form_token" value="([^"]+)"|'
    r'name="form_token"[^>]*value="([^"]+)"'
)


def form_token(html: str) -> str:
    """The one-time token of the (first) form on a page."""
    match = TOKEN.search(html)
    assert match, "the form carries no form_token"
    return next(group for group in match.groups() if group)


def _anonymous_key(token: str) -> str:
    return hashlib.sha256(f"\0{token}".encode()).hexdigest()


def _users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_registration_sent_twice_makes_one_account_and_one_mail(client, outbox):
    token = form_token(client.get("/account/register").text)
    data = register_form(email="aigerim@example.kg", form_token=token)
    first = client.post("/account/register", data=data)
    again = client.post("/account/register", data=data)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert _users() == 1 and len(read_mails(outbox)) == 1


def test_each_page_view_gets_a_new_token(client):
    first, second = (form_token(client.get("/account/register").text) for _ in range(2))
    assert first != second


def test_a_form_shown_again_with_errors_can_be_sent_with_its_token(client, outbox):
    token = form_token(client.get("/account/register").text)
    rejected = client.post("/account/register", data=register_form(password="short", form_token=token))
    assert rejected.status_code == 200 and form_token(rejected.text) == token
    accepted = client.post("/account/register", data=register_form(form_token=token))
    assert accepted.status_code == 302 and _users() == 1


def test_a_token_still_being_handled_answers_409_and_changes_nothing(client):
    db.session.add(FormSubmission(key=_anonymous_key("busy-token"), created_at=utcnow()))
    db.session.commit()
    response = client.post(
        "/account/register", data=register_form(form_token="busy-token"), headers={"Accept-Language": "ru"}
    )
    assert response.status_code == 409 and '<html lang="ru">' in response.text
    assert _users() == 0


def test_an_abandoned_claim_lets_the_form_through(client):
    long_ago = utcnow() - timedelta(minutes=30)
    db.session.add(FormSubmission(key=_anonymous_key("dead-worker"), created_at=long_ago))
    db.session.commit()
    assert client.post("/account/register", data=register_form(form_token="dead-worker")).status_code == 302
    assert _users() == 1


def test_old_tokens_are_pruned(client):
    two_days_ago = utcnow() - timedelta(days=2)
    db.session.add(FormSubmission(key="old", status=302, location="/", created_at=two_days_ago))
    db.session.add(FormSubmission(key="recent", status=302, location="/", created_at=utcnow()))
    db.session.commit()
    client.post("/account/register", data=register_form(form_token="fresh"))
    keys = set(db.session.scalars(select(FormSubmission.key)))
    assert "old" not in keys and {"recent", _anonymous_key("fresh")} <= keys


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    return found.union(*(_subclasses(sub) for sub in found))


def test_every_form_but_login_is_sent_once(app):
    import covenant_hub.accounts.forms
    import covenant_hub.events.forms
    import covenant_hub.forum.forms
    import covenant_hub.library.forms
    import covenant_hub.matching.forms
    import covenant_hub.orgs.forms
    import covenant_hub.programme.forms  # noqa: F401

    forms = {f for f in _subclasses(FlaskForm) if f.__module__.startswith("covenant_hub.")}
    # Form is the base of both (it reads JSON bodies safely), not a form any page renders.
    plain = {f.__name__ for f in forms if not issubclass(f, SubmitOnceForm) and f is not Form}
    assert plain == {"LoginForm"}
    for name in (
        "ThreadForm",
        "ReplyForm",
        "PracticeForm",
        "EventForm",
        "NewsForm",
        "RequestForm",
        "ApplicationForm",
        "RegistrationForm",
    ):
        assert any(f.__name__ == name for f in forms), name
