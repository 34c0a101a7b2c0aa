"""The data migration links the language versions that earlier imports wrote as separate practices."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from covenant_hub.extensions import db
from covenant_hub.library.models import Practice
from tests.factories import make_org, make_practice

MIGRATION = "b7c1e0d5a914"  # links the language versions into translation groups


def _revision_before(revision: str) -> str:
    from alembic.script import ScriptDirectory
    from flask import current_app

    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_revision(revision).down_revision


def test_versions_with_language_suffixes_become_one_practice(app):
    downgrade(revision=_revision_before(MIGRATION))
    owner, other = make_org(), make_org()
    for language in ("ky", "ru", "en"):
        make_practice(owner, external_id=f"sample-practice-01-{language}", language=language)
    make_practice(other, external_id="sample-practice-01-de", language="de")  # another owner
    make_practice(owner, external_id="bus-lanes-ru", language="ru")  # alone
    make_practice(owner, external_id="heat-en", language="en")
    make_practice(owner, external_id="heat-ru", language="ky")  # suffix is not its language
    make_practice(owner, external_id="kept-ky", language="ky", translation_group="elsewhere")
    make_practice(owner, external_id="kept-ru", language="ru")
    db.session.commit()
    db.session.remove()
    upgrade()
    groups = dict(db.session.execute(select(Practice.external_id, Practice.translation_group)).all())
    assert {key: groups[key] for key in groups if key.startswith("sample-practice-01-")} == {
        "sample-practice-01-ky": "sample-practice-01-ky",
        "sample-practice-01-ru": "sample-practice-01-ky",
        "sample-practice-01-en": "sample-practice-01-ky",
        "sample-practice-01-de": None,
    }
    assert groups["bus-lanes-ru"] is None and groups["heat-en"] is None and groups["heat-ru"] is None
    assert groups["kept-ky"] == "elsewhere" and groups["kept-ru"] is None
