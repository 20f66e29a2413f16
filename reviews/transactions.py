"""Saving something exactly once, however many times the same form arrives."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from reviews.database import db

Saved = TypeVar("Saved")


def commit_once(write: Callable[[], Saved], find_existing: Callable[[], Saved | None]) -> Saved:
    """Return what was already saved for this key (a resend), or run `write` and commit.

    `write` must save a row with a unique key, so that when two copies race (a double click),
    the second fails on that key; it is rolled back and gets the first one's record instead.
    """
    existing = find_existing()
    if existing is not None:
        return existing
    try:
        saved = write()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = find_existing()
        if existing is None:
            raise
        return existing
    return saved
