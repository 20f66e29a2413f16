"""The settings that keep pages quick (docs/benchmarks.md): templates never re-read from disk in
production."""

from __future__ import annotations

import secrets

from tests.conftest import make_test_app


def test_production_never_rechecks_templates_on_disk(migrated_database, tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    monkeypatch.setenv("EMAIL_BACKEND", "smtp")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://reviews.example")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = make_test_app(migrated_database, tmp_path, APP_ENV="production")
    assert app.jinja_env.auto_reload is False


def test_development_rereads_changed_templates(migrated_database, tmp_path):
    app = make_test_app(migrated_database, tmp_path, APP_ENV="development")
    assert app.jinja_env.auto_reload is True
