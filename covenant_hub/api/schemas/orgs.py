"""Organisations and supporters' services, with the interchange format's field names."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from covenant_hub.api.schemas.common import Code, Model, Page, PageQuery
from covenant_hub.orgs.directory import POPULATION_BANDS, SORTS
from covenant_hub.orgs.models import COMMITMENTS, ORG_KINDS, ORG_STATUSES
from covenant_hub.programme.models import SERVICE_TYPES
from covenant_hub.records import Sector  # noqa: F401  (re-exported)

# The domains' tuples stay the one list of codes; Literal[tuple] is Literal of its items.
OrgKind = Literal[ORG_KINDS]  # type: ignore[valid-type]
OrgStatus = Literal[ORG_STATUSES]  # type: ignore[valid-type]
Commitment = Literal[COMMITMENTS]  # type: ignore[valid-type]
ServiceType = Literal[SERVICE_TYPES]  # type: ignore[valid-type]


class OrgQuery(PageQuery):
    """The directory's filters."""

    kind: OrgKind | None = None
    country: Code | None = None
    sector: Sector | None = None
    commitment: Commitment | None = None
    status: OrgStatus | None = None
    band: Literal[tuple(POPULATION_BANDS)] | None = None  # type: ignore[valid-type]
    language: Code | None = None
    q: str | None = Field(None, max_length=100, description="Words of the name or the city")
    sort: Literal[SORTS] = "name"  # type: ignore[valid-type]


class OrgOut(BaseModel):
    """Every interchange field (null when unknown), with the external id as `id`."""

    id: str
    kind: str
    name: str
    country: str | None
    city: str | None
    population: int | None
    lat: float | None
    lon: float | None
    languages: list[str]
    sectors: list[str]
    commitments: list[str]
    joined: date | None
    status: str | None
    description: str | None
    needs: str | None
    offers: str | None
    website: str | None


class OrgPage(Page[OrgOut]):
    pass


class ServiceQuery(PageQuery):
    supporter: str | None = Field(None, max_length=120, description="A supporter's id")
    kind: ServiceType | None = Field(None, description="The kind of service")
    language: Code | None = None


class ServiceOut(BaseModel):
    id: int
    supporter: str = Field(description="The supporter's organisation id")
    supporter_name: str
    kind: str
    languages: list[str]
    regions: str
    description: str


class ServicePage(Page[ServiceOut]):
    pass


class OrgPath(Model):
    external_id: str = Field(max_length=120)
