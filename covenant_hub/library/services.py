"""The practice workflow: create, edit, submit, publish, send back, archive, link signatories.

Each function takes the acting user, checks the permission and the state, changes the rows and
commits. A refused step raises `LibraryError` (or `NotAllowed`) with a translated message and
leaves the database untouched, so views only have to flash or 403.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from flask_babel import gettext as _

from covenant_hub import errors
from covenant_hub.actors import Actor
from covenant_hub.clock import utcnow
from covenant_hub.errors import DomainError
from covenant_hub.extensions import db
from covenant_hub.library import permissions
from covenant_hub.library.models import RESULT_FIELDS, Practice, PracticeSignatory
from covenant_hub.orgs.models import Organisation
from covenant_hub.vocabularies import SECTORS

# Which states each step may start from, and where it leads.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": (("draft",), "submitted"),
    "publish": (("submitted",), "published"),
    "send_back": (("submitted",), "draft"),
    "archive": (("published",), "archived"),
}
MAX_SUMMARY_CHARS = 2000
MAX_BODY_CHARS = 100_000
MAX_TAGS = 20
MAX_TAG_CHARS = 40
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


class LibraryError(DomainError):
    """A refused change; `str(error)` is a message for the person who tried it."""


class NotAllowed(LibraryError, errors.NotAllowed):
    """The person may not do this at all (views answer 403)."""


@dataclass
class PracticeInput:
    """What a form, the API or an import hands to `create_practice` / `update_practice`."""

    title: str
    language: str
    summary: str = ""
    body: str = ""
    sectors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    results: dict[str, float | None] = field(default_factory=dict)
    translation_of: Practice | None = None


def _clean_tags(tags: list[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags:
        tag = " ".join(str(tag).split())
        if tag and tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS or any(len(tag) > MAX_TAG_CHARS for tag in cleaned):
        raise LibraryError(
            _(
                "Use at most %(count)d tags of at most %(chars)d characters each.",
                count=MAX_TAGS,
                chars=MAX_TAG_CHARS,
            )
        )
    return cleaned


def validate_input(data: PracticeInput) -> PracticeInput:
    """Refuse what the database should never hold; return the tidied input."""
    title = " ".join((data.title or "").split())
    if not title or len(title) > 300:
        raise LibraryError(_("A title of 1 to 300 characters is required."))
    if len(data.summary or "") > MAX_SUMMARY_CHARS or len(data.body or "") > MAX_BODY_CHARS:
        raise LibraryError(
            _(
                "The summary may have at most %(summary)d characters and the description at most %(body)d.",
                summary=MAX_SUMMARY_CHARS,
                body=MAX_BODY_CHARS,
            )
        )
    if not LANGUAGE_CODE.match(data.language or ""):
        raise LibraryError(_("Choose the language the practice is written in."))
    unknown = [sector for sector in data.sectors if sector not in SECTORS]
    if unknown:
        raise LibraryError(_("Unknown sector: %(sector)s", sector=unknown[0]))
    for name, value in data.results.items():
        if name not in RESULT_FIELDS:
            raise LibraryError(_("Unknown result figure: %(name)s", name=name))
        if value is not None and value < 0:
            raise LibraryError(_("Result figures cannot be negative."))
    data.title = title
    data.tags = _clean_tags(data.tags)
    data.sectors = list(dict.fromkeys(data.sectors))
    return data


def _apply(practice: Practice, data: PracticeInput) -> None:
    practice.title = data.title
    practice.language = data.language
    practice.summary = (data.summary or "").strip()
    practice.body = data.body or ""
    practice.sectors = data.sectors
    practice.tags = data.tags
    for name in RESULT_FIELDS:
        setattr(practice, name, data.results.get(name))
    if data.translation_of is not None and data.translation_of.id != practice.id:
        source = data.translation_of
        if source.translation_group is None:
            source.translation_group = source.external_id
        practice.translation_group = source.translation_group


def create_practice(actor: Actor, org: Organisation, data: PracticeInput) -> Practice:
    """A new draft owned by `org`, written by `actor`."""
    if not permissions.can_create_practice(actor, org):
        raise NotAllowed(_("You may only write practices for your own organisation."))
    data = validate_input(data)
    practice = Practice(
        external_id=f"hub-practice-{uuid.uuid4().hex[:12]}", org_id=org.id, state="draft", author_id=actor.id
    )
    practice.owner = org
    _apply(practice, data)
    db.session.add(practice)
    db.session.commit()
    return practice


def update_practice(actor: Actor, practice: Practice, data: PracticeInput) -> Practice:
    """Change a draft's content (admins may also correct a published one)."""
    if not permissions.can_edit_practice(actor, practice):
        raise NotAllowed(
            _("Only drafts can be edited, by their author or the organisation's administrators.")
        )
    _apply(practice, validate_input(data))
    db.session.commit()
    return practice


def _transition(practice: Practice, step: str) -> None:
    sources, target = TRANSITIONS[step]
    if practice.state not in sources:
        raise LibraryError(refusal_message(step))
    practice.state = target


def submit_practice(actor: Actor, practice: Practice) -> Practice:
    """Send a draft to the reviewers."""
    if not permissions.can_submit_practice(actor, practice):
        raise NotAllowed(_("Only the author or the organisation's administrators can submit it."))
    _transition(practice, "submit")
    db.session.commit()
    return practice


def publish_practice(actor: Actor, practice: Practice) -> Practice:
    """Make a submitted practice public; the publication date is kept if it already had one."""
    if not permissions.can_review_practice(actor, practice):
        raise NotAllowed(_("Only staff or the owner's supporter can publish practices."))
    _transition(practice, "publish")
    practice.review_note = None
    if practice.published is None:
        practice.published = utcnow().date()
    db.session.commit()
    return practice


def send_back_practice(actor: Actor, practice: Practice, reason: str) -> Practice:
    """Return a submission to its authors as a draft, always with a reason they can act on."""
    if not permissions.can_review_practice(actor, practice):
        raise NotAllowed(_("Only staff or the owner's supporter can review practices."))
    reason = (reason or "").strip()
    if not reason:
        raise LibraryError(_("Say why the practice is sent back, so the authors can fix it."))
    _transition(practice, "send_back")
    practice.review_note = reason[:4000]
    db.session.commit()
    return practice


def archive_practice(actor: Actor, practice: Practice) -> Practice:
    """Retire a published practice: its page stays reachable but it leaves the list."""
    if not permissions.can_archive_practice(actor, practice):
        raise NotAllowed(_("You may not archive this practice."))
    _transition(practice, "archive")
    db.session.commit()
    return practice


def link_signatory(actor: Actor, practice: Practice, org: Organisation) -> PracticeSignatory:
    """Record that another organisation took part in the practice."""
    if not permissions.can_link_signatory(actor, practice, org.id):
        raise NotAllowed(_("You can only link organisations your supporter works with."))
    if org.id == practice.org_id or any(s.org_id == org.id for s in practice.signatories):
        raise LibraryError(_("%(name)s is already involved in this practice.", name=org.name))
    link = PracticeSignatory(practice=practice, org_id=org.id, added_by_id=actor.id)
    link.organisation = org
    db.session.add(link)
    db.session.commit()
    return link


def refusal_message(step: str) -> str:
    """Why a step cannot start from the practice's state, as one whole translatable sentence."""
    messages = {
        "submit": _("Only a draft can be submitted for review."),
        "publish": _("Only a practice submitted for review can be published."),
        "send_back": _("Only a practice submitted for review can be sent back."),
        "archive": _("Only a published practice can be archived."),
    }
    return messages[step]
