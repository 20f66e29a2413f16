"""Month-and-year dates as people type them (web.forms.dates.parse_month_year)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from web.forms.dates import MONTH_NAMES, MonthYearError, parse_month_year


@pytest.mark.parametrize(
    "text",
    [
        "March 2025",
        "march 2025",
        "MARCH 2025",
        "mar 2025",
        "Mar. 2025",
        "Mar, 2025",
        "  march   2025 ",
        "3/2025",
        "03/2025",
        "3-2025",
        "03.2025",
        "3 2025",
        "2025-03",
        "2025/3",
        "2025 03",
    ],
)
def test_march_2025_however_it_is_typed(text):
    assert parse_month_year(text) == (2025, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sept 2024", (2024, 9)),
        ("sep 2024", (2024, 9)),
        ("12/2023", (2023, 12)),
        ("jan 2020", (2020, 1)),
    ],
)
def test_other_months(text, expected):
    assert parse_month_year(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("Marchember 2025", "unreadable"),
        ("13/2025", "unreadable"),
        ("0/2025", "unreadable"),
        ("2025-13", "unreadable"),
        ("March", "unreadable"),
        ("2025", "unreadable"),
        ("3/25", "year"),
        ("March 25", "year"),
        ("March 20255", "year"),
        ("\u0663/\u0662\u0660\u0662\u0665", "unreadable"),  # Arabic-Indic digits
        ("3/\uff12\uff10\uff12\uff15", "unreadable"),  # full-width digits
        ("1/3/2025", "unreadable"),
        ("next spring", "unreadable"),
        ("x" * 500, "unreadable"),
    ],
)
def test_what_cannot_be_read_says_why(text, problem):
    with pytest.raises(MonthYearError) as raised:
        parse_month_year(text)
    assert raised.value.problem == problem


months = st.integers(1, 12)
years = st.integers(1000, 9999)


@given(
    months,
    years,
    st.sampled_from(
        [
            "{name} {year}",
            "{short} {year}",
            "{m}/{year}",
            "{mm}/{year}",
            "{year}-{mm}",
            "{m}-{year}",
        ]
    ),
)
def test_every_month_round_trips(month, year, pattern):
    name = MONTH_NAMES[month - 1]
    text = pattern.format(name=name, short=name[:3], m=month, mm=f"{month:02d}", year=year)
    assert parse_month_year(text) == (year, month)


@given(st.text(max_size=40))
def test_any_text_is_read_or_refused_with_a_reason(text):
    try:
        year, month = parse_month_year(text)
    except MonthYearError as refused:
        assert refused.problem in {"empty", "unreadable", "year"}
    else:
        assert 1 <= month <= 12 and 1000 <= year <= 9999
