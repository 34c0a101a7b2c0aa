"""Newsletter: double opt-in per language, one-click unsubscribe, build and send idempotence."""

from __future__ import annotations

import email
import json
import re
from datetime import UTC, date, datetime
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from covenant_hub.events import issues, newsletter
from covenant_hub.events.models import NewsletterDelivery, NewsletterIssue, NewsletterSubscription
from covenant_hub.extensions import db
from tests.factories import make_event, make_news, make_org, make_practice


def _mails(outbox: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(outbox.glob("*.eml"))
    ]


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _confirm_path(outbox: Path) -> str:
    match = re.search(r"https?://[^/\s]+(/newsletter/confirm/\S+)", _text(_mails(outbox)[-1]))
    assert match
    return match.group(1)


def _subscription(address: str, language: str) -> NewsletterSubscription | None:
    return db.session.scalar(
        select(NewsletterSubscription).where(
            NewsletterSubscription.email == address, NewsletterSubscription.language == language
        )
    )


def test_double_opt_in(client, outbox):
    response = client.post("/newsletter/", data={"email": "Aigul@Example.kg", "language": "ky"})
    assert response.status_code == 302
    row = _subscription("aigul@example.kg", "ky")
    assert row.status == "pending"
    [mail] = _mails(outbox)
    assert mail["To"] == "aigul@example.kg" and mail["Content-Language"] == "ky"
    path = _confirm_path(outbox)
    landing = client.get(path)  # a GET (or a mail scanner's prefetch) confirms nothing
    assert landing.status_code == 200 and "<form" in landing.get_data(as_text=True)
    db.session.refresh(row)
    assert row.status == "pending"
    assert client.post(path).status_code == 302
    db.session.refresh(row)
    assert row.status == "active" and row.confirmed_at is not None


def test_each_language_is_its_own_subscription(app):
    newsletter.subscribe("a@example.org", "ru")
    newsletter.subscribe("a@example.org", "en")
    assert db.session.scalar(select(func.count(NewsletterSubscription.id))) == 2


