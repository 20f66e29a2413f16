"""The callback and accessible-format queues, shared by the journey and the accessibility pages."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextArea
from sqlalchemy import select
from wtforms import RadioField, TextAreaField

from portal.fields import Chosen, MaxLength, Required
from reviews.accessibility import FORMATS
from reviews.audit import record_audit
from reviews.extensions import db
from reviews.models import AccessibleFormatRequest, CallbackRequest, utc_now
from reviews.references import format_reference
from reviews.rules import format_date, london_today
from staff import staff
from staff.access import CASEWORK, role_required


class CallAttemptForm(FlaskForm):
    result = RadioField(
        "What happened?",
        choices={"spoke": "We spoke to them", "no-answer": "No answer or could not talk"},
        validate_choice=False,
        validators=[Chosen("Select what happened")],
        widget=GovRadioInput(),
    )
    outcome = TextAreaField(
        "Notes (optional)",
        validators=[MaxLength(2000, "Notes must be 2,000 characters or fewer")],
        widget=GovTextArea(),
    )


class FormatDoneForm(FlaskForm):
    response_note = TextAreaField(
        "What did you send, and how?",
        validators=[
            Required("Enter what you sent and how"),
            MaxLength(2000, "This must be 2,000 characters or fewer"),
        ],
        widget=GovTextArea(),
    )


@staff.get("/callbacks")
@role_required(*CASEWORK)
def callbacks():
    rows = db.session.scalars(
        select(CallbackRequest)
        .where(CallbackRequest.status == "open")
        .order_by(CallbackRequest.due_on, CallbackRequest.id)
    ).all()
    return render_template(
        "staff/callbacks.html",
        rows=rows,
        today=london_today(),
        format_date=format_date,
        format_reference=format_reference,
    )


@staff.route("/callbacks/<int:callback_id>", methods=["GET", "POST"])
@role_required(*CASEWORK)
def callback_attempt(callback_id: int):
    callback = db.session.get(CallbackRequest, callback_id)
    if callback is None or callback.status != "open":
        abort(404)
    form = CallAttemptForm()
    if form.validate_on_submit():
        callback.attempts += 1
        callback.last_attempt_at = utc_now()
        if form.outcome.data:
            callback.outcome = "\n".join(filter(None, [callback.outcome, form.outcome.data]))
        if form.result.data == "spoke":
            callback.status = "done"
        record_audit(
            "recorded-call-attempt",
            staff_user=current_user,
            review_request=None,
            detail={"callback_id": callback.id, "result": form.result.data},
        )
        db.session.commit()
        return redirect(url_for("staff.callbacks"))
    return render_template(
        "staff/callback.html", callback=callback, form=form, format_date=format_date
    )


@staff.get("/formats")
@role_required(*CASEWORK)
def formats():
    rows = db.session.scalars(
        select(AccessibleFormatRequest)
        .where(AccessibleFormatRequest.status == "open")
        .order_by(AccessibleFormatRequest.due_on, AccessibleFormatRequest.id)
    ).all()
    return render_template(
        "staff/formats.html",
        rows=rows,
        formats=FORMATS,
        today=london_today(),
        format_date=format_date,
    )


@staff.route("/formats/<int:format_id>", methods=["GET", "POST"])
@role_required(*CASEWORK)
def format_done(format_id: int):
    format_request = db.session.get(AccessibleFormatRequest, format_id)
    if format_request is None or format_request.status != "open":
        abort(404)
    form = FormatDoneForm()
    if form.validate_on_submit():
        format_request.status = "done"
        format_request.completed_at = utc_now()
        format_request.response_note = form.response_note.data
        record_audit(
            "answered-format-request",
            staff_user=current_user,
            detail={"format_request_id": format_request.id},
        )
        db.session.commit()
        return redirect(url_for("staff.formats"))
    return render_template(
        "staff/format.html",
        item=format_request,
        form=form,
        formats=FORMATS,
        format_date=format_date,
    )
