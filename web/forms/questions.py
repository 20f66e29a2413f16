"""Questions asked in the same words on several forms: names and contact details."""

from __future__ import annotations

from web.forms.fields import RadiosField, TextField
from web.forms.validators import check_email, check_phone


def name_field(label: str, error: str) -> TextField:
    return TextField(
        label, required=error, max_length=(200, "Name must be 200 characters or fewer")
    )


def email_field(label: str = "Email address", autocomplete: str = "email") -> TextField:
    """`autocomplete` is "email" for the person's own address, "off" for someone else's."""
    return TextField(
        label,
        validators=[check_email],
        render_kw={"autocomplete": autocomplete, "spellcheck": "false", "type": "email"},
    )


def phone_field(label: str = "Phone number", autocomplete: str = "tel") -> TextField:
    """`autocomplete` is "tel" for the person's own number, "off" for someone else's."""
    return TextField(
        label,
        description="For international numbers include the country code",
        validators=[check_phone],
        render_kw={"autocomplete": autocomplete, "type": "tel"},
    )


def best_times_field(label: str) -> TextField:
    return TextField(
        label,
        description="For example, weekday mornings or after 4pm",
        max_length=(200, "Best days and times must be 200 characters or fewer"),
    )


def preferred_contact_field() -> RadiosField:
    return RadiosField(
        "How should we contact you?",
        choices={"email": "Email", "phone": "Phone", "post": "Post"},
        required="Select how we should contact you",
    )
