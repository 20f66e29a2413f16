"""Someone asking for the person who made the complaint: what kind of representative they are,
each way of showing they may act for them, the consent form downloads, who gets updates, and
what staff see and check."""

from __future__ import annotations

import io
import re
import zipfile
from html import unescape

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from reviews.database import db
from reviews.models import OutboxMessage, ReviewRequest
from tests.forms import error_messages
from tests.journey_data import (
    CONSENT_ROUTES,
    KIND_DETAILS,
    REPRESENTATIVE_KINDS,
    pdf_bytes,
    replace_step,
    representative_steps,
)
from tests.pagecheck import check_page
from tests.requests_data import add_request

KINDS = REPRESENTATIVE_KINDS


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _sent(app) -> ReviewRequest:
    with app.app_context():
        review_request = db.session.scalar(select(ReviewRequest))
        db.session.expunge(review_request)
        return review_request


def _walk_and_send(journey, steps) -> None:
    """Walk `steps`, uploading signed permission where the route asks for it now."""
    for slug, data in steps:
        journey.answer(slug, data)
        if slug == "complainant-details" and dict(steps).get("consent", {}).get(
            "consent_route"
        ) == ("upload-now"):
            journey.upload("consent-upload", [(io.BytesIO(pdf_bytes()), "permission.pdf")])
            journey.answer("consent-upload", {"action": "continue"})
    assert journey.send().location.endswith("/request/sent")


# Kinds of representative ------------------------------------------------------------------------


def test_about_you_asks_what_kind_of_representative(journey):
    journey.walk_to("about-you", representative_steps())
    page = _text(journey.client.get("/request/about-you").text)
    for label in (
        "Solicitor",
        "Advocate",
        "MP's office",
        "Family member or friend",
        "Support worker",
        "Someone else",
    ):
        assert label in page
    missing = journey.answer("about-you", {"full_name": "Ria"}, expect_redirect=False)
    assert error_messages(missing.text) == ["Select how you are helping them"]


@pytest.mark.parametrize("kind", KINDS)
def test_organisation_is_asked_only_where_it_applies(journey, kind):
    steps = representative_steps(kind=kind)
    journey.walk_to("about-you", steps)
    answered = journey.answer("about-you", {"full_name": "Ria", "representative_kind": kind})
    expected = KIND_DETAILS[kind][0] if kind in KIND_DETAILS else "consent"
    assert answered.location.endswith(f"/request/{expected}")


def test_organisation_and_connection_are_required_on_their_pages(journey):
    journey.walk_to("about-you", representative_steps(kind="solicitor"))
    journey.answer("about-you", {"full_name": "Ria", "representative_kind": "solicitor"})
    page = journey.client.get("/request/your-organisation").text
    assert "What is the name of your firm?" in _text(page)
    missing = journey.answer("your-organisation", {"organisation": " "}, expect_redirect=False)
    assert error_messages(missing.text) == ["Enter the name of your organisation"]

    journey.answer("about-you", {"full_name": "Ria", "representative_kind": "other"})
    missing = journey.answer("your-connection", {"relationship": ""}, expect_redirect=False)
    assert error_messages(missing.text) == ["Enter how you know the person you are helping"]


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_sent_and_stored(app, journey, kind):
    _walk_and_send(journey, representative_steps(kind=kind))
    sent = _sent(app)
    assert sent.representative_kind == kind
    organisation = KIND_DETAILS.get(kind, ("", {}))[1].get("organisation")
    assert sent.representative_organisation == organisation
    assert sent.representative_relationship == ("Their neighbour" if kind == "other" else None)


def test_an_organisation_left_from_another_kind_is_not_sent(app, journey):
    steps = representative_steps(kind="solicitor")
    journey.walk_to("consent", steps)
    journey.answer(
        "about-you", {"full_name": "Ria Advocate", "representative_kind": "family-friend"}
    )
    _walk_and_send(journey, steps[[slug for slug, _ in steps].index("consent") :])
    sent = _sent(app)
    assert (sent.representative_kind, sent.representative_organisation) == ("family-friend", None)


# Ways of showing they may act -------------------------------------------------------------------


def test_the_consent_question_offers_every_route_with_what_happens_next(journey):
    journey.walk_to("consent", representative_steps())
    page = _text(journey.client.get("/request/consent").text)
    assert "How can you show you may act for the person you are helping?" in page
    for words in (
        "signed permission",
        "consent form",
        "phone or email us",
        "lasting power of attorney",
        "parent or guardian",
        "has died",
        "We will check",
    ):
        assert words in page, words
    missing = journey.answer("consent", {}, expect_redirect=False)
    assert error_messages(missing.text) == ["Select how you can show you may act for them"]


EXPECTED = {
    # route: (consent recorded, consent documents, updates_to)
    "upload-now": ("uploaded", ["consent"], "both"),
    "form-later": ("awaited", [], "both"),
    "phone-or-email": ("awaited", [], "both"),
    "attorney": ("not-needed", [], "both"),
    "parent": ("not-needed", [], "both"),
    "died": ("not-needed", [], "requester"),
}


