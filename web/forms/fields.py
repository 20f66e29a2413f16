"""Form pieces the GOV.UK patterns need and WTForms lacks: validators that do not switch on the
browser's own `required` checks (its messages bypass our error summary), and date inputs whose
parts are checked one by one, as the GOV.UK date input pattern asks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextInput
from wtforms import Field, RadioField, StringField
from wtforms.validators import StopValidation, ValidationError


class Required:
    """The field must have a non-blank value. Sets no HTML `required` flag, on purpose."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form, field: Field) -> None:
        value = field.data
        if value is None or value == [] or (isinstance(value, str) and not value.strip()):
            raise StopValidation(self.message)


class Chosen:
    """A radio answer must be one of the field's choices."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form, field: Field) -> None:
        if field.data not in {choice.value for choice in field.iter_choices()}:
            raise StopValidation(self.message)


class MaxLength:
    def __init__(self, maximum: int, message: str) -> None:
        self.maximum = maximum
        self.message = message

    def __call__(self, form, field: Field) -> None:
        if field.data and len(field.data) > self.maximum:
            raise ValidationError(self.message)


def strip_text(value: str | None) -> str | None:
    """Trim surrounding white space; an empty answer becomes None."""
    if value is None:
        return None
    value = value.strip()
    return value or None


class DateParts(Field):
    """A GOV.UK date input: separate day, month and year boxes named `<name>-day` and so on.

    `describe` names the date in messages ("The date on your letter"). Errors say which part is
    missing or wrong, and `error_parts` tells the template which boxes to highlight.
    """

    PARTS = ("day", "month", "year")

    def __init__(
        self,
        label: str | None = None,
        *,
        describe: str,
        optional: bool = False,
        parts: tuple[str, ...] = PARTS,
        check: Callable[[date], str | None] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(label, **kwargs)
        self.describe = describe
        self.optional = optional
        self.parts = parts
        self.check = check
        self.raw_parts: dict[str, str] = {}
        self.error_parts: tuple[str, ...] = ()
        # The error summary links to the first box.
        self.id = f"{self.id}-{parts[0]}"

    def process(self, formdata, data=None, extra_filters=None) -> None:
        self.process_errors = []
        self.data = data if isinstance(data, date) else None
        if isinstance(data, str) and data:
            self.data = date.fromisoformat(data)
        if formdata is not None:
            self.raw_parts = {
                part: formdata.get(f"{self.name}-{part}", "").strip() for part in self.parts
            }
        elif self.data:
            values = {"day": self.data.day, "month": self.data.month, "year": self.data.year}
            self.raw_parts = {part: str(values[part]) for part in self.parts}

    def _fail(self, message: str, parts: tuple[str, ...]) -> None:
        self.error_parts = parts
        self.id = f"{self.name}-{parts[0]}"
        raise StopValidation(message)

    def pre_validate(self, form) -> None:
        self.data = None
        filled = {part: value for part, value in self.raw_parts.items() if value}
        if not filled:
            if self.optional:
                return
            self._fail(f"Enter {self.describe.lower()}", self.parts)
        missing = tuple(part for part in self.parts if part not in filled)
        if missing:
            self._fail(f"{self.describe} must include a {' and '.join(missing)}", missing)
        numbers: dict[str, int] = {}
        for part, value in filled.items():
            if not value.isdigit():
                self._fail(f"{self.describe} must be a real date", (part,))
            numbers[part] = int(value)
        if len(filled["year"]) != 4:
            self._fail("Year must include 4 numbers", ("year",))
        try:
            found = date(numbers["year"], numbers["month"], numbers.get("day", 1))
        except ValueError:
            self._fail(f"{self.describe} must be a real date", self.parts)
        problem = self.check(found) if self.check else None
        if problem:
            self._fail(problem, self.parts)
        self.data = found

    def _value(self) -> str:
        return self.data.isoformat() if self.data else ""


def name_field(label: str, error: str) -> StringField:
    return StringField(
        label,
        validators=[Required(error), MaxLength(200, "Name must be 200 characters or fewer")],
        widget=GovTextInput(),
    )


def check_email(form, field: Field) -> None:
    if not field.data or not field.data.strip():
        return
    try:
        field.data = validate_email(field.data.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValidationError(
            "Enter an email address in the correct format, like name@example.com"
        ) from error


def check_phone(form, field: Field) -> None:
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


PHONE_FORMAT_ERROR = "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"


def email_field(label: str = "Email address", autocomplete: str = "email") -> StringField:
    """`autocomplete` is "email" for the person's own address, "off" for someone else's."""
    return StringField(
        label,
        validators=[check_email],
        render_kw={"autocomplete": autocomplete, "spellcheck": "false", "type": "email"},
        widget=GovTextInput(),
    )


def phone_field(label: str = "Phone number", autocomplete: str = "tel") -> StringField:
    """`autocomplete` is "tel" for the person's own number, "off" for someone else's."""
    return StringField(
        label,
        description="For international numbers include the country code",
        validators=[check_phone],
        render_kw={"autocomplete": autocomplete, "type": "tel"},
        widget=GovTextInput(),
    )


def best_times_field(label: str) -> StringField:
    return StringField(
        label,
        description="For example, weekday mornings or after 4pm",
        validators=[MaxLength(200, "Best days and times must be 200 characters or fewer")],
        widget=GovTextInput(),
    )


def preferred_contact_field() -> RadioField:
    return RadioField(
        "How should we contact you?",
        choices={"email": "Email", "phone": "Phone", "post": "Post"},
        validate_choice=False,
        validators=[Chosen("Select how we should contact you")],
        widget=GovRadioInput(),
    )
