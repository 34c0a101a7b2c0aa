"""Each segment file's size and checksum, recorded after every commit, checked before use.

Whoosh maps segment files into memory; a file that shrinks while mapped (or was cut short
before it was opened) makes the next read of a missing page kill the process with SIGBUS, where
Python cannot catch it. So the size of every segment file is compared with this record before
a searcher maps it and again before each search (one ``stat`` per segment), and the checksums
when the health check runs; a mismatch quarantines the file (moved out of the index folder, so
no other process maps it either) and the index counts as damaged: search answers from the
database and the existing rebuild path runs. A file whose bytes changed but not its size (random
bytes written over it) is caught by its checksum: each process keeps the ``stat`` of every file
it has verified, and checksums a file again whenever that ``stat`` changes (:class:`Verifier`),
before searching and before a writer merges the file into a new segment (which would otherwise
record the damage as a healthy checksum).

mmap stays on: without it Whoosh reads every segment through one shared file handle with
seek-then-read, which is not safe with the request threads and the drainer sharing a searcher.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import time
import zlib
from pathlib import Path
from typing import Any

from whoosh import index

MANIFEST_NAME = "segments.json"
QUARANTINE_SUFFIX = ".quarantine"
_CHUNK = 1 << 20
RACY_NS = 2_000_000_000  # coarser than any file system's modification times we run on


def manifest_path(index_dir: Path) -> Path:
    return index_dir / MANIFEST_NAME


def segment_files(ix: Any) -> list[str]:
    """The compound segment files (``<id>.seg``) the index's current TOC names."""
    return segment_files_of(ix._segments())


def segment_files_of(segments: list[Any]) -> list[str]:
    """The compound segment files (``<id>.seg``) of these Whoosh segments."""
    return [f"{s.segment_id()}.seg" for s in segments if s.is_compound()]


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


class Verifier:
    """One process's check of segment files against the record: a ``stat`` per file on each
    call, a checksum only for a file this process has not verified in its current state (new,
    or its inode, size or times changed since). A file modified less than RACY_NS ago is never
    taken as verified: a change within the file system's timestamp granularity of the last
    check would leave its times unchanged (git's "racily clean" files). Not thread-safe:
    callers hold their own lock."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self._recorded: dict[str, dict[str, int]] = {}
        self._verified: dict[str, tuple[int, int, int, int]] = {}

    def first_bad(self, names: list[str]) -> str | None:
        """The first file missing, of the wrong size or with the wrong checksum, or None."""
        if not self._recorded or any(name not in self._recorded for name in names):
            self._recorded = read(self.index_dir)
        self._verified = {name: key for name, key in self._verified.items() if name in names}
        for name in names:
            expected = self._recorded.get(name)
            if expected is None:
                continue  # written by a commit whose record is not there yet
            path = self.index_dir / name
            try:
                info = path.stat()
            except FileNotFoundError:
                return name
            if info.st_size != expected["size"]:
                return name
            key = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
            if self._verified.get(name) == key:
                continue
            try:
                crc = checksum(path)
            except FileNotFoundError:
                return name  # merged away since the stat: the caller sees the new generation
            if crc != expected["crc32"]:
                self._verified.pop(name, None)
                return name
            if time.time_ns() - info.st_mtime_ns > RACY_NS:
                self._verified[name] = key
        return None


def quarantine(index_dir: Path, name: str) -> Path | None:
    """Move a damaged segment file beside the index (kept for inspection, mapped by nobody).

    The index folder may be a mount of its own (a volume, a tmpfs): then the file is copied
    out and removed, or, when even that fails (the copy's disk full), just removed."""
    folder = index_dir.parent / f"{index_dir.name}{QUARANTINE_SUFFIX}"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{int(time.time())}-{os.getpid()}-{name}"
    source = index_dir / name
    try:
        os.replace(source, target)
    except FileNotFoundError:
        return None  # already moved by another process
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        return _move_across_devices(source, target)
    return target


def _move_across_devices(source: Path, target: Path) -> Path | None:
    kept: Path | None = target
    try:
        shutil.copyfile(source, target)
    except FileNotFoundError:
        return None  # already moved by another process
    except OSError:
        target.unlink(missing_ok=True)
        kept = None
    source.unlink(missing_ok=True)
    return kept
