"""The check answers page's summary lists: one list per section, under its heading, each answer
with the question that asked it (in the person's own words: "your" or "their") and a link to
change it.

Most steps are shown straight from their form (`_form_rows`). A step whose answers read better
another way has its own entry in ROWS_BY_STEP: add one there for a new step that needs it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from markupsafe import Markup, escape
from wtforms import Field, RadioField, SelectMultipleField

from reviews.journey import ADJUSTMENTS, STEPS_BY_SLUG, applicable_steps, is_representative
from reviews.models import Draft
from reviews.rules import format_date, format_month
from reviews.submission import ADDRESS_PARTS
from web.forms import DateParts, MonthYear, choice_labels
from web.journey.forms import FORMS, StepForm

# In the order they are shown.
SECTION_TITLES = {
    "who": "Who is asking",
    "adjustments": "Help {you_need}",
    "eligibility": "{Your} complaint and outcome letter",
    "complaint": "About {your} complaint",
    "documents": "Documents",
    "contact": "How to contact you",
}

NOT_KNOWN = "Not known"
NOT_GIVEN = "Not given"

Row = dict[str, Any]
Rows = list[Row]


# Upload pages that collect a kind of document for a particular reason: the row says which.
UPLOAD_KEYS = {
    "consent-authority": "Copy of the lasting power of attorney, deputyship or appointeeship",
}


def _display(field: Field, value: Any) -> Markup | str:
    if value in (None, "", []):
        return NOT_GIVEN
    if isinstance(field, DateParts):
        found = date.fromisoformat(value)
        if "day" in field.parts:
            return format_date(found)
        return format_month(found)
    if isinstance(field, MonthYear):
        return format_month(date.fromisoformat(value))
    if isinstance(field, SelectMultipleField):
        labels = choice_labels(field)
        return Markup("<br>").join(escape(labels.get(item, item)) for item in value)
    if isinstance(field, RadioField):
        return choice_labels(field).get(value, value)
    # Keep the person's line breaks without trusting their text as HTML.
    return Markup("<br>").join(escape(line) for line in str(value).splitlines())


def _row(key: str, value: Markup | str, slug: str) -> Row:
    """A row with its Change link; the link's address is the page's (see summary_sections)."""
    value_params = {"html": value} if isinstance(value, Markup) else {"text": value}
    return {
        "key": {"text": key},
        "value": value_params,
        "actions": {
            "items": [
                {
                    "href": "",
                    "text": "Change",
                    "visuallyHiddenText": key[0].lower() + key[1:],
                }
            ]
        },
    }


def _question(form: StepForm, name: str) -> str:
    return str(form[name].label.text).removesuffix(" (optional)")


def _form_rows(slug: str, form: StepForm, given: Mapping[str, Any], names=None) -> Rows:
    """A row for each answer the form saves (or each of `names`), as the form asked it."""
    return [
        _row(_question(form, name), _display(form[name], given.get(name)), slug)
        for name in names or getattr(form, "fields_to_save", ())
    ]


def _unless_unknown(field: str, unknown: str) -> RowBuilder:
    """A fact the person may not know: its answer, or "Not known" when they said so."""

    def rows(slug: str, form: StepForm, given: Mapping[str, Any]) -> Rows:
        if given.get(unknown):
            return [_row(_question(form, field), NOT_KNOWN, slug)]
        return _form_rows(slug, form, given, (field,))

    return rows


def _letter_month(slug: str, form: StepForm, given: Mapping[str, Any]) -> Rows:
    month = given.get("letter_month")
    value = f"{format_month(date.fromisoformat(month))} (roughly)" if month else NOT_KNOWN
    return [_row(_question(form, "letter_month"), value, slug)]


def _contact_details(slug: str, form: StepForm, given: Mapping[str, Any]) -> Rows:
    """Only what was given, and the address on one line."""
    given_names = [name for name in ("email", "phone", "text_updates") if given.get(name)]
    rows = _form_rows(slug, form, given, [name for name in given_names if name in form])
    address = ", ".join(str(given[part]).strip() for part in ADDRESS_PARTS if given.get(part))
    if address:
        rows.append(_row("Postal address", address, slug))
    return rows or [_row("Contact details", NOT_GIVEN, slug)]


# Each thing we may do when we contact them, shown as they answered it: a "no" is an answer.
SAFETY = {
    "leave-message": ("Leave a voicemail or message", "a voicemail or message", "leave"),
    "say-who": ("Say we are from MOPAC", "we are calling or writing from MOPAC", "say"),
}


def _contact_safety(slug: str, form: StepForm, given: Mapping[str, Any]) -> Rows:
    safe = given.get("safe") or []
    return [
        _row(key, f"Yes: {verb} {what}" if code in safe else f"No: do not {verb} {what}", slug)
        for code, (key, what, verb) in SAFETY.items()
    ]


def _adjustments(slug: str, form: StepForm, given: Mapping[str, Any]) -> Rows:
    """The help chosen, and only the details that belong to it."""
    chosen = [code for code in ADJUSTMENTS if code in (given.get("adjustments") or [])]
    details = {
        "callback": ("callback_phone", "callback_times"),
        "interpreter": ("interpreter_language",),
        "other": ("other_adjustment",),
    }
    names = [name for code in chosen for name in details.get(code, ())]
    return _form_rows(slug, form, given, ["adjustments", *names])


RowBuilder = Callable[[str, StepForm, Mapping[str, Any]], Rows]

ROWS_BY_STEP: dict[str, RowBuilder] = {
    "letter-date": _unless_unknown("letter_date", "date_unknown"),
    "letter-approximate": _letter_month,
    "mps-reference": _unless_unknown("mps_reference", "reference_unknown"),
    "contact-details": _contact_details,
    "contact-safety": _contact_safety,
    "adjustments": _adjustments,
}


def _rows_for_step(slug: str, given: dict[str, Any], draft: Draft) -> Rows:
    kind = STEPS_BY_SLUG[slug].upload
    if kind is not None:
        names = [escape(d.filename) for d in draft.documents if d.kind == kind.code]
        if slug == "letter-upload" and given.get("letter_to_follow"):
            names.append(escape("I will send it later by email or post"))
        if slug == "consent-authority" and given.get("copy_to_follow"):
            names.append(escape("I will send a copy later"))
        key = UPLOAD_KEYS.get(slug, kind.name)
        return [_row(key, Markup("<br>").join(names) if names else "None", slug)]
    # formdata=None: show what was saved, even while handling a POST; the answers so far
    # word the questions as the pages did.
    form = FORMS[slug](formdata=None, data=given, answers=draft.answers)
    return ROWS_BY_STEP.get(slug, _form_rows)(slug, form, given)


def _title(section: str, answers: Mapping[str, Any]) -> str:
    representative = is_representative(answers)
    return SECTION_TITLES[section].format(
        you_need="needed" if representative else "you need",
        Your="Their" if representative else "Your",
        your="their" if representative else "your",
    )


def summary_sections(
    draft: Draft, today: date, change_url: Callable[[str], str]
) -> list[dict[str, Any]]:
    """The answers by section. `change_url(slug)`: where a row's Change link goes (the public
    journey's page for the step, or the staff page entering it)."""
    sections: dict[str, Rows] = {section: [] for section in SECTION_TITLES}
    for step in applicable_steps(draft.answers, today):
        if step.slug not in draft.answers:
            continue
        rows = _rows_for_step(step.slug, draft.answers[step.slug], draft)
        for row in rows:
            row["actions"]["items"][0]["href"] = change_url(step.slug)
        sections[step.section].extend(rows)
    return [
        {"title": _title(section, draft.answers), "rows": rows}
        for section, rows in sections.items()
        if rows
    ]
