"""Every message in the reader's language: the libraries' messages, plurals by each language's
rules, dates by locale, mail headers that survive a parser, `lang` on content."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale, format_date

from covenant_hub.accounts.emails import validity
from covenant_hub.extensions import db
from covenant_hub.mail import send_mail
from tests.accounts.helpers import read_mails, register_form, text_of
from tests.factories import make_group, make_org, make_practice, make_thread, make_user
from tests.sessions import login


def test_a_kyrgyz_subject_keeps_its_spaces_when_parsed(app, outbox):
    subject = "Covenant Hub үчүн электрондук почтаңыздын дарегин ырастаңыз, андан кийин кириңиз"
    send_mail("a@example.kg", subject, "Текст", "<p>Текст</p>", headers={"Content-Language": "ky"})
    db.session.commit()  # queued mail goes out once its transaction commits
    (mail,) = read_mails(outbox)
    assert mail["Subject"] == subject
    assert mail["Content-Language"] == "ky" and text_of(mail).strip() == "Текст"


def test_the_kyrgyz_confirmation_mail_subject_and_russian_validity(client, outbox):
    client.post("/account/register", data=register_form(language="ky"))
    client.post("/account/register", data=register_form(email="ivan@example.kg", language="ru"))
    kyrgyz, russian = read_mails(outbox)
    assert kyrgyz["Subject"] == "Covenant Hub үчүн электрондук почта дарегиңизди ырастаңыз"
    assert "3 күн бою" in text_of(kyrgyz)
    assert "в течение 3 дней" in text_of(russian)  # genitive after «в течение», not "3 дня"


@pytest.mark.parametrize(
    ("language", "seconds", "expected"),
    [("ru", 86400, "1 дня"), ("ru", 3 * 86400, "3 дней"), ("ru", 2 * 3600, "2 часов"),
     ("ru", 21 * 3600, "21 часа"), ("en", 86400, "1 day"), ("en", 7200, "2 hours"),
     ("ky", 3 * 86400, "3 күн")],
)  # fmt: skip
def test_link_validity_follows_each_languages_plural_rules(app, language, seconds, expected):
    with app.test_request_context(), force_locale(language):
        assert validity(seconds) == expected


def test_one_practice_is_not_one_practices(app, client):
    make_practice()
    assert "1 practice<" in client.get("/practices/?lang=en").get_data(as_text=True)
    for _ in range(2):
        make_practice()
    assert "3 практики" in client.get("/practices/?lang=ru").get_data(as_text=True)


def test_english_dates_are_day_month_year(app):
    with app.test_request_context("/?lang=en"):
        assert format_date(date(2026, 12, 2), "medium") == "2 Dec 2026"


@pytest.mark.parametrize(
    ("language", "expected"), [("ky", "Бул талааны толтуруу милдеттүү."), ("ru", "Это поле обязательно.")]
)
def test_wtforms_own_messages_are_translated(app, client, language, expected):
    login(client, make_user(language=language, org=make_org(), org_role="org_admin"))
    page = client.post("/practices/new", data={}).get_data(as_text=True)
    assert expected in page and "This field is required." not in page


def test_flask_login_asks_to_log_in_in_kyrgyz(client):
    client.get("/?lang=ky")
    page = client.get("/account/profile", follow_redirects=True).get_data(as_text=True)
    assert "Please log in" not in page


def test_a_kyrgyz_reply_in_a_russian_thread_is_marked_kyrgyz(app, client):
    thread = make_thread(make_group(), title="Освещение улиц", language="ru", posts=1)
    from covenant_hub.forum.models import Post

    author = make_user()
    post = Post(
        thread=thread, author=author, body="Биздин шаарда көчө жарыгын алмаштырдык, бул абдан пайдалуу болду."
    )
    from covenant_hub.extensions import db

    db.session.add(post)
    db.session.add(
        Post(thread=thread, author=author, body="В нашем городе тоже заменили фонари, расход упал вдвое.")
    )
    db.session.commit()
    page = client.get(f"/forum/t/{thread.id}?lang=ru").get_data(as_text=True)
    assert 'class="post-body" lang="ky"' in page and 'class="post-body" lang="ru"' in page


def test_the_400_pages_detail_is_in_the_readers_language(client):
    page = client.get("/orgs/?kind=city&lang=ky").get_data(as_text=True)
    assert "төмөнкүлөрдүн бири болушу керек" in page and "must be one of" not in page
    page = client.get("/orgs/?page=x&lang=ru").get_data(as_text=True)
    assert "должно быть целым числом от 1 до" in page
