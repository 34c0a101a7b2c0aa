"""The shipped sample groups and threads load through the interchange registry."""

from __future__ import annotations

from sqlalchemy import func, select

from covenant_hub.demo import SAMPLE_DIR
from covenant_hub.extensions import db
from covenant_hub.forum.models import Group, Thread
from covenant_hub.interchange import ImportOptions, import_folder
from tests.factories import make_gcom_stand_ins


def test_sample_folder_has_threads_in_three_languages_some_about_practices(app, client) -> None:
    make_gcom_stand_ins()
    report = import_folder(SAMPLE_DIR, ImportOptions(mark_sample=True))
    assert report.ok, [str(error) for error in report.errors]
    threads = list(db.session.scalars(select(Thread)))
    assert len(threads) >= 20
    assert {t.language for t in threads} >= {"ky", "ru", "en"}
    assert sum(1 for t in threads if t.practice_id) >= 10
    kyrgyz = " ".join(t.title for t in threads if t.language == "ky")
    assert all(letter in kyrgyz for letter in "өүң")
    assert db.session.scalar(select(func.count()).select_from(Group)) >= 3
    about = next(t for t in threads if t.practice_id)
    assert about.title in client.get(f"/practices/{about.practice_id}").text
