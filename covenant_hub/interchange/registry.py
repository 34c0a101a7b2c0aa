"""The registry of per-file handlers: one per interchange file, run in a fixed order.

A later issue adds a file (practices.jsonl, events.jsonl, ...) by subclassing `FileHandler`
in its own domain and calling `register_handler` from its `register_*` function. A file that
is present in a folder but has no handler is reported as an error, never skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel

from covenant_hub.interchange.fields import Field


@dataclass(frozen=True)
class LineError:
    """One problem, printed as `file:line: field: reason`."""

    file: str
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.reason}"


@dataclass
class ParsedLine:
    """A line whose fields all parsed; `values` holds the parsed values by field name."""

    line: int
    values: dict[str, Any]


@dataclass
class ImportOptions:
    skip_invalid: bool = False
    ignore_unknown: bool = False
    mark_sample: bool = False


@dataclass
class ImportContext:
    """What handlers share during one import: the ids each file made valid, and options.

    `known` maps a namespace (a handler's filename stem, e.g. "organisations") to the ids its
    valid lines declare; handlers add existing database ids lazily through `db_ids`.
    """

    options: ImportOptions
    known: dict[str, set[str]] = field(default_factory=dict)
    db_ids: dict[str, set[str]] = field(default_factory=dict)
    #: What a handler remembers of its own file's earlier lines while checking (by handler).
    seen: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class FileCounts:
    lines: int = 0
    valid: int = 0
    created: int = 0
    updated: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"lines": self.lines, "valid": self.valid, "created": self.created, "updated": self.updated}


class FileHandler:
    """Reads, checks, writes and exports one interchange file.

    Subclasses set `filename`, `fields` (or `model`, a pydantic model the API shares, which
    then reads the lines instead) and `order`, and implement `apply` and `export`;
    they may override `key` (duplicate detection) and `check` (references to other records).
    """

    filename: ClassVar[str] = ""
    order: ClassVar[int] = 100
    fields: ClassVar[dict[str, Field]] = {}
    model: ClassVar[type[BaseModel] | None] = None

    @property
    def namespace(self) -> str:
        return self.filename.removesuffix(".jsonl")

    def key(self, values: dict[str, Any]) -> str | None:
        """The record's identity within the file; None when it has no id."""
        return values.get("id")

    def check(self, values: dict[str, Any], context: ImportContext) -> Iterator[tuple[str, str]]:
        """Cross-record problems as (field, reason); by default there are none."""
        return iter(())

    def apply(self, lines: list[ParsedLine], context: ImportContext) -> tuple[int, int]:
        """Create or update the records; return (created, updated). Must not commit."""
        raise NotImplementedError

    def export(self) -> Iterable[dict[str, Any]]:
        """The file's records in a stable order, as JSON-ready dicts."""
        raise NotImplementedError


_HANDLERS: dict[str, FileHandler] = {}


def register_handler(handler: FileHandler) -> None:
    """Add (or replace) the handler for `handler.filename`."""
    _HANDLERS[handler.filename] = handler


def handlers() -> list[FileHandler]:
    """Every registered handler, in import order (organisations before what refers to them)."""
    return sorted(_HANDLERS.values(), key=lambda handler: (handler.order, handler.filename))


def handler_for(filename: str) -> FileHandler | None:
    return _HANDLERS.get(filename)
