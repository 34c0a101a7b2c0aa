"""The ranker's weights, versioned in the database so that every worker on every node ranks
with the same ones.

`flask match tune --apply` (or `flask match weights set FILE`) adds a row; the newest row is
current. A worker reads the newest version number when it builds its model (at start and after
`flask match rebuild`) and keeps each version's weights in a per-process cache, so a build costs
one small query. With no row (a fresh database) the shipped engine/weights.json is the default.
"""

from __future__ import annotations

import copy
import logging
import threading
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from covenant_hub.database import reading_only, writing
from covenant_hub.extensions import db
from covenant_hub.matching.engine.model import load_weights
from covenant_hub.matching.models import MatchWeights

log = logging.getLogger(__name__)
CACHE = "covenant_match_weights"
REQUIRED_KEYS = ("profiles",)
_lock = threading.Lock()


class WeightsError(ValueError):
    """Weights that the ranker could not use."""


@dataclass(frozen=True)
class CurrentWeights:
    version: int | None  # None: the shipped file
    weights: dict[str, Any]


def _cache() -> dict[int, dict[str, Any]]:
    return current_app.extensions.setdefault(CACHE, {})


def current_version() -> int | None:
    """The newest stored version, read on a short connection of its own (never a request's)."""
    try:
        with reading_only(), Session(db.engine) as session:
            return session.scalar(select(func.max(MatchWeights.id)))
    except (OperationalError, ProgrammingError):  # a database not yet migrated
        log.warning("match_weights is unreadable: ranking with the shipped weights", exc_info=True)
        return None


def current() -> CurrentWeights:
    """The weights to build with now, and their version."""
    version = current_version()
    if version is None:
        return CurrentWeights(None, load_weights())
    cache = _cache()
    with _lock:
        weights = cache.get(version)
    if weights is None:
        with reading_only(), Session(db.engine) as session:
            row = session.get(MatchWeights, version)
            weights = dict(row.weights) if row is not None else load_weights()
        with _lock:
            cache[version] = weights
    return CurrentWeights(version, copy.deepcopy(weights))


def current_weights() -> dict[str, Any]:
    return current().weights


def validate(weights: Any) -> dict[str, Any]:
    """Refuse what is not a weights document like the shipped one (same top-level keys)."""
    shipped = load_weights()
    if not isinstance(weights, dict):
        raise WeightsError("the weights must be a JSON object")
    missing = sorted(set(shipped) - set(weights))
    if missing:
        raise WeightsError("the weights lack " + ", ".join(missing))
    if not isinstance(weights.get("profiles"), dict) or set(weights["profiles"]) != set(shipped["profiles"]):
        raise WeightsError("the weights must have the profiles " + ", ".join(sorted(shipped["profiles"])))
    return weights


def store(weights: dict[str, Any], note: str = "") -> int:
    """Add a version and commit; returns its number. Workers use it after `match rebuild`."""
    validate(weights)
    with writing():
        row = MatchWeights(weights=weights, note=note[:200])
        db.session.add(row)
        db.session.commit()
        return row.id
