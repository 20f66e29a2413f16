"""The review request journey as data: which questions apply, in what order, and which answers
end the journey early. The portal renders it; the rules live here so they can be unit-tested.

Answers are kept per step, as `answers[step_slug] = {field: value}` with dates as ISO strings.
A step counts as answered once its slug is a key, even with no fields (a page of information
that the person has read and continued from).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from reviews.documents import CONSENT, OUTCOME_LETTER, SUPPORTING, DocumentKind
from reviews.rules import Deadline, deadline_on

Answers = Mapping[str, Mapping[str, Any]]

ADJUSTMENTS = {
    "callback": "A phone call instead of writing",
    "large-print": "Large print",
    "easy-read": "Easy read",
    "braille": "Braille",
    "audio": "Audio",
    "bsl": "British Sign Language (BSL)",
    "interpreter": "An interpreter",
    "other": "Something else",
}


def answer(answers: Answers, slug: str, field: str) -> Any:
    return answers.get(slug, {}).get(field)


def is_representative(answers: Answers) -> bool:
    role: str | None = answer(answers, "who-is-asking", "role")
    return role == "representative"


# Who is asking for someone else: what they are to the person who made the complaint.
REPRESENTATIVE_KINDS = {
    "solicitor": "Solicitor",
    "advocate": "Advocate",
    "mp-office": "MP's office",
    "family-friend": "Family member or friend",
    "support-worker": "Support worker",
    "other": "Someone else",
}
# The kinds who act for an organisation, whose name we ask for.
KINDS_WITH_ORGANISATION = ("solicitor", "advocate", "mp-office", "support-worker")

# How a representative shows they may act (review-rules.md rule 3): the complainant's written
# consent (now, later on our form, or told to the team), or standing where consent is not
# needed: an attorney, deputy or appointee for someone who cannot decide, a parent or guardian
# of a child, or the personal representative or next of kin of someone who has died. Staff
# check each (templates/staff/_representative.html); none is accepted automatically.
CONSENT_ROUTES = (
    "upload-now",
    "form-later",
    "phone-or-email",
    "attorney",
    "parent",
    "died",
)
# What ReviewRequest.consent records for each route: written consent is "uploaded" or
# "awaited"; for the others consent is not needed, but standing is checked.
CONSENT_FOR_ROUTE = {
    "upload-now": "uploaded",
    "form-later": "awaited",
    "phone-or-email": "awaited",
    "attorney": "not-needed",
    "parent": "not-needed",
    "died": "not-needed",
}


def representative_kind(answers: Answers) -> str | None:
    kind: str | None = answer(answers, "about-you", "representative_kind")
    return kind if is_representative(answers) else None


def consent_route(answers: Answers) -> str | None:
    route: str | None = answer(answers, "consent", "consent_route")
    return route if is_representative(answers) else None


def complainant_has_died(answers: Answers) -> bool:
    return consent_route(answers) == "died"


def asks_complainant_updates(answers: Answers) -> bool:
    """A representative chooses who gets updates, unless the complainant has died."""
    return is_representative(answers) and not complainant_has_died(answers)


def updates_go_to_complainant(answers: Answers) -> bool:
    """A representative asked us to send updates to the complainant (alone or as well), which
    we do by email (reviews.notifications.update_recipients): their email address is needed."""
    updates_to: str | None = answer(answers, "updates", "updates_to")
    return asks_complainant_updates(answers) and updates_to in ("complainant", "both")


def wording(answers: Answers) -> dict[str, str]:
    """The words for the person answering: the complainant is "you"; for someone helping them,
    the complainant is "they", and "the person you are helping" until their name is given.
    Form labels hold the keys as `{your}` (web.journey.forms.base rewords them) and templates read
    `words.your`."""
    if not is_representative(answers):
        return {
            "you": "you",
            "You": "You",
            "your": "your",
            "Your": "Your",
            "you_or_them": "you",
            "the_person": "you",
        }
    name = answer(answers, "complainant-details", "full_name")
    return {
        "you": "they",
        "You": "They",
        "your": "their",
        "Your": "Their",
        "you_or_them": "you, or the person you are helping,",
        "the_person": name or "the person you are helping",
    }


def review_right(answers: Answers) -> str | None:
    """What the person says their letter says about asking for a review: yes, no, not-sure,
    or no-letter (they do not have it)."""
    found: str | None = answer(answers, "review-right", "review_right")
    return found


def has_the_letter(answers: Answers) -> bool:
    return review_right(answers) != "no-letter"


def letter_date_unknown(answers: Answers) -> bool:
    return bool(answer(answers, "letter-date", "date_unknown"))


def deadline(answers: Answers, today: date) -> Deadline | None:
    """The deadline from the exact date on the letter. None without one: a rough month or no
    date at all is never taken as late; staff check it with the Met."""
    letter_date = answer(answers, "letter-date", "letter_date")
    if not letter_date or letter_date_unknown(answers):
        return None
    return deadline_on(date.fromisoformat(letter_date), today)


def is_late(answers: Answers, today: date) -> bool:
    found = deadline(answers, today)
    return bool(found and found.is_late)


@dataclass(frozen=True)
class Exit:
    """An answer that ends the journey on a page saying where to go instead."""

    field: str
    value: str
    page: str


@dataclass(frozen=True)
class Step:
    """One page of the journey. `own_page`: it has its own layout,
    templates/portal/journey/<slug>.html (otherwise one question shown as the page heading).
    `upload`: the kind of document the page collects, on an upload page."""

    slug: str
    section: str
    applies: Callable[[Answers, date], bool] = lambda answers, today: True
    exit: Exit | None = None
    own_page: bool = False
    upload: DocumentKind | None = None


STEPS: tuple[Step, ...] = (
    # Who is asking first, so that every later page speaks to them ("your" or "their"); then
    # the help they need to use the service, before anything else is asked of them.
    Step("who-is-asking", "who"),
    Step("adjustments-needed", "adjustments"),
    Step(
        "adjustments",
        "adjustments",
        applies=lambda answers, today: answer(answers, "adjustments-needed", "needed") == "yes",
        own_page=True,
    ),
    Step("about-the-met", "eligibility", exit=Exit("about_met", "no", "other-police-force")),
    Step(
        "about-the-commissioner",
        "eligibility",
        exit=Exit("about_commissioner", "yes", "commissioner"),
    ),
    Step("outcome-letter", "eligibility", exit=Exit("has_letter", "no", "complain-first")),
    Step("review-right", "eligibility"),
    Step(
        "no-review-right",
        "eligibility",
        applies=lambda answers, today: review_right(answers) == "no",
        own_page=True,
    ),
    Step(
        "when-complained",
        "eligibility",
        exit=Exit("after_scheme_start", "no", "before-february-2020"),
    ),
    Step(
        "review-body",
        "eligibility",
        # Asked only of someone whose letter may name a review body.
        applies=lambda answers, today: review_right(answers) in ("yes", "not-sure"),
        exit=Exit("review_body", "iopc", "send-to-the-iopc"),
    ),
    Step("letter-date", "eligibility", own_page=True),
    Step(
        "letter-approximate",
        "eligibility",
        applies=lambda answers, today: letter_date_unknown(answers),
        own_page=True,
    ),
    Step(
        "letter-received",
        "eligibility",
        applies=lambda answers, today: not letter_date_unknown(answers),
        own_page=True,
    ),
    Step(
        "late-reason",
        "eligibility",
        applies=lambda answers, today: is_late(answers, today),
        own_page=True,
    ),
    Step("what-we-cannot-do", "eligibility", own_page=True),
    Step("your-name", "who", applies=lambda answers, today: not is_representative(answers)),
    Step(
        "about-you",
        "who",
        applies=lambda answers, today: is_representative(answers),
        own_page=True,
    ),
    Step(
        "your-organisation",
        "who",
        applies=lambda answers, today: representative_kind(answers) in KINDS_WITH_ORGANISATION,
    ),
    Step(
        "your-connection",
        "who",
        applies=lambda answers, today: representative_kind(answers) == "other",
    ),
    Step(
        "consent", "who", applies=lambda answers, today: is_representative(answers), own_page=True
    ),
    Step(
        "complainant-details",
        "who",
        applies=lambda answers, today: is_representative(answers),
        own_page=True,
    ),
    Step(
        "consent-upload",
        "who",
        applies=lambda answers, today: consent_route(answers) == "upload-now",
        own_page=True,
        upload=CONSENT,
    ),
    Step(
        "consent-form",
        "who",
        applies=lambda answers, today: consent_route(answers) == "form-later",
        own_page=True,
    ),
    Step(
        "consent-authority",
        "who",
        applies=lambda answers, today: consent_route(answers) == "attorney",
        own_page=True,
        upload=CONSENT,
    ),
    Step("updates", "who", applies=lambda answers, today: asks_complainant_updates(answers)),
    Step("mps-reference", "complaint", own_page=True),
    Step("complaint-date", "complaint"),
    Step("complaint-summary", "complaint"),
    Step("why-unhappy", "complaint", own_page=True),
    Step("desired-outcome", "complaint"),
    Step(
        "letter-upload",
        "documents",
        applies=lambda answers, today: has_the_letter(answers),
        own_page=True,
        upload=OUTCOME_LETTER,
    ),
    Step("other-documents", "documents", own_page=True, upload=SUPPORTING),
    Step("how-to-contact", "contact"),
    Step("contact-details", "contact", own_page=True),
    Step("contact-safety", "contact"),
)

STEPS_BY_SLUG = {step.slug: step for step in STEPS}

EXIT_PAGES = frozenset(step.exit.page for step in STEPS if step.exit)
UPLOAD_PAGES = frozenset(step.slug for step in STEPS if step.upload)


def applicable_steps(answers: Answers, today: date) -> list[Step]:
    """The steps this person has to go through, given what they have answered so far."""
    return [step for step in STEPS if step.applies(answers, today)]


def exit_page(step: Step, answers: Answers) -> str | None:
    if step.exit and answer(answers, step.slug, step.exit.field) == step.exit.value:
        return step.exit.page
    return None


def first_unanswered(answers: Answers, today: date) -> Step | None:
    """The first question still to answer, or None when the request is ready to check."""
    for step in applicable_steps(answers, today):
        if step.slug not in answers:
            return step
    return None


def furthest_allowed(answers: Answers, today: date) -> str:
    """Where someone who tried to skip ahead is sent: the first question with no answer, or
    with an answer that ends the journey (so they can change it), else the check page."""
    for step in applicable_steps(answers, today):
        if step.slug not in answers or exit_page(step, answers):
            return step.slug
    return "check-answers"


def may_visit(slug: str, answers: Answers, today: date) -> bool:
    """A page can be seen once every earlier question has an answer that does not end the
    journey, so nobody reaches a page whose earlier answers are missing."""
    for step in applicable_steps(answers, today):
        if step.slug == slug:
            return True
        if step.slug not in answers or exit_page(step, answers):
            return False
    return False


def next_page(slug: str, answers: Answers, today: date, changing: bool = False) -> str:
    """Where to go after answering `slug`: an exit page if the answer ends the journey; else
    the next question in order; or, when changing an answer from the check page, straight
    back there unless the change opened a question that has no answer yet."""
    step = STEPS_BY_SLUG[slug]
    ended = exit_page(step, answers)
    if ended:
        return ended
    if changing:
        unanswered = first_unanswered(answers, today)
        return unanswered.slug if unanswered else "check-answers"
    steps = [step.slug for step in applicable_steps(answers, today)]
    later = steps[steps.index(slug) + 1 :]
    return later[0] if later else "check-answers"


def previous_page(slug: str, answers: Answers, today: date) -> str | None:
    steps = [step.slug for step in applicable_steps(answers, today)]
    if slug not in steps:
        return None
    index = steps.index(slug)
    return steps[index - 1] if index else None


def relevant_answers(answers: Answers, today: date) -> dict[str, Mapping[str, Any]]:
    """Only the answers to steps that apply: an answer left behind by a changed route (say, a
    representative's details after switching to 'I am the complainant') is not sent."""
    return {
        step.slug: answers[step.slug]
        for step in applicable_steps(answers, today)
        if step.slug in answers
    }
