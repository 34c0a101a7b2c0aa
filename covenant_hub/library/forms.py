"""Forms of the library pages; every state-changing form carries a CSRF token."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    FloatField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from covenant_hub.idempotency import SubmitOnceForm
from covenant_hub.library.labels import LANGUAGE_CHOICES, sector_choices
from covenant_hub.library.models import RESULT_FIELDS
from covenant_hub.library.services import PracticeInput
from covenant_hub.orgs.forms import CheckboxesField


def as_choices(pairs: list[tuple[Any, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def _result_field(label: str) -> FloatField:
    return FloatField(label, validators=[Optional(), NumberRange(min=0, max=1e12)])


class PracticeForm(SubmitOnceForm):
    """Create or edit a practice; the body is Markdown with a live preview."""

    org_id = SelectField(_l("Organisation"), coerce=int)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    language = SelectField(_l("Language of the text"), choices=[])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=2000)])
    body = TextAreaField(_l("Description (Markdown)"), validators=[Length(max=100_000)])
    sectors = CheckboxesField(_l("Sectors"), choices=[])  # a box per sector: no Ctrl+click list
    tags = StringField(_l("Tags (separated by commas)"), validators=[Length(max=1000)])
    co2_t_per_year = _result_field(_l("CO2 saved (t/year)"))
    energy_mwh_per_year = _result_field(_l("Energy saved (MWh/year)"))
    renewable_mwh_per_year = _result_field(_l("Renewable energy produced (MWh/year)"))
    cost_eur = _result_field(_l("Cost (EUR)"))
    jobs = _result_field(_l("Jobs created"))
    translation_of = HiddenField()

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.sectors.choices = as_choices(sector_choices())
        languages = list(LANGUAGE_CHOICES)
        current = getattr(kwargs.get("obj"), "language", None)
        if current and current not in dict(languages):  # an imported practice in another language
            languages.append((current, current))
        self.language.choices = as_choices(languages)

    def to_input(self) -> PracticeInput:
        """The form's values as the service's input (tags split on commas)."""
        return PracticeInput(
            title=self.title.data or "",
            language=self.language.data or "",
            summary=self.summary.data or "",
            body=self.body.data or "",
            sectors=list(self.sectors.data or []),
            tags=[tag for tag in (self.tags.data or "").split(",") if tag.strip()],
            results={name: getattr(self, name).data for name in RESULT_FIELDS},
        )


class SendBackForm(SubmitOnceForm):
    """Sending back needs a reason the authors can act on."""

    reason = TextAreaField(_l("Reason for sending back"), validators=[DataRequired(), Length(max=4000)])


class ActionForm(SubmitOnceForm):
    """A button-only form (submit, publish, archive): just the CSRF token."""


class AttachmentForm(SubmitOnceForm):
    file = FileField(_l("File (PDF, PNG, JPEG, GIF or WebP)"), validators=[FileRequired()])


class SignatoryForm(SubmitOnceForm):
    org = SelectField(_l("Organisation involved"), coerce=int)
