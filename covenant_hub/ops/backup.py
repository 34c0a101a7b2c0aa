"""Consistent online backups of the database and the uploaded files, with a manifest of checksums,
and their restore into an empty instance.

The database copy is one read transaction, so it holds exactly the rows committed when it began
while the site goes on writing: on SQLite, the online backup API in a single step (in WAL mode
readers never block writers, and a one-step copy is never restarted by their commits); on
PostgreSQL, `pg_dump`, which reads from one snapshot. The file trees (practice attachments,
supporter agreements) are copied after it: a stored file is never changed in place, so each
file a copied row names was written before its row was committed, and is there.

A backup folder holds `database.sqlite3` or `database.pgdump`, `files/<tree>/...` and
`manifest.json` (format, time, database kind, schema revision, row counts, and the size and
SHA-256 of every file). Restore checks every checksum first and refuses a non-empty target:
nothing is changed unless the whole backup is sound and the instance holds no rows or files.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, func, select, text
from sqlalchemy.engine import Engine

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
Progress = Callable[[str, int, int], None]  # (step, done, total)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class Manifest:
    """What `manifest.json` records about one backup."""

    format: int
    created_at: str
    database: str  # "sqlite" or "postgresql"
    revision: str | None
    rows: dict[str, int]
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # relative path -> size, sha256

    def write(self, folder: Path) -> None:
        (folder / MANIFEST).write_text(json.dumps(asdict(self), indent=1, sort_keys=True))

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        try:
            data = json.loads((folder / MANIFEST).read_text())
            return cls(**data)
        except FileNotFoundError as error:
            raise BackupError(f"{folder} holds no {MANIFEST}: not a Covenant Hub backup") from error
        except (ValueError, TypeError) as error:
            raise BackupError(f"{folder / MANIFEST} is unreadable: {error}") from error


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _quiet(_step: str, _done: int, _total: int) -> None:
    return None


# -- create ------------------------------------------------------------------------------------


def create(engine: Engine, dest: Path, trees: dict[str, Path], progress: Progress = _quiet) -> Manifest:
    """Write a backup of the database behind `engine` and of `trees` (name -> folder) into `dest`,
    which must be new or empty. Returns the manifest written last (its presence marks a whole
    backup: a folder without one is a backup that did not finish)."""
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: give a new folder for each backup")
    dest.mkdir(parents=True, exist_ok=True)
    progress("database", 0, 1)
    kind = engine.dialect.name
    name = _copy_sqlite(engine, dest) if kind == "sqlite" else _dump_postgresql(engine, dest)
    rows, revision = _counts_of_copy(engine, dest / name)
    progress("database", 1, 1)
    manifest = Manifest(FORMAT, datetime.now(UTC).isoformat(timespec="seconds"), kind, revision, rows)
    manifest.files[name] = _entry(dest / name)
    sources = list(_tree_files(trees))
    for done, (relative, source) in enumerate(sources, 1):
        target = dest / "files" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        manifest.files[f"files/{relative}"] = _entry(target)
        progress("files", done, len(sources))
    manifest.write(dest)
    return manifest


def _entry(path: Path) -> dict[str, Any]:
    return {"size": path.stat().st_size, "sha256": sha256(path)}


def _tree_files(trees: dict[str, Path]) -> Iterator[tuple[str, Path]]:
    """(relative name in the backup, source) for every file of every tree, once: a tree inside
    another (agreements inside attachments by default) is copied with its parent only."""
    roots = {name: folder.resolve() for name, folder in trees.items() if folder.is_dir()}
    for name, root in sorted(roots.items()):
        if any(root != other and other in root.parents for other in roots.values()):
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            yield f"{name}/{path.relative_to(root).as_posix()}", path


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _copy_sqlite(engine: Engine, dest: Path) -> str:
    """SQLite's online backup API in one step: one read transaction, a consistent copy."""
    source = sqlite3.connect(_sqlite_path(engine), timeout=30)
    target = sqlite3.connect(dest / SQLITE_FILE)
    try:
        source.backup(target, pages=-1)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        target.close()
        source.close()
    return SQLITE_FILE


def libpq_url(engine: Engine) -> str:
    """The engine's URL as pg_dump and pg_restore read it (no SQLAlchemy driver suffix)."""
    url = engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _dump_postgresql(engine: Engine, dest: Path) -> str:
    """pg_dump in its custom format: one snapshot, so one consistent state of every table."""
    command = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
               f"--file={dest / PG_FILE}", libpq_url(engine)]  # fmt: skip
    _run(command, "pg_dump")
    return PG_FILE


