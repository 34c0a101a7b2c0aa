"""The shapes every operation shares: the error envelope, pages, and the paging arguments."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, Field
from pydantic.json_schema import DEFAULT_REF_TEMPLATE, GenerateJsonSchema

from covenant_hub.records import Code, Model  # noqa: F401  (re-exported for the API's schemas)

Item = TypeVar("Item")

MAX_PAGE = 1_000_000
#: The API's largest page; config API_MAX_PAGE_SIZE may only lower it.
MAX_PER_PAGE = 200


def _as_utc(moment: datetime) -> datetime:
    """SQLite hands stored times back without their offset; they were stored in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


#: A stored time, always written with its offset (RFC 3339 date-time).
Instant = Annotated[datetime, AfterValidator(_as_utc)]
ExternalId = Annotated[str, Field(min_length=1, max_length=80)]


class ErrorDetail(BaseModel):
    code: int = Field(description="The HTTP status code, repeated")
    message: str = Field(description="What went wrong, in the caller's language")
    fields: dict[str, str] = Field(
        default_factory=dict, description="Per field (query, body or path name): what is wrong with it"
    )


class ErrorEnvelope(BaseModel):
    """Every error the API answers, whatever raised it."""

    error: ErrorDetail


class _WithoutNull(GenerateJsonSchema):
    """A query string cannot say null: an optional argument is described by its type alone."""

    def nullable_schema(self, schema: Any) -> Any:
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: Any) -> Any:
        generated = super().default_schema(schema)
        if generated.get("default", 0) is None:
            del generated["default"]
        return generated


class QueryModel(BaseModel):
    """Query strings ignore names they do not know (`?lang=` sets the messages' language anywhere)."""

    @classmethod
    def model_json_schema(cls, by_alias: bool | None = None, ref_template: str = DEFAULT_REF_TEMPLATE,
                          schema_generator: type[GenerateJsonSchema] = _WithoutNull,
                          mode: Any = "validation", **options: Any) -> dict[str, Any]:  # fmt: skip
        return super().model_json_schema(by_alias, ref_template, schema_generator, mode, **options)


class PageQuery(QueryModel):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1")
    per_page: int | None = Field(
        None, ge=1, le=MAX_PER_PAGE, description="Items per page (default 50, at most 200)"
    )


class Page(BaseModel, Generic[Item]):
    total: int = Field(ge=0)
    page: int = Field(ge=1)
    per_page: int = Field(ge=1)
    pages: int = Field(ge=1)
    items: list[Item]
