"""The caseworkers' screens: dashboard, queue, a request's page, its documents and notes."""

from __future__ import annotations

import io

from flask import (
    abort,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import ORMOption
from werkzeug.wrappers import Response

from reviews import clock
from reviews.accessibility import FORMATS
from reviews.audit import record_audit
from reviews.casework import (
    callbacks_for,
    can_view,
    format_requests_for,
    viewers,
    work_to_do,
)
from reviews.database import db
from reviews.deadlines import waiting_for
from reviews.journey import ADJUSTMENTS
from reviews.letters import (
    LETTER_TITLES,
    LetterError,
    LetterKind,
    letter_filename,
    wants_large_print,
)
from reviews.models import Document, InternalNote, ReviewRequest
from reviews.notes import render_note
from reviews.references import format_reference
from reviews.rules import format_date, format_month
from reviews.scanning import INFECTED
from reviews.sent_letters import letter_file, letter_of, letters_of
from reviews.workflow import (
    CAN_READ_REQUESTS,
    CASEWORK,
    RECOMMENDATIONS,
    STATUS_LABELS,
    VALIDITY_REASONS,
    available_actions,
)
from reviews.workload import stages_of
from staff.access import role_required
from staff.blueprint import staff
from web.forms import TextAreaField
from web.letters import letter_html, letter_pdf, pdf_download, print_pack


class NoteForm(FlaskForm):
    body = TextAreaField(
        "Add a note",
        description="Only staff see notes. You can use Markdown: **bold**, lists with -.",
        required="Enter the note",
        max_length=(10000, "A note must be 10,000 characters or fewer"),
    )


@staff.get("/")
@role_required(*CAN_READ_REQUESTS)
def dashboard():
    today = clock.today()
    return render_template(
        "staff/dashboard.html",
        work=work_to_do(current_user, today),
        casework=current_user.role in CASEWORK,
        # Workload: this person's own open cases by stage.
        my_stages=stages_of(current_user) if current_user.role in CASEWORK else [],
        waiting_for=waiting_for,
        status_labels=STATUS_LABELS,
        format_reference=format_reference,
        format_date=format_date,
        today=today,
    )


def request_for_current_user(request_id: int, *options: ORMOption) -> ReviewRequest:
    """The request, if this person may see it (404 or 403 if not), loaded with `options`."""
    review_request = db.get_or_404(ReviewRequest, request_id, options=options)
    if not can_view(current_user, review_request):
        abort(403)
    return review_request


# What the request page says, once, after a casework action: what was done, or why not.
REQUEST_BANNER = "staff_request_banner"


def back_to_request(review_request: ReviewRequest, text: str, *, success: bool) -> Response:
    session[REQUEST_BANNER] = {"request_id": review_request.id, "text": text, "success": success}
    return redirect(url_for("staff.request_page", request_id=review_request.id))


def _banner_for(review_request: ReviewRequest) -> dict | None:
    banner = session.pop(REQUEST_BANNER, None)
    if isinstance(banner, dict) and banner.get("request_id") == review_request.id:
        return banner
    return None


@staff.route("/requests/<int:request_id>", methods=["GET", "POST"])
@role_required(*CAN_READ_REQUESTS)
def request_page(request_id: int):
    # Each note names its author: loaded together, not one query per note.
    review_request = request_for_current_user(
        request_id, selectinload(ReviewRequest.notes).joinedload(InternalNote.author)
    )
    form = NoteForm()
    banner = None
    if request.method == "POST":
        if current_user.role not in CASEWORK:
            abort(403)
        if form.validate_on_submit():
            db.session.add(
                InternalNote(
                    review_request=review_request, author_id=current_user.id, body=form.body.data
                )
            )
            record_audit("added-note", staff_user=current_user, review_request=review_request)
            db.session.commit()
            return redirect(url_for("staff.request_page", request_id=request_id) + "#notes")
    else:
        banner = _banner_for(review_request)
        record_audit("viewed-request", staff_user=current_user, review_request=review_request)
        db.session.commit()
    return render_template(
        "staff/request.html",
        review_request=review_request,
        callbacks=callbacks_for(review_request),
        format_requests=format_requests_for(review_request),
        formats=FORMATS,
        large_print=wants_large_print(review_request),
        sent_letters=letters_of(review_request),
        letter_titles=LETTER_TITLES,
        letter_kind=LetterKind,
        reference=format_reference(review_request.reference),
        form=form,
        banner=banner,
        actions=available_actions(review_request, current_user),
        viewers=viewers(review_request),
        adjustments=ADJUSTMENTS,
        status_labels=STATUS_LABELS,
        validity_reasons=VALIDITY_REASONS,
        recommendations=RECOMMENDATIONS,
        render_note=render_note,
        format_date=format_date,
        format_month=format_month,
        can_write=current_user.role in CASEWORK,
    )


@staff.get("/requests/<int:request_id>/documents/<int:document_id>")
@role_required(*CAN_READ_REQUESTS)
def download_document(request_id: int, document_id: int):
    """Always a download, never shown inline, and sandboxed should a browser open it."""
    review_request = request_for_current_user(request_id)
    document = db.session.get(Document, document_id)
    if document is None or document.review_request_id != review_request.id:
        abort(404)
    if document.scan_status == INFECTED:
        abort(403)  # quarantined: a virus was found in it
    record_audit(
        "downloaded-document",
        staff_user=current_user,
        review_request=review_request,
        detail={"document_id": document.id},
    )
    db.session.commit()
    response = send_file(
        io.BytesIO(document.content),
        # A file with active content is offered to no viewer by its type: saved, opened knowingly.
        mimetype="application/octet-stream" if document.active_content else document.content_type,
        as_attachment=True,
        download_name=document.filename,
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@staff.get("/requests/<int:request_id>/letters/<kind>")
@role_required(*CAN_READ_REQUESTS)
def letter(request_id: int, kind: str):
    """A letter as a printable page; `?format=pdf` downloads it, `?size=large` in large print."""
    review_request = request_for_current_user(request_id)
    if kind not in {letter_kind.value for letter_kind in LetterKind}:
        abort(404)
    large_print = request.args.get("size") == "large"
    try:
        if request.args.get("format") == "pdf":
            content = letter_pdf(review_request, kind, large_print)
            response = send_file(
                io.BytesIO(content),
                mimetype="application/pdf",
                as_attachment=True,
                download_name=letter_filename(review_request, kind, large_print),
                max_age=0,
            )
        else:
            response = make_response(letter_html(review_request, kind, large_print, False))
    except LetterError as error:
        abort(409, description=str(error))
    record_audit(
        "produced-letter",
        staff_user=current_user,
        review_request=review_request,
        detail={
            "kind": kind,
            "large_print": large_print,
            "format": request.args.get("format", "html"),
        },
    )
    db.session.commit()
    return response


def _sent_letter(request_id: int, letter_id: int):
    review_request = request_for_current_user(request_id)
    sent = letter_of(review_request, letter_id)
    if sent is None:
        abort(404)
    return review_request, sent


@staff.get("/requests/<int:request_id>/sent-letters/<int:letter_id>")
@role_required(*CAN_READ_REQUESTS)
def sent_letter(request_id: int, letter_id: int):
    """A letter as it was sent: the stored file, byte for byte (`?size=large`: large print)."""
    review_request, sent = _sent_letter(request_id, letter_id)
    large_print = request.args.get("size") == "large"
    stored = letter_file(sent, large_print)
    if stored is None:
        abort(404)
    record_audit(
        "downloaded-sent-letter",
        staff_user=current_user,
        review_request=review_request,
        detail={"letter_id": sent.id, "large_print": large_print},
    )
    db.session.commit()
    return pdf_download(stored[1], stored[0])


@staff.get("/requests/<int:request_id>/sent-letters/<int:letter_id>/print-pack")
@role_required(*CASEWORK)
def letter_print_pack(request_id: int, letter_id: int):
    """For post: an address sheet, then the stored letter (in large print if they chose it)."""
    review_request, sent = _sent_letter(request_id, letter_id)
    large_print = sent.has_large_print
    try:
        content = print_pack(sent, large_print)
    except LetterError as error:
        abort(409, description=str(error))
    record_audit(
        "printed-sent-letter",
        staff_user=current_user,
        review_request=review_request,
        detail={"letter_id": sent.id, "large_print": large_print},
    )
    db.session.commit()
    stem = (sent.large_print_filename if large_print else None) or sent.filename
    return pdf_download(content, stem.replace(".pdf", "-print-pack.pdf"))
