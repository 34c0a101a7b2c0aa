"""Account forms. They check shape (required, lengths, matching repeats); services check the rest."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import get_locale, ngettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional, ValidationError

from covenant_hub.accounts.passwords import MIN_PASSWORD_LENGTH
from covenant_hub.forms import Form
from covenant_hub.i18n import LANGUAGE_NAMES
from covenant_hub.idempotency import SubmitOnceForm
from covenant_hub.vocabularies import country_name, is_country

# The kinds a person may register; offices and others are created by staff or the import.
REGISTRABLE_KINDS = (
    SelectChoice("signatory", _l("Signatory city")),
    SelectChoice("candidate", _l("Candidate city")),
    SelectChoice("coordinator", _l("Covenant Coordinator")),
    SelectChoice("supporter", _l("Covenant Supporter")),
)


def language_choices() -> list[SelectChoice]:
    """The UI languages, each named in itself so everyone can find their own."""
    return [SelectChoice(code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config["LANGUAGES"]]


def country_choices() -> list[SelectChoice]:
    """ISO 3166 alpha-2 codes named in the page's language (CLDR, with the directory's overrides)."""
    territories = get_locale().territories if get_locale() else {}
    countries = [SelectChoice(code.lower(), country_name(code)) for code in territories if is_country(code)]
    return [SelectChoice("", _l("Choose a country")), *sorted(countries, key=lambda item: item.label)]


def _email_field() -> EmailField:
    return EmailField(
        _l("E-mail address"),
        validators=[
            InputRequired(_l("Please enter your e-mail address.")),
            Email(_l("Please enter a valid e-mail address, such as name@example.org.")),
            Length(max=254, message=_l("The e-mail address is too long.")),
        ],
    )


def _new_password_fields() -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        _l("Password"),
        validators=[
            InputRequired(_l("Please choose a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l("The password must be between %(min)d and %(max)d characters long."),
            ),
        ],
        description=_l("At least %(count)d characters; avoid common passwords.", count=MIN_PASSWORD_LENGTH),
    )
    repeat = PasswordField(
        _l("Repeat the password"),
        validators=[
            InputRequired(_l("Please type the password a second time.")),
            EqualTo("password", _l("The two passwords do not match.")),
        ],
    )
    return password, repeat


class _LanguageFormMixin:
    def _fill_language_choices(self) -> None:
        self.language.choices = language_choices()  # type: ignore[attr-defined]


class RegistrationForm(SubmitOnceForm, _LanguageFormMixin):
    """A new account, optionally with the organisation the person represents."""

    name = StringField(
        _l("Your name"),
        validators=[
            InputRequired(_l("Please enter your name.")),
            Length(max=120, message=_l("The name must be at most %(max)d characters long.")),
        ],
    )
    email = _email_field()
    password, password_repeat = _new_password_fields()
    language = SelectField(_l("Preferred language"), validate_choice=True)
    org_name = StringField(
        _l("Organisation name"),
        validators=[
            Optional(),
            Length(max=300, message=_l("The name must be at most %(max)d characters long.")),
        ],
        description=_l("Only if your organisation is not in the directory yet."),
    )
    org_kind = SelectField(
        _l("Kind of organisation"), choices=[SelectChoice("", _l("Choose a kind")), *REGISTRABLE_KINDS]
    )
    org_country = SelectField(_l("Country"))
    submit = SubmitField(_l("Create account"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fill_language_choices()
        self.org_country.choices = country_choices()

    def validate_org_kind(self, field: SelectField) -> None:
        if self.org_name.data and self.org_name.data.strip() and not field.data:
            raise ValidationError(_l("Please choose what kind of organisation it is."))

    def validate_org_country(self, field: SelectField) -> None:
        if self.org_name.data and self.org_name.data.strip() and not field.data:
            raise ValidationError(_l("Please choose the country of the organisation."))


# Not SubmitOnceForm: replaying a login's redirect without its session cookie would not log in.
class LoginForm(Form):
    email = _email_field()
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Please enter your password."))])
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class EmailOnlyForm(SubmitOnceForm):
    """Forgotten password, and a new confirmation link: both need only the address."""

    email = _email_field()
    submit = SubmitField(_l("Send the link"))


class ResetPasswordForm(SubmitOnceForm):
    password, password_repeat = _new_password_fields()
    submit = SubmitField(_l("Set the new password"))


class ConfirmForm(SubmitOnceForm):
    """Only the CSRF token: the confirmation link's token travels in the URL."""

    submit = SubmitField(_l("Confirm my e-mail address"))


class ProfileForm(SubmitOnceForm, _LanguageFormMixin):
    name = StringField(
        _l("Your name"),
        validators=[
            InputRequired(_l("Please enter your name.")),
            Length(max=120, message=_l("The name must be at most %(max)d characters long.")),
        ],
    )
    language = SelectField(_l("Preferred language"), validate_choice=True)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fill_language_choices()


class ChangePasswordForm(SubmitOnceForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[
            InputRequired(_l("Please enter your current password.")),
        ],
    )
    password, password_repeat = _new_password_fields()
    submit = SubmitField(_l("Change password"))


def _lifetime_choices() -> list[SelectChoice]:
    from covenant_hub.accounts.api_tokens import LIFETIMES_DAYS

    return [SelectChoice(str(days), ngettext("%(num)d day", "%(num)d days", days)) for days in LIFETIMES_DAYS]


class ApiTokenForm(SubmitOnceForm):
    """A new personal API token: a name to recognise it by, its scope and how long it lasts."""

    token_name = StringField(
        _l("Token name"),
        validators=[
            InputRequired(_l("Please give the token a name.")),
            Length(max=80, message=_l("The name must be at most %(max)d characters long.")),
        ],
        description=_l("What the token is for, such as the script or system that uses it."),
    )
    write = BooleanField(_l("May also make changes (write), not only read"))
    days = SelectField(_l("Valid for"), default="90", validate_choice=True)
    submit = SubmitField(_l("Create token"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.days.choices = _lifetime_choices()


class RevokeApiTokenForm(SubmitOnceForm):
    """Only the CSRF and form tokens: the API token's id travels in the URL."""

    submit = SubmitField(_l("Revoke"))
