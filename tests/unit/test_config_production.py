"""Production refuses to start on settings that would make it unsafe, and says how to fix them."""

from __future__ import annotations

import secrets

import pytest

from web.config import ConfigError, load_config

SAFE = {
    "APP_ENV": "production",
    "SECRET_KEY": secrets.token_hex(32),
    "EMAIL_BACKEND": "smtp",
    "SMTP_HOST": "mail.example.org",
    "PUBLIC_BASE_URL": "https://reviews.example.org",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
}


@pytest.fixture(autouse=True)
def production(monkeypatch, tmp_path):
    for name in ("FLASK_DEBUG", "WEB_CONCURRENCY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in SAFE.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))


def test_the_safe_settings_start():
    assert load_config()["APP_ENV"] == "production"


def test_production_refuses_the_debugger(monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(ConfigError, match="FLASK_DEBUG"):
        load_config()


@pytest.mark.parametrize("key", ["x", "short-secret", "a" * 64, "0123456789abcdef" * 2])
def test_production_refuses_a_secret_key_that_is_short_or_not_random(monkeypatch, key):
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigError, match="SECRET_KEY") as refused:
        load_config()
    # It says how to make a good one.
    assert "secrets.token_hex(32)" in str(refused.value)


@pytest.mark.parametrize(
    "key", [secrets.token_hex(32), secrets.token_urlsafe(32)], ids=["hex", "url-safe"]
)
def test_production_takes_a_random_secret_key(monkeypatch, key):
    monkeypatch.setenv("SECRET_KEY", key)
    assert load_config()["SECRET_KEY"] == key


def test_production_refuses_in_memory_rate_limits_with_several_workers(monkeypatch):
    monkeypatch.delenv("RATELIMIT_STORAGE_URI")
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
        load_config()


def test_one_worker_may_keep_its_rate_limits_in_memory(monkeypatch):
    monkeypatch.delenv("RATELIMIT_STORAGE_URI")
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    assert load_config()["RATELIMIT_STORAGE_URI"] == "memory://"
