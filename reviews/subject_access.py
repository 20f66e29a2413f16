"""Subject access (UK GDPR Article 15): everything held about a person, found by their email
address, phone number or a request's reference, as one ZIP: `index.html` to read, `data.json`
for a machine, and the files themselves (their uploads and the letters sent).

What a person is a party to: every request in which they are the requester or the complainant,
with its answers, documents, letters, messages from the tracker, timeline (the notes the
requester sees; staff's own notes are included too, as they are about the person's request)
and the audit entries about it; and the call and format requests made with the same email or
phone. A request already cut down to a stub by retention holds nothing personal and has no
email or phone left to be found by.

The export is built in the staff request: it reads the database and zips, with no network
call, and a person rarely has more than a few requests.
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select

from reviews import clock
from reviews.database import db
from reviews.models import (
    AccessibleFormatRequest,
    AuditEvent,
    CallbackRequest,
    ReviewRequest,
    SentLetter,
)
from reviews.references import format_reference, parse_reference


@dataclass
class Found:
    """What is held about the person searched for."""

    requests: list[ReviewRequest] = field(default_factory=list)
    callbacks: list[CallbackRequest] = field(default_factory=list)
    formats: list[AccessibleFormatRequest] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.requests or self.callbacks or self.formats)


def phone_digits(number: str) -> str:
    """A UK number's digits as dialled at home: "+44 7700 900123" and "07700900123" match."""
    digits = re.sub(r"\D", "", number)
    if digits.startswith("44"):
        digits = "0" + digits[2:]
    return digits


def _phone_matches(stored: str | None, wanted: str) -> bool:
    return bool(stored) and phone_digits(stored or "") == wanted


def find_person(search: str) -> Found:
    """Everything held for an email address, a phone number or a reference."""
    search = search.strip()
    found = Found()
    if "@" in search:
        email = search.lower()
        found.requests = list(
            db.session.scalars(
                select(ReviewRequest)
                .where(
                    or_(
                        func.lower(ReviewRequest.requester_email) == email,
                        func.lower(ReviewRequest.complainant_email) == email,
                    )
                )
                .order_by(ReviewRequest.id)
            )
        )
        found.callbacks = []
        found.formats = list(
            db.session.scalars(
                select(AccessibleFormatRequest).where(
                    func.lower(AccessibleFormatRequest.email) == email
                )
            )
        )
        return found
    reference = parse_reference(search)
    if reference is not None:
        found.requests = list(
            db.session.scalars(select(ReviewRequest).where(ReviewRequest.reference == reference))
        )
        if found.requests:
            return found
    wanted = phone_digits(search)
    if len(wanted) < 7:
        return found
    # Phone numbers are stored as typed, so they are compared digit by digit here.
    found.requests = [
        review_request
        for review_request in db.session.scalars(
            select(ReviewRequest)
            .where(
                or_(
                    ReviewRequest.requester_phone.is_not(None),
                    ReviewRequest.complainant_phone.is_not(None),
                )
            )
            .order_by(ReviewRequest.id)
        )
        if _phone_matches(review_request.requester_phone, wanted)
        or _phone_matches(review_request.complainant_phone, wanted)
    ]
    found.callbacks = [
        callback
        for callback in db.session.scalars(select(CallbackRequest))
        if _phone_matches(callback.phone, wanted)
    ]
    found.formats = [
        format_request
        for format_request in db.session.scalars(
            select(AccessibleFormatRequest).where(AccessibleFormatRequest.phone.is_not(None))
        )
        if _phone_matches(format_request.phone, wanted)
    ]
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _columns(row: Any, leave_out: Iterable[str] = ()) -> dict[str, Any]:
    """A row's columns as JSON values (files left out: they are in the ZIP beside)."""
    skipped = {"content", "large_print_content", *leave_out}
    return {
        column.key: _plain(getattr(row, column.key))
        for column in row.__table__.columns
        if column.key not in skipped
    }


