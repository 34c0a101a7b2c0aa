"""Forms of the match-request workflow (Flask-WTF: every one carries a CSRF token)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from covenant_hub.forms import as_choices
from covenant_hub.idempotency import SubmitOnceForm
from covenant_hub.matching.models import WANTED_KINDS
from covenant_hub.matching.workflow import MAX_KM, MAX_MESSAGE, MAX_TEXT
from covenant_hub.orgs.forms import LANGUAGE_CODE, CheckboxesField, split_codes
from covenant_hub.vocabularies import SECTOR_LABELS

KIND_CHOICES = {
    "signatory": _l("Peer signatories that did what we plan"),
    "candidate": _l("Candidate cities with the same plans"),
    "supporter": _l("Supporters"),
    "coordinator": _l("Coordinators"),
}


class RequestForm(SubmitOnceForm):
    text = TextAreaField(
        _l("What do you need?"),
        validators=[DataRequired(), Length(max=MAX_TEXT)],
        description=_l(
            "For example: we plan to replace street lighting with LED lamps "
            "and look for a city that has done it."
        ),
    )
    kinds = CheckboxesField(
        _l("Who are you looking for?"),
        choices=[],
        validate_choice=True,
        validators=[DataRequired(message=_l("Choose at least one."))],
    )
    sectors = CheckboxesField(_l("Sectors"), choices=[], validate_choice=True)
    languages = StringField(
        _l("Languages"),
        validators=[Optional(), Length(max=100)],
        description=_l("Two-letter codes separated by commas, for example: ky, ru, en"),
    )
    max_km = IntegerField(
        _l("How far (km)"),
        validators=[Optional(), NumberRange(min=1, max=MAX_KM)],
        description=_l("Leave empty for any distance."),
    )
    submit = SubmitField(_l("File the request"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kinds.choices = as_choices((kind, KIND_CHOICES[kind]) for kind in WANTED_KINDS)
        self.sectors.choices = as_choices(SECTOR_LABELS.items())

    def validate_languages(self, field: StringField) -> None:
        if any(not LANGUAGE_CODE.match(code) for code in split_codes(field.data)):
            raise ValidationError(_("Use two-letter language codes such as ky, ru, en."))


class InviteForm(SubmitOnceForm):
    candidates = CheckboxesField(
        _l("Invite"),
        choices=[],
        coerce=int,
        validate_choice=True,
        validators=[DataRequired(message=_l("Choose at least one proposal."))],
    )
    message = TextAreaField(
        _l("Message to the organisations you invite"), validators=[Optional(), Length(max=MAX_MESSAGE)]
    )
    submit = SubmitField(_l("Send invitations"))


class AnswerForm(SubmitOnceForm):
    message = TextAreaField(_l("Your answer"), validators=[Optional(), Length(max=MAX_MESSAGE)])
    accept = SubmitField(_l("Accept"))
    decline = SubmitField(_l("Decline"))


class OutcomeForm(SubmitOnceForm):
    org = SelectField(_l("Recorded for"), coerce=int, choices=[])
    learned = TextAreaField(_l("What did you learn?"), validators=[Optional(), Length(max=MAX_TEXT)])
    practice = SelectField(_l("A practice you replicated"), choices=[], validate_choice=True)
    submit = SubmitField(_l("Record the outcome"))

    def practice_id(self) -> int | None:
        return int(self.practice.data) if self.practice.data else None


class RefreshForm(SubmitOnceForm):
    """An empty form: only its CSRF token matters."""
