"""The base of every form: Flask-WTF's, reading a JSON body only as an object of plain values."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto  # the "read the request" default of FlaskForm(formdata=...)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import HiddenInput

from covenant_hub.inputs import json_formdata
from covenant_hub.library_messages import translations


class Form(FlaskForm):
    """A Flask-WTF form. Flask-WTF reads a JSON body with `ImmutableMultiDict(request.get_json())`:
    a list then raised ValueError and a number reached the validators as an int (TypeError); here
    a JSON body is an object whose strings, numbers and lists of them are the fields' values."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> Any:
            return translations()

        def render_field(self, field: Any, render_kw: dict[str, Any]) -> Any:
            """Hidden fields (CSRF and submit-once tokens) are written without an id: a page holds
            many forms, a report form per forum post say, and an id must be unique on a page
            (scripts find the token by its name)."""
            if isinstance(field.widget, HiddenInput):
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)

        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            if formdata is _Auto and request.is_json and request.method in ("POST", "PUT", "PATCH", "DELETE"):
                return json_formdata(request.get_json(silent=True))
            return super().wrap_formdata(form, formdata)


def as_choices(pairs: Any, blank: str | None = None) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices (raw tuples are deprecated since WTForms 3.3),
    after an empty-valued `blank` option when one is given."""
    choices = [SelectChoice("", blank)] if blank is not None else []
    return choices + [SelectChoice(value, str(label)) for value, label in pairs]
