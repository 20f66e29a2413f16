"""Letter wording that team leaders edit (versions, placeholders, preview, restore), the letter a
caseworker checks (and may change) before it goes, and the decision letter a team leader
approves: what is approved, or checked, is what is stored and sent."""

from __future__ import annotations

import importlib.util
import io
import re
from html import unescape
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from reviews.database import db
from reviews.letter_templates import (
    PLACEHOLDERS,
    WordingError,
    active_wording,
    check,
    fill,
    restore_wording,
    save_wording,
)
from reviews.letter_wording import SHIPPED_WORDING
from reviews.letters import LetterKind
from reviews.models import AuditEvent, LetterTemplate, ReviewRequest, SentLetter
from reviews.references import format_reference
from reviews.workflow import Status, TransitionRefused, perform
from tests.action_pages import take, url
from tests.forms import error_messages, hidden_fields
from tests.requests_data import TODAY, main_path, request_through
from tests.workflow_steps import do, request_at

ROOT = Path(__file__).parents[2]
LENGTH = re.compile(r"\b(\d+) (working days?|days?|years?)\b")


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def letters_of(app, request_id: int) -> list[SentLetter]:
    with app.app_context():
        letters = db.session.scalars(
            select(SentLetter).where(SentLetter.review_request_id == request_id)
        ).all()
        for letter in letters:
            _ = letter.content  # loaded before the session ends
        return list(letters)


def textarea(html: str, name: str) -> str:
    found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert found, f"no {name} textarea"
    return unescape(found.group(1)).lstrip("\n")


# The wording and its rules ------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(LetterKind))
def test_every_letter_kind_shipped_with_wording_it_may_use(kind):
    check(kind.value, SHIPPED_WORDING[kind.value])
    # Promises come from reviews.promises, through placeholders: none typed in the wording.
    assert LENGTH.findall(SHIPPED_WORDING[kind.value]) == []


def test_migration_0020_stores_the_shipped_wording_as_version_1():
    path = next((ROOT / "migrations" / "versions").glob("0020_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0020", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.SHIPPED_WORDING == SHIPPED_WORDING


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Dear {name}", "Line 1: {name} is not a placeholder this letter can use"),
        ("Fine\nYour reference {reference", "Line 2: a { has no matching }"),
        ("Your reference reference}", "Line 1: a } has no matching {"),
        ("{% if upheld %}x{% endif %}", "is not a placeholder this letter can use"),
        ("{date}", "{date} is not a placeholder"),  # a decision's date is its letterhead's
        ("[if upheld]\nYes", "Line 1: this [if] has no [end]"),
        ("Yes\n[end]", "Line 2: this [end] has no [if] before it"),
        ("[if nothing]\nx\n[end]", "names no placeholder"),
        ("   \n", "Enter the letter's wording"),
    ],
)
def test_wording_that_cannot_be_used_is_refused_saying_why(text, message):
    with pytest.raises(WordingError, match=re.escape(message)):
        check("decision", text)


def test_filling_substitutes_once_and_evaluates_nothing():
    wording = "{{not a placeholder}} for {reference}\n[if late]\nLate\n[end]\n{the_complaint}"
    values = {"reference": "{the_complaint} [if late]", "late": False, "the_complaint": "{{7*7}}"}
    assert fill("acknowledgement", wording, values) == (
        "{not a placeholder} for {the_complaint} [if late]\n{{7*7}}"
    )
    assert set(PLACEHOLDERS["decision"]) >= {"reference", "recipient_name", "decision_reasons"}


def test_saving_makes_a_new_active_version_and_restoring_copies_an_old_one(app, people):
    kind = "acknowledgement"
    assert active_wording(kind).version == 1
    saved = save_wording(kind, "Thank you, {recipient_name}.", people.team_leader)
    assert (saved.version, saved.active, saved.created_by_id) == (2, True, people.team_leader.id)
    restored = restore_wording(kind, 1, people.team_leader)
    db.session.commit()
    assert restored.version == 3 and restored.text == SHIPPED_WORDING[kind]
    active = db.session.scalars(
        select(LetterTemplate.version).where(LetterTemplate.kind == kind, LetterTemplate.active)
    ).all()
    assert active == [3]
    details = [
        event.detail
        for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "letter_wording_saved")
        )
    ]
    assert details == [
        {"kind": kind, "version": 2},
        {"kind": kind, "version": 3, "restored_from": 1},
    ]
    with pytest.raises(WordingError):
        save_wording(kind, "Dear {nobody}", people.team_leader)


