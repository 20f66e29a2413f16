"""Two-factor authentication for staff: time-based codes from an authenticator app, and
recovery codes for when the app is lost.

Plain functions on StaffUser rows, like reviews.staff_accounts (which checks these codes at
sign-in, counts the failures and locks the account). Each adds to the caller's transaction.

- Time-based codes (TOTP): 30 seconds, 6 digits, one step either side for slow clocks. A code
  works once: the step it belongs to is stored and no step at or before it is accepted again.
- 8 recovery codes, each working once, kept as SHA-256 hashes (they are long and random, so a
  slow hash adds nothing).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp
import segno
from markupsafe import Markup

from reviews import clock
from reviews.models import StaffUser

TOTP_INTERVAL = 30
TOTP_DIGITS = 6
TOTP_VALID_WINDOW = 1
TOTP_ISSUER = "MOPAC Police Complaint Reviews"
RECOVERY_CODE_COUNT = 8

# Unambiguous letters and digits (no 0/o, 1/l/i) for recovery codes: 10 of them is 50 bits.
_RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
_RECOVERY_CODE_LENGTH = 10


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
    # ASCII digits only: str.isdigit also accepts "²", which compare_digest refuses (500).
    return len(code) == TOTP_DIGITS and code.isascii() and code.isdigit()


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
    # segno's own SVG of the secret, nobody's input in it (ruff S704, bandit B704).
    svg = svg.replace("<svg ", '<svg role="img" focusable="false" ', 1)
    return Markup(svg)  # noqa: S704  # nosec B704


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