@pytest.mark.parametrize("route", CONSENT_ROUTES)
def test_each_route_is_sent_and_stored(app, journey, route):
    _walk_and_send(journey, representative_steps(route=route))
    sent = _sent(app)
    consent, documents, updates_to = EXPECTED[route]
    assert sent.consent_route == route
    assert sent.consent == consent
    with app.app_context():
        found = db.session.get(ReviewRequest, sent.id)
        assert [d.kind for d in found.documents] == documents
    assert sent.updates_to == updates_to
    if route == "died":
        assert sent.complainant_email is None
    sent_page = _text(journey.client.get("/request/sent").text)
    assert "What happens next" in sent_page


def test_a_complainant_who_has_died_gets_no_updates_and_no_contact_questions(app, journey):
    steps = representative_steps(route="died")
    journey.walk_to("complainant-details", steps)
    page = journey.client.get("/request/complainant-details").text
    assert "About the person who has died" in _text(page)
    assert 'name="email"' not in page and 'name="phone"' not in page
    journey.answer("complainant-details", {"full_name": "Sam Example"})
    # Straight on past the updates question: updates go only to the person asking.
    assert "updates" not in [slug for slug, _ in steps]
    _walk_and_send(journey, steps[[slug for slug, _ in steps].index("mps-reference") :])
    with app.app_context():
        assert list(db.session.scalars(select(OutboxMessage.recipient))) == ["ria@example.org"]


def test_an_earlier_updates_choice_is_dropped_when_the_complainant_has_died(app, journey):
    steps = representative_steps(route="form-later")
    journey.walk_to("mps-reference", steps)
    journey.answer("consent", {"consent_route": "died"}, expect_redirect=True)
    journey.answer("complainant-details", {"full_name": "Sam Example"})
    _walk_and_send(journey, steps[[slug for slug, _ in steps].index("mps-reference") :])
    sent = _sent(app)
    assert (sent.consent_route, sent.updates_to, sent.complainant_email) == (
        "died",
        "requester",
        None,
    )


def test_consent_by_phone_or_email_needs_a_way_to_reach_them(journey):
    steps = representative_steps(route="phone-or-email")
    journey.walk_to("complainant-details", steps)
    response = journey.answer(
        "complainant-details", {"full_name": "Sam Example"}, expect_redirect=False
    )
    assert error_messages(response.text) == [
        "Enter their email address or phone number, so we can check with them that they agree"
    ]
    journey.answer("complainant-details", {"full_name": "Sam Example", "phone": "020 7946 0000"})


def test_signed_permission_uploaded_now_needs_a_file(journey):
    steps = representative_steps(route="upload-now")
    journey.walk_to("updates", steps)
    page = _text(journey.client.get("/request/consent-upload").text)
    assert "Upload Sam Example's signed permission" in page
    response = journey.answer("consent-upload", {"action": "continue"}, expect_redirect=False)
    assert error_messages(response.text) == ["Upload their signed permission"]


def test_the_consent_form_page_links_to_every_download_and_says_how_to_send_it(journey):
    steps = representative_steps(route="form-later")
    journey.walk_to("consent-form", steps)
    page = journey.client.get("/request/consent-form").text
    for name in (
        "consent-form.pdf",
        "consent-form.docx",
        "consent-form-large-print.pdf",
        "consent-form-large-print.docx",
    ):
        assert f'href="/consent-form/{name}"' in page
    words = _text(page)
    assert "Sam Example" in words
    for how in ("By post", "By email", "Send us a document"):
        assert how in words


def test_a_power_of_attorney_copy_can_be_uploaded_or_sent_later(app, journey):
    steps = representative_steps(route="attorney")
    journey.walk_to("consent-authority", steps)
    page = _text(journey.client.get("/request/consent-authority").text)
    assert "lasting power of attorney" in page
    response = journey.answer("consent-authority", {"action": "continue"}, expect_redirect=False)
    assert error_messages(response.text) == ["Upload a copy, or tell us you will send one later"]
    journey.upload("consent-authority", [(io.BytesIO(pdf_bytes()), "attorney.pdf")])
    journey.answer("consent-authority", {"action": "continue"})
    rest = steps[[slug for slug, _ in steps].index("consent-authority") + 1 :]
    journey.walk(rest)
    check = _text(journey.client.get("/request/check-answers").text)
    assert "attorney.pdf" in check
    journey.send()
    with app.app_context():
        found = db.session.scalar(select(ReviewRequest))
        assert [(d.kind, d.filename) for d in found.documents] == [("consent", "attorney.pdf")]


def test_check_answers_shows_the_kind_and_route(journey):
    journey.walk(representative_steps(route="parent", kind="family-friend"))
    page = _text(journey.client.get("/request/check-answers").text)
    assert "Family member or friend" in page
    assert "I am the parent or guardian of a child who made the complaint" in page


# Consent form downloads -------------------------------------------------------------------------


def _docx_sizes(docx: bytes) -> list[int]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        document = archive.read("word/document.xml").decode()
    return [int(size) for size in re.findall(r'<w:sz w:val="(\d+)"/>', document)]


def _most_common(sizes: list[int]) -> int:
    return max(set(sizes), key=sizes.count)


