"""Forms of the agenda, news and newsletter pages; every state-changing form carries a CSRF token."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from covenant_hub.events.labels import KIND_LABELS
from covenant_hub.events.services import EventInput, NewsInput
from covenant_hub.forms import as_choices
from covenant_hub.i18n import LANGUAGE_NAMES
from covenant_hub.idempotency import SubmitOnceForm
from covenant_hub.library.labels import LANGUAGE_CHOICES

SITE_ORG = 0  # the "no organisation" choice: news by the Covenant Hub team itself
COMMON_ZONES = ("Asia/Bishkek", "Asia/Almaty", "Asia/Tashkent", "Asia/Dushanbe", "Europe/Brussels", "UTC")


def zone_choices() -> list[SelectChoice]:
    """The region's zones first, then every IANA zone alphabetically."""
    rest = sorted(zone for zone in available_timezones() if "/" in zone and zone not in COMMON_ZONES)
    return [SelectChoice(zone, zone) for zone in (*COMMON_ZONES, *rest)]


class EventForm(SubmitOnceForm):
    """Times are typed as wall-clock times in the chosen zone, as the organiser thinks of them."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Kind"), choices=[])
    organiser_id = SelectField(_l("Organiser"), coerce=int, choices=[])
    language = SelectField(_l("Language"), choices=[])
    starts = DateTimeLocalField(
        _l("Starts"), format="%Y-%m-%dT%H:%M", validators=[InputRequired(_l("Give the start date and time."))]
    )
    ends = DateTimeLocalField(
        _l("Ends"), format="%Y-%m-%dT%H:%M", validators=[InputRequired(_l("Give the end date and time."))]
    )
    timezone = SelectField(_l("Time zone"), choices=[], default="Asia/Bishkek")
    place = StringField(_l("Place"), validators=[Optional(), Length(max=300)])
    online = BooleanField(_l("Online (webinar or hybrid)"))
    url = StringField(_l("Link (to join online or to read more)"), validators=[Optional(), Length(max=500)])
    description = TextAreaField(_l("Description (Markdown)"), validators=[Length(max=100_000)])

    def __init__(self, *args: object, organisers: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = as_choices(KIND_LABELS.items())
        self.organiser_id.choices = as_choices(organisers)
        self.language.choices = as_choices(LANGUAGE_CHOICES)
        self.timezone.choices = zone_choices()

    def to_input(self) -> EventInput:
        return EventInput(
            title=self.title.data or "",
            kind=self.kind.data or "",
            language=self.language.data or "",
            starts=self.starts.data,
            ends=self.ends.data,
            timezone=self.timezone.data or "UTC",
            organiser_id=self.organiser_id.data or None,
            place=self.place.data or "",
            online=bool(self.online.data),
            url=(self.url.data or "").strip(),
            description=self.description.data or "",
        )


class NewsForm(SubmitOnceForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    org_id = SelectField(_l("Published by"), coerce=int, choices=[])
    language = SelectField(_l("Language"), choices=[])
    summary = TextAreaField(
        _l("Summary (plain text, shown in lists and feeds)"), validators=[Length(max=2000)]
    )
    body = TextAreaField(_l("Text (Markdown)"), validators=[Length(max=100_000)])

    def __init__(self, *args: object, publishers: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.org_id.choices = as_choices(publishers)
        self.language.choices = as_choices(LANGUAGE_CHOICES)

    def to_input(self) -> NewsInput:
        return NewsInput(
            title=self.title.data or "",
            language=self.language.data or "",
            summary=self.summary.data or "",
            body=self.body.data or "",
            org_id=self.org_id.data or None,
        )


class SubscribeForm(SubmitOnceForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[
            InputRequired(_l("Please enter your e-mail address.")),
            Email(_l("Please enter a valid e-mail address, such as name@example.org.")),
            Length(max=254, message=_l("The e-mail address is too long.")),
        ],
    )
    language = SelectField(_l("Edition"), choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = as_choices(
            [(code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config["LANGUAGES"]]
        )


class ActionForm(SubmitOnceForm):
    """A button-only form (publish, withdraw, confirm): just the CSRF token."""
