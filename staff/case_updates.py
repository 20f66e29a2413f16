"""Post, phone and email in, on a request's page (reviews.case_updates): documents staff add, the
outcome letter received, contact details corrected, a phone call or an email recorded, and
what a party sent on the tracker marked read. The request page's panel is
templates/staff/_case_updates.html; the dashboard's lists are templates/staff/_unread.html and
templates/staff/_overdue.html, fed by this module's context processor.

Caseworkers and team leaders change things; auditors and admins read the request page only.
Every form: CSRF, one transaction, an audit event, then Post/Redirect/Get to the request page.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms.validators import StopValidation

from reviews import clock
from reviews.case_lists import met_overdue, requests_with_unread
from reviews.case_updates import (
    CHANNELS,
    SOURCES,
    STAFF_DOCUMENT_KINDS,
    STAFF_EVENT_TITLES,
    STAFF_SOURCES,
    CaseUpdateRefused,
    add_staff_documents,
    contact_details_of,
    correct_contact_details,
    letter_facts_missing,
    mark_letter_received,
    mark_read,
    record_contact,
    unread_on,
)
from reviews.database import db
from reviews.models import ReviewRequest, StaffUser
from reviews.references import format_reference
from reviews.rules import MPS_REFERENCE_HINT, format_date, format_month, normalise_mps_reference
from reviews.workflow import CASEWORK, TransitionRefused, can_perform, perform
from staff.access import role_required
from staff.auth import add_error
from staff.blueprint import staff
from staff.casework import back_to_request, request_for_current_user
from web.forms import (
    CheckboxField,
    DateParts,
    MultipleFileField,
    RadiosField,
    TextAreaField,
    TextField,
    email_field,
    phone_field,
)
from web.forms.uploads import check_chosen_files, upload_limits

NOT_IN_THE_FUTURE = "The date must be today or earlier"


def _not_in_the_future(message: str):
    def check(day) -> str | None:
        return message if day > clock.today() else None

    return check


@staff.context_processor
def _case_updates_context() -> dict[str, Any]:
    """What the request page's panel and the dashboard's lists read (queried only when used)."""
    return {
        "unread_on": unread_on,
        "letter_facts_missing": letter_facts_missing,
        "document_sources": SOURCES,
        "staff_event_titles": STAFF_EVENT_TITLES,
        "new_from_requesters": lambda: requests_with_unread(current_user),
        "met_overdue": lambda: met_overdue(current_user, clock.today()),
    }


def _acting(request_id: int) -> tuple[ReviewRequest, StaffUser]:
    review_request = request_for_current_user(request_id)
    return review_request, current_user._get_current_object()  # the model, not the proxy


def _page(template: str, form: FlaskForm, review_request: ReviewRequest, **context) -> str:
    return render_template(
        f"staff/case_updates/{template}",
        form=form,
        review_request=review_request,
        reference=format_reference(review_request.reference),
        request_url=url_for("staff.request_page", request_id=review_request.id),
        format_date=format_date,
        format_month=format_month,
        **context,
    )


def _refused(review_request: ReviewRequest, refused: CaseUpdateRefused) -> Response:
    db.session.rollback()
    return back_to_request(review_request, str(refused), success=False)


# 1. Documents that came by post, by email or from the Met.


class AddDocumentsForm(FlaskForm):
    kind = RadiosField(
        "What is it?", choices=STAFF_DOCUMENT_KINDS, required="Select what the document is"
    )
    source = RadiosField(
        "How did it reach us?", choices=STAFF_SOURCES, required="Select where it came from"
    )
    files = MultipleFileField("Choose files")
    mps_info_arrived = CheckboxField(
        "This is the case information we asked the Met for: record that it has arrived"
    )


@staff.route("/requests/<int:request_id>/documents/add", methods=["GET", "POST"])
@role_required(*CASEWORK)
def add_documents(request_id: int) -> Response | str:
    review_request, staff_user = _acting(request_id)
    # The Met's case information can also move the request on (the workflow's own action).
    can_record_arrival = can_perform(review_request, "mps_info_received", staff_user)
    form = AddDocumentsForm()
    if form.is_submitted():
        valid = form.validate()
        most = current_app.config["MAX_UPLOAD_FILES"]
        checked = check_chosen_files(
            form.files.data, room=most, no_room=f"Select up to {most} files at a time"
        )
        if checked.errors:
            add_error(form.files, checked.errors[0])  # all or nothing, as on the tracker
        elif valid:
            try:
                added = add_staff_documents(
                    review_request, staff_user, form.kind.data, form.source.data, checked.accepted
                )
                arrived = (
                    can_record_arrival
                    and form.kind.data == "mps-case-info"
                    and bool(form.mps_info_arrived.data)
                )
                if arrived:
                    perform(review_request, "mps_info_received", staff_user, clock.today())
            except (CaseUpdateRefused, TransitionRefused) as refused:
                return _refused(review_request, CaseUpdateRefused(str(refused)))
            db.session.commit()
            count = len(added)
            done = f"{count} {'document' if count == 1 else 'documents'} added"
            if not added:
                done = "Nothing added: those files are already on the request"
            if arrived:
                done += ". The Met's case information is recorded as arrived"
            return back_to_request(review_request, done + ".", success=True)
    return _page(
        "add_documents.html",
        form,
        review_request,
        can_record_arrival=can_record_arrival,
        **upload_limits(),
    )


# 2. The outcome letter received.


class LetterReceivedForm(FlaskForm):
    letter_date = DateParts(
        "What date is on the letter?",
        describe="The date on the letter",
        description="For example, 27 3 2026",
        optional=True,
        check=_not_in_the_future("The date on the letter must be today or earlier"),
    )
    mps_reference = TextField(
        "What is the Met's reference? (optional)",
        description=MPS_REFERENCE_HINT,
        max_length=(30, "The Met's reference must be 30 characters or fewer"),
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )

    def validate_mps_reference(self, field) -> None:
        text = (field.data or "").strip()
        if text and normalise_mps_reference(text) is None:
            raise StopValidation("Enter the Met's reference as it is on the letter")


@staff.route("/requests/<int:request_id>/outcome-letter-received", methods=["GET", "POST"])
@role_required(*CASEWORK)
def outcome_letter_received(request_id: int) -> Response | str:
    review_request, staff_user = _acting(request_id)
    missing = letter_facts_missing(review_request)
    if not any(missing.values()):
        return back_to_request(
            review_request,
            "Nothing to record: we have the outcome letter, its date and the Met's reference.",
            success=False,
        )
    form = LetterReceivedForm()
    if form.validate_on_submit():
        try:
            mark_letter_received(
                review_request,
                staff_user,
                letter_date=form.letter_date.data if missing["letter_date"] else None,
                mps_reference=form.mps_reference.data if missing["mps_reference"] else None,
            )
        except CaseUpdateRefused as refused:
            db.session.rollback()
            add_error(form.letter_date, str(refused))
        else:
            late = review_request.is_late and review_request.late_decision is None
            db.session.commit()
            done = "Outcome letter recorded. The requester can see this on their tracker."
            if late:
                done += " The letter's date makes the request late: decide whether to accept it."
            return back_to_request(review_request, done, success=True)
    return _page("letter_received.html", form, review_request, missing=missing)


# 3. Contact details corrected.


class ContactDetailsForm(FlaskForm):
    email = email_field("Email address (optional)", autocomplete="off")
    phone = phone_field("Phone number (optional)", autocomplete="off")
    address = TextAreaField(
        "Postal address (optional)",
        description="One line for each part of the address",
        max_length=(500, "The address must be 500 characters or fewer"),
    )


def _party() -> str:
    return "complainant" if request.args.get("party") == "complainant" else "requester"


@staff.route("/requests/<int:request_id>/contact-details", methods=["GET", "POST"])
@role_required(*CASEWORK)
def correct_contact(request_id: int) -> Response | str:
    review_request, staff_user = _acting(request_id)
    party = _party()
    if party == "complainant" and review_request.requester_role != "representative":
        abort(404)  # the complainant sent it: their details are the requester's
    current = contact_details_of(review_request, party)
    form = ContactDetailsForm(data=current)
    if form.validate_on_submit():
        address = "\n".join(
            line.strip() for line in (form.address.data or "").splitlines() if line.strip()
        )
        try:
            correct_contact_details(
                review_request,
                staff_user,
                party,
                {"email": form.email.data, "phone": form.phone.data, "address": address},
            )
        except CaseUpdateRefused as refused:
            return _refused(review_request, refused)
        db.session.commit()
        return back_to_request(review_request, "Contact details corrected.", success=True)
    name = (
        review_request.complainant_name if party == "complainant" else review_request.requester_name
    )
    return _page("contact_details.html", form, review_request, party=party, name=name)


# 4. A phone call or an email.


class ContactForm(FlaskForm):
    channel = RadiosField(
        "Was it a phone call or an email?",
        choices=CHANNELS,
        required="Select whether it was a phone call or an email",
    )
    direction = RadiosField(
        "Who made contact?",
        choices={"in": "They contacted us", "out": "We contacted them"},
        required="Select who made contact",
    )
    happened_on = DateParts(
        "When was it?",
        describe="The date",
        description="For example, 27 3 2026",
        check=_not_in_the_future(NOT_IN_THE_FUTURE),
    )
    summary = TextAreaField(
        "What was said?",
        description="Only staff see this, on the request's timeline.",
        required="Enter what was said",
        max_length=(5000, "What was said must be 5,000 characters or fewer"),
    )


@staff.route("/requests/<int:request_id>/contacts/add", methods=["GET", "POST"])
@role_required(*CASEWORK)
def add_contact(request_id: int) -> Response | str:
    review_request, staff_user = _acting(request_id)
    form = ContactForm(data={"happened_on": clock.today()})
    if form.validate_on_submit():
        try:
            record_contact(
                review_request,
                staff_user,
                form.channel.data,
                form.direction.data,
                form.happened_on.data,
                form.summary.data or "",
            )
        except CaseUpdateRefused as refused:
            return _refused(review_request, refused)
        db.session.commit()
        kind = CHANNELS[form.channel.data].lower()
        return back_to_request(
            review_request, f"The {kind} is on the request's timeline.", success=True
        )
    return _page("add_contact.html", form, review_request, today=format_date(clock.today()))


# 5. What a party sent on the tracker, marked read.


@staff.post("/requests/<int:request_id>/mark-read")
@role_required(*CASEWORK)
def mark_new_read(request_id: int) -> Response:
    review_request, staff_user = _acting(request_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    count = mark_read(review_request, staff_user)
    db.session.commit()
    if not count:
        return back_to_request(review_request, "Nothing new to mark as read.", success=False)
    return back_to_request(review_request, "Marked as read.", success=True)
