"""Each segment file's size and checksum, recorded after every commit, checked before use.

Whoosh maps segment files into memory; a file that shrinks while mapped (or was cut short
before it was opened) makes the next read of a missing page kill the process with SIGBUS, where
Python cannot catch it. So the size of every segment file is compared with this record before
a searcher maps it and again before each search (one ``stat`` per segment), and the checksums
when the health check runs; a mismatch quarantines the file (moved out of the index folder, so
no other process maps it either) and the index counts as damaged: search answers from the
database and the existing rebuild path runs.

mmap stays on: without it Whoosh reads every segment through one shared file handle with
seek-then-read, which is not safe with the request threads and the drainer sharing a searcher.
"""

from __future__ import annotations

import json
import os
import time
import zlib
from pathlib import Path
from typing import Any

from whoosh import index

MANIFEST_NAME = "segments.json"
QUARANTINE_SUFFIX = ".quarantine"
_CHUNK = 1 << 20


def manifest_path(index_dir: Path) -> Path:
    return index_dir / MANIFEST_NAME


def segment_files(ix: Any) -> list[str]:
    """The compound segment files (``<id>.seg``) the index's current TOC names."""
    return [f"{s.segment_id()}.seg" for s in ix._segments() if s.is_compound()]


def checksum(path: Path) -> int:
    """CRC-32 of a file, read in chunks (plain reads, never a memory map)."""
    value = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            value = zlib.crc32(chunk, value)
    return value


def read(index_dir: Path) -> dict[str, dict[str, int]]:
    """File name -> {"size", "crc32"}; empty when there is no readable manifest."""
    try:
        data = json.loads(manifest_path(index_dir).read_text(encoding="utf-8"))
        return {str(name): {"size": int(v["size"]), "crc32": int(v["crc32"])} for name, v in data.items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def write(index_dir: Path, index_name: str) -> None:
    """Record the current segments (called after each commit, under no lock: the record is
    computed from the latest TOC, so a writer that finishes second does not record a stale
    list). Checksums of files already recorded with the same size are reused: segments never
    change once written."""
    ix = index.open_dir(str(index_dir), indexname=index_name)
    try:
        names = segment_files(ix)
    finally:
        ix.close()
    old = read(index_dir)
    entries: dict[str, dict[str, int]] = {}
    for name in names:
        path = index_dir / name
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            continue  # merged away by a later commit; that commit records its own files
        known = old.get(name)
        crc = known["crc32"] if known and known["size"] == size else checksum(path)
        entries[name] = {"size": size, "crc32": crc}
    tmp = index_dir / f".{MANIFEST_NAME}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(entries, sort_keys=True), encoding="utf-8")
    os.replace(tmp, manifest_path(index_dir))


def size_mismatch(index_dir: Path, names: list[str], recorded: dict[str, dict[str, int]]) -> str | None:
    """The first recorded segment whose file is missing or not its recorded size."""
    for name in names:
        expected = recorded.get(name)
        if expected is None:
            continue  # written by a commit whose record is not there yet
        try:
            size = (index_dir / name).stat().st_size
        except FileNotFoundError:
            return name
        if size != expected["size"]:
            return name
    return None


def checksum_mismatch(index_dir: Path, names: list[str]) -> str | None:
    """The first segment whose size or checksum differs from the record (the health check)."""
    recorded = read(index_dir)
    bad = size_mismatch(index_dir, names, recorded)
    if bad is not None:
        return bad
    for name in names:
        if name in recorded and checksum(index_dir / name) != recorded[name]["crc32"]:
            return name
    return None


def quarantine(index_dir: Path, name: str) -> Path | None:
    """Move a damaged segment file beside the index (kept for inspection, mapped by nobody)."""
    folder = index_dir.parent / f"{index_dir.name}{QUARANTINE_SUFFIX}"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{int(time.time())}-{os.getpid()}-{name}"
    try:
        os.replace(index_dir / name, target)
    except FileNotFoundError:
        return None  # already moved by another process
    return target
