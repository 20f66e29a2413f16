"""Control characters (NUL above all, which PostgreSQL cannot store in text) never reach the
database and never give a 5xx: every form of every POST route in the URL map is sent with them
in every field, as are the query arguments the staff pages read."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from reviews.database import db
from reviews.models import ReviewRequest
from staff.audit_log import FILTERS as AUDIT_FILTERS
from staff.request_queue import QUEUE_ARGS
from tests.app.test_staff_access import signed_in_clients
from tests.hostile_forms import (
    post_filled,
    public_form_urls,
    sent_request_tracker,
    staff_form_urls,
)
from tests.journey import Journey
from tests.journey_data import complainant_steps
from tests.requests_data import add_request

# NUL, the other C0 controls a browser may send, and none of tab, newline, carriage return.
CONTROLS = "\x00\x01\x08\x0b\x0c\x1b\x1f"


def poisoned(value: str) -> str:
    """`value` with control characters in and around it."""
    middle = len(value) // 2
    return f"\x00{value[:middle]}{CONTROLS}{value[middle:]}\x00"


def poisoned_answer(value: str | list[str]) -> str | list[str]:
    return poisoned(value) if isinstance(value, str) else [poisoned(item) for item in value]


def post_poisoned(client, url: str) -> list[str]:
    """Open the page at `url` and send its form with control characters in every field."""
    return post_filled(client, url, lambda _index: poisoned("Sam Example 3"), poisoned)


def test_a_journey_with_control_characters_in_every_answer_can_be_sent(app):
    journey = Journey(app.test_client())
    for slug, data in complainant_steps():
        journey.answer(slug, {name: poisoned_answer(value) for name, value in data.items()})
    response = journey.send()
    assert response.status_code == 302
    assert response.location.endswith("/request/sent")
    with app.app_context():
        review_request = db.session.scalar(select(ReviewRequest))
        assert review_request.requester_name == "Sam Example"
        assert review_request.requester_email == "Sam@example.com"


def test_every_public_form_with_control_characters(app):
    tracker = sent_request_tracker(app)
    problems: list[str] = []
    tried = set()
    for client, url in public_form_urls(app, tracker):
        tried.add(url)
        problems += post_poisoned(client, url)
    assert not problems, "\n".join(problems)
    assert {"/track/send-information", "/accessibility/ask-for-a-call", "/track"} <= tried


def test_every_staff_form_and_filter_with_control_characters(app):
    request_id = add_request(app).id
    _anonymous, clients = signed_in_clients(app)
    problems: list[str] = []
    tried = set()
    for _role, client, url in staff_form_urls(app, clients, request_id):
        tried.add(url.split("?")[0])
        problems += post_poisoned(client, url)
    # The filters and search the staff pages read from the query.
    query = {name: poisoned("1") for name in (*QUEUE_ARGS, *AUDIT_FILTERS, "page")}
    for role, client in clients.items():
        for path in ("/staff/requests", "/staff/audit", "/staff/audit/export.csv"):
            response = client.get(path, query_string=query)
            if response.status_code >= 500:
                problems.append(f"GET {path} as {role}: {response.status_code}")
    assert not problems, "\n".join(problems)
    assert f"/staff/requests/{request_id}" in tried
    assert any("/actions/" in url for url in tried)


@pytest.mark.parametrize("value", ["a\x00b", "\x00", "a\x01\x1fb"])
def test_control_characters_are_taken_out_of_what_a_form_reads(app, value):
    with app.test_request_context("/?q=" + value, method="POST", data={"field": value}):
        from flask import request

        assert "\x00" not in request.args["q"] and "\x01" not in request.args["q"]
        assert request.form["field"] == value.replace("\x00", "").replace("\x01", "").replace(
            "\x1f", ""
        )


def test_tab_newline_and_carriage_return_are_kept(app):
    with app.test_request_context("/", method="POST", data={"field": "a\tb\r\nc"}):
        from flask import request

        assert request.form["field"] == "a\tb\r\nc"
