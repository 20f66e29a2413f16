"""Figures about the service: what came in, what became of it, and how long each step took.

Everything is added up by the database (COUNT, SUM, GROUP BY), never by loading requests: the
staff reports page and the public statistics read a handful of rows however many requests
there are. The figures are about the requests received in a period (their "cohort"): what
has happened to those requests so far, whenever it happened.

Working days are counted in SQL the way `reviews.rules` counts them (Monday to Friday, not an
England and Wales bank holiday; the days after the first date up to the second). A date becomes
its day number (Python's `date.toordinal`), and a day number its working-day number: the
weekdays up to it, less the weekday bank holidays up to it. The difference of two working-day
numbers is the working days between them. Percentiles come from a count of requests per number
of days (one short column), not from the requests themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, and_, case, func, literal, or_, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from reviews import clock
from reviews.database import db
from reviews.models import (
    AccessibleFormatRequest,
    CallbackRequest,
    ReviewRequest,
    StaffUser,
    TimelineEntry,
)
from reviews.rules import format_month, is_working_day
from reviews.small_numbers import SMALLEST_FIGURE, hide_small, shown
from reviews.workflow.statuses import Status

# Python's date.toordinal() of 1 January 1970 less SQLite's julianday() of midnight that day.
_JULIAN_OFFSET = 1721424.5


class day_number(FunctionElement[int]):
    """A DATE column as its day number: the same number as Python's `date.toordinal()`."""

    type = Integer()
    inherit_cache = True
    name = "day_number"


class london_day_number(FunctionElement[int]):
    """A timestamp (stored in UTC) as the day number of its date in London."""

    type = Integer()
    inherit_cache = True
    name = "london_day_number"


