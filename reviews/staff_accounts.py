"""Staff sign-in: passwords, two-factor codes, recovery codes, lock-out and set-password links.

Plain functions on StaffUser rows, with no request handling, so that the staff pages and the
`flask staff` commands share one set of rules. Each function adds to the caller's transaction;
the caller commits.

- Passwords are hashed with argon2id (RFC 9106 low-memory profile) and rehashed at sign-in when
  the parameters change. At least 12 characters, up to 256, and not on a list of common ones.
- Time-based codes (TOTP): 30 seconds, 6 digits, one step either side for slow clocks. A code
  works once: the step it belongs to is stored and no step at or before it is accepted again.
- 8 recovery codes, each working once, kept as SHA-256 hashes (they are long and random, so a
  slow hash adds nothing).
- 10 failed attempts (password or code) within an hour lock the account until an admin unlocks
  it. A full sign-in or an unlock starts the count again.
- An unknown email address and a wrong password look and take the same: the password is checked
  against a dummy hash when there is no account.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from functools import cache
from pathlib import Path

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.profiles import RFC_9106_LOW_MEMORY
from itsdangerous import BadSignature, URLSafeTimedSerializer
from markupsafe import Markup
from sqlalchemy import func, select

from reviews import clock
from reviews.audit import record_audit
from reviews.database import db
from reviews.models import SignInAttempt, StaffUser

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 256
TOTP_INTERVAL = 30
TOTP_DIGITS = 6
TOTP_VALID_WINDOW = 1
TOTP_ISSUER = "MOPAC Police Complaint Reviews"
RECOVERY_CODE_COUNT = 8
LOCK_AFTER_FAILURES = 10
LOCK_WINDOW = timedelta(hours=1)
SET_PASSWORD_LINK_MAX_AGE = timedelta(hours=72)

# SignInAttempt.stage values. An admin's unlock is written as a succeeded "unlock" row, so that
# the failures before it no longer count.
PASSWORD = "password"  # noqa: S105 (a stage name)
TOTP = "totp"
RECOVERY = "recovery"
UNLOCK = "unlock"
_COUNT_RESTARTS = (TOTP, RECOVERY, UNLOCK)

password_hasher = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
# Unambiguous letters and digits (no 0/o, 1/l/i) for recovery codes: 10 of them is 50 bits.
_RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
_RECOVERY_CODE_LENGTH = 10


# Passwords ------------------------------------------------------------------------------------


def normalise_password(password: str) -> str:
    """The same password typed on different devices gives the same characters (NFKC)."""
    return unicodedata.normalize("NFKC", password)


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str | None) -> str | None:
    """Why this password cannot be used, as an error message, or None if it can."""
    if not password:
        return "Enter a password"
    password = normalise_password(password)
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"Password must be {PASSWORD_MIN_LENGTH} characters or more"
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"Password must be {PASSWORD_MAX_LENGTH} characters or fewer"
    if password.lower() in common_passwords() or len(set(password.lower())) < 4:
        return "Choose a password that is harder to guess: this one is too common"
    return None


def hash_password(password: str) -> str:
    return password_hasher.hash(normalise_password(password))


def unusable_password_hash() -> str:
    """A hash no password matches: for an account whose owner has not set one yet."""
    return "!unset:" + secrets.token_hex(16)


def has_usable_password(user: StaffUser) -> bool:
    return user.password_hash.startswith("$argon2")


@cache
def _dummy_hash() -> str:
    return password_hasher.hash(secrets.token_urlsafe(16))


def check_password(user: StaffUser | None, password: str) -> bool:
    """Whether `password` is this user's. Always does one argon2 verification, even with no user
    or no usable password, so that the time taken gives nothing away. Upgrades the stored hash
    when the hashing parameters have changed since it was made."""
    password = normalise_password(password)
    if user is None or not has_usable_password(user):
        _verify_quietly(_dummy_hash(), password)
        return False
    if not _verify_quietly(user.password_hash, password):
        return False
    if password_hasher.check_needs_rehash(user.password_hash):
        user.password_hash = password_hasher.hash(password)
    return True


def _verify_quietly(password_hash: str, password: str) -> bool:
    try:
        return password_hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def set_password(user: StaffUser, password: str) -> None:
    """Set a new password and end every session signed in with the old one."""
    user.password_hash = hash_password(password)
    user.session_version += 1


# Set-password links ---------------------------------------------------------------------------


def _password_link_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="staff-set-password")


def _password_fingerprint(user: StaffUser) -> str:
    # Binds a link to the password the account has now: once a new one is set, the link is used.
    return hashlib.sha256(f"{user.password_hash}:{user.session_version}".encode()).hexdigest()[:24]


def reset_password(user: StaffUser) -> None:
    """Take the password away (ending every session), for the owner to set a new one with a
    link. Links made before this stop working."""
    user.password_hash = unusable_password_hash()
    user.session_version += 1


def set_password_token(user: StaffUser, secret_key: str) -> str:
    return _password_link_serializer(secret_key).dumps([user.id, _password_fingerprint(user)])


def user_for_set_password_token(token: str, secret_key: str) -> StaffUser | None:
    """The active user a set-password link is for, if the link is genuine, unused and less than
    72 hours old."""
    try:
        user_id, fingerprint = _password_link_serializer(secret_key).loads(
            token, max_age=int(SET_PASSWORD_LINK_MAX_AGE.total_seconds())
        )
    except (BadSignature, ValueError, TypeError):
        return None
    user = db.session.get(StaffUser, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(str(fingerprint), _password_fingerprint(user)):
        return None
    return user


# Time-based codes -----------------------------------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32()


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_INTERVAL)


def current_totp_step() -> int:
    return int(clock.timestamp()) // TOTP_INTERVAL


def totp_code(secret: str, step: int) -> str:
    return _totp(secret).generate_otp(step)


def normalise_code(code: str | None) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def looks_like_totp_code(code: str | None) -> bool:
    code = normalise_code(code)
    return len(code) == TOTP_DIGITS and code.isdigit()


def verify_totp(user: StaffUser, code: str | None) -> bool:
    """Whether `code` is the user's code now (or one step either side) and not used before.
    Remembers its step, so that the same code, or an older one, is refused from now on."""
    code = normalise_code(code)
    if user.totp_secret is None or not looks_like_totp_code(code):
        return False
    current = current_totp_step()
    last_used = user.last_totp_step if user.last_totp_step is not None else -1
    for step in range(current - TOTP_VALID_WINDOW, current + TOTP_VALID_WINDOW + 1):
        if step > last_used and hmac.compare_digest(totp_code(user.totp_secret, step), code):
            user.last_totp_step = step
            return True
    return False


def provisioning_uri(user: StaffUser) -> str:
    if user.totp_secret is None:
        raise ValueError("no two-factor secret to show")
    return _totp(user.totp_secret).provisioning_uri(name=user.email, issuer_name=TOTP_ISSUER)


def qr_code_svg(uri: str) -> Markup:
    """The QR code as inline SVG: a <title> and paths with presentation attributes only, so it
    needs no script or style and our Content-Security-Policy allows it as it is."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=5,
        dark="#0b0c0c",
        light="#ffffff",
        svgclass="app-qr-code",
        lineclass=None,
        title="QR code for your authenticator app",
    )
    return Markup(svg.replace("<svg ", '<svg role="img" focusable="false" ', 1))  # noqa: S704


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def start_two_factor_set_up(user: StaffUser) -> None:
    """A fresh secret for the user to add to their app. Fresh each time, so that nobody who
    saw an earlier, unconfirmed one can use it."""
    user.totp_secret = new_totp_secret()
    user.totp_enrolled_at = None
    user.last_totp_step = None
    user.recovery_code_hashes = []


