"""Translated names for group kinds, post states and moderation actions, for templates."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from covenant_hub.forum.queries import active_threads_of_org, threads_about_practice

KIND_LABELS = {"forum": _l("Forum"), "masterclass": _l("Master class"), "discussion": _l("Discussion group")}
ACTION_LABELS = {
    "pin": _l("pinned"),
    "unpin": _l("unpinned"),
    "lock": _l("locked"),
    "unlock": _l("unlocked"),
    "move": _l("moved"),
    "merge": _l("merged"),
    "split": _l("split"),
    "hide": _l("hid"),
    "delete": _l("deleted"),
    "restore": _l("restored"),
    "dismiss_flags": _l("kept a flagged post"),
    "suspend": _l("suspended in the group"),
    "suspend_site": _l("suspended site-wide"),
    "lift_suspension": _l("lifted a suspension"),
    "approve_member": _l("admitted"),
    "reject_member": _l("declined"),
    "add_moderator": _l("added a moderator"),
}
TARGET_LABELS = {"thread": _l("thread"), "post": _l("post"), "user": _l("user")}


def register_labels(app: Flask) -> None:
    @app.context_processor
    def _forum_labels() -> dict[str, object]:
        return {
            "group_kind_labels": KIND_LABELS,
            "mod_action_labels": ACTION_LABELS,
            "mod_target_labels": TARGET_LABELS,
            # The library's practice page lists the threads about it: the forum fills that in,
            # so the library does not import the forum.
            "practice_threads": lambda practice: threads_about_practice(current_user, practice.id),
            # Likewise an organisation's profile lists the threads it takes part in.
            "org_threads": lambda org: active_threads_of_org(current_user, org.id),
        }
