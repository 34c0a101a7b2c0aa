"""Who may see the job queue and send failed mail again: CoMO staff and admins.

The checks read the actor's role directly: core must not import the accounts domain.
"""

from __future__ import annotations

from covenant_hub.actors import Actor


def _is_staff(user: Actor | None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "is_active", False)) and user.role in ("staff", "admin")


def can_view_job_queue(user: Actor | None) -> bool:
    """See queued and failed mail with its reason: staff and admins."""
    return _is_staff(user)


def can_retry_jobs(user: Actor | None) -> bool:
    """Queue failed mail again: staff and admins."""
    return _is_staff(user)
