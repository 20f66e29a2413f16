import sqlite3

from tests.conftest import make_test_app


def test_healthz_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_checks_database_and_storage(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    checks = response.json["checks"]
    assert checks["database"] and checks["schema"] and checks["upload_storage"]
    assert all(checks.values())


def test_readyz_is_unavailable_without_a_database(tmp_path):
    missing = tmp_path / "no-such-folder" / "reviews.db"
    app = make_test_app(f"sqlite:///{missing}", tmp_path)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"] is False


def test_readyz_is_unavailable_when_storage_is_read_only(tmp_path):
    database = tmp_path / "read-only.db"
    sqlite3.connect(database).close()
    # Opened read-only, as a server with a read-only volume would have it (root ignores chmod).
    app = make_test_app(f"sqlite:///file:{database}?mode=ro&uri=true", tmp_path)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"] is True
    assert response.json["checks"]["upload_storage"] is False
