"""The journey's start: who is asking first, then the help they need; what the letter says;
facts a person does not know (reviews.journey, no app)."""

from __future__ import annotations

from datetime import date

from reviews.journey import applicable_steps, is_late, next_page, wording

TODAY = date(2026, 6, 10)
COMPLAINANT = {"who-is-asking": {"role": "complainant"}}
REPRESENTATIVE = {"who-is-asking": {"role": "representative"}}


def slugs(answers) -> list[str]:
    return [step.slug for step in applicable_steps(answers, TODAY)]


def test_who_is_asking_comes_first_then_the_help_they_need():
    assert slugs({})[:3] == ["who-is-asking", "adjustments-needed", "about-the-met"]
    needed = {**COMPLAINANT, "adjustments-needed": {"needed": "yes"}}
    assert slugs(needed)[:4] == [
        "who-is-asking",
        "adjustments-needed",
        "adjustments",
        "about-the-met",
    ]


def test_wording_for_the_person_answering():
    assert wording(COMPLAINANT)["your"] == "your"
    assert wording({})["you"] == "you"
    words = wording(REPRESENTATIVE)
    assert (words["you"], words["your"], words["You"], words["Your"]) == (
        "they",
        "their",
        "They",
        "Their",
    )
    assert words["the_person"] == "the person you are helping"
    assert words["you_or_them"] == "you, or the person you are helping,"
    named = {**REPRESENTATIVE, "complainant-details": {"full_name": "Sam Example"}}
    assert wording(named)["the_person"] == "Sam Example"
    assert wording(named)["your"] == "their"


def test_a_letter_that_gives_no_right_of_review_leads_to_help_not_an_end():
    answers = {**COMPLAINANT, "review-right": {"review_right": "no"}}
    assert next_page("review-right", answers, TODAY) == "no-review-right"
    # Who the letter says to send the request to is not asked of a letter that says no.
    assert "review-body" not in slugs(answers)
    for answer in ("yes", "not-sure"):
        given = {**COMPLAINANT, "review-right": {"review_right": answer}}
        assert "no-review-right" not in slugs(given) and "review-body" in slugs(given)


def test_without_the_letter_no_upload_and_no_review_body():
    answers = {**COMPLAINANT, "review-right": {"review_right": "no-letter"}}
    steps = slugs(answers)
    assert "letter-upload" not in steps and "review-body" not in steps
    assert "letter-date" in steps


def test_an_unknown_letter_date_asks_roughly_when_and_is_never_late():
    answers = {**COMPLAINANT, "letter-date": {"letter_date": None, "date_unknown": True}}
    steps = slugs(answers)
    assert "letter-approximate" in steps
    assert "letter-received" not in steps and "late-reason" not in steps
    # Even a month long past is not late by itself: staff check with the Met.
    rough = {**answers, "letter-approximate": {"letter_month": "2024-01-01"}}
    assert not is_late(rough, TODAY)
    assert "late-reason" not in slugs(rough)


def test_a_known_letter_date_is_late_as_before():
    answers = {**COMPLAINANT, "letter-date": {"letter_date": "2026-04-01", "date_unknown": False}}
    assert is_late(answers, TODAY)
    assert "letter-approximate" not in slugs(answers)
    assert {"letter-received", "late-reason"} <= set(slugs(answers))
