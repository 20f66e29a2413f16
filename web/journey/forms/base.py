"""What every journey form is: a StepForm knows how to load its step's saved answers and how to
turn what was entered into answers to save (dates as ISO strings, blanks as None). Also the
pages that are not a question: an upload page, saving for later, a page to continue from."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar, Self

from flask import request
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import StopValidation

from reviews.journey import Answers, wording
from web.forms import CheckboxField, MultipleFileField, YesNoField, email_field, strip_text

# About the length the IOPC's own review form allows.
LONG_ANSWER_LIMIT = 8000


class StepForm(FlaskForm):
    """A journey page's form. `fields_to_save` are the fields kept as the step's answers;
    `answers` are the answers to the whole journey so far, for checks that depend on them."""

    fields_to_save: ClassVar[tuple[str, ...]] = ()
    answers: Answers
    words: dict[str, str]

    def __init__(self, *args: Any, answers: Answers | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.answers = answers or {}
        # For the form's own messages: "your" or "their", as the labels say.
        self.words = wording(self.answers)
        reword(self, self.words)

    @classmethod
    def initial_data(cls, saved: dict[str, Any] | None, answers: Answers) -> dict[str, Any]:
        """What the page shows before it is sent: its saved answers, else what earlier answers
        already tell us (so nothing is asked twice)."""
        return saved or {}

    @classmethod
    def prefilled(cls, data: Mapping[str, Any], answers: Answers | None = None) -> Self:
        """The form as sent; or, before it is sent, showing `data`. A sent form never gets
        `data`: it would fill in any box the browser leaves out, such as a cleared checkbox."""
        return cls(data=None if request.method == "POST" else data, answers=answers)

    def to_answers(self) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for name in self.fields_to_save:
            value = self[name].data
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, str):
                value = strip_text(value)
            answers[name] = value
        return answers


class _Words(dict[str, str]):
    """The wording, leaving any brace that is not one of its keys as it is."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _reworded(text: Any, words: _Words) -> Any:
    return text.format_map(words) if isinstance(text, str) and "{" in text else text


def reword(form: FlaskForm, words: dict[str, str]) -> None:
    """Fill in `{your}`, `{you}`... (reviews.journey.wording) in the form's labels, hints and
    messages, so every page speaks to the person answering. A form's fields are its own
    instances, so this changes nothing that another request sees."""
    known = _Words(words)
    for field in form:
        field.label.text = _reworded(field.label.text, known)
        field.description = _reworded(field.description, known)
        if hasattr(field, "describe"):  # a date's name in its messages
            field.describe = _reworded(field.describe, known)
        for validator in field.validators:
            if hasattr(validator, "message"):
                validator.message = _reworded(validator.message, known)
        choices = getattr(field, "choices", None)
        if isinstance(choices, dict):
            # A new dict: the one the field was declared with is shared by every form.
            field.choices = {value: _reworded(label, known) for value, label in choices.items()}


def question_form(name: str, field: Field) -> type[StepForm]:
    """A page that asks one question, `field` (declared as on a form class), saved as the
    answer `name`."""
    return type(
        f"{name.title().replace('_', '')}Form",
        (StepForm,),
        {"fields_to_save": (name,), name: field},
    )


def yes_no_form(name: str, question: str, error: str) -> type[StepForm]:
    """A page that asks one yes-or-no question."""
    return question_form(name, YesNoField(question, required=error))


class ContinueForm(StepForm):
    """A page of information with a Continue button and nothing to answer."""


class UploadForm(FlaskForm):
    """An upload page: choose files and upload them, or continue. Files are checked one by
    one in the view, because one bad file must not lose the good ones chosen with it."""

    files = MultipleFileField("Upload a file")
    letter_to_follow = CheckboxField(
        "I cannot upload my letter now. I will send it to you by email or post."
    )


class SaveForm(FlaskForm):
    email = email_field("Email address")

    def validate_email(self, field: Field) -> None:
        if not (field.data or "").strip():
            raise StopValidation("Enter the email address to send your link to")
