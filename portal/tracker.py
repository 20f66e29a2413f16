"""The tracker: look a request up with its reference and a surname, follow it, and change
what is the looker's to change. A look-up opens a session for that one request only, and
remembers which party looked it up (the requester or the complainant): each sees and changes
their own details, and what they may do is asked of reviews.tracker_changes.refusal."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import Any

from flask import (
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from portal.blueprint import portal
from portal.journey import UPLOAD_LIMIT, sends_no_files
from portal.tracker_forms import (
    ComplainantContactForm,
    ContactUpdateForm,
    HelpUpdateForm,
    LookupForm,
    MessageForm,
    PartyForm,
    WithdrawForm,
)
from portal.tracker_receipt import receipt_pdf, receipt_rows, who_gets_updates
from reviews import clock
from reviews.database import db
from reviews.documents import DOCUMENT_KINDS
from reviews.models import ReviewRequest
from reviews.references import format_reference, parse_reference
from reviews.rules import format_date
from reviews.sessions import (
    ENDED,
    SIGNED_OUT,
    TRACKER,
    expired,
)
from reviews.tracker_changes import (
    ACTIONS,
    CONTACT_DETAILS,
    HELP,
    MESSAGE,
    UPLOAD,
    WITHDRAW,
    add_documents,
    add_message,
    document_kinds,
    refusal,
    update_adjustments,
    update_contact_details,
    withdraw,
)
from reviews.tracker_dates import dates_to_expect
from reviews.tracking import (
    COMPLAINANT,
    REQUESTER,
    awaiting_consent,
    current_stage,
    needed_from_you,
    parties_named,
    public_timeline,
)
from web.extensions import limiter
from web.forms import answered, strip_text
from web.forms.timeouts import kept_alive
from web.forms.uploads import check_chosen_files, upload_limits
from web.journey.forms import UploadForm
from web.sessions import begin, current, finish, has_cookie, idle_seconds, note_use

KIND_CHOICES = {code: kind.description for code, kind in DOCUMENT_KINDS.items()}

# Look-up limits, counted only for look-ups that fail. Per reference from one address: a few
# wrong surnames, without letting anyone elsewhere lock the requester out of their own
# reference. Per address, across references (malformed ones included): no one address tries
# many. Malformed references count per address too, not in one bucket everyone shares.
LOOKUP_LIMIT_PER_REFERENCE_AND_ADDRESS = "5 per 15 minutes"
LOOKUP_LIMIT_PER_ADDRESS = "10 per 15 minutes"


def _lookup_failed(_response) -> bool:
    return bool(g.get("lookup_failed"))


def _reference_and_address_key() -> str:
    reference = parse_reference(request.form.get("reference", "")) or "malformed"
    return f"track:{reference}:{get_remote_address()}"


def _tracking_session(view: Callable, *, chosen: bool) -> Callable:
    @wraps(view)
    def wrapper(*args, **kwargs):
        record = current(TRACKER)
        if record is None:
            if has_cookie(TRACKER):
                finish(TRACKER, ENDED)
                session["tracking_ended"] = ENDED
            return redirect(url_for("portal.track"))
        reason = ENDED if record.ended_at is not None else expired(record)
        if reason is not None:
            finish(TRACKER, reason)
            db.session.commit()
            session["tracking_ended"] = reason
            return redirect(url_for("portal.track"))
        if chosen and record.party not in (REQUESTER, COMPLAINANT):
            return redirect(url_for("portal.track_who_are_you"))
        note_use(record)
        review_request = db.get_or_404(ReviewRequest, record.review_request_id)
        return view(review_request, record.party, *args, **kwargs)

    return wrapper


def tracked(view: Callable) -> Callable:
    """Only for someone who looked this request up, in a session kept on the server that is
    not idle for 30 minutes nor 2 hours old (reviews.sessions.LIFETIMES); the view is given the
    request and which party looked it up. The cookie carries only the session's random id."""
    return _tracking_session(view, chosen=True)


def refused_unless_allowed(action: str) -> Callable[[Callable], Callable]:
    """A tracked page for `action`: refused, in words, when the party may not do it now (the
    request is finished, or their signed permission is awaited), whatever the method."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(review_request: ReviewRequest, party: str, *args, **kwargs):
            refused = refusal(review_request, party, action)
            if refused is not None:
                page = render_template(
                    "portal/tracker/not_open.html", action=action, refusal=refused
                )
                return page, 409 if refused.finished else 403
            return view(review_request, party, *args, **kwargs)

        return wrapper

    return decorator


@portal.route("/track", methods=["GET", "POST"])
@limiter.limit(LOOKUP_LIMIT_PER_ADDRESS, methods=["POST"], deduct_when=_lookup_failed)
@limiter.limit(
    LOOKUP_LIMIT_PER_REFERENCE_AND_ADDRESS,
    methods=["POST"],
    key_func=_reference_and_address_key,
    deduct_when=_lookup_failed,
)
def track():
    form = LookupForm()
    not_found = False
    if form.validate_on_submit():
        review_request, parties = parties_named(answered(form.reference), answered(form.surname))
        if review_request is not None:
            # A fresh session for this request alone: nothing from before carries over. When
            # both parties have the surname given, the next page asks which one is looking.
            finish(TRACKER, ENDED)
            session.clear()
            begin(
                TRACKER,
                review_request=review_request,
                party=parties[0] if len(parties) == 1 else None,
            )
            db.session.commit()
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
    finish(TRACKER, SIGNED_OUT)
    db.session.commit()
    return redirect(url_for("portal.track"))


@portal.route("/track/who-are-you", methods=["GET", "POST"])
def track_who_are_you():
    return _tracking_session(_who_are_you, chosen=False)()


def _who_are_you(review_request: ReviewRequest, party: str | None):
    form = PartyForm.for_request(review_request)
    if form.validate_on_submit():
        record = current(TRACKER)
        if record is not None:
            record.party = form.party.data
            db.session.commit()
        return redirect(url_for("portal.your_request"))
    return render_template("portal/tracker/who_are_you.html", form=form)


@portal.post("/track/keep-alive")
@tracked
def track_keep_alive(review_request: ReviewRequest, party: str):
    """The time-out warning's 'Stay signed in': being here has already restarted the clock."""
    return kept_alive(url_for("portal.your_request"))


