"""The programme pages over HTTP: who sees what, each form's effect, refusals as messages."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from covenant_hub.extensions import db
from covenant_hub.orgs.models import Organisation
from covenant_hub.programme import supporters
from covenant_hub.programme.models import COMMITMENTS, SupporterApplication, SupporterService
from tests.factories import make_supporter_application, make_user
from tests.programme.helpers import PDF
from tests.sessions import login


def _text(response) -> str:
    return response.get_data(as_text=True)


def _main(response) -> str:
    """The page's own content, without the header (whose switcher names the acting organisation)."""
    page = _text(response)
    return page[page.index("<main") : page.index("</main>")]


def test_programme_page_is_public_and_lists_commitments(client, world):
    response = client.get("/programme/?lang=ky")
    assert response.status_code == 200
    assert 'lang="ky"' in _text(response)
    assert "Union of Cities" in _text(response)


def test_apply_asks_anonymous_visitors_to_log_in(client, world):
    response = client.get("/programme/apply")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    assert "next=" in response.headers["Location"]


def test_apply_files_an_application(client, app):
    user = make_user(name="Nurlan")
    login(client, user)
    response = client.post(
        "/programme/apply",
        data={
            "network_name": "Нарын тармагы",
            "network_kind": "regional_network",
            "country": "kg",
            "member_count": "12",
            "languages": "ky, ru",
            "regions": "Нарын",
            "motivation": "Жардам берүү",
            "contact_name": "Nurlan",
            "contact_email": "nurlan@example.kg",
        },
    )
    assert response.status_code == 302
    application = db.session.scalar(
        select(SupporterApplication).where(SupporterApplication.user_id == user.id)
    )
    assert application.languages == ["ky", "ru"] and application.state == "submitted"
    page = client.get(response.headers["Location"])
    assert "Нарын тармагы" in _text(page)


def test_apply_with_bad_languages_shows_the_message(client, app):
    login(client, make_user())
    response = client.post(
        "/programme/apply",
        data={
            "network_name": "X",
            "network_kind": "ngo",
            "country": "",
            "member_count": "3",
            "languages": "kyrgyz",
            "regions": "r",
            "motivation": "m",
            "contact_name": "c",
            "contact_email": "c@example.org",
            "org_id": "",
        },
    )
    assert response.status_code == 200
    assert "two-letter codes" in _text(response)
    assert db.session.scalar(select(SupporterApplication)) is None


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("applicant", 200),
        ("staff", 200),
        ("admin", 200),
        ("member", 404),
        ("other_admin", 404),
        ("supporter_admin", 404),
    ],
)
def test_application_page_visibility(client, world, role, status):
    login(client, world.users[role])
    assert client.get(f"/programme/applications/{world.application.id}").status_code == status


def test_staff_accept_from_the_page(client, world):
    login(client, world.users["staff"])
    page = _text(client.get(f"/programme/applications/{world.application.id}"))
    assert "accept-form" in page and "reject-form" in page
    response = client.post(
        f"/programme/applications/{world.application.id}/accept", data={"notes": "OK"}, follow_redirects=True
    )
    assert world.application.state == "accepted"
    assert "eligible" in _text(response)


def test_invalid_transition_from_the_page_is_a_message(client, world):
    world.application.state = "live"
    db.session.commit()
    login(client, world.users["staff"])
    response = client.post(
        f"/programme/applications/{world.application.id}/accept", data={}, follow_redirects=True
    )
    assert "flash-error" in _text(response)
    assert "Only an application waiting for review can be accepted" in _text(response)
    assert db.session.get(SupporterApplication, world.application.id).state == "live"


def test_applicant_cannot_accept_own_application(client, world):
    login(client, world.users["applicant"])
    response = client.post(f"/programme/applications/{world.application.id}/accept", data={})
    assert response.status_code == 403


def test_agreement_needs_all_six_boxes_from_the_page(client, world):
    world.application.state = "accepted"
    db.session.commit()
    login(client, world.users["applicant"])
    data = {f"ack_{code}": "y" for code in COMMITMENTS[:-1]}
    response = client.post(
        f"/programme/applications/{world.application.id}/agreement", data=data, follow_redirects=True
    )
    with force_locale(world.users["applicant"].language):
        refusal = gettext("Acknowledge each of the six commitments to complete the agreement.")
    assert refusal in _text(response)
    data[f"ack_{COMMITMENTS[-1]}"] = "y"
    client.post(f"/programme/applications/{world.application.id}/agreement", data=data)
    assert world.application.state == "agreement_completed"


