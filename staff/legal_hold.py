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
from wtforms import HiddenField

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


def _reason(label: str, example: str, missing: str) -> TextAreaField:
    return TextAreaField(
        label,
        description=f"For example: {example}. {NO_NAMES}",
        required=missing,
        max_length=REASON_LIMIT,
    )


class HoldForm(FlaskForm):
    # The hold as the page showed it ("" for none): a hold placed or lifted by someone else
    # since then refuses the form rather than undoing their change.
    shown = HiddenField()
    reason = _reason(
        "Why must we keep this request?",
        "a claim for judicial review was issued",
        "Enter why we must keep this request",
    )


class LiftForm(FlaskForm):
    shown = HiddenField()
    reason = _reason(
        "Why can the hold be lifted?",
        "the claim was settled",
        "Enter why the hold can be lifted",
    )


class EraseForm(FlaskForm):
    reason = _reason(
        "Why may we delete it now?",
        "asked for by email on 3 March; no claim or complaint is open (UK GDPR Article 17)",
        "Enter why we may delete this request's personal data",
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


def _hold_shown(review_request: ReviewRequest) -> str:
    held_at = review_request.legal_hold_at
    return f"{held_at.timestamp():.6f}" if held_at else ""


@staff.route("/requests/<int:request_id>/legal-hold", methods=["GET", "POST"])
@role_required(*HOLD_ROLES)
def legal_hold(request_id: int) -> Response | str:
    """Put the request on legal hold or, when it is on hold, lift it: each with a reason."""
    review_request = request_for_current_user(request_id)
    if refused := _refusal_if_stub(review_request):
        return refused
    lifting = review_request.legal_hold_at is not None
    form = LiftForm() if lifting else HoldForm()
    if form.validate_on_submit():
        if form.shown.data != _hold_shown(review_request):
            return back_to_request(
                review_request,
                "Someone changed the legal hold while you had the page open. Check it again.",
                success=False,
            )
        if lifting:
            lift_legal_hold(review_request, current_user, form.reason.data or "")
            done = "Legal hold lifted. The request follows the retention schedule again."
        else:
            place_legal_hold(review_request, current_user, form.reason.data or "")
            done = "Legal hold placed. This request will not be deleted until the hold is lifted."
        db.session.commit()
        return back_to_request(review_request, done, success=True)
    if not form.is_submitted():
        form.shown.data = _hold_shown(review_request)
    return _page("staff/legal_hold.html", form, review_request, lifting=lifting)


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
