"""A staff member's search of the requests, kept on the server for a short while.

Search terms are names, email addresses, phone numbers and references: personal data, which
must stay out of URLs (browser history, proxy and server logs) and cookies. The queue's address
carries only this row's random id; the row names who searched, so nobody else can use it, and
it is deleted once it expires (reviews.search).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from reviews import clock
from reviews.database import Model
from reviews.models.columns import UtcDateTime


class StaffSearch(Model):
    __tablename__ = "staff_searches"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    terms: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