# The staff pages ------------------------------------------------------------------------------


def test_team_leaders_change_the_wording_with_a_preview_and_letters_use_it(team):
    leader = team.client(team.team_leader)
    listing = leader.get("/staff/letters")
    assert listing.status_code == 200
    assert "Our decision" in listing.text and "/staff/letters/decision" in listing.text
    assert team.client(team.caseworker).get("/staff/letters").status_code == 403

    page = leader.get("/staff/letters/acknowledgement")
    assert "{received_on}" in page.text  # the placeholders are listed beside the editor
    hidden = hidden_fields(page.text)
    wording = "Thank you {recipient_name}.\n\nWe got it on {received_on}.\n\n## Next\n\n- Wait"

    # A preview for the sample request changes nothing.
    preview = leader.post(
        "/staff/letters/acknowledgement",
        data={**hidden, "wording": wording, "preview": "Preview"},
    )
    assert preview.status_code == 200
    assert "Thank you Alex Sample." in unescape(preview.text)
    assert textarea(preview.text, "wording").startswith("Thank you {recipient_name}.")
    with team.app.app_context():
        assert db.session.scalars(select(LetterTemplate)).all() == []

    # A preview for a real request, by its reference.
    request_id = request_through(team.app, requester_name="Sam Example")
    with team.app.app_context():
        reference = format_reference(db.session.get(ReviewRequest, request_id).reference)
    preview = leader.post(
        "/staff/letters/acknowledgement",
        data={**hidden, "wording": wording, "reference": reference, "preview": "Preview"},
    )
    assert "Thank you Sam Example." in unescape(preview.text)

    saved = leader.post("/staff/letters/acknowledgement", data={**hidden, "wording": wording})
    assert saved.status_code == 302
    assert saved.location == "/staff/letters/acknowledgement/versions"
    versions = leader.get(saved.location).text
    assert "Version 2" in versions and "Version 1" in versions

    steps = main_path("acknowledge", by=team.caseworker, leader=team.team_leader)
    acknowledged = request_through(team.app, *steps, requester_name="Sam Example")
    [letter] = letters_of(team.app, acknowledged)
    assert "Thank you Sam Example. We got it on" in pdf_text(letter.content)
    assert letter.template_version == 2 and not letter.edited


def test_wording_with_an_unknown_placeholder_is_not_saved_and_says_why(team):
    leader = team.client(team.team_leader)
    hidden = hidden_fields(leader.get("/staff/letters/decision").text)
    response = leader.post(
        "/staff/letters/decision", data={**hidden, "wording": "Dear {name},\n\nHello {reference"}
    )
    assert response.status_code == 200
    assert error_messages(response.text) == [
        "Line 1: {name} is not a placeholder this letter can use. Use one of those listed"
    ]
    with team.app.app_context():
        assert db.session.scalars(select(LetterTemplate)).all() == []


def test_an_old_version_can_be_viewed_and_restored_as_a_new_version(team):
    leader = team.client(team.team_leader)
    hidden = hidden_fields(leader.get("/staff/letters/decision").text)
    leader.post("/staff/letters/decision", data={**hidden, "wording": "New words, {reference}."})
    old = leader.get("/staff/letters/decision/versions/1")
    assert old.status_code == 200 and "We have reviewed the outcome" in unescape(old.text)
    hidden = hidden_fields(old.text)
    restored = leader.post("/staff/letters/decision/versions/1", data=hidden)
    assert restored.status_code == 302
    versions = leader.get("/staff/letters/decision/versions").text
    assert "Version 3" in versions
    with team.app.app_context():
        assert active_wording("decision").text == SHIPPED_WORDING["decision"]
        assert active_wording("decision").version == 3
    assert leader.get("/staff/letters/decision/versions/9").status_code == 404
    assert leader.get("/staff/letters/no-such-letter").status_code == 404


