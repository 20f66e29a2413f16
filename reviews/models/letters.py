"""Letters as they were sent: the PDF the requester was sent (and its large-print version), kept
byte for byte so that the tracker, a print pack and an email attachment are the same file."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from reviews import clock
from reviews.database import Model
from reviews.models.columns import UtcDateTime
from reviews.storage import SealedBytes

if TYPE_CHECKING:
    from reviews.models.requests import ReviewRequest
    from reviews.models.staff import StaffUser

# How a letter went to the requester (reviews.sent_letters.delivery_for).
BY_EMAIL = "email"
BY_POST = "post"
BY_EMAIL_AND_POST = "both"


class SentLetter(Model):
    """A letter written when a staff action sent it. The database refuses to change a row
    (a trigger, migration 0010): what was sent stays as it was sent. Its files are sealed at
    rest (reviews.storage.SealedBytes); only resealing them with a new key may change them
    (migration 0021)."""

    __tablename__ = "sent_letters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_request_id: Mapped[int] = mapped_column(ForeignKey("review_requests.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # reviews.letters.LetterKind
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    delivery: Mapped[str] = mapped_column(String(10))  # BY_EMAIL, BY_POST or BY_EMAIL_AND_POST
    filename: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # Deferred: lists of letters never load the files themselves.
    content: Mapped[bytes] = deferred(mapped_column(SealedBytes, nullable=False))
    # Only when the requester asked for large print (reviews.letters.wants_large_print).
    large_print_filename: Mapped[str | None] = mapped_column(String(120))
    large_print_size: Mapped[int | None] = mapped_column(Integer)
    large_print_sha256: Mapped[str | None] = mapped_column(String(64))
    large_print_content: Mapped[bytes | None] = deferred(mapped_column(SealedBytes))
    # The version of the kind's wording it was written from (reviews.letter_templates; None for
    # letters sent before wording had versions), and whether staff changed the text before it
    # went (a caseworker on the action's page, or the team leader who approved it).
    template_version: Mapped[int | None] = mapped_column(Integer)
    edited: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    review_request: Mapped[ReviewRequest] = relationship()

    @property
    def has_large_print(self) -> bool:
        return self.large_print_sha256 is not None

    @property
    def by_post(self) -> bool:
        return self.delivery in (BY_POST, BY_EMAIL_AND_POST)


class LetterTemplate(Model):
    """One version of a letter kind's wording (reviews.letter_templates): saving makes a new
    version, and exactly one version of each kind is active, the one letters use. Version 1 is
    the wording the service shipped with (migration 0020)."""

    __tablename__ = "letter_templates"
    __table_args__ = (UniqueConstraint("kind", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # reviews.letters.LetterKind
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    # None for the shipped wording.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    created_by: Mapped[StaffUser | None] = relationship()


class ApprovedLetter(Model):
    """A letter's text as a team leader approved it (the decision letter): the action that
    sends the letter sends this text."""

    __tablename__ = "approved_letters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_request_id: Mapped[int] = mapped_column(ForeignKey("review_requests.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    template_version: Mapped[int | None] = mapped_column(Integer)
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    approved_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))


class FileResealPermit(Model):
    """While a row is here (only inside `flask reviews rotate-upload-key`'s own transaction,
    reviews.storage.reseal_all), the database lets a stored letter's files be resealed with a
    new key; nothing else about the letter may change (migration 0021)."""

    __tablename__ = "file_reseal_permits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
