"""User-written text on every programme page comes out escaped (never as markup)."""

from __future__ import annotations

from datetime import date

from covenant_hub.extensions import db
from covenant_hub.programme import applications, supporters
from covenant_hub.programme.models import COMMITMENTS
from tests.factories import make_supporter_application
from tests.sessions import login

PAYLOAD = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def test_payloads_are_escaped_everywhere(client, world):
    staff, admin, sup_admin = world.users["staff"], world.users["admin"], world.users["supporter_admin"]
    world.supporter.name = "Union " + PAYLOAD
    db.session.commit()
    application = make_supporter_application(
        world.users["applicant"],
        state="agreement_completed",
        network_name=PAYLOAD,
        regions=PAYLOAD,
        motivation=PAYLOAD,
        contact_name=PAYLOAD,
        acknowledged=list(COMMITMENTS),
    )
    world.application.state = "submitted"
    applications.request_information(staff, world.application, PAYLOAD)
    applications.answer_information(world.users["applicant"], world.application, PAYLOAD)
    applications.reject_application(staff, world.application, PAYLOAD)
    applications.record_agreement(admin, application, date(2026, 1, 1), PAYLOAD)
    supporters.add_service(
        sup_admin, world.supporter, supporters.ServiceInput("training", PAYLOAD, ["ky"], PAYLOAD)
    )
    supporters.log_activity(
        sup_admin, world.supporter, supporters.ActivityInput("promote", "event", date(2026, 1, 2), PAYLOAD)
    )
    supporters.give_feedback(sup_admin, world.supporter, world.town, 4, PAYLOAD)
    supporters.set_feedback_consent(world.users["member_admin"], world.town, True)
    supporters.suspend_supporter(admin, world.supporter, PAYLOAD, date(2026, 2, 1))
    login(client, admin)
    urls = [
        "/programme/",
        f"/programme/applications/{application.id}",
        f"/programme/applications/{world.application.id}",
        "/programme/applications",
        "/programme/audit",
        "/programme/supporters/ranking",
        "/programme/supporters/union/dashboard",
        "/programme/supporters/union/services",
        "/programme/supporters/union/suspension",
        "/programme/feedback/karakol",
        "/orgs/union",
        "/orgs/karakol",
        "/orgs/?kind=supporter",
    ]
    for url in urls:
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "&lt;script&gt;alert(1)" in page, url  # shown, as text
        assert "<script>alert" not in page and "<img src=x" not in page, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/orgs/union").get_data(as_text=True)
