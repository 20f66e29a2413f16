"""The statuses a request moves through (section D of domain/review-rules.md), as staff name
them, and the groups of statuses the rules single out."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    AWAITING_APPLICANT_INFO = "awaiting-applicant-info"
    EXTENSION_CONSIDERED = "extension-considered"
    FORWARDED_TO_IOPC = "forwarded-to-iopc"
    NO_RIGHT_OF_REVIEW = "no-right-of-review"
    REFUSED_LATE = "refused-late"
    ACCEPTED = "accepted"
    PARTIES_NOTIFIED = "parties-notified"
    AWAITING_MPS_INFO = "awaiting-mps-info"
    AWAITING_ALLOCATION = "awaiting-allocation"
    ALLOCATED = "allocated"
    UNDER_REVIEW = "under-review"
    DECISION_QA = "decision-qa"
    DECISION_APPROVED = "decision-approved"
    NOT_UPHELD = "not-upheld"
    UPHELD = "upheld"
    RESPONSE_SHARED = "response-shared"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


# How staff screens name each status.
STATUS_LABELS: dict[Status, str] = {
    Status.RECEIVED: "Received",
    Status.ACKNOWLEDGED: "Acknowledged",
    Status.AWAITING_APPLICANT_INFO: "Awaiting information from the requester",
    Status.EXTENSION_CONSIDERED: "Out of time: extension being considered",
    Status.FORWARDED_TO_IOPC: "Forwarded to the IOPC",
    Status.NO_RIGHT_OF_REVIEW: "No right of review",
    Status.REFUSED_LATE: "Refused as out of time",
    Status.ACCEPTED: "Accepted",
    Status.PARTIES_NOTIFIED: "Parties notified",
    Status.AWAITING_MPS_INFO: "Awaiting MPS case information",
    Status.AWAITING_ALLOCATION: "Awaiting allocation",
    Status.ALLOCATED: "Allocated",
    Status.UNDER_REVIEW: "Under review",
    Status.DECISION_QA: "Decision being checked",
    Status.DECISION_APPROVED: "Decision approved",
    Status.NOT_UPHELD: "Not upheld",
    Status.UPHELD: "Upheld: awaiting the MPS response",
    Status.RESPONSE_SHARED: "MPS response shared",
    Status.CLOSED: "Closed",
    Status.WITHDRAWN: "Withdrawn",
}

# Rule A16 and section D: a request can be withdrawn at any point before the decision is sent.
WITHDRAWABLE: frozenset[Status] = frozenset(
    {
        Status.RECEIVED,
        Status.ACKNOWLEDGED,
        Status.AWAITING_APPLICANT_INFO,
        Status.EXTENSION_CONSIDERED,
        Status.ACCEPTED,
        Status.PARTIES_NOTIFIED,
        Status.AWAITING_MPS_INFO,
        Status.AWAITING_ALLOCATION,
        Status.ALLOCATED,
        Status.UNDER_REVIEW,
        Status.DECISION_QA,
        Status.DECISION_APPROVED,
    }
)
# Statuses where nothing more happens (closed may be reopened after judicial review).
FINISHED: frozenset[Status] = frozenset(
    {
        Status.FORWARDED_TO_IOPC,
        Status.NO_RIGHT_OF_REVIEW,
        Status.REFUSED_LATE,
        Status.CLOSED,
        Status.WITHDRAWN,
    }
)
