"""Bulk actions on the queue, for team leaders: select requests (checkboxes, no JavaScript) and
allocate them all to one person or chase the Met for all of them; each case through the
workflow in its own transaction, then a summary of what was done and what was refused, and why."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from reviews.database import db
from reviews.models import AuditEvent, ReviewRequest
from reviews.workflow import Status
from tests.forms import csrf_token
from tests.requests_data import TODAY, add_request
from tests.staff_helpers import references, shown

BULK = "/staff/requests/bulk"


def _choose(client, ids, **answers):
    """Tick the requests on the queue and send them, then (with answers) say what to do."""
    token = csrf_token(client, "/staff/requests")
    chosen = client.post(BULK, data={"csrf_token": token, "ids": [str(i) for i in ids]})
    if not answers:
        return chosen
    assert chosen.status_code == 200
    return client.post(
        BULK, data={"csrf_token": token, "ids": [str(i) for i in ids], "chosen": "yes", **answers}
    )


def test_the_queue_offers_team_leaders_checkboxes(app, team_leader, caseworker, client_as):
    saved = add_request(app, status=Status.AWAITING_ALLOCATION)
    page = client_as(team_leader).get("/staff/requests").text
    assert f'name="ids" type="checkbox" value="{saved.id}"' in page
    assert f'action="{BULK}"' in page
    assert 'name="ids"' not in client_as(caseworker).get("/staff/requests").text


def test_allocate_many_to_one_caseworker_with_a_summary(app, team_leader, caseworker, client_as):
    waiting = [add_request(app, status=Status.AWAITING_ALLOCATION) for _ in range(2)]
    too_early = add_request(app, status=Status.RECEIVED)
    leader = client_as(team_leader)
    ids = [r.id for r in (*waiting, too_early)]
    chosen = _choose(leader, ids)
    assert set(references(chosen.text)) == {shown(r) for r in (*waiting, too_early)}
    done = _choose(leader, ids, action="allocate", owner=str(caseworker.id))
    assert done.status_code == 302
    summary = leader.get(done.location).text
    assert "2 requests allocated to Casey Worker" in summary
    refused = summary[summary.index("1 request not changed") :]
    assert references(refused) == [shown(too_early)]
    assert "You cannot allocate to a caseworker at this stage" in refused
    with app.app_context():
        for saved in waiting:
            review_request = db.session.get(ReviewRequest, saved.id)
            assert (review_request.status, review_request.owner_id) == (
                Status.ALLOCATED,
                caseworker.id,
            )
        assert db.session.get(ReviewRequest, too_early.id).owner_id is None
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "allocate"))
        assert len(events.all()) == 2
    # Shown once.
    assert leader.get(done.location).status_code == 302


def test_chase_the_met_for_many_once_a_day(app, team_leader, client_as):
    waiting = [
        add_request(app, status=Status.AWAITING_MPS_INFO, mps_info_due_on=TODAY - timedelta(1))
        for _ in range(2)
    ]
    leader = client_as(team_leader)
    ids = [r.id for r in waiting]
    summary = leader.get(_choose(leader, ids, action="chase").location).text
    assert "2 requests: the Met chased" in summary
    with app.app_context():
        assert {db.session.get(ReviewRequest, r.id).mps_info_chased_on for r in waiting} == {TODAY}
    again = leader.get(_choose(leader, ids, action="chase").location).text
    assert "2 requests not changed" in again and "Already chased today" in again


def test_what_to_do_and_who_are_asked_for(app, team_leader, client_as):
    saved = add_request(app, status=Status.AWAITING_ALLOCATION)
    leader = client_as(team_leader)
    nothing = _choose(leader, [saved.id], chosen="yes")
    assert "Select what to do with them" in nothing.text
    nobody = _choose(leader, [saved.id], action="allocate")
    assert "Select who should have them" in nobody.text
    none_ticked = _choose(leader, [])
    assert "You did not select any requests" in none_ticked.text


def test_only_team_leaders_act_in_bulk(app, caseworker, client_as):
    saved = add_request(app, status=Status.AWAITING_MPS_INFO, mps_info_due_on=TODAY)
    client = client_as(caseworker)
    token = csrf_token(client, "/staff/requests")
    response = client.post(BULK, data={"csrf_token": token, "ids": [str(saved.id)]})
    assert response.status_code == 403
