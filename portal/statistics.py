"""The public statistics page: how many people asked for a review and what happened, by
quarter, from the same figures as the staff reports (reviews.reports). Any number under 5 is
"fewer than 5", so that nobody can be picked out."""

from __future__ import annotations

from flask import render_template

from portal.blueprint import portal
from reviews import clock
from reviews.reports import QuarterStatistics, public_statistics
from reviews.small_numbers import SMALLEST_FIGURE


def _number(value: int | str | None, unit: str = "") -> str:
    if value is None:
        return "not enough to say"
    if isinstance(value, int):
        return f"{value}{unit}"
    return value


def rows(quarters: list[QuarterStatistics]) -> list[tuple[str, list[str]]]:
    """The table: one row a figure, one column a quarter."""
    figures: list[tuple[str, str, str]] = [
        ("Requests we received", "received", ""),
        ("We could review", "valid", ""),
        ("We could not review", "not_valid", ""),
        ("We sent to the IOPC", "forwarded", ""),
        ("We agreed with the person (upheld)", "upheld", ""),
        ("We agreed with the police (not upheld)", "not_upheld", ""),
        ("Share upheld", "upheld_percent", "%"),
        ("Told we had started on time", "acknowledged_on_time_percent", "%"),
        ("Working days to tell them we had started (median)", "median_days_to_acknowledgement", ""),
        ("Working days to send our decision (median)", "median_days_to_decision", ""),
    ]
    return [
        (label, [_number(getattr(quarter, name), unit) for quarter in quarters])
        for label, name, unit in figures
    ]


@portal.get("/statistics")
def statistics():
    quarters = public_statistics(clock.today())
    return render_template(
        "portal/statistics.html",
        quarters=quarters,
        rows=rows(quarters),
        bars=[
            {
                "label": quarter.period.label,
                "value": quarter.received if isinstance(quarter.received, int) else None,
                "text": _number(quarter.received),
            }
            for quarter in quarters
        ],
        smallest=SMALLEST_FIGURE,
    )
