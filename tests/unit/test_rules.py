from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviews.rules import (
    acknowledgement_due,
    add_working_days,
    deadline_for,
    deadline_message,
    deadline_on,
    format_date,
    is_working_day,
    made_before_scheme,
    normalise_mps_reference,
)

letter_dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31))


# Deadlines


@pytest.mark.parametrize(
    ("letter_date", "last_day"),
    [
        (date(2026, 4, 1), date(2026, 4, 29)),  # the IOPC's published example
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 2, 1), date(2028, 2, 29)),
        (date(2028, 2, 2), date(2028, 3, 1)),
        (date(2026, 12, 10), date(2027, 1, 7)),
    ],
)
def test_last_day_is_28_days_after_the_letter_date(letter_date, last_day):
    assert deadline_for(letter_date) == last_day


def test_message_counts_the_days_left():
    deadline = deadline_on(date(2026, 3, 3), today=date(2026, 3, 25))
    assert deadline.days_left == 6
    assert not deadline.is_late
    assert deadline_message(deadline) == (
        "Your letter is dated 3 March 2026. Your 28 days started on 4 March 2026 and end on "
        "31 March 2026. You have 6 days left."
    )


def test_message_on_the_day_before_the_last_day():
    deadline = deadline_on(date(2026, 3, 3), today=date(2026, 3, 30))
    assert deadline.days_left == 1
    assert deadline_message(deadline).endswith("and end on 31 March 2026. You have 1 day left.")


def test_message_on_the_last_day():
    deadline = deadline_on(date(2026, 3, 3), today=date(2026, 3, 31))
    assert deadline.days_left == 0
    assert not deadline.is_late
    assert deadline_message(deadline).endswith("and end on 31 March 2026. Today is the last day.")


def test_message_when_late():
    deadline = deadline_on(date(2026, 3, 3), today=date(2026, 4, 1))
    assert deadline.days_left == -1
    assert deadline.is_late
    assert deadline_message(deadline) == (
        "Your letter is dated 3 March 2026. Your 28 days started on 4 March 2026 and ended on "
        "31 March 2026, so your request is late."
    )


def test_letter_dated_today_has_the_whole_window_ahead():
    deadline = deadline_on(date(2026, 3, 3), today=date(2026, 3, 3))
    assert deadline.window_starts == date(2026, 3, 4)
    assert deadline.days_left == 28
    assert deadline_message(deadline) == (
        "Your letter is dated 3 March 2026. Your 28 days start on 4 March 2026 and end on "
        "31 March 2026. You have 28 days left."
    )


def test_letter_dated_yesterday_started_today():
    deadline = deadline_on(date(2026, 3, 2), today=date(2026, 3, 3))
    assert "Your 28 days started on 3 March 2026 and end on 30 March 2026." in (
        deadline_message(deadline)
    )


def test_future_letter_date_is_refused():
    with pytest.raises(ValueError, match="after today"):
        deadline_on(date(2026, 3, 4), today=date(2026, 3, 3))


@given(letter_date=letter_dates, days_since_letter=st.integers(min_value=0, max_value=400))
def test_deadline_properties(letter_date, days_since_letter):
    deadline = deadline_on(letter_date, today=letter_date + timedelta(days=days_since_letter))
    assert deadline.last_day - deadline.letter_date == timedelta(days=28)
    assert deadline.days_left == 28 - days_since_letter
    assert deadline.is_late == (deadline.days_left < 0)
    message = deadline_message(deadline)
    assert format_date(deadline.last_day) in message
    assert message.endswith("late.") == deadline.is_late


# Dates in London


# Formatting


@pytest.mark.parametrize(
    ("d", "text"),
    [
        (date(2026, 3, 3), "3 March 2026"),
        (date(2027, 1, 1), "1 January 2027"),
        (date(2028, 2, 29), "29 February 2028"),
        (date(2026, 12, 31), "31 December 2026"),
    ],
)
def test_format_date_is_govuk_style(d, text):
    assert format_date(d) == text


# Working days


