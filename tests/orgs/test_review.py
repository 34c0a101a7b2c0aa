"""Self-registered organisations wait for staff: hidden from the public lists until approved,
merged into the record they duplicate (found across scripts), or refused with a reason."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from covenant_hub.accounts.notifications import Notification
from covenant_hub.errors import DomainError, NotAllowed
from covenant_hub.extensions import db
from covenant_hub.orgs import review
from covenant_hub.orgs.models import Membership, MembershipRequest, Organisation
from covenant_hub.orgs.services import create_member_organisation
from tests.factories import make_org, make_user
from tests.sessions import login


def _registered(name="Ош шаары", country="kg", **fields):
    creator = make_user(language="ky")
    org = create_member_organisation(creator, name=name, kind="signatory", country=country)
    for key, value in fields.items():
        setattr(org, key, value)
    db.session.commit()
    return creator, org


def test_fold_name_compares_across_scripts():
    assert review.fold_name("Ош шаары") == review.fold_name("Osh city") == "osh"
    assert review.name_similarity("Бишкек", "Bishkek") == 1.0
    assert review.name_similarity("Талас", "Naryn") < 0.5


def test_duplicates_by_name_country_and_distance(app):
    osh = make_org(name="Osh", country="kg", lat=40.53, lon=72.80)
    make_org(name="Osh", country="ru")  # another country: not a candidate
    make_org(name="Naryn", country="kg")
    _creator, pending = _registered(lat=40.52, lon=72.79)
    found = review.duplicates_of(pending)
    assert [d.org.id for d in found] == [osh.id]
    assert found[0].km is not None and found[0].km < 5


def test_pending_is_hidden_from_directory_api_sitemap_and_counts(app, client):
    creator, org = _registered(name="Hidden Town")
    assert org.review_state == "pending" and org.created_by_id == creator.id
    assert review.pending_organisation_count() == 1
    assert "Hidden Town" not in client.get("/orgs/?q=Hidden").get_data(as_text=True)
    assert client.get(f"/api/v1/orgs/{org.external_id}").status_code == 404
    assert org.external_id not in client.get("/sitemap.xml").get_data(as_text=True)
    assert client.get(f"/orgs/{org.external_id}").status_code == 403
    login(client, creator)
    assert "текшерүүсүн күтүүдө" in client.get(f"/orgs/{org.external_id}").get_data(as_text=True)


def test_pending_is_left_out_of_search_documents(app):
    from covenant_hub.search.sources import organisation_doc

    _creator, org = _registered(name="Hidden Town")
    assert organisation_doc(org) is None
    org.review_state = "approved"
    assert organisation_doc(org) is not None


def test_pending_is_left_out_of_the_match_model(app):
    from covenant_hub.matching.snapshot import load_orgs

    listed = make_org(name="Listed")
    _creator, org = _registered(name="Hidden Town")
    ids = {record.id for record in load_orgs(db.session)}
    assert listed.id in ids and org.id not in ids


def test_approve_lists_it_and_tells_the_creator(app, client):
    staff = make_user(role="staff")
    creator, org = _registered(name="New Town")
    review.approve(staff, org)
    assert org.review_state == "approved"
    assert "New Town" in client.get("/orgs/?q=New").get_data(as_text=True)
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == creator.id))
    assert list(kinds) == ["org_approved"]
    with pytest.raises(DomainError):
        review.approve(staff, org)


def test_refuse_needs_a_reason_and_tells_it(app):
    staff = make_user(role="staff")
    creator, org = _registered(name="Fake Town")
    with pytest.raises(DomainError):
        review.refuse(staff, org, "  ")
    db.session.rollback()
    assert org.review_state == "pending"
    review.refuse(staff, org, "Not a local authority")
    note = db.session.scalar(select(Notification).where(Notification.user_id == creator.id))
    assert note.kind == "org_refused" and note.subject == "Not a local authority"
    assert org.review_state == "refused" and org.review_note == "Not a local authority"


def test_merge_moves_people_and_asks_for_the_admin_place(app):
    staff = make_user(role="staff")
    osh = make_org(name="Osh", country="kg")
    creator, org = _registered()
    pending_id = org.id
    review.merge(staff, org, osh)
    assert db.session.get(Organisation, pending_id) is None
    assert db.session.get(Membership, (creator.id, osh.id)).role == "member"
    claim = db.session.scalar(select(MembershipRequest).where(MembershipRequest.org_id == osh.id))
    assert claim.role == "org_admin" and claim.state == "pending"


def test_only_staff_review(app):
    creator, org = _registered()
    with pytest.raises(NotAllowed):
        review.approve(creator, org)


def test_staff_pages_approve_over_http(app, client):
    staff = make_user(role="staff")
    make_org(name="Osh", country="kg")
    _creator, org = _registered()
    login(client, staff)
    page = client.get("/staff/organisations").get_data(as_text=True)
    assert "Ош шаары" in page and "Merge into this one" in page
    assert client.post(f"/staff/organisations/{org.id}/approve").status_code == 302
    db.session.refresh(org)
    assert org.review_state == "approved"


def test_cli_pending_counts(app):
    _registered()
    result = app.test_cli_runner().invoke(args=["orgs", "pending", "--json"])
    assert result.exit_code == 0 and '"organisations": 1' in result.output
