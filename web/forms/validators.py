"""The kit's validators. None of them sets the HTML `required` flag: the browser's own checks
would show its messages instead of our error summary."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from wtforms import Field
from wtforms.fields.choices import SelectFieldBase
from wtforms.validators import StopValidation, ValidationError

# What WTForms calls with the form and the field; it raises to say what is wrong.
Validator = Callable[[Any, Field], None]

PHONE_FORMAT_ERROR = "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"


class Required:
    """The field must have a non-blank value. Sets no HTML `required` flag, on purpose."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Any, field: Field) -> None:
        value = field.data
        if value is None or value == [] or (isinstance(value, str) and not value.strip()):
            raise StopValidation(self.message)


class Chosen:
    """A radio answer must be one of the field's choices."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Any, field: Field) -> None:
        assert isinstance(field, SelectFieldBase), "`required` makes Chosen for radios only"
        # WTForms yields (value, label, selected, render_kw) for each choice.
        if field.data not in {value for value, *_ in field.iter_choices()}:
            raise StopValidation(self.message)


def required_if(applies: bool, field: Field, message: str) -> None:
    """For a form's own check: the field must have a non-blank answer when `applies`, such as a
    phone number when the person chose to be phoned."""
    if applies and not (field.data or "").strip():
        raise StopValidation(message)


class MaxLength:
    def __init__(self, maximum: int, message: str) -> None:
        self.maximum = maximum
        self.message = message

    def __call__(self, form: Any, field: Field) -> None:
        if field.data and len(field.data) > self.maximum:
            raise ValidationError(self.message)


def check_email(form: Any, field: Field) -> None:
    """A blank answer passes (see Required); any other must be an email address, which is kept
    in its normal form."""
    if not field.data or not field.data.strip():
        return
    try:
        field.data = validate_email(field.data.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValidationError(
            "Enter an email address in the correct format, like name@example.com"
        ) from error


def check_phone(form: Any, field: Field) -> None:
    """A blank answer passes; any other must be a possible phone number, kept formatted (UK
    numbers in the national format, others in the international one)."""
    if not field.data or not field.data.strip():
        return
    try:
        number = phonenumbers.parse(field.data, "GB")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(PHONE_FORMAT_ERROR) from error
    if not phonenumbers.is_possible_number(number):
        raise ValidationError(PHONE_FORMAT_ERROR)
    field.data = phonenumbers.format_number(
        number,
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    )