def _argument(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(next(iter(element.clauses)), **kw)


@compiles(day_number, "sqlite")
def _day_number_sqlite(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(julianday({_argument(element, compiler, **kw)}) - {_JULIAN_OFFSET} AS INTEGER)"


@compiles(day_number)
def _day_number(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(CAST({_argument(element, compiler, **kw)} AS DATE) - DATE '0001-01-01' + 1)"


@compiles(london_day_number, "sqlite")
def _london_day_number_sqlite(element: london_day_number, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps the UTC time as text and knows no time zones. British Summer Time runs from
    # 01:00 UTC on the last Sunday of March (the first Sunday on or after the 25th) to 01:00 UTC
    # on the last Sunday of October; in it, London is an hour ahead.
    at = _argument(element, compiler, **kw)
    year = f"strftime('%Y', {at})"
    starts = f"datetime(date({year} || '-03-25', 'weekday 0'), '+1 hour')"
    ends = f"datetime(date({year} || '-10-25', 'weekday 0'), '+1 hour')"
    summer = f"CASE WHEN {at} >= {starts} AND {at} < {ends} THEN 1.0 / 24 ELSE 0 END"
    return f"CAST(julianday({at}) + {summer} - {_JULIAN_OFFSET} AS INTEGER)"


@compiles(london_day_number)
def _london_day_number(element: london_day_number, compiler: SQLCompiler, **kw: Any) -> str:
    at = _argument(element, compiler, **kw)
    return f"(CAST(timezone('Europe/London', {at}) AS DATE) - DATE '0001-01-01' + 1)"


def weekday_holidays(first: date, last: date) -> list[int]:
    """The day numbers of the bank holidays from `first` to `last` that fall on a weekday."""
    days = (first + timedelta(days=offset) for offset in range((last - first).days + 1))
    return [day.toordinal() for day in days if day.weekday() < 5 and not is_working_day(day)]


def working_day_number(number: ColumnElement[int], holidays: Sequence[int]) -> ColumnElement[int]:
    """The working-day number of a day number: the weekdays up to it (day 1 was a Monday), less
    the weekday bank holidays in `holidays` up to it. Only differences mean anything, so
    `holidays` need only cover the days being compared."""
    weekdays = 5 * (number // 7) + case((number % 7 > 5, 5), else_=number % 7)
    if not holidays:
        return weekdays
    passed = case(
        *[(number >= holiday, count) for count, holiday in reversed(list(enumerate(holidays, 1)))],
        else_=0,
    )
    return weekdays - passed


# The period ---------------------------------------------------------------------------------


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=clock.LONDON)


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole months in London, from the first day of the first to the last day of the last."""

    first_day: date
    last_day: date

    @classmethod
    def of_months(cls, first_month: date, last_month: date) -> Period:
        first, last = first_month.replace(day=1), last_month.replace(day=1)
        if last < first:
            raise ValueError("the last month is before the first")
        return cls(first, _next_month(last) - timedelta(days=1))

    @classmethod
    def quarter(cls, year: int, number: int) -> Period:
        first = date(year, 3 * number - 2, 1)
        return cls.of_months(first, date(year, 3 * number, 1))

    @property
    def months(self) -> list[date]:
        months, month = [], self.first_day
        while month <= self.last_day:
            months.append(month)
            month = _next_month(month)
        return months

    @property
    def starts_at(self) -> datetime:
        return _midnight(self.first_day)

    @property
    def ends_at(self) -> datetime:
        return _midnight(self.last_day + timedelta(days=1))

    @property
    def label(self) -> str:
        first, last = format_month(self.first_day), format_month(self.last_day)
        return first if first == last else f"{first} to {last}"

    @property
    def slug(self) -> str:
        """For a file name: "2026-03-to-2026-05"."""
        return f"{self.first_day:%Y-%m}-to-{self.last_day:%Y-%m}"


def last_twelve_months(today: date) -> Period:
    """Today's month and the eleven before it."""
    this_month = today.replace(day=1)
    return Period.of_months(_next_month(date(this_month.year - 1, this_month.month, 1)), this_month)


def complete_quarters(today: date, number: int) -> list[Period]:
    """The last `number` quarters that have ended by `today`, oldest first."""
    year, quarter = today.year, (today.month - 1) // 3  # the quarter before today's
    quarters = []
    for _ in range(number):
        if quarter == 0:
            year, quarter = year - 1, 4
        quarters.append(Period.quarter(year, quarter))
        quarter -= 1
    return quarters[::-1]


# The figures --------------------------------------------------------------------------------

# How long each step took, from the day the request arrived: (key, what staff call it).
TIMINGS = {
    "acknowledgement": "Acknowledgement",
    "allocation": "Allocation to a caseworker",
    "decision": "Decision sent",
}


@dataclass(frozen=True)
class Timing:
    key: str
    label: str
    count: int  # requests that reached the step
    median: int | None  # working days; None with no requests
    p90: int | None
    on_time: int | None = None  # acknowledgements only: by the day they were due


@dataclass(frozen=True)
class Timeliness:
    """Calls or format requests asked for in the period, against the day each was due."""

    on_time: int
    late: int  # done after the due day, or not done and the due day has passed
    not_due_yet: int

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.not_due_yet


@dataclass
class Figures:
    period: Period
    received: int
    received_by_month: list[tuple[date, int]]
    valid: int
    invalid: dict[str, int]  # by reason (reviews.workflow.VALIDITY_REASONS)
    forwarded_to_iopc: int
    late_accepted: int
    late_refused: int
    upheld: int
    not_upheld: int
    timings: list[Timing]
    calls: Timeliness
    formats: Timeliness

    @property
    def decisions(self) -> int:
        return self.upheld + self.not_upheld

    @property
    def upheld_percent(self) -> int | None:
        return round(self.upheld * 100 / self.decisions) if self.decisions else None

    def timing(self, key: str) -> Timing:
        return next(timing for timing in self.timings if timing.key == key)


def percentile(histogram: dict[int, int], percent: int) -> int | None:
    """The nearest-rank percentile of numbers given as {number: how many}: the smallest number
    that at least `percent`% of them do not exceed. None when there are none."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = -(-percent * total // 100)
    running = 0
    for number in sorted(histogram):
        running += histogram[number]
        if running >= rank:
            return number
    raise AssertionError("unreachable: the ranks add up to the total")


def _in_period(period: Period) -> ColumnElement[bool]:
    return and_(
        ReviewRequest.submitted_at >= period.starts_at,
        ReviewRequest.submitted_at < period.ends_at,
    )


def _cohort(period: Period, today: date) -> Any:
    """The period's requests, one row each: owner, outcome, and working days to each step.

    Two common table expressions, each MATERIALIZED (SQLite and PostgreSQL): without it the
    database inlines the day-number expression into every branch of the bank-holiday CASE
    and works out each date many times a row (seconds, not tenths, at 100,000 requests)."""
    holidays = weekday_holidays(period.first_day, max(today, period.last_day))
    first_allocated = (
        select(
            TimelineEntry.review_request_id.label("id"),
            func.min(TimelineEntry.happened_at).label("at"),
        )
        .join(ReviewRequest, ReviewRequest.id == TimelineEntry.review_request_id)
        .where(TimelineEntry.status == Status.ALLOCATED, _in_period(period))
        .group_by(TimelineEntry.review_request_id)
        .subquery()
    )
    days = (
        select(
            ReviewRequest.owner_id,
            ReviewRequest.outcome_reasonable,
            ReviewRequest.decision_issued_on,
            ReviewRequest.acknowledged_on,
            ReviewRequest.acknowledgement_due,
            london_day_number(ReviewRequest.submitted_at).label("received"),
            day_number(ReviewRequest.acknowledged_on).label("acknowledgement"),
            london_day_number(first_allocated.c.at).label("allocation"),
            day_number(ReviewRequest.decision_issued_on).label("decision"),
        )
        .outerjoin(first_allocated, first_allocated.c.id == ReviewRequest.id)
        .where(_in_period(period))
        .cte("report_days")
        .prefix_with("MATERIALIZED")
    )
    received = working_day_number(days.c.received, holidays)
    return (
        select(
            days.c.owner_id,
            days.c.outcome_reasonable,
            days.c.decision_issued_on,
            days.c.acknowledged_on,
            days.c.acknowledgement_due,
            *[(working_day_number(days.c[key], holidays) - received).label(key) for key in TIMINGS],
        )
        .cte("report_cohort")
        .prefix_with("MATERIALIZED")
    )


def durations(period: Period, today: date | None = None) -> dict[str, dict[int, int]]:
    """For each step, how many of the period's requests took each number of working days."""
    cohort = _cohort(period, today or clock.today())
    counted: dict[str, dict[int, int]] = {key: {} for key in TIMINGS}
    # One query, so the cohort is worked out once.
    each_step = union_all(
        *[
            select(literal(key).label("step"), cohort.c[key].label("days"), func.count())
            .where(cohort.c[key].is_not(None))
            .group_by(cohort.c[key])
            for key in TIMINGS
        ]
    )
    for step, days, count in db.session.execute(each_step):
        counted[step][days] = count
    return counted


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _by_month(period: Period) -> list[tuple[date, int]]:
    months = period.months
    # The first month that ends after the request arrived: instants, so no time zone in SQL.
    month = case(
        *[
            (ReviewRequest.submitted_at < _midnight(_next_month(start)), index)
            for index, start in enumerate(months)
        ],
        else_=len(months) - 1,
    ).label("month")
    counts: dict[int, int] = {
        index: count
        for index, count in db.session.execute(
            select(month, func.count()).where(_in_period(period)).group_by(month)
        )
    }
    return [(start, counts.get(index, 0)) for index, start in enumerate(months)]


def _timeliness(
    model: type[CallbackRequest] | type[AccessibleFormatRequest],
    done_at: Any,
    period: Period,
    today: date,
) -> Timeliness:
    done, due = london_day_number(done_at), day_number(model.due_on)
    not_done = done_at.is_(None)
    row = db.session.execute(
        select(
            _count(and_(done_at.is_not(None), done <= due)),
            _count(
                or_(and_(done_at.is_not(None), done > due), and_(not_done, due < today.toordinal()))
            ),
            _count(and_(not_done, or_(model.due_on.is_(None), due >= today.toordinal()))),
        ).where(model.created_at >= period.starts_at, model.created_at < period.ends_at)
    ).one()
    return Timeliness(*row)


def figures(period: Period, today: date) -> Figures:
    """The period's figures: about a dozen queries, whatever the number of requests."""
    counts = db.session.execute(
        select(
            func.count(),
            _count(ReviewRequest.validity == "valid"),
            _count(ReviewRequest.forwarded_to_iopc_on.is_not(None)),
            _count(ReviewRequest.late_decision == "accepted"),
            _count(ReviewRequest.late_decision == "refused"),
            _count(
                and_(
                    ReviewRequest.decision_issued_on.is_not(None),
                    ReviewRequest.outcome_reasonable.is_(False),
                )
            ),
            _count(
                and_(
                    ReviewRequest.decision_issued_on.is_not(None),
                    ReviewRequest.outcome_reasonable.is_(True),
                )
            ),
            _count(ReviewRequest.acknowledged_on <= ReviewRequest.acknowledgement_due),
        ).where(_in_period(period))
    ).one()
    received, valid, forwarded, accepted, refused, upheld, not_upheld, on_time = counts
    invalid: dict[str, int] = {
        str(reason): count
        for reason, count in db.session.execute(
            select(ReviewRequest.validity, func.count())
            .where(_in_period(period), ReviewRequest.validity != "valid")
            .group_by(ReviewRequest.validity)
            .order_by(func.count().desc(), ReviewRequest.validity)
        )
    }
    histograms = durations(period, today)
    timings = [
        Timing(
            key,
            label,
            sum(histograms[key].values()),
            percentile(histograms[key], 50),
            percentile(histograms[key], 90),
            on_time if key == "acknowledgement" else None,
        )
        for key, label in TIMINGS.items()
    ]
    return Figures(
        period=period,
        received=received,
        received_by_month=_by_month(period),
        valid=valid,
        invalid=invalid,
        forwarded_to_iopc=forwarded,
        late_accepted=accepted,
        late_refused=refused,
        upheld=upheld,
        not_upheld=not_upheld,
        timings=timings,
        calls=_timeliness(CallbackRequest, CallbackRequest.closed_at, period, today),
        formats=_timeliness(
            AccessibleFormatRequest, AccessibleFormatRequest.completed_at, period, today
        ),
    )


@dataclass
class CaseworkerRow:
    name: str
    allocated: int
    decided: int
    upheld: int
    days_to_decision: dict[int, int] = field(default_factory=dict)

    @property
    def median_days_to_decision(self) -> int | None:
        return percentile(self.days_to_decision, 50)


def per_caseworker(period: Period, today: date | None = None) -> list[CaseworkerRow]:
    """The period's requests by the caseworker who has them, by name: one query, grouped by
    caseworker and by working days to the decision (a few rows a caseworker)."""
    cohort = _cohort(period, today or clock.today())
    decided = cohort.c.decision_issued_on.is_not(None)
    rows: dict[int, CaseworkerRow] = {}
    for owner_id, name, days, allocated, decisions, upheld in db.session.execute(
        select(
            cohort.c.owner_id,
            StaffUser.name,
            cohort.c.decision,
            func.count(),
            _count(decided),
            _count(and_(decided, cohort.c.outcome_reasonable.is_(False))),
        )
        .join(StaffUser, StaffUser.id == cohort.c.owner_id)
        .group_by(cohort.c.owner_id, StaffUser.name, cohort.c.decision)
    ):
        row = rows.setdefault(owner_id, CaseworkerRow(name, 0, 0, 0))
        row.allocated += allocated
        row.decided += decisions
        row.upheld += upheld
        if days is not None:
            row.days_to_decision[days] = decisions
    return sorted(rows.values(), key=lambda row: row.name)


# The public statistics ----------------------------------------------------------------------

PUBLIC_QUARTERS = 4


@dataclass(frozen=True)
class QuarterStatistics:
    """A quarter's figures for anyone to read: each number under SMALLEST_FIGURE is FEWER (or
    NOT_SHOWN, where it would give a hidden one away), and a median or a share is None when
    too few requests are behind it."""

    period: Period
    received: int | str
    valid: int | str
    not_valid: int | str
    forwarded: int | str
    upheld: int | str
    not_upheld: int | str
    upheld_percent: int | None
    acknowledged_on_time_percent: int | None
    median_days_to_acknowledgement: int | None
    median_days_to_decision: int | None


def _percent(part: int | str, other: int | str) -> int | None:
    """`part` as a share of both, only when neither is hidden."""
    if isinstance(part, int) and isinstance(other, int) and part + other:
        return round(part * 100 / (part + other))
    return None


def _median_if_enough(timing: Timing) -> int | None:
    return timing.median if timing.count >= SMALLEST_FIGURE else None


def quarter_statistics(report: Figures) -> QuarterStatistics:
    validity = hide_small(
        {
            "valid": report.valid,
            "not_valid": sum(report.invalid.values()),
            "forwarded": report.forwarded_to_iopc,
        }
    )
    outcomes = hide_small({"upheld": report.upheld, "not_upheld": report.not_upheld})
    acknowledgement = report.timing("acknowledgement")
    on_time = acknowledgement.on_time or 0
    timeliness = hide_small({"on_time": on_time, "late": acknowledgement.count - on_time})
    return QuarterStatistics(
        period=report.period,
        received=shown(report.received),
        valid=validity["valid"],
        not_valid=validity["not_valid"],
        forwarded=validity["forwarded"],
        upheld=outcomes["upheld"],
        not_upheld=outcomes["not_upheld"],
        upheld_percent=_percent(outcomes["upheld"], outcomes["not_upheld"]),
        acknowledged_on_time_percent=_percent(timeliness["on_time"], timeliness["late"]),
        median_days_to_acknowledgement=_median_if_enough(acknowledgement),
        median_days_to_decision=_median_if_enough(report.timing("decision")),
    )


def public_statistics(today: date) -> list[QuarterStatistics]:
    """The last PUBLIC_QUARTERS quarters that have ended, oldest first."""
    return [
        quarter_statistics(figures(period, today))
        for period in complete_quarters(today, PUBLIC_QUARTERS)
    ]
