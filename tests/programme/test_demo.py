"""The programme demo data loads on the sample folder, covers every state, and loads once."""

from __future__ import annotations

from sqlalchemy import func, select

from covenant_hub.demo import SAMPLE_DIR, load_programme_demo
from covenant_hub.extensions import db
from covenant_hub.interchange import ImportOptions, import_folder
from covenant_hub.programme.models import (
    APPLICATION_STATES,
    CommitmentActivity,
    MemberFeedback,
    SupporterApplication,
    SupporterService,
)
from tests.factories import make_gcom_stand_ins


def test_programme_demo_on_the_sample_folder(app, client):
    make_gcom_stand_ins()
    assert import_folder(SAMPLE_DIR, ImportOptions(mark_sample=True)).ok
    assert "Programme demo:" in load_programme_demo()
    states = set(db.session.scalars(select(SupporterApplication.state)))
    assert states == set(APPLICATION_STATES)
    assert db.session.scalar(select(func.count()).select_from(CommitmentActivity)) >= 15
    assert db.session.scalar(select(func.count()).select_from(MemberFeedback)) == 3
    counts = [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (SupporterApplication, SupporterService, CommitmentActivity)
    ]
    assert load_programme_demo() == "Programme demo already loaded."
    assert counts == [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (SupporterApplication, SupporterService, CommitmentActivity)
    ]
    profile = client.get("/orgs/sample-bishkek").get_data(as_text=True)
    assert "Бишкек мониторинг отчетун" in profile  # consented feedback is public
    assert "План Оша" in " ".join(db.session.scalars(select(MemberFeedback.text)))  # there, unconsented
    assert "План Оша" not in client.get("/orgs/gcom-kg0004").get_data(as_text=True)
    assert "SECAP" in client.get("/orgs/sample-kg-cities-union").get_data(as_text=True)
