"""How a change committed in one process reaches the match model of every other process.

The session hooks in service.py note which organisations, links and practices a transaction
touched; just before it commits, one `match_changes` row per key is inserted on the same
connection, so the rows become visible exactly when the change does and vanish with a rollback.
Each process remembers the highest row id its model includes (its mark, read before the
snapshot it was built from). On each use of the model it reads the rows above its mark, one
range query on the primary key, reloads those records from the database and replays them.
A row says only "look again at this record", never what changed: replaying a row twice, or one
left by a rolled-back savepoint, is harmless.

The mark is only safe if ids become visible in id order. SQLite serialises writers (BEGIN
IMMEDIATE); on PostgreSQL a writer takes a transaction advisory lock before its insert, held
from there to its commit, a few statements.

A bulk statement (`session.execute(insert(Organisation), rows)`, as the GCoM import does) is
never seen by the flush hooks: it leaves one "rebuild" row, and every process rebuilds fully.

`flask match rebuild` leaves a "rebuild" row too, once its own build succeeded: the workers
rebuild with the database and the weights.json of that moment (say, new weights from `match tune`).

Readers use a short session of their own, never a request's: it sees committed rows only, and on
SQLite it begins DEFERRED, so a POST that reads the model holds no write lock while it does.

Rows older than KEEP are pruned (by `flask match rebuild`, and at most hourly by a committing
process). A prune leaves a "pruned" row whose key is the highest id it deleted: a process whose
mark is below that slept through the prune, may have missed a deleted row, and rebuilds fully.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from time import monotonic
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, text
from sqlalchemy.orm import Session

from covenant_hub.clock import utcnow
from covenant_hub.matching.engine.model import MatchModel
from covenant_hub.matching.engine.records import LinkRecord, OrgRecord, PracticeRecord
from covenant_hub.matching.models import MatchChange
from covenant_hub.matching.snapshot import load_links_between, load_orgs, load_outcomes, load_practices

KEYS = "match_change_keys"  # session.info: the (entity, key) pairs this transaction touched
PRUNED = "pruned"
REBUILD = "rebuild"
KEEP = timedelta(days=7)
PRUNE_EVERY_SECONDS = 3600.0
MAX_BACKLOG = 2000  # more rows than this behind: a full rebuild is cheaper than reloading each
PG_LOCK = 0x6D617463  # "matc": the advisory lock that orders the writers of match_changes
TABLE = MatchChange.__table__
Change = tuple[str, Any, bool]  # what service.apply_changes replays

# Monotonic time of this process's last opportunistic prune; None until its first. A monotonic
# clock counts from an arbitrary point (boot, on Linux), so no number can stand for "never".
_last_prune: float | None = None


# -- writing ----------------------------------------------------------------------------------
def note(session: Session, entity: str, key: str) -> None:
    session.info.setdefault(KEYS, set()).add((entity, key))


def link_key(link: LinkRecord) -> str:
    return f"{link.source}:{link.target}:{link.kind}"


def write_noted(session: Session) -> None:
    """Insert the noted keys on the session's connection, inside its transaction."""
    keys = session.info.pop(KEYS, None)
    if not keys:
        return
    connection = session.connection()
    _in_id_order(connection)
    now = utcnow()
    rows = [{"entity": entity, "key": key, "created_at": now} for entity, key in sorted(keys)]
    connection.execute(insert(TABLE), rows)
    _prune_now_and_then(connection)


def _in_id_order(connection: Connection) -> None:
    """Hold the writers' lock to the end of this transaction (SQLite holds its own already)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK})


def forget_noted(session: Session) -> None:
    session.info.pop(KEYS, None)


def _prune_now_and_then(connection: Connection) -> None:
    global _last_prune
    now = monotonic()
    if _last_prune is None or now - _last_prune >= PRUNE_EVERY_SECONDS:
        _last_prune = now
        prune(connection)


def prune(connection: Connection, keep: timedelta = KEEP) -> int:
    """Delete rows older than `keep`, leaving a "pruned" row that says up to which id."""
    last = connection.scalar(select(func.max(TABLE.c.id)).where(TABLE.c.created_at < utcnow() - keep))
    if last is None:
        return 0
    _in_id_order(connection)  # the "pruned" row is a change row like any other
    deleted = connection.execute(delete(TABLE).where(TABLE.c.id <= last)).rowcount
    connection.execute(insert(TABLE).values(entity=PRUNED, key=str(last), created_at=utcnow()))
    return deleted


def announce_rebuild(connection: Connection, mark: int | None) -> int | None:
    """Leave a "rebuild" row, inside the caller's transaction. Returns the mark of a model built
    from a snapshot taken after `mark`: the new row's id if no other row came in between (that
    model needs no rebuild of its own), else `mark` (its next use replays them, then rebuilds)."""
    _in_id_order(connection)
    before = connection.scalar(select(func.max(TABLE.c.id))) or 0
    row = connection.execute(insert(TABLE).values(entity=REBUILD, key="", created_at=utcnow()))
    return int(row.inserted_primary_key[0]) if mark is not None and before == mark else mark


# -- reading ----------------------------------------------------------------------------------
def current_mark(session: Session) -> int:
    """The highest change id so far: read it before the snapshot a model is built from."""
    return session.scalar(select(func.max(TABLE.c.id))) or 0


@dataclass
class Backlog:
    """The rows above a process's mark, or the verdict that it must rebuild."""

    rows: list[tuple[int, str, str]] = field(default_factory=list)
    rebuild: bool = False

    @property
    def last(self) -> int:
        return self.rows[-1][0]


