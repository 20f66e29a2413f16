"""Letter wording, for team leaders and admins: each letter kind's wording
(reviews.letter_templates) with its placeholders beside it, a preview before saving (for a
sample request, or a real one by its reference), saving as a new version, the versions kept,
and restoring one (as a new version). Every save is audited; previews change nothing."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from reviews import clock
from reviews.clock import LONDON
from reviews.database import db
from reviews.letter_templates import (
    MAX_LENGTH,
    PLACEHOLDERS,
    WordingError,
    active_wording,
    check,
    restore_wording,
    save_wording,
    versions,
    wording_version,
)
from reviews.letters import LETTER_HEADINGS, LETTER_TITLES, LetterError, LetterKind
from reviews.models import ReviewRequest, StaffUser
from reviews.references import parse_reference
from reviews.rules import format_date
from reviews.workflow import ADMIN, TEAM_LEADER
from staff.access import role_required
from staff.auth import add_error
from staff.blueprint import staff
from web.forms import TextAreaField, TextField
from web.letters import letter_for

EDITORS = (TEAM_LEADER, ADMIN)


class WordingForm(FlaskForm):
    wording = TextAreaField(
        "Wording",
        required="Enter the letter's wording",
        max_length=(MAX_LENGTH, f"The wording must be {MAX_LENGTH:,} characters or fewer"),
    )
    reference = TextField(
        "Preview it for a request (optional)",
        description="The request's tracking reference. Leave it empty to use a sample request.",
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )


class RestoreForm(FlaskForm):
    pass


def _kind(kind: str) -> LetterKind:
    try:
        return LetterKind(kind)
    except ValueError:
        abort(404)


def sample_request(kind: LetterKind) -> ReviewRequest:
    """A made-up request holding every fact any letter uses, never saved: for previews."""
    today = clock.today()
    return ReviewRequest(
        reference="ABCD" * 4,
        status="received",
        submitted_at=clock.now() - timedelta(days=3),
        requester_role="complainant",
        requester_name="Alex Sample",
        requester_address="1 Sample Street\nLondon\nSE1 0LL",
        complainant_name="Alex Sample",
        mps_reference="CO/00000/26",
        is_late=True,
        late_decision="refused" if kind is LetterKind.LATE_REQUEST_REFUSED else None,
        late_decision_reason="You gave no reason for sending it late.",
        letter_to_follow=True,
        consent="not-needed",
        estimated_allocation_month=date(today.year, today.month, 1),
        information_requested="A copy of every page of the Met's outcome letter.",
        validity="no-right-of-review",
        shared_with_iopc="Your request form and the Met's outcome letter.",
        outcome_reasonable=False,
        decision_reasons="The Met did not look at the body-worn video.\n\nIt did not say why.",
        recommendations=["handle-again", "apology"],
        refer_to_iopc=False,
        mps_response="We have looked at the complaint again.",
        mps_response_received_on=today,
    )


def _by_reference(text: str) -> ReviewRequest | None:
    canonical = parse_reference(text)
    if canonical is None:
        return None
    return db.session.scalars(
        select(ReviewRequest).where(ReviewRequest.reference == canonical)
    ).first()


@staff.get("/letters")
@role_required(*EDITORS)
def letter_kinds() -> str:
    kinds = [
        {"kind": kind, "title": LETTER_TITLES[kind], "version": active_wording(kind).version}
        for kind in LetterKind
    ]
    return render_template("staff/letters/kinds.html", kinds=kinds)


@staff.route("/letters/<kind>", methods=["GET", "POST"])
@role_required(*EDITORS)
def letter_wording(kind: str) -> Response | str:
    letter_kind = _kind(kind)
    active = active_wording(letter_kind)
    form = WordingForm(data={"wording": active.text})
    preview = None
    if form.validate_on_submit():
        text = form.wording.data or ""
        try:
            check(letter_kind, text)
        except WordingError as error:
            add_error(form.wording, str(error))
        else:
            if form.reference.data or "preview" in request.form:
                preview = _preview(form, letter_kind, text)
            else:
                user: StaffUser = current_user._get_current_object()
                save_wording(letter_kind, text, user)
                db.session.commit()
                return redirect(url_for("staff.letter_versions", kind=letter_kind.value))
    return render_template(
        "staff/letters/edit.html",
        form=form,
        kind=letter_kind,
        title=LETTER_TITLES[letter_kind],
        heading=LETTER_HEADINGS[letter_kind],
        active=active,
        placeholders=PLACEHOLDERS[letter_kind],
        preview=preview,
    )


def _preview(form: WordingForm, kind: LetterKind, text: str):
    """The letter with this (unsaved) wording, for the request asked for or the sample."""
    review_request = sample_request(kind)
    if form.reference.data:
        found = _by_reference(form.reference.data)
        if found is None:
            add_error(form.reference, "No request has that reference. Check it and try again")
            return None
        review_request = found
    try:
        return letter_for(review_request, kind, wording=text)
    except (LetterError, WordingError) as error:
        add_error(form.reference, f"This letter cannot be written for that request: {error}")
        return None


@staff.get("/letters/<kind>/versions")
@role_required(*EDITORS)
def letter_versions(kind: str) -> str:
    letter_kind = _kind(kind)
    rows = [
        {
            "version": row.version,
            "saved": (
                f"{format_date(row.created_at.astimezone(LONDON).date())}, "
                f"{row.created_at.astimezone(LONDON):%H:%M}"
                if row.created_by_id
                else "Shipped with the service"
            ),
            "by": row.created_by.name if row.created_by else "MOPAC",
            "active": row.active,
        }
        for row in versions(letter_kind)
    ]
    db.session.commit()  # the shipped version, stored if it was not
    return render_template(
        "staff/letters/versions.html",
        kind=letter_kind,
        title=LETTER_TITLES[letter_kind],
        versions=rows,
    )


@staff.route("/letters/<kind>/versions/<int:version>", methods=["GET", "POST"])
@role_required(*EDITORS)
def letter_version(kind: str, version: int) -> Response | str:
    letter_kind = _kind(kind)
    wording = wording_version(letter_kind, version)
    if wording is None:
        abort(404)
    form = RestoreForm()
    if form.validate_on_submit():
        user: StaffUser = current_user._get_current_object()
        restore_wording(letter_kind, version, user)
        db.session.commit()
        return redirect(url_for("staff.letter_versions", kind=letter_kind.value))
    return render_template(
        "staff/letters/version.html",
        form=form,
        kind=letter_kind,
        title=LETTER_TITLES[letter_kind],
        wording=wording,
        is_active=wording.version == active_wording(letter_kind).version,
    )
