"""The retention schedule: read from the environment, checked, and the one source of the
privacy notice's promise about how long records are kept."""

from __future__ import annotations

from datetime import date

import pytest

from reviews.promises import PROMISES, promises_for
from reviews.retention import RetentionSchedule, scrub_detail, years_before
from web.config import ConfigError, load_config, retention_schedule

SETTINGS = {
    "RETENTION_CLOSED_REQUEST_YEARS": "closed_request_years",
    "RETENTION_MESSAGE_CONTENT_DAYS": "message_content_days",
    "RETENTION_SIGN_IN_ATTEMPT_DAYS": "sign_in_attempt_days",
    "RETENTION_AUDIT_EVENT_YEARS": "audit_event_years",
    "RETENTION_SURVEY_ANSWER_DAYS": "survey_answer_days",
}


@pytest.fixture(autouse=True)
def _no_retention_settings(config_environment):
    for name in SETTINGS:
        config_environment.delenv(name, raising=False)
    return config_environment


def test_the_defaults_are_the_schedule_the_readme_states():
    schedule = retention_schedule(load_config("development"))
    assert schedule == RetentionSchedule()
    assert (
        schedule.closed_request_years,
        schedule.message_content_days,
        schedule.sign_in_attempt_days,
        schedule.audit_event_years,
        schedule.survey_answer_days,
    ) == (6, 0, 90, 7, 365)


@pytest.mark.parametrize(("setting", "field"), SETTINGS.items())
def test_each_period_is_a_setting(_no_retention_settings, setting, field):
    value = 5 if field == "closed_request_years" else 8
    _no_retention_settings.setenv(setting, str(value))
    assert getattr(retention_schedule(load_config("development")), field) == value


@pytest.mark.parametrize(
    ("setting", "value", "problem"),
    [
        ("RETENTION_CLOSED_REQUEST_YEARS", "six", "whole number"),
        ("RETENTION_SIGN_IN_ATTEMPT_DAYS", "-1", "0 or more"),
        ("RETENTION_CLOSED_REQUEST_YEARS", "0", "1 or more"),
        # The audit trail of a request must outlive the request itself.
        ("RETENTION_AUDIT_EVENT_YEARS", "5", "no fewer"),
    ],
)
def test_a_schedule_that_makes_no_sense_is_refused_at_start(
    _no_retention_settings, setting, value, problem
):
    _no_retention_settings.setenv(setting, value)
    with pytest.raises(ConfigError, match=problem):
        load_config("development")


def test_the_records_promise_is_the_configured_period():
    assert PROMISES.records_kept.value == RetentionSchedule().closed_request_years
    promises = promises_for(RetentionSchedule(closed_request_years=3))
    assert promises.records_kept.text == "3 years"
    assert "3 years" in promises.records_kept.wording
    assert promises.acknowledgement == PROMISES.acknowledgement


def test_a_year_back_from_29_february_is_28_february():
    assert years_before(date(2028, 2, 29), 1) == date(2027, 2, 28)
    assert years_before(date(2032, 6, 10), 6) == date(2026, 6, 10)


def test_scrubbed_audit_details_keep_what_happened_and_lose_who_and_what_was_said():
    detail = {
        "from": "received",
        "to": "withdrawn",
        "reason": "Letter from Sam Example",
        "search": "Sam Example",
        "email": "sam@example.com",
        "name": "Sam Example",
        "document_id": 4,
        "large_print": True,
        "kind": "decision",
    }
    assert scrub_detail(detail) == {
        "from": "received",
        "to": "withdrawn",
        "document_id": 4,
        "large_print": True,
        "kind": "decision",
        "anonymised": True,
    }
    # "to" that is not a status (an address, say) goes too.
    assert "to" not in scrub_detail({"to": "sam@example.com"})


def test_every_table_that_points_at_a_request_is_deleted_with_it_or_kept_on_purpose():
    """A table added later that points at a request fails here until retention deals with it:
    in `request_parts` (deleted with the request) or in `KEPT_WITH_STUB` (kept, emptied)."""
    from reviews.database import db
    from reviews.retention import KEPT_WITH_STUB, request_parts

    pointing = {
        table.name
        for table in db.metadata.sorted_tables
        for key in table.foreign_keys
        if key.column.table.name == "review_requests"
    }
    deleted = {model.__tablename__ for _kind, model, _rows in request_parts(1)}
    assert pointing <= deleted | set(KEPT_WITH_STUB), pointing - deleted - set(KEPT_WITH_STUB)
    assert not deleted & set(KEPT_WITH_STUB)
