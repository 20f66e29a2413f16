"""Letters as pages and PDFs: the acknowledgement and the decision letter, whose wording
reviews.letters builds (`build_letter`).

A letter is one HTML template (templates/letters/<kind>.html on the base _letter.html), shown
in the browser for printing or made into a PDF with WeasyPrint. The browser version links
static/letters.css, because the Content-Security-Policy refuses inline styles; the PDF version
inlines that same file, because WeasyPrint here may fetch nothing at all (see `_NoFetching`).

Rendering needs a request context (the tracker link and the stylesheet URL are built with
`url_for`), which every staff route has.
"""

from __future__ import annotations

import functools

from flask import current_app, render_template, url_for
from PIL import ImageFile

from reviews.letters import LetterError, LetterKind, build_letter
from reviews.models import ReviewRequest
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
    review_request: ReviewRequest, kind: LetterKind | str, large_print: bool, for_pdf: bool
) -> str:
    """The letter as a complete HTML document.

    With `for_pdf` false it links /static/letters.css (for the browser, under the CSP); with it
    true the stylesheet is inlined, for `letter_pdf`. Raises LetterError for a decision letter
    when no decision is recorded."""
    kind = LetterKind(kind)
    stylesheet = _stylesheet() if for_pdf else ""
    letter = build_letter(
        review_request,
        kind,
        large_print=large_print,
        contact_email=current_app.config["CONTACT_EMAIL"],
        track_url=url_for("portal.track", _external=True),
    )
    return render_template(
        f"letters/{kind.value}.html", letter=letter, for_pdf=for_pdf, stylesheet=stylesheet
    )


def letter_pdf(review_request: ReviewRequest, kind: LetterKind | str, large_print: bool) -> bytes:
    """The letter as an A4 PDF, tagged for screen readers (PDF/UA-1), with system fonts only."""
    html = letter_html(review_request, kind, large_print=large_print, for_pdf=True)
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=_NoFetching())
    try:
        return document.write_pdf(pdf_variant="pdf/ua-1")
    except FatalURLFetchingError as error:
        # A BaseException in WeasyPrint, which would get past the app's error handling.
        raise LetterError(str(error.__cause__ or error)) from None


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
