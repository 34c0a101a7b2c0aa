"""Best-practice write-ups, the organisations involved in them, and their attached files."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db

PRACTICE_STATES = ("draft", "submitted", "published", "archived")
RESULT_FIELDS = ("co2_t_per_year", "energy_mwh_per_year", "renewable_mwh_per_year", "cost_eur", "jobs")


class Practice(db.Model):
    """One write-up; `external_id` is its id in the interchange format.

    Translations of the same practice share a `translation_group` string, so each language
    version keeps its own review state while the pages can link the versions together.
    """

    __tablename__ = "practices"
    __table_args__ = (
        Index("ix_practices_state_published", "state", "published"),
        Index("ix_practices_org_id", "org_id"),
        Index("ix_practices_translation_group", "translation_group"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(120), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8))
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    co2_t_per_year: Mapped[float | None]
    energy_mwh_per_year: Mapped[float | None]
    renewable_mwh_per_year: Mapped[float | None]
    cost_eur: Mapped[float | None]
    jobs: Mapped[float | None]
    published: Mapped[date | None]
    state: Mapped[str] = mapped_column(String(16), default="draft")
    review_note: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    translation_group: Mapped[str | None] = mapped_column(String(120))
    is_sample: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    owner = relationship("Organisation")
    author = relationship("User")
    signatories = relationship("PracticeSignatory", back_populates="practice", cascade="all, delete-orphan")
    attachments = relationship("Attachment", back_populates="practice", cascade="all, delete-orphan")

    @property
    def results(self) -> dict[str, float]:
        """The result figures that are known, keyed as in the interchange format."""
        values = {name: getattr(self, name) for name in RESULT_FIELDS}
        return {name: value for name, value in values.items() if value is not None}

    @property
    def eur_per_t_co2(self) -> float | None:
        """Cost of one tonne of CO2 avoided per year; None without both figures."""
        return eur_per_t_co2(self.cost_eur, self.co2_t_per_year)

    @property
    def t_co2_per_1000_inhabitants(self) -> float | None:
        """Yearly savings scaled to the owner's population, to compare towns of any size."""
        population = self.owner.population if self.owner is not None else None
        return t_co2_per_1000_inhabitants(self.co2_t_per_year, population)

    def __repr__(self) -> str:
        return f"<Practice {self.external_id} {self.state}>"


def eur_per_t_co2(cost_eur: float | None, co2_t_per_year: float | None) -> float | None:
    """EUR spent per tonne of CO2 saved each year, or None when either side is missing or zero."""
    if cost_eur is None or not co2_t_per_year or co2_t_per_year <= 0:
        return None
    return cost_eur / co2_t_per_year


def t_co2_per_1000_inhabitants(co2_t_per_year: float | None, population: int | None) -> float | None:
    """Tonnes saved per year per 1,000 inhabitants, or None without a positive population."""
    if co2_t_per_year is None or not population or population <= 0:
        return None
    return co2_t_per_year / population * 1000


class PracticeSignatory(db.Model):
    """An organisation involved in a practice besides its owner (e.g. linked by a supporter)."""

    __tablename__ = "practice_signatories"
    __table_args__ = (UniqueConstraint("practice_id", "org_id", name="uq_practice_signatories"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id", ondelete="CASCADE"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    practice = relationship("Practice", back_populates="signatories")
    organisation = relationship("Organisation")


class Attachment(db.Model):
    """A file attached to a practice, kept in ATTACHMENTS_DIR under a random stored name."""

    __tablename__ = "practice_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    practice = relationship("Practice", back_populates="attachments")
