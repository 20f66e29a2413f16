"""Dates in forms. The GOV.UK date input, whose parts are checked one by one as the pattern
asks; and a month and year typed in one box as people write them ("March 2025", "3/2025")."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any, NoReturn

from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import Field
from wtforms.validators import StopValidation

from reviews.rules import MONTH_NAMES

# "mar", "march", and the "sept" people often write. Letters are ASCII: the text is lowered
# first, and a name is only ever matched whole.
_MONTHS_BY_NAME = {
    **{name.lower(): number for number, name in enumerate(MONTH_NAMES, 1)},
    **{name[:3].lower(): number for number, name in enumerate(MONTH_NAMES, 1)},
    "sept": 9,
}
# [0-9], never \d: \d also matches other scripts' digits, which are not accepted here.
_NAME_YEAR = re.compile(r"([a-z]+)\.?[ ,/-]*([0-9]+)")
_MONTH_YEAR = re.compile(r"([0-9]{1,2}) ?[/.\- ] ?([0-9]+)")
_YEAR_MONTH = re.compile(r"([0-9]{4}) ?[/.\- ] ?([0-9]{1,2})")
# Longer than any way of writing a month and a year.
_LONGEST = 30


class MonthYearError(ValueError):
    """Why a month and year could not be read: `problem` is "empty", "unreadable" or "year"
    (the year does not have 4 numbers)."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def parse_month_year(text: str) -> tuple[int, int]:
    """(year, month) from a month and year as people type them: "March 2025", "mar 2025",
    "3/2025", "03/2025", "2025-03". Raises MonthYearError saying what is wrong."""
    cleaned = " ".join(text.split()).lower()
    if not cleaned:
        raise MonthYearError("empty")
    if len(cleaned) > _LONGEST:
        raise MonthYearError("unreadable")
    if found := _YEAR_MONTH.fullmatch(cleaned):
        year_text, month = found.group(1), int(found.group(2))
    elif found := _MONTH_YEAR.fullmatch(cleaned):
        month, year_text = int(found.group(1)), found.group(2)
    elif (found := _NAME_YEAR.fullmatch(cleaned)) and found.group(1) in _MONTHS_BY_NAME:
        month, year_text = _MONTHS_BY_NAME[found.group(1)], found.group(2)
    else:
        raise MonthYearError("unreadable")
    if not 1 <= month <= 12:
        raise MonthYearError("unreadable")
    if len(year_text) != 4:
        raise MonthYearError("year")
    return int(year_text), month


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


class MonthYear(Field):
    """A month and year in one text box, read by parse_month_year; the answer is the first day
    of that month. `describe` names it in messages ("The date you made your complaint"), as
    for DateParts. With `optional`, a blank box is an answer: not known."""

    widget = GovTextInput()

    def __init__(
        self,
        label: str | None = None,
        *,
        describe: str,
        optional: bool = False,
        check: Callable[[date], str | None] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("render_kw", {"spellcheck": "false", "autocomplete": "off"})
        super().__init__(label, **kwargs)
        self.describe = describe
        self.optional = optional
        self.check = check
        self.raw = ""

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        self.process_errors: list[str] = []
        self.data = data if isinstance(data, date) else None
        if isinstance(data, str) and data:
            self.data = date.fromisoformat(data)
        if formdata is not None:
            self.raw = formdata.get(self.name, "")
        elif self.data:
            self.raw = f"{MONTH_NAMES[self.data.month - 1]} {self.data.year}"

    def pre_validate(self, form: Any) -> None:
        self.data = None
        try:
            year, month = parse_month_year(self.raw)
        except MonthYearError as refused:
            if refused.problem == "empty":
                if self.optional:
                    return
                raise StopValidation(f"Enter {self.describe.lower()}") from None
            if refused.problem == "year":
                raise StopValidation("Year must include 4 numbers") from None
            raise StopValidation(
                f"{self.describe} must be a real month and year, like March 2025"
            ) from None
        found = date(year, month, 1)
        problem = self.check(found) if self.check else None
        if problem:
            raise StopValidation(problem)
        self.data = found

    def _value(self) -> str:
        return self.raw