@portal.context_processor
def tracker_idle_seconds() -> dict[str, object]:
    return {"idle_seconds": partial(idle_seconds, TRACKER)}


@portal.get("/track/your-request")
@tracked
def your_request(review_request: ReviewRequest, party: str):
    return render_template(
        "portal/tracker/your_request.html",
        review_request=review_request,
        reference=format_reference(review_request.reference),
        stage=current_stage(review_request),
        needed=needed_from_you(review_request, party),
        timeline=public_timeline(review_request, party),
        dates=dates_to_expect(review_request),
        updates=who_gets_updates(review_request, party),
        allowed={action for action in ACTIONS if refusal(review_request, party, action) is None},
        consent_refusal=(
            refusal(review_request, party, MESSAGE)
            if awaiting_consent(review_request, party)
            else None
        ),
        actions={
            "upload": UPLOAD,
            "message": MESSAGE,
            "contact": CONTACT_DETAILS,
            "help": HELP,
            "withdraw": WITHDRAW,
        },
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
@refused_unless_allowed(MESSAGE)
def send_information(review_request: ReviewRequest, party: str):
    form = MessageForm()
    return _form_page(
        form,
        lambda: add_message(review_request, party, answered(form.body).strip()),
        "We have your message. A caseworker will read it.",
        "portal/tracker/send_information.html",
    )


@portal.route("/track/upload", methods=["GET", "POST"])
@limiter.limit(UPLOAD_LIMIT, methods=["POST"], exempt_when=sends_no_files)
@tracked
@refused_unless_allowed(UPLOAD)
def upload_documents(review_request: ReviewRequest, party: str):
    form = UploadForm()
    kinds = {
        code: KIND_CHOICES[code]
        for code in document_kinds(review_request, party, list(KIND_CHOICES))
    }
    kind = request.form.get("kind") if request.method == "POST" else None
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        if kind not in kinds:
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
            add_documents(review_request, party, kind, checked.accepted)
            db.session.commit()
            count = len(checked.accepted)
            return _done(f"We have your {'file' if count == 1 else f'{count} files'}.")
    return render_template(
        "portal/tracker/upload.html",
        form=form,
        kinds=kinds,
        kind=kind,
        errors=errors,
        **upload_limits(),
    )


@portal.route("/track/contact-details", methods=["GET", "POST"])
@tracked
@refused_unless_allowed(CONTACT_DETAILS)
def change_contact_details(review_request: ReviewRequest, party: str):
    form_class = ComplainantContactForm if party == COMPLAINANT else ContactUpdateForm
    form = form_class.for_request(review_request)
    return _form_page(
        form,
        lambda: update_contact_details(review_request, party, form.to_answers()),
        "We have updated your contact details.",
        "portal/tracker/contact_details.html",
    )


@portal.route("/track/help", methods=["GET", "POST"])
@tracked
@refused_unless_allowed(HELP)
def change_adjustments(review_request: ReviewRequest, party: str):
    form = HelpUpdateForm.for_request(review_request)
    return _form_page(
        form,
        lambda: update_adjustments(review_request, party, form.to_answers(), clock.today()),
        "We have updated the help you need.",
        "portal/tracker/help.html",
    )


@portal.route("/track/withdraw", methods=["GET", "POST"])
@tracked
@refused_unless_allowed(WITHDRAW)
def withdraw_request(review_request: ReviewRequest, party: str):
    form = WithdrawForm()
    return _form_page(
        form,
        lambda: withdraw(review_request, party, strip_text(form.reason.data)),
        "You have withdrawn your request.",
        "portal/tracker/withdraw.html",
        reference=format_reference(review_request.reference),
    )


@portal.get("/track/receipt.pdf")
@tracked
def receipt_download(review_request: ReviewRequest, party: str):
    """The party's own copy of what was sent, as a PDF, at any time."""
    response = make_response(receipt_pdf(review_request, party, KIND_CHOICES))
    response.mimetype = "application/pdf"
    name = f"review-request-{format_reference(review_request.reference)}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@portal.get("/track/receipt")
@tracked
def receipt(review_request: ReviewRequest, party: str):
    return render_template(
        "portal/tracker/receipt.html",
        review_request=review_request,
        reference=format_reference(review_request.reference),
        rows=receipt_rows(review_request, party),
        kinds=KIND_CHOICES,
        format_date=format_date,
    )
