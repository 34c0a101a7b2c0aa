"""The match-request workflow through its services and pages: filing, stored proposals,
invitations, answers, the exchange link, outcomes feeding the model, notifications."""

from __future__ import annotations

from sqlalchemy import select

from covenant_hub.accounts.notifications import Notification, describe
from covenant_hub.extensions import db
from covenant_hub.library.models import Practice
from covenant_hub.matching import service, workflow
from covenant_hub.matching.models import Invitation, MatchRequest
from covenant_hub.orgs.models import OrgLink
from tests.factories import make_link, make_org, make_practice, make_user
from tests.sessions import login

BISHKEK = (42.87, 74.59)


def seed() -> dict:
    """A city near Bishkek; a supporter of three nearby cities, one of which did LED lighting;
    a far supporter; a coordinator."""
    city = make_org(
        external_id="kant",
        name="Kant",
        lat=BISHKEK[0] + 0.1,
        lon=BISHKEK[1] + 0.2,
        languages=["ru", "ky"],
        sectors=["public_lighting"],
        kind="signatory",
        needs="Street lighting LED replacement",
    )
    supporter = make_org(
        external_id="energy-agency",
        name="Energy Agency",
        kind="supporter",
        lat=BISHKEK[0],
        lon=BISHKEK[1],
        languages=["ru", "en"],
        sectors=["public_lighting"],
        offers="Energy audits and LED street lighting projects",
    )
    far = make_org(
        external_id="far-agency",
        name="Far Agency",
        kind="supporter",
        lat=48.85,
        lon=2.35,
        languages=["fr"],
        offers="Audits",
    )
    coordinator = make_org(
        external_id="region",
        name="Chui Region",
        kind="coordinator",
        lat=BISHKEK[0],
        lon=BISHKEK[1],
        languages=["ru"],
    )
    neighbours = []
    for number in range(3):
        town = make_org(
            name=f"Neighbour {number}",
            lat=BISHKEK[0] + 0.05 * number,
            lon=BISHKEK[1],
            sectors=["public_lighting"],
            languages=["ru"],
        )
        make_link(town, supporter, "supported_by")
        make_link(town, coordinator, "coordinated_by")
        neighbours.append(town)
    make_link(
        make_org(name="Paris suburb", lat=48.9, lon=2.3, country="fr", languages=["fr"]), far, "supported_by"
    )
    make_practice(
        neighbours[0], title="LED street lighting in Neighbour 0", summary="Replaced 2,000 street lamps"
    )
    return {
        "city": city,
        "supporter": supporter,
        "far": far,
        "coordinator": coordinator,
        "neighbours": neighbours,
    }


def request_input(**fields) -> workflow.RequestInput:
    values = {
        "text": "We want to replace street lighting with LED lamps",
        "kinds": ["supporter", "signatory"],
        "sectors": ["public_lighting"],
        "languages": ["ru"],
        "max_km": 300,
    }
    values.update(fields)
    return workflow.RequestInput(**values)


def test_filing_stores_ranked_proposals_with_reasons(app):
    orgs = seed()
    admin = make_user(org=orgs["city"], org_role="org_admin")
    request = workflow.file_request(orgs["city"], admin, request_input())
    proposals = request.proposals
    assert proposals, "the engine proposed nobody"
    ids = [p.candidate.external_id for p in proposals]
    assert "energy-agency" in ids
    assert "far-agency" not in ids  # 6,000 km away and French only
    supporter = next(p for p in proposals if p.candidate.external_id == "energy-agency")
    assert supporter.reasons and all("code" in r for r in supporter.reasons)
    assert [p.rank for p in proposals] == list(range(1, len(proposals) + 1))


