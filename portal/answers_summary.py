"""The check answers page's summary lists, built from the journey's forms so that every
answer shows with the question that asked it and a link to change it."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import url_for
from markupsafe import Markup, escape
from wtforms import Field, RadioField, SelectMultipleField

from portal.forms import FORMS
from reviews.journey import STEPS_BY_SLUG, applicable_steps
from reviews.models import Draft
from reviews.rules import format_date, format_month
from web.forms import DateParts, choice_labels

SECTION_TITLES = {
    "eligibility": "Your complaint and outcome letter",
    "who": "Who is asking",
    "complaint": "About your complaint",
    "documents": "Documents",
    "contact": "How to contact you",
    "adjustments": "Help you need",
}


# Upload pages that collect a kind of document for a particular reason: the row says which.
UPLOAD_KEYS = {
    "consent-authority": "Copy of the lasting power of attorney, deputyship or appointeeship",
}


def _display(field: Field, value: Any) -> Markup | str:
    if value in (None, "", []):
        return "Not given"
    if isinstance(field, DateParts):
        found = date.fromisoformat(value)
        if "day" in field.parts:
            return format_date(found)
        return format_month(found)
    if isinstance(field, SelectMultipleField):
        labels = choice_labels(field)
        return Markup("<br>").join(escape(labels.get(item, item)) for item in value)
    if isinstance(field, RadioField):
        return choice_labels(field).get(value, value)
    # Keep the person's line breaks without trusting their text as HTML.
    return Markup("<br>").join(escape(line) for line in str(value).splitlines())


def _row(key: str, value: Markup | str, slug: str) -> dict[str, Any]:
    value_params = {"html": value} if isinstance(value, Markup) else {"text": value}
    return {
        "key": {"text": key},
        "value": value_params,
        "actions": {
            "items": [
                {
                    "href": url_for("portal.journey_step", slug=slug, change=1),
                    "text": "Change",
                    "visuallyHiddenText": key[0].lower() + key[1:],
                }
            ]
        },
    }


def _rows_for_step(slug: str, answers: dict[str, Any], draft: Draft) -> list[dict[str, Any]]:
    kind = STEPS_BY_SLUG[slug].upload
    if kind is not None:
        key = UPLOAD_KEYS.get(slug, kind.name)
        names = [escape(d.filename) for d in draft.documents if d.kind == kind.code]
        if slug == "letter-upload" and answers.get("letter_to_follow"):
            names.append(escape("I will send it later by email or post"))
        if slug == "consent-authority" and answers.get("copy_to_follow"):
            names.append(escape("I will send a copy later"))
        return [_row(key, Markup("<br>").join(names) if names else "None", slug)]
    # formdata=None: show what was saved, even while handling a POST.
    form = FORMS[slug](formdata=None, data=answers)
    rows = []
    for name in getattr(form, "fields_to_save", ()):
        field = form[name]
        rows.append(
            _row(
                field.label.text.removesuffix(" (optional)"),
                _display(field, answers.get(name)),
                slug,
            )
        )
    return rows


def summary_sections(draft: Draft, today: date) -> list[dict[str, Any]]:
    sections: dict[str, list[dict[str, Any]]] = {}
    for step in applicable_steps(draft.answers, today):
        if step.slug not in draft.answers:
            continue
        rows = _rows_for_step(step.slug, draft.answers[step.slug], draft)
        sections.setdefault(step.section, []).extend(rows)
    return [
        {"title": SECTION_TITLES[section], "rows": rows}
        for section, rows in sections.items()
        if rows
    ]
