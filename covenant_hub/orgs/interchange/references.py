"""Does a line's reference name a known record? Shared by the handlers of the registry.

An id is known when an earlier file of the same import declares it (`context.known`) or when
the database already holds it; the database ids are read once per import and namespace.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from covenant_hub.interchange.registry import ImportContext
from covenant_hub.orgs import bulk


def is_known(
    context: ImportContext, namespace: str, external_id: str, load_ids: Callable[[], Iterable[str]]
) -> bool:
    if external_id in context.known.get(namespace, ()):
        return True
    if namespace not in context.db_ids:
        context.db_ids[namespace] = set(load_ids())
    return external_id in context.db_ids[namespace]


def org_known(context: ImportContext, external_id: str) -> bool:
    return is_known(context, "organisations", external_id, bulk.org_ids_by_external_id)
