"""The tracker: look a request up with its reference and a surname, follow it, and change
what is the requester's to change. A look-up opens a session for that one request only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, g, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from portal.blueprint import portal
from portal.forms import UploadForm
from portal.journey import UPLOAD_LIMIT, sends_no_files
from portal.tracker_forms import (
    ContactUpdateForm,
    HelpUpdateForm,
    LookupForm,
    MessageForm,
    WithdrawForm,
)
from reviews import clock
from reviews.database import db
from reviews.documents import DOCUMENT_KINDS
from reviews.journey import ADJUSTMENTS
from reviews.models import ReviewRequest
from reviews.references import format_reference, parse_reference
from reviews.rules import NOT_KNOWN, format_date, letter_date_wording
from reviews.tracking import (
    add_documents,
    add_message,
    can_withdraw,
    current_stage,
    find_request,
    needed_from_you,
    public_timeline,
    update_adjustments,
    update_contact_details,
    withdraw,
)
from web.extensions import limiter
from web.forms import answered, strip_text
from web.forms.timeouts import kept_alive
from web.forms.uploads import check_chosen_files, upload_limits

IDLE_SECONDS = 30 * 60
KIND_CHOICES = {code: kind.description for code, kind in DOCUMENT_KINDS.items()}


def _lookup_failed(_response) -> bool:
    return bool(g.get("lookup_failed"))


def _reference_key() -> str:
    return "reference:" + (parse_reference(request.form.get("reference", "")) or "not-a-reference")


def tracked(view: Callable) -> Callable:
    """Only for someone who looked this request up in the last 30 minutes of activity."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        tracking = session.get("tracking")
        now = clock.timestamp()
        if not tracking:
            return redirect(url_for("portal.track"))
        if now - tracking["seen"] > IDLE_SECONDS:
            session.pop("tracking")
            session["tracking_ended"] = True
            return redirect(url_for("portal.track"))
        session["tracking"] = {**tracking, "seen": now}
        return view(db.get_or_404(ReviewRequest, tracking["id"]), *args, **kwargs)

    return wrapper


