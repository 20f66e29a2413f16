"""Staff sign-in: passwords, the two steps of signing in, lock-out and set-password links.

Plain functions on StaffUser rows, with no request handling, so that the staff pages and the
`flask staff` commands share one set of rules. Each function adds to the caller's transaction;
the caller commits.

- Passwords are hashed with argon2id (RFC 9106 low-memory profile) and rehashed at sign-in when
  the parameters change. At least 12 characters, up to 256, and not on a list of common ones.
- The second step is a time-based code or a recovery code: reviews.two_factor makes and
  checks them.
- 10 failed attempts (password or code) within an hour lock the account until an admin unlocks
  it. A full sign-in or an unlock starts the count again.
- An unknown email address and a wrong password look and take the same: the password is checked
  against a dummy hash when there is no account.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.profiles import RFC_9106_LOW_MEMORY
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select
from zxcvbn import zxcvbn

from reviews import clock
from reviews.audit import record_audit
from reviews.database import db
from reviews.models import SignInAttempt, StaffUser

# The two-factor names are also importable from here, as they were before reviews.two_factor
# ("as" marks a re-export).
from reviews.two_factor import RECOVERY_CODE_COUNT as RECOVERY_CODE_COUNT
from reviews.two_factor import TOTP_DIGITS as TOTP_DIGITS
from reviews.two_factor import TOTP_INTERVAL as TOTP_INTERVAL
from reviews.two_factor import TOTP_ISSUER as TOTP_ISSUER
from reviews.two_factor import TOTP_VALID_WINDOW as TOTP_VALID_WINDOW
from reviews.two_factor import current_totp_step as current_totp_step
from reviews.two_factor import grouped_secret as grouped_secret
from reviews.two_factor import looks_like_totp_code as looks_like_totp_code
from reviews.two_factor import new_recovery_codes as new_recovery_codes
from reviews.two_factor import new_totp_secret as new_totp_secret
from reviews.two_factor import normalise_code as normalise_code
from reviews.two_factor import provisioning_uri as provisioning_uri
from reviews.two_factor import qr_code_svg as qr_code_svg
from reviews.two_factor import reset_two_factor as reset_two_factor
from reviews.two_factor import start_two_factor_set_up as start_two_factor_set_up
from reviews.two_factor import totp_code as totp_code
from reviews.two_factor import use_recovery_code as use_recovery_code
from reviews.two_factor import verify_totp as verify_totp

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 256
LOCK_AFTER_FAILURES = 10
LOCK_WINDOW = timedelta(hours=1)
SET_PASSWORD_LINK_MAX_AGE = timedelta(hours=72)

# SignInAttempt.stage values. An admin's unlock is written as a succeeded "unlock" row, so that
# the failures before it no longer count.
# (PASSWORD is a stage name, not a password: ruff S105, bandit B105.)
PASSWORD = "password"  # noqa: S105  # nosec B105
TOTP = "totp"
RECOVERY = "recovery"
UNLOCK = "unlock"
_COUNT_RESTARTS = (TOTP, RECOVERY, UNLOCK)

password_hasher = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)

# zxcvbn estimates how many guesses a password takes, knowing the 30,000 passwords most used in
# leaked password lists, keyboard walks, dates, repeats and l33t spellings of words. Below this
# score it is refused. It runs offline: nothing about a password leaves the machine.
MIN_PASSWORD_SCORE = 3
# The estimate is exponential in length; the first characters bound it from below and are
# plenty to tell a guessable password from a strong one.
PASSWORD_CHARACTERS_MEASURED = 100
GUESSABLE_MESSAGE = (
    "Choose a password that is harder to guess: this one is too common or too easy to work out"
)


# Passwords ------------------------------------------------------------------------------------


def normalise_password(password: str) -> str:
    """The same password typed on different devices gives the same characters (NFKC)."""
    return unicodedata.normalize("NFKC", password)


def password_problem(password: str | None, about: Iterable[str] = ()) -> str | None:
    """Why this password cannot be used, as an error message, or None if it can. `about`: what
    is known about its owner (name, email), which makes a password guessable."""
    if not password:
        return "Enter a password"
    password = normalise_password(password)
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"Password must be {PASSWORD_MIN_LENGTH} characters or more"
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"Password must be {PASSWORD_MAX_LENGTH} characters or fewer"
    estimate = zxcvbn(
        password[:PASSWORD_CHARACTERS_MEASURED],
        user_inputs=_personal_words(about),
        max_length=PASSWORD_CHARACTERS_MEASURED,
    )
    if estimate["score"] < MIN_PASSWORD_SCORE:
        return GUESSABLE_MESSAGE
    return None


def _personal_words(about: Iterable[str]) -> list[str]:
    """'Sam Caseworker' gives sam, caseworker and samcaseworker; an email its parts too."""
    words = []
    for text in about:
        parts = [part for part in re.split(r"[\W_]+", text.lower()) if part]
        words += [*parts, "".join(parts)]
    return words


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
