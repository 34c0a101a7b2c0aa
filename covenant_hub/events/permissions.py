"""Who may write and publish news and events, and who previews the newsletter.

The rules: staff and admins write for the whole site (no organisation) or for any
organisation; an org admin of an active supporter writes for that supporter only. Whoever
may edit an item may publish it (supporters speak for themselves; staff can still unpublish
by editing). Drafts are seen by their editors only; published items are public.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from covenant_hub.accounts.permissions import is_logged_in, is_staff
from covenant_hub.actors import Actor
from covenant_hub.orgs.models import Organisation

if TYPE_CHECKING:
    from covenant_hub.events.models import Event, NewsItem

WRITING_KINDS = ("supporter",)
BLOCKED_STATUSES = ("suspended",)


def writable_orgs(user: Actor) -> list[Organisation]:
    """Supporters this user administers and that are not suspended: whom they may write for.

    Read through the memberships' relationship: a page asks this several times (view, edit,
    choices, the service's own check) and after the first load the session already holds them.
    """
    if not is_logged_in(user):
        return []
    orgs = [m.organisation for m in user.memberships if m.role == "org_admin"]
    return sorted(
        (
            org
            for org in orgs
            if org is not None and org.kind in WRITING_KINDS and org.status not in BLOCKED_STATUSES
        ),
        key=lambda org: org.id,
    )


def can_write_for(user: Actor, org_id: int | None) -> bool:
    """Staff write for anyone (None: the site itself); a supporter's admin for that supporter."""
    if is_staff(user):
        return True
    return org_id is not None and org_id in {org.id for org in writable_orgs(user)}


def can_create_news(user: Actor) -> bool:
    """Whether the "write news" button is shown at all."""
    return is_staff(user) or bool(writable_orgs(user))


def can_edit_news(user: Actor, item: NewsItem) -> bool:
    return can_write_for(user, item.org_id)


def can_publish_news(user: Actor, item: NewsItem) -> bool:
    return can_edit_news(user, item)


def can_view_news(user: Actor, item: NewsItem) -> bool:
    """Published items are public; drafts only for the people who may edit them."""
    return item.state == "published" or can_edit_news(user, item)


def can_create_event(user: Actor) -> bool:
    return is_staff(user) or bool(writable_orgs(user))


def can_edit_event(user: Actor, event: Event) -> bool:
    return can_write_for(user, event.organiser_id)


def can_publish_event(user: Actor, event: Event) -> bool:
    return can_edit_event(user, event)


def can_view_event(user: Actor, event: Event) -> bool:
    return event.state == "published" or can_edit_event(user, event)


def can_preview_newsletter(user: Actor) -> bool:
    """Composed issues are unsent mail: staff only."""
    return is_staff(user)
