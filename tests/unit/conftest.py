import pytest

# Settings the configuration reads from the environment; each config test starts without them.
CONFIG_SETTINGS = (
    "APP_ENV",
    "SECRET_KEY",
    "DATABASE_URL",
    "MAX_UPLOAD_FILE_MB",
    "PUBLIC_BASE_URL",
    "EMAIL_BACKEND",
    "EMAIL_FROM",
    "SMTP_HOST",
    "SMTP_PORT",
    "SMTP_USERNAME",
    "SMTP_PASSWORD",
    "SMTP_USE_TLS",
    "NOTIFY_API_KEY",
    "NOTIFY_TEMPLATE_ID",
    "SMS_BACKEND",
    "NOTIFY_SMS_TEMPLATE_ID",
)


@pytest.fixture
def config_environment(monkeypatch, tmp_path):
    """An environment with none of the settings, and an instance folder of the test's own:
    `monkeypatch`, to set the ones a test needs."""
    for name in CONFIG_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    return monkeypatch
