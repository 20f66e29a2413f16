"""The tracker's letters: every letter we sent about the request, to read and download, as the
very file that was sent (reviews.sent_letters). The address holds the letter's id only, and a
letter is found only among the tracked request's own: any other id is 404."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, url_for
from werkzeug.wrappers import Response

from portal.blueprint import portal
from portal.tracker import tracked
from reviews.clock import LONDON
from reviews.letters import LETTER_TITLES, LetterKind
from reviews.models import ReviewRequest
from reviews.rules import format_date
from reviews.sent_letters import letter_file, letter_of, letters_of
from web.letters import pdf_download


@dataclass(frozen=True)
class TrackedLetter:
    """A letter as the tracker lists it."""

    title: str
    sent_on: str
    url: str
    large_print_url: str | None


def tracker_letters(review_request: ReviewRequest) -> list[TrackedLetter]:
    """The request's letters, newest first."""
    listed = []
    for letter in reversed(letters_of(review_request)):
        try:
            title = LETTER_TITLES[LetterKind(letter.kind)]
        except ValueError:
            title = "Letter"
        listed.append(
            TrackedLetter(
                title=title,
                sent_on=format_date(letter.sent_at.astimezone(LONDON).date()),
                url=url_for("portal.tracker_letter", letter_id=letter.id),
                large_print_url=(
                    url_for("portal.tracker_letter_large_print", letter_id=letter.id)
                    if letter.has_large_print
                    else None
                ),
            )
        )
    return listed


@portal.context_processor
def _letters_for_templates() -> dict[str, object]:
    # templates/portal/tracker/_letters.html lists them, included by the request's own page.
    return {"tracker_letters": tracker_letters}


def _download(review_request: ReviewRequest, letter_id: int, large_print: bool) -> Response:
    letter = letter_of(review_request, letter_id)
    stored = letter_file(letter, large_print) if letter is not None else None
    if stored is None:
        abort(404)
    filename, content = stored
    return pdf_download(content, filename)


@portal.get("/track/letters/<int:letter_id>")
@tracked
def tracker_letter(review_request: ReviewRequest, party: str, letter_id: int) -> Response:
    return _download(review_request, letter_id, large_print=False)


@portal.get("/track/letters/<int:letter_id>/large-print")
@tracked
def tracker_letter_large_print(
    review_request: ReviewRequest, party: str, letter_id: int
) -> Response:
    return _download(review_request, letter_id, large_print=True)
