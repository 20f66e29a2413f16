"""Due dates of the waiting stages, in working days (England and Wales bank holidays)."""

from __future__ import annotations

from datetime import date

import pytest

from reviews.deadlines import (
    ALLOCATION_WORKING_DAYS,
    REQUESTER_INFO_WORKING_DAYS,
    Facts,
    days_late,
    stage_due,
)
from reviews.promises import PROMISES
from reviews.rules import add_working_days, is_working_day
from reviews.workflow import FINISHED, Status

# gov.uk/bank-holidays, England and Wales.
BANK_HOLIDAYS = {
    2026: ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"],
    2027: ["01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"],
    2028: ["01-03", "04-14", "04-17", "05-01", "05-29", "08-28", "12-25", "12-26"],
}


@pytest.mark.parametrize("year", sorted(BANK_HOLIDAYS))
def test_bank_holidays_2026_to_2028_are_not_working_days(year):
    for day in BANK_HOLIDAYS[year]:
        holiday = date.fromisoformat(f"{year}-{day}")
        assert holiday.weekday() < 5 and not is_working_day(holiday), holiday


def test_working_days_skip_christmas_2027():
    # Thursday 23 December 2027: Friday 24th, then Monday and Tuesday are bank holidays.
    assert add_working_days(date(2027, 12, 23), 2) == date(2027, 12, 29)


RECEIVED = date(2026, 6, 1)
FACTS = Facts(
    received=RECEIVED,
    acknowledgement_due=date(2026, 6, 8),
    mps_info_due_on=date(2026, 7, 1),
    mps_info_received_on=date(2026, 7, 2),
    estimated_allocation_month=None,
    decision_issued_on=date(2026, 8, 3),
    mps_response_due_on=date(2026, 9, 28),
)


def test_each_waiting_stage_has_its_due_date():
    decision = add_working_days(RECEIVED, PROMISES.decision.value)
    entered = date(2026, 6, 10)
    expected = {
        Status.RECEIVED: date(2026, 6, 8),
        Status.ACKNOWLEDGED: decision,
        Status.AWAITING_APPLICANT_INFO: add_working_days(entered, REQUESTER_INFO_WORKING_DAYS),
        Status.EXTENSION_CONSIDERED: decision,
        Status.ACCEPTED: decision,
        Status.PARTIES_NOTIFIED: decision,
        Status.AWAITING_MPS_INFO: date(2026, 7, 1),
        Status.AWAITING_ALLOCATION: add_working_days(date(2026, 7, 2), ALLOCATION_WORKING_DAYS),
        Status.ALLOCATED: decision,
        Status.UNDER_REVIEW: decision,
        Status.DECISION_QA: decision,
        Status.DECISION_APPROVED: decision,
        Status.UPHELD: date(2026, 9, 28),  # the date recorded when the decision was sent
    }
    for status in Status:
        due = stage_due(status, FACTS, entered_on=entered)
        assert (due.due_on if due else None) == expected.get(status), status
        if due:
            assert due.what
    assert not any(stage_due(status, FACTS, entered_on=entered) for status in FINISHED)


def test_allocation_is_due_by_the_end_of_the_month_staff_expect():
    facts = Facts(**{**vars(FACTS), "estimated_allocation_month": date(2026, 8, 1)})
    # 31 August 2026 is a bank holiday: the last working day of August is Friday the 28th.
    assert stage_due(Status.AWAITING_ALLOCATION, facts).due_on == date(2026, 8, 28)


def test_a_stage_counted_from_when_it_began_keeps_its_date_when_that_is_not_known():
    assert stage_due(Status.AWAITING_APPLICANT_INFO, FACTS, entered_on=None) is None


def test_days_late_counts_past_the_28th_day():
    assert days_late(date(2026, 5, 1), date(2026, 5, 29)) == 0
    assert days_late(date(2026, 5, 1), date(2026, 6, 2)) == 4
    assert days_late(None, date(2026, 6, 2)) == 0