def backlog(connection: Connection, mark: int) -> Backlog:
    """What changed since `mark`: one range query on the primary key, empty almost always. It
    runs on every use of the model, so on the session's connection, past the ORM's layers."""
    query = (
        select(TABLE.c.id, TABLE.c.entity, TABLE.c.key)
        .where(TABLE.c.id > mark)
        .order_by(TABLE.c.id)
        .limit(MAX_BACKLOG + 1)
    )
    rows = [tuple(row) for row in connection.execute(query)]
    missed = any(entity == REBUILD or (entity == PRUNED and int(key) > mark) for _id, entity, key in rows)
    return Backlog(rows=rows, rebuild=missed or len(rows) > MAX_BACKLOG)  # type: ignore[arg-type]


@dataclass
class Reloaded:
    """The records behind some rows as they are now, read without the model's lock; `against`
    turns them into changes, under the lock, where the model tells where a practice was."""

    changes: list[Change]  # organisations and links
    practices: dict[int, PracticeRecord | None]  # id -> published now, or None

    def against(self, model: MatchModel) -> list[Change]:
        return self.changes + _practices(model, self.practices)


def reload(session: Session, rows: Iterable[tuple[int, str, str]]) -> Reloaded:
    """Read the records behind the rows (as changes for `service.apply_changes`, via `against`)."""
    keys: dict[str, set[str]] = {"org": set(), "link": set(), "practice": set()}
    for _id, entity, key in rows:
        if entity in keys:
            keys[entity].add(key)
    ids = {int(key) for key in keys["practice"]}
    found: dict[int, PracticeRecord | None] = dict.fromkeys(ids)
    if ids:
        found.update((p.id, p) for p in load_practices(session, {i for i in ids if i > 0}))
        found.update((p.id, p) for p in load_outcomes(session, {-i for i in ids if i < 0}))
    return Reloaded(
        changes=_orgs(session, {int(key) for key in keys["org"]})
        + _links(session, [_parse_link(key) for key in sorted(keys["link"])]),
        practices=found,
    )


def _orgs(session: Session, ids: set[int]) -> list[Change]:
    if not ids:
        return []
    found = {org.id: org for org in load_orgs(session, ids)}
    gone = [OrgRecord(id=org_id, external_id="", kind="", name="") for org_id in sorted(ids - set(found))]
    return [("org", org, True) for org in found.values()] + [("org", org, False) for org in gone]


def _parse_link(key: str) -> LinkRecord:
    source, target, kind = key.split(":", 2)
    return LinkRecord(int(source), int(target), kind)


def _links(session: Session, links: Sequence[LinkRecord]) -> list[Change]:
    """A link is present if a row joins its two ends with its kind, either way round: the
    model's adjacency is symmetric."""
    if not links:
        return []
    ends = {link.source for link in links} | {link.target for link in links}
    existing = {(li.source, li.target, li.kind): li for li in load_links_between(session, ends)}
    changes: list[Change] = []
    for link in links:
        found = existing.get((link.source, link.target, link.kind)) or existing.get(
            (link.target, link.source, link.kind)
        )
        changes.append(("link", found or link, found is not None))
    return changes


def _practices(model: MatchModel, found: dict[int, PracticeRecord | None]) -> list[Change]:
    """Published practices (positive ids) and exchange outcomes (negative ids) as they are now;
    one that moved to another organisation, or went, is first withdrawn from where it was."""
    held = _held_practices(model, set(found))
    changes: list[Change] = []
    for practice_id in sorted(found):
        old, new = held.get(practice_id), found[practice_id]
        if old is not None and (new is None or new.org_id != old.org_id):
            changes.append(("practice", old, False))
        if new is not None:
            changes.append(("practice", new, True))
    return changes


def _held_practices(model: MatchModel, ids: set[int]) -> dict[int, PracticeRecord]:
    """Where the model holds these practices now (a scan of its practices; they are few)."""
    return {p.id: p for own in model.practices.values() for p in own if p.id in ids}
