"""The public statistics page: the same figures as the staff reports, by quarter, in plain
words, with any number under 5 shown as "fewer than 5"."""

from __future__ import annotations

from datetime import UTC, date, datetime

from reviews import clock
from reviews.reports import Period, complete_quarters, public_statistics
from reviews.rules import acknowledgement_due, add_working_days
from tests.requests_data import make_request

STATISTICS = "/statistics"


def received(day: date, number: int = 1, **fields) -> None:
    instant = datetime(day.year, day.month, day.day, 10, tzinfo=clock.LONDON).astimezone(UTC)
    for _ in range(number):
        make_request(submitted_at=instant, acknowledgement_due=acknowledgement_due(day), **fields)


def test_the_quarters_are_the_last_four_that_have_ended():
    assert complete_quarters(date(2026, 6, 10), 4) == [
        Period.quarter(2025, 2),
        Period.quarter(2025, 3),
        Period.quarter(2025, 4),
        Period.quarter(2026, 1),
    ]
    assert complete_quarters(date(2026, 1, 1), 1) == [Period.quarter(2025, 4)]
    assert Period.quarter(2026, 1).label == "January 2026 to March 2026"


def test_small_numbers_are_hidden(app):
    february = date(2026, 2, 10)
    with app.app_context():
        received(february, 6, validity="valid", acknowledged_on=add_working_days(february, 3))
        received(february, 2, validity="not-mps")
        received(
            february,
            5,
            validity="valid",
            outcome_reasonable=True,
            decision_issued_on=add_working_days(february, 50),
        )
        received(
            february,
            1,
            validity="valid",
            outcome_reasonable=False,
            decision_issued_on=add_working_days(february, 50),
        )
        quarters = public_statistics(clock.today())
    latest = quarters[-1]
    assert latest.period == Period.quarter(2026, 1)
    assert latest.received == 14
    # 12 valid, 2 not valid, none forwarded: two hidden, so no other needs hiding.
    assert (latest.valid, latest.not_valid, latest.forwarded) == (
        12,
        "fewer than 5",
        "fewer than 5",
    )
    # One upheld: hidden, and the one beside it too, or the total would give it away.
    assert (latest.upheld, latest.not_upheld) == ("fewer than 5", "not shown")
    assert latest.upheld_percent is None
    assert latest.median_days_to_acknowledgement == 3
    # Six decisions: enough to give the middle one.
    assert latest.median_days_to_decision == 50
    earlier = quarters[0]
    assert earlier.received == "fewer than 5"
    assert earlier.median_days_to_acknowledgement is None


def test_the_page(app, client):
    with app.app_context():
        received(date(2026, 2, 10), 7, validity="valid")
        received(date(2025, 11, 3), 2)
    response = client.get(STATISTICS)
    assert response.status_code == 200
    page = response.text
    assert "<h1" in page and "Statistics" in page
    assert '<svg role="img" aria-labelledby="chart-received-title chart-received-desc"' in page
    assert "January 2026 to March 2026: 7" in page
    assert "October 2025 to December 2025: fewer than 5" in page
    # One short table for each 3 months, the latest last.
    tables = [part.split("</table>")[0] for part in page.split('id="table-quarter-')[1:]]
    assert len(tables) == 4
    assert "October 2025 to December 2025" in tables[2] and "fewer than 5" in tables[2]
    assert "January 2026 to March 2026" in tables[3] and ">7<" in tables[3]
