"""Who may see the site-wide pages that are not public. Yes/no functions, as in every domain."""

from __future__ import annotations

from covenant_hub.accounts.permissions import is_staff
from covenant_hub.actors import Actor


def can_view_staff_desk(user: Actor) -> bool:
    """The staff desk gathers every queue CoMO staff work through: staff and admins only.

    Each action on the desk is still checked by its own domain's permission when it is posted.
    """
    return is_staff(user)
