"""Which Whoosh wrote the index: a stamp beside its files, checked by the health check.

The index's files are Whoosh's own pickles and segment formats; two forks that share the import
name (`whoosh-reloaded`, `whoosh3`) need not read each other's. So the distribution and version
that created the index are written to `library.json` when it is created, and an index with
another stamp, or none (written before stamps, i.e. by whoosh-reloaded), counts as unusable
before Whoosh opens it: `search ensure` and the web workers then rebuild it from the database.
"""

from __future__ import annotations

import json
import os
from functools import cache
from importlib import metadata
from pathlib import Path

import whoosh

STAMP_NAME = "library.json"


@cache
def current() -> str:
    """`<distribution>==<version>` of the Whoosh this process imports, e.g. `whoosh3==3.54.0`."""
    names = metadata.packages_distributions().get("whoosh") or ["whoosh"]
    dist = names[0]
    try:
        version = metadata.version(dist)
    except metadata.PackageNotFoundError:
        version = whoosh.versionstring()
    return f"{dist.lower()}=={version}"


def read(index_dir: Path) -> str | None:
    """The stamp of the index in `index_dir`, or None (none written, or unreadable)."""
    try:
        data = json.loads((index_dir / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    library = data.get("library") if isinstance(data, dict) else None
    return library if isinstance(library, str) else None


def write(index_dir: Path) -> None:
    """Stamp a newly created index with this process's Whoosh (atomically)."""
    tmp = index_dir / f".{STAMP_NAME}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps({"library": current()}), encoding="utf-8")
    os.replace(tmp, index_dir / STAMP_NAME)


def mismatch(index_dir: Path) -> str | None:
    """Why this process must not open the index (another Whoosh wrote it), or None."""
    stamp = read(index_dir)
    if stamp == current():
        return None
    written = stamp or "a Whoosh that left no stamp (whoosh-reloaded)"
    return f"written by {written}; this process runs {current()}"
