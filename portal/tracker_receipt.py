"""What the tracker says about the request to the party looking at it: what was sent (the
receipt) and who gets updates. Each party sees their own contact details, never the other's.

The receipt is also a PDF the party can download at any time (`receipt_pdf`): their own copy
of what they sent, made from the same rows as the page."""

from __future__ import annotations

from flask import render_template

# isort: off
# web.letters puts back Pillow's truncated-image setting that importing WeasyPrint changes: it
# must load first (portal/consent_forms.py does the same).
import web.letters  # noqa: F401
import weasyprint
from weasyprint.urls import URLFetcher

# isort: on

from reviews.journey import ADJUSTMENTS
from reviews.models import ReviewRequest
from reviews.notifications import (
    UPDATES_TO_COMPLAINANT,
    UPDATES_TO_REQUESTER,
    update_recipients_of,
)
from reviews.references import format_reference
from reviews.rules import NOT_KNOWN, format_date, letter_date_wording
from reviews.tracker_changes import contact_details
from reviews.tracking import COMPLAINANT, REQUESTER, has_two_parties, other_party, party_name

CONTACT_METHODS = {"email": "Email", "phone": "Phone", "post": "Post"}
UPDATES_TO = {
    REQUESTER: {
        "requester": "You",
        "complainant": "The person you are asking for",
        "both": "You and the person you are asking for",
    },
    COMPLAINANT: {
        "requester": "The person acting for you",
        "complainant": "You",
        "both": "You and the person acting for you",
    },
}
CONSENT = {
    "not-needed": "Not needed",
    "uploaded": "Sent with the request",
    "awaited": "To follow",
    "received": "Received and checked",
}
_BY = {"email": "by email", "phone": "by phone", "post": "by post"}


def _adjustment(review_request: ReviewRequest, code: str) -> str:
    label = ADJUSTMENTS.get(code, code)
    if code == "interpreter" and review_request.interpreter_language:
        return f"{label} ({review_request.interpreter_language})"
    if code == "other" and review_request.other_adjustment:
        return f"{label}: {review_request.other_adjustment}"
    if code == "callback" and review_request.callback_times:
        return f"{label} ({review_request.callback_times})"
    return label


def _own_contact_rows(review_request: ReviewRequest, party: str) -> list[tuple[str, str]]:
    details = contact_details(review_request, party)
    rows = []
    if party == REQUESTER:
        method = review_request.preferred_contact
        rows.append(("How to contact you", CONTACT_METHODS.get(method, method)))
    rows += [
        ("Your email address", details["email"] or "Not given"),
        ("Your phone number", details["phone"] or "Not given"),
        (
            "Your postal address",
            "\n".join(line for line in (details["address"] or "").split("\n") if line)
            or "Not given",
        ),
    ]
    return rows


def receipt_rows(review_request: ReviewRequest, party: str = REQUESTER) -> list[tuple[str, str]]:
    """What was sent, as (question, answer) rows, for `party`: every combination of answers
    has a row for what it said, and nothing is looked up that an answer may lack."""
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
    if has_two_parties(r):
        if r.representative_organisation:
            rows.append(("Their organisation", r.representative_organisation))
        rows.append(("Asking for", r.complainant_name))
        rows.append(("Updates go to", UPDATES_TO[party].get(r.updates_to, r.updates_to)))
        rows.append(("Signed permission", CONSENT.get(r.consent, r.consent)))
    rows += [
        ("The Met's reference", r.mps_reference or NOT_KNOWN),
        ("What the complaint was about", r.complaint_summary),
        ("Why the outcome was wrong", r.why_unhappy),
        ("What you would like to happen", r.desired_outcome or "Not given"),
    ]
    if r.letter_to_follow:
        rows.append(("Outcome letter", "I will send it later by email or post"))
    rows += _own_contact_rows(r, party)
    needs = [_adjustment(r, code) for code in r.adjustments or []]
    help_key = "Help you need" if party == REQUESTER else f"Help {r.requester_name} needs"
    rows.append((help_key, "\n".join(needs) or "None"))
    return rows


def who_gets_updates(review_request: ReviewRequest, party: str) -> list[str]:
    """Sentences saying who gets updates, from the rule that sends them
    (update_recipients_of): the viewer's own address, never the other party's."""
    gets = {
        REQUESTER: review_request.updates_to in UPDATES_TO_REQUESTER,
        COMPLAINANT: review_request.updates_to in UPDATES_TO_COMPLAINANT,
    }
    emailed = {recipient.who: recipient.email for recipient in update_recipients_of(review_request)}
    sentences = []
    if party in emailed:
        sentences.append(f"We email updates to {emailed[party]}.")
    elif gets[party] and party == REQUESTER:
        method = _BY.get(review_request.preferred_contact, "using the details you gave us")
        sentences.append(f"We send you updates {method}.")
    elif gets[party]:
        sentences.append("We send you updates using the details we have for you.")
    other = other_party(party)
    if has_two_parties(review_request) and gets[other]:
        sentences.append(f"We send updates to {party_name(review_request, other)}.")
    if not gets[party]:
        sentences.append("We do not send updates to you.")
    return sentences


class _NoFetching(URLFetcher):
    """Refuses every URL: the receipt is made from its template alone."""

    def __init__(self) -> None:
        super().__init__(fail_on_errors=True)

    def fetch(self, url, headers=None):
        raise ValueError(f"the receipt may not load external resources: {url[:80]}")


def receipt_pdf(review_request: ReviewRequest, party: str, kinds: dict[str, str]) -> bytes:
    """What was sent, as an A4 PDF tagged for screen readers (PDF/UA-1): the rows of the
    receipt page, and the documents sent, by name (`kinds`: each document kind's label)."""
    html = render_template(
        "portal/tracker/receipt_pdf.html",
        review_request=review_request,
        reference=format_reference(review_request.reference),
        rows=receipt_rows(review_request, party),
        kinds=kinds,
        format_date=format_date,
    )
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=_NoFetching())
    return document.write_pdf(pdf_variant="pdf/ua-1")
