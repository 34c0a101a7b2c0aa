"""A supporter's dashboard lists upcoming events in its own and its members' countries."""

from covenant_hub.events.queries import events_for_supporter
from tests.factories import make_event, make_link, make_org


def test_events_for_supporter_cover_member_countries(app):
    supporter = make_org(kind="supporter", country="kg")
    member = make_org(country="kz")
    make_link(member, supporter, "supported_by")
    in_member_country = make_event(organiser=make_org(country="kz"))
    elsewhere = make_event(organiser=make_org(country="de"))
    found = events_for_supporter(supporter)
    assert in_member_country in found and elsewhere not in found
