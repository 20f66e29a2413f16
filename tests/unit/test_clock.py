"""The one clock: London dates, and a clock that tests set and move."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviews import clock
from reviews.clock import LONDON


@pytest.mark.parametrize(
    ("utc_time", "london_date"),
    [
        # 30 minutes before the clocks go forward at 01:00 UTC
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), date(2026, 3, 29)),
        # 00:30 BST, 30 minutes before the clocks go back
        (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), date(2026, 10, 25)),
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), date(2026, 7, 1)),
        # Winter: London is on UTC
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), date(2026, 12, 31)),
    ],
)
def test_the_london_date_follows_british_summer_time(utc_time, london_date):
    assert clock.london_date(utc_time) == london_date


def test_the_london_date_refuses_a_naive_time():
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.london_date(datetime(2026, 3, 29, 0, 30))


@given(
    now=st.datetimes(
        min_value=datetime(1972, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.timezones()
    )
)
def test_the_london_date_is_the_date_in_london(now):
    assert clock.london_date(now) == now.astimezone(LONDON).date()
    # Since 1972 London has been on UTC in winter and one hour ahead in summer.
    utc_now = now.astimezone(UTC)
    assert clock.london_date(now) in {utc_now.date(), (utc_now + timedelta(hours=1)).date()}


def test_today_is_the_london_date_of_the_set_clock():
    clock.set_to(datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    assert clock.today() == date(2026, 7, 1)
    assert clock.now().tzinfo is UTC


def test_the_set_clock_runs_on_and_moves_forward():
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    clock.set_to(start)
    first = clock.now()
    assert start <= first < start + timedelta(minutes=1)
    assert clock.now() >= first
    clock.advance(timedelta(days=3))
    assert clock.today() == date(2026, 1, 8)
    assert clock.timestamp() == pytest.approx((start + timedelta(days=3)).timestamp(), abs=60)


def test_a_set_clock_needs_a_time_zone():
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set_to(datetime(2026, 1, 5, 9, 0))