def test_bank_holidays_around_christmas_2026():
    weekdays_off = [
        d
        for d in (date(2026, 12, 24) + timedelta(days=n) for n in range(14))
        if d.weekday() < 5 and not is_working_day(d)
    ]
    # Boxing Day falls on a Saturday, so Monday 28 December is the substitute.
    assert weekdays_off == [date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)]


def test_substitute_days_for_christmas_2027():
    # Christmas Day and Boxing Day fall on a weekend, so the Monday and Tuesday are off.
    assert not is_working_day(date(2027, 12, 27))
    assert not is_working_day(date(2027, 12, 28))
    assert is_working_day(date(2027, 12, 29))


@pytest.mark.parametrize(
    ("d", "working"),
    [
        (date(2026, 3, 3), True),  # Tuesday
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 3, 8), False),  # Sunday
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 8, 31), False),  # Late Summer Bank Holiday
    ],
)
def test_is_working_day(d, working):
    assert is_working_day(d) == working


@pytest.mark.parametrize(
    ("start", "days", "result"),
    [
        (date(2026, 3, 6), 1, date(2026, 3, 9)),  # Friday to Monday
        (date(2026, 3, 7), 1, date(2026, 3, 9)),  # Saturday to Monday
        # Christmas Day, the Boxing Day substitute and New Year's Day are skipped
        (date(2026, 12, 24), 5, date(2027, 1, 5)),
        # Good Friday 26 March and Easter Monday 29 March 2027 are skipped
        (date(2027, 3, 25), 1, date(2027, 3, 30)),
        (date(2027, 3, 25), 5, date(2027, 4, 5)),
        (date(2027, 12, 24), 1, date(2027, 12, 29)),
    ],
)
def test_add_working_days(start, days, result):
    assert add_working_days(start, days) == result


@pytest.mark.parametrize("days", [0, -1])
def test_add_working_days_needs_at_least_one_day(days):
    with pytest.raises(ValueError, match="at least 1"):
        add_working_days(date(2026, 3, 3), days)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 3, 2), date(2026, 3, 9)),  # Monday to Monday
        (date(2026, 3, 27), date(2026, 4, 7)),  # over Easter 2026
        (date(2026, 3, 28), date(2026, 4, 7)),  # received on a Saturday
        (date(2026, 12, 24), date(2027, 1, 5)),
    ],
)
def test_acknowledgement_due(received, due):
    assert acknowledgement_due(received) == due


@given(start=letter_dates, days=st.integers(min_value=1, max_value=60))
def test_add_working_days_properties(start, days):
    result = add_working_days(start, days)
    assert is_working_day(result)
    assert result > start
    assert add_working_days(start, days + 1) > result
    days_between = (result - start).days
    counted = [start + timedelta(days=n) for n in range(1, days_between + 1)]
    assert sum(is_working_day(d) for d in counted) == days


# Scheme start


@pytest.mark.parametrize(
    ("complaint_date", "before"),
    [(date(2020, 1, 31), True), (date(2020, 2, 1), False), (date(2025, 6, 1), False)],
)
def test_made_before_scheme(complaint_date, before):
    assert made_before_scheme(complaint_date) == before


# MPS references


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("CO/01234/25", "CO/01234/25"),
        ("co / 01234 / 25", "CO/01234/25"),
        ("  pc-2025-001234 ", "PC-2025-001234"),
        ("PC 2025 001234", "PC2025001234"),
        ("cw.123.45", "CW.123.45"),
        ("1234", "1234"),
        ("A" * 29 + "1", "A" * 29 + "1"),
    ],
)
def test_mps_reference_is_normalised(text, normalised):
    assert normalise_mps_reference(text) == normalised


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "123",  # too short
        "A" * 30 + "1",  # too long
        "CO/ABCDE/XY",  # no digit
        "CO_01234_25",
        "CO/01234/25;",
        "CO/\uff10\uff11\uff12\uff13\uff14/25",  # full-width digits
        "\u0131CO/01234/25",  # dotless i, which upper-cases to I
    ],
)
def test_mps_reference_is_refused(text):
    assert normalise_mps_reference(text) is None