def _pg_tool(name: str) -> str:
    """The PostgreSQL client tool on PATH, else Debian's versioned server binaries (newest)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if not candidates:
        raise BackupError(f"{name} is needed for a PostgreSQL database: install Debian's postgresql-client")
    return str(candidates[-1])


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip()[-2000:]}")


def _counts_of_copy(engine: Engine, copy: Path) -> tuple[dict[str, int], str | None]:
    """Rows per table as the copy holds them (a SQLite copy is read; a dump is counted at the
    source right after it, so the counts are approximate there and only informative)."""
    if engine.dialect.name == "sqlite":
        from sqlalchemy import create_engine

        copy_engine = create_engine(f"sqlite:///{copy}")
        try:
            return table_counts(copy_engine), _revision(copy_engine)
        finally:
            copy_engine.dispose()
    return table_counts(engine), _revision(engine)


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows per table, alembic_version left out."""
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return {
            name: connection.scalar(select(func.count()).select_from(table)) or 0
            for name, table in sorted(metadata.tables.items())
            if name != "alembic_version"
        }


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        try:
            return connection.scalar(text("SELECT version_num FROM alembic_version"))
        except Exception:  # noqa: BLE001 - a database never migrated has no revision
            return None


# -- verify and restore ------------------------------------------------------------------------


def verify(folder: Path, progress: Progress = _quiet) -> Manifest:
    """The manifest, once every file it lists is there with its size and checksum."""
    manifest = Manifest.read(folder)
    if manifest.format != FORMAT:
        raise BackupError(f"backup format {manifest.format} is not {FORMAT}: restore it with its own version")
    for done, (relative, entry) in enumerate(sorted(manifest.files.items()), 1):
        path = folder / relative
        if not path.is_file():
            raise BackupError(f"the backup is incomplete: {relative} is missing")
        if path.stat().st_size != entry["size"] or sha256(path) != entry["sha256"]:
            raise BackupError(f"the backup is damaged: {relative} does not match its checksum")
        progress("verify", done, len(manifest.files))
    return manifest


def emptiness_problem(engine: Engine, trees: dict[str, Path]) -> str | None:
    """Why this instance is not empty (rows in a table, files in a tree), or None."""
    full = {name: count for name, count in table_counts(engine).items() if count}
    if full:
        named = ", ".join(f"{name} ({count})" for name, count in list(full.items())[:5])
        return f"the database already holds rows: {named}"
    for name, folder in trees.items():
        if folder.is_dir() and any(p.is_file() for p in folder.rglob("*")):
            return f"the {name} folder {folder} already holds files"
    return None


def restore(engine: Engine, folder: Path, trees: dict[str, Path], progress: Progress = _quiet) -> Manifest:
    """Put a verified backup into this empty instance: the database, then the files."""
    manifest = verify(folder, progress)
    if manifest.database != engine.dialect.name:
        raise BackupError(f"this is a {manifest.database} backup; the instance uses {engine.dialect.name}")
    problem = emptiness_problem(engine, trees)
    if problem:
        raise BackupError(f"restore needs an empty instance, and {problem}. Nothing was changed.")
    engine.dispose()
    progress("database", 0, 1)
    if manifest.database == "sqlite":
        _restore_sqlite(engine, folder / SQLITE_FILE)
    else:
        _restore_postgresql(engine, folder / PG_FILE)
    progress("database", 1, 1)
    copies = [name for name in manifest.files if name.startswith("files/")]
    for done, relative in enumerate(copies, 1):
        tree, _, rest = relative.removeprefix("files/").partition("/")
        if tree not in trees:
            raise BackupError(f"the backup holds a {tree} folder this instance has no setting for")
        target = trees[tree] / rest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(folder / relative, target)
        progress("files", done, len(copies))
    return manifest


def _restore_sqlite(engine: Engine, copy: Path) -> None:
    """Page by page into the target file through SQLite itself (its WAL and locks respected)."""
    target_path = _sqlite_path(engine)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(copy)
    target = sqlite3.connect(target_path, timeout=30)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
    finally:
        target.close()
        source.close()


def _restore_postgresql(engine: Engine, dump: Path) -> None:
    """pg_restore over the empty schema (its tables dropped and made again from the dump)."""
    command = [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
               "--single-transaction", f"--dbname={libpq_url(engine)}", str(dump)]  # fmt: skip
    _run(command, "pg_restore")


def file_trees(config: Any, instance_path: str) -> dict[str, Path]:
    """The uploaded-file folders of an app's settings, by their name in a backup."""
    attachments = Path(config.get("ATTACHMENTS_DIR") or Path(instance_path) / "attachments")
    trees = {"attachments": attachments}
    if config.get("AGREEMENTS_DIR"):
        trees["agreements"] = Path(config["AGREEMENTS_DIR"])
    return trees


__all__ = ["BackupError", "Manifest", "create", "file_trees", "restore", "verify"]
