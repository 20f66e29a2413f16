"""The dashboard and the request queue: what needs doing now, filters, search, sorting and
pages."""

from __future__ import annotations

import re
from datetime import timedelta

from reviews.accessibility import request_callback, send_format_request
from reviews.database import db
from reviews.models import ReviewRequest
from reviews.request_queue import PAGE_SIZE
from reviews.rules import format_date
from reviews.workflow import Status
from tests.forms import csrf_token
from tests.requests_data import TODAY, add_request, bounced_email
from tests.staff_helpers import references, shown


def test_dashboard_lists_what_needs_doing_now(app, caseworker, other_caseworker, client_as):
    overdue = add_request(
        app, complainant_name="Olu First", acknowledgement_due=TODAY - timedelta(1)
    )
    due_soon = add_request(
        app, complainant_name="Dee Soon", acknowledgement_due=TODAY + timedelta(3)
    )
    mps_late = add_request(
        app, status=Status.AWAITING_MPS_INFO, mps_info_due_on=TODAY - timedelta(days=2)
    )
    mps_in_time = add_request(app, status=Status.AWAITING_MPS_INFO, mps_info_due_on=TODAY)
    late = add_request(
        app, status=Status.ACKNOWLEDGED, is_late=True, late_reason="I was in hospital"
    )
    consent = add_request(
        app,
        status=Status.ACKNOWLEDGED,
        requester_role="representative",
        requester_name="Rep Resent",
        consent="awaited",
    )
    mine = add_request(app, status=Status.UNDER_REVIEW, owner_id=caseworker.id)
    theirs = add_request(
        app, status=Status.UNDER_REVIEW, owner_id=other_caseworker.id, consent="awaited"
    )
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
            db.session.add(bounced_email(review_request.id, number))
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

    bounced = section("Emails and texts that failed (1)")
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
    theirs = add_request(app, status=Status.UNDER_REVIEW, owner_id=caseworker.id, consent="awaited")
    page = client_as(auditor).get("/staff/").text
    assert shown(theirs) in page
    assert "Calls to make" not in page and "My cases" not in page


def test_queue_filters(app, client_as, team_leader, caseworker):
    leader_client = client_as(team_leader)
    plain = add_request(app)
    late = add_request(app, is_late=True, status=Status.ACKNOWLEDGED)
    duplicate = add_request(app, possible_duplicate=True, status=Status.ACKNOWLEDGED)
    adjusted = add_request(app, adjustments=["large-print"], status=Status.ACCEPTED)
    consent = add_request(app, consent="awaited", status=Status.ACKNOWLEDGED)
    mine = add_request(app, status=Status.ALLOCATED, owner_id=team_leader.id)
    theirs = add_request(app, status=Status.UNDER_REVIEW, owner_id=caseworker.id)
    overdue = add_request(
        app, status=Status.AWAITING_MPS_INFO, mps_info_due_on=TODAY - timedelta(1)
    )
    closed = add_request(app, status=Status.CLOSED)

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
    unallocated = add_request(app)
    mine = add_request(app, owner_id=caseworker.id)
    theirs = add_request(app, owner_id=other.id)
    client = client_as(caseworker)
    page = client.get("/staff/requests").text
    assert set(references(page)) == {shown(unallocated), shown(mine)}
    # Filtering on another caseworker does not reveal their cases.
    assert references(client.get(f"/staff/requests?owner={other.id}").text) == []
    assert other.name not in page
    assert shown(theirs) not in page


def search(client, text: str, query: str = ""):
    path = "/staff/requests" + (f"?{query}" if query else "")
    return client.post(path, data={"csrf_token": csrf_token(client, path), "search": text})


def test_search_by_reference_mps_reference_name_or_email(app, team_leader, client_as):
    leader_client = client_as(team_leader)
    sam = add_request(
        app,
        requester_name="Sam Example",
        complainant_name="Sam Example",
        requester_email="sam.example@example.com",
        mps_reference="CO/01234/25",
    )
    jo = add_request(
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
    add_request(app, complainant_name="Sam Received")
    acknowledged = add_request(app, complainant_name="Sam Acknowledged", status=Status.ACKNOWLEDGED)
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
    add_request(app)
    location = search(leader_client, "sam").location
    other = client_as(other_team_leader)
    page = other.get(location).text
    assert "Your search has ended" in page
    too_long = search(leader_client, "x" * 201)
    assert too_long.status_code == 200
    assert "Search for 200 characters or fewer" in too_long.text


def test_sort_by_received_due_or_reference_either_way(app, team_leader, client_as):
    leader_client = client_as(team_leader)
    first = add_request(app, acknowledgement_due=TODAY + timedelta(5))
    second = add_request(app, acknowledgement_due=TODAY + timedelta(1))
    # A decision not upheld waits on nobody: staff close it.
    nothing_due = add_request(app, status=Status.NOT_UPHELD)
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
        add_request(app, status=Status.ACKNOWLEDGED)
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
