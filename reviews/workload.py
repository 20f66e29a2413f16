"""Who has which cases: a person's open cases, each one's cases by stage, the whole team's, and
who the queue's caseworker filter lists. Each is one query, counted in SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select

from reviews.database import db
from reviews.models import RequestTally, ReviewRequest, StaffUser
from reviews.models.listing import is_open
from reviews.workflow import CASEWORK, FINISHED, Status


def open_cases_of(user: StaffUser) -> list[ReviewRequest]:
    """The unfinished requests this person has, soonest due first."""
    return list(
        db.session.scalars(
            select(ReviewRequest)
            .where(ReviewRequest.owner_id == user.id, is_open)
            .order_by(ReviewRequest.next_due_on.asc().nulls_last(), ReviewRequest.id)
        )
    )


def queue_owners() -> list[StaffUser]:
    """Who the queue can be filtered on: active caseworkers and team leaders, and anyone else
    who has requests (someone deactivated, or now an admin), so their cases are never lost."""
    # From the tally: a few rows, however many requests people have had over the years.
    holders = select(RequestTally.owner_key).where(
        RequestTally.owner_key != 0, RequestTally.requests > 0
    )
    return list(
        db.session.scalars(
            select(StaffUser)
            .where(
                or_(
                    StaffUser.role.in_(CASEWORK) & StaffUser.active.is_(True),
                    StaffUser.id.in_(holders),
                )
            )
            .order_by(StaffUser.active.desc(), StaffUser.name, StaffUser.id)
        )
    )


def stages_of(user: StaffUser) -> list[tuple[Status, int]]:
    """This person's open cases by stage, in workflow order (from the tally)."""
    counts = dict(
        db.session.execute(
            select(RequestTally.status, func.sum(RequestTally.requests))
            .where(RequestTally.owner_key == user.id, RequestTally.status.not_in(FINISHED))
            .group_by(RequestTally.status)
            .having(func.sum(RequestTally.requests) > 0)
        ).all()
    )
    return [(status, counts[status]) for status in Status if status in counts]


@dataclass
class Person:
    """One person's open cases: by stage, in all, and how many are overdue."""

    user: StaffUser
    by_stage: dict[str, int] = field(default_factory=dict)
    total: int = 0
    overdue: int = 0


@dataclass(frozen=True)
class Team:
    people: list[Person]
    stages: list[Status]  # the stages anyone's cases are at, in workflow order


def team_workload(today: date) -> Team:
    """Everyone who may have cases (and anyone who has), with their open cases per stage: how
    many from the tally, and how many are overdue from the overdue ones alone."""
    counts = db.session.execute(
        select(RequestTally.owner_key, RequestTally.status, func.sum(RequestTally.requests))
        .where(RequestTally.owner_key != 0, RequestTally.status.not_in(FINISHED))
        .group_by(RequestTally.owner_key, RequestTally.status)
        .having(func.sum(RequestTally.requests) > 0)
    ).all()
    overdue = dict(
        ((owner_id, status), late)
        for owner_id, status, late in db.session.execute(
            select(ReviewRequest.owner_id, ReviewRequest.status, func.count())
            .where(ReviewRequest.next_due_on < today, ReviewRequest.owner_id.is_not(None), is_open)
            .group_by(ReviewRequest.owner_id, ReviewRequest.status)
        )
    )
    people = {user.id: Person(user) for user in queue_owners()}
    for owner_id, status, count in counts:
        person = people.get(owner_id)
        if person is None:  # an owner already listed by queue_owners; kept for safety
            continue
        person.by_stage[status] = count
        person.total += count
        person.overdue += overdue.get((owner_id, status), 0)
    seen = {status for _, status, _ in counts}
    return Team(list(people.values()), [status for status in Status if status in seen])
