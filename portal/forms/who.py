"""The journey's "who is asking" section: the person who made the complaint, or someone acting
for them with their permission."""

from __future__ import annotations

from wtforms import Field
from wtforms.validators import StopValidation

from portal.forms.base import StepForm, question_form
from reviews.journey import answer, updates_go_to_complainant
from web.forms import RadiosField, TextAreaField, TextField, email_field, name_field, phone_field

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

    def validate_email(self, field: Field) -> None:
        # Someone coming back to change these details, having chosen updates for them.
        if not (field.data or "").strip() and updates_go_to_complainant(self.answers):
            raise StopValidation(
                "Enter their email address, as you asked us to send them updates by email"
            )


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

    def validate_updates_to(self, field: Field) -> None:
        if field.data in ("complainant", "both") and not answer(
            self.answers, "complainant-details", "email"
        ):
            raise StopValidation(
                "Select only me, or go back and enter the email address of the person who made"
                " the complaint so that we can send them updates"
            )


ConsentForm = question_form(
    "consent",
    RadiosField(
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
    ),
)
