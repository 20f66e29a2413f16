"""The staff side: accounts, sign-in attempts, the audit log and caseworkers' notes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reviews import clock
from reviews.database import Model
from reviews.models.columns import UtcDateTime

if TYPE_CHECKING:
    from reviews.models.requests import ReviewRequest


# Flask-Login ships no type information, so mypy sees its mixin as Any.
class StaffUser(UserMixin, Model):  # type: ignore[misc]
    """Someone on the Police Complaint Reviews team, signing in with a password and TOTP.
    Flask-Login's mixin gives what sign-in asks of a user; only `is_active` is our own."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # caseworker / team-leader / admin / auditor
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enrolled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The last TOTP time step accepted, so that one code works once.
    last_totp_step: Mapped[int | None] = mapped_column(Integer)
    # Hashes of unused recovery codes.
    recovery_code_hashes: Mapped[list[str]] = mapped_column(JSON, default=list)
    locked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Changed when the password or two-factor changes, to end every session signed in before.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)

    @property
    def is_active(self) -> bool:
        """Deactivated and locked accounts cannot be signed in."""
        return bool(self.active) and self.locked_at is None


class SignInAttempt(Model):
    """Every sign-in attempt, without the password: what the lock-out counts."""

    __tablename__ = "sign_in_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    stage: Mapped[str] = mapped_column(String(10))  # password / totp / recovery
    ip_address: Mapped[str | None] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now, index=True)


class AuditEvent(Model):
    """Append-only: every staff action, and every view of a request's personal data. Only
    retention (reviews.retention, under its permit) may delete old events or empty `detail`."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now, index=True)
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    review_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_requests.id"), index=True
    )
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(45))

    staff_user: Mapped[StaffUser | None] = relationship()


class AuditRetentionPermit(Model):
    """While a row is here, the audit log's database triggers let retention delete old events
    and empty the personal details of others (migration 0015). Retention adds the row and
    removes it in its own transaction, so no other transaction ever sees one."""

    __tablename__ = "audit_retention_permits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)


class InternalNote(Model):
    """A caseworker's note on a request, in Markdown; never shown to the requester."""

    __tablename__ = "internal_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_request_id: Mapped[int] = mapped_column(ForeignKey("review_requests.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)

    review_request: Mapped[ReviewRequest] = relationship(back_populates="notes")
    author: Mapped[StaffUser] = relationship()
