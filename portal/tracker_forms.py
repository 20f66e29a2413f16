"""Forms for the tracker: look a request up, and change what the requester may change."""

from __future__ import annotations

from typing import Self

from flask_wtf import FlaskForm

from reviews.models import ReviewRequest
from reviews.submission import split_address
from reviews.tracker_changes import contact_details
from reviews.tracking import COMPLAINANT, REQUESTER
from web.forms import RadiosField, TextAreaField, TextField, preferred_contact_field
from web.journey.forms import (
    LONG_ANSWER_LIMIT,
    AdjustmentsForm,
    ContactDetailsForm,
    adjustments_field,
)


class LookupForm(FlaskForm):
    reference = TextField(
        "Tracking reference",
        description="This is on your confirmation page and email. For example, ABCD-EFGH-JKMN-PQ",
        required="Enter your tracking reference",
        render_kw={"spellcheck": "false", "autocomplete": "off", "autocapitalize": "characters"},
    )
    surname = TextField(
        "Last name",
        description=(
            "The last name of the person who sent the request, or of the person who made the "
            "complaint"
        ),
        required="Enter the last name",
        render_kw={"autocomplete": "family-name", "spellcheck": "false"},
    )


class MessageForm(FlaskForm):
    body = TextAreaField(
        "What do you want to tell us?",
        required="Enter what you want to tell us",
        max_length=(
            LONG_ANSWER_LIMIT,
            f"Your message must be {LONG_ANSWER_LIMIT:,} characters or fewer",
        ),
    )


class ContactUpdateForm(ContactDetailsForm):
    """The journey's contact details, with the way to contact on the same page."""

    fields_to_save = (*ContactDetailsForm.fields_to_save, "preferred_contact")
    preferred_contact = preferred_contact_field()

    @classmethod
    def for_request(cls, review_request: ReviewRequest) -> Self:
        details = contact_details(review_request, REQUESTER)
        return cls.prefilled(
            {
                "preferred_contact": review_request.preferred_contact,
                "email": details["email"],
                "phone": details["phone"],
                **split_address(details["address"]),
            }
        )

    def contact_method(self) -> str | None:
        return self.preferred_contact.data


class ComplainantContactForm(ContactDetailsForm):
    """The complainant's own contact details, when someone else sent the request: how we
    contact them was the sender's choice, so every detail here is optional."""

    @classmethod
    def for_request(cls, review_request: ReviewRequest) -> Self:
        details = contact_details(review_request, COMPLAINANT)
        return cls.prefilled(
            {
                "email": details["email"],
                "phone": details["phone"],
                **split_address(details["address"]),
            }
        )

    def contact_method(self) -> str | None:
        return None


class HelpUpdateForm(AdjustmentsForm):
    """The journey's adjustments, where clearing every box is an answer: no help needed now."""

    adjustments = adjustments_field(
        "Select all that apply. If you no longer need any help, clear every box."
    )

    @classmethod
    def for_request(cls, review_request: ReviewRequest) -> Self:
        return cls.prefilled(
            {
                "adjustments": review_request.adjustments,
                "callback_phone": review_request.requester_phone,
                "callback_times": review_request.callback_times,
                "interpreter_language": review_request.interpreter_language,
                "other_adjustment": review_request.other_adjustment,
            }
        )


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        "Why are you withdrawing your request? (optional)",
        max_length=(1000, "Your reason must be 1,000 characters or fewer"),
    )


class PartyForm(FlaskForm):
    """Both people on the request have the surname given: which one is looking."""

    party = RadiosField(
        "Who are you?",
        required="Select who you are",
    )

    @classmethod
    def for_request(cls, review_request: ReviewRequest) -> PartyForm:
        form = cls()
        form.party.choices = [
            (REQUESTER, f"{review_request.requester_name}, who sent the request"),
            (COMPLAINANT, f"{review_request.complainant_name}, who made the complaint"),
        ]
        return form
