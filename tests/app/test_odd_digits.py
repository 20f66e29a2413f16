"""Characters `str.isdigit` accepts and `int` refuses ("²", "①"), and numbers too long for any
box, are refused with the page's own error, never a 500."""

from __future__ import annotations

import pytest

from tests.action_pages import errors_shown, send
from tests.forms import error_messages
from tests.requests_data import request_through
from tests.staff_helpers import make_staff, submit_code, submit_password

ODD = ["²", "①", "٣", "9" * 5000, "1" * 12]


@pytest.mark.parametrize("part", ["day", "month", "year"])
@pytest.mark.parametrize("value", ODD)
def test_journey_date_boxes_refuse_odd_digits(journey, part, value):
    journey.walk_to("letter-date")
    data = {"letter_date-day": "3", "letter_date-month": "3", "letter_date-year": "2026"}
    data[f"letter_date-{part}"] = value
    response = journey.answer("letter-date", data, expect_redirect=False)
    assert response.status_code == 200
    assert error_messages(response.text)


@pytest.mark.parametrize("value", ["²", "①", "9" * 30])
def test_staff_date_and_caseworker_answers_refuse_odd_digits(team, value):
    caseworker = team.client(team.caseworker)
    notified = request_through(team.app, *team.main_path("notify_parties"))
    response = send(
        caseworker,
        notified,
        "request_mps_info",
        **{"due_on-day": value, "due_on-month": "3", "due_on-year": "2027"},
    )
    assert response.status_code == 200
    assert errors_shown(response)

    leader = team.client(team.team_leader)
    waiting = request_through(team.app, *team.main_path("mps_info_received"))
    response = send(leader, waiting, "allocate", owner=value)
    assert response.status_code == 200
    assert errors_shown(response)


@pytest.mark.parametrize("code", ["²²²²²²", "①②③④⑤⑥"])
def test_two_factor_code_of_odd_digits_is_refused(app, code):
    user = make_staff(app, "caseworker", "odd@example.org")
    client = app.test_client()
    assert submit_password(client, user).status_code == 302
    response = submit_code(client, code)
    assert response.status_code == 200
