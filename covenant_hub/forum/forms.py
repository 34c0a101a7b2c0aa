"""Forms of the forum pages; every one carries a CSRF token through Flask-WTF."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from covenant_hub.forms import as_choices
from covenant_hub.forum.moderation import MAX_REASON, MAX_SUSPENSION_DAYS
from covenant_hub.forum.services import MAX_BODY, MAX_TITLE
from covenant_hub.idempotency import SubmitOnceForm
from covenant_hub.inputs import MAX_ID, record_id


def kind_choices() -> list[tuple[str, str]]:
    return [
        ("forum", str(_l("Forum"))),
        ("masterclass", str(_l("Master class"))),
        ("discussion", str(_l("Discussion group"))),
    ]


def watch_choices() -> list[tuple[str, str]]:
    return [
        ("muted", str(_l("Muted: no notifications"))),
        ("normal", str(_l("Normal: mentions and replies to my threads"))),
        ("watching", str(_l("Watching: every new post"))),
    ]


class ActionForm(SubmitOnceForm):
    """A button-only form: just the CSRF token."""


class GroupForm(SubmitOnceForm):
    title = StringField(_l("Name"), validators=[DataRequired(), Length(max=MAX_TITLE)])
    description = TextAreaField(_l("Description"), validators=[Length(max=4000)])
    kind = SelectField(_l("Kind"), choices=[])
    language = SelectField(
        _l("Language"), choices=as_choices([("ky", "Кыргызча"), ("ru", "Русский"), ("en", "English")])
    )
    visibility = SelectField(_l("Who can read"), choices=[])
    join_policy = SelectField(_l("How to join"), choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = as_choices(kind_choices())
        self.visibility.choices = as_choices([("public", _l("Everyone")), ("members", _l("Members only"))])
        self.join_policy.choices = as_choices(
            [("open", _l("Anyone may join")), ("request", _l("On request, approved by moderators"))]
        )


class ThreadForm(SubmitOnceForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE)])
    body = TextAreaField(_l("Message (Markdown)"), validators=[DataRequired(), Length(max=MAX_BODY)])
    group_id = SelectField(_l("Group"), coerce=record_id, choices=[], validate_choice=False)


class ReplyForm(SubmitOnceForm):
    body = TextAreaField(_l("Your reply (Markdown)"), validators=[DataRequired(), Length(max=MAX_BODY)])


class ReasonForm(SubmitOnceForm):
    reason = TextAreaField(_l("Reason"), validators=[Length(max=MAX_REASON)])


class MoveForm(SubmitOnceForm):
    group_id = SelectField(_l("Move to group"), coerce=record_id, choices=[], validate_choice=False)
    reason = StringField(_l("Reason"), validators=[Length(max=MAX_REASON)])


class MergeForm(SubmitOnceForm):
    other_id = IntegerField(
        _l("Number of the thread to merge into this one"),
        validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)],
    )
    reason = StringField(_l("Reason"), validators=[Length(max=MAX_REASON)])


class SplitForm(SubmitOnceForm):
    title = StringField(_l("Title of the new thread"), validators=[DataRequired(), Length(max=MAX_TITLE)])
    reason = StringField(_l("Reason"), validators=[Length(max=MAX_REASON)])


class SuspendForm(SubmitOnceForm):
    email = StringField(_l("E-mail of the account"), validators=[DataRequired(), Email(), Length(max=254)])
    days = IntegerField(_l("Days"), validators=[DataRequired(), NumberRange(min=1, max=MAX_SUSPENSION_DAYS)])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=MAX_REASON)])


class WatchForm(SubmitOnceForm):
    level = SelectField(_l("Notifications"), choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.level.choices = as_choices(watch_choices())


class ModeratorForm(SubmitOnceForm):
    email = StringField(
        _l("E-mail of the new moderator"), validators=[DataRequired(), Email(), Length(max=254)]
    )


class FlagForm(SubmitOnceForm):
    reason = StringField(_l("What is wrong with this post?"), validators=[Optional(), Length(max=MAX_REASON)])
