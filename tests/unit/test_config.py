import secrets

import pytest

from web.config import ConfigError, load_config

pytestmark = pytest.mark.usefixtures("config_environment")


def test_production_is_the_default_and_needs_a_secret():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config()


def test_development_generates_a_secret_once_and_keeps_it(tmp_path):
    first = load_config("development")["SECRET_KEY"]
    second = load_config("development")["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_embedded_database_lives_in_the_instance_folder(tmp_path):
    assert load_config("development")["SQLALCHEMY_DATABASE_URI"] == (
        f"sqlite:///{tmp_path / 'reviews.db'}"
    )


@pytest.mark.parametrize("url", ["postgres://u:p@db/reviews", "postgresql://u:p@db/reviews"])
def test_postgres_urls_get_the_psycopg_driver(monkeypatch, url):
    monkeypatch.setenv("DATABASE_URL", url)
    config = load_config("development")
    assert config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://u:p@db/reviews?connect_timeout=2"
    )


def production_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    monkeypatch.setenv("EMAIL_BACKEND", "smtp")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://reviews.example/")


def test_production_cookies_and_scheme(monkeypatch):
    production_environment(monkeypatch)
    config = load_config("production")
    assert config["PUBLIC_BASE_URL"] == "https://reviews.example"
    assert config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["PREFERRED_URL_SCHEME"] == "https"


def test_bad_numbers_are_refused_with_the_setting_named(monkeypatch):
    monkeypatch.setenv("MAX_UPLOAD_FILE_MB", "ten")
    with pytest.raises(ConfigError, match="MAX_UPLOAD_FILE_MB"):
        load_config("development")


def test_unknown_environment_is_refused():
    with pytest.raises(ConfigError, match="APP_ENV"):
        load_config("staging")


@pytest.mark.parametrize(
    ("unset", "message"),
    [
        ("EMAIL_BACKEND", "EMAIL_BACKEND must be smtp or notify"),
        ("PUBLIC_BASE_URL", "PUBLIC_BASE_URL"),
    ],
)
def test_production_needs_real_email_and_its_address(monkeypatch, unset, message):
    production_environment(monkeypatch)
    monkeypatch.delenv(unset)
    with pytest.raises(ConfigError, match=message):
        load_config("production")
