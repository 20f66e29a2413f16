"""The accessibility forms: ask for a phone call, ask for a document in another format.

Each is one short page, the GOV.UK contact form pattern: the whole form is the one thing the
person came to do. A hidden one-off key makes a double click or a resend save one request.
"""

from __future__ import annotations

import secrets

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField
from wtforms.validators import StopValidation

from reviews.accessibility import FORMATS
from reviews.references import parse_reference
from web.forms import (
    CheckboxesField,
    RadiosField,
    TextAreaField,
    TextField,
    answered,
    best_times_field,
    email_field,
    name_field,
    phone_field,
    preferred_contact_field,
    required_if,
)

SAFE_CHOICES = {
    "leave-message": "leave a voicemail or message",
    "say-who": "say we are calling from MOPAC",
}


class OnceOnlyForm(FlaskForm):
    submission_key = HiddenField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.submission_key.data:
            self.submission_key.data = secrets.token_urlsafe(24)

    def validate_submission_key(self, field: Field) -> None:
        if not field.data or len(field.data) > 64:
            raise StopValidation("The form was not complete. Go back and try again")

    def key(self) -> str:
        """The form's one-off key, once the form has validated (which refuses a blank one)."""
        return answered(self.submission_key)


def _optional_tracking_reference(form, field: Field) -> None:
    """Empty, or a tracking reference we can read (kept in its canonical form)."""
    if not (field.data or "").strip():
        field.data = None
        return
    canonical = parse_reference(field.data)
    if canonical is None:
        raise StopValidation(
            "Enter your tracking reference as it is on your confirmation, like ABCD-EFGH-JKMN-PQ"
        )
    field.data = canonical


def tracking_reference_field() -> TextField:
    # So that staff see the request alongside what it needs.
    return TextField(
        "Tracking reference (optional)",
        description="If you have already asked for a review. For example, ABCD-EFGH-JKMN-PQ",
        validators=[_optional_tracking_reference],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )


class CallbackForm(OnceOnlyForm):
    full_name = name_field("Your name", "Enter your name")
    phone = phone_field("Phone number to call")
    best_times = best_times_field("Best days and times to call (optional)")
    safe = CheckboxesField(
        "When we call, is it safe for us to:",
        choices=SAFE_CHOICES,
        description="Select all that apply. If neither is safe, leave both unticked.",
    )
    about = TextAreaField(
        "What would you like to talk about? (optional)",
        max_length=(1000, "What you would like to talk about must be 1,000 characters or fewer"),
    )
    reference = tracking_reference_field()

    def validate_phone(self, field: Field) -> None:
        if not (field.data or "").strip():
            raise StopValidation("Enter a phone number for us to call")

    def validate_safe(self, field: Field) -> None:
        if any(value not in SAFE_CHOICES for value in field.data or []):
            raise StopValidation("Select what is safe for us to do")


class FormatRequestForm(OnceOnlyForm):
    document = TextAreaField(
        "Which document or page do you need?",
        description="Give its name or web address. For example, the privacy notice",
        required="Enter which document or page you need",
        max_length=(1000, "Which document or page must be 1,000 characters or fewer"),
    )
    format = RadiosField(
        "Which format do you need?", choices=FORMATS, required="Select which format you need"
    )
    language = TextField(
        "Which language?", max_length=(100, "Language must be 100 characters or fewer")
    )
    assistive_technology = TextField(
        "Which assistive technology do you use? (optional)",
        description="For example, a screen reader or screen magnifier. This helps us get it right.",
        max_length=(200, "Assistive technology must be 200 characters or fewer"),
    )
    full_name = name_field("Your name", "Enter your name")
    preferred_contact = preferred_contact_field()
    email = email_field()
    phone = phone_field()
    address = TextAreaField(
        "Postal address",
        max_length=(500, "Address must be 500 characters or fewer"),
        render_kw={"autocomplete": "street-address"},
    )
    reference = tracking_reference_field()

    def validate_language(self, field: Field) -> None:
        required_if(self.format.data == "language", field, "Enter which language you need")

    def validate_email(self, field: Field) -> None:
        required_if(self.preferred_contact.data == "email", field, "Enter your email address")

    def validate_phone(self, field: Field) -> None:
        required_if(self.preferred_contact.data == "phone", field, "Enter your phone number")

    def validate_address(self, field: Field) -> None:
        required_if(self.preferred_contact.data == "post", field, "Enter your postal address")