def reset_two_factor(user: StaffUser) -> None:
    """Forget the user's app and recovery codes (they set up again at their next sign-in) and
    end every session they have."""
    user.totp_secret = None
    user.totp_enrolled_at = None
    user.last_totp_step = None
    user.recovery_code_hashes = []
    user.session_version += 1


# Recovery codes -------------------------------------------------------------------------------


def _hash_recovery_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def new_recovery_codes(user: StaffUser) -> list[str]:
    """Replace the user's recovery codes with 8 new ones and return them, to be shown once."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_CODE_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    user.recovery_code_hashes = [_hash_recovery_code(code) for code in codes]
    return codes


def use_recovery_code(user: StaffUser, code: str | None) -> bool:
    """Whether `code` is one of the user's unused recovery codes; if so it is used up."""
    if not normalise_code(code):
        return False
    given = _hash_recovery_code(code or "")
    remaining = list(user.recovery_code_hashes or [])
    for stored in remaining:
        if hmac.compare_digest(stored, given):
            remaining.remove(stored)
            # A new list, so that SQLAlchemy sees the JSON column change.
            user.recovery_code_hashes = remaining
            return True
    return False


# Signing in -----------------------------------------------------------------------------------


class Outcome(Enum):
    PASSED = "passed"
    REFUSED = "refused"
    # Refused, and that failure locked the account.
    LOCKED = "locked"


@dataclass(frozen=True)
class PasswordResult:
    outcome: Outcome
    user: StaffUser | None = None

    @property
    def passed(self) -> bool:
        return self.outcome is Outcome.PASSED


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


def find_staff_user(email: str | None) -> StaffUser | None:
    email = normalise_email(email)
    if not email:
        return None
    return db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email))


