"""The journey's last sections: how to contact the person, what is safe when we do, and the
help they need."""

from __future__ import annotations

from typing import Any, ClassVar

from wtforms import Field
from wtforms.validators import StopValidation

from portal.forms.base import StepForm, question_form, yes_no_form
from reviews.journey import ADJUSTMENTS, Answers, answer
from web.forms import (
    CheckboxesField,
    TextAreaField,
    TextField,
    best_times_field,
    email_field,
    phone_field,
    preferred_contact_field,
    required_if,
)

HowToContactForm = question_form("preferred_contact", preferred_contact_field())


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
        required_if(
            self.contact_method() == "email",
            field,
            "Enter your email address, as you asked us to contact you by email",
        )

    def validate_phone(self, field: Field) -> None:
        required_if(
            self.contact_method() == "phone",
            field,
            "Enter your phone number, as you asked us to contact you by phone",
        )

    def validate_address_line_1(self, field: Field) -> None:
        required_if(
            self.contact_method() == "post",
            field,
            "Enter address line 1, typically the building and street",
        )

    def validate_town(self, field: Field) -> None:
        required_if(self.contact_method() == "post", field, "Enter town or city")

    def validate_postcode(self, field: Field) -> None:
        required_if(self.contact_method() == "post", field, "Enter postcode")


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


AdjustmentsNeededForm = yes_no_form(
    "needed",
    "Do you need us to change anything to help you?",
    "Select yes if you need us to change anything to help you",
)


def adjustments_field(hint: str, required: str | None = None) -> CheckboxesField:
    return CheckboxesField(
        "What do you need?", choices=ADJUSTMENTS, description=hint, required=required
    )


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
        required_if(
            "callback" in (self.adjustments.data or []),
            field,
            "Enter a phone number for us to call",
        )

    def validate_interpreter_language(self, field: Field) -> None:
        required_if(
            "interpreter" in (self.adjustments.data or []),
            field,
            "Enter which language you need an interpreter for",
        )

    def validate_other_adjustment(self, field: Field) -> None:
        required_if("other" in (self.adjustments.data or []), field, "Enter what else you need")
