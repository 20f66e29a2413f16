"""Answers that walk the review request journey, shared by the app and browser tests."""

from __future__ import annotations

import io
from datetime import date, timedelta

from pypdf import PdfWriter

from reviews import clock


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def date_parts(name: str, value: date) -> dict[str, str]:
    return {
        f"{name}-day": str(value.day),
        f"{name}-month": str(value.month),
        f"{name}-year": str(value.year),
    }


def complainant_steps(letter_date: date | None = None) -> list[tuple[str, dict]]:
    """(step, form data) for a complainant in time, by email, with no adjustments: who is
    asking first, then the help they need, then the complaint and its letter.
    Upload steps are left to the caller: `letter-upload` needs a file or 'send later'."""
    letter_date = letter_date or clock.today() - timedelta(days=5)
    return [
        ("who-is-asking", {"role": "complainant"}),
        ("adjustments-needed", {"needed": "no"}),
        ("about-the-met", {"about_met": "yes"}),
        ("about-the-commissioner", {"about_commissioner": "no"}),
        ("outcome-letter", {"has_letter": "yes"}),
        ("review-right", {"review_right": "yes"}),
        ("when-complained", {"after_scheme_start": "yes"}),
        ("review-body", {"review_body": "mopac"}),
        ("letter-date", date_parts("letter_date", letter_date)),
        ("letter-received", {}),
        ("what-we-cannot-do", {}),
        ("your-name", {"full_name": "Sam Example"}),
        ("mps-reference", {"mps_reference": "co / 01234 / 25"}),
        ("complaint-date", {"complaint_date": "November 2025"}),
        ("complaint-summary", {"complaint_summary": "Officers were rude during a stop."}),
        ("why-unhappy", {"why_unhappy": "The Met ignored the body-worn video."}),
        ("desired-outcome", {"desired_outcome": ""}),
        ("letter-upload", {"letter_to_follow": "y", "action": "continue"}),
        ("other-documents", {"action": "continue"}),
        ("how-to-contact", {"preferred_contact": "email"}),
        ("contact-details", {"email": "Sam@Example.com"}),
        ("contact-safety", {"safe": ["leave-message"]}),
    ]


def replace_step(steps, slug: str, data: dict, after: str | None = None):
    """The steps with `slug`'s data replaced, or inserted after `after` if not there."""
    result = [(name, data if name == slug else values) for name, values in steps]
    if after and slug not in [name for name, _ in steps]:
        index = [name for name, _ in steps].index(after) + 1
        result.insert(index, (slug, data))
    return result


# Each kind of representative's answer on "your-organisation" or "your-connection", if asked.
KIND_DETAILS = {
    "solicitor": ("your-organisation", {"organisation": "Example Law LLP"}),
    "advocate": ("your-organisation", {"organisation": "Advice Centre"}),
    "mp-office": ("your-organisation", {"organisation": "Office of Jo Member MP"}),
    "support-worker": ("your-organisation", {"organisation": "Housing Support"}),
    "other": ("your-connection", {"relationship": "Their neighbour"}),
}

REPRESENTATIVE_KINDS = (
    "solicitor",
    "advocate",
    "mp-office",
    "family-friend",
    "support-worker",
    "other",
)
CONSENT_ROUTES = ("upload-now", "form-later", "phone-or-email", "attorney", "parent", "died")


def representative_steps(
    route: str = "form-later", kind: str = "advocate"
) -> list[tuple[str, dict]]:
    """(step, form data) for someone asking for a complainant, in time, by email, who shows
    they may act for them by `route`. With `route="upload-now"` the caller must deal with the
    `consent-upload` step that follows `complainant-details`."""
    steps = replace_step(complainant_steps(), "who-is-asking", {"role": "representative"})
    index = [name for name, _ in steps].index("your-name")
    who: list[tuple[str, dict]] = [
        ("about-you", {"full_name": "Ria Advocate", "representative_kind": kind})
    ]
    if kind in KIND_DETAILS:
        who.append(KIND_DETAILS[kind])
    who.append(("consent", {"consent_route": route}))
    details = {"full_name": "Sam Example"}
    if route != "died":
        details["email"] = "sam@example.com"
    who.append(("complainant-details", details))
    if route == "form-later":
        who.append(("consent-form", {}))
    if route == "attorney":
        who.append(("consent-authority", {"letter_to_follow": "y", "action": "continue"}))
    if route != "died":
        who.append(("updates", {"updates_to": "both"}))
    steps[index : index + 1] = who
    return replace_step(steps, "contact-details", {"email": "ria@example.org"})


def unknown_facts_steps() -> list[tuple[str, dict]]:
    """Someone whose letter says there is no review, going on anyway, who does not know the
    letter's date or the Met's reference: the pages only they see."""
    steps = replace_step(complainant_steps(), "review-right", {"review_right": "no"})
    steps = replace_step(steps, "no-review-right", {}, after="review-right")
    steps = [step for step in steps if step[0] not in ("review-body", "letter-received")]
    steps = replace_step(steps, "letter-date", {"date_unknown": "y"})
    steps = replace_step(
        steps, "letter-approximate", {"letter_month": "mar 2025"}, after="letter-date"
    )
    return replace_step(steps, "mps-reference", {"reference_unknown": "y"})
