"""What the staff pages' lists and counts run on, so that each costs the same with a hundred
thousand requests as with a thousand (issue 15): indexes that give a list's first rows in its
order, the conditions those lists are written with, and a tally of requests that the database
keeps, so that a count of many requests reads a few rows rather than counting them.

A partial index is used only by a query whose conditions name its constants as written, so the
lists' conditions are built here with their values in the SQL (`constants`), never as bound
parameters. Migration 0023 creates the same indexes and the triggers that keep the tally.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Index, Integer, String, and_, func, literal_column
from sqlalchemy.orm import Mapped, mapped_column

from reviews.database import Model
from reviews.models.requests import Document, RequesterMessage, ReviewRequest

# reviews.workflow.FINISHED and the stages at which a late request awaits its extension
# decision, written out (the workflow imports the models); tests keep them equal.
FINISHED_STATUSES = (
    "closed",
    "forwarded-to-iopc",
    "no-right-of-review",
    "refused-late",
    "withdrawn",
)
LATE_DECISION_STAGES = ("acknowledged", "extension-considered", "received")


def constants(values: tuple[str, ...]) -> list[Any]:
    """Values as SQL literals, as partial indexes and the planner's matching need them."""
    return [literal_column("'" + value.replace("'", "''") + "'") for value in values]


# A request not finished: most requests, over the years, are finished.
is_open = ReviewRequest.status.not_in(constants(FINISHED_STATUSES))
awaits_consent = ReviewRequest.consent == literal_column("'awaited'")

# The queue's "due" order puts requests with nothing due last, whichever way it runs: a key that
# is never NULL for each way, so that one index serves it forwards and its reverse backwards.
due_soonest_first = func.coalesce(ReviewRequest.next_due_on, literal_column("'9999-12-31'"))
due_latest_first = func.coalesce(ReviewRequest.next_due_on, literal_column("'0001-01-01'"))

_id = ReviewRequest.id
Index(
    "ix_review_requests_status_acknowledgement_due",
    ReviewRequest.status,
    ReviewRequest.acknowledgement_due,
    _id,
)
Index(
    "ix_review_requests_status_mps_info_due_on",
    ReviewRequest.status,
    ReviewRequest.mps_info_due_on,
    _id,
)
Index(
    "ix_review_requests_status_mps_response_due_on",
    ReviewRequest.status,
    ReviewRequest.mps_response_due_on,
    _id,
)
Index("ix_review_requests_due_soonest_first", due_soonest_first, _id)
Index("ix_review_requests_due_latest_first", due_latest_first, _id)
Index(
    "ix_review_requests_open_submitted_at",
    ReviewRequest.submitted_at,
    _id,
    sqlite_where=is_open,
    postgresql_where=is_open,
)
Index(
    "ix_review_requests_open_owner_id",
    ReviewRequest.owner_id,
    ReviewRequest.submitted_at,
    _id,
    sqlite_where=is_open,
    postgresql_where=is_open,
)
Index(
    "ix_review_requests_open_consent",
    ReviewRequest.consent,
    ReviewRequest.submitted_at,
    _id,
    sqlite_where=is_open,
    postgresql_where=is_open,
)
# A stage's requests in the order they came: the queue filtered by stage, and (late ones) the
# late requests awaiting their extension decision, stage by stage, whether decided read from
# the index itself. (An IS NULL test does not make PostgreSQL take the column's order as given,
# so late_decision comes after the order.) And a stage's requests soonest due first.
Index(
    "ix_review_requests_status_submitted_at", ReviewRequest.status, ReviewRequest.submitted_at, _id
)
Index(
    "ix_review_requests_status_late",
    ReviewRequest.status,
    ReviewRequest.is_late,
    ReviewRequest.submitted_at,
    _id,
    ReviewRequest.late_decision,
)
Index("ix_review_requests_status_due_soonest_first", ReviewRequest.status, due_soonest_first, _id)

# What a party sent on the tracker that staff have not read yet: few, however many were read.
message_unread = RequesterMessage.read_at.is_(None)
document_unread = and_(Document.source == literal_column("'tracker'"), Document.read_at.is_(None))
Index(
    "ix_requester_messages_unread",
    RequesterMessage.review_request_id,
    sqlite_where=message_unread,
    postgresql_where=message_unread,
)
Index(
    "ix_documents_unread",
    Document.review_request_id,
    sqlite_where=document_unread,
    postgresql_where=document_unread,
)


class RequestTally(Model):
    """How many requests there are at each status, for each owner and whether each is late
    with its extension undecided. Database triggers on review_requests keep it (migration
    0023), whatever writes the requests; nothing else writes it."""

    __tablename__ = "request_tallies"

    status: Mapped[str] = mapped_column(String(40), primary_key=True)
    # The owner's id; 0 for requests nobody owns (a key column cannot be NULL).
    owner_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    late_undecided: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    requests: Mapped[int] = mapped_column(Integer)
