"""Configuration read from the environment.

`APP_ENV` picks the profile. Production is the default so that a server started without
configuration refuses to run on a made-up secret; `make run` asks for development explicitly.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from email.utils import parseaddr
from pathlib import Path

from sqlalchemy.engine import make_url

from reviews.retention_schedule import RetentionSchedule
from reviews.storage import DEVELOPMENT_KEY, parse_keys


class ConfigError(RuntimeError):
    """The environment does not describe a service that can run safely."""


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from error


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in {"true", "1", "yes", "on"}:
        return True
    if raw in {"false", "0", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


EMAIL_BACKENDS = ("log", "smtp", "notify")
DEFAULT_EMAIL_FROM = "MOPAC Police Complaint Reviews <no-reply@mopac.london.gov.uk>"
_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# A Notify API key is its name, then the service id and the secret, both UUIDs.
_NOTIFY_API_KEY = re.compile(rf".+-{_UUID}-{_UUID}", re.IGNORECASE)


def check_email_settings(settings: Mapping[str, object]) -> None:
    """Refuse email settings that could never send, so the app fails at start-up and not at the
    first message. `load_config` runs it; so does the sender, for settings given to create_app."""
    backend = settings.get("EMAIL_BACKEND")
    if backend not in EMAIL_BACKENDS:
        raise ConfigError(f"EMAIL_BACKEND must be log, smtp or notify, not {backend!r}")
    if backend == "smtp":
        _check_smtp_settings(settings)
    if backend == "notify":
        _check_notify_settings(settings)


def _check_smtp_settings(settings: Mapping[str, object]) -> None:
    if not settings.get("SMTP_HOST"):
        raise ConfigError("SMTP_HOST must be set when EMAIL_BACKEND is smtp")
    if "@" not in parseaddr(str(settings.get("EMAIL_FROM") or ""))[1]:
        raise ConfigError("EMAIL_FROM must be an email address, optionally with a name")
    if settings.get("SMTP_USERNAME") and not settings.get("SMTP_PASSWORD"):
        raise ConfigError("SMTP_PASSWORD must be set when SMTP_USERNAME is")
    if settings.get("SMTP_USERNAME") and not settings.get("SMTP_USE_TLS"):
        raise ConfigError("SMTP_USE_TLS must be true when SMTP_USERNAME is set")


def _check_notify_settings(settings: Mapping[str, object]) -> None:
    if not settings.get("NOTIFY_API_KEY"):
        raise ConfigError("NOTIFY_API_KEY must be set when EMAIL_BACKEND is notify")
    if not _NOTIFY_API_KEY.fullmatch(str(settings["NOTIFY_API_KEY"])):
        raise ConfigError("NOTIFY_API_KEY is not a GOV.UK Notify API key")
    if not re.fullmatch(_UUID, str(settings.get("NOTIFY_TEMPLATE_ID") or ""), re.IGNORECASE):
        raise ConfigError("NOTIFY_TEMPLATE_ID must be the id of the Notify email template")


SMS_BACKENDS = ("off", "log", "notify")


def check_sms_settings(settings: Mapping[str, object]) -> None:
    """Refuse text message settings that could never send. "off": texts are not offered and
    any already queued fail to the staff task list; "log": written to the log (development);
    "notify": GOV.UK Notify, with the same API key as email and a text template of its own."""
    backend = settings.get("SMS_BACKEND")
    if backend not in SMS_BACKENDS:
        raise ConfigError(f"SMS_BACKEND must be off, log or notify, not {backend!r}")
    if backend != "notify":
        return
    if not _NOTIFY_API_KEY.fullmatch(str(settings.get("NOTIFY_API_KEY") or "")):
        raise ConfigError(
            "NOTIFY_API_KEY must be a GOV.UK Notify API key when SMS_BACKEND is notify"
        )
    if not re.fullmatch(_UUID, str(settings.get("NOTIFY_SMS_TEMPLATE_ID") or ""), re.IGNORECASE):
        raise ConfigError(
            "NOTIFY_SMS_TEMPLATE_ID must be the id of the Notify text message template"
        )


def texts_offered(settings: Mapping[str, object]) -> bool:
    """Whether the journey offers text messages: only when something can send them."""
    return settings.get("SMS_BACKEND") in ("log", "notify")


def _development_secret(instance_path: Path) -> str:
    """A secret generated once and kept in instance/, so sessions survive a restart."""
    secret_file = instance_path / "secret_key"
    if not secret_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        secret_file.write_text(secrets.token_hex(32))
        secret_file.chmod(0o600)
    return secret_file.read_text().strip()


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _log_level() -> str:
    level = os.environ.get("LOG_LEVEL", "").strip().upper() or "INFO"
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {level!r}")
    return level


HOW_TO_MAKE_ONE = 'make one with: python -c "import secrets; print(secrets.token_hex(32))"'
# A secret key must carry at least this much randomness: 32 random bytes.
SECRET_KEY_BITS = 256


def _secret_key_bits(key: str) -> float:
    """A generous estimate of the randomness in `key`: its length times what one character of
    its alphabet can carry (hex 4 bits, base64 6, any other printable character about 6.5)."""
    if re.fullmatch(r"[0-9a-f]*|[0-9A-F]*", key):
        per_character = 4.0
    elif re.fullmatch(r"[A-Za-z0-9_\-+/=]*", key):
        per_character = 6.0
    else:
        per_character = 6.5
    return len(key) * per_character


def _repeats_a_pattern(key: str) -> bool:
    """True when `key` is a shorter piece said again: 'aaaa', 'abcabcabc'."""
    return any(
        key == (key[:period] * (len(key) // period + 1))[: len(key)]
        for period in range(1, len(key) // 2 + 1)
    )


def check_secret_key(key: str) -> None:
    """Refuse a production secret key that could be guessed: session cookies (the tracker's,
    staff sign-in) and form tokens are only as safe as it is."""
    if _secret_key_bits(key) < SECRET_KEY_BITS:
        raise ConfigError(f"SECRET_KEY is too short for 32 random bytes; {HOW_TO_MAKE_ONE}")
    if _repeats_a_pattern(key) or len(set(key)) < 10:
        raise ConfigError(f"SECRET_KEY does not look random; {HOW_TO_MAKE_ONE}")


def _debugger_on() -> bool:
    """As Flask reads FLASK_DEBUG: anything but empty, 0, false or no turns the debugger on."""
    return os.environ.get("FLASK_DEBUG", "").strip().lower() not in {"", "0", "false", "no", "off"}


def check_production(config: Mapping[str, object]) -> None:
    """Production's refusals: each names the setting and how to fix it."""
    if config["EMAIL_BACKEND"] in ("", "log"):
        raise ConfigError("EMAIL_BACKEND must be smtp or notify in production")
    if config["SMS_BACKEND"] == "log":
        raise ConfigError("SMS_BACKEND must be off or notify in production")
    if not config["PUBLIC_BASE_URL"]:
        raise ConfigError("PUBLIC_BASE_URL must be set in production, like https://example.org")
    if _debugger_on():
        raise ConfigError(
            "FLASK_DEBUG must be off in production: the debugger lets anyone who reaches it run "
            "code on the server. Unset FLASK_DEBUG (use APP_ENV=development on your own machine)"
        )
    check_secret_key(str(config["SECRET_KEY"]))
    workers = _int("WEB_CONCURRENCY", 1)
    if str(config["RATELIMIT_STORAGE_URI"]).startswith("memory://") and workers > 1:
        raise ConfigError(
            f"RATELIMIT_STORAGE_URI must be shared storage, like redis://host:6379/0, when "
            f"WEB_CONCURRENCY is {workers}: with memory:// each worker counts on its own, so "
            "every limit is multiplied by the number of workers. Or set WEB_CONCURRENCY=1"
        )