# The caseworker checks the letter before it goes -----------------------------------------------


def test_the_caseworker_checks_and_changes_the_letter_before_it_goes(team):
    caseworker = team.client(team.caseworker)
    request_id = request_through(team.app, requester_name="Sam Example")
    page = caseworker.get(url(request_id, "acknowledge"))
    assert "Check the letter" in page.text
    text = textarea(page.text, "letter_text")
    assert text.startswith("Thank you for asking us to review the outcome of your complaint")
    changed = text.replace("We received your request on", "Your request reached us on")
    response = caseworker.post(
        url(request_id, "acknowledge"), data={**hidden_fields(page.text), "letter_text": changed}
    )
    assert response.status_code == 302
    [letter] = letters_of(team.app, request_id)
    assert "Your request reached us on" in pdf_text(letter.content)
    assert letter.edited and letter.template_version == 1


def test_a_letter_built_from_the_answers_is_checked_after_them(team):
    caseworker = team.client(team.caseworker)
    steps = main_path("acknowledge", by=team.caseworker, leader=team.team_leader)
    request_id = request_through(team.app, *steps)
    form = hidden_fields(caseworker.get(url(request_id, "ask_requester")).text)
    check_page = caseworker.post(
        url(request_id, "ask_requester"),
        data={**form, "information_requested": "A copy of page 2 of the letter."},
    )
    assert check_page.status_code == 200 and "Check the letter" in check_page.text
    text = textarea(check_page.text, "letter_text")
    assert "A copy of page 2 of the letter." in text
    # Nothing is done until the letter is sent.
    assert len(letters_of(team.app, request_id)) == 1
    take_over = caseworker.post(
        url(request_id, "ask_requester"),
        data={**hidden_fields(check_page.text), "letter_text": text},
    )
    assert take_over.status_code == 302
    letter = letters_of(team.app, request_id)[-1]
    assert letter.kind == "information-needed" and not letter.edited
    assert "A copy of page 2 of the letter." in pdf_text(letter.content)


def test_an_emptied_letter_is_not_sent(team):
    caseworker = team.client(team.caseworker)
    request_id = request_through(team.app)
    page = caseworker.get(url(request_id, "acknowledge"))
    response = caseworker.post(
        url(request_id, "acknowledge"), data={**hidden_fields(page.text), "letter_text": "  "}
    )
    assert [unescape(m) for m in error_messages(response.text)] == ["Enter the letter's words"]
    assert letters_of(team.app, request_id) == []


# A team leader approves the decision letter ----------------------------------------------------


def test_the_decision_letter_as_approved_is_the_one_sent(team):
    caseworker = team.client(team.caseworker)
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
    approver = team.client(team.other_team_leader)
    page = approver.get(url(request_id, "approve_decision"))
    text = textarea(page.text, "letter_text")
    assert "The Met looked at the video." in text
    approved = text.replace("The Met looked at the video.", "The Met watched all the video.")
    response = approver.post(
        url(request_id, "approve_decision"),
        data={**hidden_fields(page.text), "letter_text": approved},
    )
    assert response.status_code == 302

    # Sending shows the approved words, and they cannot be changed there.
    send_page = caseworker.get(url(request_id, "issue_decision")).text
    assert "The Met watched all the video." in unescape(send_page)
    assert 'name="letter_text"' not in send_page
    take(team, caseworker, request_id, "issue_decision")
    decision = letters_of(team.app, request_id)[-1]
    assert decision.kind == "decision" and decision.edited
    assert "The Met watched all the video." in pdf_text(decision.content)
    assert "looked at the video" not in pdf_text(decision.content)


def test_sending_the_decision_takes_no_new_words(app, people):
    review_request = request_at(people, Status.UNDER_REVIEW)
    do(
        review_request,
        "record_decision",
        people.caseworker,
        outcome_reasonable=True,
        decision_reasons="Reasons.",
    )
    do(review_request, "approve_decision", people.team_leader)
    with pytest.raises(TransitionRefused, match="does not take a letter's words"):
        perform(review_request, "issue_decision", people.caseworker, TODAY, letter_text="Other")
