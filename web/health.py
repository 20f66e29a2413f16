"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from reviews.database import db
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


@health.get("/readyz")
@limiter.exempt
def readyz() -> tuple[Response, int]:
    """Ready for traffic: the database answers and upload storage takes writes."""
    checks = {"database": False, "upload_storage": False}
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            checks["database"] = True
            checks["upload_storage"] = _accepts_writes(connection)
    except SQLAlchemyError as error:
        current_app.logger.warning("readiness check failed: %s", type(error).__name__)
    ready = all(checks.values())
    return jsonify(status="ok" if ready else "unavailable", checks=checks), 200 if ready else 503
