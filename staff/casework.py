"""The caseworkers' screens: dashboard, queue, a request's page, its documents and notes."""

from __future__ import annotations

import io

from flask import abort, make_response, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea
from sqlalchemy import select
from wtforms import TextAreaField

from portal.fields import MaxLength, Required
from reviews.audit import record_audit
from reviews.casework import PAGE_SIZE, Filters, can_view, queue, work_to_do
from reviews.extensions import db
from reviews.journey import ADJUSTMENTS
from reviews.letters import LetterError, LetterKind, letter_filename, letter_html, letter_pdf
from reviews.models import AuditEvent, Document, InternalNote, ReviewRequest, StaffUser
from reviews.notes import render_note
from reviews.references import format_reference
from reviews.rules import format_date, london_today
from reviews.workflow import Status
from staff import staff
from staff.access import CAN_READ_REQUESTS, CASEWORK, role_required


class NoteForm(FlaskForm):
    body = TextAreaField(
        "Add a note",
        description="Only staff see notes. You can use Markdown: **bold**, lists with -.",
        validators=[
            Required("Enter the note"),
            MaxLength(10000, "A note must be 10,000 characters or fewer"),
        ],
        widget=GovTextArea(),
    )


@staff.get("/")
@role_required(*CAN_READ_REQUESTS)
def dashboard():
    return render_template(
        "staff/dashboard.html",
        work=work_to_do(current_user, london_today()),
        format_reference=format_reference,
        format_date=format_date,
        today=london_today(),
    )


def _filters() -> Filters:
    args = request.args
    owner = args.get("owner", "")
    page = args.get("page", "1")
    return Filters(
        status=args.get("status") or None,
        owner_id=int(owner) if owner.isdigit() else None,
        late=args.get("late") == "yes",
        duplicate=args.get("duplicate") == "yes",
        adjustments=args.get("adjustments") == "yes",
        search=args.get("search") or None,
        sort=args.get("sort", "oldest"),
        page=int(page) if page.isdigit() else 1,
    )


@staff.get("/requests")
@role_required(*CAN_READ_REQUESTS)
def requests_queue():
    filters = _filters()
    rows, total = queue(current_user, filters)
    owners = db.session.scalars(
        select(StaffUser)
        .where(StaffUser.role.in_(CASEWORK), StaffUser.active.is_(True))
        .order_by(StaffUser.name)
    ).all()
    return render_template(
        "staff/requests.html",
        rows=rows,
        total=total,
        filters=filters,
        owners=owners,
        statuses=[status.value for status in Status],
        page_size=PAGE_SIZE,
        format_reference=format_reference,
        format_date=format_date,
    )


def _request_for_current_user(request_id: int) -> ReviewRequest:
    review_request = db.session.get(ReviewRequest, request_id)
    if review_request is None:
        abort(404)
    if not can_view(current_user, review_request):
        abort(403)
    return review_request


@staff.route("/requests/<int:request_id>", methods=["GET", "POST"])
@role_required(*CAN_READ_REQUESTS)
def request_page(request_id: int):
    review_request = _request_for_current_user(request_id)
    form = NoteForm()
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
        record_audit("viewed-request", staff_user=current_user, review_request=review_request)
        db.session.commit()
    viewers = db.session.execute(
        select(StaffUser.name, AuditEvent.at)
        .join(AuditEvent, AuditEvent.staff_user_id == StaffUser.id)
        .where(
            AuditEvent.review_request_id == review_request.id,
            AuditEvent.action == "viewed-request",
        )
        .order_by(AuditEvent.at.desc())
        .limit(20)
    ).all()
    return render_template(
        "staff/request.html",
        review_request=review_request,
        reference=format_reference(review_request.reference),
        form=form,
        viewers=viewers,
        adjustments=ADJUSTMENTS,
        render_note=render_note,
        format_date=format_date,
        can_write=current_user.role in CASEWORK,
    )


@staff.get("/requests/<int:request_id>/documents/<int:document_id>")
@role_required(*CAN_READ_REQUESTS)
def download_document(request_id: int, document_id: int):
    """Always a download, never shown inline, and sandboxed should a browser open it."""
    review_request = _request_for_current_user(request_id)
    document = db.session.get(Document, document_id)
    if document is None or document.review_request_id != review_request.id:
        abort(404)
    record_audit(
        "downloaded-document",
        staff_user=current_user,
        review_request=review_request,
        detail={"document_id": document.id},
    )
    db.session.commit()
    response = send_file(
        io.BytesIO(document.content),
        mimetype=document.content_type,
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
    review_request = _request_for_current_user(request_id)
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