def test_already_active_address_gets_no_second_mail_and_same_answer(client, outbox):
    client.post("/newsletter/", data={"email": "a@example.org", "language": "en"})
    client.post(_confirm_path(outbox))
    answer = client.post(
        "/newsletter/", data={"email": "a@example.org", "language": "en"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "we sent you an e-mail" in answer
    assert len(_mails(outbox)) == 1


@pytest.mark.parametrize(
    "data", [{"email": "not-an-address", "language": "en"}, {"email": "a@example.org", "language": "xx"}]
)
def test_bad_subscription_changes_nothing(client, outbox, data):
    response = client.post("/newsletter/", data=data)
    assert response.status_code == 200 and 'class="field-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(NewsletterSubscription.id))) == 0
    assert not list(outbox.glob("*.eml"))
    client.post("/newsletter/", data={"email": "good@example.org", "language": "en"})
    assert len(list(outbox.glob("*.eml"))) == 1  # a good subscription does mail, to this outbox


def test_tampered_confirmation_is_refused(client):
    response = client.post("/newsletter/confirm/not-a-token")
    assert response.status_code == 400
    assert "not valid" in client.get("/newsletter/confirm/not-a-token").get_data(as_text=True)


def _active(address: str, language: str) -> NewsletterSubscription:
    row = NewsletterSubscription(
        email=address, language=language, status="active", confirmed_at=datetime.now(UTC)
    )
    db.session.add(row)
    db.session.commit()
    return row


def test_unsubscribe_needs_a_post_and_no_csrf_token(app_config, tmp_path):
    from covenant_hub import create_app

    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        row = _active("b@example.org", "ru")
        client = app.test_client()
        page = client.get(f"/newsletter/unsubscribe/{row.unsubscribe_token}")
        assert page.status_code == 200
        db.session.refresh(row)
        assert row.status == "active"
        # What a mail client sends for RFC 8058 one-click: a bare POST, no form token.
        response = client.post(
            f"/newsletter/unsubscribe/{row.unsubscribe_token}", data={"List-Unsubscribe": "One-Click"}
        )
        assert response.status_code == 200
        db.session.refresh(row)
        assert row.status == "unsubscribed"
        assert client.post("/newsletter/unsubscribe/wrong").status_code == 400
        refused = client.post("/newsletter/", data={"email": "c@example.org", "language": "en"})
        assert refused.status_code == 400  # the subscribe form still needs its token
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def november(app):
    """Content for the 2026-11 issue in ky and ru, plus content outside the month."""
    supporter = make_org(kind="supporter", name="Жаңы колдоочу", joined=date(2026, 11, 3))
    make_org(kind="supporter", name="Old supporter", joined=date(2025, 1, 1))
    make_news(supporter, title="Кабар ноябрда", language="ky", published_at=datetime(2026, 11, 5, tzinfo=UTC))
    make_news(
        supporter, title="Новость ноября", language="ru", published_at=datetime(2026, 11, 6, tzinfo=UTC)
    )
    make_news(
        supporter, title="Октябрьская новость", language="ru", published_at=datetime(2026, 10, 6, tzinfo=UTC)
    )
    make_practice(supporter, title="Күн панелдери", language="ky", published=date(2026, 11, 20))
    make_event(
        supporter,
        title="Декабрьский вебинар",
        language="ru",
        starts_at=datetime(2026, 12, 10, 4, tzinfo=UTC),
        ends_at=datetime(2026, 12, 10, 6, tzinfo=UTC),
    )
    make_event(
        supporter,
        title="Ноябрьское событие",
        starts_at=datetime(2026, 11, 10, 4, tzinfo=UTC),
        ends_at=datetime(2026, 11, 10, 6, tzinfo=UTC),
    )
    return supporter


def test_build_composes_each_language(november):
    results = issues.build_month("2026-11")
    assert [(r.language, r.status) for r in results] == [
        ("ky", "created"),
        ("ru", "created"),
        ("en", "created"),
    ]
    ky = db.session.scalar(select(NewsletterIssue).where(NewsletterIssue.language == "ky"))
    ru = db.session.scalar(select(NewsletterIssue).where(NewsletterIssue.language == "ru"))
    assert "Кабар ноябрда" in ky.html and "Күн панелдери" in ky.text and "Новость ноября" not in ky.html
    assert "Новость ноября" in ru.html and "Октябрьская новость" not in ru.html
    for issue in (ky, ru):
        assert "Декабрьский вебинар" in issue.html and "Ноябрьское событие" not in issue.html
        assert "Жаңы колдоочу" in issue.text and "Old supporter" not in issue.text
    assert "ноябрь" in ru.subject.lower() and "Ноябрь" in ky.subject
    assert ru.html.startswith('<!doctype html>\n<html lang="ru">')  # rendered under the edition's locale


def test_rebuild_updates_until_sent(november):
    issues.build_month("2026-11")
    assert {r.status for r in issues.build_month("2026-11")} == {"updated"}
    assert db.session.scalar(select(func.count(NewsletterIssue.id))) == 3


def test_send_goes_once_with_one_click_headers(november, outbox):
    ky = _active("ky@example.org", "ky")
    _active("ru@example.org", "ru")
    pending = NewsletterSubscription(email="pending@example.org", language="ky", status="pending")
    db.session.add(pending)
    db.session.commit()
    issues.build_month("2026-11")
    assert issues.send_month("2026-11") == 2
    assert issues.send_month("2026-11") == 0  # sending twice does not send twice
    mails = {mail["To"]: mail for mail in _mails(outbox)}
    assert set(mails) == {"ky@example.org", "ru@example.org"}
    mail = mails["ky@example.org"]
    link = f"/newsletter/unsubscribe/{ky.unsubscribe_token}"
    assert mail["List-Unsubscribe"].startswith("<http") and link in mail["List-Unsubscribe"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # On the wire too: one line, not an RFC 2047 encoded-word that clients would not decode.
    raw = b"".join(path.read_bytes() for path in outbox.glob("*.eml"))
    assert re.search(rb"\nList-Unsubscribe: <https?://[^\s>]+" + link.encode() + rb">\r?\n", raw)
    assert link in _text(mail) and "%%UNSUBSCRIBE" not in _text(mail)
    assert "Кабар ноябрда" in _text(mail)
    assert {r.status for r in issues.build_month("2026-11")} == {"kept", "updated"}  # en had no readers


def test_new_subscriber_gets_the_issue_on_the_next_send(november, outbox):
    _active("first@example.org", "en")
    issues.build_month("2026-11")
    issues.send_month("2026-11")
    _active("late@example.org", "en")
    assert issues.send_month("2026-11") == 1
    assert db.session.scalar(select(func.count(NewsletterDelivery.id))) == 2


def test_unsubscribed_reader_gets_nothing(november, outbox):
    row = _active("gone@example.org", "ru")
    newsletter.unsubscribe(row.unsubscribe_token)
    issues.build_month("2026-11")
    assert issues.send_month("2026-11") == 0
    _active("stays@example.org", "ru")
    assert issues.send_month("2026-11") == 1  # the ru edition does go out, to the active reader


def test_cli_build_and_send(november, runner, outbox):
    _active("a@example.org", "ru")
    result = runner.invoke(args=["newsletter", "build", "--month", "2026-11", "--json"])
    assert result.exit_code == 0, result.output
    assert [row["language"] for row in json.loads(result.output)] == ["ky", "ru", "en"]
    result = runner.invoke(args=["newsletter", "send", "--month", "2026-11"])
    assert result.exit_code == 0 and "1 messages queued" in result.output
    result = runner.invoke(args=["newsletter", "send", "--month", "2026-11", "--json"])
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"month": "2026-11", "sent": 0}


@pytest.mark.parametrize(
    "args",
    [["build", "--month", "2026-13"], ["send", "--month", "2027-05"], ["build", "--month", "november"]],
)
def test_cli_refuses_bad_months(runner, args):
    result = runner.invoke(args=["newsletter", *args])
    assert result.exit_code != 0 and "Error" in result.output


def test_staff_preview(november, client, world):
    from tests.sessions import login

    issues.build_month("2026-11")
    login(client, world.user("staff"))
    assert "2026-11" in client.get("/newsletter/issues").get_data(as_text=True)
    html = client.get("/newsletter/issues/2026-11/ky.html")
    assert html.status_code == 200 and "Кабар ноябрда" in html.get_data(as_text=True)
    assert "%%UNSUBSCRIBE" not in html.get_data(as_text=True)
    assert client.get("/newsletter/issues/2026-11/ru.txt").mimetype == "text/plain"
    assert client.get("/newsletter/issues/2026-12/ru.txt").status_code == 404
    login(client, world.user("supporter_admin"))
    assert client.get("/newsletter/issues/2026-11/ky.html").status_code == 403


def test_subscribing_is_rate_limited(app_config):
    from covenant_hub import create_app

    app = create_app({**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_NEWSLETTER": "2 per minute"})
    with app.app_context():
        client = app.test_client()
        forms = [{"email": f"r{n}@example.org", "language": "en"} for n in range(3)]
        codes = [client.post("/newsletter/", data=form).status_code for form in forms]
        assert codes == [302, 302, 429]
        assert client.get("/newsletter/").status_code == 200  # only POSTs count
        db.session.remove()
        db.engine.dispose()


def test_editor_forms_offer_the_markdown_preview(client, world):
    from tests.sessions import login

    login(client, world.user("staff"))
    for path in ("/news/new", "/events/new"):
        page = client.get(path).get_data(as_text=True)
        assert 'data-preview-url="/practices/preview"' in page and "markdown-preview.js" in page
