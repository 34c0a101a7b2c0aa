"""Forms for joining, claiming, deciding requests, managing members and reviewing organisations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from covenant_hub.idempotency import SubmitOnceForm

MAX_MESSAGE = 2000


class JoinForm(SubmitOnceForm):
    """Ask to join as member, or to administer the organisation (with evidence)."""

    role = RadioField(
        _l("I ask to be"),
        choices=[
            SelectChoice("member", _l("a member")),
            SelectChoice("org_admin", _l("an administrator (claim this profile)")),
        ],
        default="member",
        validators=[DataRequired()],
    )
    message = TextAreaField(_l("Message"), validators=[Optional(), Length(max=MAX_MESSAGE)])
    document = FileField(_l("Document proving you act for the organisation (PDF or image)"))


class DecideForm(SubmitOnceForm):
    """Accept or refuse one request."""

    decision = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(
        _l("Reason (sent to the person)"), validators=[Optional(), Length(max=MAX_MESSAGE)]
    )


class RoleForm(SubmitOnceForm):
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice("member", _l("Member")), SelectChoice("org_admin", _l("Administrator"))],
        validators=[DataRequired()],
    )


class PlainForm(SubmitOnceForm):
    """A button that changes something: only the CSRF token."""


class RefuseForm(SubmitOnceForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=MAX_MESSAGE)])


class MergeForm(SubmitOnceForm):
    into = HiddenField(validators=[DataRequired()])


class ActingForm(SubmitOnceForm):
    org_id = HiddenField(validators=[DataRequired()])
    next = HiddenField()
