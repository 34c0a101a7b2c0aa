"""The Covenant Supporter programme: applications, services, commitment log, feedback, audit.

A supporter itself is an `orgs.Organisation` of kind "supporter"; this domain adds what the
programme knows about it. Its suspension is the organisation's status plus a `Suspension` row
that keeps the reason and the dates.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db

# The six commitments a supporter signs up to, in the order of the agreement.
COMMITMENTS = ("promote", "recognise", "exchange", "intermediary", "synergies", "feedback")
ACTIVITY_KINDS = ("promotion", "event", "exchange", "feedback", "press")
SERVICE_TYPES = (
    "technical_assistance",
    "training",
    "funding_advice",
    "translation",
    "peer_exchange",
    "events",
)
NETWORK_KINDS = ("national_association", "regional_network", "energy_agency", "ngo", "other")
APPLICATION_STATES = ("submitted", "info_requested", "accepted", "rejected", "agreement_completed", "live")
OPEN_STATES = ("submitted", "info_requested", "accepted", "agreement_completed")


def _fk(table: str, nullable: bool = True, ondelete: str = "SET NULL") -> Any:
    return mapped_column(ForeignKey(f"{table}.id", ondelete=ondelete), nullable=nullable)


class SupporterApplication(db.Model):
    """One network's path from expression of interest to live supporter."""

    __tablename__ = "supporter_applications"
    __table_args__ = (Index("ix_supporter_applications_state", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = _fk("users")
    org_id: Mapped[int | None] = _fk("organisations")
    network_name: Mapped[str] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(2))
    network_kind: Mapped[str] = mapped_column(String(32))
    member_count: Mapped[int] = mapped_column(default=0)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    regions: Mapped[str] = mapped_column(Text, default="")
    motivation: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    state: Mapped[str] = mapped_column(String(24), default="submitted")
    review_notes: Mapped[str | None] = mapped_column(Text)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    info_request: Mapped[str | None] = mapped_column(Text)
    info_response: Mapped[str | None] = mapped_column(Text)
    acknowledged: Mapped[list[str]] = mapped_column(JSON, default=list)
    agreement_completed_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    signed_on: Mapped[date | None]
    signatory_name: Mapped[str | None] = mapped_column(String(200))
    agreement_file_name: Mapped[str | None] = mapped_column(String(200))
    agreement_stored_name: Mapped[str | None] = mapped_column(String(80))
    agreement_size: Mapped[int | None]
    is_sample: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    user = relationship("User")
    organisation = relationship("Organisation")


class SupporterService(db.Model):
    """A service a live supporter offers its members, shown on its public profile."""

    __tablename__ = "supporter_services"
    __table_args__ = (Index("ix_supporter_services_org_id", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = _fk("organisations", nullable=False, ondelete="CASCADE")
    service_type: Mapped[str] = mapped_column(String(32))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    regions: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    organisation = relationship("Organisation")


class CommitmentActivity(db.Model):
    """One thing a supporter did to keep one of its six commitments."""

    __tablename__ = "commitment_activities"
    __table_args__ = (Index("ix_commitment_activities_org_date", "org_id", "happened_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = _fk("organisations", nullable=False, ondelete="CASCADE")
    commitment: Mapped[str] = mapped_column(String(24))
    kind: Mapped[str] = mapped_column(String(24))
    happened_on: Mapped[date]
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = _fk("users")
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    organisation = relationship("Organisation")
    created_by = relationship("User")


class MemberFeedback(db.Model):
    """A supporter's official feedback on one member's actions and services."""

    __tablename__ = "member_feedback"
    __table_args__ = (Index("ix_member_feedback_member", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supporter_id: Mapped[int] = _fk("organisations", nullable=False, ondelete="CASCADE")
    member_id: Mapped[int] = _fk("organisations", nullable=False, ondelete="CASCADE")
    rating: Mapped[int]
    text: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    author_id: Mapped[int | None] = _fk("users")
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    supporter = relationship("Organisation", foreign_keys=[supporter_id])
    member = relationship("Organisation", foreign_keys=[member_id])
    author = relationship("User")


class FeedbackConsent(db.Model):
    """Whether a member lets the feedback it received show on its public profile."""

    __tablename__ = "feedback_consents"

    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    public: Mapped[bool] = mapped_column(default=False)
    changed_by_id: Mapped[int | None] = _fk("users")
    changed_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)


class Suspension(db.Model):
    """A supporter's suspension; open while `reinstated_at` is empty."""

    __tablename__ = "supporter_suspensions"
    __table_args__ = (Index("ix_supporter_suspensions_org_id", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = _fk("organisations", nullable=False, ondelete="CASCADE")
    reason: Mapped[str] = mapped_column(Text)
    suspended_on: Mapped[date]
    suspended_by_id: Mapped[int | None] = _fk("users")
    reinstated_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    reinstated_by_id: Mapped[int | None] = _fk("users")
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)


class ProgrammeAudit(db.Model):
    """Who did what, when, to which application or supporter: the programme's trail."""

    __tablename__ = "programme_audit"
    __table_args__ = (
        Index("ix_programme_audit_org", "org_id"),
        Index("ix_programme_audit_application", "application_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = _fk("users")
    action: Mapped[str] = mapped_column(String(40))
    org_id: Mapped[int | None] = _fk("organisations")
    application_id: Mapped[int | None] = _fk("supporter_applications")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor = relationship("User")
    organisation = relationship("Organisation")
    application = relationship("SupporterApplication")
