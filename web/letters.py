"""Letters as pages and PDFs, whose wording reviews.letters builds (`build_letter`), and the
domain's letter office (`WebLetterOffice`, installed by create_app): the PDFs that
reviews.sent_letters stores when an action sends a letter, and the print pack for post.

A letter is one HTML template (templates/letters/letter.html: the layout, with the letter's
words, reviews.letter_templates, in it), shown in the browser for printing or made into a PDF
with WeasyPrint. The browser version links
static/letters.css, because the Content-Security-Policy refuses inline styles; the PDF version
inlines that same file, because WeasyPrint here may fetch nothing at all (see `_NoFetching`).

The page for the browser needs a request context (the stylesheet URL and the tracker link are
built with `url_for`), which every staff route has. A letter that is sent gives the tracker's
public address (PUBLIC_BASE_URL), as emails do, and needs only an app context.
"""

from __future__ import annotations

import functools
import io

from flask import Flask, Response, current_app, render_template, send_file, url_for
from PIL import ImageFile
from pypdf import PdfReader, PdfWriter

from reviews.letters import (
    LETTER_HEADINGS,
    LETTER_TITLES,
    Letter,
    LetterError,
    LetterKind,
    LetterText,
    address_lines,
    build_letter,
)
from reviews.models import ReviewRequest, SentLetter
from reviews.references import format_reference
from reviews.sent_letters import install_letter_office, letter_file
from web.outbox import tracker_url
from web.paths import STATIC_DIR

# Importing WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process, which would let
# cut-off images through the damaged-file check in reviews.uploads. Letters embed no images, so
# put Pillow's setting back as it was.
_load_truncated_images = ImageFile.LOAD_TRUNCATED_IMAGES
import weasyprint  # noqa: E402
from weasyprint.urls import FatalURLFetchingError, URLFetcher  # noqa: E402

ImageFile.LOAD_TRUNCATED_IMAGES = _load_truncated_images

STYLESHEET = "letters.css"
"""The stylesheet the browser version links, under /static/."""


def letter_html(
    review_request: ReviewRequest,
    kind: LetterKind | str,
    large_print: bool,
    for_pdf: bool,
    track_url: str | None = None,
    text: LetterText | None = None,
) -> str:
    """The letter as a complete HTML document, with `text` as its words if given (else the
    kind's active wording filled from the facts).

    With `for_pdf` false it links /static/letters.css (for the browser, under the CSP); with it
    true the stylesheet is inlined, for `letter_pdf`. Raises LetterError for a decision letter
    when no decision is recorded."""
    letter = letter_for(review_request, kind, large_print, track_url=track_url, text=text)
    return render_letter(letter, for_pdf=for_pdf)


def letter_for(
    review_request: ReviewRequest,
    kind: LetterKind | str,
    large_print: bool = False,
    *,
    track_url: str | None = None,
    text: LetterText | None = None,
    version: int | None = None,
    wording: str | None = None,
) -> Letter:
    """reviews.letters.build_letter with what the web knows: our email address and the
    tracker's address (the public one for a letter that goes, else this site's)."""
    return build_letter(
        review_request,
        kind,
        large_print=large_print,
        contact_email=current_app.config["CONTACT_EMAIL"],
        track_url=track_url or url_for("portal.track", _external=True),
        text=text,
        version=version,
        wording=wording,
    )


def render_letter(letter: Letter, *, for_pdf: bool) -> str:
    stylesheet = _stylesheet() if for_pdf else ""
    return render_template(
        "letters/letter.html",
        letter=letter,
        heading=LETTER_HEADINGS[letter.kind],
        for_pdf=for_pdf,
        stylesheet=stylesheet,
    )


def letter_pdf(
    review_request: ReviewRequest,
    kind: LetterKind | str,
    large_print: bool,
    track_url: str | None = None,
    text: LetterText | None = None,
) -> bytes:
    """The letter as an A4 PDF, tagged for screen readers (PDF/UA-1), with system fonts only."""
    html = letter_html(
        review_request, kind, large_print, for_pdf=True, track_url=track_url, text=text
    )
    return _pdf(html)


def _pdf(html: str) -> bytes:
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=_NoFetching())
    try:
        return document.write_pdf(pdf_variant="pdf/ua-1")
    except FatalURLFetchingError as error:
        # A BaseException in WeasyPrint, which would get past the app's error handling.
        raise LetterError(str(error.__cause__ or error)) from None


class WebLetterOffice:
    """The domain's letter office (reviews.sent_letters.LetterOffice): the PDFs of letters as
    they are sent, with the tracker's public address, and the Met's address from the app's
    settings. It reads the current app when asked, so one office serves every app."""

    def pdf(
        self,
        review_request: ReviewRequest,
        kind: LetterKind,
        large_print: bool,
        text: LetterText | None = None,
    ) -> bytes:
        return letter_pdf(review_request, kind, large_print, track_url=tracker_url(), text=text)

    def draft(
        self, review_request: ReviewRequest, kind: LetterKind, version: int | None = None
    ) -> LetterText:
        letter = letter_for(review_request, kind, track_url=tracker_url(), version=version)
        return LetterText(letter.text, letter.template_version)

    def mps_professional_standards_email(self) -> str:
        return str(current_app.config["MPS_PROFESSIONAL_STANDARDS_EMAIL"])


def init_letters(app: Flask) -> None:
    """Give the domain its letter office: actions that send letters store them from now on."""
    install_letter_office(WebLetterOffice())


def print_pack(letter: SentLetter, large_print: bool) -> bytes:
    """For post: an address sheet, then the stored letter's own pages, unchanged (the large
    print one if asked and kept). Raises LetterError if there is no such file."""
    stored = letter_file(letter, large_print)
    if stored is None:
        raise LetterError("no large-print version of this letter was kept")
    review_request = letter.review_request
    sheet = render_template(
        "letters/address_sheet.html",
        recipient_name=review_request.requester_name,
        address_lines=address_lines(review_request.requester_address),
        reference=format_reference(review_request.reference),
        title=LETTER_TITLES.get(LetterKind(letter.kind), letter.kind),
        large_print=large_print,
        stylesheet=_stylesheet(),
    )
    writer = PdfWriter()
    for part in (_pdf(sheet), stored[1]):
        writer.append(PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class _NoFetching(URLFetcher):
    """Refuses every URL, so a letter can never make the server fetch anything: no network, no
    local files. Failing hard (rather than WeasyPrint's default of logging and going on) turns
    a stray url() or <img> into an error that tests catch."""

    def __init__(self) -> None:
        super().__init__(fail_on_errors=True)

    def fetch(self, url, headers=None):
        raise ValueError(f"letters may not load external resources: {url[:80]}")


@functools.cache
def _stylesheet() -> str:
    css = (STATIC_DIR / STYLESHEET).read_text(encoding="utf-8")
    # It goes inside <style> unescaped, so it must not be able to close the element.
    if "</" in css:
        raise LetterError(f"static/{STYLESHEET} must not contain '</'")
    return css


def pdf_download(content: bytes, filename: str) -> Response:
    """A stored PDF as a download: an attachment, never cached, and sandboxed should a browser
    show it anyway (a letter, a print pack, a person's copy of what they sent)."""
    response = send_file(
        io.BytesIO(content),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=filename,
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
