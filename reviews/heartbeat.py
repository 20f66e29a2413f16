"""The worker's heartbeat: each round it records that it is alive, in the database, so that
any web host can tell whether email, reminders and purges are being dealt with (/readyz)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select

from reviews import clock
from reviews.database import db
from reviews.models import WorkerHeartbeat

# A worker silent this long has gone for good (a restart names itself anew): its row goes.
FORGET_AFTER = timedelta(days=7)


def beat(worker: str, started_at: datetime, now: datetime | None = None) -> None:
    """Record that `worker` (started at `started_at`) is alive now, in the caller's
    transaction, and forget workers long gone."""
    now = now or clock.now()
    heartbeat = db.session.get(WorkerHeartbeat, worker)
    if heartbeat is None:
        heartbeat = WorkerHeartbeat(worker=worker, started_at=started_at, beat_at=now)
        db.session.add(heartbeat)
    heartbeat.beat_at = now
    db.session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.beat_at < now - FORGET_AFTER))


def last_beat() -> datetime | None:
    """When any worker was last alive, or None if none ever was."""
    return db.session.scalar(
        select(WorkerHeartbeat.beat_at).order_by(WorkerHeartbeat.beat_at.desc()).limit(1)
    )


def worker_alive(max_age: timedelta, now: datetime | None = None) -> bool:
    """Some worker has beaten within `max_age`."""
    last = last_beat()
    if last is None:
        return False
    return (now or clock.now()) - last <= max_age
