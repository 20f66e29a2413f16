"""Bulk actions on the queue, for team leaders: allocate the selected requests to one person,
or chase the Met for all of them.

The queue's table has a checkbox per request (a plain form: no JavaScript needed). Sending it
opens a page that lists the requests ticked and asks what to do; doing it carries out the
workflow action on each request in turn, each in its own transaction, then shows what was done
and what was refused, with the workflow's own reason.

Why a transaction per request, not all or nothing: each request is a case of its own, and an
allocation or a chase is one action on one case, as it is from the request's page. A request
a colleague has just moved on (or one at the wrong stage) is refused by the workflow and named in
the summary; the others should not wait on it. All or nothing would make the team leader untick
it and send the lot again, for no gain: nothing ties the cases together.
"""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from reviews import clock
from reviews.casework import case_handlers, visible_to
from reviews.database import db
from reviews.models import ReviewRequest, StaffUser
from reviews.references import format_reference
from reviews.workflow import STATUS_LABELS, TEAM_LEADER, TransitionRefused, perform
from staff.access import role_required
from staff.auth import add_error
from staff.blueprint import staff
from web.forms import RadiosField, choice_labels
from web.query import whole_number

# What a team leader can do to many requests at once: the workflow action each one is.
BULK_ACTIONS = {
    "allocate": "Allocate them to one caseworker",
    "chase": "Chase the Met for the case information",
}
_WORKFLOW_ACTION = {"allocate": "allocate", "chase": "chase_mps_info"}
# No more than this many at once (four pages of the queue).
MOST_AT_ONCE = 100
BULK_DONE = "staff_bulk_done"


class BulkForm(FlaskForm):
    action = RadiosField("What do you want to do?", required="Select what to do with them")
    owner = RadiosField("Who should have them?")

    def __init__(self) -> None:
        super().__init__()
        self.action.choices = dict(BULK_ACTIONS)
        self.owner.choices = {
            str(user.id): f"{user.name} ({user.role.replace('-', ' ')})" for user in case_handlers()
        }

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.action.data == "allocate" and self.owner.data not in choice_labels(self.owner):
            add_error(self.owner, "Select who should have them")
            return False
        return valid


def _chosen_ids() -> list[int]:
    """The requests ticked: whole numbers, once each, in the order sent, at most MOST_AT_ONCE."""
    ids: list[int] = []
    for value in request.form.getlist("ids"):
        number = whole_number(value, minimum=1)
        if number is not None and number not in ids:
            ids.append(number)
    return ids[:MOST_AT_ONCE]


def _chosen_requests(ids: list[int]) -> list[ReviewRequest]:
    found = db.session.scalars(
        visible_to(current_user, select(ReviewRequest)).where(ReviewRequest.id.in_(ids))
    ).all()
    by_id = {review_request.id: review_request for review_request in found}
    return [by_id[i] for i in ids if i in by_id]


def _carry_out(action: str, ids: list[int], owner: str | None) -> dict[str, object]:
    """The action on each request, one transaction each: what was done and what was refused."""
    acting: StaffUser = current_user._get_current_object()
    today = clock.today()
    details: dict[str, Any] = {"owner": owner} if action == "allocate" else {}
    done: list[int] = []
    refused: list[list[object]] = []
    for request_id in ids:
        # Held until this request's action commits (as on the request's own page).
        review_request = db.session.get(
            ReviewRequest, request_id, with_for_update=True, populate_existing=True
        )
        try:
            if review_request is None:
                raise TransitionRefused("This request no longer exists.")
            if action == "chase" and review_request.mps_info_chased_on == today:
                raise TransitionRefused("Already chased today.")
            perform(review_request, _WORKFLOW_ACTION[action], acting, today, **details)
        except TransitionRefused as refusal:
            db.session.rollback()
            refused.append([request_id, refusal.message])
            continue
        db.session.commit()
        done.append(request_id)
    return {"action": action, "owner": owner, "done": done, "refused": refused}


@staff.post("/requests/bulk")
@role_required(TEAM_LEADER)
def bulk_action():
    ids = _chosen_ids()
    requests = _chosen_requests(ids)
    form = BulkForm()
    if requests and request.form.get("chosen") == "yes" and form.validate_on_submit():
        chosen = [review_request.id for review_request in requests]
        session[BULK_DONE] = _carry_out(form.action.data, chosen, form.owner.data)
        return redirect(url_for("staff.bulk_done"))
    return render_template(
        "staff/bulk.html",
        form=form,
        requests=requests,
        status_labels=STATUS_LABELS,
        format_reference=format_reference,
    )


@staff.get("/requests/bulk/done")
@role_required(TEAM_LEADER)
def bulk_done():
    """What the bulk action did, once."""
    summary = session.pop(BULK_DONE, None)
    if not isinstance(summary, dict):
        return redirect(url_for("staff.requests_queue"))
    done_ids = [int(i) for i in summary.get("done", [])]
    refused = [(int(i), str(why)) for i, why in summary.get("refused", [])]
    found = {
        review_request.id: review_request
        for review_request in db.session.scalars(
            select(ReviewRequest).where(ReviewRequest.id.in_(done_ids + [i for i, _ in refused]))
        )
    }
    owner = db.session.get(StaffUser, int(summary["owner"])) if summary.get("owner") else None
    if summary.get("action") not in BULK_ACTIONS:
        abort(400)
    return render_template(
        "staff/bulk_done.html",
        action=summary["action"],
        owner=owner,
        done=[found[i] for i in done_ids if i in found],
        refused=[(found[i], why) for i, why in refused if i in found],
        status_labels=STATUS_LABELS,
        format_reference=format_reference,
    )
