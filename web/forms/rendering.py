"""Template helpers for journey pages: a field rendered as the page's h1, and the GOV.UK date
input for a DateParts field."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from wtforms import Field

from web.forms.dates import DateParts
from web.forms.fields import CharacterCountField


def heading_field(field: Field, **params: Any) -> Markup:
    """The field with its label (or, for radios and checkboxes, its legend) as the h1."""
    if isinstance(field, CharacterCountField):
        # The character count shows its limit, and counts down with JavaScript.
        params["maxlength"] = field.max_length
    if getattr(field, "in_fieldset", False):
        params["fieldset"] = {
            "legend": {
                "text": field.label.text,
                "isPageHeading": True,
                "classes": "govuk-fieldset__legend--l",
            }
        }
    else:
        params["label"] = {
            "text": field.label.text,
            "isPageHeading": True,
            "classes": "govuk-label--l",
        }
    return field(params=params)


def date_input_params(field: DateParts, heading: bool = False) -> dict[str, Any]:
    """Parameters for govukDateInput: only the boxes at fault are marked as errors."""
    items = []
    for part in field.parts:
        at_fault = bool(field.errors) and (not field.error_parts or part in field.error_parts)
        width = "govuk-input--width-4" if part == "year" else "govuk-input--width-2"
        items.append(
            {
                "name": part,
                "label": part.capitalize(),
                "id": f"{field.name}-{part}",
                "value": field.raw_parts.get(part, ""),
                "classes": f"{width} govuk-input--error" if at_fault else width,
                "inputmode": "numeric",
            }
        )
    return {
        "id": field.name,
        "namePrefix": field.name,
        "fieldset": {
            "legend": {
                "text": field.label.text,
                "isPageHeading": heading,
                "classes": "govuk-fieldset__legend--l" if heading else "govuk-fieldset__legend--m",
            }
        },
        "hint": {"text": field.description} if field.description else None,
        "errorMessage": {"text": field.errors[0]} if field.errors else None,
        "items": items,
    }
