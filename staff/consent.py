"""Marking a representative's signed permission as received (reviews.consent), from the
request's page (templates/staff/_consent.html)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from reviews.consent import ConsentNotAwaited, mark_consent_received
from reviews.database import db
from reviews.workflow import CASEWORK
from staff.access import role_required
from staff.blueprint import staff
from staff.casework import back_to_request, request_for_current_user


@staff.post("/requests/<int:request_id>/consent-received")
@role_required(*CASEWORK)
def consent_received(request_id: int) -> Response:
    review_request = request_for_current_user(request_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        mark_consent_received(review_request, current_user)
    except ConsentNotAwaited as refused:
        db.session.rollback()
        return back_to_request(review_request, str(refused), success=False)
    db.session.commit()
    return back_to_request(
        review_request,
        "Signed permission marked as received. The representative can now act.",
        success=True,
    )
