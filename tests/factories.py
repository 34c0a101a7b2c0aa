"""Factories that make valid records with as few arguments as a test needs."""
from __future__ import annotations

import itertools
from typing import Any

from covenant_hub.accounts.models import User
from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.orgs.models import Membership, Organisation, OrgLink

_sequence = itertools.count(1)


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
    values.update(fields)
    org = Organisation(**values)
    db.session.add(org)
    db.session.commit()
    return org


def make_user(password: str | None = None, role: str = "member", confirmed: bool = True,
              org: Organisation | None = None, org_role: str = "member", **fields: Any) -> User:
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


def make_link(source: Organisation, target: Organisation, kind: str = "supported_by",
              **fields: Any) -> OrgLink:
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
    values.update(fields)
    practice = Practice(**values)
    db.session.add(practice)
    db.session.commit()
    return practice
