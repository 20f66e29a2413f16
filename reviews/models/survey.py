"""Answers to the one-question satisfaction survey, kept apart from everything else.

An answer names no request, reference, draft, session or address, and records only the month
it was given: it can be counted, never traced back to the person who gave it.
"""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from reviews.database import Model


def _random_id() -> str:
    # Not a counting number: the order of the ids must not tell when, or after whom, an
    # answer was given.
    return secrets.token_hex(16)


class SurveyAnswer(Model):
    """One person's answer at one stage (reviews.survey.STAGES)."""

    __tablename__ = "survey_answers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_random_id)
    stage: Mapped[str] = mapped_column(String(20), index=True)
    satisfaction: Mapped[str] = mapped_column(String(30))
    comment: Mapped[str | None] = mapped_column(Text)
    # The first day of the month in London: no finer date is kept.
    month: Mapped[date] = mapped_column(Date, index=True)
