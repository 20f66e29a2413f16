"""Equality monitoring: optional questions for the person who sent a request, so that MOPAC can
check it treats everyone fairly (Equality Act 2010, public sector equality duty).

Offered on the confirmation page after sending, never before: nothing about the request may
depend on them. Every question may be skipped and each offers "Prefer not to say". The
wording and answers follow the Government Statistical Service's harmonised standards (Census
2021, England). Ethnicity is asked as the five high-level groups only: at this service's size
the detailed categories would nearly all be too small to report, and what cannot be reported
is not worth asking.

The answers are kept together in one row (reviews.models.EqualityAnswer) with the month only:
no request, reference, session or address. They are never shown on a case; staff see them
only added up, with small numbers hidden (reviews.small_numbers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from reviews.database import db
from reviews.models import EqualityAnswer
from reviews.reports import Period
from reviews.small_numbers import hide_small, shown
from reviews.survey import month_of

PREFER_NOT_TO_SAY = "prefer-not-to-say"
NOT_ANSWERED = "Not answered"


@dataclass(frozen=True)
class Question:
    slug: str  # its page: /equality/<slug>
    column: str  # its column in EqualityAnswer
    title: str
    hint: str | None
    choices: dict[str, str]  # code: words, "Prefer not to say" last


def _choices(**answers: str) -> dict[str, str]:
    return {**{code.replace("_", "-"): words for code, words in answers.items()},
            PREFER_NOT_TO_SAY: "Prefer not to say"}  # fmt: skip


QUESTIONS: tuple[Question, ...] = (
    Question(
        "age-band",
        "age_band",
        "What is your age?",
        None,
        {
            "under-18": "Under 18",
            "18-24": "18 to 24",
            "25-34": "25 to 34",
            "35-44": "35 to 44",
            "45-54": "45 to 54",
            "55-64": "55 to 64",
            "65-74": "65 to 74",
            "75-or-over": "75 or over",
            PREFER_NOT_TO_SAY: "Prefer not to say",
        },
    ),
    Question(
        "sex",
        "sex",
        "What is your sex?",
        None,
        _choices(female="Female", male="Male"),
    ),
    Question(
        "gender-identity",
        "gender_identity",
        "Is the gender you identify with the same as your sex registered at birth?",
        None,
        _choices(yes="Yes", no="No"),
    ),
    Question(
        "ethnic-group",
        "ethnic_group",
        "What is your ethnic group?",
        None,
        _choices(
            asian="Asian or Asian British",
            black="Black, Black British, Caribbean or African",
            mixed="Mixed or multiple ethnic groups",
            white="White",
            other="Another ethnic group",
        ),
    ),
    Question(
        "disability",
        "disability",
        "Do you have a health condition or illness that has lasted, or is likely to last, "
        "12 months or more?",
        "This can be a physical or mental health condition.",
        _choices(yes="Yes", no="No"),
    ),
    Question(
        "religion",
        "religion",
        "What is your religion?",
        None,
        _choices(
            no_religion="No religion",
            christian="Christian",
            buddhist="Buddhist",
            hindu="Hindu",
            jewish="Jewish",
            muslim="Muslim",
            sikh="Sikh",
            other="Any other religion",
        ),
    ),
    Question(
        "sexual-orientation",
        "sexual_orientation",
        "Which of these best describes your sexual orientation?",
        None,
        _choices(
            straight="Straight or heterosexual",
            gay_or_lesbian="Gay or lesbian",
            bisexual="Bisexual",
            other="Another sexual orientation",
        ),
    ),
)
BY_SLUG = {question.slug: question for question in QUESTIONS}


def record_answers(answers: dict[str, str | None], today: date) -> EqualityAnswer:
    """Keep one person's answers ({slug: code or None}), in the caller's transaction. A code
    that is not one of the question's choices is refused."""
    columns: dict[str, str | None] = {}
    for slug, code in answers.items():
        question = BY_SLUG.get(slug)
        if question is None or (code is not None and code not in question.choices):
            raise ValueError("not an equality question or answer")
        columns[question.column] = code
    answer = EqualityAnswer(month=month_of(today), **columns)
    db.session.add(answer)
    return answer


@dataclass(frozen=True)
class QuestionReport:
    key: str
    title: str
    rows: list[tuple[str, int | str]]  # (answer, count or why it is hidden)


@dataclass(frozen=True)
class EqualityReport:
    total: int | str  # people who answered any of it, or FEWER
    questions: list[QuestionReport]


def equality_report(period: Period) -> EqualityReport:
    """The answers given in `period`, added up by the database: each question's answers and
    "Not answered", with small numbers hidden."""
    in_period = (EqualityAnswer.month >= period.first_day, EqualityAnswer.month <= period.last_day)
    total = db.session.scalar(select(func.count()).select_from(EqualityAnswer).where(*in_period))
    questions = []
    for question in QUESTIONS:
        column = getattr(EqualityAnswer, question.column)
        counts = {
            code: count
            for code, count in db.session.execute(
                select(column, func.count()).where(*in_period).group_by(column)
            )
        }
        labels: dict[str | None, str] = dict(question.choices.items())
        labels[None] = NOT_ANSWERED
        hidden = hide_small({str(code): counts.get(code, 0) for code in labels})
        questions.append(
            QuestionReport(
                question.slug,
                question.title,
                [(words, hidden[str(code)]) for code, words in labels.items()],
            )
        )
    return EqualityReport(shown(total or 0), questions)
