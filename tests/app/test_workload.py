"""Workload: reassigning a case, a caseworker leaving with cases, each person's cases by stage,
the team's view, and the due date of every waiting stage on the queue and dashboard."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from reviews.database import db
from reviews.deadlines import decision_target
from reviews.models import AuditEvent, ReviewRequest, StaffUser, TimelineEntry
from reviews.rules import format_date
from reviews.tracking import public_timeline
from reviews.workflow import Status
from tests.action_pages import errors_shown, send, take, text_of, url
from tests.forms import post_form
from tests.requests_data import TODAY, add_request, request_through
from tests.staff_helpers import references, shown


def _owner_of(app, request_id: int) -> int | None:
    with app.app_context():
        return db.session.get(ReviewRequest, request_id).owner_id


# Reassigning a case.


def test_a_team_leader_reassigns_a_case_with_a_reason_staff_alone_read(team):
    app = team.app
    request_id = request_through(app, *team.main_path("start_review"))
    with app.app_context():
        before = public_timeline(db.session.get(ReviewRequest, request_id))
    leader = team.client(team.team_leader)
    banner = take(
        team,
        leader,
        request_id,
        "reassign",
        owner=str(team.other_caseworker.id),
        reason="Casey is on leave for a month",
    )
    assert banner.startswith("Request reassigned")
    assert _owner_of(app, request_id) == team.other_caseworker.id
    page = text_of(leader.get(url(request_id)))
    assert "Reassigned from Casey Worker to Chris Worker: Casey is on leave for a month" in page
    with app.app_context():
        review_request = db.session.get(ReviewRequest, request_id)
        assert review_request.status == Status.UNDER_REVIEW
        # Not on the requester's tracker: nothing there changed for them.
        assert all("leave" not in (item.note or "") for item in public_timeline(review_request))
        assert public_timeline(review_request) == before
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reassign")).one()
        assert event.detail["previous_owner"] == team.caseworker.id


def test_reassigning_is_refused_to_caseworkers_and_to_the_same_person(team):
    app = team.app
    request_id = request_through(app, *team.main_path("allocate"))
    caseworker = team.client(team.caseworker)
    assert caseworker.get(url(request_id, "reassign")).status_code == 403
    leader = team.client(team.team_leader)
    same = send(leader, request_id, "reassign", owner=str(team.caseworker.id), reason="Why not")
    assert errors_shown(same) == ["Casey Worker already has this request. Choose someone else."]
    missing = send(leader, request_id, "reassign", owner=str(team.other_caseworker.id))
    assert errors_shown(missing) == ["Enter why it is being reassigned"]
    # Nobody has it yet: that is allocation, not reassignment.
    unallocated = request_through(app, *team.main_path("mps_info_received"))
    assert "/actions/reassign" not in text_of(leader.get(url(unallocated)))


# A caseworker leaving with cases.


def test_deactivating_someone_with_open_cases_reassigns_them_first(
    app, admin, caseworker, other_caseworker, client_as
):
    mine = [
        add_request(app, status=Status.UNDER_REVIEW, owner_id=caseworker.id),
        add_request(app, status=Status.UPHELD, owner_id=caseworker.id),
    ]
    closed = add_request(app, status=Status.CLOSED, owner_id=caseworker.id)
    admin_client = client_as(admin)
    user_page = admin_client.get(f"/staff/users/{caseworker.id}").text
    assert set(references(user_page)) == {shown(r) for r in mine}
    assert "Open cases (2)" in user_page

    # The plain button no longer strands the cases: it leads to the page that reassigns them.
    path = f"/staff/users/{caseworker.id}/deactivate"
    refused = post_form(admin_client, path, token_from=f"/staff/users/{caseworker.id}")
    assert refused.status_code == 200
    assert "Select who should have their cases" in refused.text
    with app.app_context():
        assert db.session.get(StaffUser, caseworker.id).active

    page = admin_client.get(path).text
    assert set(references(page)) == {shown(r) for r in mine}
    assert f'value="{caseworker.id}"' not in page  # not offered their own cases
    done = post_form(admin_client, path, {"owner": str(other_caseworker.id), "reason": "Left"})
    assert done.status_code == 302
    banner = admin_client.get(done.location).text
    assert "2 open cases reassigned to Chris Worker" in banner
    with app.app_context():
        assert not db.session.get(StaffUser, caseworker.id).active
        for saved in mine:
            review_request = db.session.get(ReviewRequest, saved.id)
            assert review_request.owner_id == other_caseworker.id
            notes = [entry.staff_note for entry in review_request.timeline if entry.staff_note]
            assert notes == ["Reassigned from Casey Worker to Chris Worker: Left"]
        # A finished case keeps the name of who did the work.
        assert db.session.get(ReviewRequest, closed.id).owner_id == caseworker.id
        reassigned = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "reassign")
        ).all()
        assert len(reassigned) == 2 and {e.staff_user_id for e in reassigned} == {admin.id}


def test_someone_without_open_cases_is_deactivated_at_once(app, admin, caseworker, client_as):
    admin_client = client_as(admin)
    path = f"/staff/users/{caseworker.id}/deactivate"
    response = post_form(admin_client, path, token_from=f"/staff/users/{caseworker.id}")
    assert response.status_code == 302
    with app.app_context():
        assert not db.session.get(StaffUser, caseworker.id).active


def test_the_queue_still_lists_deactivated_people_who_hold_cases(
    app, admin, team_leader, caseworker, other_caseworker, client_as
):
    held = add_request(app, status=Status.UNDER_REVIEW, owner_id=caseworker.id)
    with app.app_context():
        for account in (caseworker, other_caseworker):
            db.session.get(StaffUser, account.id).active = False
        db.session.commit()
    leader = client_as(team_leader)
    page = leader.get("/staff/requests").text
    assert f'<option value="{caseworker.id}" >Casey Worker (deactivated)</option>' in page
    assert "Chris Worker" not in page  # holds nothing
    assert references(leader.get(f"/staff/requests?owner={caseworker.id}").text) == [shown(held)]


# Cases by stage: each caseworker's and the team's.


def test_a_caseworkers_dashboard_counts_their_open_cases_by_stage(
    app, caseworker, other_caseworker, client_as
):
    for status in (Status.ALLOCATED, Status.UNDER_REVIEW, Status.UNDER_REVIEW, Status.CLOSED):
        add_request(app, status=status, owner_id=caseworker.id)
    add_request(app, status=Status.UNDER_REVIEW, owner_id=other_caseworker.id)
    page = client_as(caseworker).get("/staff/").text
    mine = page[page.index('id="my-stages"') :]
    mine = mine[: mine.index("</table>")]
    assert re.search(r"Allocated</a>\s*</th>\s*<td[^>]*>\s*1\s*</td>", mine)
    assert re.search(r"Under review</a>\s*</th>\s*<td[^>]*>\s*2\s*</td>", mine)
    assert "Closed" not in mine
    assert "owner=me&amp;status=under-review" in mine


def test_the_team_view_counts_each_persons_cases_by_stage(
    app, team_leader, caseworker, other_caseworker, client_as
):
    for status, owner in [
        (Status.ALLOCATED, caseworker),
        (Status.UNDER_REVIEW, caseworker),
        (Status.UNDER_REVIEW, caseworker),
        (Status.UNDER_REVIEW, other_caseworker),
        (Status.CLOSED, other_caseworker),
    ]:
        add_request(app, status=status, owner_id=owner.id)
    add_request(
        app,
        status=Status.AWAITING_MPS_INFO,
        owner_id=other_caseworker.id,
        mps_info_due_on=TODAY - timedelta(days=1),
    )
    page = client_as(team_leader).get("/staff/team").text

    def row_of(name: str) -> list[str]:
        row = page[page.index(name) :]
        cells = re.findall(r"<td[^>]*>\s*(.*?)\s*</td>", row[: row.index("</tr>")], re.S)
        return [re.match(r"(?:<a [^>]*>)?(\d+)", cell).group(1) for cell in cells]

    # Awaiting the Met, allocated, under review (workflow order), all open, overdue.
    assert row_of("Casey Worker") == ["0", "1", "2", "3", "0"]
    assert row_of("Chris Worker") == ["1", "0", "1", "2", "1"]
    assert f"owner={caseworker.id}&amp;status=under-review" in page
    assert client_as(caseworker).get("/staff/team").status_code == 403


# Due dates on the queue and the dashboard.


def test_the_queue_shows_what_each_request_waits_for_and_by_when(app, team_leader, client_as):
    overdue = add_request(
        app, status=Status.AWAITING_MPS_INFO, mps_info_due_on=TODAY - timedelta(days=3)
    )
    reviewing = add_request(app, status=Status.UNDER_REVIEW)
    late = add_request(
        app, status=Status.ACKNOWLEDGED, is_late=True, letter_date=TODAY - timedelta(days=31)
    )
    page = client_as(team_leader).get("/staff/requests?sort=due").text
    assert references(page)[0] == shown(overdue)
    assert "The Met&#39;s case information" in page or "The Met's case information" in page
    assert "3 days overdue" in page
    assert f"Decision target: {format_date(decision_target(TODAY))}" in page
    assert "Late by 3 days" in page
    assert shown(reviewing) in page and shown(late) in page


def test_due_dates_follow_the_status(app, team):
    request_id = request_through(app, ("acknowledge", team.caseworker, {}))
    with app.app_context():
        review_request = db.session.get(ReviewRequest, request_id)
        assert review_request.next_due_on == decision_target(TODAY)
    request_id = request_through(
        app,
        ("acknowledge", team.caseworker, {}),
        ("ask_requester", team.caseworker, {"information_requested": "Your letter"}),
    )
    with app.app_context():
        review_request = db.session.get(ReviewRequest, request_id)
        assert review_request.next_due_on is not None and review_request.next_due_on > TODAY
        entries = db.session.scalars(
            select(TimelineEntry).where(TimelineEntry.review_request_id == request_id)
        ).all()
        assert entries[-1].status == Status.AWAITING_APPLICANT_INFO


def test_the_dashboard_lists_overdue_requests(app, team_leader, client_as):
    overdue = add_request(
        app, status=Status.AWAITING_MPS_INFO, mps_info_due_on=TODAY - timedelta(days=2)
    )
    add_request(app, status=Status.AWAITING_MPS_INFO, mps_info_due_on=TODAY + timedelta(days=2))
    page = client_as(team_leader).get("/staff/").text
    section = page[page.index("Overdue (1)") :]
    section = section[: section.index("<h2")]
    assert references(section) == [shown(overdue)]
    assert "only=overdue" in section
