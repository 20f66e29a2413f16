"""Control characters (NUL above all, which PostgreSQL cannot store in text) never reach the
database and never give a 5xx: every form of every POST route in the URL map is sent with them
in every field, as are the query arguments the staff pages read."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select

from reviews.database import db
from reviews.models import ReviewRequest
from reviews.workflow import ROLES
from staff.audit_log import FILTERS as AUDIT_FILTERS
from staff.casework import QUEUE_ARGS
from tests.app.test_staff_access import signed_in_clients
from tests.journey import Journey, look_up
from tests.journey_data import complainant_steps
from tests.requests_data import add_request
from tests.site_map import STAFF_PUBLIC_ENDPOINTS

# NUL, the other C0 controls a browser may send, and none of tab, newline, carriage return.
CONTROLS = "\x00\x01\x08\x0b\x0c\x1b\x1f"

_TAG = re.compile(r"<(input|textarea|select|button)\b([^>]*)>", re.I)
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
_ACTION_LINK = re.compile(r"/staff/requests/\d+/actions/([\w-]+)")


def poisoned(value: str) -> str:
    """`value` with control characters in and around it."""
    middle = len(value) // 2
    return f"\x00{value[:middle]}{CONTROLS}{value[middle:]}\x00"


def poisoned_answer(value: str | list[str]) -> str | list[str]:
    return poisoned(value) if isinstance(value, str) else [poisoned(item) for item in value]


def poisoned_form(html: str) -> dict[str, str]:
    """Every field of the page's forms, each answered with control characters in it (hidden
    fields, the CSRF token among them, are sent back as they are)."""
    data: dict[str, str] = {}
    for tag, attributes_text in _TAG.findall(html):
        attributes = {k: unescape(v) for k, v in _ATTRIBUTE.findall(attributes_text)}
        name, kind = attributes.get("name"), attributes.get("type", "text")
        if not name or name in data or kind in ("file", "submit"):
            continue
        if kind == "hidden":
            data[name] = attributes.get("value", "")
        elif tag.lower() == "button" or kind in ("radio", "checkbox"):
            data[name] = poisoned(attributes.get("value", "yes"))
        else:
            data[name] = poisoned("Sam Example 3")
    return data


def post_poisoned(client: FlaskClient, url: str) -> list[str]:
    """Open the page at `url` and send its form with control characters in every field."""
    page = client.get(url)
    problems = [f"GET {url}: {page.status_code}"] if page.status_code >= 500 else []
    if page.status_code != 200:
        return problems
    response = client.post(url, data=poisoned_form(page.get_data(as_text=True)))
    if response.status_code >= 500:
        problems.append(f"POST {url}: {response.status_code}")
    return problems


def post_rules(app: Flask):
    return [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]


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
    client = app.test_client()
    Journey(client).walk(complainant_steps())
    assert Journey(client).send().status_code == 302
    with app.app_context():
        reference = db.session.scalar(select(ReviewRequest.reference))
    problems: list[str] = []
    tracker = app.test_client()
    assert look_up(tracker, reference, "Example").status_code == 302
    tried = set()
    for rule in post_rules(app):
        if rule.endpoint.startswith("staff.") or rule.arguments:
            continue
        tried.add(rule.endpoint)
        with app.test_request_context():
            url = url_for(rule.endpoint)
        on = tracker if url.startswith("/track/") else app.test_client()
        problems += post_poisoned(on, url)
    # A look-up with control characters in the reference and surname.
    problems += post_poisoned(app.test_client(), "/track")
    assert not problems, "\n".join(problems)
    assert {"portal.send_information", "accessibility.ask_for_a_call"} <= tried


def test_every_staff_form_and_filter_with_control_characters(app):
    request_id = add_request(app).id
    _anonymous, clients = signed_in_clients(app)
    values = {"request_id": request_id, "user_id": 1}
    problems: list[str] = []
    tried = set()
    for rule in post_rules(app):
        if not rule.endpoint.startswith("staff.") or rule.endpoint in STAFF_PUBLIC_ENDPOINTS:
            continue
        roles = getattr(app.view_functions[rule.endpoint], "allowed_roles", None) or ROLES
        for role in sorted(roles):
            client = clients[role]
            names = [""]
            if "action_name" in rule.arguments:
                page = client.get(f"/staff/requests/{request_id}").get_data(as_text=True)
                names = sorted(set(_ACTION_LINK.findall(page)))
            for name in names:
                values["action_name"] = name
                with app.test_request_context():
                    url = url_for(
                        rule.endpoint,
                        **{
                            a: name if a == "action_name" else values.get(a, 1)
                            for a in rule.arguments
                        },
                    )
                tried.add(rule.endpoint)
                problems += post_poisoned(client, url)
    # The filters and search the staff pages read from the query.
    query = {name: poisoned("1") for name in (*QUEUE_ARGS, *AUDIT_FILTERS, "page")}
    for role, client in clients.items():
        for path in ("/staff/requests", "/staff/audit", "/staff/audit/export.csv"):
            response = client.get(path, query_string=query)
            if response.status_code >= 500:
                problems.append(f"GET {path} as {role}: {response.status_code}")
    assert not problems, "\n".join(problems)
    assert {"staff.request_page", "staff.requests_queue", "staff.action_page"} <= tried


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
