"""The journey's "who is asking" section: the person who made the complaint, or someone acting
for them with their permission."""

from __future__ import annotations

from typing import Any

from wtforms import Field
from wtforms.validators import StopValidation

from reviews.journey import (
    REPRESENTATIVE_KINDS,
    Answers,
    answer,
    complainant_has_died,
    consent_route,
    representative_kind,
    updates_go_to_complainant,
)
from web.forms import RadiosField, TextAreaField, TextField, email_field, name_field, phone_field
from web.journey.forms.base import StepForm, question_form

WhoIsAskingForm = question_form(
    "role",
    RadiosField(
        "Are you the person who made the complaint, or are you helping someone?",
        choices={
            "complainant": "I made the complaint",
            "representative": "I am helping someone who made a complaint",
        },
        required="Select if you made the complaint or are helping someone",
    ),
)

YourNameForm = question_form(
    "full_name", name_field("What is your full name?", "Enter your full name")
)


class AboutYouForm(StepForm):
    fields_to_save = ("full_name", "representative_kind")
    full_name = name_field("Your full name", "Enter your full name")
    representative_kind = RadiosField(
        "How are you helping them?",
        choices=REPRESENTATIVE_KINDS,
        required="Select how you are helping them",
    )


# The organisation's name, asked in the words that fit each kind of representative.
ORGANISATION_QUESTIONS = {
    "solicitor": "What is the name of your firm?",
    "advocate": "What is the name of your advocacy service?",
    "mp-office": "Which MP's office do you work in?",
    "support-worker": "What is the name of the organisation you work for?",
}


class YourOrganisationForm(StepForm):
    fields_to_save = ("organisation",)
    organisation = TextField(
        "Your organisation",
        required="Enter the name of your organisation",
        max_length=(200, "Organisation must be 200 characters or fewer"),
        # The person's own organisation: the browser may fill it in (WCAG 1.3.5).
        render_kw={"autocomplete": "organization"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = representative_kind(self.answers)
        if kind in ORGANISATION_QUESTIONS:
            self.organisation.label.text = ORGANISATION_QUESTIONS[kind]


YourConnectionForm = question_form(
    "relationship",
    TextField(
        "How do you know the person you are helping?",
        description="For example, neighbour, carer or interpreter",
        required="Enter how you know the person you are helping",
        max_length=(200, "How you know them must be 200 characters or fewer"),
    ),
)


def _complainant_name(answers: Answers) -> str | None:
    name: str | None = answer(answers, "complainant-details", "full_name")
    return name


class ConsentForm(StepForm):
    """How the representative shows they may act: each route's hint, on the page
    (templates/portal/journey/consent.html), says what happens next and what we check."""

    fields_to_save = ("consent_route",)
    consent_route = RadiosField(
        "How can you show you may act for the person you are helping?",
        description="We need to know you may ask for this review for them. Choose the one"
        " that fits best.",
        choices={
            "upload-now": "I have their signed permission, and can upload it now",
            "form-later": "They will sign our consent form, and I will send it to you later",
            "phone-or-email": "They will phone or email us to say they agree",
            "attorney": "I have a lasting power of attorney for them, or I am their deputy or"
            " appointee",
            "parent": "I am the parent or guardian of a child who made the complaint",
            "died": "The person who made the complaint has died",
        },
        required="Select how you can show you may act for them",
    )

    def validate_consent_route(self, field: Field) -> None:
        # Changing the route from the check page, after their details were given without a
        # way to reach them.
        details = self.answers.get("complainant-details")
        if (
            field.data == "phone-or-email"
            and details is not None
            and not (details.get("email") or details.get("phone"))
        ):
            raise StopValidation(
                "Go back and give their email address or phone number first, so we can check"
                " with them that they agree"
            )


class ComplainantDetailsForm(StepForm):
    """Their name, and how to reach them (not asked when they have died)."""

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

    def asks_contact_details(self) -> bool:
        return not complainant_has_died(self.answers)

    def validate_email(self, field: Field) -> None:
        if not self.asks_contact_details():
            return
        if (
            consent_route(self.answers) == "phone-or-email"
            and not (field.data or "").strip()
            and not (self.phone.data or "").strip()
        ):
            raise StopValidation(
                "Enter their email address or phone number, so we can check with them that"
                " they agree"
            )
        # Someone coming back to change these details, having chosen updates for them.
        if not (field.data or "").strip() and updates_go_to_complainant(self.answers):
            raise StopValidation(
                "Enter their email address, as you asked us to send them updates by email"
            )

    def validate(self, extra_validators: Any = None) -> bool:
        if not self.asks_contact_details():
            # Not shown, so not checked: whatever was sent for them is dropped.
            for name in ("email", "phone", "address"):
                self[name].data = None
        return super().validate(extra_validators)

    def to_answers(self) -> dict[str, Any]:
        answers = super().to_answers()
        if not self.asks_contact_details():
            answers.update(email=None, phone=None, address=None)
        return answers


class UpdatesForm(StepForm):
    fields_to_save = ("updates_to",)
    updates_to = RadiosField(
        "Who should we send updates to?",
        description="We send updates by email.",
        choices={
            "requester": "Only me",
            "complainant": "Only the person who made the complaint",
            "both": "Both of us",
        },
        required="Select who we should send updates to",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name = _complainant_name(self.answers)
        if name:
            self.updates_to.choices = [
                ("requester", "Only me"),
                ("complainant", f"Only {name}"),
                ("both", f"Both me and {name}"),
            ]

    def validate_updates_to(self, field: Field) -> None:
        if field.data in ("complainant", "both") and not answer(
            self.answers, "complainant-details", "email"
        ):
            raise StopValidation(
                "Select only me, or go back and enter the email address of the person you are"
                " helping so that we can send them updates"
            )
