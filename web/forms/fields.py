"""Field classes that carry their GOV.UK component, so a form says only what it asks.

Each takes the "required" and length rules as one argument each, with the error message to show:

    TextField("Full name", required="Enter your full name",
              max_length=(200, "Name must be 200 characters or fewer"))

`required` is checked first, then `max_length`, then any other `validators`. For radios,
`required` means an answer must be one of the choices (`Chosen`); radios and checkboxes never
let WTForms check the choices itself, whose message is not ours.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import wtforms
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovPasswordInput,
    GovRadioInput,
    GovTextArea,
    GovTextInput,
)
from wtforms.fields.choices import SelectFieldBase

from web.forms.validators import Chosen, MaxLength, Required, Validator

# (the most characters allowed, the message when there are more)
LengthRule = tuple[int, str]

YES_NO = {"yes": "Yes", "no": "No"}


def strip_text(value: str | None) -> str | None:
    """Trim surrounding white space; an empty answer becomes None."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def answered(field: wtforms.StringField) -> str:
    """The answer to a question the form requires (by `required=` or its own check), once the
    form has validated: WTForms types it as optional, but a validated form has it."""
    value = field.data
    assert value is not None, f"{field.name} is required, so a valid form has it"
    return value


def choice_labels(field: SelectFieldBase) -> dict[str, str]:
    """A radios or checkboxes field's choices: each value's label."""
    # WTForms yields (value, label, selected, render_kw) for each choice.
    return {value: label for value, label, _selected, _render_kw in field.iter_choices()}


class KitField(wtforms.Field):
    """What every field of the kit shares: the rules as arguments, and `in_fieldset`, which
    says whether the GOV.UK component is a fieldset (its question is a legend, not a label)."""

    in_fieldset: ClassVar[bool] = False
    # The validator `required` makes: Required, or Chosen for radios.
    required_rule: ClassVar[type[Required] | type[Chosen]] = Required

    def __init__(
        self,
        label: str | None = None,
        validators: Sequence[Validator] | None = None,
        *,
        required: str | None = None,
        max_length: LengthRule | None = None,
        **kwargs: Any,
    ) -> None:
        rules: list[Validator] = []
        if required is not None:
            rules.append(self.required_rule(required))
        if max_length is not None:
            rules.append(MaxLength(*max_length))
        super().__init__(label, [*rules, *(validators or ())], **kwargs)


class TextField(KitField, wtforms.StringField):
    """A GOV.UK text input."""

    widget = GovTextInput()


class TextAreaField(KitField, wtforms.TextAreaField):
    """A GOV.UK textarea."""

    widget = GovTextArea()


class CharacterCountField(KitField, wtforms.TextAreaField):
    """A GOV.UK character count: a textarea that shows its limit, so `max_length` is needed."""

    widget = GovCharacterCount()

    def __init__(
        self,
        label: str | None = None,
        validators: Sequence[Validator] | None = None,
        *,
        max_length: LengthRule,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, max_length=max_length, **kwargs)
        self.max_length = max_length[0]


class PasswordField(KitField, wtforms.PasswordField):
    """A GOV.UK password input (with its show and hide button)."""

    widget = GovPasswordInput()


class ChoicesField(KitField):
    """What radios and checkboxes share: a fieldset, and choices that WTForms does not check
    itself (its message is not ours; `required` and the form's own checks say what is wrong)."""

    in_fieldset = True

    def __init__(
        self,
        label: str | None = None,
        validators: Sequence[Validator] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, validate_choice=False, **kwargs)


class RadiosField(ChoicesField, wtforms.RadioField):
    """GOV.UK radios; `required` is the message when no choice (or an unknown one) is sent."""

    widget = GovRadioInput()
    required_rule = Chosen


class YesNoField(RadiosField):
    """GOV.UK radios answering "Yes" ("yes") or "No" ("no")."""

    def __init__(
        self,
        label: str | None = None,
        validators: Sequence[Validator] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, choices=YES_NO, **kwargs)


class CheckboxesField(ChoicesField, wtforms.SelectMultipleField):
    """GOV.UK checkboxes, any number of them ticked; `required` means at least one."""

    widget = GovCheckboxesInput()


class CheckboxField(KitField, wtforms.BooleanField):
    """A single GOV.UK checkbox, for one statement the person can tick."""

    widget = GovCheckboxInput()


class FileField(KitField, wtforms.FileField):
    """A GOV.UK file upload for one file."""

    widget = GovFileInput()


class MultipleFileField(KitField, wtforms.MultipleFileField):
    """A GOV.UK file upload that takes several files at once."""

    widget = GovFileInput(multiple=True)
