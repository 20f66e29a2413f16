"""Fixtures shared by the app and browser tests.

The database is real: a SQLite file by default, or PostgreSQL when DATABASE_URL is set (CI runs
both). Migrations build the schema once per run; each test then starts from empty tables.
"""

from __future__ import annotations

import base64
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from reviews import clock
from reviews.database import db
from tests.pagecheck import check_page
from web import create_app
from web.extensions import limiter

# Production refuses to start without upload encryption keys (web.config); every app the tests
# make, production ones included, seals files with this one unless a test sets its own.
os.environ.setdefault(
    "UPLOAD_ENCRYPTION_KEYS", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
)

# Every test runs on the same day, whatever day it is run: the clock is set to this instant (a
# weekday, 10:00 in London) before any test module is imported, so module-level dates agree, and
# again before each test. The clock runs on from there, so events in a test keep their order.
TEST_INSTANT = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
clock.set_to(TEST_INSTANT)


@pytest.fixture(autouse=True)
def _clock():
    """The one clock fixture: each test starts at TEST_INSTANT and may `clock.advance`."""
    clock.set_to(TEST_INSTANT)
    yield clock
    clock.set_to(TEST_INSTANT)


class PageCheckingClient(FlaskClient):
    """A test client that runs the page check on every HTML page it receives."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html" and response.status_code not in (204, 302):
            check_page(response.get_data(as_text=True), response.headers["Content-Security-Policy"])
        return response


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    # Start from an empty schema so that the migrations themselves are tested on each run.
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


_apps_to_close: list[Flask] = []
_apps_made: list[bool] = []


def make_test_app(database_url: str, instance_path: Path, **overrides) -> Flask:
    config = {
        "APP_ENV": "test",
        "SECRET_KEY": secrets.token_hex(16),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(instance_path),
        "WTF_CSRF_ENABLED": True,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = PageCheckingClient
    _apps_to_close.append(app)
    _apps_made.append(True)
    return app


@pytest.fixture(autouse=True)
def _close_database_connections():
    """Close each app's pooled connections when its test ends, rather than leaving it to the
    garbage collector (PostgreSQL connections warn when collected open)."""
    created_before = len(_apps_to_close)
    yield
    while len(_apps_to_close) > created_before:
        app = _apps_to_close.pop()
        with app.app_context():
            db.engine.dispose()
    # Rate-limit counters outlive an app in Redis; each test starts with none. (The limiter has
    # no storage until a first app is made: pure unit tests make none.)
    if _apps_made:
        limiter.reset()


@pytest.fixture(scope="session")
def migrated_database(database_url, tmp_path_factory) -> str:
    app = make_test_app(database_url, tmp_path_factory.mktemp("instance"))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


def empty_all_tables(app: Flask) -> None:
    """Empty every table. The audit log refuses deletes (a database trigger), so PostgreSQL
    truncates, which row triggers do not see, and SQLite lifts its triggers for the moment."""
    with app.app_context(), db.engine.begin() as connection:
        tables = [table.name for table in db.metadata.sorted_tables]
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            return
        triggers = connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        ).all()
        for name, _sql in triggers:
            connection.exec_driver_sql(f"DROP TRIGGER {name}")
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        for _name, sql in triggers:
            connection.exec_driver_sql(sql)


@pytest.fixture
def app(migrated_database, tmp_path) -> Flask:
    app = make_test_app(migrated_database, tmp_path / "instance")
    yield app
    empty_all_tables(app)


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()
