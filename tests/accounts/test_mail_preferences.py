"""Notification mail preferences, one-click unsubscribe and the daily and weekly digests."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from covenant_hub.accounts import digests, mail_preferences
from covenant_hub.accounts.notifications import Notification, NotificationInput, notify
from covenant_hub.extensions import db
from tests.accounts.helpers import read_mails, text_of
from tests.factories import make_user
from tests.sessions import login

ALL_IMMEDIATE = dict.fromkeys(mail_preferences.KINDS, "immediate")


def _mention(user, subject: str = "Heat pumps", at: datetime | None = None) -> Notification:
    (row,) = notify([NotificationInput(user.id, "mention", "Aida", subject, "/forum/t/1")])
    if at is not None:
        row.created_at = at
        db.session.commit()
    return row


def test_everyone_starts_with_mail_at_once(app, outbox):
    user = make_user()
    assert mail_preferences.modes_of(user.id) == ALL_IMMEDIATE
    _mention(user)
    (mail,) = read_mails(outbox)
    assert "Aida" in text_of(mail)


def test_the_preferences_page_saves_each_kind(app, client):
    user = make_user()
    login(client, user)
    assert client.get("/account/mail/preferences").status_code == 200
    choice = {"mentions": "weekly", "watched": "daily", "invitations": "off", "programme": "immediate"}
    response = client.post("/account/mail/preferences", data=choice)
    assert response.status_code == 302
    assert mail_preferences.modes_of(user.id) == choice


def test_a_bad_choice_is_refused_and_changes_nothing(app, client):
    user = make_user()
    login(client, user)
    choice = {"mentions": "hourly", "watched": "daily", "invitations": "off", "programme": "immediate"}
    response = client.post("/account/mail/preferences", data=choice)
    assert response.status_code == 400
    assert "every kind" in response.get_data(as_text=True)
    assert mail_preferences.modes_of(user.id) == ALL_IMMEDIATE


def test_the_page_needs_a_login(app, client):
    assert client.get("/account/mail/preferences").status_code == 302


@pytest.mark.parametrize("mode", ["daily", "weekly", "off"])
def test_no_mail_at_once_unless_asked_but_the_notification_is_kept(app, outbox, mode):
    user = make_user()
    mail_preferences.set_modes(user.id, {**ALL_IMMEDIATE, "mentions": mode})
    _mention(user)
    assert read_mails(outbox) == []
    assert db.session.scalars(select(Notification).where(Notification.user_id == user.id)).one()


def test_one_click_unsubscribe_from_the_mail_without_a_login(app, client, outbox):
    user = make_user()
    _mention(user)
    (mail,) = read_mails(outbox)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = urlsplit(str(mail["List-Unsubscribe"]).strip("<>")).path
    page = client.get(link)  # a GET only asks: mail scanners prefetch links
    assert page.status_code == 200 and "Someone mentions me" in page.get_data(as_text=True)
    assert mail_preferences.modes_of(user.id)["mentions"] == "immediate"
    done = client.post(link)  # what a mail client's one-click does, without a form or cookie
    assert done.status_code == 200
    assert mail_preferences.modes_of(user.id) == {**ALL_IMMEDIATE, "mentions": "off"}
    _mention(user, "Again")
    assert len(read_mails(outbox)) == 1


def test_a_forged_unsubscribe_link_is_refused(app, client):
    user = make_user()
    token = mail_preferences.unsubscribe_token(user.id, ["mentions"])
    for bad in (token[:-3] + "xyz", "nonsense"):
        assert client.get(f"/account/mail/unsubscribe/{bad}").status_code == 400
        response = client.post(f"/account/mail/unsubscribe/{bad}")
        assert response.status_code == 400 and "not valid" in response.get_data(as_text=True)
    assert mail_preferences.modes_of(user.id) == ALL_IMMEDIATE


def test_the_daily_digest_gathers_yesterday_in_the_readers_language(app, outbox):
    user = make_user(language="ru")
    mail_preferences.set_modes(user.id, {**ALL_IMMEDIATE, "mentions": "daily"})
    _mention(user, "Вчерашняя тема", at=datetime(2026, 11, 9, 15, 0, tzinfo=UTC))
    _mention(user, "Сегодняшняя тема", at=datetime(2026, 11, 10, 1, 0, tzinfo=UTC))
    now = datetime(2026, 11, 10, 6, 0, tzinfo=UTC)
    assert digests.send_digests("daily", now) == 1
    assert digests.send_digests("daily", now) == 0  # a second run the same day sends nothing
    (mail,) = read_mails(outbox)
    text = text_of(mail)
    assert "ежедневная сводка" in str(mail["Subject"])
    assert "Вчерашняя тема" in text and "Сегодняшняя тема" not in text
    assert mail["Content-Language"] == "ru" and mail["List-Unsubscribe"]


def test_the_weekly_digest_covers_last_week_only(app, outbox):
    user = make_user(language="ky")
    mail_preferences.set_modes(user.id, {**ALL_IMMEDIATE, "watched": "weekly"})
    (row,) = notify([NotificationInput(user.id, "watching", "Bakyt", "Күн панелдери", "/forum/t/2")])
    row.created_at = datetime(2026, 11, 4, 12, 0, tzinfo=UTC)  # a Wednesday
    db.session.commit()
    assert digests.send_digests("weekly", datetime(2026, 11, 16, 6, 0, tzinfo=UTC)) == 0  # two weeks on
    assert digests.send_digests("weekly", datetime(2026, 11, 9, 6, 0, tzinfo=UTC)) == 1
    (mail,) = read_mails(outbox)
    assert "Күн панелдери" in text_of(mail) and mail["Content-Language"] == "ky"


def test_digest_windows():
    now = datetime(2026, 11, 11, 6, 30, tzinfo=UTC)  # a Wednesday
    daily = digests.window("daily", now)
    weekly = digests.window("weekly", now)
    assert (daily.start, daily.end) == (
        datetime(2026, 11, 10, tzinfo=UTC),
        datetime(2026, 11, 11, tzinfo=UTC),
    )
    assert (weekly.start, weekly.end) == (
        datetime(2026, 11, 2, tzinfo=UTC),
        datetime(2026, 11, 9, tzinfo=UTC),
    )
