"""Liveness and readiness for load balancers and orchestrators.

`/healthz`: the process answers (nothing else is asked). `/readyz`: 503 naming each dependency
that fails, never how to reach it: `database` (answers), `schema` (at the head of migrations/),
`upload_storage` (takes writes), `redis` (when rate limits are kept there) and `worker` (its
heartbeat is younger than WORKER_HEARTBEAT_MAX_SECONDS, unless that is 0).
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from typing import cast

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Response, current_app, jsonify
from limits.storage import Storage, storage_from_string
from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from reviews.database import db
from reviews.heartbeat import worker_alive
from web.extensions import limiter

health = Blueprint("health", __name__)


@health.get("/healthz")
@limiter.exempt
def healthz() -> Response:
    """The process is up and answering."""
    return jsonify(status="ok")


def _accepts_writes(connection: Connection) -> bool:
    """Uploads live in the database, so upload storage is writable when the database is.

    A PostgreSQL standby or read-only database reports it; a SQLite file opened read-only
    refuses to rewrite its own user_version with the value it already holds.
    """
    if connection.dialect.name == "postgresql":
        return connection.execute(text("SHOW transaction_read_only")).scalar() == "off"
    version = int(connection.execute(text("PRAGMA user_version")).scalar() or 0)
    try:
        connection.execute(text(f"PRAGMA user_version = {version}"))
    except SQLAlchemyError:
        return False
    return True


@cache
def _migration_heads(directory: str) -> frozenset[str]:
    return frozenset(ScriptDirectory(directory).get_heads())


def _schema_at_head(connection: Connection) -> bool:
    """The database's Alembic revision is the newest migration's: `flask db upgrade` has run."""
    directory = str(current_app.extensions["migrate"].directory)
    current = MigrationContext.configure(connection).get_current_heads()
    return frozenset(current) == _migration_heads(directory)


def _rate_limit_storage_answers() -> bool:
    """A ping, through a connection of readiness's own with the limiter's short timeouts."""
    storage = current_app.extensions.get("readyz_rate_limit_storage")
    if storage is None:
        storage = storage_from_string(
            str(current_app.config["RATELIMIT_STORAGE_URI"]),
            **current_app.config["RATELIMIT_STORAGE_OPTIONS"],
        )
        current_app.extensions["readyz_rate_limit_storage"] = storage
    return bool(cast(Storage, storage).check())


@health.get("/readyz")
@limiter.exempt
def readyz() -> tuple[Response, int]:
    """Ready for traffic: every check passes. Each failure is logged by name only."""
    checks = {"database": False, "schema": False, "upload_storage": False}
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            checks["database"] = True
            checks["schema"] = _schema_at_head(connection)
            checks["upload_storage"] = _accepts_writes(connection)
    except SQLAlchemyError as error:
        current_app.logger.warning("readiness check failed: %s", type(error).__name__)
    if str(current_app.config["RATELIMIT_STORAGE_URI"]).startswith("redis"):
        checks["redis"] = _rate_limit_storage_answers()
    max_age = int(current_app.config["WORKER_HEARTBEAT_MAX_SECONDS"])
    if max_age > 0:
        checks["worker"] = checks["schema"] and _worker_alive(timedelta(seconds=max_age))
    failing = [name for name, passed in checks.items() if not passed]
    if failing:
        current_app.logger.warning("not ready: %s", ", ".join(failing))
    status = "unavailable" if failing else "ok"
    return jsonify(status=status, checks=checks), 503 if failing else 200


def _worker_alive(max_age: timedelta) -> bool:
    try:
        return worker_alive(max_age)
    except SQLAlchemyError:
        db.session.rollback()
        return False
