"""The journey's last sections: how to contact the person, what is safe when we do, and the
help they need."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from flask import current_app
from wtforms import Field
from wtforms.validators import StopValidation, ValidationError

from reviews.journey import ADJUSTMENTS, Answers, answer
from reviews.texts import uk_mobile
from web.config import texts_offered
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
from web.journey.forms.base import StepForm, question_form, yes_no_form

HowToContactForm = question_form("preferred_contact", preferred_contact_field())


def _address_line(label: str, limit: int, **render_kw: str) -> TextField:
    """One line of a postal address; the length error names it by its label, less "(optional)"."""
    name = label.removesuffix(" (optional)")
    return TextField(
        label,
        max_length=(limit, f"{name} must be {limit} characters or fewer"),
        render_kw=render_kw,
    )


def _required_when_contacted_by(
    method: str, message: str
) -> Callable[[ContactDetailsForm, Field], None]:
    """A field's inline validator: required when the person asked to be contacted by `method`."""

    def validate(form: ContactDetailsForm, field: Field) -> None:
        required_if(form.contact_method() == method, field, message)

    return validate


# The text messages choice: one checkbox under the phone number (GOV.UK checkboxes with one
# option; no conditional reveal, see templates/accessibility/ask_for_another_format.html).
TEXTS_CHOICE = "yes"
NO_MOBILE_ERROR = "Enter a UK mobile number to get text messages"
NOT_A_MOBILE_ERROR = "Enter a UK mobile number, like 07700 900 982, to get text messages"


class ContactDetailsForm(StepForm):
    """Which details are needed depends on how the person wants to be contacted, which they
    answered on the page before. Text messages are offered only when the service can send
    them (SMS_BACKEND), and only to a UK mobile number."""

    fields_to_save: ClassVar[tuple[str, ...]] = (
        "email",
        "phone",
        "text_updates",
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
    )
    email = email_field()
    phone = phone_field()
    text_updates = CheckboxesField(
        "Text messages (optional)",
        choices={TEXTS_CHOICE: "Send me text messages about progress"},
        description=(
            "We can only text a UK mobile number. A text tells you something has changed and "
            "gives a link to track your request. It does not say what your complaint is about."
        ),
    )
    address_line_1 = _address_line("Address line 1", 200, autocomplete="address-line1")
    address_line_2 = _address_line("Address line 2 (optional)", 200, autocomplete="address-line2")
    town = _address_line("Town or city", 100, autocomplete="address-level2")
    postcode = _address_line("Postcode", 10, autocomplete="postal-code", spellcheck="false")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not texts_offered(current_app.config):
            # Not asked, so neither shown, checked, saved nor on the check answers page: this
            # one form's saved fields depend on the settings, so it sets them on the instance.
            del self["text_updates"]
            self.fields_to_save = tuple(  # type: ignore[misc]
                name for name in type(self).fields_to_save if name != "text_updates"
            )

    def contact_method(self) -> str | None:
        """How the person asked to be contacted, which decides what is required here."""
        return answer(self.answers, "how-to-contact", "preferred_contact")

    def wants_texts(self) -> bool:
        return "text_updates" in self and TEXTS_CHOICE in (self.text_updates.data or [])

    validate_email = _required_when_contacted_by(
        "email", "Enter your email address, as you asked us to contact you by email"
    )

    def validate_phone(self, field: Field) -> None:
        required_if(
            self.contact_method() == "phone",
            field,
            "Enter your phone number, as you asked us to contact you by phone",
        )
        if not self.wants_texts() or field.errors:  # a number that is not one says so already
            return
        required_if(True, field, NO_MOBILE_ERROR)
        if uk_mobile(field.data) is None:
            raise ValidationError(NOT_A_MOBILE_ERROR)

    def validate_text_updates(self, field: Field) -> None:
        if any(value != TEXTS_CHOICE for value in field.data or []):
            raise StopValidation("Select if you want text messages about progress")

    validate_address_line_1 = _required_when_contacted_by(
        "post", "Enter address line 1, typically the building and street"
    )
    validate_town = _required_when_contacted_by("post", "Enter town or city")
    validate_postcode = _required_when_contacted_by("post", "Enter postcode")


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
    "Do {you_or_them} need help or changes to use this service?",
    "Select yes if {you_or_them} need help or changes to use this service",
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
