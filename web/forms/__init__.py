"""The GOV.UK form kit every blueprint builds its forms from: field classes that carry their
GOV.UK component and their error wording, date inputs, the "required" and length rules, the
questions several forms share, and the template helpers. Confirmation pages are in
web.forms.confirmations and the time-out warning's reply in web.forms.timeouts."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from govuk_frontend_wtf.gov_form_base import GovFormBase
from markupsafe import Markup

from web.forms.dates import DateParts, MonthYear, MonthYearError, parse_month_year
from web.forms.fields import (
    YES_NO,
    CharacterCountField,
    CheckboxesField,
    CheckboxField,
    FileField,
    KitField,
    LengthRule,
    MultipleFileField,
    PasswordField,
    RadiosField,
    TextAreaField,
    TextField,
    YesNoField,
    answered,
    choice_labels,
    strip_text,
)
from web.forms.questions import (
    best_times_field,
    email_field,
    name_field,
    phone_field,
    preferred_contact_field,
)
from web.forms.rendering import date_input_params, heading_field
from web.forms.validators import (
    PHONE_FORMAT_ERROR,
    Chosen,
    MaxLength,
    Required,
    Validator,
    check_email,
    check_phone,
    required_if,
)

__all__ = [
    "PHONE_FORMAT_ERROR",
    "YES_NO",
    "CharacterCountField",
    "CheckboxField",
    "CheckboxesField",
    "Chosen",
    "DateParts",
    "FileField",
    "KitField",
    "LengthRule",
    "MaxLength",
    "MonthYear",
    "MonthYearError",
    "MultipleFileField",
    "PasswordField",
    "RadiosField",
    "Required",
    "TextAreaField",
    "TextField",
    "Validator",
    "YesNoField",
    "answered",
    "best_times_field",
    "check_email",
    "check_phone",
    "choice_labels",
    "date_input_params",
    "email_field",
    "heading_field",
    "init_form_kit",
    "name_field",
    "parse_month_year",
    "phone_field",
    "preferred_contact_field",
    "required_if",
    "strip_text",
]


def init_form_kit(app: Flask) -> None:
    """Make the kit's template helpers available to every blueprint's templates."""
    app.add_template_global(heading_field)
    app.add_template_global(date_input_params)
    GovFormBase.render = _render_widget


def _render_widget(widget: GovFormBase, params: dict[str, Any]) -> Markup:
    """govuk-frontend-wtf draws each field with Flask's render_template, which runs every
    context processor again (the staff header's navigation among them) for a template that
    reads only `params`: drawn straight from the app's Jinja environment instead."""
    html = current_app.jinja_env.get_template(widget.template).render(params=params)
    return Markup(html)  # noqa: S704  # nosec B704