def _pdf_body_size(pdf: bytes) -> float:
    sizes: dict[float, int] = {}

    def visit(text, cm, tm, font, size):
        key = round(size * abs(cm[0]) * abs(tm[0]), 1)
        sizes[key] = sizes.get(key, 0) + len(text.strip())

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return max(sizes, key=lambda key: sizes[key])


def test_the_consent_form_as_pdf(client):
    response = client.get("/consent-form/consent-form.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "attachment" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "permission" in text.lower() and "Signature" in text


def test_the_consent_form_as_word(client):
    response = client.get("/consent-form/consent-form.docx")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
        assert {"[Content_Types].xml", "_rels/.rels", "word/document.xml"} <= names
        document = archive.read("word/document.xml").decode()
    assert "Signature" in document


def test_large_print_has_bigger_type(client):
    standard_pdf = client.get("/consent-form/consent-form.pdf").data
    large_pdf = client.get("/consent-form/consent-form-large-print.pdf").data
    assert large_pdf.startswith(b"%PDF")
    assert _pdf_body_size(large_pdf) >= 16 > _pdf_body_size(standard_pdf)
    standard_docx = client.get("/consent-form/consent-form.docx").data
    large_docx = client.get("/consent-form/consent-form-large-print.docx").data
    # Word counts type in half-points: large print is 16pt or more, standard print less.
    assert _most_common(_docx_sizes(large_docx)) >= 32 > _most_common(_docx_sizes(standard_docx))
    assert min(_docx_sizes(large_docx)) > min(_docx_sizes(standard_docx))


def test_the_word_and_pdf_forms_say_the_same(client):
    pdf = client.get("/consent-form/consent-form.pdf").data
    docx = client.get("/consent-form/consent-form.docx").data
    pdf_text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split()
    )
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        words = re.findall(r"<w:t[^>]*>([^<]*)</w:t>", archive.read("word/document.xml").decode())
    for line in ("I give permission", "169 Union Street", "Date"):
        assert line in pdf_text
        assert any(line in unescape(word) for word in words)


def test_an_unknown_consent_form_is_not_found(client):
    assert client.get("/consent-form/consent-form.exe").status_code == 404


# Staff see the route and what to check ----------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "check"),
    [
        ("upload-now", "signed by the person who made the complaint"),
        ("form-later", "Wait for the signed consent form"),
        ("phone-or-email", "Record in a note"),
        ("attorney", "power of attorney, deputyship order or appointeeship"),
        ("parent", "under 18"),
        ("died", "personal representative or next of kin"),
    ],
)
def test_the_staff_page_shows_the_route_and_what_to_check(app, caseworker, client_as, route, check):
    saved = add_request(
        app,
        requester_role="representative",
        requester_name="Ria Advocate",
        complainant_name="Sam Example",
        representative_kind="solicitor",
        representative_organisation="Example Law LLP",
        consent_route=route,
        consent=EXPECTED[route][0],
    )
    page = _text(client_as(caseworker).get(f"/staff/requests/{saved.id}").text)
    assert "Solicitor" in page
    assert check in page
    assert "What to check" in page


def test_the_staff_page_shows_nothing_to_check_for_a_complainant(app, caseworker, client_as):
    saved = add_request(app)
    page = _text(client_as(caseworker).get(f"/staff/requests/{saved.id}").text)
    assert "What to check" not in page


def test_steps_not_in_the_route_are_not_offered(journey):
    steps = replace_step(representative_steps(route="parent"), "updates", {"updates_to": "both"})
    journey.walk_to("complainant-details", steps)
    for slug in ("consent-upload", "consent-form", "consent-authority"):
        response = journey.client.get(f"/request/{slug}")
        assert response.status_code == 302


@pytest.mark.parametrize("route", CONSENT_ROUTES)
def test_each_route_s_pages_pass_the_page_check(journey, route):
    """One h1, a title that starts with it, unique ids, nonced scripts, HTML that parses: on
    every page of the who section for each route, and the check page and confirmation."""
    steps = representative_steps(route=route, kind="solicitor")
    slugs = [slug for slug, _ in steps]
    who = slugs[slugs.index("about-you") : slugs.index("mps-reference")]

    def check(path: str) -> None:
        response = journey.client.get(path)
        assert response.status_code == 200, path
        check_page(response.text, response.headers["Content-Security-Policy"])

    for slug, data in steps:
        if slug in who:
            check(f"/request/{slug}")
        journey.answer(slug, data)
        if slug == "complainant-details" and route == "upload-now":
            check("/request/consent-upload")
            journey.upload("consent-upload", [(io.BytesIO(pdf_bytes()), "permission.pdf")])
            journey.answer("consent-upload", {"action": "continue"})
    check("/request/check-answers")
    journey.send()
    check("/request/sent")


def test_the_organisation_box_says_it_is_their_own_organisation(journey):
    journey.walk_to("your-organisation", representative_steps(kind="mp-office"))
    page = journey.client.get("/request/your-organisation").text
    assert "Which MP&#39;s office do you work in?" in page or "Which MP's office" in page
    assert 'autocomplete="organization"' in page
