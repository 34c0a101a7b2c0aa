"""Match requests, their proposals and invitations, and recommendations."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from covenant_hub.api.schemas.common import Code, Instant, Model, Page, PageQuery, QueryModel
from covenant_hub.api.schemas.orgs import Sector
from covenant_hub.matching.engine.ranker import RECOMMENDABLE
from covenant_hub.matching.models import WANTED_KINDS
from covenant_hub.matching.workflow import MAX_KM, MAX_MESSAGE, MAX_TEXT

WantedKind = Literal[WANTED_KINDS]  # type: ignore[valid-type]
MAX_TOP = 50


class MatchRequestIn(Model):
    org: str = Field(min_length=1, max_length=120, description="The requesting organisation's id")
    text: str = Field(min_length=1, max_length=MAX_TEXT, description="What the city needs")
    kinds: list[WantedKind] = Field(min_length=1, description="Kinds of organisation to look for")
    sectors: list[Sector] = Field(default_factory=list)
    languages: list[Code] = Field(default_factory=list)
    max_km: int | None = Field(None, ge=1, le=MAX_KM, description="How far the city may travel")


class ProposalOut(BaseModel):
    id: str = Field(description="The proposed organisation's id")
    name: str
    kind: str
    rank: int
    score: float
    reasons: list[dict[str, Any]]
    reasons_text: list[str]


class InvitationBrief(BaseModel):
    org: str
    state: str


class MatchRequestOut(BaseModel):
    id: int
    org: str
    text: str
    kinds: list[str]
    sectors: list[str]
    languages: list[str]
    max_km: int | None
    state: str
    created_at: Instant
    refreshed_at: Instant
    proposals: list[ProposalOut]
    invitations: list[InvitationBrief]


class MatchRequestPage(Page[MatchRequestOut]):
    pass


class InvitationQuery(PageQuery):
    state: Literal["pending", "accepted", "declined"] | None = None


class InvitationOut(BaseModel):
    id: int
    request: int
    requester: str = Field(description="The requesting organisation's id")
    requester_name: str
    request_text: str
    invitee: str
    message: str
    state: str
    answer: str
    created_at: Instant
    answered_at: Instant | None


class InvitationPage(Page[InvitationOut]):
    pass


class AnswerIn(Model):
    accept: bool
    message: str = Field("", max_length=MAX_MESSAGE)


class RecommendationQuery(QueryModel):
    kind: Literal[RECOMMENDABLE]  # type: ignore[valid-type]
    top: int = Field(10, ge=1, le=MAX_TOP)


class Recommendation(BaseModel):
    id: str
    name: str
    kind: str
    score: float
    reasons: list[dict[str, Any]]
    reasons_text: list[str]


class RecommendationsOut(BaseModel):
    org: str
    kind: str
    items: list[Recommendation]
