"""Turning a finished draft into a review request, once, in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select

from reviews import clock
from reviews.accessibility import request_callback_for
from reviews.audit import record_audit
from reviews.clock import LONDON
from reviews.database import db
from reviews.drafts import rules_date
from reviews.journey import (
    ADJUSTMENTS,
    CONSENT_FOR_ROUTE,
    Answers,
    answer,
    complainant_has_died,
    consent_route,
    first_unanswered,
    is_late,
    letter_date_unknown,
    relevant_answers,
    representative_kind,
)
from reviews.models import Draft, ReviewRequest
from reviews.notifications import notify_requester
from reviews.references import new_reference
from reviews.rules import acknowledgement_due, format_date
from reviews.transactions import commit_once
from reviews.workflow import Status, record_status


class DraftIncomplete(Exception):
    """Some question the draft needs has no answer yet."""


def _optional_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


ADDRESS_PARTS = ("address_line_1", "address_line_2", "town", "postcode")


def join_address(details: Mapping[str, Any]) -> str | None:
    """The four address boxes as four lines (blank where empty), so they can be split back
    into the same boxes when the person changes them; None when all are empty."""
    lines = [(details.get(part) or "").strip() for part in ADDRESS_PARTS]
    return "\n".join(lines) if any(lines) else None


def split_address(address: str | None) -> dict[str, str]:
    lines = (address or "").split("\n")
    return dict(zip(ADDRESS_PARTS, [*lines, "", "", "", ""][: len(ADDRESS_PARTS)], strict=True))


def adjustment_fields(details: Mapping[str, Any]) -> dict[str, Any]:
    """The request's fields for the help asked for on the adjustments page: each detail is
    kept only while the help it belongs to is chosen."""
    chosen = details.get("adjustments") or []
    return {
        "adjustments": [code for code in ADJUSTMENTS if code in chosen],
        "callback_times": details.get("callback_times") if "callback" in chosen else None,
        "interpreter_language": details.get("interpreter_language")
        if "interpreter" in chosen
        else None,
        "other_adjustment": details.get("other_adjustment") if "other" in chosen else None,
    }


def letter_date_fields(given: Answers) -> dict[str, Any]:
    """The letter's date as the person knew it: exact, a rough month (kept as its first day),
    or not at all (None, for staff to get from the Met)."""
    if not letter_date_unknown(given):
        exact = _optional_date(answer(given, "letter-date", "letter_date"))
        return {"letter_date": exact, "letter_date_is_approximate": False}
    rough = _optional_date(answer(given, "letter-approximate", "letter_month"))
    return {"letter_date": rough, "letter_date_is_approximate": rough is not None}


def build_request(answers: Answers, today: date) -> ReviewRequest:
    """A ReviewRequest from the answers to every step that applies."""
    given = relevant_answers(answers, today)
    representative = answer(given, "who-is-asking", "role") == "representative"
    you = given["about-you"] if representative else given["your-name"]
    route = consent_route(given)
    contact = given["contact-details"]
    complainant = given.get("complainant-details", {})
    if complainant_has_died(given):
        # Details given before the route was changed: nobody is to contact them.
        complainant = {"full_name": complainant.get("full_name")}
    safe = answer(given, "contact-safety", "safe") or []
    complaint_date = _optional_date(answer(given, "complaint-date", "complaint_date"))
    letter_upload = given.get("letter-upload", {})
    return ReviewRequest(
        made_on_or_after_scheme_start=answer(given, "when-complained", "after_scheme_start"),
        # Not asked of someone without the letter, or whose letter says there is no review.
        review_body_named=answer(given, "review-body", "review_body") or "not-sure",
        letter_review_right=answer(given, "review-right", "review_right"),
        **letter_date_fields(given),
        letter_received_on=_optional_date(answer(given, "letter-received", "letter_received_on")),
        is_late=is_late(given, today),
        late_reason=answer(given, "late-reason", "late_reason"),
        requester_role="representative" if representative else "complainant",
        requester_name=you["full_name"],
        requester_email=contact.get("email"),
        requester_phone=contact.get("phone"),
        requester_address=join_address(contact),
        preferred_contact=answer(given, "how-to-contact", "preferred_contact"),
        text_updates="yes" in (contact.get("text_updates") or []),
        safe_to_leave_message="leave-message" in safe,
        safe_to_say_who_is_calling="say-who" in safe,
        representative_kind=representative_kind(given),
        representative_organisation=answer(given, "your-organisation", "organisation"),
        representative_relationship=answer(given, "your-connection", "relationship"),
        complainant_name=complainant.get("full_name") if representative else you["full_name"],
        complainant_email=complainant.get("email"),
        complainant_phone=complainant.get("phone"),
        complainant_address=complainant.get("address"),
        # A complainant who has died is not asked about (reviews.journey.asks_complainant_updates).
        updates_to=answer(given, "updates", "updates_to") or "requester",
        consent_route=route,
        consent=CONSENT_FOR_ROUTE.get(route or "", "not-needed"),
        mps_reference=answer(given, "mps-reference", "mps_reference"),
        complaint_made_year=complaint_date.year if complaint_date else None,
        complaint_made_month=complaint_date.month if complaint_date else None,
        complaint_summary=answer(given, "complaint-summary", "complaint_summary"),
        why_unhappy=answer(given, "why-unhappy", "why_unhappy"),
        desired_outcome=answer(given, "desired-outcome", "desired_outcome"),
        letter_to_follow=bool(letter_upload.get("letter_to_follow")),
        **adjustment_fields(given.get("adjustments", {})),
    )


def _is_repeat(mps_reference: str | None) -> bool:
    if mps_reference is None:
        return False
    return (
        db.session.scalar(
            select(ReviewRequest.id).where(ReviewRequest.mps_reference == mps_reference).limit(1)
        )
        is not None
    )


def submit_draft(draft: Draft, today: date) -> ReviewRequest:
    """Send the draft as a review request and commit. Idempotent: a draft already sent, or
    sent by a request that raced this one, gives back the request it became."""
    if draft.review_request is not None:
        return draft.review_request
    # A request entered by staff is judged on the day it arrived, not the day it was typed in.
    today = rules_date(draft, today)
    if first_unanswered(draft.answers, today) is not None:
        raise DraftIncomplete
    draft_id = draft.id
    return commit_once(
        lambda: _record_request(draft, today),
        lambda: db.session.scalar(select(ReviewRequest).where(ReviewRequest.draft_id == draft_id)),
    )


def _record_request(draft: Draft, today: date) -> ReviewRequest:
    """Everything one send writes: the request, its first timeline entry, its documents, any
    callback it asks for and its confirmation email, and the draft emptied of answers."""
    review_request = build_request(draft.answers, today)
    review_request.reference = new_reference()
    review_request.draft_id = draft.id
    review_request.acknowledgement_due = acknowledgement_due(today)
    review_request.possible_duplicate = _is_repeat(review_request.mps_reference)
    db.session.add(review_request)
    entry = record_status(
        review_request, Status.RECEIVED, **_entered_by_staff(review_request, draft)
    )
    # Inserting now makes a racing second send fail here, on the unique draft_id.
    db.session.flush()
    if draft.entered_by is not None:
        entry.happened_at = review_request.submitted_at
        record_audit(
            "request-entered",
            staff_user=draft.entered_by,
            review_request=review_request,
            detail={
                "received_via": draft.received_via,
                "received_on": draft.received_on.isoformat() if draft.received_on else None,
            },
        )

    for document in list(draft.documents):
        document.draft = None
        document.review_request = review_request
    if "callback" in review_request.adjustments:
        request_callback_for(
            review_request, today, answer(draft.answers, "adjustments", "callback_phone")
        )
    notify_requester(review_request, "request-received", "request_received")
    draft.review_request = review_request
    draft.answers = {}
    return review_request


def received_at(received_on: date) -> datetime:
    """When a request that came by post or email counts as sent: midday, London time, on the
    day it arrived (the same date in London and in UTC, whatever the season)."""
    return datetime.combine(received_on, time(12), tzinfo=LONDON)


def _entered_by_staff(review_request: ReviewRequest, draft: Draft) -> dict[str, Any]:
    """For a request staff entered (staff.intake): record how it came and who entered it, date
    it the day it arrived, and give its first timeline entry's notes. Nothing for the public's."""
    staff_user, received_on = draft.entered_by, draft.received_on
    if staff_user is None or received_on is None:
        return {}
    review_request.received_via = draft.received_via
    review_request.entered_by_id = staff_user.id
    review_request.submitted_at = received_at(received_on)
    how = "by email" if draft.received_via == "email" else "by post"
    return {
        "staff_user": staff_user,
        "public_note": f"We received your request {how}.",
        "staff_note": (
            f"Received {how} on {format_date(received_on)}, entered by {staff_user.name}"
            f" on {format_date(clock.today())}."
        ),
    }