@portal.route("/track", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"], deduct_when=_lookup_failed)
@limiter.limit(
    "5 per 15 minutes", methods=["POST"], key_func=_reference_key, deduct_when=_lookup_failed
)
def track():
    form = LookupForm()
    not_found = False
    if form.validate_on_submit():
        review_request = find_request(answered(form.reference), answered(form.surname))
        if review_request is not None:
            # A fresh session for this request alone: nothing from before carries over.
            session.clear()
            session["tracking"] = {"id": review_request.id, "seen": clock.timestamp()}
            return redirect(url_for("portal.your_request"))
        g.lookup_failed = True
        not_found = True
    return render_template(
        "portal/tracker/track.html",
        form=form,
        not_found=not_found,
        ended=session.pop("tracking_ended", False),
    )


@portal.post("/track/sign-out")
def track_sign_out() -> Response:
    session.pop("tracking", None)
    return redirect(url_for("portal.track"))


@portal.post("/track/keep-alive")
@tracked
def track_keep_alive(review_request: ReviewRequest):
    """The time-out warning's 'Stay signed in': being here has already restarted the clock."""
    return kept_alive(url_for("portal.your_request"))


@portal.context_processor
def tracker_idle_seconds() -> dict[str, int]:
    return {"idle_seconds": IDLE_SECONDS}


@portal.get("/track/your-request")
@tracked
def your_request(review_request: ReviewRequest):
    return render_template(
        "portal/tracker/your_request.html",
        review_request=review_request,
        reference=format_reference(review_request.reference),
        stage=current_stage(review_request),
        needed=needed_from_you(review_request),
        timeline=public_timeline(review_request),
        can_withdraw=can_withdraw(review_request),
        format_date=format_date,
        done=session.pop("tracker_done", None),
    )


def _done(message: str) -> Response:
    """Back to the request's page, with a note of what just happened (Post/Redirect/Get)."""
    session["tracker_done"] = message
    return redirect(url_for("portal.your_request"))


def _form_page(
    form: FlaskForm, change: Callable[[], object], done: str, template: str, **context: Any
) -> str | Response:
    """A page with one form: once it is valid, make the `change` (which reads the form), commit
    and go back to the request's page saying `done`; until then, the page."""
    if form.validate_on_submit():
        change()
        db.session.commit()
        return _done(done)
    return render_template(template, form=form, **context)


@portal.route("/track/send-information", methods=["GET", "POST"])
@tracked
def send_information(review_request: ReviewRequest):
    form = MessageForm()
    return _form_page(
        form,
        lambda: add_message(review_request, answered(form.body).strip()),
        "We have your message. A caseworker will read it.",
        "portal/tracker/send_information.html",
    )


@portal.route("/track/upload", methods=["GET", "POST"])
@limiter.limit(UPLOAD_LIMIT, methods=["POST"], exempt_when=sends_no_files)
@tracked
def upload_documents(review_request: ReviewRequest):
    form = UploadForm()
    kind = request.form.get("kind") if request.method == "POST" else None
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        if kind not in DOCUMENT_KINDS:
            errors["kind"] = "Select what you are sending"
        most = current_app.config["MAX_UPLOAD_FILES"]
        checked = check_chosen_files(
            form.files.data, room=most, no_room=f"Select up to {most} files at a time"
        )
        if checked.errors:
            # All or nothing: the person sends the files again once each can be kept.
            errors["files"] = checked.errors[0]
        if not errors:
            assert kind is not None  # it is one of DOCUMENT_KINDS, checked above
            add_documents(review_request, kind, checked.accepted)
            db.session.commit()
            count = len(checked.accepted)
            return _done(f"We have your {'file' if count == 1 else f'{count} files'}.")
    return render_template(
        "portal/tracker/upload.html",
        form=form,
        kinds=KIND_CHOICES,
        kind=kind,
        errors=errors,
        **upload_limits(),
    )


@portal.route("/track/contact-details", methods=["GET", "POST"])
@tracked
def change_contact_details(review_request: ReviewRequest):
    form = ContactUpdateForm.for_request(review_request)
    return _form_page(
        form,
        lambda: update_contact_details(review_request, form.to_answers()),
        "We have updated your contact details.",
        "portal/tracker/contact_details.html",
    )


@portal.route("/track/help", methods=["GET", "POST"])
@tracked
def change_adjustments(review_request: ReviewRequest):
    form = HelpUpdateForm.for_request(review_request)
    return _form_page(
        form,
        lambda: update_adjustments(review_request, form.to_answers(), clock.today()),
        "We have updated the help you need.",
        "portal/tracker/help.html",
    )


@portal.route("/track/withdraw", methods=["GET", "POST"])
@tracked
def withdraw_request(review_request: ReviewRequest):
    if not can_withdraw(review_request):
        return redirect(url_for("portal.your_request"))
    form = WithdrawForm()
    return _form_page(
        form,
        lambda: withdraw(review_request, strip_text(form.reason.data)),
        "You have withdrawn your request.",
        "portal/tracker/withdraw.html",
        reference=format_reference(review_request.reference),
    )


CONTACT_METHODS = {"email": "Email", "phone": "Phone", "post": "Post"}
UPDATES_TO = {
    "requester": "You",
    "complainant": "The person you are asking for",
    "both": "You and the person you are asking for",
}
CONSENT = {
    "not-needed": "Not needed",
    "uploaded": "Sent with the request",
    "awaited": "To follow",
}


def _adjustment(review_request: ReviewRequest, code: str) -> str:
    label = ADJUSTMENTS.get(code, code)
    if code == "interpreter" and review_request.interpreter_language:
        return f"{label} ({review_request.interpreter_language})"
    if code == "other" and review_request.other_adjustment:
        return f"{label}: {review_request.other_adjustment}"
    if code == "callback" and review_request.callback_times:
        return f"{label} ({review_request.callback_times})"
    return label


def receipt_rows(review_request: ReviewRequest) -> list[tuple[str, str]]:
    """What the person sent, as (question, answer) rows: every combination of answers has a
    row for what it said, and nothing is looked up that an answer may lack."""
    r = review_request
    rows = [
        (
            "Date on outcome letter",
            letter_date_wording(r.letter_date, r.letter_date_is_approximate),
        ),
        (
            "Letter reached you",
            format_date(r.letter_received_on) if r.letter_received_on else "Not given",
        ),
    ]
    if r.is_late:
        rows.append(("Why it is late", r.late_reason or "Not given"))
    rows.append(("Sent by", r.requester_name))
    if r.requester_role == "representative":
        if r.representative_organisation:
            rows.append(("Your organisation", r.representative_organisation))
        rows.append(("Asking for", r.complainant_name))
        rows.append(("Their email address", r.complainant_email or "Not given"))
        rows.append(("Updates go to", UPDATES_TO.get(r.updates_to, r.updates_to)))
        rows.append(("Their signed permission", CONSENT.get(r.consent, r.consent)))
    rows += [
        ("The Met's reference", r.mps_reference or NOT_KNOWN),
        ("What the complaint was about", r.complaint_summary),
        ("Why the outcome was wrong", r.why_unhappy),
        ("What you would like to happen", r.desired_outcome or "Not given"),
    ]
    if r.letter_to_follow:
        rows.append(("Outcome letter", "I will send it later by email or post"))
    rows.append(
        ("How to contact you", CONTACT_METHODS.get(r.preferred_contact, r.preferred_contact))
    )
    needs = [_adjustment(r, code) for code in r.adjustments or []]
    rows.append(("Help you need", "\n".join(needs) or "None"))
    return rows


@portal.get("/track/receipt")
@tracked
def receipt(review_request: ReviewRequest):
    return render_template(
        "portal/tracker/receipt.html",
        review_request=review_request,
        reference=format_reference(review_request.reference),
        rows=receipt_rows(review_request),
        kinds=KIND_CHOICES,
        format_date=format_date,
    )
