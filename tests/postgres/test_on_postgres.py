"""The essentials on PostgreSQL, reached through the same DATABASE_URL as SQLite.

Each test starts from an empty database migrated through Alembic (see conftest.py);
the point is what differs between backends: JSON-as-text filters, case folding of Cyrillic,
NULL ordering, strict transactions, time zones and sequences after bulk inserts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select

from covenant_hub import create_app
from covenant_hub.accounts import services as accounts
from covenant_hub.extensions import db
from covenant_hub.interchange import ImportOptions, export_folder, import_folder
from covenant_hub.library.models import Practice
from covenant_hub.library.queries import PracticeFilters, list_practices
from covenant_hub.orgs import services as orgs
from covenant_hub.orgs.directory import DirectoryQuery, search_directory
from covenant_hub.orgs.models import Membership, Organisation, OrgLink
from tests.accounts.helpers import link_in, read_mails
from tests.conftest import TEST_PASSWORD, build_test_config
from tests.factories import make_user
from tests.orgs.helpers import write_jsonl
from tests.postgres.cluster import migrate

ORGS = [
    {
        "id": "bishkek",
        "kind": "signatory",
        "name": "Бишкек",
        "country": "kg",
        "city": "Bishkek",
        "population": 1074000,
        "lat": 42.8746,
        "lon": 74.5698,
        "languages": ["ky", "ru"],
        "sectors": ["transport", "waste"],
        "commitments": ["2030", "adaptation"],
        "joined": "2019-06-14",
        "status": "active",
        "description": "Борбор шаар.\nЭкинчи сап.",
        "needs": "Жылуулоо",
        "offers": "LED",
        "website": "https://example.org/bishkek",
    },
    {
        "id": "osh",
        "kind": "signatory",
        "name": "Ош",
        "country": "kg",
        "population": 322000,
        "languages": ["ky", "uz"],
        "sectors": ["municipal_buildings"],
        "commitments": ["2030"],
        "joined": "2020-03-02",
        "status": "active",
    },
    {
        "id": "naryn",
        "kind": "signatory",
        "name": "Нарын",
        "country": "kg",
        "languages": ["ky"],
        "sectors": ["transport"],
        "status": "on_hold",
    },
    {
        "id": "lyon",
        "kind": "signatory",
        "name": "Lyon",
        "country": "fr",
        "population": 522000,
        "languages": ["fr"],
        "sectors": ["local_heat_cold"],
        "commitments": ["2050"],
        "joined": "2008-11-20",
        "status": "active",
    },
    {
        "id": "union",
        "kind": "supporter",
        "name": "Шаарлар союзу",
        "country": "kg",
        "languages": ["ky", "ru", "en"],
    },
]
LINKS = [
    {"source": "bishkek", "target": "union", "kind": "supported_by", "since": "2019-06-14"},
    {"source": "osh", "target": "union", "kind": "supported_by"},
    {"source": "bishkek", "target": "lyon", "kind": "exchange", "topic": "Жылуулук / heating"},
]
PRACTICES = [
    {
        "id": "p-led",
        "org": "bishkek",
        "title": "LED көчө жарыгы",
        "language": "ky",
        "sectors": ["public_lighting"],
        "summary": "Кыска.",
        "body": "## Эмне\n\nLED.",
        "results": {"co2_t_per_year": 2100, "cost_eur": 2800000.5},
        "published": "2021-05-01",
        "tags": ["LED", "жарык"],
    },
    {
        "id": "p-bus",
        "org": "osh",
        "title": "Электробустар",
        "language": "ru",
        "sectors": ["transport"],
        "published": "2022-01-10",
    },
    {
        "id": "p-heat",
        "org": "lyon",
        "title": "District heating",
        "language": "en",
        "sectors": ["local_heat_cold", "transport"],
        "results": {"co2_t_per_year": 9000},
    },
]


def write_dataset(folder: Path) -> Path:
    write_jsonl(folder, "organisations.jsonl", ORGS)
    write_jsonl(folder, "links.jsonl", LINKS)
    write_jsonl(folder, "practices.jsonl", PRACTICES)
    return folder


@pytest.fixture
def dataset(app, tmp_path):
    report = import_folder(write_dataset(tmp_path / "in"))
    assert report.ok and report.written, report.summary()
    return report


def ids(page) -> list[str]:
    return [org.external_id for org in page.items]


def test_the_app_really_runs_on_postgresql(app):
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert db.engine.dialect.name == "postgresql"
    assert db.engine.dialect.driver == "psycopg"


def test_migrations_go_down_and_up_again_and_match_the_models(pg_cluster, tmp_path):
    """Upgrade a new database, downgrade to nothing and upgrade again, all on PostgreSQL."""
    url = pg_cluster.url(pg_cluster.create_database())
    migrate(url, tmp_path)
    app = create_app({**build_test_config(tmp_path, tmp_path / "unused.db"), "DATABASE_URL": url})
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "organisations", "org_links", "memberships", "practices"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert set(inspect(db.engine).get_table_names()) == tables
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diffs = compare_metadata(context, db.metadata)
        db.engine.dispose()
    # Tables still without a migration are other tests' business; on migrated tables the
    # PostgreSQL schema must be exactly what the models declare (types, nullability, indexes).
    assert [d for d in diffs if _table_of(d) in tables] == []


def _table_of(diff) -> str | None:
    first = diff[0] if isinstance(diff, list) else diff
    for item in first[1:]:
        table = getattr(item, "table", None)
        if table is not None and hasattr(table, "name"):
            return table.name
        if isinstance(item, str):
            return item
    return None


def test_registration_confirmation_and_login_through_the_services(app, outbox):
    registration = accounts.Registration(
        name="Айгүл",
        email="Aigul@Example.kg",
        password=TEST_PASSWORD,
        language="ky",
        organisation=accounts.NewOrganisation(name="Токмок", kind="signatory", country="KG"),
    )
    user = accounts.register_user(registration)
    membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
    assert (membership.role, membership.organisation.country) == ("org_admin", "kg")
    with pytest.raises(accounts.AccountError):
        accounts.authenticate("aigul@example.kg", TEST_PASSWORD)  # not confirmed yet
    token = link_in(read_mails(outbox)[-1]).rsplit("/", 1)[-1]
    assert accounts.confirm_email(token).confirmed_at.tzinfo is not None
    assert accounts.authenticate("AIGUL@example.kg", TEST_PASSWORD).id == user.id
    with pytest.raises(accounts.AccountError):
        accounts.register_user(registration)
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 1


def test_a_unique_violation_rolls_back_and_the_session_stays_usable(app):
    """PostgreSQL aborts the whole transaction on an error; the app must recover from it."""
    user = make_user(email="taken@example.org")
    db.session.add(type(user)(email="taken@example.org", name="Twin", password_hash="x"))
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        db.session.commit()
    db.session.rollback()
    assert accounts.find_user("taken@example.org").id == user.id


def test_import_writes_everything_and_a_second_import_updates(app, dataset, tmp_path):
    assert {name: c.created for name, c in dataset.files.items()} == {
        "organisations.jsonl": 5,
        "links.jsonl": 3,
        "practices.jsonl": 3,
    }
    again = import_folder(tmp_path / "in")
    assert again.ok and {c.created for c in again.files.values()} == {0}
    assert db.session.scalar(select(func.count()).select_from(OrgLink)) == 3
    bishkek = orgs.get_org("bishkek")
    assert (bishkek.sectors, bishkek.joined.isoformat(), bishkek.lat) == (
        ["transport", "waste"],
        "2019-06-14",
        42.8746,
    )
    # Bulk inserts must leave the id sequence usable for the ORM afterwards.
    user = make_user()
    new = orgs.create_member_organisation(user, name="Каракол", kind="signatory", country="kg")
    db.session.commit()
    assert new.id > max(o.id for o in db.session.scalars(select(Organisation)) if o is not new)


def test_a_bad_line_writes_nothing(app, tmp_path):
    write_jsonl(tmp_path, "organisations.jsonl", [ORGS[0], {**ORGS[1], "population": -1}])
    report = import_folder(tmp_path)
    assert not report.ok and not report.written
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0
    partial = import_folder(tmp_path, ImportOptions(skip_invalid=True))
    assert partial.written and [o.external_id for o in db.session.scalars(select(Organisation))] == [
        "bishkek"
    ]


DIRECTORY_CASES = [
    (DirectoryQuery(sector="transport"), ["bishkek", "naryn"]),
    (DirectoryQuery(sector="waste", kind="signatory"), ["bishkek"]),
    (DirectoryQuery(language="uz"), ["osh"]),
    (DirectoryQuery(language="ru"), ["bishkek", "union"]),
    (DirectoryQuery(commitment="2030"), ["bishkek", "osh"]),
    (DirectoryQuery(commitment="20"), []),  # a code is matched whole, quotes included
    (DirectoryQuery(country="kg", status="active"), ["bishkek", "osh"]),
    (DirectoryQuery(band="250k_1m"), ["lyon", "osh"]),
    (DirectoryQuery(q="бишкек"), ["bishkek"]),  # Cyrillic, folded by PostgreSQL's lower()
    (DirectoryQuery(q="ШААР"), ["union"]),
    (DirectoryQuery(q="50%_"), []),  # LIKE wildcards in the text are literal
    (DirectoryQuery(kind="signatory", sort="population"), ["bishkek", "lyon", "osh", "naryn"]),
    (DirectoryQuery(kind="signatory", sort="joined"), ["osh", "bishkek", "lyon", "naryn"]),
]


def test_directory_filters_and_sorts(app, dataset):
    """One database for all cases (a clone each would cost a second apiece); every miss listed."""
    misses = []
    for query, expected in DIRECTORY_CASES:
        page = search_directory(query)
        found = ids(page) if query.sort != "name" else sorted(ids(page))  # NULLs last when sorted
        if found != expected or page.total != len(expected):
            misses.append((query.filters(), expected, found, page.total))
    assert misses == []


def test_profile_edit_shows_in_the_sector_filter(app, dataset):
    osh = orgs.get_org("osh")
    orgs.update_profile(
        make_user(role="staff"),
        osh,
        orgs.ProfileChanges(
            description="Жаңы",
            needs=None,
            offers=None,
            sectors=["waste", "transport"],
            languages=["ky", "en"],
            website="https://example.org/osh",
        ),
    )
    assert ids(search_directory(DirectoryQuery(sector="waste"))) == ["bishkek", "osh"]
    assert ids(search_directory(DirectoryQuery(language="en"))) == ["osh", "union"]
    assert [linked.org.external_id for linked in orgs.networks_of(osh)] == ["union"]
    assert orgs.directory_counts() == {"signatory": 4, "supporter": 1}


def test_orgs_api(client, dataset):
    body = client.get("/api/v1/orgs?kind=signatory&country=kg&per_page=2&page=1").get_json()
    assert body["total"] == 3 and len(body["items"]) == 2
    body = client.get("/api/v1/orgs?q=ош&sector=municipal_buildings").get_json()
    assert [item["id"] for item in body["items"]] == ["osh"]
    one = client.get("/api/v1/orgs/bishkek").get_json()
    assert (one["name"], one["joined"], one["sectors"]) == ("Бишкек", "2019-06-14", ["transport", "waste"])
    assert client.get("/api/v1/orgs/nobody").status_code == 404
    assert client.get("/api/v1/orgs?page=0").status_code == 400
    assert client.get("/orgs/?sector=transport&language=ky").status_code == 200
    assert client.get("/orgs/bishkek").status_code == 200


def test_export_round_trip_is_lossless_and_matches_sqlite(app, dataset, tmp_path):
    counts = export_folder(tmp_path / "pg")
    assert counts["organisations.jsonl"] == 5 and counts["practices.jsonl"] == 3
    # Import PostgreSQL's export into SQLite and export again: byte for byte the same files.
    sqlite_app = create_app(build_test_config(tmp_path / "lite", tmp_path / "lite.db"))
    with sqlite_app.app_context():
        upgrade()
        assert import_folder(tmp_path / "pg").ok
        export_folder(tmp_path / "lite-out")
        db.session.remove()
        db.engine.dispose()
    for path in sorted((tmp_path / "pg").glob("*.jsonl")):
        assert (tmp_path / "lite-out" / path.name).read_text() == path.read_text(), path.name


def test_library_practice_list_and_api(app, client, dataset):
    def titles(**args: str) -> list[str]:
        filters = PracticeFilters.from_args(args)
        return [p.external_id for p in list_practices(None, filters, page=1, per_page=10).items]

    assert titles() == ["p-bus", "p-led", "p-heat"]  # newest first, no date last
    assert titles(sector="transport") == ["p-bus", "p-heat"]
    assert titles(sort="co2") == ["p-heat", "p-led", "p-bus"]  # no CO2 figure: last
    assert titles(country="kg", language="ky") == ["p-led"]
    led = db.session.scalar(select(Practice).where(Practice.external_id == "p-led"))
    assert (led.tags, led.cost_eur) == (["LED", "жарык"], 2800000.5)
    assert client.get("/practices/?sector=public_lighting").status_code == 200
    assert client.get(f"/practices/{led.id}").status_code == 200
    body = client.get("/api/v1/practices?sector=transport").get_json()
    assert body["total"] == 2


def test_event_synergies_list_dated_practices_before_undated(app):
    """PostgreSQL sorts NULLs first in DESC order, SQLite last: the query must say which."""
    from covenant_hub.events.synergies import related_practices
    from tests.factories import make_event, make_org, make_practice

    town = make_org(country="kg")
    undated = make_practice(town, title="Solar lamps", published=None)
    dated = make_practice(town, title="Solar roofs", published=date(2024, 5, 1))
    event = make_event(town, title="Solar street lighting")
    assert [p.id for p in related_practices(event)] == [dated.id, undated.id]


def test_times_come_back_in_utc_whatever_the_server_zone(app, tmp_path):
    """The test server runs in Asia/Bishkek (UTC+6); stored times must still read and export as UTC."""
    from covenant_hub.interchange import export_folder as export
    from tests.factories import make_group, make_thread

    moment = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    thread = make_thread(make_group(), created_at=moment)
    db.session.expire_all()
    export(tmp_path / "out")
    exported = (tmp_path / "out" / "threads.jsonl").read_text(encoding="utf-8")
    assert '"created": "2026-03-01T09:30:00Z"' in exported
    assert thread.created_at.utcoffset() == timedelta(0) and thread.created_at == moment
