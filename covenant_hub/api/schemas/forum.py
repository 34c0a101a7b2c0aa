"""Discussion groups, threads and posts."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from covenant_hub.api.schemas.common import Instant, Model, Page, PageQuery
from covenant_hub.forum.models import GROUP_KINDS
from covenant_hub.forum.services import MAX_BODY


class GroupQuery(PageQuery):
    kind: Literal[GROUP_KINDS] | None = None  # type: ignore[valid-type]


class GroupOut(BaseModel):
    id: str
    kind: str
    title: str
    description: str | None
    language: str
    visibility: str
    join_policy: str
    url: str


class GroupPage(Page[GroupOut]):
    pass


class ThreadQuery(PageQuery):
    group: str | None = Field(None, max_length=120, description="A group's id")


class ThreadOut(BaseModel):
    id: str
    group: str
    title: str
    language: str
    created: Instant
    last_post: Instant
    posts: int
    pinned: bool
    locked: bool
    practice: str | None
    url: str


class ThreadPage(Page[ThreadOut]):
    pass


class PostOut(BaseModel):
    id: int
    thread: str
    author: str
    created: Instant
    body: str = Field(description="Markdown, as written")
    html: str = Field(description="The body rendered and sanitised")


class ThreadDetail(ThreadOut):
    items: list[PostOut] = Field(description="The visible posts, oldest first")


class PostQuery(PageQuery):
    thread: str | None = Field(None, max_length=120, description="A thread's id")


class PostPage(Page[PostOut]):
    pass


class ReplyIn(Model):
    body: str = Field(min_length=1, max_length=MAX_BODY, description="Markdown")
