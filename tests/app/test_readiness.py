"""/readyz: each dependency named when it fails, and the worker's heartbeat when asked to
check it (WORKER_HEARTBEAT_MAX_SECONDS). The other dependencies: test_dependencies_down.py."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reviews import clock
from tests.conftest import empty_all_tables, make_test_app
from web.worker import Worker


@pytest.fixture
def watched_app(migrated_database, tmp_path):
    """An app whose readiness checks the worker's heartbeat, as production's does."""
    app = make_test_app(migrated_database, tmp_path / "instance", WORKER_HEARTBEAT_MAX_SECONDS=120)
    yield app
    empty_all_tables(app)


def test_readiness_needs_a_recent_heartbeat_when_asked_to(watched_app):
    client = watched_app.test_client()
    never = client.get("/readyz")
    assert never.status_code == 503 and never.json["checks"]["worker"] is False

    with watched_app.app_context():
        Worker(name="test-worker").run_round()
    alive = client.get("/readyz")
    assert alive.status_code == 200 and alive.json["checks"]["worker"] is True

    clock.advance(timedelta(seconds=121))
    silent = client.get("/readyz")
    assert silent.status_code == 503 and silent.json["checks"]["worker"] is False
    assert silent.json["checks"]["database"] is True


def test_readiness_leaves_the_worker_out_by_default(client):
    assert "worker" not in client.get("/readyz").json["checks"]
