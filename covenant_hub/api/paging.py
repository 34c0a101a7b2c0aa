"""Paging shared by the list operations: the page size from config, and the page envelope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, current_app
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, select

from covenant_hub.api.envelope import invalid
from covenant_hub.api.schemas.common import PageQuery
from covenant_hub.extensions import db


def page_size(query: PageQuery) -> int:
    """`per_page` as asked, the configured default when absent; over the configured cap is a 400."""
    config = current_app.config
    if query.per_page is None:
        return int(config["API_PAGE_SIZE"])
    if query.per_page > config["API_MAX_PAGE_SIZE"]:
        limit = config["API_MAX_PAGE_SIZE"]
        abort(invalid({"per_page": _("Must be at most %(limit)s.", limit=limit)}))
    return query.per_page


def paginate(select_query: Select, query: PageQuery) -> Pagination:
    return db.paginate(select_query, page=query.page, per_page=page_size(query), error_out=False)


def page_of(pagination: Pagination, render: Callable[[Any], Any]) -> dict[str, Any]:
    """The page envelope of the Page models: total, page, per_page, pages, items."""
    return {
        "total": pagination.total or 0, "page": pagination.page, "per_page": pagination.per_page,
        "pages": max(1, pagination.pages), "items": [render(item) for item in pagination.items],
    }  # fmt: skip


def page_of_list(items: list[Any], query: PageQuery, render: Callable[[Any], Any]) -> dict[str, Any]:
    """The same envelope over a list a service already returns whole."""
    per_page = page_size(query)
    start = (query.page - 1) * per_page
    total = len(items)
    return {
        "total": total, "page": query.page, "per_page": per_page,
        "pages": max(1, -(-total // per_page)), "items": [render(i) for i in items[start:start + per_page]],
    }  # fmt: skip


def count(select_query: Select) -> int:
    return int(db.session.scalar(select(func.count()).select_from(select_query.subquery())) or 0)
