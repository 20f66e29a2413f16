"""Phone-call and other-format requests, and the attempts to call."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Date,
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
    from reviews.models.staff import StaffUser


class CallbackRequest(Model):
    """Someone asked us to phone them: an item on the staff callback queue."""

    __tablename__ = "callback_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_requests.id"), index=True
    )
    source: Mapped[str] = mapped_column(String(20))  # review-request / accessibility
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40))
    best_times: Mapped[str | None] = mapped_column(Text)
    safe_to_leave_message: Mapped[bool] = mapped_column(Boolean, default=False)
    safe_to_say_who_is_calling: Mapped[bool] = mapped_column(Boolean, default=False)
    # The form's one-off key: sending the same form twice makes one request, not two.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # What the call is about, and the tracking reference the person gave, both optional.
    about: Mapped[str | None] = mapped_column(Text)
    reference_given: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open / done
    # How it ended (codes in staff.queues.CLOSING_OUTCOMES), when, and anything staff added.
    closed_outcome: Mapped[str | None] = mapped_column(String(20))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closing_note: Mapped[str | None] = mapped_column(Text)

    review_request: Mapped[ReviewRequest | None] = relationship()
    attempts: Mapped[list[CallbackAttempt]] = relationship(
        back_populates="callback", order_by="CallbackAttempt.id"
    )


class CallbackAttempt(Model):
    """One try at phoning someone who asked for a call, and what happened."""

    __tablename__ = "callback_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    callback_request_id: Mapped[int] = mapped_column(ForeignKey("callback_requests.id"), index=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    result: Mapped[str] = mapped_column(String(20))  # codes in staff.queues.CALL_RESULTS
    note: Mapped[str | None] = mapped_column(Text)

    callback: Mapped[CallbackRequest] = relationship(back_populates="attempts")
    staff_user: Mapped[StaffUser] = relationship()


class AccessibleFormatRequest(Model):
    """Someone asked for a document or page in another format: answered in 5 working days."""

    __tablename__ = "accessible_format_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    document: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(20))  # codes in reviews.accessibility.FORMATS
    format_detail: Mapped[str | None] = mapped_column(String(200))  # which language, say
    assistive_technology: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str] = mapped_column(String(200))
    preferred_contact: Mapped[str] = mapped_column(String(10))  # email / phone / post
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    response_note: Mapped[str | None] = mapped_column(Text)
    # The tracking reference the person gave, if any, and the request it names.
    reference_given: Mapped[str | None] = mapped_column(String(20))
    review_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_requests.id"), index=True
    )
    review_request: Mapped[ReviewRequest | None] = relationship()
