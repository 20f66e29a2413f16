"""The reports page: figures for team leaders and admins, added up in SQL, filtered by month,
shown as accessible charts with the same figures in tables, each table downloadable as CSV.
The per-caseworker table is for team leaders only."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from reviews import clock
from reviews.accessibility import callback_due, format_reply_due
from reviews.database import db
from reviews.models import (
    AccessibleFormatRequest,
    CallbackRequest,
    ReviewRequest,
    StaffUser,
    TimelineEntry,
)
from reviews.reports import Period, durations, figures, per_caseworker
from reviews.rules import acknowledgement_due, add_working_days, is_working_day
from reviews.workflow import Status
from tests.requests_data import make_request

REPORTS = "/staff/reports"


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """An instant on `day` at `hour` London time."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=clock.LONDON).astimezone(UTC)


def working_days_between(start: date, end: date) -> int:
    """Counted one by one with the rules' own helper: the days after `start` up to `end`."""
    return sum(
        is_working_day(start + timedelta(days=offset))
        for offset in range(1, (end - start).days + 1)
    )


def received(day: date, **fields) -> ReviewRequest:
    """A request received on `day` (London), with `fields`; call in an app context."""
    return make_request(
        submitted_at=at(day), acknowledgement_due=acknowledgement_due(day), **fields
    )


def allocated(review_request: ReviewRequest, day: date, owner: StaffUser) -> None:
    review_request.owner_id = owner.id
    db.session.add(
        TimelineEntry(review_request=review_request, status=Status.ALLOCATED, happened_at=at(day))
    )
    db.session.commit()


SPRING = Period.of_months(date(2026, 3, 1), date(2026, 5, 1))


