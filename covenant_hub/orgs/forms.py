"""The profile form org admins fill in."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from covenant_hub.forms import as_choices
from covenant_hub.idempotency import SubmitOnceForm
from covenant_hub.interchange.fields import is_http_url
from covenant_hub.vocabularies import SECTOR_LABELS

LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")
MAX_TEXT = 5000


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def split_codes(text: str | None) -> list[str]:
    """'ky, ru en' -> ['ky', 'ru', 'en']."""
    return [code for code in re.split(r"[\s,;]+", (text or "").strip().lower()) if code]


class ProfileForm(SubmitOnceForm):
    description = TextAreaField(_l("Who we are"), validators=[Optional(), Length(max=MAX_TEXT)])
    needs = TextAreaField(
        _l("What we want to learn or get help with"), validators=[Optional(), Length(max=MAX_TEXT)]
    )
    offers = TextAreaField(
        _l("Services, expertise and support we offer"), validators=[Optional(), Length(max=MAX_TEXT)]
    )
    sectors = CheckboxesField(_l("Sectors"), choices=[], validate_choice=True)
    languages = StringField(
        _l("Working languages"),
        validators=[Optional(), Length(max=100)],
        description=_l("Two-letter codes separated by commas, for example: ky, ru, en"),
    )
    website = StringField(
        _l("Website"),
        validators=[Optional(), Length(max=500)],
        description=_l("A full address starting with http:// or https://"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sectors.choices = as_choices(SECTOR_LABELS.items())

    def validate_languages(self, field: StringField) -> None:
        if any(not LANGUAGE_CODE.match(code) for code in split_codes(field.data)):
            raise ValidationError(_("Use two-letter language codes such as ky, ru, en."))

    def validate_website(self, field: StringField) -> None:
        if field.data and not is_http_url(field.data.strip()):
            raise ValidationError(_("Enter a web address starting with http:// or https://."))


class ContactForm(SubmitOnceForm):
    """A message to an organisation's admins, from its profile."""

    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=150)])
    message = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=4000)])
