"""The match-request workflow's tables: requests, the proposals stored when they were filed,
invitations between organisations and what came out of the exchanges.

Proposals are stored with their score and structured reasons so that what a city saw, and
invited from, stays the same when the model later changes; "refresh" replaces them on demand.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db

WANTED_KINDS = ("signatory", "candidate", "supporter", "coordinator")
REQUEST_STATES = ("open", "closed")
INVITATION_STATES = ("pending", "accepted", "declined", "expired")


class MatchRequest(db.Model):
    """What an organisation is looking for, filed by one of its admins."""

    __tablename__ = "match_requests"
    __table_args__ = (Index("ix_match_requests_org", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    max_km: Mapped[int | None]
    state: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    refreshed_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    org = relationship("Organisation")
    created_by = relationship("User")
    proposals = relationship(
        "Proposal", back_populates="request", cascade="all, delete-orphan", order_by="Proposal.rank"
    )
    invitations = relationship(
        "Invitation", back_populates="request", cascade="all, delete-orphan", order_by="Invitation.id"
    )


class Proposal(db.Model):
    """One ranked candidate for a request, as the engine scored it at filing (or refresh) time."""

    __tablename__ = "match_proposals"
    __table_args__ = (UniqueConstraint("request_id", "candidate_id", name="uq_match_proposals_candidate"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("match_requests.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    rank: Mapped[int]
    score: Mapped[float]
    reasons: Mapped[list[dict]] = mapped_column(JSON, default=list)

    request = relationship("MatchRequest", back_populates="proposals")
    candidate = relationship("Organisation")


class Invitation(db.Model):
    """A requester's invitation to one organisation, and that organisation's answer."""

    __tablename__ = "match_invitations"
    __table_args__ = (
        UniqueConstraint("request_id", "invitee_id", name="uq_match_invitations_invitee"),
        Index("ix_match_invitations_invitee_state", "invitee_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("match_requests.id", ondelete="CASCADE"))
    invitee_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="pending")
    answer: Mapped[str] = mapped_column(Text, default="")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    link_id: Mapped[int | None] = mapped_column(ForeignKey("org_links.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    reminded_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))

    request = relationship("MatchRequest", back_populates="invitations")
    invitee = relationship("Organisation")
    link = relationship("OrgLink")
    outcomes = relationship(
        "ExchangeOutcome",
        back_populates="invitation",
        cascade="all, delete-orphan",
        order_by="ExchangeOutcome.id",
    )


class ExchangeOutcome(db.Model):
    """What one side learned from an exchange, and the practice it replicated, if any.

    The engine counts it as work the recording organisation has done (see snapshot.py)."""

    __tablename__ = "match_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("match_invitations.id", ondelete="CASCADE"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    learned: Mapped[str] = mapped_column(Text, default="")
    practice_id: Mapped[int | None] = mapped_column(ForeignKey("practices.id", ondelete="SET NULL"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    invitation = relationship("Invitation", back_populates="outcomes")
    org = relationship("Organisation")
    practice = relationship("Practice")


class MatchChange(db.Model):
    """A note to "look again at this record": one row per organisation, link or practice a
    transaction changed, written in that transaction, so that every process's model can catch up (see
    changes.py). `key` is an org id, "source:target:kind" for a link, or a practice id
    (negative for an exchange outcome). AUTOINCREMENT keeps SQLite from reusing the ids of
    pruned rows: a process's mark must only ever be passed by newer changes."""

    __tablename__ = "match_changes"
    __table_args__ = (Index("ix_match_changes_created_at", "created_at"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)


class MatchTextVector(db.Model):
    """An embedding the matchmaker made of a need or an offer, by digest of the model, the kind
    (query or passage) and the text: derived data, kept so that each text is embedded once for
    the whole site rather than by every process that builds a model (see
    `language.embedding.CachingEmbedder`). Deleting every row is harmless."""

    __tablename__ = "match_text_vectors"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)


class MatchWeights(db.Model):
    """One version of the ranker's weights, written by `flask match tune --apply` (or `match
    weights set`); the newest row is the one every worker builds with, on every node. Rows are
    never changed, so a version number names one set of weights for good. No row: the shipped
    engine/weights.json."""

    __tablename__ = "match_weights"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)  # the version
    weights: Mapped[dict] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
