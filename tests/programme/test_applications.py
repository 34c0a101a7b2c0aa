"""The application workflow through its services: each step, its notices, its audit rows, and
a refusal (that changes nothing) for every step taken from the wrong state or by the wrong person."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from covenant_hub.extensions import db
from covenant_hub.orgs.models import Membership, Organisation
from covenant_hub.programme import applications as a
from covenant_hub.programme.audit import NotAllowed, ProgrammeError
from covenant_hub.programme.models import COMMITMENTS, ProgrammeAudit
from tests.factories import make_org, make_supporter_application, make_user
from tests.programme.helpers import PDF, clear, mails, recipients


def _input(**fields) -> a.ApplicationInput:
    values = dict(
        network_name="Ассоциация городов",
        network_kind="national_association",
        member_count=40,
        contact_name="Asel",
        contact_email="asel@example.kg",
        country="kg",
        languages=["ky", "ru"],
        regions="Чүй облусу",
        motivation="Биз мүчөлөргө жардам беребиз.",
    )
    values.update(fields)
    return a.ApplicationInput(**values)


def _actions(application) -> list[str]:
    return list(
        db.session.scalars(
            select(ProgrammeAudit.action)
            .where(ProgrammeAudit.application_id == application.id)
            .order_by(ProgrammeAudit.id)
        )
    )


def test_full_path_to_a_live_supporter(world, outbox):
    applicant, staff, admin = world.users["applicant"], world.users["staff"], world.users["admin"]
    db.session.delete(world.application)
    db.session.commit()
    application = a.submit_application(applicant, _input())
    assert application.state == "submitted"
    assert applicant.email in recipients(outbox) and staff.email in recipients(outbox)
    a.accept_application(staff, application, "Eligible: a national association.")
    a.complete_agreement(applicant, application, list(COMMITMENTS))
    assert admin.email in recipients(outbox)
    clear(outbox)
    org = a.record_agreement(
        admin, application, date(2026, 3, 1), "Mayor Asanov", ("signed.pdf", io.BytesIO(PDF))
    )
    assert (org.kind, org.status, org.joined, org.name) == (
        "supporter",
        "active",
        date(2026, 3, 1),
        "Ассоциация городов",
    )
    assert db.session.get(Membership, (applicant.id, org.id)).role == "org_admin"
    assert application.state == "live" and application.agreement_file_name == "signed.pdf"
    assert applicant.email in recipients(outbox)
    assert _actions(application) == [
        "application_submitted",
        "application_accepted",
        "agreement_completed",
        "agreement_recorded",
        "supporter_live",
    ]


def test_applicant_mail_is_in_their_language(world, outbox):
    a.accept_application(world.users["staff"], world.application, "")
    message = [m for m in mails(outbox) if m["To"] == world.users["applicant"].email][-1]
    assert message["Content-Language"] == "ky"


def test_existing_organisation_becomes_the_supporter(world):
    applicant = world.users["applicant"]
    own = make_org(kind="coordinator", name="Own Agency", status="active")
    db.session.add(Membership(user_id=applicant.id, org_id=own.id, role="org_admin"))
    db.session.commit()
    application = make_supporter_application(make_user(), state="agreement_completed")
    application.user_id, application.org_id = applicant.id, own.id
    db.session.commit()
    org = a.record_agreement(world.users["admin"], application, date(2026, 1, 5), "Signer")
    assert org.id == own.id and own.kind == "supporter"
    assert (
        db.session.scalar(select(Organisation).where(Organisation.name == application.network_name)) is None
    )


def test_information_round_trip(world, outbox):
    staff, applicant = world.users["staff"], world.users["applicant"]
    a.request_information(staff, world.application, "How many members are municipalities?")
    assert world.application.state == "info_requested"
    clear(outbox)
    a.answer_information(applicant, world.application, "All 25 are municipalities.")
    assert world.application.state == "submitted"
    assert world.application.info_response == "All 25 are municipalities."
    assert staff.email in recipients(outbox)


def test_reject_needs_a_reason_and_tells_the_applicant(world, outbox):
    with pytest.raises(ProgrammeError):
        a.reject_application(world.users["staff"], world.application, "  ")
    a.reject_application(world.users["staff"], world.application, "Not a network of local authorities.")
    assert world.application.state == "rejected"
    assert "Not a network" in mails(outbox)[-1].get_body(("plain",)).get_content()


# Each step from each state it may not start from is refused with a message, and changes nothing.
WRONG_STATES = [
    ("accept", "accepted"),
    ("accept", "rejected"),
    ("accept", "info_requested"),
    ("accept", "live"),
    ("reject", "accepted"),
    ("reject", "live"),
    ("reject", "rejected"),
    ("request_info", "info_requested"),
    ("request_info", "accepted"),
    ("request_info", "live"),
    ("answer", "submitted"),
    ("answer", "accepted"),
    ("complete_agreement", "submitted"),
    ("complete_agreement", "agreement_completed"),
    ("complete_agreement", "rejected"),
    ("record_agreement", "accepted"),
    ("record_agreement", "submitted"),
    ("record_agreement", "live"),
]


def _do(step: str, world, application):
    users = world.users
    calls = {
        "accept": lambda: a.accept_application(users["staff"], application, ""),
        "reject": lambda: a.reject_application(users["staff"], application, "reason"),
        "request_info": lambda: a.request_information(users["staff"], application, "question?"),
        "answer": lambda: a.answer_information(users["applicant"], application, "answer"),
        "complete_agreement": lambda: a.complete_agreement(
            users["applicant"], application, list(COMMITMENTS)
        ),
        "record_agreement": lambda: a.record_agreement(
            users["admin"], application, date(2026, 1, 1), "Signer"
        ),
    }
    return calls[step]()


@pytest.mark.parametrize(("step", "state"), WRONG_STATES)
def test_step_from_wrong_state_is_refused(world, step, state):
    application = make_supporter_application(world.users["applicant"], state=state)
    with pytest.raises(ProgrammeError) as refused:
        _do(step, world, application)
    db.session.rollback()
    assert not isinstance(refused.value, NotAllowed)
    assert "%(" not in str(refused.value) and len(str(refused.value)) > 20
    assert db.session.get(type(application), application.id).state == state
    assert _actions(application) == []


@pytest.mark.parametrize(
    ("step", "role"),
    [
        ("accept", "applicant"),
        ("reject", "supporter_admin"),
        ("request_info", "member"),
        ("answer", "staff"),
        ("complete_agreement", "admin"),
        ("record_agreement", "staff"),
    ],
)
def test_step_by_the_wrong_person_is_not_allowed(world, step, role):
    states = {
        "answer": "info_requested",
        "complete_agreement": "accepted",
        "record_agreement": "agreement_completed",
    }
    application = make_supporter_application(world.users["applicant"], state=states.get(step, "submitted"))
    world.users = {
        **world.users,
        "staff": world.users[role],
        "applicant": world.users[role],
        "admin": world.users[role],
    }
    with pytest.raises(NotAllowed):
        _do(step, world, application)


def test_agreement_needs_every_commitment(world):
    application = make_supporter_application(world.users["applicant"], state="accepted")
    with pytest.raises(ProgrammeError, match="six commitments"):
        a.complete_agreement(world.users["applicant"], application, list(COMMITMENTS[:5]))
    assert application.state == "accepted"


@pytest.mark.parametrize(
    ("signed_on", "name", "content"),
    [
        (None, "Signer", None),
        (date.today() + timedelta(days=3), "Signer", None),
        (date(2026, 1, 1), " ", None),
        (date(2026, 1, 1), "Signer", b"<html>not a pdf</html>"),
    ],
)
def test_record_agreement_refuses_bad_input(world, signed_on, name, content):
    application = make_supporter_application(world.users["applicant"], state="agreement_completed")
    upload = ("x.pdf", io.BytesIO(content)) if content else None
    with pytest.raises(ProgrammeError):
        a.record_agreement(world.users["admin"], application, signed_on, name, upload)
    db.session.rollback()
    assert db.session.get(type(application), application.id).state == "agreement_completed"
    assert (
        db.session.scalar(select(Organisation).where(Organisation.name == application.network_name)) is None
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"network_name": ""},
        {"contact_email": "not-an-address"},
        {"network_kind": "club"},
        {"member_count": 0},
        {"languages": ["kyrgyz"]},
        {"languages": []},
        {"regions": " "},
        {"motivation": ""},
        {"country": "kgz"},
    ],
)
def test_bad_expression_of_interest_is_refused(world, fields):
    applicant = make_user()
    with pytest.raises(ProgrammeError):
        a.submit_application(applicant, _input(**fields))
    assert a.applications_of(applicant) == []


def test_one_open_application_at_a_time(world):
    with pytest.raises(ProgrammeError, match="already"):
        a.submit_application(world.users["applicant"], _input())


def test_cannot_apply_for_someone_elses_organisation(world):
    with pytest.raises(ProgrammeError):
        a.submit_application(make_user(), _input(org_id=world.town.id))


def test_anonymous_cannot_apply(app):
    from flask_login import AnonymousUserMixin

    with pytest.raises(NotAllowed):
        a.submit_application(AnonymousUserMixin(), _input())


def test_steps_also_land_on_the_notifications_page(world, client):
    """When the accounts notifications exist, the applicant sees the step there, in Kyrgyz."""
    notifications = pytest.importorskip("covenant_hub.accounts.notifications")
    if "prog_accepted" not in getattr(notifications, "DESCRIBERS", {}):
        pytest.skip("the accounts notifications have no describer registry")
    a.accept_application(world.users["staff"], world.application, "")
    rows = notifications.notifications_of(world.users["applicant"].id)
    assert [row.kind for row in rows] == ["prog_accepted"]
    assert rows[0].link == f"/programme/applications/{world.application.id}"
    from tests.sessions import login

    login(client, world.users["applicant"])
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "Ысык-Көл тармагы" in page
