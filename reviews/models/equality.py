"""Answers to the equality monitoring questions, kept apart from everything else.

Like survey answers (reviews.models.survey): a row names no request, reference, draft, session
or address, and records only the month it was given. It can be counted, never traced back to
the person. Every answer may be empty: each question can be skipped.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from reviews.database import Model
from reviews.models.survey import _random_id


class EqualityAnswer(Model):
    """One person's answers to the questions in reviews.equality.QUESTIONS (codes, or None)."""

    __tablename__ = "equality_answers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_random_id)
    # The first day of the month in London: no finer date is kept.
    month: Mapped[date] = mapped_column(Date, index=True)
    age_band: Mapped[str | None] = mapped_column(String(30))
    sex: Mapped[str | None] = mapped_column(String(30))
    gender_identity: Mapped[str | None] = mapped_column(String(30))
    ethnic_group: Mapped[str | None] = mapped_column(String(30))
    disability: Mapped[str | None] = mapped_column(String(30))
    religion: Mapped[str | None] = mapped_column(String(30))
    sexual_orientation: Mapped[str | None] = mapped_column(String(30))
