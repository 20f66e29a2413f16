"""The kinds of document a person can send us: the one table the journey, the tracker, the check
page and staff pages name them from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentKind:
    code: str  # what Document.kind stores
    name: str  # as a heading: "Outcome letter"
    description: str  # as a choice for the person sending it


OUTCOME_LETTER = DocumentKind("outcome-letter", "Outcome letter", "The outcome letter from the Met")
CONSENT = DocumentKind(
    "consent",
    "Signed permission",
    "Signed permission from the person who made the complaint",
)
SUPPORTING = DocumentKind("supporting", "Other documents", "Something else")

DOCUMENT_KINDS: dict[str, DocumentKind] = {
    kind.code: kind for kind in (OUTCOME_LETTER, CONSENT, SUPPORTING)
}
