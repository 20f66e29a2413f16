"""Letters: the acknowledgement and the decision letter, as HTML and as PDF.

WeasyPrint is slowish, so only a few tests make PDFs; the wording is checked on the HTML.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from datetime import date
from html import unescape

import pytest
from pypdf import PdfReader
from sqlalchemy import select

import web.letters as letters
from reviews.database import db
from reviews.letters import LetterError, LetterKind, letter_filename, wants_large_print
from reviews.models import ReviewRequest
from reviews.references import format_reference
from tests.journey_data import complainant_steps
from tests.pagecheck import check_page
from web.letters import letter_html, letter_pdf
from web.paths import STATIC_DIR

REASONS = (
    "The Met did not look at the body-worn video.\n"
    "It said the officers were polite.\n"
    "\n"
    "<script>alert('x')</script> & that was not fair."
)
LEARNING = "Internal learning: supervisors to sample stop records"
DECIDED_ON = date(2026, 3, 2)


@pytest.fixture
def review_request_id(app, journey) -> int:
    """A request sent through the journey by a complainant, who chose email and large print
    later, and whose outcome letter is still to follow."""
    journey.walk(complainant_steps())
    assert journey.send().status_code == 302
    with app.app_context():
        review_request = db.session.scalar(select(ReviewRequest))
        review_request.requester_address = "Flat 2\n\n10 High Street\nLondon\nE1 6AN"
        db.session.commit()
        return review_request.id


def _decide(review_request_id: int, *, reasonable: bool, recommendations=(), **fields) -> None:
    review_request = db.session.get(ReviewRequest, review_request_id)
    review_request.outcome_reasonable = reasonable
    review_request.decision_reasons = REASONS
    review_request.recommendations = list(recommendations)
    review_request.learning_points = LEARNING
    review_request.decision_issued_on = DECIDED_ON
    for name, value in fields.items():
        setattr(review_request, name, value)
    db.session.commit()


def _get(review_request_id: int) -> ReviewRequest:
    return db.session.get(ReviewRequest, review_request_id)


def _text(html: str) -> str:
    """The letter's words, one space apart, as a reader would meet them."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _pdf_text(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _body_font_size(reader: PdfReader) -> float:
    """The size, in points, in which most characters are set."""
    sizes: Counter[float] = Counter()

    def visit(text, cm, tm, font, size):
        # Sizes are in CSS pixels, scaled to points by the page's transformation matrix.
        sizes[round(size * abs(cm[0]) * abs(tm[0]), 1)] += len(text.strip())

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return sizes.most_common(1)[0][0]


def test_acknowledgement_says_what_happens_next_and_what_we_still_need(app, review_request_id):
    with app.test_request_context():
        review_request = _get(review_request_id)
        html = letter_html(review_request, LetterKind.ACKNOWLEDGEMENT, False, False)
        reference = format_reference(review_request.reference)

    check_page(html, "script-src 'self' 'nonce-unused'")
    text = _text(html)
    # The browser version links the stylesheet: the CSP refuses inline styles.
    assert '<link rel="stylesheet" href="/static/letters.css?v=' in html
    assert "<style" not in html and "style=" not in html
    assert "letter--large-print" not in html
    for expected in (
        "Mayor's Office for Policing and Crime",
        "169 Union Street",
        "SE1 0LL",
        "Sam Example Flat 2 10 High Street London E1 6AN",
        f"Your reference: {reference}",
        "Metropolitan Police reference: CO/01234/25",
        "We will ask the Met for its records",
        "Independent Office for Police Conduct (IOPC)",
        "roughly when a caseworker will start",
        "a copy of the Met's outcome letter",
        "http://localhost/track",
        "020 7983 4000",
        "Police Complaint Reviews Team",
    ):
        assert expected in text, expected
    assert "<p></p>" not in html  # the blank address line is left out
    assert "signed permission" not in text  # a complainant needs nobody's permission


def test_acknowledgement_to_a_representative_names_the_complainant(app, review_request_id):
    with app.test_request_context():
        review_request = _get(review_request_id)
        review_request.requester_role = "representative"
        review_request.requester_name = "Ria Advocate"
        review_request.consent = "awaited"
        review_request.letter_to_follow = False
        review_request.is_late = True
        review_request.estimated_allocation_month = date(2026, 5, 1)
        db.session.commit()
        text = _text(letter_html(review_request, "acknowledgement", False, False))

    assert "Dear Ria Advocate," in text
    assert "Complainant: Sam Example" in text
    assert "the complaint made by Sam Example" in text
    assert "Sam Example's signed permission for you to ask for this review" in text
    assert "outcome letter, with all its pages" not in text
    assert "after the time limit of 28 days" in text
    assert "May 2026" in text