def _request_data(review_request: ReviewRequest) -> dict[str, Any]:
    letters = db.session.scalars(
        select(SentLetter)
        .where(SentLetter.review_request_id == review_request.id)
        .order_by(SentLetter.id)
    ).all()
    audit = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.review_request_id == review_request.id)
        .order_by(AuditEvent.id)
    ).all()
    return {
        **_columns(review_request, leave_out=("draft_id",)),
        "reference": format_reference(review_request.reference),
        "documents": [
            {**_columns(document), "file": _document_path(document)}
            for document in review_request.documents
        ],
        "letters": [
            {**_columns(letter), "file": _letter_path(letter, large_print=False)}
            for letter in letters
        ],
        "messages": [_columns(message) for message in review_request.messages],
        "timeline": [_columns(entry) for entry in review_request.timeline],
        "audit": [_columns(event, leave_out=("ip_address",)) for event in audit],
    }


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:100]


def _document_path(document: Any) -> str:
    return f"files/document-{document.id}-{_safe_name(document.filename)}"


def _letter_path(letter: SentLetter, large_print: bool) -> str:
    name = letter.large_print_filename if large_print else letter.filename
    return f"files/letter-{letter.id}-{_safe_name(name or 'letter.pdf')}"


def export_data(found: Found) -> dict[str, Any]:
    return {
        "exported_at": clock.now().isoformat(),
        "requests": [_request_data(review_request) for review_request in found.requests],
        "call_requests": [_columns(callback) for callback in found.callbacks],
        "format_requests": [_columns(format_request) for format_request in found.formats],
    }


def _html_value(value: Any) -> str:
    if isinstance(value, list) and all(not isinstance(item, dict) for item in value):
        return html.escape(", ".join(str(item) for item in value))
    if isinstance(value, dict | list):
        return f"<pre>{html.escape(json.dumps(value, indent=2, ensure_ascii=False))}</pre>"
    return html.escape("" if value is None else str(value))


def _html_table(title: str, row: dict[str, Any], level: int = 3) -> str:
    rows = "".join(
        f"<tr><th scope='row'>{html.escape(key.replace('_', ' '))}</th>"
        f"<td>{_html_value(value)}</td></tr>"
        for key, value in row.items()
        if not isinstance(value, list) or not value or not isinstance(value[0], dict)
    )
    return f"<h{level}>{html.escape(title)}</h{level}><table>{rows}</table>"


def export_html(data: dict[str, Any]) -> str:
    """The export as one page anyone can open: every request, then what belongs to it."""
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Information MOPAC holds about you</title></head><body>",
        "<h1>Information MOPAC holds about you</h1>",
        f"<p>Made on {html.escape(data['exported_at'][:10])}. The files are in the "
        "<code>files</code> folder. <code>data.json</code> holds the same for a computer.</p>",
    ]
    for item in data["requests"]:
        parts.append(f"<h2>Review request {html.escape(item['reference'])}</h2>")
        parts.append(_html_table("What was asked and recorded", item))
        for section in ("documents", "letters", "messages", "timeline", "audit"):
            for number, entry in enumerate(item[section], start=1):
                parts.append(_html_table(f"{section.capitalize()} {number}", entry, level=4))
    for section, title in (("call_requests", "Call request"), ("format_requests", "Format")):
        for number, entry in enumerate(data[section], start=1):
            parts.append(_html_table(f"{title} {number}", entry, level=2))
    parts.append("</body></html>")
    return "\n".join(parts)


def build_export(found: Found) -> bytes:
    """The ZIP: index.html, data.json and the files."""
    data = export_data(found)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", export_html(data))
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        for review_request in found.requests:
            for document in review_request.documents:
                archive.writestr(_document_path(document), document.content)
            for letter in db.session.scalars(
                select(SentLetter).where(SentLetter.review_request_id == review_request.id)
            ):
                archive.writestr(_letter_path(letter, large_print=False), letter.content)
                if letter.large_print_content is not None:
                    archive.writestr(
                        _letter_path(letter, large_print=True), letter.large_print_content
                    )
    return buffer.getvalue()
