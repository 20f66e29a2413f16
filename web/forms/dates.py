"""The GOV.UK date input: its parts are checked one by one, as the pattern asks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, NoReturn

from wtforms import Field
from wtforms.validators import StopValidation


class DateParts(Field):
    """A GOV.UK date input: separate day, month and year boxes named `<name>-day` and so on.

    `describe` names the date in messages ("The date on your letter"). Errors say which part is
    missing or wrong, and `error_parts` tells the template which boxes to highlight. Templates
    render it with `date_input_params` (web.forms.rendering).
    """

    PARTS = ("day", "month", "year")
    id: str

    def __init__(
        self,
        label: str | None = None,
        *,
        describe: str,
        optional: bool = False,
        parts: tuple[str, ...] = PARTS,
        check: Callable[[date], str | None] | None = None,
        **kwargs: Any,
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

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        self.process_errors: list[str] = []
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

    def _fail(self, message: str, parts: tuple[str, ...]) -> NoReturn:
        self.error_parts = parts
        self.id = f"{self.name}-{parts[0]}"
        raise StopValidation(message)

    def pre_validate(self, form: Any) -> None:
        self.data = None
        filled = {part: value for part, value in self.raw_parts.items() if value}
        if not filled:
            if self.optional:
                return
            self._fail(f"Enter {self.describe.lower()}", self.parts)
        missing = tuple(part for part in self.parts if part not in filled)
        if missing:
            self._fail(f"{self.describe} must include a {' and '.join(missing)}", missing)
        for part, value in filled.items():
            # ASCII digits only: str.isdigit() also accepts "²" and "①", which int() refuses,
            # and "٣", which it reads as 3. A day or month has at most 2 digits.
            if not (value.isascii() and value.isdigit()) or (part != "year" and len(value) > 2):
                self._fail(f"{self.describe} must be a real date", (part,))
        if len(filled["year"]) != 4:
            self._fail("Year must include 4 numbers", ("year",))
        numbers = {part: int(value) for part, value in filled.items()}
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
