"""Keeping and deleting a request's personal data, from its page (reviews.retention).

- A legal hold (team leaders and admins, with a reason) stops retention deleting the request
  until someone lifts it, also with a reason. Both are audited.
- Erasure on request (admins only): where the law allows it, the request's personal data is
  deleted now, the way retention deletes it, after a confirmation page that says what goes.
"""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from reviews.database import db
from reviews.legal_hold import (
    RetentionRefused,
    erase_refusal,
    erase_request,
    lift_legal_hold,
    place_legal_hold,
)
from reviews.models import ReviewRequest
from reviews.references import format_reference
from reviews.retention import anonymise
from reviews.workflow import ADMIN, TEAM_LEADER
from staff.access import role_required
from staff.blueprint import staff
from staff.casework import back_to_request, request_for_current_user
from web.forms import TextAreaField

HOLD_ROLES = (TEAM_LEADER, ADMIN)
ERASE_ROLES = (ADMIN,)
REASON_LIMIT = (2000, "The reason must be 2,000 characters or fewer")
NO_NAMES = "Do not write anyone's name or contact details: this is kept in the audit log."


class HoldForm(FlaskForm):
    reason = TextAreaField(
        "Why must we keep this request?",
        description=f"For example: a claim for judicial review was issued. {NO_NAMES}",
        required="Enter why we must keep this request",
        max_length=REASON_LIMIT,
    )


class LiftForm(FlaskForm):
    reason = TextAreaField(
        "Why can the hold be lifted?",
        description=f"For example: the claim was settled. {NO_NAMES}",
        required="Enter why the hold can be lifted",
        max_length=REASON_LIMIT,
    )


class EraseForm(FlaskForm):
    reason = TextAreaField(
        "Why may we delete it now?",
        description=(
            "Say who asked, when, and why the law allows it (UK GDPR Article 17). " + NO_NAMES
        ),
        required="Enter why we may delete this request's personal data",
        max_length=REASON_LIMIT,
    )


@staff.context_processor
def _retention_roles() -> dict[str, bool]:
    """What the request page's retention panel (staff/_legal_hold.html) may offer."""
    role = getattr(current_user, "role", None)
    return {"can_hold": role in HOLD_ROLES, "can_erase": role in ERASE_ROLES}


def _refusal_if_stub(review_request: ReviewRequest) -> Response | None:
    if review_request.anonymised_at is not None:
        return back_to_request(
            review_request, "This request's personal data has already been deleted.", success=False
        )
    return None


def _page(template: str, form: FlaskForm, review_request: ReviewRequest, **context) -> str:
    return render_template(
        template,
        form=form,
        review_request=review_request,
        reference=format_reference(review_request.reference),
        **context,
    )


@staff.route("/requests/<int:request_id>/legal-hold", methods=["GET", "POST"])
@role_required(*HOLD_ROLES)
def legal_hold(request_id: int) -> Response | str:
    review_request = request_for_current_user(request_id)
    if refused := _refusal_if_stub(review_request):
        return refused
    if review_request.legal_hold_at is not None:
        return back_to_request(
            review_request, "This request is already on legal hold.", success=False
        )
    form = HoldForm()
    if form.validate_on_submit():
        place_legal_hold(review_request, current_user, form.reason.data or "")
        db.session.commit()
        return back_to_request(
            review_request,
            "Legal hold placed. This request will not be deleted until the hold is lifted.",
            success=True,
        )
    return _page("staff/legal_hold.html", form, review_request, lifting=False)


@staff.route("/requests/<int:request_id>/legal-hold/lift", methods=["GET", "POST"])
@role_required(*HOLD_ROLES)
def lift_hold(request_id: int) -> Response | str:
    review_request = request_for_current_user(request_id)
    if review_request.legal_hold_at is None:
        return back_to_request(review_request, "This request is not on legal hold.", success=False)
    form = LiftForm()
    if form.validate_on_submit():
        lift_legal_hold(review_request, current_user, form.reason.data or "")
        db.session.commit()
        return back_to_request(
            review_request,
            "Legal hold lifted. The request follows the retention schedule again.",
            success=True,
        )
    return _page("staff/legal_hold.html", form, review_request, lifting=True)


@staff.route("/requests/<int:request_id>/erase", methods=["GET", "POST"])
@role_required(*ERASE_ROLES)
def erase(request_id: int) -> Response | str:
    review_request = request_for_current_user(request_id)
    if refusal := erase_refusal(review_request):
        return back_to_request(review_request, refusal, success=False)
    form = EraseForm()
    if form.validate_on_submit():
        try:
            erase_request(review_request, current_user, form.reason.data or "")
        except RetentionRefused as refused:  # held by someone else since the page was shown
            db.session.rollback()
            return back_to_request(review_request, str(refused), success=False)
        db.session.commit()
        return back_to_request(
            review_request,
            "Personal data deleted. The reference, dates and outcome are kept.",
            success=True,
        )
    return _page(
        "staff/erase.html",
        form,
        review_request,
        going=anonymise(review_request, dry_run=True),
    )