def test_a_period_runs_from_the_first_of_its_first_month_to_the_end_of_its_last(app):
    assert SPRING.first_day == date(2026, 3, 1)
    assert SPRING.last_day == date(2026, 5, 31)
    assert SPRING.months == [date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)]
    # London midnight: the clocks went forward on 29 March, so May starts at 23:00 UTC.
    assert SPRING.ends_at == datetime(2026, 5, 31, 23, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        Period.of_months(date(2026, 5, 1), date(2026, 3, 1))


@pytest.mark.parametrize(
    ("received_at", "acknowledged_on"),
    [
        # A Friday, acknowledged the next Friday: 5 working days.
        (at(date(2026, 4, 10)), date(2026, 4, 17)),
        # Sent late on a Sunday night in summer time: 23:30 London is 22:30 UTC, still Sunday.
        (at(date(2026, 5, 3), 23, 30), date(2026, 5, 5)),
        # 00:30 London on a Monday is 23:30 UTC on the Sunday: received on the Monday.
        (at(date(2026, 5, 4), 0, 30), date(2026, 5, 11)),
        # Across Easter (3 and 6 April 2026 are bank holidays) and a weekend.
        (at(date(2026, 4, 2)), date(2026, 4, 9)),
        # Winter time, and acknowledged the same day.
        (at(date(2026, 3, 2), 23, 59), date(2026, 3, 2)),
    ],
)
def test_working_days_are_counted_in_sql_as_the_rules_count_them(app, received_at, acknowledged_on):
    with app.app_context():
        make_request(submitted_at=received_at, acknowledged_on=acknowledged_on)
        counted = durations(SPRING)["acknowledgement"]
    expected = working_days_between(clock.london_date(received_at), acknowledged_on)
    assert counted == {expected: 1}


def test_the_figures_for_a_period(app, caseworker):
    with app.app_context():
        owner = db.session.get(StaffUser, caseworker.id)
        march, april = date(2026, 3, 10), date(2026, 4, 14)
        for _ in range(3):
            received(march, validity="valid", acknowledged_on=add_working_days(march, 2))
        received(april, validity="no-right-of-review", acknowledged_on=add_working_days(april, 7))
        received(april, validity="before-2020")
        received(april, forwarded_to_iopc_on=april)
        received(april, is_late=True, late_decision="accepted", validity="valid")
        received(april, is_late=True, late_decision="refused")
        for reasonable in (True, False, False):
            decided = received(
                march,
                validity="valid",
                outcome_reasonable=reasonable,
                decision_issued_on=add_working_days(march, 40),
            )
            allocated(decided, add_working_days(march, 20), owner)
        # Outside the period: February, and June.
        received(date(2026, 2, 27), validity="valid")
        make_request(submitted_at=at(date(2026, 6, 1), 0, 30))
        report = figures(SPRING, clock.today())
    assert report.received == 11
    assert [(month, count) for month, count in report.received_by_month] == [
        (date(2026, 3, 1), 6),
        (date(2026, 4, 1), 5),
        (date(2026, 5, 1), 0),
    ]
    assert report.valid == 7
    assert report.invalid == {"no-right-of-review": 1, "before-2020": 1}
    assert report.forwarded_to_iopc == 1
    assert (report.late_accepted, report.late_refused) == (1, 1)
    assert (report.upheld, report.not_upheld) == (2, 1)
    assert report.upheld_percent == 67
    acknowledgement = report.timing("acknowledgement")
    assert (acknowledgement.count, acknowledgement.median, acknowledgement.p90) == (4, 2, 7)
    assert acknowledgement.on_time == 3
    assert report.timing("allocation").median == 20
    assert report.timing("decision").median == 40


def test_calls_and_formats_within_their_due_time(app):
    today = clock.today()  # 10 June 2026
    with app.app_context():
        asked = date(2026, 5, 4)

        def call(closed: date | None, **fields):
            db.session.add(
                CallbackRequest(
                    source="accessibility",
                    name="Ali Example",
                    phone="07700 900982",
                    created_at=at(fields.pop("asked", asked)),
                    due_on=callback_due(fields.pop("due_from", asked)),
                    status="done" if closed else "open",
                    closed_at=at(closed) if closed else None,
                )
            )

        call(callback_due(asked))  # on time
        call(callback_due(asked) + timedelta(days=1))  # late
        call(None)  # still open and overdue
        call(None, asked=date(2026, 5, 29), due_from=today)  # open, not due yet
        db.session.add(
            AccessibleFormatRequest(
                submission_key="one",
                document="The decision letter",
                format="large-print",
                name="Bo Example",
                preferred_contact="email",
                created_at=at(asked),
                due_on=format_reply_due(asked),
                status="done",
                completed_at=at(asked, 16),
            )
        )
        db.session.commit()
        report = figures(SPRING, today)
    assert (report.calls.on_time, report.calls.late, report.calls.not_due_yet) == (1, 2, 1)
    assert (report.formats.on_time, report.formats.late, report.formats.not_due_yet) == (1, 0, 0)


def test_per_caseworker(app, caseworker, other_caseworker):
    with app.app_context():
        casey = db.session.get(StaffUser, caseworker.id)
        chris = db.session.get(StaffUser, other_caseworker.id)
        march = date(2026, 3, 10)
        for reasonable, owner in ((False, casey), (True, casey), (True, chris)):
            decided = received(
                march, outcome_reasonable=reasonable, decision_issued_on=date(2026, 4, 20)
            )
            allocated(decided, date(2026, 3, 20), owner)
        allocated(received(march), date(2026, 3, 20), chris)
        rows = per_caseworker(SPRING)
    assert [(row.name, row.allocated, row.decided, row.upheld) for row in rows] == [
        ("Casey Worker", 2, 2, 1),
        ("Chris Worker", 2, 1, 0),
    ]
    assert rows[0].median_days_to_decision == working_days_between(march, date(2026, 4, 20))


def test_the_figures_take_the_same_queries_however_many_requests(app):
    """Added up by the database: the number of queries does not grow with the requests."""

    def queries_for_report() -> int:
        counted = []
        listener = lambda *args: counted.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            figures(SPRING, clock.today())
            per_caseworker(SPRING)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(counted)

    with app.app_context():
        received(date(2026, 3, 10), acknowledged_on=date(2026, 3, 11))
        few = queries_for_report()
        for number in range(30):
            received(
                date(2026, 4, 1) + timedelta(days=number % 20), acknowledged_on=date(2026, 5, 1)
            )
        assert queries_for_report() == few


# The page ---------------------------------------------------------------------------------


def test_the_page_is_for_team_leaders_and_admins(
    client_as, team_leader, admin, caseworker, auditor
):
    assert client_as(team_leader).get(REPORTS).status_code == 200
    assert client_as(admin).get(REPORTS).status_code == 200
    assert client_as(caseworker).get(REPORTS).status_code == 403
    assert client_as(auditor).get(REPORTS).status_code == 403


def test_the_page_shows_charts_with_tables_and_filters_by_month(app, client_as, team_leader):
    with app.app_context():
        for _ in range(3):
            received(date(2026, 3, 10))
        received(date(2026, 1, 5))
    page = client_as(team_leader).get(f"{REPORTS}?from=2026-03&to=2026-05").text
    assert "March 2026 to May 2026" in page
    # An accessible chart: an image with its own text alternative, and the table beside it.
    assert '<svg role="img" aria-labelledby="chart-received-title chart-received-desc"' in page
    assert "Requests received each month, March 2026 to May 2026" in page
    assert "March 2026: 3" in page
    assert "<script" not in page.split("</header>")[1].split("<footer")[0]
    table = page.split('id="table-received"')[1].split("</table>")[0]
    assert "March 2026" in table and ">3<" in table
    assert "January 2026" not in table


def test_an_unreadable_month_is_an_error_and_the_default_period_is_shown(client_as, team_leader):
    page = client_as(team_leader).get(f"{REPORTS}?from=sometime&to=2026-05").text
    assert "govuk-error-summary" in page
    assert "Enter the first month as a month and year, like March 2026" in page
    assert "July 2025 to June 2026" in page


def test_each_table_downloads_as_csv(app, client_as, team_leader):
    with app.app_context():
        for _ in range(2):
            received(date(2026, 4, 10), validity="not-mps")
    response = client_as(team_leader).get(f"{REPORTS}?from=2026-03&to=2026-05&download=validity")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "2026-03-to-2026-05" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["Figure", "Number"]
    assert ["Not valid: Not about the Metropolitan Police", "2"] in rows


def test_the_per_caseworker_table_is_for_team_leaders_only(
    app, client_as, team_leader, admin, caseworker
):
    with app.app_context():
        review_request = received(date(2026, 4, 10))
        allocated(review_request, date(2026, 4, 20), db.session.get(StaffUser, caseworker.id))
    query = "?from=2026-03&to=2026-05"
    leaders = client_as(team_leader)
    assert "Casey Worker" in leaders.get(REPORTS + query).text
    download = leaders.get(REPORTS + query + "&download=caseworkers")
    assert download.status_code == 200 and "Casey Worker" in download.text
    admins = client_as(admin)
    assert "Casey Worker" not in admins.get(REPORTS + query).text
    assert admins.get(REPORTS + query + "&download=caseworkers").status_code == 403


def test_an_unknown_download_is_not_found(client_as, team_leader):
    assert client_as(team_leader).get(f"{REPORTS}?download=everything").status_code == 404


def test_the_reports_are_in_the_navigation(client_as, team_leader, caseworker):
    assert f'href="{REPORTS}"' in client_as(team_leader).get("/staff/").text
    assert f'href="{REPORTS}"' not in client_as(caseworker).get("/staff/").text
