"""Searching the requests: by any reference, name, organisation, email or phone; the terms kept
on the server (never in the address or the cookie); every search of a person audited."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from sqlalchemy import select

from reviews import clock
from reviews.database import db
from reviews.models import AuditEvent
from reviews.search import SEARCH_LIFETIME
from reviews.workflow import Status
from tests.forms import csrf_token
from tests.requests_data import add_request
from tests.staff_helpers import references, shown


def search(client, text: str):
    path = "/staff/requests"
    return client.post(path, data={"csrf_token": csrf_token(client, path), "search": text})


def _people(app):
    sam = add_request(
        app,
        requester_name="Sam Example",
        complainant_name="Sam Example",
        requester_email="sam.example@example.com",
        requester_phone="07700 900123",
        mps_reference="CO/01234/25",
    )
    rep = add_request(
        app,
        status=Status.ACKNOWLEDGED,
        requester_role="representative",
        requester_name="Rita Advocate",
        representative_organisation="Southwark Law Centre",
        complainant_name="Jo Other",
        requester_email="rita@law.example",
        complainant_phone="+44 20 7946 0018",
        mps_reference="PC-2025-001234",
    )
    return sam, rep


def test_search_finds_by_any_reference_name_organisation_email_or_phone(
    app, team_leader, client_as
):
    sam, rep = _people(app)
    leader = client_as(team_leader)
    for text, expected in [
        (shown(sam).lower().replace("-", " "), [sam]),
        (shown(rep).replace("-", ""), [rep]),
        ("co 01234 25", [sam]),
        ("CO01234/25", [sam]),
        ("pc 2025 001234", [rep]),
        ("  sam   EXAMPLE ", [sam]),
        ("law centre", [rep]),
        ("RITA@LAW.EXAMPLE", [rep]),
        ("Jo Other", [rep]),
        ("+44 7700 900 123", [sam]),
        ("07700900123", [sam]),
        ("020 7946 0018", [rep]),
        ("%", []),
        ("_", []),
    ]:
        response = search(leader, text)
        assert response.status_code == 302
        page = leader.get(response.location).text
        assert set(references(page)) == {shown(r) for r in expected}, text


def test_search_terms_stay_out_of_the_address_and_the_cookie(app, team_leader, client_as):
    _people(app)
    leader = client_as(team_leader)
    response = search(leader, "Sam Example")
    assert "sam" not in response.location.lower()
    assert re.fullmatch(r"/staff/requests\?search=[\w-]{16,}", response.location)
    with leader.session_transaction() as kept:
        assert "sam" not in json.dumps(dict(kept), default=str).lower()
    for cookie in response.headers.getlist("Set-Cookie"):
        assert "sam" not in cookie.split(";")[0].lower()
    page = leader.get(response.location).text
    # The box shows what was searched for; the filter form carries only the id.
    assert 'value="Sam Example"' in page
    assert "Clear the search" in page


def test_a_kept_search_is_only_for_who_made_it_and_ends(
    app, team_leader, other_team_leader, client_as
):
    _people(app)
    leader = client_as(team_leader)
    location = search(leader, "Sam").location
    assert "Your search has ended" in client_as(other_team_leader).get(location).text
    clock.advance(SEARCH_LIFETIME + timedelta(minutes=1))
    # Signed in again (the idle time-out has signed the first session out), it has gone.
    assert "Your search has ended" in client_as(team_leader).get(location).text


def test_listing_and_searching_for_a_person_are_audited(app, team_leader, client_as):
    _people(app)
    leader = client_as(team_leader)
    leader.get("/staff/requests?status=open")
    leader.get(search(leader, "Rita").location)
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "listed-requests").order_by(AuditEvent.id)
        ).all()
    listed, searched = events[0], events[-1]
    assert listed.staff_user_id == team_leader.id
    assert listed.detail["filters"]["status"] == "open" and "search" not in listed.detail
    assert searched.detail["search"] == {"kind": "person", "terms": "Rita"}
    assert searched.detail["shown"] == 1