def _record(client, application, content: bytes, filename: str = "signed.pdf"):
    return client.post(
        f"/programme/applications/{application.id}/record",
        data={
            "signed_on": "2026-02-10",
            "signatory_name": "Mayor",
            "signed_pdf": (io.BytesIO(content), filename),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_admin_records_agreement_with_pdf_and_it_downloads(client, world, app):
    application = make_supporter_application(world.users["applicant"], state="agreement_completed")
    login(client, world.users["admin"])
    _record(client, application, PDF, "../../Келишим.pdf")
    assert application.state == "live"
    path = app.config["ATTACHMENTS_DIR"]
    assert application.agreement_stored_name and "static" not in path
    download = client.get(f"/programme/applications/{application.id}/agreement.pdf")
    assert download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")
    login(client, world.users["other_admin"])
    assert client.get(f"/programme/applications/{application.id}/agreement.pdf").status_code == 404


def test_non_pdf_agreement_is_refused(client, world):
    application = make_supporter_application(world.users["applicant"], state="agreement_completed")
    login(client, world.users["admin"])
    response = _record(client, application, b"MZ\x90\x00 an executable", "signed.pdf")
    assert "must be a PDF" in _text(response)
    assert db.session.get(SupporterApplication, application.id).state == "agreement_completed"


def test_live_supporter_lists_services_on_profile_and_directory(client, world):
    login(client, world.users["supporter_admin"])
    response = client.post(
        "/programme/supporters/union/services",
        data={
            "service_type": "translation",
            "languages": "ky, ru",
            "regions": "Чүй",
            "description": "Котормо кызматы",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert db.session.scalar(select(SupporterService)).service_type == "translation"
    profile = _text(client.get("/orgs/union"))
    assert "Котормо кызматы" in profile and 'id="services"' in profile
    directory = _text(client.get("/orgs/?kind=supporter"))
    assert "service-badge" in directory
    assert "Union of Cities" in _main(client.get("/programme/?service=translation"))
    assert "Union of Cities" not in _main(client.get("/programme/?service=training"))


def test_other_org_admin_cannot_manage_services(client, world):
    login(client, world.users["other_admin"])
    assert client.get("/programme/supporters/union/services").status_code == 403
    assert client.post("/programme/supporters/union/services", data={}).status_code == 403


def test_dashboard_charts_and_warnings(client, world):
    supporters.log_activity(
        world.users["staff"],
        world.supporter,
        supporters.ActivityInput("promote", "event", date.today(), "Seminar in Osh"),
    )
    login(client, world.users["supporter_member"])
    page = _text(client.get("/programme/supporters/union/dashboard"))
    assert page.count("<svg") == 2 and 'class="chart-bar series-0"' in page
    assert "style=" not in page  # CSP: no inline styles
    assert "No activity in the last 12 months" in page
    assert "Seminar in Osh" in page
    from flask_babel import force_locale, format_date

    with force_locale("ru"):
        this_month = format_date(date.today().replace(day=1), "LLL yy")
    assert this_month in _text(client.get("/programme/supporters/union/dashboard?lang=ru"))


def test_log_activity_from_the_page_and_refuse_future_date(client, world):
    login(client, world.users["supporter_admin"])
    client.post(
        "/programme/supporters/union/dashboard",
        data={
            "commitment": "exchange",
            "kind": "exchange",
            "happened_on": "2026-01-15",
            "description": "Visit",
        },
    )
    assert len(supporters.recent_activities(world.supporter)) == 1
    response = client.post(
        "/programme/supporters/union/dashboard",
        data={
            "commitment": "exchange",
            "kind": "exchange",
            "happened_on": "2099-01-15",
            "description": "Later",
        },
    )
    assert "not in the future" in _text(response)
    assert len(supporters.recent_activities(world.supporter)) == 1


@pytest.mark.parametrize(("role", "status"), [("staff", 200), ("supporter_admin", 403), ("anonymous", 302)])
def test_ranking_and_audit_are_for_staff(client, world, role, status):
    login(client, world.users[role])
    assert client.get("/programme/supporters/ranking").status_code == status
    assert client.get("/programme/audit").status_code == status


def test_admin_suspends_and_reinstates_from_the_pages(client, world, outbox):
    login(client, world.users["admin"])
    client.post(
        "/programme/supporters/union/suspension",
        data={"reason": "Жылдык отчет берилген жок", "suspended_on": "2026-03-01"},
    )
    assert world.supporter.status == "suspended"
    profile = _text(client.get("/orgs/union"))
    assert "supporter-suspended" in profile and "Жылдык отчет берилген жок" in profile
    told = {m.name for m in (world.users["member"], world.users["supporter_member"], world.users["staff"])}
    sent = " ".join(p.read_text(errors="ignore") for p in outbox.glob("*.eml"))
    assert all(world.users[r].email in sent for r in ("member", "supporter_member", "staff")) and told
    response = client.post(
        "/programme/supporters/union/suspension",
        data={"reason": "again", "suspended_on": "2026-03-02"},
        follow_redirects=True,
    )
    assert "Only an active supporter can be suspended" in _text(response)
    client.post("/programme/supporters/union/reinstate")
    assert world.supporter.status == "active"
    response = client.post("/programme/supporters/union/reinstate", follow_redirects=True)
    assert "Only a suspended supporter can be reinstated" in _text(response)


def test_staff_cannot_suspend(client, world):
    login(client, world.users["staff"])
    assert client.post("/programme/supporters/union/suspension", data={"reason": "x"}).status_code == 403
    assert world.supporter.status == "active"


def test_feedback_visibility_and_consent(client, world):
    login(client, world.users["supporter_admin"])
    client.post(
        "/programme/supporters/union/feedback",
        data={"member": "karakol", "rating": "4", "text": "Жакшы иштеген энергия менеджери"},
    )
    assert "Жакшы иштеген" not in _text(client.get("/orgs/karakol"))  # not public yet
    login(client, world.users["member"])
    assert "Жакшы иштеген" in _text(client.get("/programme/feedback/karakol"))
    assert client.post("/programme/feedback/karakol", data={"public": "y"}).status_code == 403
    login(client, world.users["other_admin"])
    assert client.get("/programme/feedback/karakol").status_code == 403
    login(client, world.users["member_admin"])
    client.post("/programme/feedback/karakol", data={"public": "y"})
    login(client, None)
    assert "Жакшы иштеген" in _text(client.get("/orgs/karakol"))


def test_feedback_on_a_non_member_is_refused(client, world):
    login(client, world.users["supporter_admin"])
    response = client.post(
        "/programme/supporters/union/feedback", data={"member": "tartu", "rating": "4", "text": "x"}
    )
    assert response.status_code in (200, 403)
    assert supporters.feedback_on(world.other) == []
    client.post(  # the same form, on a member: recorded
        "/programme/supporters/union/feedback", data={"member": "karakol", "rating": "4", "text": "x"}
    )
    assert len(supporters.feedback_on(world.town)) == 1


def test_suspended_supporter_cannot_give_feedback(client, world):
    world.supporter.status = "suspended"
    db.session.commit()
    login(client, world.users["supporter_admin"])
    response = client.post(
        "/programme/supporters/union/feedback", data={"member": "karakol", "rating": "4", "text": "x"}
    )
    assert "cannot give feedback" in _text(response)
    assert supporters.feedback_on(world.town) == []


def test_posts_need_a_csrf_token(app_config, world, client, app):
    app.config["WTF_CSRF_ENABLED"] = True
    login(client, world.users["staff"])
    response = client.post(f"/programme/applications/{world.application.id}/accept", data={})
    assert response.status_code == 400
    assert world.application.state == "submitted"


def test_pages_render_in_kyrgyz_and_russian(client, world):
    login(client, world.users["admin"])
    for lang in ("ky", "ru"):
        for url in (
            "/programme/",
            f"/programme/applications/{world.application.id}",
            "/programme/supporters/union/dashboard",
            "/programme/supporters/ranking",
            "/programme/audit",
            "/programme/applications",
            "/programme/supporters/union/suspension",
        ):
            response = client.get(f"{url}?lang={lang}")
            assert response.status_code == 200, url
            assert re.search(rf'<html lang="{lang}"', _text(response))
    assert db.session.scalar(select(Organisation).where(Organisation.external_id == "union")) is not None


def _count_queries(client, url: str) -> int:
    from sqlalchemy import event

    statements: list[str] = []

    def _record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", _record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", _record)
    return len(statements)


def test_directory_services_cost_one_query_whatever_the_number_of_supporters(client, world):
    from tests.factories import make_org

    def add_supporters(count: int) -> None:
        for _ in range(count):
            org = make_org(kind="supporter")
            db.session.add(SupporterService(org_id=org.id, service_type="training", description="x"))
        db.session.commit()

    add_supporters(2)
    few = _count_queries(client, "/orgs/?kind=supporter")
    add_supporters(10)
    many = _count_queries(client, "/orgs/?kind=supporter")
    assert many == few


def test_new_supporter_dashboard_says_what_to_do_first_instead_of_warning(client, world):
    login(client, world.users["supporter_admin"])
    page = _text(client.get("/programme/supporters/union/dashboard"))
    assert "what to do first" in page and "Log your first activity" in page
    assert "/programme/supporters/union/services" in page and "/orgs/union/edit" in page
    assert "No activity in the last 12 months" not in page and 'role="alert"' not in page
    assert "<svg" not in page  # no empty charts
    kyrgyz = _text(client.get("/programme/supporters/union/dashboard?lang=ky"))
    assert "Log your first activity" not in kyrgyz
