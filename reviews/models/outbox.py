"""Messages waiting to be sent, and the worker's sign of life."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reviews import clock
from reviews.database import Model
from reviews.models.columns import UtcDateTime

if TYPE_CHECKING:
    from reviews.models.letters import SentLetter
    from reviews.models.requests import ReviewRequest


class OutboxMessage(Model):
    """A message to send, written in the same transaction as the change that causes it.

    `event_key` is unique, so one event can never queue two messages.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_key: Mapped[str] = mapped_column(String(120), unique=True)
    review_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_requests.id"), index=True
    )
    # "email", or "sms" for a text message (reviews.texts): which backend sends it, and which
    # templates folder (emails/ or texts/) it is written from.
    channel: Mapped[str] = mapped_column(String(10), default="email", server_default="email")
    template: Mapped[str] = mapped_column(String(60))
    # An email address, or a mobile number in international form (+447700900982) for a text.
    recipient: Mapped[str] = mapped_column(String(320))
    personalisation: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Retries back off: a failed message waits until then before the next try.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(String(200))
    # A failed message is a staff task until someone has reached the person another way.
    dealt_with_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    dealt_with_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    # The stored letter this email carries (attached, or linked), if any.
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("sent_letters.id"))

    review_request: Mapped[ReviewRequest | None] = relationship()
    letter: Mapped[SentLetter | None] = relationship()


class WorkerHeartbeat(Model):
    """A worker's last sign of life, one row per worker process: any web host reads it for
    /readyz (reviews.heartbeat)."""

    __tablename__ = "worker_heartbeats"

    worker: Mapped[str] = mapped_column(String(120), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    beat_at: Mapped[datetime] = mapped_column(UtcDateTime)
