"""The journey's first section: the complaint and its outcome letter, and whether the request is
in time."""

from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import Field
from wtforms.validators import StopValidation

from reviews import clock
from reviews.journey import answer
from reviews.rules import COMPLAINTS_SCHEME_START, format_date
from web.forms import CheckboxField, DateParts, MonthYear, RadiosField, TextAreaField
from web.journey.forms.base import LONG_ANSWER_LIMIT, StepForm, question_form, yes_no_form

AboutMetForm = yes_no_form(
    "about_met",
    "Is {your} complaint about the Metropolitan Police Service (the Met)?",
    "Select yes if {your} complaint is about the Metropolitan Police Service",
)

AboutCommissionerForm = yes_no_form(
    "about_commissioner",
    "Is {your} complaint about the Commissioner of the Met?",
    "Select yes if {your} complaint is about the Commissioner of the Met",
)

HasLetterForm = yes_no_form(
    "has_letter",
    "Has the Met sent a letter telling {you} the outcome of {your} complaint?",
    "Select yes if the Met has sent {you} an outcome letter",
)

# The letter says whether there is a right of review (review-rules.md A.1 and A.2). Only a
# "yes" is needed to carry on quickly; every other answer carries on too, with help first.
ReviewRightForm = question_form(
    "review_right",
    RadiosField(
        "Does {your} letter say {you} can ask for a review?",
        description="The outcome letter from the Met says if {you} can ask for a review.",
        choices={
            "yes": "Yes",
            "no": "No, it says {you} cannot ask for a review",
            "no-letter": "I do not have the letter",
            "not-sure": "I'm not sure",
        },
        required="Select if {your} letter says {you} can ask for a review",
    ),
)

WhenComplainedForm = question_form(
    "after_scheme_start",
    RadiosField(
        f"Did {{you}} make {{your}} complaint on or after {format_date(COMPLAINTS_SCHEME_START)}?",
        choices={"yes": "Yes", "no": "No", "not-sure": "I'm not sure"},
        required=(
            f"Select if {{you}} made {{your}} complaint on or after"
            f" {format_date(COMPLAINTS_SCHEME_START)}"
        ),
    ),
)

ReviewBodyForm = question_form(
    "review_body",
    RadiosField(
        "Who does {your} outcome letter say to send a review request to?",
        choices={
            "mopac": "The Mayor's Office for Policing and Crime (MOPAC)",
            "iopc": "The Independent Office for Police Conduct (IOPC)",
            "not-sure": "I'm not sure",
        },
        required="Select who {your} outcome letter says to send a review request to",
    ),
)


class LetterDateForm(StepForm):
    """The date on the letter, or that it is not known: the request goes on either way, and
    staff get the date from the Met."""

    fields_to_save = ("letter_date", "date_unknown")
    letter_date = DateParts(
        "What date is on {your} outcome letter?",
        describe="The date on {your} outcome letter",
        optional=True,
        description="This is usually at the top of the letter. For example, 27 3 2026",
    )
    date_unknown = CheckboxField("I do not know the date on the letter")

    def validate_letter_date(self, field: DateParts) -> None:
        if field.data is None:
            if not self.date_unknown.data:
                raise StopValidation(f"Enter {field.describe.lower()}")
            return
        if field.data > clock.today():
            raise StopValidation(f"{field.describe} must be today or in the past")

    def to_answers(self) -> dict[str, Any]:
        # A date given wins over the box: the date is what staff need.
        given = self.letter_date.data
        return {
            "letter_date": given.isoformat() if given else None,
            "date_unknown": given is None,
        }


def _month_not_in_future(found: date) -> str | None:
    if found > clock.today():
        return "The month the letter was sent must be this month or in the past"
    return None


LetterApproximateForm = question_form(
    "letter_month",
    MonthYear(
        "Roughly when was the letter sent? (optional)",
        describe="The month the letter was sent",
        optional=True,
        check=_month_not_in_future,
        description="Give the month and year, for example March 2025. Leave it blank if you do"
        " not know.",
    ),
)


class LetterReceivedForm(StepForm):
    fields_to_save = ("letter_received_on",)
    letter_received_on = DateParts(
        "When did the letter reach {you}? (optional)",
        describe="The date the letter reached you",
        optional=True,
        description=(
            "If it reached you much later than the date on it, tell us. For example, 2 4 2026"
        ),
    )

    def validate_letter_received_on(self, field: Field) -> None:
        if field.data is None:
            return
        if field.data > clock.today():
            raise StopValidation("The date the letter reached you must be today or in the past")
        letter_date = answer(self.answers, "letter-date", "letter_date")
        if letter_date and field.data < date.fromisoformat(letter_date):
            raise StopValidation(
                "The date the letter reached you must be the same as or after the date on it"
            )


LateReasonForm = question_form(
    "late_reason",
    TextAreaField(
        "Why are {you} asking for a review after the 28 days?",
        required="Enter why {you} are asking for a review after the 28 days",
        max_length=(
            LONG_ANSWER_LIMIT,
            f"Why you are late must be {LONG_ANSWER_LIMIT:,} characters or fewer",
        ),
        description="For example, you were in hospital, or the letter reached you late.",
    ),
)
