"""One form per journey step. Each knows how to load its step's saved answers and how to turn
what was entered into answers to save (dates as ISO strings, blanks as None)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar, Self

from flask import request
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import StopValidation

from reviews import clock
from reviews.journey import ADJUSTMENTS, Answers, answer
from reviews.rules import (
    COMPLAINTS_SCHEME_START,
    MPS_REFERENCE_HINT,
    format_date,
    normalise_mps_reference,
)
from web.forms import (
    CharacterCountField,
    CheckboxesField,
    CheckboxField,
    DateParts,
    MultipleFileField,
    RadiosField,
    TextAreaField,
    TextField,
    YesNoField,
    best_times_field,
    email_field,
    name_field,
    phone_field,
    preferred_contact_field,
    strip_text,
)

# About the length the IOPC's own review form allows.
LONG_ANSWER_LIMIT = 8000


class StepForm(FlaskForm):
    """A journey page's form. `fields_to_save` are the fields kept as the step's answers;
    `answers` are the answers to the whole journey so far, for checks that depend on them."""

    fields_to_save: ClassVar[tuple[str, ...]] = ()
    answers: Answers

    def __init__(self, *args: Any, answers: Answers | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.answers = answers or {}

    @classmethod
    def initial_data(cls, saved: dict[str, Any] | None, answers: Answers) -> dict[str, Any]:
        """What the page shows before it is sent: its saved answers, else what earlier answers
        already tell us (so nothing is asked twice)."""
        return saved or {}

    @classmethod
    def prefilled(cls, data: Mapping[str, Any], answers: Answers | None = None) -> Self:
        """The form as sent; or, before it is sent, showing `data`. A sent form never gets
        `data`: it would fill in any box the browser leaves out, such as a cleared checkbox."""
        return cls(data=None if request.method == "POST" else data, answers=answers)

    def to_answers(self) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for name in self.fields_to_save:
            value = self[name].data
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, str):
                value = strip_text(value)
            answers[name] = value
        return answers


def yes_no_form(field: str, question: str, error: str) -> type[StepForm]:
    """A page that asks one yes-or-no question."""
    return type(
        f"{field.title().replace('_', '')}Form",
        (StepForm,),
        {
            "fields_to_save": (field,),
            field: YesNoField(question, required=error),
        },
    )


def _not_in_future(found: date) -> str | None:
    if found > clock.today():
        return "The date on your outcome letter must be today or in the past"
    return None


def _complaint_month(found: date) -> str | None:
    if found > clock.today():
        return "The date you made your complaint must be in the past"
    if found < date(1990, 1, 1):
        return "The date you made your complaint must be after 1990"
    return None


class WhenComplainedForm(StepForm):
    fields_to_save = ("after_scheme_start",)
    after_scheme_start = RadiosField(
        f"Did you make your complaint on or after {format_date(COMPLAINTS_SCHEME_START)}?",
        choices={"yes": "Yes", "no": "No", "not-sure": "I'm not sure"},
        required=(
            f"Select if you made your complaint on or after {format_date(COMPLAINTS_SCHEME_START)}"
        ),
    )


class ReviewBodyForm(StepForm):
    fields_to_save = ("review_body",)
    review_body = RadiosField(
        "Who does your outcome letter say to send a review request to?",
        choices={
            "mopac": "The Mayor's Office for Policing and Crime (MOPAC)",
            "iopc": "The Independent Office for Police Conduct (IOPC)",
            "not-sure": "I'm not sure",
        },
        required="Select who your outcome letter says to send a review request to",
    )


class LetterDateForm(StepForm):
    fields_to_save = ("letter_date",)
    letter_date = DateParts(
        "What date is on your outcome letter?",
        describe="The date on your outcome letter",
        check=_not_in_future,
        description="This is usually at the top of the letter. For example, 27 3 2026",
    )


class LetterReceivedForm(StepForm):
    fields_to_save = ("letter_received_on",)
    letter_received_on = DateParts(
        "When did the letter reach you? (optional)",
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


class LateReasonForm(StepForm):
    fields_to_save = ("late_reason",)
    late_reason = TextAreaField(
        "Why are you asking for a review after the 28 days?",
        required="Enter why you are asking for a review after the 28 days",
        max_length=(
            LONG_ANSWER_LIMIT,
            f"Why you are late must be {LONG_ANSWER_LIMIT:,} characters or fewer",
        ),
        description="For example, you were in hospital, or the letter reached you late.",
    )


class ContinueForm(StepForm):
    """A page of information with a Continue button and nothing to answer."""


class WhoIsAskingForm(StepForm):
    fields_to_save = ("role",)
    role = RadiosField(
        "Are you the person who made the complaint?",
        choices={
            "complainant": "Yes, I made the complaint",
            "representative": "No, I am asking for someone else",
        },
        required="Select if you made the complaint or are asking for someone else",
    )


class YourNameForm(StepForm):
    fields_to_save = ("full_name",)
    full_name = name_field("What is your full name?", "Enter your full name")


class AboutYouForm(StepForm):
    fields_to_save = ("full_name", "organisation", "relationship")
    full_name = name_field("Full name", "Enter your full name")
    organisation = TextField(
        "Organisation (optional)",
        description="For example, the name of your law firm or advocacy service",
        max_length=(200, "Organisation must be 200 characters or fewer"),
    )
    relationship = TextField(
        "How are you connected to the person who made the complaint?",
        description="For example, solicitor, advocate, parent or friend",
        required="Enter how you are connected to the person who made the complaint",
        max_length=(200, "How you are connected must be 200 characters or fewer"),
    )


class ComplainantDetailsForm(StepForm):
    fields_to_save = ("full_name", "email", "phone", "address")
    full_name = name_field(
        "Their full name", "Enter the full name of the person who made the complaint"
    )
    # Someone else's details: the browser must not offer the representative's own.
    email = email_field("Their email address (optional)", autocomplete="off")
    phone = phone_field("Their phone number (optional)", autocomplete="off")
    address = TextAreaField(
        "Their postal address (optional)",
        max_length=(500, "Address must be 500 characters or fewer"),
    )


class UpdatesForm(StepForm):
    fields_to_save = ("updates_to",)
    updates_to = RadiosField(
        "Who should we send updates to?",
        choices={
            "requester": "Only me",
            "complainant": "Only the person who made the complaint",
            "both": "Both of us",
        },
        required="Select who we should send updates to",
    )


class ConsentForm(StepForm):
    fields_to_save = ("consent",)
    consent = RadiosField(
        "Do you have their written permission to act for them?",
        description=(
            "We need a letter or form, signed by the person who made the complaint, saying you "
            "can act for them in this review."
        ),
        choices={
            "uploaded": "Yes, I can upload it now",
            "awaited": "They agree, and I will send their signed permission later",
        },
        required="Select if you can upload their signed permission now",
    )


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


class ComplaintDateForm(StepForm):
    fields_to_save = ("complaint_date",)
    complaint_date = DateParts(
        "When did you make your complaint to the Met?",
        describe="The date you made your complaint",
        parts=("month", "year"),
        check=_complaint_month,
        description=(
            "If you do not know the exact month, give your best guess. For example, 11 2025"
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


class ComplaintSummaryForm(StepForm):
    fields_to_save = ("complaint_summary",)
    complaint_summary = _long_answer(
        "What was your complaint about?",
        "Enter what your complaint was about",
        "What your complaint was about",
        "A short summary is enough. We will get the full details from the Met.",
    )


class WhyUnhappyForm(StepForm):
    fields_to_save = ("why_unhappy",)
    why_unhappy = _long_answer(
        "Why do you think the outcome of your complaint was wrong?",
        "Enter why you think the outcome of your complaint was wrong",
        "Why you think the outcome was wrong",
        "Tell us what the Met did not deal with, got wrong or did not weigh fairly.",
    )


class DesiredOutcomeForm(StepForm):
    fields_to_save = ("desired_outcome",)
    desired_outcome = _long_answer(
        "What would you like to happen? (optional)",
        None,
        "What you would like to happen",
        "For example, an apology, an explanation, or for the Met to look at your complaint again.",
    )


def adjustments_field(hint: str, required: str | None = None) -> CheckboxesField:
    return CheckboxesField(
        "What do you need?", choices=ADJUSTMENTS, description=hint, required=required
    )


class HowToContactForm(StepForm):
    fields_to_save = ("preferred_contact",)
    preferred_contact = preferred_contact_field()


class ContactDetailsForm(StepForm):
    """Which details are needed depends on how the person wants to be contacted, which they
    answered on the page before."""

    fields_to_save: ClassVar[tuple[str, ...]] = (
        "email",
        "phone",
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
    )
    email = email_field()
    phone = phone_field()
    address_line_1 = TextField(
        "Address line 1",
        max_length=(200, "Address line 1 must be 200 characters or fewer"),
        render_kw={"autocomplete": "address-line1"},
    )
    address_line_2 = TextField(
        "Address line 2 (optional)",
        max_length=(200, "Address line 2 must be 200 characters or fewer"),
        render_kw={"autocomplete": "address-line2"},
    )
    town = TextField(
        "Town or city",
        max_length=(100, "Town or city must be 100 characters or fewer"),
        render_kw={"autocomplete": "address-level2"},
    )
    postcode = TextField(
        "Postcode",
        max_length=(10, "Postcode must be 10 characters or fewer"),
        render_kw={"autocomplete": "postal-code", "spellcheck": "false"},
    )

    def contact_method(self) -> str | None:
        """How the person asked to be contacted, which decides what is required here."""
        return answer(self.answers, "how-to-contact", "preferred_contact")

    def validate_email(self, field: Field) -> None:
        if self.contact_method() == "email" and not (field.data or "").strip():
            raise StopValidation(
                "Enter your email address, as you asked us to contact you by email"
            )

    def validate_phone(self, field: Field) -> None:
        if self.contact_method() == "phone" and not (field.data or "").strip():
            raise StopValidation("Enter your phone number, as you asked us to contact you by phone")

    def validate_address_line_1(self, field: Field) -> None:
        if self.contact_method() == "post" and not (field.data or "").strip():
            raise StopValidation("Enter address line 1, typically the building and street")

    def validate_town(self, field: Field) -> None:
        if self.contact_method() == "post" and not (field.data or "").strip():
            raise StopValidation("Enter town or city")

    def validate_postcode(self, field: Field) -> None:
        if self.contact_method() == "post" and not (field.data or "").strip():
            raise StopValidation("Enter postcode")


class ContactSafetyForm(StepForm):
    fields_to_save = ("safe",)
    safe = CheckboxesField(
        "When we contact you, is it safe for us to:",
        choices={
            "leave-message": "leave a voicemail or message",
            "say-who": "say we are calling or writing from MOPAC",
        },
        description="Select all that apply. If neither is safe, leave both unticked.",
    )

    def validate_safe(self, field: Field) -> None:
        if any(value not in {"leave-message", "say-who"} for value in field.data or []):
            raise StopValidation("Select what is safe for us to do")


class AdjustmentsForm(StepForm):
    fields_to_save = (
        "adjustments",
        "callback_phone",
        "callback_times",
        "interpreter_language",
        "other_adjustment",
    )
    adjustments = adjustments_field("Select all that apply.", required="Select what you need")
    callback_phone = phone_field("Phone number to call")
    callback_times = best_times_field("Best days and times to call you")
    interpreter_language = TextField(
        "Which language?", max_length=(100, "Language must be 100 characters or fewer")
    )
    other_adjustment = TextAreaField(
        "What else do you need?",
        max_length=(1000, "What else you need must be 1,000 characters or fewer"),
    )

    @classmethod
    def initial_data(cls, saved: dict[str, Any] | None, answers: Answers) -> dict[str, Any]:
        # The number to call is usually the one they gave a page before.
        return saved or {"callback_phone": answer(answers, "contact-details", "phone")}

    def validate_adjustments(self, field: Field) -> None:
        if any(value not in ADJUSTMENTS for value in field.data or []):
            raise StopValidation("Select what you need")

    def validate_callback_phone(self, field: Field) -> None:
        if "callback" in (self.adjustments.data or []) and not (field.data or "").strip():
            raise StopValidation("Enter a phone number for us to call")

    def validate_interpreter_language(self, field: Field) -> None:
        if "interpreter" in (self.adjustments.data or []) and not (field.data or "").strip():
            raise StopValidation("Enter which language you need an interpreter for")

    def validate_other_adjustment(self, field: Field) -> None:
        if "other" in (self.adjustments.data or []) and not (field.data or "").strip():
            raise StopValidation("Enter what else you need")


FORMS: dict[str, type[StepForm]] = {
    "about-the-met": yes_no_form(
        "about_met",
        "Is your complaint about the Metropolitan Police Service (the Met)?",
        "Select yes if your complaint is about the Metropolitan Police Service",
    ),
    "about-the-commissioner": yes_no_form(
        "about_commissioner",
        "Is your complaint about the Commissioner of the Met?",
        "Select yes if your complaint is about the Commissioner of the Met",
    ),
    "outcome-letter": yes_no_form(
        "has_letter",
        "Has the Met sent you a letter telling you the outcome of your complaint?",
        "Select yes if the Met has sent you an outcome letter",
    ),
    "when-complained": WhenComplainedForm,
    "review-body": ReviewBodyForm,
    "letter-date": LetterDateForm,
    "letter-received": LetterReceivedForm,
    "late-reason": LateReasonForm,
    "what-we-cannot-do": ContinueForm,
    "who-is-asking": WhoIsAskingForm,
    "your-name": YourNameForm,
    "about-you": AboutYouForm,
    "complainant-details": ComplainantDetailsForm,
    "updates": UpdatesForm,
    "consent": ConsentForm,
    "mps-reference": MpsReferenceForm,
    "complaint-date": ComplaintDateForm,
    "complaint-summary": ComplaintSummaryForm,
    "why-unhappy": WhyUnhappyForm,
    "desired-outcome": DesiredOutcomeForm,
    "how-to-contact": HowToContactForm,
    "contact-details": ContactDetailsForm,
    "contact-safety": ContactSafetyForm,
    "adjustments-needed": yes_no_form(
        "needed",
        "Do you need us to change anything to help you?",
        "Select yes if you need us to change anything to help you",
    ),
    "adjustments": AdjustmentsForm,
}


class UploadForm(FlaskForm):
    """An upload page: choose files and upload them, or continue. Files are checked one by
    one in the view, because one bad file must not lose the good ones chosen with it."""

    files = MultipleFileField("Upload a file")
    letter_to_follow = CheckboxField(
        "I cannot upload my letter now. I will send it to you by email or post."
    )


class SaveForm(FlaskForm):
    email = email_field("Email address")

    def validate_email(self, field: Field) -> None:
        if not (field.data or "").strip():
            raise StopValidation("Enter the email address to send your link to")
