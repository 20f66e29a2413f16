"""The journey's "about your complaint" section: the Met's reference, when the complaint was
made, what it was about and why the outcome was wrong."""

from __future__ import annotations

from datetime import date

from wtforms import Field
from wtforms.validators import StopValidation

from reviews import clock
from reviews.rules import (
    COMPLAINTS_SCHEME_START,
    MPS_REFERENCE_HINT,
    format_date,
    format_month,
    made_before_scheme,
    normalise_mps_reference,
)
from web.forms import CharacterCountField, CheckboxField, MonthYear, TextField
from web.journey.forms.base import LONG_ANSWER_LIMIT, StepForm, question_form


class MpsReferenceForm(StepForm):
    """The Met's reference, or that it is not known: staff then get it from the Met."""

    fields_to_save = ("mps_reference", "reference_unknown")
    mps_reference = TextField(
        "What is the Met's reference number for {your} complaint?",
        description=MPS_REFERENCE_HINT,
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    reference_unknown = CheckboxField("I do not know the reference")

    def validate_mps_reference(self, field: Field) -> None:
        if not (field.data or "").strip():
            if self.reference_unknown.data:
                field.data = None
                return
            raise StopValidation(
                f"Enter the Met's reference number for {self.words['your']} complaint"
            )
        # A reference given wins over the box.
        self.reference_unknown.data = False
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
    MonthYear(
        "When did {you} make {your} complaint to the Met?",
        describe="The date {you} made {your} complaint",
        check=_complaint_month,
        description=(
            "Give the month and year, for example March 2025 or 3/2025. If you are not sure of"
            " the month, give your best guess."
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
        "What was {your} complaint about?",
        "Enter what {your} complaint was about",
        "What {your} complaint was about",
        "A short summary is enough. We will get the full details from the Met.",
    ),
)

WhyUnhappyForm = question_form(
    "why_unhappy",
    _long_answer(
        "Why do you think the outcome of {your} complaint was wrong?",
        "Enter why you think the outcome of {your} complaint was wrong",
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
