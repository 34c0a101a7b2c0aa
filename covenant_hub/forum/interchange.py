"""groups.jsonl and threads.jsonl in the interchange format, as handlers of the orgs registry.

Threads may carry an optional `practice` (a practices.jsonl id): our extension of the format,
so that sample threads can discuss sample practices; likewise groups may carry `join`
(`open`, the default, or `request`), which the format does not name. A second import of the same file
replaces a thread's posts by the file's, so export followed by import gives the same thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from covenant_hub.extensions import db
from covenant_hub.forum.models import GROUP_KINDS, JOIN_POLICIES, VISIBILITIES, Group, Post, Thread
from covenant_hub.interchange import fields as f
from covenant_hub.interchange.registry import FileHandler, ImportContext, ParsedLine
from covenant_hub.orgs import bulk
from covenant_hub.orgs.interchange.references import is_known, org_known
from covenant_hub.orgs.models import Organisation

ANONYMOUS = {"name": "?"}  # the author of a post that names none


def author(value: Any) -> dict[str, str]:
    """`{"name": ..., "org": id}`; `org` optional."""
    if not isinstance(value, dict) or set(value) - {"name", "org"}:
        raise f.FieldError('expected an object with "name" and optionally "org"')
    parsed = {"name": f.string(120)(value.get("name"))}
    if value.get("org") is not None:
        parsed["org"] = f.string(120)(value["org"])
    return parsed


POST_FIELDS: dict[str, f.Field] = {
    "author": f.Field(author),
    "created": f.Field(f.a_time),
    "body": f.Field(f.text, required=True),
}
posts = f.Records(POST_FIELDS, "post")


def _group_ids() -> Iterable[str]:
    return db.session.scalars(select(Group.external_id))


def _practice_ids() -> Iterable[str]:
    from covenant_hub.library.models import Practice

    return db.session.scalars(select(Practice.external_id))


class GroupsFile(FileHandler):
    filename = "groups.jsonl"
    order = 60
    fields: ClassVar[dict[str, f.Field]] = {
        "id": f.Field(f.string(120), required=True),
        "kind": f.Field(f.choice(GROUP_KINDS), required=True),
        "title": f.Field(f.string(200), required=True),
        "description": f.Field(f.text),
        "language": f.Field(f.language),
        "visibility": f.Field(f.choice(VISIBILITIES)),
        "owner": f.Field(f.string(120)),
        "join": f.Field(f.choice(JOIN_POLICIES)),
    }

    def check(self, values: dict[str, Any], context: ImportContext) -> Iterator[tuple[str, str]]:
        if values.get("owner") and not org_known(context, values["owner"]):
            yield "owner", f"unknown organisation {values['owner']!r}"

    def apply(self, lines: list[ParsedLine], context: ImportContext) -> tuple[int, int]:
        db.session.flush()
        org_ids = bulk.org_ids_by_external_id()
        existing = {g.external_id: g for g in db.session.scalars(select(Group))}
        created = updated = 0
        for line in lines:
            v = line.values
            group = existing.get(v["id"])
            if group is None:
                group = Group(external_id=v["id"], join_policy="open")
                db.session.add(group)
                created += 1
            else:
                updated += 1
            group.kind, group.title = v["kind"], v["title"]
            group.description = v.get("description", "")
            group.language = v.get("language", "en")
            group.visibility = v.get("visibility", "public")
            group.owner_org_id = org_ids.get(v["owner"]) if v.get("owner") else None
            group.join_policy = v.get("join", "open")
            group.is_sample = group.is_sample or context.options.mark_sample
        return created, updated

    def export(self) -> Iterable[dict[str, Any]]:
        query = select(Group).options(joinedload(Group.owner)).order_by(Group.external_id)
        for group in db.session.scalars(query):
            record = {
                "id": group.external_id,
                "kind": group.kind,
                "title": group.title,
                "description": group.description or None,
                "language": group.language,
                "visibility": group.visibility,
                "join": group.join_policy if group.join_policy != "open" else None,
                "owner": group.owner.external_id if group.owner else None,
            }
            yield {k: v for k, v in record.items() if v is not None}


class ThreadsFile(FileHandler):
    filename = "threads.jsonl"
    order = 70
    fields: ClassVar[dict[str, f.Field]] = {
        "id": f.Field(f.string(120), required=True),
        "group": f.Field(f.string(120), required=True),
        "title": f.Field(f.string(300), required=True),
        "language": f.Field(f.language),
        "created": f.Field(f.a_time),
        "author": f.Field(author),
        "posts": f.Field(posts, required=True),
        "practice": f.Field(f.string(120)),
    }

    def check(self, values: dict[str, Any], context: ImportContext) -> Iterator[tuple[str, str]]:
        if not is_known(context, "groups", values["group"], _group_ids):
            yield "group", f"unknown group {values['group']!r}"
        if values.get("practice") and not is_known(context, "practices", values["practice"], _practice_ids):
            yield "practice", f"unknown practice {values['practice']!r}"
        for post in values["posts"]:
            org = post.get("author", {}).get("org")
            if org and not org_known(context, org):
                yield "posts", f"unknown organisation {org!r}"

    def apply(self, lines: list[ParsedLine], context: ImportContext) -> tuple[int, int]:
        from covenant_hub.library.models import Practice

        db.session.flush()
        org_ids = bulk.org_ids_by_external_id()
        group_ids = dict(db.session.execute(select(Group.external_id, Group.id)).all())
        practice_ids = dict(db.session.execute(select(Practice.external_id, Practice.id)).all())
        existing = {t.external_id: t for t in db.session.scalars(select(Thread))}
        created = updated = 0
        for line in lines:
            v = line.values
            thread = existing.get(v["id"])
            if thread is None:
                thread = Thread(external_id=v["id"])
                db.session.add(thread)
                created += 1
            else:
                updated += 1
                db.session.execute(delete(Post).where(Post.thread_id == thread.id))
            _fill_thread(thread, v, group_ids, practice_ids, context.options.mark_sample)
            db.session.flush()
            for item in v["posts"]:
                who = item.get("author", ANONYMOUS)
                db.session.add(
                    Post(
                        thread_id=thread.id,
                        author_name=who["name"],
                        author_org_id=org_ids.get(who.get("org", "")),
                        body=item["body"],
                        created_at=item.get("created") or thread.created_at,
                    )
                )
        return created, updated

    def export(self) -> Iterable[dict[str, Any]]:
        query = (
            select(Thread)
            .options(joinedload(Thread.group), joinedload(Thread.practice))
            .order_by(Thread.external_id)
        )
        for thread in db.session.scalars(query).unique():
            record = thread_record(thread)
            if record.get("posts"):  # a thread whose posts are all hidden has nothing to publish
                yield record


def _fill_thread(
    thread: Thread, v: dict[str, Any], group_ids: dict[str, int], practice_ids: dict[str, int], sample: bool
) -> None:
    posts_in = v["posts"]
    thread.group_id = group_ids[v["group"]]
    thread.title = v["title"]
    thread.language = v.get("language", "en")
    first = posts_in[0].get("created")
    thread.created_at = v.get("created") or first or thread.created_at
    thread.last_post_at = max((p["created"] for p in posts_in if p.get("created")), default=thread.created_at)
    thread.post_count = len(posts_in)
    thread.practice_id = practice_ids.get(v["practice"]) if v.get("practice") else None
    thread.is_sample = thread.is_sample or sample


def _author_record(post: Post) -> dict[str, str]:
    record = {"name": post.display_name}
    org: Organisation | None = post.author_org
    if org is None and post.author is not None and post.author.memberships:
        org = post.author.memberships[0].organisation
    if org is not None:
        record["org"] = org.external_id
    return record


def thread_record(thread: Thread) -> dict[str, Any]:
    """One line of threads.jsonl (visible posts only: hidden ones are not published content)."""
    items = list(
        db.session.scalars(
            select(Post)
            .options(joinedload(Post.author), joinedload(Post.author_org))
            .where(Post.thread_id == thread.id, Post.state == "visible")
            .order_by(Post.created_at, Post.id)
        )
    )
    record: dict[str, Any] = {
        "id": thread.external_id,
        "group": thread.group.external_id,
        "title": thread.title,
        "language": thread.language,
        "created": f.time_text(thread.created_at),
        "author": _author_record(items[0]) if items else None,
        "posts": [
            {"author": _author_record(p), "created": f.time_text(p.created_at), "body": p.body} for p in items
        ],
        "practice": thread.practice.external_id if thread.practice else None,
    }
    return {k: v for k, v in record.items() if v not in (None, [])}