# A database that does not answer gives the 503 page in seconds, not after a worker timeout.
# PostgreSQL's connect_timeout (libpq, psycopg) counts whole seconds and 2 at the least.
DATABASE_CONNECT_TIMEOUT_SECONDS = 2
# The longest a request waits for a free pooled connection.
DATABASE_POOL_TIMEOUT_SECONDS = 2


def _with_connect_timeout(database_url: str) -> str:
    """The URL with connect_timeout, unless it names its own. In the URL rather than in the
    engine's connect_args, so that it goes only where the URL goes (to PostgreSQL)."""
    url = make_url(database_url)
    if "connect_timeout" in url.query:
        return database_url
    url = url.update_query_dict({"connect_timeout": str(DATABASE_CONNECT_TIMEOUT_SECONDS)})
    return url.render_as_string(hide_password=False)


# The longest a page (or /readyz) waits on Redis before counting rate limits in-process.
REDIS_TIMEOUT_SECONDS = 0.5


def load_config(environment: str | None = None) -> dict[str, object]:
    """Build the Flask configuration for `environment` (default: $APP_ENV, else production)."""
    environment = environment or os.environ.get("APP_ENV", "production")
    if environment not in {"production", "development", "test"}:
        raise ConfigError(f"APP_ENV must be production, development or test, not {environment!r}")
    production = environment == "production"
    # Relative to where the service is started, never to the code: installed, that is
    # site-packages. Absolute, as Flask wants.
    instance_path = Path(os.environ.get("INSTANCE_PATH") or "instance").absolute()

    secret_key = os.environ.get("SECRET_KEY", "")
    if not secret_key:
        if production:
            raise ConfigError("SECRET_KEY must be set in production")
        secret_key = _development_secret(instance_path)

    # Uploads and stored letters are encrypted at rest with these (reviews.storage; README
    # "Uploads encrypted at rest"): the first encrypts, all decrypt. Never kept in the database.
    upload_keys_text = os.environ.get("UPLOAD_ENCRYPTION_KEYS", "").strip()
    if not upload_keys_text:
        if production:
            raise ConfigError(
                "UPLOAD_ENCRYPTION_KEYS must be set in production: one or more keys of 32 random "
                "bytes in URL-safe base64, separated by commas (README: Uploads encrypted at rest)"
            )
        upload_keys_text = DEVELOPMENT_KEY
    upload_keys = upload_encryption_keys(upload_keys_text)

    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'reviews.db'}"
    # Hosted PostgreSQL often hands out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if database_url.startswith(prefix):
            database_url = "postgresql+psycopg://" + database_url[len(prefix) :]
    engine_options: dict[str, object] = {"pool_pre_ping": True}
    if database_url.startswith("postgresql"):
        database_url = _with_connect_timeout(database_url)
        engine_options["pool_timeout"] = DATABASE_POOL_TIMEOUT_SECONDS

    config: dict[str, object] = {
        "APP_ENV": environment,
        "INSTANCE_PATH": str(instance_path),
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_ENCRYPTION_KEYS": upload_keys,
        # Pre-ping: a connection the database dropped (a restart, a failover) is replaced
        # before use, so the service recovers by itself when the database is back.
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Redis down: count in this process instead (one warning in the log) rather than fail
        # every page; and never wait on Redis for long, so that a hung Redis hangs no page.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_STORAGE_OPTIONS": {
            "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
            "socket_timeout": REDIS_TIMEOUT_SECONDS,
        },
        # Generous, so that a library or a council office sharing one address is not locked out;
        # lookups and submissions carry their own, tighter limits.
        "RATELIMIT_DEFAULT": os.environ.get("RATELIMIT_DEFAULT", "300 per minute"),
        # Speed (docs/benchmarks.md): no X-RateLimit-* headers, which cost two Redis round trips
        # a request beside the one that counts it; a 429 says Retry-After itself (web.errors).
        "RATELIMIT_HEADERS_ENABLED": False,
        # ClamAV's daemon for the worker's virus scan of uploads (reviews.scanning):
        # clamd://host:port or its Unix socket's path; empty: documents are marked not scanned.
        "VIRUS_SCANNER": os.environ.get("VIRUS_SCANNER", ""),
        # Templates compiled once per process, never re-checked on disk, except in development.
        "TEMPLATES_AUTO_RELOAD": environment == "development",
        # /readyz fails when no worker (`flask reviews worker`) has written its heartbeat for
        # this long. 0: not checked (development and tests, which run no worker).
        "WORKER_HEARTBEAT_MAX_SECONDS": _int(
            "WORKER_HEARTBEAT_MAX_SECONDS", 120 if production else 0
        ),
        "MAX_UPLOAD_FILE_BYTES": _int("MAX_UPLOAD_FILE_MB", 10) * 1024 * 1024,
        "MAX_UPLOAD_FILES": _int("MAX_UPLOAD_FILES", 5),
        # Room for a full set of uploads plus the form fields around them.
        "MAX_CONTENT_LENGTH": (_int("MAX_UPLOAD_FILE_MB", 10) * _int("MAX_UPLOAD_FILES", 5) + 1)
        * 1024
        * 1024,
        # Production must choose a real backend: a live service that only logs its emails would
        # leave people without their confirmations.
        "EMAIL_BACKEND": os.environ.get("EMAIL_BACKEND", "" if production else "log"),
        "EMAIL_FROM": os.environ.get("EMAIL_FROM", DEFAULT_EMAIL_FROM),
        "SMTP_HOST": os.environ.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": _int("SMTP_PORT", 587),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        # STARTTLS; turn it off only for a relay on the same host or private network.
        "SMTP_USE_TLS": _bool("SMTP_USE_TLS", True),
        "NOTIFY_API_KEY": os.environ.get("NOTIFY_API_KEY", ""),
        # One generic Notify email template whose subject is ((subject)) and body ((body)).
        "NOTIFY_TEMPLATE_ID": os.environ.get("NOTIFY_TEMPLATE_ID", ""),
        # Text messages about progress, for those who ask (reviews.texts). Off in production
        # unless set: a live service that only logged its texts would leave people waiting.
        "SMS_BACKEND": os.environ.get("SMS_BACKEND", "off" if production else "log"),
        # One generic Notify text message template whose message is ((body)).
        "NOTIFY_SMS_TEMPLATE_ID": os.environ.get("NOTIFY_SMS_TEMPLATE_ID", ""),
        "CONTACT_EMAIL": os.environ.get(
            "CONTACT_EMAIL", "PoliceComplaintReviews@mopac.london.gov.uk"
        ),
        "FEEDBACK_URL": os.environ.get("FEEDBACK_URL", ""),
        # People's data protection rights, as the privacy notice tells them how to use them:
        # where to write, and where to complain (templates/portal/privacy.html).
        "DATA_PROTECTION_EMAIL": os.environ.get(
            "DATA_PROTECTION_EMAIL",
            os.environ.get("CONTACT_EMAIL", "PoliceComplaintReviews@mopac.london.gov.uk"),
        ),
        "DATA_PROTECTION_ADDRESS": os.environ.get(
            "DATA_PROTECTION_ADDRESS",
            "Data Protection Officer, MOPAC, 169 Union Street, London SE1 0LL",
        ),
        "ICO_COMPLAINT_URL": os.environ.get(
            "ICO_COMPLAINT_URL", "https://ico.org.uk/make-a-complaint/"
        ),
        # The Met's Professional Standards: every decision letter is emailed there too. The
        # default is a placeholder on a domain that takes no mail (RFC 2606): set it for real.
        "MPS_PROFESSIONAL_STANDARDS_EMAIL": os.environ.get(
            "MPS_PROFESSIONAL_STANDARDS_EMAIL", "professional-standards@met-police.example"
        ),
        # Where the service is reached, for links in messages: the tracker link in every email
        # about a request (web.outbox), and deadline reminders sent from the command line.
        "PUBLIC_BASE_URL": os.environ.get(
            "PUBLIC_BASE_URL", "" if production else "http://127.0.0.1:5000"
        ).rstrip("/"),
        "PREFERRED_URL_SCHEME": os.environ.get(
            "PREFERRED_URL_SCHEME", "https" if production else "http"
        ),
        # How many proxies in front of the app set each X-Forwarded-* header (0: trust none).
        "PROXY_FIX_X_FOR": _int("PROXY_FIX_X_FOR", 0),
        "PROXY_FIX_X_PROTO": _int("PROXY_FIX_X_PROTO", 0),
        "PROXY_FIX_X_HOST": _int("PROXY_FIX_X_HOST", 0),
        "SESSION_COOKIE_NAME": "__Host-session" if production else "session",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # The longest a session cookie stays valid after it was last written. The tracker and
        # staff sign-in end their own sessions sooner; a journey keeps its draft for this long.
        "PERMANENT_SESSION_LIFETIME": _int("SESSION_MAX_HOURS", 24) * 3600,
        "WTF_CSRF_TIME_LIMIT": _int("CSRF_TIME_LIMIT_HOURS", 20) * 3600,
        "TESTING": environment == "test",
        # Every process logs JSON lines to standard error at this level and above (web.logs).
        "LOG_LEVEL": _log_level(),
        # Retention (reviews.retention, README "Retention and erasure"): how long each kind of
        # record is kept. The privacy notice states the request period from this setting.
        **{
            setting: _int(setting, getattr(DEFAULT_RETENTION, field))
            for setting, field in RETENTION_SETTINGS.items()
        },
    }
    if production:
        check_production(config)
    check_email_settings(config)
    check_sms_settings(config)
    retention_schedule(config)
    return config