def test_decision_shows_the_person_s_text_as_text_and_never_learning_points(app, review_request_id):
    with app.test_request_context():
        _decide(review_request_id, reasonable=True, recommendations=["apology"])
        html = letter_html(_get(review_request_id), LetterKind.DECISION, False, False)

    check_page(html, "script-src 'self' 'nonce-unused'")
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; that was not fair." in html
    # Paragraphs and line breaks are kept as the caseworker wrote them.
    assert (
        "<p>The Met did not look at the body-worn video.<br>It said the officers were polite.</p>"
        in html
    )
    assert LEARNING not in html and "learning" not in html.lower()
    text = _text(html)
    assert "We have decided the outcome of your complaint was reasonable and proportionate." in (
        text
    )
    assert "not reasonable" not in text
    # Not upheld: no recommendations, whatever the record holds.
    assert "We recommend" not in text and "apologises" not in text
    for expected in (
        "We have sent a copy of this letter to the Met.",
        "no right of appeal",
        "the Administrative Court",
        "judicial review",
        # The decision's date is the letter's own (a team leader approves the words before the
        # day it goes).
        "Date: 2 March 2026",
        "promptly, and in any event within 3 months of the date of our decision, which is the "
        "date of this letter",
        "independent legal advice",
        "may cost you money",
    ):
        assert expected in text, expected


def test_upheld_decision_lists_recommendations_in_plain_words(app, review_request_id):
    codes = ["other", "review-policy", "return-property", "apology", "explanation"]
    with app.test_request_context():
        _decide(
            review_request_id,
            reasonable=False,
            recommendations=[*codes, "handle-again"],
            other_recommendation="Gives you a copy of the <stop> record",
            refer_to_iopc=True,
        )
        html = letter_html(_get(review_request_id), "decision", False, False)

    assert "Gives you a copy of the &lt;stop&gt; record" in html
    text = _text(html)
    assert (
        "We have decided the outcome of your complaint was not reasonable and proportionate."
        in (text)
    )
    assert (
        "We recommend that the Met: looks at the complaint again gives you a fuller explanation "
        "apologises to you returns property it took reviews a policy or the way it does something "
        "Gives you a copy of the <stop> record"
    ) in text
    assert "The Met must reply to our recommendations in writing." in text
    assert "We will send you a copy of its reply." in text
    assert "We have referred the complaint to the Independent Office for Police Conduct" in text
    assert "handle-again" not in text and "review-policy" not in text


def test_a_decision_letter_needs_a_decision_and_known_recommendations(app, review_request_id):
    with app.test_request_context():
        review_request = _get(review_request_id)
        with pytest.raises(LetterError, match="no decision"):
            letter_html(review_request, "decision", False, False)
        _decide(review_request_id, reasonable=False, recommendations=["compensation"])
        with pytest.raises(LetterError, match="unknown recommendation"):
            letter_html(review_request, "decision", False, False)
        with pytest.raises(ValueError):
            letter_html(review_request, "refusal", False, False)


def test_decision_pdf_standard_and_large_print(app, review_request_id, caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    with app.test_request_context():
        _decide(review_request_id, reasonable=False, recommendations=["apology"])
        review_request = _get(review_request_id)
        reference = format_reference(review_request.reference)
        standard = letter_pdf(review_request, LetterKind.DECISION, large_print=False)
        large = letter_pdf(review_request, LetterKind.DECISION, large_print=True)
        large_html = letter_html(review_request, LetterKind.DECISION, True, True)

    # WeasyPrint reports CSS it ignores and resources it cannot load through its logger.
    assert [record.getMessage() for record in caplog.records] == []
    assert "letter--large-print" in large_html and "<link" not in large_html

    for pdf in (standard, large):
        assert pdf.startswith(b"%PDF-")
        reader, text = _pdf_text(pdf)
        assert reference in text
        assert "was not reasonable and proportionate" in text
        assert "apologises to you" in text
        assert "<script>alert('x')</script> & that was not fair." in text
        assert LEARNING not in text
        assert reader.metadata.title.startswith("Our decision on your request for a review")
        width, height = (float(value) for value in reader.pages[0].mediabox[2:])
        assert (round(width), round(height)) == (595, 842)  # A4 in points

    standard_reader, _ = _pdf_text(standard)
    large_reader, _ = _pdf_text(large)
    assert _body_font_size(standard_reader) == 12
    assert _body_font_size(large_reader) == 18
    assert len(large_reader.pages) > len(standard_reader.pages)


def test_pdf_refuses_to_fetch_anything(app, review_request_id, monkeypatch):
    with app.test_request_context():
        review_request = _get(review_request_id)
        html = letter_html(review_request, "acknowledgement", False, True)
        stray = html.replace("</main>", '<img src="http://127.0.0.1:9/logo.png" alt=""></main>')
        monkeypatch.setattr(letters, "letter_html", lambda *args, **kwargs: stray)
        with pytest.raises(LetterError, match="external resources"):
            letter_pdf(review_request, "acknowledgement", False)


def test_stylesheet_loads_nothing_and_large_print_is_at_least_16pt():
    css = (STATIC_DIR / letters.STYLESHEET).read_text()
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    large_print = css.split(".letter--large-print {", 1)[1].split("}", 1)[0]
    assert "font-size: 18pt;" in large_print


def test_importing_weasyprint_leaves_pillow_refusing_cut_off_images():
    # WeasyPrint turns this on when imported; reviews.uploads relies on it being off.
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_large_print_is_what_the_requester_asked_for(app, review_request_id):
    with app.app_context():
        review_request = _get(review_request_id)
        assert not wants_large_print(review_request)
        review_request.adjustments = ["callback", "large-print"]
        assert wants_large_print(review_request)
        reference = format_reference(review_request.reference)
        assert letter_filename(review_request, "decision", True) == (
            f"decision-letter-{reference}-large-print.pdf"
        )
