"""Signed-in sessions, kept on the server: what a session cookie's random id stands for."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from reviews import clock
from reviews.database import Model
from reviews.models.columns import UtcDateTime


class ServerSession(Model):
    """One staff sign-in or one tracker look-up. The cookie holds a random id; only its sha256
    is kept here, so a copy of this table opens no session. A session ends (`ended_at`) when its
    owner signs out, when the account is locked, deactivated, reset or changes role, and when it
    is idle or old (reviews.sessions.LIFETIMES); an ended session never starts again."""

    __tablename__ = "server_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # staff / tracker
    # Staff: who, and their account as it was at sign-in (a change to either ends the session).
    staff_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    session_version: Mapped[int | None] = mapped_column(Integer)
    role: Mapped[str | None] = mapped_column(String(20))
    # Tracker: the one request looked up, and which party is looking (None until they say).
    review_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_requests.id", ondelete="CASCADE"), index=True
    )
    party: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    ended_reason: Mapped[str | None] = mapped_column(String(20))
