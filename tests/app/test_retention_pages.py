"""The retention pages: legal hold on the request page, erasure on request, and the privacy
notice stating the configured schedule."""

from __future__ import annotations

from sqlalchemy import select

from reviews.database import db
from reviews.models import AuditEvent, Document, ReviewRequest
from reviews.workflow import Status
from tests.conftest import make_test_app
from tests.forms import error_messages, form_fields, post_form
from tests.requests_data import add_document, add_request

NAME = "Quillon Marksworth"


def held(app, request_id: int) -> ReviewRequest:
    with app.app_context():
        review_request = db.session.get(ReviewRequest, request_id)
        db.session.expunge(review_request)
        return review_request


def actions(app) -> list[tuple[str, int | None, dict]]:
    with app.app_context():
        return [
            (event.action, event.staff_user_id, event.detail)
            for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]


def hold_form(client, page: str, reason: str):
    """The legal hold page's form, sent as shown with `reason`: places or lifts the hold."""
    fields = form_fields(client, f"{page}/legal-hold")
    return client.post(f"{page}/legal-hold", data={**fields, "reason": reason})


def test_the_privacy_notice_states_the_configured_period(migrated_database, tmp_path):
    app = make_test_app(migrated_database, tmp_path / "instance", RETENTION_CLOSED_REQUEST_YEARS=3)
    page = app.test_client().get("/privacy").text
    assert "We keep review records for 3 years after the review ends" in page


def test_a_team_leader_puts_a_request_on_legal_hold_and_lifts_it(
    app, team_leader, caseworker, client_as
):
    saved = add_request(app, Status.WITHDRAWN, requester_name=NAME)
    leader = client_as(team_leader)
    page = f"/staff/requests/{saved.id}"
    assert "Put on legal hold" in leader.get(page).text
    assert "Put on legal hold" not in client_as(caseworker).get(page).text
    assert "Delete personal data now" not in leader.get(page).text

    response = post_form(leader, f"{page}/legal-hold", {"reason": ""})
    assert error_messages(response.text) == ["Enter why we must keep this request"]
    response = hold_form(leader, page, "Judicial review claim")
    assert response.location == page
    shown = leader.get(page).text
    assert "Legal hold placed" in shown and "On legal hold since" in shown
    assert "Judicial review claim" in shown and "Lift the legal hold" in shown
    assert held(app, saved.id).legal_hold_by_id == team_leader.id

    assert "Judicial review claim" in leader.get(f"{page}/legal-hold").text
    response = hold_form(leader, page, "Claim settled")
    assert response.location == page
    assert "Legal hold lifted" in leader.get(page).text
    assert held(app, saved.id).legal_hold_at is None
    assert [
        (action, who, detail.get("reason"))
        for action, who, detail in actions(app)
        if "hold" in action
    ] == [
        ("placed-legal-hold", team_leader.id, "Judicial review claim"),
        ("lifted-legal-hold", team_leader.id, "Claim settled"),
    ]


def test_a_caseworker_cannot_place_a_hold_nor_a_team_leader_erase(
    app, caseworker, team_leader, client_as
):
    saved = add_request(app)
    assert client_as(caseworker).get(f"/staff/requests/{saved.id}/legal-hold").status_code == 403
    assert client_as(team_leader).get(f"/staff/requests/{saved.id}/erase").status_code == 403


def test_an_admin_erases_a_request_after_confirming(app, admin, client_as):
    saved = add_request(app, requester_name=NAME, complaint_summary="Zebrafinch search")
    add_document(app, saved)
    client = client_as(admin)
    page = f"/staff/requests/{saved.id}"
    assert NAME in client.get(page).text  # viewed: audit rows point at it
    confirm = client.get(f"{page}/erase").text
    assert "<li>1 document</li>" in confirm and "You cannot undo this" in confirm

    response = post_form(client, f"{page}/erase", {"reason": ""})
    assert "Enter why we may delete" in error_messages(response.text)[0]
    response = post_form(client, f"{page}/erase", {"reason": "Asked on 1 May; no claim open"})
    assert response.location == page
    shown = client.get(page).text
    assert "Personal data deleted" in shown
    assert NAME not in shown and "Zebrafinch" not in shown
    with app.app_context():
        assert db.session.scalars(select(Document)).all() == []
    erased = [detail for action, who, detail in actions(app) if action == "erased-request"]
    assert erased and erased[0]["reason"] == "Asked on 1 May; no claim open"
    # Already a stub: nothing more to erase.
    response = client.get(f"{page}/erase")
    assert response.location == page
    assert "already been deleted" in client.get(page).text


def test_a_held_request_cannot_be_erased(app, admin, client_as):
    saved = add_request(app, requester_name=NAME)
    client = client_as(admin)
    page = f"/staff/requests/{saved.id}"
    hold_form(client, page, "ICO complaint open")
    response = post_form(client, f"{page}/erase", {"reason": "Asked"}, token_from=page)
    assert response.location == page
    assert "Lift the hold before erasing it" in client.get(page).text
    assert held(app, saved.id).requester_name == NAME


def test_a_hold_changed_by_someone_else_meanwhile_is_not_undone(
    app, team_leader, other_team_leader, client_as
):
    saved = add_request(app, Status.WITHDRAWN)
    page = f"/staff/requests/{saved.id}"
    first, second = client_as(team_leader), client_as(other_team_leader)
    stale = form_fields(second, f"{page}/legal-hold")
    hold_form(first, page, "Judicial review claim")
    # The second leader's page still offered to place a hold: sending it lifts nothing.
    response = second.post(f"{page}/legal-hold", data={**stale, "reason": "Claim settled"})
    assert response.location == page
    assert "Someone changed the legal hold" in second.get(page).text
    assert held(app, saved.id).legal_hold_reason == "Judicial review claim"
