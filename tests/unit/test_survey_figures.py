"""Small figures on the survey report are hidden, and cannot be worked out from the rest."""

from __future__ import annotations

from datetime import date

import pytest

from reviews.survey import FEWER, NOT_SHOWN, SMALLEST_FIGURE, hide_small, month_of


def test_figures_of_five_or_more_are_shown():
    counts = {"a": 5, "b": 9, "c": 12}
    assert hide_small(counts) == counts


def test_figures_under_five_are_hidden_zero_included():
    assert FEWER == "fewer than 5"
    assert hide_small({"a": 20, "b": 7, "c": 3, "d": 0}) == {
        "a": 20,
        "b": 7,
        "c": FEWER,
        "d": FEWER,
    }


@pytest.mark.parametrize("small", range(SMALLEST_FIGURE))
def test_one_hidden_figure_hides_the_next_smallest_too(small):
    """Otherwise the total less the figures shown would give the hidden one."""
    shown = hide_small({"a": 20, "b": 7, "c": 6, "d": small})
    assert shown == {"a": 20, "b": 7, "c": NOT_SHOWN, "d": FEWER}


def test_an_answer_keeps_only_its_month():
    assert month_of(date(2026, 6, 10)) == date(2026, 6, 1)