def upload_encryption_keys(value: object) -> list[bytes]:
    """UPLOAD_ENCRYPTION_KEYS as keys: from the comma-separated setting, or as given."""
    if isinstance(value, list | tuple):
        return [bytes(key) for key in value]
    try:
        return parse_keys(str(value))
    except ValueError as error:
        raise ConfigError(f"UPLOAD_ENCRYPTION_KEYS: {error}") from error


# Each retention setting, and the RetentionSchedule field it sets.
RETENTION_SETTINGS = {
    "RETENTION_CLOSED_REQUEST_YEARS": "closed_request_years",
    "RETENTION_MESSAGE_CONTENT_DAYS": "message_content_days",
    "RETENTION_SIGN_IN_ATTEMPT_DAYS": "sign_in_attempt_days",
    "RETENTION_AUDIT_EVENT_YEARS": "audit_event_years",
    "RETENTION_SURVEY_ANSWER_DAYS": "survey_answer_days",
    "RETENTION_EQUALITY_ANSWER_DAYS": "equality_answer_days",
}
DEFAULT_RETENTION = RetentionSchedule()


def retention_schedule(config: Mapping[str, object]) -> RetentionSchedule:
    """The schedule the settings describe; a ConfigError (at start-up) if it makes no sense."""
    try:
        return RetentionSchedule(
            **{
                field: int(str(config.get(setting, getattr(DEFAULT_RETENTION, field))))
                for setting, field in RETENTION_SETTINGS.items()
            }
        )
    except ValueError as error:
        raise ConfigError(f"Retention settings: {error}") from error
