"""The journey's "about your complaint" section: the Met's reference, when the complaint was
made, what it was about and why the outcome was wrong."""

from __future__ import annotations

from datetime import date

from wtforms import Field
from wtforms.validators import StopValidation

from portal.forms.base import LONG_ANSWER_LIMIT, StepForm, question_form
from reviews import clock
from reviews.rules import (
    COMPLAINTS_SCHEME_START,
    MPS_REFERENCE_HINT,
    format_date,
    format_month,
    made_before_scheme,
    normalise_mps_reference,
)
from web.forms import CharacterCountField, DateParts, TextField


class MpsReferenceForm(StepForm):
    fields_to_save = ("mps_reference",)
    mps_reference = TextField(
        "What is the Met's reference number for your complaint?",
        description=MPS_REFERENCE_HINT,
        required="Enter the Met's reference number for your complaint",
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )

    def validate_mps_reference(self, field: Field) -> None:
        normalised = normalise_mps_reference(field.data or "")
        if normalised is None:
            raise StopValidation(
                "Enter the reference as it is on your letter, using letters, numbers and /"
            )
        field.data = normalised


def _complaint_month(found: date) -> str | None:
    if found > clock.today():
        return "The date you made your complaint must be in the past"
    if made_before_scheme(found):
        # The same rule that ends the journey at "when did you complain", with what to do.
        return (
            f"The date you made your complaint must be {format_month(COMPLAINTS_SCHEME_START)}"
            f" or later. MOPAC cannot review a complaint made before"
            f" {format_date(COMPLAINTS_SCHEME_START)}: you may be able to appeal instead, and"
            " your outcome letter says how"
        )
    return None


ComplaintDateForm = question_form(
    "complaint_date",
    DateParts(
        "When did you make your complaint to the Met?",
        describe="The date you made your complaint",
        parts=("month", "year"),
        check=_complaint_month,
        description=(
            "If you do not know the exact month, give your best guess. For example, 11 2025"
        ),
    ),
)


def _long_answer(
    label: str, required_error: str | None, name: str, hint: str
) -> CharacterCountField:
    return CharacterCountField(
        label,
        description=hint,
        required=required_error,
        max_length=(
            LONG_ANSWER_LIMIT,
            f"{name} must be {LONG_ANSWER_LIMIT:,} characters or fewer",
        ),
    )


ComplaintSummaryForm = question_form(
    "complaint_summary",
    _long_answer(
        "What was your complaint about?",
        "Enter what your complaint was about",
        "What your complaint was about",
        "A short summary is enough. We will get the full details from the Met.",
    ),
)

WhyUnhappyForm = question_form(
    "why_unhappy",
    _long_answer(
        "Why do you think the outcome of your complaint was wrong?",
        "Enter why you think the outcome of your complaint was wrong",
        "Why you think the outcome was wrong",
        "Tell us what the Met did not deal with, got wrong or did not weigh fairly.",
    ),
)

DesiredOutcomeForm = question_form(
    "desired_outcome",
    _long_answer(
        "What would you like to happen? (optional)",
        None,
        "What you would like to happen",
        "For example, an apology, an explanation, or for the Met to look at your complaint again.",
    ),
)