def test_proposals_stay_until_refreshed(app):
    orgs = seed()
    admin = make_user(org=orgs["city"], org_role="org_admin")
    request = workflow.file_request(orgs["city"], admin, request_input(kinds=["supporter"]))
    before = [(p.candidate_id, p.score) for p in request.proposals]
    make_org(
        external_id="new-agency",
        name="New Agency",
        kind="supporter",
        lat=BISHKEK[0],
        lon=BISHKEK[1],
        languages=["ru"],
        sectors=["public_lighting"],
        offers="LED street lighting and lamps",
    )
    db.session.expire_all()
    assert [(p.candidate_id, p.score) for p in db.session.get(MatchRequest, request.id).proposals] == before
    workflow.refresh_proposals(request, admin)
    assert "new-agency" in [p.candidate.external_id for p in request.proposals]


def test_bad_request_changes_nothing(app):
    orgs = seed()
    admin = make_user(org=orgs["city"], org_role="org_admin")
    for bad in (
        request_input(text="  "),
        request_input(kinds=[]),
        request_input(kinds=["office"]),
        request_input(sectors=["moon"]),
        request_input(languages=["russian"]),
        request_input(max_km=0),
    ):
        try:
            workflow.file_request(orgs["city"], admin, bad)
        except workflow.WorkflowError:
            pass
        else:
            raise AssertionError(f"accepted {bad}")
    assert db.session.scalar(select(db.func.count()).select_from(MatchRequest)) == 0


def test_invite_accept_makes_an_exchange_and_notifies(app, outbox):
    orgs = seed()
    admin = make_user(org=orgs["city"], org_role="org_admin")
    invitee_admin = make_user(org=orgs["supporter"], org_role="org_admin", language="ru")
    request = workflow.file_request(orgs["city"], admin, request_input())
    [invitation] = workflow.invite(request, admin, [orgs["supporter"].id], "Can you help?")
    note = db.session.scalar(select(Notification).where(Notification.user_id == invitee_admin.id))
    assert note.kind == "match_invite" and "Kant" in describe(note.kind, note.actor_name, note.subject)
    assert len(list(outbox.glob("*.eml"))) == 1
    workflow.answer(invitation, invitee_admin, True, "Gladly")
    link = db.session.scalar(select(OrgLink).where(OrgLink.kind == "exchange"))
    assert {link.source_id, link.target_id} == {orgs["city"].id, orgs["supporter"].id}
    assert "LED" in link.topic
    assert (
        db.session.scalar(select(Notification).where(Notification.user_id == admin.id)).kind
        == "match_accepted"
    )
    model = service.get_model()
    assert orgs["supporter"].id in [
        model.graph.ids[int(r)] for r in model.graph.neighbours(model.graph.pos[orgs["city"].id], "exchange")
    ]


def test_invite_only_proposed_and_answer_once(app):
    orgs = seed()
    admin = make_user(org=orgs["city"], org_role="org_admin")
    request = workflow.file_request(orgs["city"], admin, request_input())
    for ids in ([orgs["far"].id], []):
        try:
            workflow.invite(request, admin, ids, "")
        except workflow.WorkflowError:
            pass
        else:
            raise AssertionError(ids)
    [invitation] = workflow.invite(request, admin, [orgs["supporter"].id], "")
    assert workflow.invite(request, admin, [orgs["supporter"].id], "") == []  # no duplicate
    invitee_admin = make_user(org=orgs["supporter"], org_role="org_admin")
    workflow.answer(invitation, invitee_admin, False, "No")
    try:
        workflow.answer(invitation, invitee_admin, True, "")
    except workflow.WorkflowError:
        pass
    else:
        raise AssertionError("answered twice")
    assert db.session.scalar(select(OrgLink).where(OrgLink.kind == "exchange")) is None


def test_outcome_feeds_the_model(app):
    orgs = seed()
    admin = make_user(org=orgs["city"], org_role="org_admin")
    request = workflow.file_request(orgs["city"], admin, request_input())
    [invitation] = workflow.invite(request, admin, [orgs["supporter"].id], "")
    workflow.answer(invitation, make_user(org=orgs["supporter"], org_role="org_admin"), True, "")
    practice = make_practice(orgs["neighbours"][0], title="Solar water heaters for schools")
    workflow.record_outcome(
        invitation, admin, orgs["city"].id, "We learned to tender solar heaters", practice.id
    )
    done = service.get_model().practices[orgs["city"].id]
    assert any("solar heaters" in p.summary for p in done)
    rebuilt = service.build_model()
    assert any("Solar water heaters" in p.title for p in rebuilt.practices[orgs["city"].id])


