"""Every migration goes down and up again, the newest first (on a SQLite file of its own, so
the shared test database keeps its schema)."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from reviews.database import db
from tests.conftest import make_test_app


def tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def test_the_heartbeat_migration_goes_down_and_up(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'up-down.db'}", tmp_path / "instance")
    with app.app_context():
        upgrade()
    assert "worker_heartbeats" in tables(app)
    with app.app_context():
        downgrade(revision="0007")
    assert "worker_heartbeats" not in tables(app)
    assert "outbox_messages" in tables(app)
    with app.app_context():
        upgrade()
    assert "worker_heartbeats" in tables(app)


def test_all_migrations_go_down_to_nothing_and_up_again(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'up-down.db'}", tmp_path / "instance")
    with app.app_context():
        upgrade()
        downgrade(revision="base")
    assert tables(app) <= {"alembic_version"}
    with app.app_context():
        upgrade()
    assert "worker_heartbeats" in tables(app) and "review_requests" in tables(app)
