"""Every form of the service, found from the URL map and filled with whatever a test chooses:
the one way the hostile-input tests (control characters, naughty strings) drive forms, so a new
form is covered without being listed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html import unescape

from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select

from reviews.database import db
from reviews.models import ReviewRequest
from reviews.workflow import ROLES
from tests.journey import Journey, look_up
from tests.journey_data import complainant_steps
from tests.site_map import STAFF_PUBLIC_ENDPOINTS

_TAG = re.compile(r"<(input|textarea|select|button)\b([^>]*)>", re.I)
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
_ACTION_LINK = re.compile(r"/staff/requests/\d+/actions/([\w-]+)")

# What to put in the n-th text field of a form, and what to send for a choice offered as
# `value` (a radio, a checkbox, a button).
TextFor = Callable[[int], str]
ChoiceFor = Callable[[str], str]


def filled_form(html: str, text_for: TextFor, choice_for: ChoiceFor = lambda value: value) -> dict:
    """Every field of the page's forms answered (hidden fields, the CSRF token among them, are
    sent back as they are; the first choice of each radio group is taken)."""
    data: dict[str, str] = {}
    text_fields = 0
    for tag, attributes_text in _TAG.findall(html):
        attributes = {k: unescape(v) for k, v in _ATTRIBUTE.findall(attributes_text)}
        name, kind = attributes.get("name"), attributes.get("type", "text")
        if not name or name in data or kind in ("file", "submit"):
            continue
        if kind == "hidden":
            data[name] = attributes.get("value", "")
        elif tag.lower() == "button" or kind in ("radio", "checkbox"):
            data[name] = choice_for(attributes.get("value", "yes"))
        else:
            data[name] = text_for(text_fields)
            text_fields += 1
    return data


def text_field_count(html: str) -> int:
    """How many fields of the page's forms take typed text."""
    seen: list[int] = []
    filled_form(html, lambda index: seen.append(index) or "")
    return len(seen)


def post_filled(
    client: FlaskClient, url: str, text_for: TextFor, choice_for: ChoiceFor = lambda v: v
) -> list[str]:
    """Open the page at `url` and send its form filled in: what answered with a 5xx."""
    page = client.get(url)
    problems = [f"GET {url}: {page.status_code}"] if page.status_code >= 500 else []
    if page.status_code != 200:
        return problems
    data = filled_form(page.get_data(as_text=True), text_for, choice_for)
    response = client.post(url, data=data)
    if response.status_code >= 500:
        problems.append(f"POST {url}: {response.status_code} with {data!r}")
    return problems


def post_rules(app: Flask):
    return [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]


def sent_request_tracker(app: Flask) -> FlaskClient:
    """A client with a complainant's request sent and open in the tracker."""
    client = app.test_client()
    Journey(client).walk(complainant_steps())
    assert Journey(client).send().status_code == 302
    with app.app_context():
        reference = db.session.scalar(select(ReviewRequest.reference))
    tracker = app.test_client()
    assert look_up(tracker, reference, "Example").status_code == 302
    return tracker


def public_form_urls(app: Flask, tracker: FlaskClient) -> Iterator[tuple[FlaskClient, str]]:
    """Every public form without arguments in its address, with a client that may open it (the
    tracker's forms need a look-up)."""
    for rule in post_rules(app):
        if rule.endpoint.startswith("staff.") or rule.arguments:
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint)
        yield (tracker if url.startswith("/track/") else app.test_client()), url


def staff_form_urls(
    app: Flask, clients: dict[str, FlaskClient], request_id: int
) -> Iterator[tuple[str, FlaskClient, str]]:
    """Every staff form, as each role allowed to use it: (role, client, url). Action forms are
    those the request page links to, for that role."""
    values = {"request_id": request_id, "user_id": 1}
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
                arguments = {
                    a: name if a == "action_name" else values.get(a, 1) for a in rule.arguments
                }
                with app.test_request_context():
                    yield role, client, url_for(rule.endpoint, **arguments)
