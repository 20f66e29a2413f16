"""The callback and accessible-format queues, fed by the request journey, the tracker and the
accessibility pages.

A callback stays open while staff try to call: each try is recorded with what happened, and the
callback is closed with how it ended. Leaving a message is only offered when the person said it
is safe. An accessible-format request is marked as answered with what was sent. Every view and
every change is in the audit log.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from reviews import clock
from reviews.accessibility import FORMATS
from reviews.audit import record_audit
from reviews.casework import DONE, OPEN, can_view, open_callbacks, open_format_requests
from reviews.database import db
from reviews.models import (
    AccessibleFormatRequest,
    CallbackAttempt,
    CallbackRequest,
    OutboxMessage,
    ReviewRequest,
)
from reviews.notifications import mark_dealt_with
from reviews.references import format_reference, parse_reference
from reviews.rules import format_date
from reviews.workflow import CASEWORK
from staff.access import role_required
from staff.blueprint import staff
from web.forms import RadiosField, TextAreaField

# What happened on one try.
CALL_RESULTS = {
    "answered": "Answered: we spoke to them",
    "no-answer": "No answer",
    "left-message": "No answer: we left a message",
    "wrong-number": "Wrong number",
}
# How a callback ended.
CLOSING_OUTCOMES = {
    "spoke": "We spoke to them",
    "unreachable": "We could not reach them",
    "not-needed": "They no longer need a call",
}
SOURCES = {
    "review-request": "Review request",
    "accessibility": "Accessibility page",
}


def _note_field(label: str) -> TextAreaField:
    return TextAreaField(label, max_length=(2000, "Notes must be 2,000 characters or fewer"))


class CallAttemptForm(FlaskForm):
    result = RadiosField(
        "What happened when you called?", required="Select what happened when you called"
    )
    note = _note_field("Notes (optional)")

    def __init__(self, callback: CallbackRequest) -> None:
        super().__init__()
        # A message can give away that someone complained about the police: only when safe.
        self.result.choices = {
            code: label
            for code, label in CALL_RESULTS.items()
            if code != "left-message" or callback.safe_to_leave_message
        }


class CloseCallbackForm(FlaskForm):
    outcome = RadiosField(
        "How did it end?", choices=CLOSING_OUTCOMES, required="Select how it ended"
    )
    note = _note_field("Anything else to record (optional)")


class FormatDoneForm(FlaskForm):
    response_note = TextAreaField(
        "What did you send, and how?",
        required="Enter what you sent and how",
        max_length=(2000, "This must be 2,000 characters or fewer"),
    )


def _callback_or_404(callback_id: int) -> CallbackRequest:
    # With its tries and who made each: the callback's page lists them.
    return db.get_or_404(
        CallbackRequest,
        callback_id,
        options=[selectinload(CallbackRequest.attempts).joinedload(CallbackAttempt.staff_user)],
    )


def _audit_callback(action: str, callback: CallbackRequest, **detail: object) -> None:
    record_audit(
        action,
        staff_user=current_user,
        review_request=callback.review_request,
        detail={"callback_id": callback.id, **detail},
    )


def _audit_format(action: str, format_request: AccessibleFormatRequest) -> None:
    record_audit(action, staff_user=current_user, detail={"format_request_id": format_request.id})


def _open_list(template: str, query: Select, **context: object) -> str:
    """A queue page: the open items, soonest due first."""
    return render_template(
        template,
        rows=db.session.scalars(query).all(),
        today=clock.today(),
        format_date=format_date,
        **context,
    )


def shown_reference(given: str | None) -> str:
    """A tracking reference someone gave, as staff read references (hyphenated groups), or as
    they typed it when it is not a valid one."""
    if not given:
        return "Not given"
    canonical = parse_reference(given)
    return format_reference(canonical) if canonical else given


def interpreter_need(review_request: ReviewRequest | None) -> str:
    """Whether the call needs an interpreter, from the review request it is about."""
    if review_request is None:
        return "Not known: ask when you call"
    if "interpreter" not in (review_request.adjustments or []):
        return "Not asked for"
    language = review_request.interpreter_language
    return f"Needed: {language}" if language else "Needed: language not given"


def _item_page(
    template: str, form: FlaskForm | None, audit_view: Callable[[], None], **context: object
) -> str:
    """A callback's or a format request's page, with `form` while it is open. The look is
    audited, but not again when the form comes back with errors: that is the same visit."""
    if form is None or not form.errors:
        audit_view()
        db.session.commit()
    return render_template(
        template,
        form=form,
        today=clock.today(),
        format_date=format_date,
        format_reference=format_reference,
        shown_reference=shown_reference,
        **context,
    )


@staff.get("/callbacks")
@role_required(*CASEWORK)
def callbacks():
    query = open_callbacks().options(selectinload(CallbackRequest.attempts))
    return _open_list("staff/callbacks.html", query, sources=SOURCES)


@staff.route("/callbacks/<int:callback_id>", methods=["GET", "POST"])
@role_required(*CASEWORK)
def callback_attempt(callback_id: int):
    """The person's details, the safety rules for calling them, the tries so far, and a form
    to record another try."""
    callback = _callback_or_404(callback_id)
    form = CallAttemptForm(callback)
    if callback.status == OPEN and form.validate_on_submit():
        db.session.add(
            CallbackAttempt(
                callback=callback,
                staff_user_id=current_user.id,
                result=form.result.data,
                note=form.note.data or None,
            )
        )
        _audit_callback("recorded-call-attempt", callback, result=form.result.data)
        db.session.commit()
        return redirect(url_for("staff.callback_attempt", callback_id=callback.id) + "#tries")
    return _item_page(
        "staff/callback.html",
        form if callback.status == OPEN else None,
        lambda: _audit_callback("viewed-callback", callback),
        callback=callback,
        call_results=CALL_RESULTS,
        closing_outcomes=CLOSING_OUTCOMES,
        sources=SOURCES,
        interpreter=interpreter_need(callback.review_request),
    )


@staff.route("/callbacks/<int:callback_id>/close", methods=["GET", "POST"])
@role_required(*CASEWORK)
def close_callback(callback_id: int):
    callback = _callback_or_404(callback_id)
    if callback.status != OPEN:
        return redirect(url_for("staff.callback_attempt", callback_id=callback.id))
    form = CloseCallbackForm()
    if form.validate_on_submit():
        callback.status = DONE
        callback.closed_outcome = form.outcome.data
        callback.closed_at = clock.now()
        callback.closing_note = form.note.data or None
        _audit_callback("closed-callback", callback, outcome=form.outcome.data)
        db.session.commit()
        return redirect(url_for("staff.callbacks"))
    return render_template("staff/close_callback.html", callback=callback, form=form)


@staff.get("/formats")
@role_required(*CASEWORK)
def formats():
    return _open_list("staff/formats.html", open_format_requests(), formats=FORMATS)


@staff.route("/formats/<int:format_id>", methods=["GET", "POST"])
@role_required(*CASEWORK)
def format_done(format_id: int):
    """What was asked for, how to reply, and (while open) a form to mark it as answered."""
    format_request = db.get_or_404(AccessibleFormatRequest, format_id)
    form = FormatDoneForm()
    if format_request.status == OPEN and form.validate_on_submit():
        format_request.status = DONE
        format_request.completed_at = clock.now()
        format_request.response_note = form.response_note.data
        _audit_format("answered-format-request", format_request)
        db.session.commit()
        return redirect(url_for("staff.formats"))
    return _item_page(
        "staff/format.html",
        form if format_request.status == OPEN else None,
        lambda: _audit_format("viewed-format-request", format_request),
        item=format_request,
        formats=FORMATS,
    )


@staff.post("/bounced/<int:message_id>/dealt-with")
@role_required(*CASEWORK)
def bounce_dealt_with(message_id: int):
    """Someone reached the person by post or phone: the bounced email leaves the dashboard."""
    message = db.session.get(OutboxMessage, message_id)
    if (
        message is None
        or message.review_request is None
        or message.status != "failed"
        or not can_view(current_user, message.review_request)
    ):
        abort(404)
    review_request = message.review_request
    if not FlaskForm().validate_on_submit():
        abort(400)
    if message.dealt_with_at is None:
        mark_dealt_with(message, current_user.id)
        record_audit(
            "bounce-dealt-with",
            staff_user=current_user,
            review_request=review_request,
            detail={"message_id": message.id, "template": message.template},
        )
        db.session.commit()
    return redirect(url_for("staff.dashboard", _anchor="bounced"))
