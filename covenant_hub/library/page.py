"""What the practice page shows, gathered in one place so the view stays a few lines."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import select

from covenant_hub.actors import Actor
from covenant_hub.extensions import db
from covenant_hub.i18n import current_language
from covenant_hub.library import permissions, queries, translations
from covenant_hub.library.forms import (
    ActionForm,
    AttachmentForm,
    SendBackForm,
    SignatoryForm,
    as_choices,
)
from covenant_hub.library.models import Practice
from covenant_hub.library.related import related_practices
from covenant_hub.orgs.models import Organisation


def org_url(org: Organisation) -> str:
    """The organisation's profile page in the directory."""
    return url_for("orgs.view_profile", external_id=org.external_id)


def linkable_orgs(user: Actor, practice: Practice) -> list[Organisation]:
    """Members of the owner's supporters that this user may list as involved: the rule of
    `can_review_practice`, spelled out so the supporters are read once."""
    staff = permissions.is_staff(user)
    mine = None if staff else permissions.admin_org_ids(user)
    if not staff and not mine:
        return []
    supporters = permissions.supporter_ids_of(practice.org_id)
    if mine is not None:
        supporters &= mine
    if not supporters:
        return []
    taken = {practice.org_id} | {s.org_id for s in practice.signatories}
    candidates = permissions.members_of_supporters(supporters) - taken
    if not candidates:
        return []
    query = select(Organisation).where(Organisation.id.in_(candidates)).order_by(Organisation.name)
    return list(db.session.scalars(query.limit(500)))


def signatory_form_for(user: Actor, practice: Practice) -> SignatoryForm | None:
    """The "add an organisation involved" form, or None when there is nobody to add."""
    orgs = linkable_orgs(user, practice)
    if not orgs:
        return None
    form = SignatoryForm()
    form.org.choices = as_choices([(org.id, org.name) for org in orgs])
    return form


def practice_page_context(user: Actor, practice: Practice) -> dict[str, Any]:
    """Everything the practice template needs, with the permission answers precomputed."""
    return {
        "practice": practice,
        "owner_url": org_url(practice.owner),
        "contacts": queries.owner_contacts(practice.org_id),
        "versions": translations.versions_of(user, practice, current_language()),
        "related": related_practices(practice) if practice.state == "published" else [],
        "involved": [(s.organisation, org_url(s.organisation)) for s in practice.signatories],
        "can": {
            "edit": permissions.can_edit_practice(user, practice),
            "submit": practice.state == "draft" and permissions.can_submit_practice(user, practice),
            "review": practice.state == "submitted" and permissions.can_review_practice(user, practice),
            "archive": practice.state == "published" and permissions.can_archive_practice(user, practice),
            "attach": permissions.can_attach_file(user, practice),
            "translate": user.is_authenticated and bool(user.memberships) and practice.state == "published",
        },
        "action_form": ActionForm(),
        "send_back_form": SendBackForm(),
        "attachment_form": AttachmentForm(),
        "signatory_form": signatory_form_for(user, practice),
    }
