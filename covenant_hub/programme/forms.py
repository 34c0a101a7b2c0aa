"""Forms of the programme pages; every state-changing form carries a CSRF token."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from covenant_hub.forms import as_choices
from covenant_hub.idempotency import SubmitOnceForm
from covenant_hub.orgs.forms import split_codes
from covenant_hub.programme import labels
from covenant_hub.programme.applications import ApplicationInput
from covenant_hub.programme.models import COMMITMENTS
from covenant_hub.programme.supporters import ActivityInput, ServiceInput


class ApplicationForm(SubmitOnceForm):
    """The expression of interest."""

    network_name = StringField(_l("Name of the network"), validators=[DataRequired(), Length(max=300)])
    country = SelectField(_l("Country (leave empty for a multi-country network)"), choices=[])
    network_kind = SelectField(_l("Kind of network"), choices=[], validators=[DataRequired()])
    member_count = IntegerField(
        _l("Number of members"), validators=[DataRequired(), NumberRange(min=1, max=1_000_000)]
    )
    languages = StringField(
        _l("Languages (two-letter codes separated by commas, e.g. ky, ru, en)"),
        validators=[DataRequired(), Length(max=200)],
    )
    regions = TextAreaField(_l("Regions covered"), validators=[DataRequired(), Length(max=4000)])
    motivation = TextAreaField(
        _l("Why does the network want to become a Covenant Supporter?"),
        validators=[DataRequired(), Length(max=4000)],
    )
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=200)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    # Shown only to org admins; the service checks the choice, so no choice validation here.
    org_id = SelectField(_l("Apply for"), choices=[], validate_choice=False)

    def __init__(
        self,
        *args: Any,
        countries: list[tuple[str, str]] | None = None,
        own_orgs: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = as_choices(countries or [], blank="—")
        self.network_kind.choices = as_choices(labels.choices(labels.NETWORK_KIND_LABELS), blank="—")
        self.org_id.choices = as_choices(
            [(str(i), name) for i, name in own_orgs or []], blank=str(_l("A new organisation"))
        )

    def to_input(self) -> ApplicationInput:
        return ApplicationInput(
            network_name=self.network_name.data or "",
            network_kind=self.network_kind.data or "",
            member_count=self.member_count.data or 0,
            contact_name=self.contact_name.data or "",
            contact_email=self.contact_email.data or "",
            country=self.country.data or None,
            languages=split_codes(self.languages.data),
            regions=self.regions.data or "",
            motivation=self.motivation.data or "",
            org_id=int(self.org_id.data) if (self.org_id.data or "").isdigit() else None,
        )


class NotesForm(SubmitOnceForm):
    """Accept (notes optional)."""

    notes = TextAreaField(_l("Notes for the applicant (optional)"), validators=[Length(max=4000)])


class ReasonForm(SubmitOnceForm):
    reason = TextAreaField(_l("Reason"), validators=[Length(max=4000)])


class QuestionForm(SubmitOnceForm):
    question = TextAreaField(_l("What more do you need to know?"), validators=[Length(max=4000)])


class AnswerForm(SubmitOnceForm):
    answer = TextAreaField(_l("Your answer"), validators=[Length(max=4000)])


class AgreementForm(SubmitOnceForm):
    """One checkbox per commitment: the network acknowledges each one."""

    def acknowledged(self) -> list[str]:
        return [code for code in COMMITMENTS if getattr(self, f"ack_{code}").data]


for _code in COMMITMENTS:
    setattr(AgreementForm, f"ack_{_code}", BooleanField(labels.COMMITMENT_LABELS[_code]))


class RecordAgreementForm(SubmitOnceForm):
    signed_on = DateField(_l("Date of signature"), validators=[Optional()])
    signatory_name = StringField(_l("Signed by (name)"), validators=[Length(max=200)])
    signed_pdf = FileField(_l("Signed agreement (PDF, optional)"))


class ServiceForm(SubmitOnceForm):
    service_type = SelectField(_l("Type of service"), choices=[])
    languages = StringField(
        _l("Languages (two-letter codes separated by commas)"), validators=[Length(max=200)]
    )
    regions = StringField(_l("Regions"), validators=[Length(max=1000)])
    description = TextAreaField(_l("Description"), validators=[Length(max=4000)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service_type.choices = as_choices(labels.choices(labels.SERVICE_TYPE_LABELS), blank="—")

    def to_input(self) -> ServiceInput:
        return ServiceInput(
            service_type=self.service_type.data or "",
            description=self.description.data or "",
            languages=split_codes(self.languages.data),
            regions=self.regions.data or "",
        )


class ActivityForm(SubmitOnceForm):
    commitment = SelectField(_l("Commitment"), choices=[])
    kind = SelectField(_l("Kind of activity"), choices=[])
    happened_on = DateField(_l("Date"), validators=[Optional()])
    description = TextAreaField(_l("What was done"), validators=[Length(max=4000)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commitment.choices = as_choices(labels.choices(labels.COMMITMENT_SHORT_LABELS), blank="—")
        self.kind.choices = as_choices(labels.choices(labels.ACTIVITY_KIND_LABELS), blank="—")

    def to_input(self) -> ActivityInput:
        return ActivityInput(
            commitment=self.commitment.data or "",
            kind=self.kind.data or "",
            happened_on=self.happened_on.data,
            description=self.description.data or "",
        )


class SuspendForm(SubmitOnceForm):
    reason = TextAreaField(_l("Reason for the suspension"), validators=[Length(max=4000)])
    suspended_on = DateField(_l("Suspended from"), validators=[Optional()])


class FeedbackForm(SubmitOnceForm):
    member = SelectField(_l("Member"), choices=[])
    rating = SelectField(_l("Rating"), choices=[])
    text = TextAreaField(_l("Feedback on the member's actions and services"), validators=[Length(max=4000)])

    def __init__(self, *args: Any, members: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member.choices = as_choices(members or [], blank="—")
        self.rating.choices = as_choices(
            [(str(k), str(v)) for k, v in labels.RATING_LABELS.items()], blank="—"
        )

    def rating_value(self) -> int | None:
        return int(self.rating.data) if (self.rating.data or "").isdigit() else None


class ConsentForm(SubmitOnceForm):
    public = BooleanField(_l("Show the feedback we received on our public profile"))


class ActionForm(SubmitOnceForm):
    """A button-only form: just the CSRF token."""
