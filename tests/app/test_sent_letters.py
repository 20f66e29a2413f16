"""Letters as they are sent: stored when the action that sends them is done, carried by its
email, copied to the Met with a decision, listed on the tracker and printed for post, always
the same stored bytes."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update
from sqlalchemy.exc import DatabaseError

from reviews.database import db
from reviews.letters import LetterKind
from reviews.models import OutboxMessage, SentLetter
from reviews.references import format_reference
from reviews.workflow import Status
from tests.action_pages import take
from tests.journey import look_up
from tests.requests_data import TODAY, main_path, make_request, request_through
from tests.workflow_steps import decide, do, emails, request_at
from web.outbox import attachments_of

ADDRESS = "Flat 2\n10 High Street\nLondon\nE1 6AN"


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def stored(review_request) -> list[SentLetter]:
    return list(
        db.session.scalars(
            select(SentLetter)
            .where(SentLetter.review_request_id == review_request.id)
            .order_by(SentLetter.id)
        )
    )


def test_a_request_decided_has_its_letters_stored_and_emailed(app, people):
    review_request = request_at(people, Status.UNDER_REVIEW)
    decide(
        review_request,
        people,
        reasonable=False,
        recommendations=["apology"],
        learning_points="Supervisors to sample stop records.",
    )
    acknowledgement, decision = stored(review_request)
    assert (acknowledgement.kind, decision.kind) == ("acknowledgement", "decision")
    assert decision.delivery == "email" and decision.sent_by_id == people.caseworker.id
    assert decision.sha256 == hashlib.sha256(decision.content).hexdigest()
    assert decision.size == len(decision.content)
    assert decision.filename == f"decision-letter-{format_reference(review_request.reference)}.pdf"
    text = pdf_text(decision.content)
    assert "Our decision on your request for a review" in text
    assert "apologises to you" in text
    assert "Supervisors to sample" not in text  # learning points are never in a letter
    assert not decision.has_large_print

    by_template = {message.template: message for message in emails(review_request)}
    assert by_template["request_acknowledged"].letter_id == acknowledgement.id
    assert by_template["decision_sent"].letter_id == decision.id
    assert by_template["decision_sent"].recipient == "Sam@example.com"


def test_the_met_gets_its_copy_of_the_decision_and_the_case_says_so(app, people):
    review_request = request_at(people, Status.UNDER_REVIEW)
    decide(review_request, people, reasonable=True)
    decision = stored(review_request)[-1]
    [copy] = [m for m in emails(review_request) if m.template == "decision_for_mps"]
    assert copy.recipient == app.config["MPS_PROFESSIONAL_STANDARDS_EMAIL"]
    assert copy.letter_id == decision.id
    entry = review_request.timeline[-1]
    assert entry.status == Status.NOT_UPHELD
    assert app.config["MPS_PROFESSIONAL_STANDARDS_EMAIL"] in entry.staff_note
    assert "We have sent a copy of this letter to the Met." in pdf_text(decision.content)


def test_the_mps_response_is_shared_as_a_stored_letter(app, people):
    review_request = request_at(people, Status.UNDER_REVIEW)
    decide(review_request, people, reasonable=False, recommendations=["handle-again"])
    do(
        review_request,
        "record_mps_response",
        people.caseworker,
        mps_response="We will look at the complaint again.\n\nInspector Lee will lead it.",
        mps_response_received_on=TODAY - timedelta(days=1),
    )
    reply = stored(review_request)[-1]
    assert reply.kind == LetterKind.MPS_RESPONSE
    text = pdf_text(reply.content)
    assert "The Met's reply to our recommendations" in text
    assert "We will look at the complaint again." in text and "Inspector Lee will lead it." in text
    [shared] = [m for m in emails(review_request) if m.template == "mps_response_shared"]
    assert shared.letter_id == reply.id


@pytest.mark.parametrize(
    ("steps", "kind", "says"),
    [
        (
            [("ask_requester", {"information_requested": "The last page of the Met's letter."})],
            LetterKind.INFORMATION_NEEDED,
            "The last page of the Met's letter.",
        ),
        (
            [("decide_invalid", {"validity": "not-mps", "validity_reason": "Kent Police."})],
            LetterKind.NO_RIGHT_OF_REVIEW,
            "it is not about the Metropolitan Police",
        ),
        (
            [
                (
                    "forward_to_iopc",
                    {"shared_with_iopc": "Your request form and the outcome letter."},
                )
            ],
            LetterKind.FORWARDED_TO_IOPC,
            "Your request form and the outcome letter.",
        ),
    ],
)
def test_each_triage_letter_is_stored_with_its_facts(app, people, steps, kind, says):
    review_request = request_at(people, Status.ACKNOWLEDGED)
    for name, details in steps:
        do(review_request, name, people.caseworker, **details)
    letter = stored(review_request)[-1]
    assert letter.kind == kind
    assert says in pdf_text(letter.content)
    assert emails(review_request)[-1].letter_id == letter.id


def test_a_late_request_refused_gets_its_letter(app, people):
    review_request = request_at(people, Status.ACKNOWLEDGED, is_late=True, late_reason="Unwell.")
    do(review_request, "consider_late", people.caseworker)
    do(
        review_request,
        "refuse_late",
        people.caseworker,
        reason="No reason was given for the delay.",
    )
    letter = stored(review_request)[-1]
    assert letter.kind == LetterKind.LATE_REQUEST_REFUSED
    assert "No reason was given for the delay." in pdf_text(letter.content)


def test_large_print_is_stored_when_chosen_and_both_files_go_with_the_email(app, people):
    review_request = request_at(people, Status.ACKNOWLEDGED, adjustments=["large-print"])
    letter = stored(review_request)[0]
    assert letter.has_large_print
    assert letter.large_print_filename.endswith("-large-print.pdf")
    assert letter.large_print_sha256 == hashlib.sha256(letter.large_print_content).hexdigest()
    assert letter.large_print_content != letter.content
    message = emails(review_request)[0]
    files = attachments_of(message)
    assert [file.filename for file in files] == [letter.filename, letter.large_print_filename]
    assert [file.content for file in files] == [letter.content, letter.large_print_content]


def test_a_letter_for_someone_who_chose_post_is_for_posting(app, people):
    review_request = request_at(
        people, Status.ACKNOWLEDGED, preferred_contact="post", requester_address=ADDRESS
    )
    [letter] = stored(review_request)
    assert letter.delivery == "post" and letter.by_post
    assert emails(review_request) == []


def test_a_stored_letter_cannot_be_changed(app, people):
    review_request = request_at(people, Status.ACKNOWLEDGED)
    [letter] = stored(review_request)
    with pytest.raises(DatabaseError):
        db.session.execute(
            update(SentLetter).where(SentLetter.id == letter.id).values(content=b"forged")
        )
        db.session.flush()
    db.session.rollback()


# The tracker and the staff pages.


def _decided_request(people, **fields):
    review_request = request_at(people, Status.UNDER_REVIEW, **fields)
    decide(review_request, people, reasonable=True)
    return review_request


def _tracking(app, review_request):
    client = app.test_client()
    response = look_up(client, format_reference(review_request.reference), "Example")
    assert response.status_code == 302
    return client


def test_the_tracker_lists_every_letter_and_gives_the_stored_bytes(app, people):
    review_request = _decided_request(people, adjustments=["large-print"])
    acknowledgement, decision = stored(review_request)
    client = _tracking(app, review_request)
    page = client.get("/track/your-request").text
    assert "Letters we sent you" in page
    assert page.index("Our decision") < page.index("We have received your request")
    assert f"/track/letters/{decision.id}" in page
    assert f"/track/letters/{decision.id}/large-print" in page

    response = client.get(f"/track/letters/{decision.id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f"attachment; filename={decision.filename}"
    assert response.data == decision.content
    large = client.get(f"/track/letters/{acknowledgement.id}/large-print")
    assert large.data == acknowledgement.large_print_content
    assert "large-print" in large.headers["Content-Disposition"]


def test_the_tracker_gives_no_other_requests_letter(app, people):
    mine = request_at(people, Status.ACKNOWLEDGED)
    theirs = request_at(people, Status.ACKNOWLEDGED, requester_name="Alex Other")
    [their_letter] = stored(theirs)
    [my_letter] = stored(mine)
    client = _tracking(app, mine)
    assert client.get(f"/track/letters/{their_letter.id}").status_code == 404
    assert client.get(f"/track/letters/{my_letter.id}/large-print").status_code == 404
    assert client.get(f"/track/letters/{my_letter.id}").status_code == 200
    assert app.test_client().get(f"/track/letters/{my_letter.id}").status_code == 302


def test_staff_download_the_stored_letter_and_a_print_pack_for_post(
    app, caseworker, auditor, client_as
):
    acknowledge = ("acknowledge", caseworker, {})
    request_id = request_through(
        app, acknowledge, preferred_contact="post", requester_address=ADDRESS
    )
    other_id = request_through(app, acknowledge)
    with app.app_context():
        letter = db.session.scalars(
            select(SentLetter).where(SentLetter.review_request_id == request_id)
        ).one()
        content = letter.content
        assert letter.delivery == "post"
    base = f"/staff/requests/{request_id}/sent-letters/{letter.id}"
    staff = client_as(caseworker)
    page = staff.get(f"/staff/requests/{request_id}").text
    assert f"{base}/print-pack" in page and "by post" in page

    assert staff.get(base).data == content
    pack = staff.get(f"{base}/print-pack")
    assert pack.status_code == 200 and pack.mimetype == "application/pdf"
    assert pack.headers["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(pack.data))
    original = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1 + len(original.pages)
    sheet = " ".join(reader.pages[0].extract_text().split())
    assert "Sam Example" in sheet and "10 High Street" in sheet and "E1 6AN" in sheet
    assert reader.pages[1].extract_text() == original.pages[0].extract_text()

    assert client_as(auditor).get(f"{base}/print-pack").status_code == 403
    assert app.test_client().get(f"{base}/print-pack").status_code == 302
    wrong = f"/staff/requests/{other_id}/sent-letters/{letter.id}/print-pack"
    assert staff.get(wrong).status_code == 404


def test_no_letter_office_means_no_action_that_sends_a_letter(app, people, monkeypatch):
    # Without the web's office the domain refuses to send a letter rather than send none.
    import reviews.sent_letters as sent_letters

    monkeypatch.setattr(sent_letters, "_office", None)
    review_request = make_request()
    with pytest.raises(sent_letters.LetterError):
        sent_letters.send_letter(review_request, LetterKind.ACKNOWLEDGEMENT, people.caseworker)
    db.session.rollback()
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_the_action_page_says_a_posted_letter_needs_printing(team):
    caseworker = team.client(team.caseworker)
    request_id = request_through(team.app, preferred_contact="post", requester_address=ADDRESS)
    page = caseworker.get(f"/staff/requests/{request_id}/actions/acknowledge").text
    assert "print the letter from the request page and post it" in page
    banner = take(team, caseworker, request_id, "acknowledge")
    assert banner == "Request acknowledged. Print the letter from this page and post it."


def test_sending_the_decision_through_its_page_copies_the_met(team):
    caseworker, leader = team.client(team.caseworker), team.client(team.team_leader)
    steps = main_path("start_review", by=team.caseworker, leader=team.team_leader)
    request_id = request_through(team.app, *steps)
    take(
        team,
        caseworker,
        request_id,
        "record_decision",
        outcome_reasonable="yes",
        decision_reasons="The Met looked at the video.",
    )
    take(team, team.client(team.other_team_leader), request_id, "approve_decision")
    page = caseworker.get(f"/staff/requests/{request_id}/actions/issue_decision").text
    assert "A copy of the letter is emailed to the Met" in page
    banner = take(team, caseworker, request_id, "issue_decision")
    assert banner == (
        "Decision sent. The requester will get an email with the letter. The Met will get a copy."
    )
    request_page = leader.get(f"/staff/requests/{request_id}").text
    assert "emailed to the Met&#39;s Professional Standards" in request_page
    assert "Our decision, " in request_page and "by email" in request_page


@pytest.mark.parametrize(
    ("fields", "delivery"),
    [
        ({}, "email"),
        ({"preferred_contact": "post", "requester_email": None}, "post"),
        ({"preferred_contact": "phone"}, "post"),
        (
            {
                "requester_role": "representative",
                "preferred_contact": "post",
                "updates_to": "both",
                "complainant_name": "Jo Complainant",
                "complainant_email": "jo@example.com",
            },
            "both",
        ),
    ],
)
def test_how_a_letter_goes_follows_how_they_asked_to_be_contacted(app, people, fields, delivery):
    review_request = request_at(people, Status.ACKNOWLEDGED, **fields)
    [letter] = stored(review_request)
    assert letter.delivery == delivery
    assert all(message.letter_id == letter.id for message in emails(review_request))
