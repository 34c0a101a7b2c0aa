"""Agenda pages: lists and filters, month grid, event page times, editing, iCalendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from covenant_hub.events.models import Event
from covenant_hub.events.queries import events_in_countries
from covenant_hub.extensions import db
from tests.factories import make_event, make_org, make_practice
from tests.sessions import login


def _at(day: datetime, hours: int = 2) -> dict:
    return {"starts_at": day, "ends_at": day + timedelta(hours=hours)}


def test_upcoming_and_past_lists(world, client):
    now = datetime.now(UTC)
    make_event(world.supporter, title="Future webinar", **_at(now + timedelta(days=3)))
    make_event(world.supporter, title="Old forum", **_at(now - timedelta(days=30)))
    make_event(world.supporter, title="Secret draft", state="draft")
    upcoming = client.get("/events/").get_data(as_text=True)
    past = client.get("/events/past").get_data(as_text=True)
    assert "Future webinar" in upcoming and "Old forum" not in upcoming
    assert "Old forum" in past and "Future webinar" not in past
    assert "Secret draft" not in upcoming + past


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("kind=webinar", "Web KG", "Talk KZ"),
        ("language=ru", "Talk KZ", "Web KG"),
        ("country=kz", "Talk KZ", "Web KG"),
        ("online=yes", "Web KG", "Talk KZ"),
        ("online=no", "Talk KZ", "Web KG"),
    ],
)
def test_filters(world, client, query, shown, hidden):
    make_event(world.supporter, title="Web KG", kind="webinar", online=True, url="https://x.org/w")
    make_event(world.other_supporter, title="Talk KZ", language="ru")
    page = client.get(f"/events/?{query}").get_data(as_text=True)
    assert shown in page and hidden not in page


def test_unknown_filter_values_are_ignored(world, client):
    make_event(world.supporter, title="Still shown")
    response = client.get("/events/?kind=<script>&online=maybe&country=xyz")
    assert response.status_code == 200 and "Still shown" in response.get_data(as_text=True)


def test_event_page_shows_time_in_event_zone(world, client):
    event = make_event(
        world.supporter, title="Bishkek morning", **_at(datetime(2027, 3, 10, 4, 0, tzinfo=UTC))
    )  # 10:00 in Bishkek
    page = client.get(f"/events/{event.id}?lang=ru").get_data(as_text=True)
    assert "10 мар. 2027\u202fг., 10:00 – 12:00" in page  # CLDR puts a narrow space before "г."
    assert "Asia/Bishkek" in page


def test_month_view_places_event_on_its_local_day(world, client):
    # 20:00 UTC on 9 March is 02:00 on 10 March in Bishkek: it belongs to the 10th.
    make_event(world.supporter, title="Late night", **_at(datetime(2027, 3, 9, 20, 0, tzinfo=UTC)))
    page = client.get("/events/month/2027-3").get_data(as_text=True)
    cell = page.split('<span class="day-number">10</span>')[1].split("</td>")[0]
    assert "02:00 Late night" in cell
    before = page.split('<span class="day-number">9</span>')[1].split("</td>")[0]
    assert "Late night" not in before
    assert 'href="/events/month/2027-2"' in page and 'href="/events/month/2027-4"' in page


def test_month_view_spans_years_and_rejects_bad_months(client):
    page = client.get("/events/month/2027-1").get_data(as_text=True)
    assert 'href="/events/month/2026-12"' in page
    assert client.get("/events/month/2027-13").status_code == 404


def test_multi_day_event_fills_each_day(world, client):
    make_event(
        world.supporter,
        title="Two-day forum",
        starts_at=datetime(2027, 1, 21, 3, tzinfo=UTC),
        ends_at=datetime(2027, 1, 22, 11, tzinfo=UTC),
    )
    page = client.get("/events/month/2027-1").get_data(as_text=True)
    assert page.count("Two-day forum") == 2


def test_event_ics_parses_with_uid_dtstamp_and_zone(world, client):
    event = make_event(
        world.supporter, title="Мастер-класс: LED", **_at(datetime(2027, 3, 10, 4, tzinfo=UTC))
    )
    response = client.get(f"/events/{event.id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.data)
    [entry] = calendar.walk("VEVENT")
    assert str(entry["UID"]) == f"{event.external_id}@covenant-hub"
    assert entry.decoded("DTSTAMP").tzinfo is not None
    start = entry.decoded("DTSTART")
    assert str(start.tzinfo) == "Asia/Bishkek" and start.hour == 10
    assert entry.decoded("DTEND") - start == timedelta(hours=2)
    assert str(entry["SUMMARY"]) == "Мастер-класс: LED"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Bishkek"]


def test_agenda_ics_holds_published_events_only(world, client):
    make_event(world.supporter, title="One")
    make_event(world.other_supporter, title="Two", timezone="Asia/Almaty")
    draft = make_event(world.supporter, title="Draft one", state="draft")
    calendar = Calendar.from_ical(client.get("/events/agenda.ics").data)
    titles = sorted(str(entry["SUMMARY"]) for entry in calendar.walk("VEVENT"))
    assert titles == ["One", "Two"]
    assert client.get(f"/events/{draft.id}.ics").status_code == 404


def _form(organiser_id: int, **changes: str) -> dict:
    data = {
        "title": "Жаңы вебинар",
        "kind": "webinar",
        "organiser_id": str(organiser_id),
        "language": "ky",
        "starts": "2027-04-08T14:00",
        "ends": "2027-04-08T15:30",
        "timezone": "Asia/Bishkek",
        "place": "",
        "online": "y",
        "url": "https://example.org/join",
        "description": "**Кош келиңиз**",
    }
    data.update(changes)
    return data


def test_supporter_admin_creates_and_publishes_event(world, client):
    login(client, world.user("supporter_admin"))
    response = client.post("/events/new", data=_form(world.supporter.id))
    assert response.status_code == 302
    event = db.session.scalars(db.select(Event)).one()
    assert event.state == "draft" and event.starts_utc == datetime(2027, 4, 8, 8, 0, tzinfo=UTC)
    client.post(f"/events/{event.id}/publish")
    db.session.refresh(event)
    assert event.state == "published"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends": "2027-04-08T13:00"}, "must end after it starts"),
        ({"url": "javascript:alert(1)"}, "must start with http"),
        ({"url": ""}, "needs the link"),
        ({"online": "", "place": "", "url": ""}, "Give the place"),
        ({"timezone": "Mars/Olympus"}, "Not a valid choice"),
    ],
)
def test_bad_event_input_is_refused_and_changes_nothing(world, client, changes, message):
    login(client, world.user("supporter_admin"))
    response = client.post("/events/new", data=_form(world.supporter.id, **changes))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 0


def test_supporter_admin_cannot_post_for_another_organiser(world, client):
    login(client, world.user("supporter_admin"))
    client.post("/events/new", data=_form(world.other_supporter.id))
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 0
    client.post("/events/new", data=_form(world.supporter.id))  # the same form, for its own
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 1


def test_staff_edit_keeps_wall_clock_time(world, client):
    event = make_event(world.supporter, **_at(datetime(2027, 3, 10, 4, tzinfo=UTC)))
    login(client, world.user("staff"))
    page = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert 'value="2027-03-10T10:00"' in page
    client.post(
        f"/events/{event.id}/edit",
        data=_form(
            world.supporter.id, timezone="Europe/Brussels", starts="2027-03-10T10:00", ends="2027-03-10T11:00"
        ),
    )
    db.session.refresh(event)
    assert event.starts_utc == datetime(2027, 3, 10, 9, 0, tzinfo=UTC)


def test_synergies_on_event_page(world, client):
    make_practice(world.signatory, title="LED street lighting in Tokmok")
    neighbour = make_org(kind="supporter", name="Energy Centre KG", country="kg")
    event = make_event(world.supporter, title="Street lighting masterclass")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    synergies = page.split('class="synergies"')[1]
    assert "LED street lighting in Tokmok" in synergies
    assert neighbour.name in synergies
    assert world.other_supporter.name not in synergies  # another country


def test_events_in_countries(world):
    now = datetime.now(UTC)
    kg = make_event(world.supporter, title="KG")
    make_event(world.other_supporter, title="KZ")
    make_event(world.supporter, title="Old", **_at(now - timedelta(days=10)))
    assert events_in_countries(["KG"]) == [kg]
    assert {e.title for e in events_in_countries({"kg", "kz"})} == {"KG", "KZ"}
    assert events_in_countries([]) == []


def test_profile_partial_shows_a_supporters_events_and_feeds(world, app):
    from flask import render_template

    make_event(world.supporter, title="Our next event")
    make_event(world.other_supporter, title="Someone else's")
    with app.test_request_context("/"):
        html = render_template("events/_profile_feed.html", org=world.supporter)
        empty = render_template("events/_profile_feed.html", org=world.signatory)
    assert "Our next event" in html and "Someone else" not in html
    assert f"/feeds/supporters/{world.supporter.external_id}.rss" in html
    assert empty.strip() == ""


def test_synergies_suggest_public_groups_with_links(world, client):
    forum = pytest.importorskip("covenant_hub.forum.models")
    group = forum.Group(
        external_id="g-light", title="Street lighting peers", language="en", visibility="public"
    )
    hidden = forum.Group(
        external_id="g-secret", title="Street lighting board", language="en", visibility="members"
    )
    db.session.add_all([group, hidden])
    db.session.commit()
    event = make_event(world.supporter, title="Street lighting masterclass")
    synergies = client.get(f"/events/{event.id}").get_data(as_text=True).split('class="synergies"')[1]
    assert f'href="/forum/g/{group.id}">Street lighting peers' in synergies
    assert "Street lighting board" not in synergies
