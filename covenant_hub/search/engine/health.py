"""Is the index on disk usable? Answers quickly so the app can fall back and rebuild.

The index is derived data, so the answer only needs to be "usable" or "rebuild it"; the
problem names say why, for the log. Checks, cheapest first: the folder and a TOC exist,
the TOC unpickles, every segment's files exist with the size and checksum the last commit
recorded (:mod:`covenant_hub.search.engine.manifest`), every segment's files open, and each
segment's stored fields, term dictionaries, postings and sort column can be read at their
first and last entries (a truncated compound segment file fails there).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index

from covenant_hub.search.engine import library, manifest
from covenant_hub.search.engine.schema import build_schema, schema_signature

INDEX_NAME = "MAIN"


@dataclass(frozen=True)
class Health:
    """``problem``: missing, toc_missing, library_changed (another Whoosh wrote it), toc_garbled,
    schema_outdated, segment_missing,
    segment_mismatch (size or checksum differs from the commit record), segment_corrupt."""

    ok: bool
    problem: str | None = None
    detail: str = ""


def check_health(index_dir: str | os.PathLike[str]) -> Health:
    """Whether the index in ``index_dir`` can be searched, and if not, why."""
    path = Path(index_dir)
    if not path.is_dir():
        return Health(False, "missing", f"{path} does not exist")
    names = os.listdir(path)
    has_toc = any(n.startswith(f"_{INDEX_NAME}_") and n.endswith(".toc") for n in names)
    if not has_toc:
        has_segments = any(n.endswith(".seg") for n in names)
        return Health(False, "toc_missing" if has_segments else "missing", "no table of contents")
    changed = library.mismatch(path)
    if changed is not None:  # before Whoosh unpickles a TOC another version wrote
        return Health(False, "library_changed", changed)
    try:
        ix = index.open_dir(str(path), indexname=INDEX_NAME)
    except Exception as exc:  # noqa: BLE001 - any failure to read the TOC means rebuild
        return Health(False, "toc_garbled", repr(exc))
    try:
        if schema_signature(ix.schema) != schema_signature(build_schema()):
            return Health(False, "schema_outdated", "built by an older version of the schema")
        return _check_segments(ix, path, names)
    finally:
        ix.close()


def _check_segments(ix: Any, path: Path, names: list[str]) -> Health:
    try:
        segments = ix._segments()
    except Exception as exc:  # noqa: BLE001
        return Health(False, "toc_garbled", repr(exc))
    for segment in segments:
        seg_file = f"{segment.segment_id()}.seg"
        if segment.is_compound() and seg_file not in names:
            return Health(False, "segment_missing", seg_file)
    # Before anything maps a segment: a file cut short would be read past its end (SIGBUS).
    bad = manifest.checksum_mismatch(path, [f"{s.segment_id()}.seg" for s in segments if s.is_compound()])
    if bad is not None:
        return Health(False, "segment_mismatch", bad)
    try:
        with ix.reader() as reader:
            for leaf, _ in reader.leaf_readers():
                _probe(leaf)
    except Exception as exc:  # noqa: BLE001 - truncated or garbled segment data
        return Health(False, "segment_corrupt", repr(exc))
    return Health(True)


def _probe(reader: Any) -> None:
    """Read the first and last entries of what a search touches; raises when damaged."""
    total = reader.doc_count_all()
    if total == 0:
        return
    for docnum in {0, total - 1}:
        reader.stored_fields(docnum)
    for fieldname in reader.indexed_field_names():
        first = next(iter(reader.lexicon(fieldname)), None)
        if first is not None:
            next(iter(reader.postings(fieldname, first).all_ids()), None)  # may all be deleted
    if reader.has_column("date"):
        column = reader.column_reader("date")
        column[0], column[total - 1]
    _probe_deletions(reader, total)


def _probe_deletions(reader: Any, total: int) -> None:
    if reader.has_deletions():
        reader.is_deleted(total - 1)