def can_sign_in(user: StaffUser) -> bool:
    return user.active and user.locked_at is None


def check_email_and_password(
    email: str | None, password: str, *, ip_address: str | None
) -> PasswordResult:
    """The first step of signing in. Every refusal looks the same to the person signing in,
    whether the account is unknown, deactivated, locked or the password wrong."""
    user = find_staff_user(email)
    correct = check_password(user, password)
    if user is not None and correct and can_sign_in(user):
        _record_attempt(user, PASSWORD, True, ip_address)
        return PasswordResult(Outcome.PASSED, user)
    return PasswordResult(_refuse(user, PASSWORD, ip_address), None)


def check_second_factor(
    user: StaffUser, code: str | None, *, recovery: bool, ip_address: str | None
) -> Outcome:
    """The second step: a code from the app, or a recovery code. Passing it completes the
    sign-in and restarts the failure count."""
    if not can_sign_in(user):
        return Outcome.REFUSED
    stage = RECOVERY if recovery else TOTP
    passed = use_recovery_code(user, code) if recovery else verify_totp(user, code)
    if not passed:
        return _refuse(user, stage, ip_address)
    _record_attempt(user, stage, True, ip_address)
    record_audit("signed-in", staff_user=user, detail={"with": stage})
    return Outcome.PASSED


def confirm_password(user: StaffUser, password: str | None, *, ip_address: str | None) -> Outcome:
    """A signed-in person proving it is still them before changing their sign-in details. A
    wrong password counts towards the lock-out, as at sign-in."""
    if check_password(user, password or ""):
        return Outcome.PASSED
    return _refuse(user, PASSWORD, ip_address)


def confirm_two_factor_set_up(
    user: StaffUser, code: str | None, *, ip_address: str | None
) -> list[str] | None:
    """Finish setting up: the code proves the app has the secret. Returns the new recovery
    codes, to be shown once, or None if the code is wrong. Setting up completes a sign-in."""
    if not can_sign_in(user) or user.totp_secret is None or not verify_totp(user, code):
        return None
    user.totp_enrolled_at = clock.now()
    codes = new_recovery_codes(user)
    _record_attempt(user, TOTP, True, ip_address)
    record_audit("set-up-two-factor", staff_user=user)
    record_audit("signed-in", staff_user=user, detail={"with": "set-up"})
    return codes


def _record_attempt(
    user: StaffUser | None, stage: str, succeeded: bool, ip_address: str | None
) -> None:
    db.session.add(
        SignInAttempt(
            staff_user_id=user.id if user is not None else None,
            stage=stage,
            succeeded=succeeded,
            ip_address=ip_address,
            at=clock.now(),
        )
    )


def _refuse(user: StaffUser | None, stage: str, ip_address: str | None) -> Outcome:
    """Record a failed attempt, and lock the account if it is the 10th within the hour."""
    _record_attempt(user, stage, False, ip_address)
    record_audit("sign-in-failed", staff_user=user, detail={"stage": stage})
    if user is None or user.locked_at is not None:
        return Outcome.REFUSED
    db.session.flush()
    if recent_failures(user) < LOCK_AFTER_FAILURES:
        return Outcome.REFUSED
    user.locked_at = clock.now()
    record_audit("locked-account", staff_user=user, detail={"failures": LOCK_AFTER_FAILURES})
    return Outcome.LOCKED


def recent_failures(user: StaffUser) -> int:
    """Failed attempts in the last hour, since the last full sign-in or unlock."""
    since = clock.now() - LOCK_WINDOW
    restarted = db.session.scalar(
        select(func.max(SignInAttempt.at)).where(
            SignInAttempt.staff_user_id == user.id,
            SignInAttempt.succeeded.is_(True),
            SignInAttempt.stage.in_(_COUNT_RESTARTS),
        )
    )
    if restarted is not None and restarted > since:
        since = restarted
    failures = db.session.scalar(
        select(func.count()).where(
            SignInAttempt.staff_user_id == user.id,
            SignInAttempt.succeeded.is_(False),
            SignInAttempt.at >= since,
        )
    )
    return failures or 0


def unlock(user: StaffUser, *, ip_address: str | None) -> None:
    """Let a locked user sign in again, with a fresh count of failures."""
    user.locked_at = None
    _record_attempt(user, UNLOCK, True, ip_address)


def create_staff_user(*, email: str, name: str, role: str, password: str | None) -> StaffUser:
    """A new account. With no password, the owner sets one with a set-password link."""
    user = StaffUser(
        email=normalise_email(email),
        name=name.strip(),
        role=role,
        password_hash=hash_password(password) if password else unusable_password_hash(),
        recovery_code_hashes=[],
        active=True,
        session_version=1,
    )
    db.session.add(user)
    db.session.flush()
    return user
