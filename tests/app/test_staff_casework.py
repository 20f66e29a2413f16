"""The dashboard and the request queue: what needs doing now, filters, search, sorting, pages,
the queries each page costs, who may see which request, and how documents are downloaded."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import event, select

from reviews import clock
from reviews.accessibility import request_callback, send_format_request
from reviews.casework import PAGE_SIZE
from reviews.database import db
from reviews.models import (
    AuditEvent,
    Document,
    InternalNote,
    OutboxMessage,
    ReviewRequest,
    StaffUser,
)
from reviews.references import format_reference
from reviews.rules import format_date
from reviews.workflow import Status
from staff.access import CASEWORKER
from tests.forms import csrf_token
from tests.requests_data import make_request
from tests.staff_helpers import make_staff

TODAY = clock.today()


@dataclass(frozen=True)
class Saved:
    id: int
    reference: str


def add(app: Flask, status: Status = Status.RECEIVED, **fields) -> Saved:
    """A request saved as the journey would, with `fields` changed, at `status`."""
    with app.app_context():
        review_request = make_request(status, **fields)
        return Saved(review_request.id, review_request.reference)


def references(html: str) -> list[str]:
    """The tracking references linked on a page, in order."""
    return re.findall(r'href="/staff/requests/\d+">([0-9A-Z-]{17})</a>', html)


def shown(review_request: Saved) -> str:
    return format_reference(review_request.reference)


# The dashboard ---------------------------------------------------------------------------------


def test_dashboard_lists_what_needs_doing_now(app, caseworker, other_caseworker, client_as):
    overdue = add(app, complainant_name="Olu First", acknowledgement_due=TODAY - timedelta(1))
    due_soon = add(app, complainant_name="Dee Soon", acknowledgement_due=TODAY + timedelta(3))
    mps_late = add(app, status=Status.AWAITING_MPS_INFO, mps_info_due_on=TODAY - timedelta(days=2))
    mps_in_time = add(app, status=Status.AWAITING_MPS_INFO, mps_info_due_on=TODAY)
    late = add(app, status=Status.ACKNOWLEDGED, is_late=True, late_reason="I was in hospital")
    consent = add(
        app,
        status=Status.ACKNOWLEDGED,
        requester_role="representative",
        requester_name="Rep Resent",
        consent="awaited",
    )
    mine = add(app, status=Status.UNDER_REVIEW, owner_id=caseworker.id)
    theirs = add(app, status=Status.UNDER_REVIEW, owner_id=other_caseworker.id, consent="awaited")
    with app.app_context():
        request_callback(TODAY, source="accessibility", name="Ali Caller", phone="07700 900982")
        send_format_request(
            TODAY,
            "format-key",
            document="The privacy notice",
            format="large-print",
            name="Bo Format",
            preferred_contact="post",
            address="1 High Street",
        )
        for number, review_request in enumerate((overdue, theirs)):
            db.session.add(
                OutboxMessage(
                    event_key=f"bounce:{number}",
                    review_request_id=review_request.id,
                    template="request_received",
                    recipient="sam@example.com",
                    status="failed",
                )
            )
        db.session.commit()

    page = client_as(caseworker).get("/staff/").text

    def section(heading: str) -> str:
        start = page.index(heading)
        return page[start : page.index("<h2", start + 1)]

    to_acknowledge = section("New requests to acknowledge (2)")
    assert references(to_acknowledge) == [shown(overdue), shown(due_soon)]
    assert f"acknowledge by {format_date(TODAY - timedelta(1))}" in to_acknowledge
    assert to_acknowledge.count("Overdue") == 1
    assert 'href="/staff/requests?status=received&amp;sort=due"' in to_acknowledge

    mps = section("MPS information overdue (1)")
    assert references(mps) == [shown(mps_late)] and shown(mps_in_time) not in mps
    assert "status=awaiting-mps-info&amp;only=overdue" in mps

    assert references(section("Late requests awaiting an extension decision (1)")) == [shown(late)]
    consent_section = section("Signed consent awaited (1)")
    assert references(consent_section) == [shown(consent)]
    assert "Rep Resent" in consent_section

    bounced = section("Emails that bounced (1)")
    assert references(bounced) == [shown(overdue)]
    assert "email bounced: contact Sam Example by post or phone" in bounced

    assert "Call Ali Caller" in section("Calls to make (1)")
    assert "Bo Format" in section("Accessible formats to send (1)")
    assert references(section("My cases (1)")) == [shown(mine)]
    assert 'href="/staff/requests?owner=me&amp;status=open"' in page

    # Another caseworker's case is nowhere on this caseworker's dashboard.
    assert shown(theirs) not in page
    stages = page[page.index("Requests by stage") :]
    assert 'href="/staff/requests?status=received">Received</a>' in stages
    assert re.search(r"Under review</a>\s*</th>\s*<td[^>]*>\s*1\s*</td>", stages)


def test_auditors_see_every_request_but_no_calls_to_make(app, caseworker, auditor, client_as):
    theirs = add(app, status=Status.UNDER_REVIEW, owner_id=caseworker.id, consent="awaited")
    page = client_as(auditor).get("/staff/").text
    assert shown(theirs) in page
    assert "Calls to make" not in page and "My cases" not in page


# The queue: filters -----------------------------------------------------------------------------


def test_queue_filters(app, client_as, team_leader, caseworker):
    leader_client = client_as(team_leader)
    plain = add(app)
    late = add(app, is_late=True, status=Status.ACKNOWLEDGED)
    duplicate = add(app, possible_duplicate=True, status=Status.ACKNOWLEDGED)
    adjusted = add(app, adjustments=["large-print"], status=Status.ACCEPTED)
    consent = add(app, consent="awaited", status=Status.ACKNOWLEDGED)
    mine = add(app, status=Status.ALLOCATED, owner_id=team_leader.id)
    theirs = add(app, status=Status.UNDER_REVIEW, owner_id=caseworker.id)
    overdue = add(app, status=Status.AWAITING_MPS_INFO, mps_info_due_on=TODAY - timedelta(1))
    closed = add(app, status=Status.CLOSED)

    def found(query: str) -> set[str]:
        return set(references(leader_client.get(f"/staff/requests?{query}").text))

    everyone = {plain, late, duplicate, adjusted, consent, mine, theirs, overdue, closed}
    assert found("") == {shown(r) for r in everyone}
    assert found("status=open") == {shown(r) for r in everyone - {closed}}
    assert found("status=received") == {shown(plain)}
    assert found("only=late") == {shown(late)}
    assert found("only=duplicate") == {shown(duplicate)}
    assert found("only=adjustments") == {shown(adjusted)}
    assert found("only=consent") == {shown(consent)}
    assert found("only=overdue") == {shown(overdue)}
    assert found("owner=me") == {shown(mine)}
    assert found(f"owner={caseworker.id}") == {shown(theirs)}
    assert found("owner=unassigned&status=acknowledged") == {
        shown(r) for r in (late, duplicate, consent)
    }
    assert found("only=late&only=duplicate") == set()
    # Nonsense in the address is ignored, not an error.
    assert found("status=nonsense&owner=x&page=-1&sort=x") == {shown(r) for r in everyone}
    page = leader_client.get("/staff/requests?only=late&status=acknowledged").text
    assert re.search(r'value="late"\s+checked', page)
    assert re.search(r'<option value="acknowledged"\s+selected>Acknowledged', page)
    assert "Casey Worker</option>" in page


def test_caseworkers_queue_shows_only_their_own_and_unallocated(
    app, caseworker, other_caseworker, client_as
):
    other = other_caseworker
    unallocated = add(app)
    mine = add(app, owner_id=caseworker.id)
    theirs = add(app, owner_id=other.id)
    client = client_as(caseworker)
    page = client.get("/staff/requests").text
    assert set(references(page)) == {shown(unallocated), shown(mine)}
    # Filtering on another caseworker does not reveal their cases.
    assert references(client.get(f"/staff/requests?owner={other.id}").text) == []
    assert other.name not in page
    assert shown(theirs) not in page


# Search ---------------------------------------------------------------------------------------


def search(client, text: str, query: str = ""):
    path = "/staff/requests" + (f"?{query}" if query else "")
    return client.post(path, data={"csrf_token": csrf_token(client, path), "search": text})


def test_search_by_reference_mps_reference_name_or_email(app, team_leader, client_as):
    leader_client = client_as(team_leader)
    sam = add(
        app,
        requester_name="Sam Example",
        complainant_name="Sam Example",
        requester_email="sam.example@example.com",
        mps_reference="CO/01234/25",
    )
    jo = add(
        app,
        requester_name="Jo Other",
        complainant_name="Jo Other",
        requester_email="jo@example.net",
        mps_reference="PC-2025-001234",
        status=Status.ACKNOWLEDGED,
    )
    # People mistype references: any case, no hyphens, O for 0 and I or L for 1.
    sloppy = sam.reference.lower().replace("0", "o").replace("1", "l")
    for text, expected in [
        (shown(sam), [sam]),
        (sloppy, [sam]),
        (" ".join(shown(jo).split("-")), [jo]),
        ("co / 01234 / 25", [sam]),
        ("pc-2025-001234", [jo]),
        ("sam exa", [sam]),
        ("JO@EXAMPLE.NET", [jo]),
        ("example", [sam, jo]),
        ("%", []),
        ("nobody", []),
    ]:
        response = search(leader_client, text)
        assert response.status_code == 302
        # The address carries an opaque key, never what was searched for.
        key = re.fullmatch(r"/staff/requests\?search=([\w-]+)", response.location).group(1)
        assert text.lower() not in key.lower()
        page = leader_client.get(response.location).text
        assert set(references(page)) == {shown(r) for r in expected}, text
        assert f'value="{key}"' in page  # the filter form keeps the search
        assert "Clear the search" in page


def test_search_keeps_the_filters_and_filters_keep_the_search(app, team_leader, client_as):
    leader_client = client_as(team_leader)
    add(app, complainant_name="Sam Received")
    acknowledged = add(app, complainant_name="Sam Acknowledged", status=Status.ACKNOWLEDGED)
    response = search(leader_client, "sam", "status=acknowledged&page=3")
    assert response.location.startswith("/staff/requests?status=acknowledged&search=")
    assert "page" not in response.location
    assert references(leader_client.get(response.location).text) == [shown(acknowledged)]
    # An empty search clears it.
    assert search(leader_client, " ", "status=acknowledged").location == (
        "/staff/requests?status=acknowledged"
    )


def test_a_search_from_another_session_has_ended(app, client_as, team_leader, other_team_leader):
    leader_client = client_as(team_leader)
    add(app)
    location = search(leader_client, "sam").location
    other = client_as(other_team_leader)
    page = other.get(location).text
    assert "Your search has ended" in page
    too_long = search(leader_client, "x" * 201)
    assert too_long.status_code == 200
    assert "Search for 200 characters or fewer" in too_long.text


# Sorting and pages ------------------------------------------------------------------------------


def test_sort_by_received_due_or_reference_either_way(app, team_leader, client_as):
    leader_client = client_as(team_leader)
    first = add(app, acknowledgement_due=TODAY + timedelta(5))
    second = add(app, acknowledgement_due=TODAY + timedelta(1))
    nothing_due = add(app, status=Status.ACKNOWLEDGED)
    with app.app_context():
        for days, saved in enumerate((first, second, nothing_due)):
            review_request = db.session.get(ReviewRequest, saved.id)
            review_request.submitted_at += timedelta(days=days)
        db.session.commit()

    def order(query: str) -> list[str]:
        return references(leader_client.get(f"/staff/requests?{query}").text)

    received = [shown(r) for r in (first, second, nothing_due)]
    assert order("") == order("sort=received") == received
    assert order("sort=received&order=descending") == received[::-1]
    # Nothing due sorts last whichever way.
    assert order("sort=due") == [shown(second), shown(first), shown(nothing_due)]
    assert order("sort=due&order=descending") == [shown(first), shown(second), shown(nothing_due)]
    by_reference = sorted(received)
    assert order("sort=reference") == by_reference
    assert order("sort=reference&order=descending") == by_reference[::-1]

    page = leader_client.get("/staff/requests?sort=due").text
    assert re.search(r'aria-sort="ascending">\s*<a[^>]*order=descending[^>]*>Due', page)
    assert re.search(r'aria-sort="none">\s*<a[^>]*sort=received[^>]*>Received', page)
    page = leader_client.get("/staff/requests?sort=due&order=descending").text
    ascending_again = r'<a class="govuk-link" href="/staff/requests\?sort=due">Due'
    assert re.search(r'aria-sort="descending">\s*' + ascending_again, page)


def test_pages_of_requests(app, team_leader, client_as):
    leader_client = client_as(team_leader)
    for _ in range(PAGE_SIZE + 5):
        add(app, status=Status.ACKNOWLEDGED)
    first = leader_client.get("/staff/requests?status=acknowledged").text
    assert len(references(first)) == PAGE_SIZE
    assert f"{PAGE_SIZE + 5} requests" in first
    assert 'class="govuk-pagination"' in first
    assert 'href="/staff/requests?status=acknowledged&amp;page=2" rel="next"' in first
    second = leader_client.get("/staff/requests?status=acknowledged&page=2").text
    assert len(references(second)) == 5
    assert not set(references(first)) & set(references(second))
    assert 'aria-current="page"' in second and 'rel="prev"' in second
    # A page past the end shows the last one.
    assert references(leader_client.get("/staff/requests?page=99").text) == references(second)


def count_queries(app: Flask, client, path: str) -> int:
    statements: list[str] = []

    def record(connection, cursor, statement, *args) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


@pytest.mark.parametrize("path", ["/staff/requests?sort=due", "/staff/"])
def test_queries_per_page_do_not_grow_with_the_rows(app, path, team_leader, client_as):
    client = client_as(team_leader)

    def add_requests(how_many: int) -> None:
        for _ in range(how_many):
            # Each with its own owner, so that loading owners one by one would show; owners
            # who have left, so that the queue's list of caseworkers does not load them first.
            owner = make_staff(app, CASEWORKER, f"{secrets.token_hex(4)}@example.org")
            add(app, owner_id=owner.id, consent="awaited", adjustments=["callback"])
            with app.app_context():
                db.session.get(StaffUser, owner.id).active = False
                request_callback(TODAY, source="accessibility", name="Ali", phone="07700 900982")
                db.session.commit()

    add_requests(3)
    client.get(path)  # the first page of a session may do one-off work
    with_3 = count_queries(app, client, path)
    add_requests(27)
    with_30 = count_queries(app, client, path)
    assert with_3 == with_30


def test_a_request_page_loads_its_notes_authors_together(app, team_leader, client_as):
    client = client_as(team_leader)
    review_request = add(app)
    path = f"/staff/requests/{review_request.id}"

    def add_notes(how_many: int) -> None:
        # Each by its own author, so that loading authors one by one would show.
        for _ in range(how_many):
            author = make_staff(app, CASEWORKER, f"{secrets.token_hex(4)}@example.org")
            with app.app_context():
                db.session.add(
                    InternalNote(
                        review_request_id=review_request.id, author_id=author.id, body="A note"
                    )
                )
                db.session.commit()

    add_notes(2)
    client.get(path)  # the first page of a session may do one-off work
    with_2 = count_queries(app, client, path)
    add_notes(5)
    with_7 = count_queries(app, client, path)
    assert with_2 == with_7


# Who may see a request, and its documents -------------------------------------------------------


def add_document(app: Flask, review_request: Saved) -> int:
    content = b"%PDF-1.4 not really a letter"
    with app.app_context():
        document = Document(
            review_request_id=review_request.id,
            kind="outcome-letter",
            filename="outcome-letter.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
        )
        db.session.add(document)
        db.session.commit()
        return document.id


def test_a_caseworker_cannot_reach_another_caseworkers_request(
    app, caseworker, other_caseworker, client_as
):
    theirs = add(app, owner_id=other_caseworker.id)
    document_id = add_document(app, theirs)
    client = client_as(caseworker)
    assert client.get(f"/staff/requests/{theirs.id}").status_code in (403, 404)
    download = client.get(f"/staff/requests/{theirs.id}/documents/{document_id}")
    assert download.status_code in (403, 404)
    mine = add(app, owner_id=caseworker.id)
    # Nor by pairing their document with a request this caseworker may see.
    assert client.get(f"/staff/requests/{mine.id}/documents/{document_id}").status_code == 404
    assert client.get(f"/staff/requests/{mine.id}").status_code == 200


def test_documents_download_sandboxed_and_never_inline(app, caseworker, client_as):
    review_request = add(app, owner_id=caseworker.id)
    document_id = add_document(app, review_request)
    client = client_as(caseworker)
    response = client.get(f"/staff/requests/{review_request.id}/documents/{document_id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "outcome-letter.pdf" in response.headers["Content-Disposition"]
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data == b"%PDF-1.4 not really a letter"
    with app.app_context():
        downloaded = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "downloaded-document")
        )
        assert downloaded.staff_user_id == caseworker.id
        assert downloaded.review_request_id == review_request.id


def test_a_bounced_email_leaves_the_dashboard_once_dealt_with(
    app, caseworker, other_caseworker, client_as
):
    mine = add(app)
    theirs = add(app, owner_id=other_caseworker.id)
    with app.app_context():
        messages = [
            OutboxMessage(
                event_key=f"bounce:{saved.id}",
                review_request_id=saved.id,
                template="request_received",
                recipient="sam@example.com",
                status="failed",
            )
            for saved in (mine, theirs)
        ]
        db.session.add_all(messages)
        db.session.commit()
        mine_id, theirs_id = (message.id for message in messages)
    client = client_as(caseworker)
    assert "Emails that bounced (1)" in client.get("/staff/").text

    token = csrf_token(client, "/staff/")
    refused = client.post(f"/staff/bounced/{theirs_id}/dealt-with", data={"csrf_token": token})
    assert refused.status_code == 404
    assert client.post(f"/staff/bounced/{mine_id}/dealt-with").status_code == 400  # no token
    done = client.post(f"/staff/bounced/{mine_id}/dealt-with", data={"csrf_token": token})
    assert done.status_code == 302 and done.location.endswith("/staff/#bounced")
    assert "Emails that bounced (0)" in client.get("/staff/").text
    with app.app_context():
        message = db.session.get(OutboxMessage, mine_id)
        assert message.dealt_with_by_id == caseworker.id
        audit = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "bounce-dealt-with")
        )
        assert audit.review_request_id == mine.id
