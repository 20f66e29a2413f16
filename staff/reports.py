"""The reports page: the service's figures for a period of months (reviews.reports), for team
leaders and admins, as charts with the same figures in tables, each table downloadable as CSV
(`?download=<table>`). The figures are all shown, small ones too: this page stays inside the
team. The per-caseworker table is for team leaders only.

Below them, the answers to the optional equality monitoring questions (reviews.equality), added
up for the period, with small numbers hidden: they come from the public, so they are treated
like the public statistics.

The period is two months in the query string ("from" and "to"): nothing personal.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from flask import Response, abort, render_template, request
from flask_login import current_user

from reviews import clock
from reviews.equality import equality_report
from reviews.reports import (
    Figures,
    Period,
    Timeliness,
    figures,
    last_twelve_months,
    per_caseworker,
)
from reviews.rules import format_month
from reviews.workflow import ADMIN, TEAM_LEADER, VALIDITY_REASONS
from staff.access import role_required
from staff.blueprint import staff
from web.forms.dates import MonthYearError, parse_month_year


@dataclass(frozen=True)
class Table:
    """One table of the page: its address in downloads, caption, headings and rows."""

    key: str
    caption: str
    headings: list[str]
    rows: list[list[str | int]]

    def csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self.headings)
        writer.writerows([[_cell(value) for value in row] for row in self.rows])
        return buffer.getvalue()


def _cell(value: str | int) -> str | int:
    # A cell a spreadsheet would read as a formula (a caseworker's name could start with "=").
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _or_none(number: int | None) -> str | int:
    return "none yet" if number is None else number


def _timeliness_row(label: str, timeliness: Timeliness) -> list[str | int]:
    return [label, timeliness.on_time, timeliness.late, timeliness.not_due_yet]


def tables(report: Figures, with_caseworkers: bool) -> list[Table]:
    received = Table(
        "received",
        f"Requests received each month, {report.period.label}",
        ["Month", "Requests received"],
        [[format_month(month), count] for month, count in report.received_by_month],
    )
    not_valid: list[list[str | int]] = [
        [f"Not valid: {VALIDITY_REASONS.get(reason, reason)}", count]
        for reason, count in report.invalid.items()
    ]
    validity = Table(
        "validity",
        f"What happened to the requests received, {report.period.label}",
        ["Figure", "Number"],
        [
            ["Received", report.received],
            ["Valid", report.valid],
            *not_valid,
            ["Forwarded to the IOPC", report.forwarded_to_iopc],
            ["Late: accepted", report.late_accepted],
            ["Late: refused", report.late_refused],
        ],
    )
    outcomes = Table(
        "outcomes",
        f"Decisions on the requests received, {report.period.label}",
        ["Outcome", "Number"],
        [
            ["Upheld", report.upheld],
            ["Not upheld", report.not_upheld],
            ["Upheld share (%)", _or_none(report.upheld_percent)],
        ],
    )
    timings = Table(
        "timings",
        f"Working days from receipt to each step, {report.period.label}",
        ["Step", "Requests", "Median working days", "90th percentile working days"],
        [
            [timing.label, timing.count, _or_none(timing.median), _or_none(timing.p90)]
            for timing in report.timings
        ],
    )
    acknowledgement = report.timing("acknowledgement")
    on_time = Table(
        "on-time",
        f"Done by the day it was due, {report.period.label}",
        ["What", "On time", "Late", "Not due yet"],
        [
            [
                "Acknowledgements",
                acknowledgement.on_time or 0,
                acknowledgement.count - (acknowledgement.on_time or 0),
                report.received - acknowledgement.count,
            ],
            _timeliness_row("Phone calls asked for", report.calls),
            _timeliness_row("Other formats asked for", report.formats),
        ],
    )
    result = [received, validity, outcomes, timings, on_time]
    if with_caseworkers:
        result.append(
            Table(
                "caseworkers",
                f"By caseworker, {report.period.label}",
                [
                    "Caseworker",
                    "Requests allocated",
                    "Decisions sent",
                    "Upheld",
                    "Median working days from receipt to decision",
                ],
                [
                    [
                        row.name,
                        row.allocated,
                        row.decided,
                        row.upheld,
                        _or_none(row.median_days_to_decision),
                    ]
                    for row in per_caseworker(report.period)
                ],
            )
        )
    return result


def bars(table: Table, column: int = 1) -> list[dict[str, object]]:
    """A chart's bars from a table: each row's first cell and its number in `column`."""
    return [
        {
            "label": row[0],
            "value": row[column] if isinstance(row[column], int) else None,
            "text": str(row[column]),
        }
        for row in table.rows
        if not str(row[0]).endswith("(%)")
    ]


# The names of the month boxes, and what each is called in its error message.
MONTHS = {"from": "first", "to": "last"}


def _period(today: date) -> tuple[Period, dict[str, str]]:
    """The period the query asks for, or the last twelve months, and what was wrong."""
    errors: dict[str, str] = {}
    months: dict[str, date] = {}
    for name, which in MONTHS.items():
        text = request.args.get(name, "")
        if not text:
            continue
        try:
            year, month = parse_month_year(text)
            months[name] = date(year, month, 1)
        except MonthYearError:
            errors[name] = f"Enter the {which} month as a month and year, like March 2026"
    default = last_twelve_months(today)
    first, last = months.get("from", default.first_day), months.get("to", today.replace(day=1))
    if not errors and last < first:
        errors["to"] = "The last month must be the same as the first month or after it"
    if errors:
        return default, errors
    return Period.of_months(first, last), errors


@staff.get("/reports")
@role_required(TEAM_LEADER, ADMIN)
def reports():
    today = clock.today()
    period, errors = _period(today)
    with_caseworkers = current_user.role == TEAM_LEADER
    download = request.args.get("download")
    if download == "caseworkers" and not with_caseworkers:
        abort(403)
    report = figures(period, today)
    all_tables = tables(report, with_caseworkers)
    if download is not None:
        table = next((table for table in all_tables if table.key == download), None)
        if table is None:
            abort(404)
        return Response(
            table.csv(),
            mimetype="text/csv",
            headers={
                "Content-Disposition": f'attachment; filename="{table.key}-{period.slug}.csv"'
            },
        )
    by_key = {table.key: table for table in all_tables}
    return render_template(
        "staff/reports/page.html",
        report=report,
        tables=by_key,
        charts={
            "received": bars(by_key["received"]),
            "validity": bars(by_key["validity"]),
            "outcomes": bars(by_key["outcomes"]),
            "timings": bars(by_key["timings"], column=2),
        },
        equality=equality_report(period),
        errors=errors,
        error_list=[{"text": text, "href": f"#{name}"} for name, text in errors.items()],
        query={
            "from": f"{period.first_day:%Y-%m}",
            "to": f"{period.last_day:%Y-%m}",
        },
        values={name: request.args.get(name, "") for name in MONTHS},
        period=period,
        format_month=format_month,
    )
