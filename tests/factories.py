"""Factories that make valid records with as few arguments as a test needs."""

from __future__ import annotations

import itertools
from typing import Any

from covenant_hub.accounts.models import User
from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.orgs.models import Membership, Organisation, OrgLink

_sequence = itertools.count(1)


def _saved(model: type, defaults: dict[str, Any], fields: dict[str, Any]) -> Any:
    """A `model` row from the factory's defaults overridden by the test's fields, committed."""
    record = model(**{**defaults, **fields})
    db.session.add(record)
    db.session.commit()
    return record


def make_org(**fields: Any) -> Organisation:
    """An active signatory unless told otherwise."""
    number = next(_sequence)
    values: dict[str, Any] = {
        "external_id": f"org-{number}",
        "kind": "signatory",
        "name": f"Town {number}",
        "country": "kg",
        "status": "active",
        "languages": ["ky", "ru"],
        "sectors": [],
        "commitments": [],
    }
    return _saved(Organisation, values, fields)


def make_user(
    password: str | None = None,
    role: str = "member",
    confirmed: bool = True,
    org: Organisation | None = None,
    org_role: str = "member",
    **fields: Any,
) -> User:
    """A confirmed user; with `org`, also a member (or org_admin) of it."""
    from covenant_hub.accounts.passwords import hash_password
    from tests.conftest import TEST_PASSWORD

    number = next(_sequence)
    values: dict[str, Any] = {
        "email": f"user{number}@example.org",
        "name": f"User {number}",
        "language": "en",
        "role": role,
        "password_hash": hash_password(password or TEST_PASSWORD),
        "confirmed_at": utcnow() if confirmed else None,
    }
    values.update(fields)
    user = User(**values)
    db.session.add(user)
    if org is not None:
        db.session.add(Membership(user=user, organisation=org, role=org_role))
    db.session.commit()
    return user


def make_link(
    source: Organisation, target: Organisation, kind: str = "supported_by", **fields: Any
) -> OrgLink:
    """A link of `kind` from source to target."""
    link = OrgLink(source_id=source.id, target_id=target.id, kind=kind, **fields)
    db.session.add(link)
    db.session.commit()
    return link


def make_practice(org: Organisation | None = None, **fields: Any):
    """A published practice owned by `org` (a new signatory when not given)."""
    from covenant_hub.library.models import Practice

    number = next(_sequence)
    owner = org or make_org()
    values: dict[str, Any] = {
        "external_id": f"practice-{number}",
        "org_id": owner.id,
        "title": f"Practice {number}",
        "summary": f"Summary of practice {number}",
        "body": "Some **Markdown**.",
        "language": "en",
        "sectors": ["public_lighting"],
        "tags": [],
        "state": "published",
        "published": utcnow().date(),
    }
    return _saved(Practice, values, fields)


def make_supporter_application(user: User | None = None, state: str = "submitted", **fields: Any):
    """A supporter application filed by `user` (a new confirmed user when not given)."""
    from covenant_hub.programme.models import COMMITMENTS, SupporterApplication

    number = next(_sequence)
    filer = user or make_user()
    values: dict[str, Any] = {
        "user_id": filer.id,
        "network_name": f"Network {number}",
        "country": "kg",
        "network_kind": "national_association",
        "member_count": 25,
        "languages": ["ky", "ru"],
        "regions": "Chui, Issyk-Kul",
        "motivation": "We support our members.",
        "contact_name": filer.name,
        "contact_email": filer.email,
        "state": state,
    }
    if state in ("agreement_completed", "live"):
        values["acknowledged"] = list(COMMITMENTS)
    return _saved(SupporterApplication, values, fields)


def make_group(**fields: Any):
    """A public, open forum unless told otherwise."""
    from covenant_hub.forum.models import Group

    number = next(_sequence)
    values: dict[str, Any] = {
        "external_id": f"group-{number}",
        "kind": "forum",
        "title": f"Group {number}",
        "description": "",
        "language": "en",
        "visibility": "public",
        "join_policy": "open",
    }
    return _saved(Group, values, fields)


def make_thread(group, author=None, posts: int = 1, **fields: Any):
    """A thread with `posts` posts by `author` (or an imported author name), one minute apart."""
    from datetime import timedelta

    from covenant_hub.forum.models import Post, Thread

    number = next(_sequence)
    start = utcnow() - timedelta(minutes=posts + 1)
    values: dict[str, Any] = {
        "external_id": f"thread-{number}",
        "group_id": group.id,
        "title": f"Thread {number}",
        "language": "en",
        "author_id": author.id if author else None,
        "post_count": posts,
        "created_at": start,
        "last_post_at": start + timedelta(minutes=posts),
    }
    values.update(fields)
    thread = Thread(**values)
    db.session.add(thread)
    db.session.flush()
    db.session.add_all(
        [
            Post(
                thread_id=thread.id,
                author_id=author.id if author else None,
                author_name=None if author else "Guest",
                body=f"Post {i} of thread {number}",
                created_at=start + timedelta(minutes=i),
            )
            for i in range(1, posts + 1)
        ]
    )
    db.session.commit()
    return thread


def make_group_member(group, user, status: str = "member", moderator: bool = False):
    """Put a user in a group (and make them a moderator of it)."""
    from covenant_hub.forum.models import GroupMember, GroupModerator

    db.session.add(GroupMember(group_id=group.id, user_id=user.id, status=status))
    if moderator:
        db.session.add(GroupModerator(group_id=group.id, user_id=user.id))
    db.session.commit()
    return user


def make_event(organiser: Organisation | None = None, **fields: Any):
    """A published event tomorrow, 10:00-12:00 in Bishkek (UTC+6), organised by `organiser`."""
    from datetime import timedelta

    from covenant_hub.events.models import Event

    number = next(_sequence)
    starts = (utcnow() + timedelta(days=1)).replace(hour=4, minute=0, second=0, microsecond=0)
    values: dict[str, Any] = {
        "external_id": f"event-{number}",
        "kind": "event",
        "title": f"Event {number}",
        "description": "An *agenda* item.",
        "language": "en",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "timezone": "Asia/Bishkek",
        "place": "Bishkek",
        "online": False,
        "organiser_id": organiser.id if organiser is not None else None,
        "state": "published",
        "published_at": utcnow(),
    }
    return _saved(Event, values, fields)


def make_news(org: Organisation | None = None, **fields: Any):
    """A published news item (by the site itself unless `org` is given)."""
    from covenant_hub.events.models import NewsItem

    number = next(_sequence)
    values: dict[str, Any] = {
        "external_id": f"news-{number}",
        "title": f"News {number}",
        "summary": f"Summary of news {number}",
        "body": "Some **news**.",
        "language": "en",
        "org_id": org.id if org is not None else None,
        "state": "published",
        "published_at": utcnow(),
    }
    return _saved(NewsItem, values, fields)


def make_gcom_stand_ins() -> list[Organisation]:
    """The GCoM records the sample folder names (Osh, Talas), as the GCoM import would write
    them: lets a test load the sample folder without reading the 12k-row GCoM file."""
    from covenant_hub.demo import GCOM_RECORDS_IN_SAMPLES

    return [
        make_org(external_id=external_id, name=name, city=name, status="on_hold")
        for external_id, name in GCOM_RECORDS_IN_SAMPLES.items()
    ]
