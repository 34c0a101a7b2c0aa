"""Organisations of every kind, the links between them, and who belongs to which."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.language.names import name_key

ORG_KINDS = ("signatory", "candidate", "supporter", "coordinator", "office")
ORG_STATUSES = ("active", "on_hold", "suspended", "applicant")
LINK_KINDS = ("supported_by", "coordinated_by", "exchange", "twinned_with")
UNDIRECTED_LINK_KINDS = ("exchange", "twinned_with")
COMMITMENTS = ("2020", "2030", "2050", "adaptation", "energy_poverty")
MEMBERSHIP_ROLES = ("member", "org_admin")
# Whether staff have let a self-registered organisation into the public directory.
REVIEW_STATES = ("pending", "approved", "refused")
REQUEST_STATES = ("pending", "accepted", "refused", "withdrawn")
EVIDENCE_KINDS = ("email_domain", "document")


class Organisation(db.Model):
    """One organisation; `external_id` is its id in the interchange format."""

    __tablename__ = "organisations"
    __table_args__ = (
        Index("ix_organisations_kind_country", "kind", "country"),
        Index("ix_organisations_name", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(300))
    # Derived from `name`: one folded Latin form, so "Ош" and "Osh" compare equal.
    name_key: Mapped[str | None] = mapped_column(String(300), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    city: Mapped[str | None] = mapped_column(String(200))
    population: Mapped[int | None]
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    commitments: Mapped[list[str]] = mapped_column(JSON, default=list)
    joined: Mapped[date | None]
    status: Mapped[str | None] = mapped_column(String(16))
    description: Mapped[str | None] = mapped_column(Text)
    needs: Mapped[str | None] = mapped_column(Text)
    offers: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(500))
    is_sample: Mapped[bool] = mapped_column(default=False)
    email_domain: Mapped[str | None] = mapped_column(String(200))
    review_state: Mapped[str] = mapped_column(
        String(16), default="approved", server_default="approved", index=True
    )
    review_note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    memberships = relationship("Membership", back_populates="organisation", cascade="all, delete-orphan")
    created_by = relationship("User", foreign_keys=[created_by_id])

    @property
    def is_listed(self) -> bool:
        """Approved organisations are public; pending and refused ones are not."""
        return self.review_state == "approved"

    @validates("name")
    def _keep_name_key(self, _key: str, name: str) -> str:
        self.name_key = name_key(name or "")
        return name

    def __repr__(self) -> str:
        return f"<Organisation {self.external_id} {self.kind}>"


class OrgLink(db.Model):
    """A relationship between two organisations (see LINK_KINDS)."""

    __tablename__ = "org_links"
    __table_args__ = (
        UniqueConstraint("source_id", "target_id", "kind", name="uq_org_links_source_target_kind"),
        Index("ix_org_links_target_kind", "target_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    since: Mapped[date | None]
    topic: Mapped[str | None] = mapped_column(Text)

    source = relationship("Organisation", foreign_keys=[source_id])
    target = relationship("Organisation", foreign_keys=[target_id])


class Membership(db.Model):
    """A user's place in an organisation: plain member or org admin."""

    __tablename__ = "memberships"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), default="member")
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    user = relationship("User", back_populates="memberships")
    organisation = relationship("Organisation", back_populates="memberships")


def listed() -> Any:
    """The WHERE clause every public list of organisations uses: approved ones only."""
    return Organisation.review_state == "approved"


class MembershipRequest(db.Model):
    """A person asking to join an organisation, as member or administrator (a claim)."""

    __tablename__ = "membership_requests"
    __table_args__ = (Index("ix_membership_requests_org_state", "org_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16), default="member")
    message: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str | None] = mapped_column(String(16))
    evidence_file: Mapped[str | None] = mapped_column(String(80))
    evidence_name: Mapped[str | None] = mapped_column(String(200))
    routed_to: Mapped[str] = mapped_column(String(16), default="admins")
    state: Mapped[str] = mapped_column(String(16), default="pending")
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))

    user = relationship("User", foreign_keys=[user_id])
    organisation = relationship("Organisation")
    decided_by = relationship("User", foreign_keys=[decided_by_id])


class OrgAuditEntry(db.Model):
    """One step on an organisation's people or review: who, when, what (append-only)."""

    __tablename__ = "org_audit"
    __table_args__ = (Index("ix_org_audit_org", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
