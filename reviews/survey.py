"""The one-question satisfaction survey: "Overall, how did you feel about this service?", asked
after sending a request and after the decision, with an optional "How could we improve it?".

Answers are anonymous by design. An answer (reviews.models.SurveyAnswer) keeps its stage, the
answer, the comment and the month, and nothing that could lead back to a person: no request,
reference, draft, session or address, and no date finer than the month. Staff see them only
added up (`survey_report`), with any figure under SMALLEST_FIGURE hidden so that nobody can be
picked out of a small number (reviews.small_numbers, which the other reports share).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from reviews.database import db
from reviews.models import SurveyAnswer
from reviews.small_numbers import FEWER, NOT_SHOWN, SMALLEST_FIGURE, hide_small

# When the question is asked: the address's stage, and its name on the staff report.
STAGES = {
    "after-request": "After sending a request",
    "after-decision": "After the decision",
}

# The GOV.UK satisfaction scale, best first.
SATISFACTION = {
    "very-satisfied": "Very satisfied",
    "satisfied": "Satisfied",
    "neither": "Neither satisfied nor dissatisfied",
    "dissatisfied": "Dissatisfied",
    "very-dissatisfied": "Very dissatisfied",
}

COMMENT_LIMIT = 1200


def month_of(day: date) -> date:
    """The first of the month: the only date an answer keeps."""
    return day.replace(day=1)


def record_answer(stage: str, satisfaction: str, comment: str | None, today: date) -> SurveyAnswer:
    """Keep an answer, in the caller's transaction."""
    if stage not in STAGES or satisfaction not in SATISFACTION:
        raise ValueError("not a survey stage or answer")
    answer = SurveyAnswer(
        stage=stage,
        satisfaction=satisfaction,
        comment=(comment or "").strip()[:COMMENT_LIMIT] or None,
        month=month_of(today),
    )
    db.session.add(answer)
    return answer


@dataclass(frozen=True)
class Row:
    label: str
    count: int | str  # a number, or why it is hidden (FEWER, NOT_SHOWN)
    percent: int | None  # None: hidden


@dataclass
class Month:
    month: date
    total: int | None  # None: fewer than SMALLEST_FIGURE answers, and every row hidden
    rows: list[Row]
    comments: list[str] = field(default_factory=list)


@dataclass
class Stage:
    stage: str
    label: str
    months: list[Month]


def _month(month: date, satisfactions: Counter[str], comments: list[str]) -> Month:
    total = sum(satisfactions.values())
    counts = {key: satisfactions.get(key, 0) for key in SATISFACTION}
    shown = hide_small(counts) if total >= SMALLEST_FIGURE else dict.fromkeys(counts, FEWER)
    rows = [
        Row(
            SATISFACTION[key],
            count,
            round(count * 100 / total) if isinstance(count, int) else None,
        )
        for key, count in shown.items()
    ]
    # In the order of their words, not of their arrival: order must not tell who wrote which.
    return Month(month, total if total >= SMALLEST_FIGURE else None, rows, sorted(comments))


def survey_report() -> list[Stage]:
    """Each stage's answers by month, newest month first: counts and percentages, with small
    figures hidden, and the comments."""
    answers = db.session.execute(
        select(
            SurveyAnswer.stage, SurveyAnswer.month, SurveyAnswer.satisfaction, SurveyAnswer.comment
        )
    ).all()
    satisfactions: dict[tuple[str, date], Counter[str]] = {}
    comments: dict[tuple[str, date], list[str]] = {}
    for stage, month, satisfaction, comment in answers:
        satisfactions.setdefault((stage, month), Counter())[satisfaction] += 1
        if comment:
            comments.setdefault((stage, month), []).append(comment)
    return [
        Stage(
            stage,
            label,
            [
                _month(month, satisfactions[(stage, month)], comments.get((stage, month), []))
                for month in sorted(
                    (month for (of, month) in satisfactions if of == stage), reverse=True
                )
            ],
        )
        for stage, label in STAGES.items()
    ]


__all__ = [
    "FEWER",
    "NOT_SHOWN",
    "SATISFACTION",
    "SMALLEST_FIGURE",
    "STAGES",
    "hide_small",
    "record_answer",
    "survey_report",
]
