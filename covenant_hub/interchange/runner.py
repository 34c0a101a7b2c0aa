"""Import and export a data-set folder through the handler registry, in one transaction."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from covenant_hub.extensions import db
from covenant_hub.interchange.fields import FieldError
from covenant_hub.interchange.registry import (
    FileCounts,
    FileHandler,
    ImportContext,
    ImportOptions,
    LineError,
    ParsedLine,
    handler_for,
    handlers,
)
from covenant_hub.records import problem_text

# progress(items, label) -> a context manager yielding the items, e.g. click.progressbar.
Progress = Callable[[list[Any], str], AbstractContextManager[Iterable[Any]]]


def no_progress(items: list[Any], _label: str) -> AbstractContextManager[Iterable[Any]]:
    return nullcontext(items)


@dataclass
class ImportReport:
    """What an import found and did; `written` is False when nothing reached the database."""

    files: dict[str, FileCounts] = field(default_factory=dict)
    errors: list[LineError] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "written": self.written,
            "files": {name: counts.as_dict() for name, counts in self.files.items()},
            "errors": [str(error) for error in self.errors],
        }

    def summary(self) -> str:
        parts = [
            f"{name}: {c.created} created, {c.updated} updated ({c.valid}/{c.lines} lines valid)"
            for name, c in self.files.items()
        ]
        state = "written" if self.written else "nothing written"
        return "; ".join(parts + [f"{len(self.errors)} error(s), {state}"])


def import_folder(
    folder: str | Path, options: ImportOptions | None = None, progress: Progress = no_progress
) -> ImportReport:
    """Validate every file, then write all of it in one transaction, or nothing.

    With `options.skip_invalid` the bad lines are reported and the good ones written.
    """
    options = options or ImportOptions()
    folder = Path(folder)
    report = ImportReport()
    report.errors.extend(_unhandled_files(folder))
    context = ImportContext(options=options)
    parsed: list[tuple[FileHandler, list[ParsedLine]]] = []
    for handler in handlers():
        path = folder / handler.filename
        if not path.is_file():
            continue
        lines, errors, counts = _read_file(handler, path, context, progress)
        report.files[handler.filename] = counts
        report.errors.extend(errors)
        parsed.append((handler, lines))
    if report.errors and not options.skip_invalid:
        db.session.rollback()
        return report
    try:
        for handler, lines in parsed:
            created, updated = handler.apply(lines, context)
            report.files[handler.filename].created = created
            report.files[handler.filename].updated = updated
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    report.written = True
    return report


def export_folder(folder: str | Path, progress: Progress = no_progress) -> dict[str, int]:
    """Write one file per registered handler; returns the number of records per file."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for handler in handlers():
        records = list(handler.export())
        with (
            (folder / handler.filename).open("w", encoding="utf-8", newline="\n") as out,
            progress(records, f"Writing {handler.filename}") as items,
        ):
            for record in items:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        counts[handler.filename] = len(records)
    return counts


def _unhandled_files(folder: Path) -> Iterator[LineError]:
    """A data file nobody can read yet is an error: skipping it would lose data silently."""
    if not folder.is_dir():
        yield LineError(str(folder), 0, "-", "not a folder")
        return
    for path in sorted(folder.iterdir()):
        if path.suffix == ".jsonl" and handler_for(path.name) is None:
            yield LineError(path.name, 0, "-", "no importer for this file (not supported yet)")


def _read_file(
    handler: FileHandler, path: Path, context: ImportContext, progress: Progress
) -> tuple[list[ParsedLine], list[LineError], FileCounts]:
    raw_lines = path.read_bytes().split(b"\n")
    counts = FileCounts()
    good: list[ParsedLine] = []
    errors: list[LineError] = []
    first_seen: dict[str, int] = {}
    with progress(list(enumerate(raw_lines, start=1)), f"Checking {handler.filename}") as items:
        for number, raw in items:
            if not raw.strip():
                continue
            counts.lines += 1
            values, problems = _parse_line(handler, raw, context.options)
            if values is not None and not problems:
                problems = list(_duplicate(handler, values, number, first_seen))
                problems = problems or list(handler.check(values, context))
            errors.extend(LineError(path.name, number, name, reason) for name, reason in problems)
            if values is not None and not problems:
                good.append(ParsedLine(number, values))
    counts.valid = len(good)
    context.known[handler.namespace] = {str(handler.key(line.values)) for line in good}
    return good, errors, counts


def _duplicate(
    handler: FileHandler, values: dict[str, Any], number: int, first_seen: dict[str, int]
) -> Iterator[tuple[str, str]]:
    key = handler.key(values)
    if key is None:
        return
    if key in first_seen:
        yield "id", f"duplicate {key!r} (first on line {first_seen[key]})"
    else:
        first_seen[key] = number


def _parse_line(
    handler: FileHandler, raw: bytes, options: ImportOptions
) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """Decode one line and parse each field; every problem is reported, not just the first."""
    try:
        record = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, [("-", "not valid UTF-8")]
    except json.JSONDecodeError as error:
        return None, [("-", f"invalid JSON: {error.msg} at column {error.colno}")]
    if not isinstance(record, dict):
        return None, [("-", "expected a JSON object")]
    if handler.model is not None:
        return _parse_with_model(handler.model, record, options)
    problems = (
        []
        if options.ignore_unknown
        else [(name, "unknown field") for name in record if name not in handler.fields]
    )
    values: dict[str, Any] = {}
    for name, spec in handler.fields.items():
        value = record.get(name)
        if value is None:
            if spec.required:
                problems.append((name, "required field is missing"))
            continue
        try:
            values[name] = spec.parse(value)
        except FieldError as error:
            problems.append((name, str(error)))
    return values, problems


def _parse_with_model(
    model: type[BaseModel], record: dict[str, Any], options: ImportOptions
) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """The line through the model the API uses, so both accept and refuse the same values.

    As with `fields`, null stands for an absent field; a problem deeper in a field is named in
    its reason (`results: jobs: Must be at least 0.`), the field being the line's own key.
    """
    known = model.model_fields
    problems = (
        [] if options.ignore_unknown else [(name, "unknown field") for name in record if name not in known]
    )
    present = {name: value for name, value in record.items() if name in known and value is not None}
    try:
        parsed = model.model_validate_json(json.dumps(present))
    except ValidationError as error:
        return {}, problems + [_model_problem(item) for item in error.errors()]
    return parsed.model_dump(exclude_unset=True), problems


def _model_problem(error: Any) -> tuple[str, str]:
    location = [str(part) for part in error.get("loc", ()) if part != "[key]"]
    name, inner = (location[0], location[1:]) if location else ("-", [])
    reason = problem_text(error)
    return name, f"{'.'.join(inner)}: {reason}" if inner else reason
