"""Handlers for organisations.jsonl and links.jsonl."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import aliased

from covenant_hub.extensions import db
from covenant_hub.interchange import fields as f
from covenant_hub.interchange.registry import FileHandler, ImportContext, ParsedLine
from covenant_hub.orgs import bulk
from covenant_hub.orgs.interchange.references import is_known, org_known
from covenant_hub.orgs.models import (
    COMMITMENTS,
    LINK_KINDS,
    MEMBERSHIP_ROLES,
    ORG_KINDS,
    ORG_STATUSES,
    REVIEW_STATES,
    Membership,
    Organisation,
    OrgLink,
)
from covenant_hub.vocabularies import SECTORS

KINDS_NEEDING_COUNTRY = ("signatory", "candidate")


class OrganisationsFile(FileHandler):
    filename = "organisations.jsonl"
    order = 10
    fields: ClassVar[dict[str, f.Field]] = {
        "id": f.Field(f.string(120), required=True),
        "kind": f.Field(f.choice(ORG_KINDS), required=True),
        "name": f.Field(f.string(300), required=True),
        "country": f.Field(f.country),
        "city": f.Field(f.string(200)),
        "population": f.Field(f.integer(minimum=0)),
        "lat": f.Field(f.number(-90, 90)),
        "lon": f.Field(f.number(-180, 180)),
        "languages": f.Field(f.list_of(f.language)),
        "sectors": f.Field(f.list_of(f.choice(SECTORS))),
        "commitments": f.Field(f.list_of(f.choice(COMMITMENTS))),
        "joined": f.Field(f.a_date),
        "status": f.Field(f.choice(ORG_STATUSES)),
        "description": f.Field(f.text),
        "needs": f.Field(f.text),
        "offers": f.Field(f.text),
        "website": f.Field(f.url),
        # Our extensions: the staff review of a self-registered organisation (left out when
        # approved), the reason it was refused, and the domain of its official addresses.
        "review": f.Field(f.choice(REVIEW_STATES)),
        "review_note": f.Field(f.text),
        "email_domain": f.Field(f.string(200)),
    }

    def check(self, values: dict[str, Any], context: ImportContext) -> Iterator[tuple[str, str]]:
        if values["kind"] in KINDS_NEEDING_COUNTRY and not values.get("country"):
            yield "country", f"required for a {values['kind']}"

    def apply(self, lines: list[ParsedLine], context: ImportContext) -> tuple[int, int]:
        extra = {"is_sample": True} if context.options.mark_sample else None
        records = ({**line.values, "review_state": line.values.get("review") or "approved"} for line in lines)
        return bulk.upsert_organisations(records, fields=(*bulk.ORG_FIELDS, *REVIEW_FIELDS), extra=extra)

    def export(self) -> Iterable[dict[str, Any]]:
        for org in db.session.scalars(select(Organisation).order_by(Organisation.external_id)):
            yield organisation_record(org)


class LinksFile(FileHandler):
    filename = "links.jsonl"
    order = 20
    fields: ClassVar[dict[str, f.Field]] = {
        "source": f.Field(f.string(120), required=True),
        "target": f.Field(f.string(120), required=True),
        "kind": f.Field(f.choice(LINK_KINDS), required=True),
        "since": f.Field(f.a_date),
        "topic": f.Field(f.text),
    }

    def key(self, values: dict[str, Any]) -> str:
        return f"{values['source']} -> {values['target']} ({values['kind']})"

    def check(self, values: dict[str, Any], context: ImportContext) -> Iterator[tuple[str, str]]:
        for end in ("source", "target"):
            if not org_known(context, values[end]):
                yield end, f"unknown organisation {values[end]!r}"
        if values["source"] == values["target"]:
            yield "target", "an organisation cannot be linked to itself"

    def apply(self, lines: list[ParsedLine], context: ImportContext) -> tuple[int, int]:
        return bulk.upsert_links(line.values for line in lines)

    def export(self) -> Iterable[dict[str, Any]]:
        source, target = aliased(Organisation), aliased(Organisation)
        rows = db.session.execute(
            select(source.external_id, target.external_id, OrgLink.kind, OrgLink.since, OrgLink.topic)
            .join(source, OrgLink.source_id == source.id)
            .join(target, OrgLink.target_id == target.id)
            .order_by(source.external_id, target.external_id, OrgLink.kind)
        )
        for source_id, target_id, kind, since, topic in rows:
            yield _without_empty(
                {"source": source_id, "target": target_id, "kind": kind, "since": since, "topic": topic}
            )


REVIEW_FIELDS = ("review_state", "review_note", "email_domain")


def organisation_record(org: Organisation) -> dict[str, Any]:
    """An organisation as one line of organisations.jsonl (empty fields left out)."""
    record = {"id": org.external_id, **{name: getattr(org, name) for name in bulk.ORG_FIELDS}}
    record["review"] = None if org.review_state == "approved" else org.review_state
    record["review_note"] = org.review_note
    record["email_domain"] = org.email_domain
    return _without_empty(record)


class MembershipsFile(FileHandler):
    """memberships.jsonl (our extension): who belongs to which organisation, with what role.
    People are named by their account's e-mail: accounts are not part of the format, so a line
    whose person has no account here is an error (reported, or skipped with --skip-invalid)."""

    filename = "memberships.jsonl"
    order = 15
    fields: ClassVar[dict[str, f.Field]] = {
        "org": f.Field(f.string(120), required=True),
        "user": f.Field(f.string(254), required=True),
        "role": f.Field(f.choice(MEMBERSHIP_ROLES), required=True),
    }

    def key(self, values: dict[str, Any]) -> str:
        return f"{values['user']} in {values['org']}"

    def check(self, values: dict[str, Any], context: ImportContext) -> Iterator[tuple[str, str]]:
        if not org_known(context, values["org"]):
            yield "org", f"unknown organisation {values['org']!r}"
        if not is_known(context, "users", values["user"].strip().lower(), lambda: _user_ids().keys()):
            yield "user", f"no account with the e-mail {values['user']!r}"

    def apply(self, lines: list[ParsedLine], context: ImportContext) -> tuple[int, int]:
        org_ids, user_ids = bulk.org_ids_by_external_id(), _user_ids()
        created = updated = 0
        for line in lines:
            key = (user_ids[line.values["user"].strip().lower()], org_ids[line.values["org"]])
            membership = db.session.get(Membership, key)
            if membership is None:
                db.session.add(Membership(user_id=key[0], org_id=key[1], role=line.values["role"]))
                created += 1
            else:
                membership.role = line.values["role"]
                updated += 1
        db.session.flush()
        return created, updated

    def export(self) -> Iterable[dict[str, Any]]:
        from covenant_hub.accounts.models import User

        rows = db.session.execute(
            select(Organisation.external_id, User.email, Membership.role)
            .join(Membership, Membership.org_id == Organisation.id)
            .join(User, User.id == Membership.user_id)
            .order_by(Organisation.external_id, User.email)
        )
        for org_id, email, role in rows:
            yield {"org": org_id, "user": email, "role": role}


def _user_ids() -> dict[str, int]:
    """Account ids by lower-cased e-mail."""
    from covenant_hub.accounts.models import User

    return {email.lower(): user_id for email, user_id in db.session.execute(select(User.email, User.id))}


def _without_empty(record: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in record.items()
        if value is not None and value != []
    }