def test_request_page_shows_translated_reasons_and_escaped_picture(app, client):
    orgs = seed()
    orgs["supporter"].name = "<script>alert(1)</script> Agency"
    db.session.commit()
    admin = make_user(org=orgs["city"], org_role="org_admin", language="ru")
    request = workflow.file_request(orgs["city"], admin, request_input())
    login(client, admin)
    page = client.get(f"/matching/requests/{request.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<svg" in html and "<script>alert" not in html and "&lt;script&gt;" in html
    assert " style=" not in html
    assert "км" in html  # a distance reason, in Russian


def test_request_page_quotes_the_practice_in_the_page_language_and_no_raw_score(app, client):
    orgs = seed()
    english = db.session.scalar(select(Practice).where(Practice.org_id == orgs["neighbours"][0].id))
    english.translation_group = "led-neighbour-0"
    make_practice(
        orgs["neighbours"][0],
        title="Светодиодное освещение улиц в Соседе 0",
        summary="Заменили 2000 фонарей",
        language="ru",
        translation_group="led-neighbour-0",
    )
    make_practice(orgs["neighbours"][1], title="Waste sorting in schools", summary="Composting")
    db.session.commit()
    admin = make_user(org=orgs["city"], org_role="org_admin", language="ru")
    request = workflow.file_request(orgs["city"], admin, request_input(kinds=["signatory"]))
    quoted = {
        p.candidate_id: r["params"]
        for p in request.proposals
        for r in p.reasons
        if r["code"] == "published_practice"
    }
    assert quoted == {orgs["neighbours"][0].id: {"title": english.title, "practice": english.id}}
    login(client, admin)
    html = client.get(f"/matching/requests/{request.id}").get_data(as_text=True)
    assert "Светодиодное освещение улиц в Соседе 0" in html and english.title not in html
    assert "Waste sorting" not in html  # a practice unrelated to the need is no evidence
    assert "match-score" not in html and "балл" not in html  # reasons, not a raw score


def test_pages_do_not_write_on_get(app, client):
    orgs = seed()
    admin = make_user(org=orgs["city"], org_role="org_admin")
    request = workflow.file_request(orgs["city"], admin, request_input())
    login(client, admin)
    count = db.session.scalar(select(db.func.count()).select_from(MatchRequest))
    for url in (
        f"/matching/orgs/{orgs['city'].external_id}/requests/new",
        f"/matching/requests/{request.id}",
        "/matching/",
        f"/matching/orgs/{orgs['city'].external_id}/recommendations",
    ):
        assert client.get(url).status_code == 200, url
    assert db.session.scalar(select(db.func.count()).select_from(MatchRequest)) == count
    assert db.session.scalar(select(db.func.count()).select_from(Invitation)) == 0


def test_file_through_the_form(app, client):
    orgs = seed()
    admin = make_user(org=orgs["city"], org_role="org_admin")
    login(client, admin)
    url = f"/matching/orgs/{orgs['city'].external_id}/requests/new"
    bad = client.post(url, data={"text": "", "kinds": ["supporter"]})
    assert (
        bad.status_code == 200 and db.session.scalar(select(db.func.count()).select_from(MatchRequest)) == 0
    )
    response = client.post(
        url,
        data={
            "text": "LED street lighting",
            "kinds": ["supporter"],
            "languages": "ru",
            "max_km": "300",
            "sectors": ["public_lighting"],
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "Energy Agency" in page.get_data(as_text=True)


def test_answer_and_outcome_through_pages(app, client):
    orgs = seed()
    admin = make_user(org=orgs["city"], org_role="org_admin")
    invitee_admin = make_user(org=orgs["supporter"], org_role="org_admin")
    request = workflow.file_request(orgs["city"], admin, request_input(text="<b>Lamps</b> please"))
    [invitation] = workflow.invite(request, admin, [orgs["supporter"].id], "<img src=x onerror=alert(1)>")
    login(client, invitee_admin)
    incoming = client.get("/matching/").get_data(as_text=True)
    assert f"/matching/invitations/{invitation.id}" in incoming
    page = client.get(f"/matching/invitations/{invitation.id}").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x" in page and "&lt;b&gt;Lamps" in page
    client.post(f"/matching/invitations/{invitation.id}/answer", data={"accept": "1", "message": "Yes"})
    practice = make_practice(orgs["supporter"], title="Audit handbook")
    response = client.post(
        f"/matching/invitations/{invitation.id}/outcome",
        data={"org": str(orgs["supporter"].id), "learned": "", "practice": str(practice.id)},
    )
    assert response.status_code == 302
    page = client.get(f"/matching/invitations/{invitation.id}").get_data(as_text=True)
    assert "Audit handbook" in page
    profile = client.get("/orgs/kant").get_data(as_text=True)
    assert "Energy Agency" in profile and f"/matching/invitations/{invitation.id}" in profile
    empty = client.post(
        f"/matching/invitations/{invitation.id}/outcome",
        data={"org": str(orgs["supporter"].id), "learned": "", "practice": ""},
    )
    assert empty.status_code == 302
    assert len(db.session.get(Invitation, invitation.id).outcomes) == 1


def test_staff_page_lists_every_request_and_exchange(app, client):
    orgs = seed()
    admin = make_user(org=orgs["city"], org_role="org_admin")
    request = workflow.file_request(orgs["city"], admin, request_input(text="Unique need 42"))
    [invitation] = workflow.invite(request, admin, [orgs["supporter"].id], "")
    workflow.answer(invitation, make_user(org=orgs["supporter"], org_role="org_admin"), True, "")
    login(client, make_user(role="staff"))
    page = client.get("/matching/staff").get_data(as_text=True)
    assert "Unique need 42" in page and "Energy Agency" in page


def test_recommendations_page_lists_each_kind_with_reasons(app, client):
    orgs = seed()
    login(client, make_user(org=orgs["city"]))
    page = client.get("/matching/orgs/kant/recommendations").get_data(as_text=True)
    assert 'id="recommend-supporter"' in page and "Energy Agency" in page
    assert "km away" in page
    assert "/requests/new" not in page  # plain members do not file requests


def test_a_failing_match_model_degrades_the_pages_that_use_it(app, client, monkeypatch, caplog):
    """The model is derived: when it cannot be built the pages say so (logged), never a 500."""
    orgs = seed()
    admin = make_user(org=orgs["city"], org_role="org_admin", language="ru")
    request = workflow.file_request(orgs["city"], admin, request_input())
    login(client, admin)

    def broken() -> None:
        raise RuntimeError("the model cannot be built")

    monkeypatch.setattr(service, "get_model", broken)
    page = client.get("/matching/orgs/kant/recommendations")
    assert page.status_code == 200
    assert "Рекомендации сейчас недоступны" in page.get_data(as_text=True)
    assert client.get(f"/matching/requests/{request.id}").status_code == 200
    answer = client.get("/api/v1/orgs/kant/recommendations?kind=supporter")
    assert answer.status_code == 503 and answer.get_json()["error"]["message"]
    assert "recommendations for kant are unavailable" in caplog.text


def test_closed_request_takes_no_more_invitations(app, client):
    orgs = seed()
    admin = make_user(org=orgs["city"], org_role="org_admin")
    request = workflow.file_request(orgs["city"], admin, request_input())
    login(client, admin)
    assert client.post(f"/matching/requests/{request.id}/close").status_code == 302
    db.session.expire_all()
    assert db.session.get(MatchRequest, request.id).state == "closed"
    refused = client.post(
        f"/matching/requests/{request.id}/invite", data={"candidates": [str(orgs["supporter"].id)]}
    )
    assert refused.status_code == 403
    assert db.session.scalar(select(db.func.count()).select_from(Invitation)) == 0
    page = client.get(f"/matching/requests/{request.id}").get_data(as_text=True)
    assert 'name="candidates"' not in page and "/refresh" not in page
