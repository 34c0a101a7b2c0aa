"""`?page=&per_page=` and the paged envelope, shared by the list endpoints."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, current_app, jsonify, request
from flask_sqlalchemy.pagination import Pagination

from covenant_hub.errors import error_response
from covenant_hub.inputs import parse_int

MAX_PAGE = 1_000_000


class InvalidParameter(ValueError):
    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param, self.message = param, message


def whole_number(name: str, default: int, low: int, high: int) -> int:
    """The query argument `name` as an int in [low, high], `default` when absent."""
    raw = request.args.get(name, "")
    if raw == "":
        return default
    number = parse_int(raw, low, high)
    if number is None:
        raise InvalidParameter(name, f"expected a whole number from {low} to {high}")
    return number


def page_args() -> tuple[int, int]:
    """(page, per_page) within the configured API page sizes."""
    config = current_app.config
    return (whole_number("page", 1, 1, MAX_PAGE),
            whole_number("per_page", config["API_PAGE_SIZE"], 1, config["API_MAX_PAGE_SIZE"]))


def invalid_parameter(error: InvalidParameter) -> tuple[Response | str, int]:
    return error_response(400, f"Invalid parameter {error.param!r}: {error.message}")


def paged_json(pagination: Pagination, render: Callable[[Any], dict[str, Any]]) -> Response:
    return jsonify({
        "total": pagination.total, "page": pagination.page, "per_page": pagination.per_page,
        "pages": pagination.pages, "items": [render(item) for item in pagination.items],
    })
