"""Two-factor sign-in: TOTP (RFC 6238) enrolment, codes, recovery codes, disable and reset.

The TOTP secret leaves the server only on the enrolment page (as the otpauth:// URI and its QR
code); recovery codes are shown once and kept as SHA-256 hashes (80 random bits each, so a
fast hash is enough, as for API tokens).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from enum import StrEnum

import pyotp
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tracker.domain.errors import ValidationError
from tracker.domain.messages import M_
from tracker.models import RecoveryCode, User, utcnow
from tracker.models.user import new_session_token
from tracker.services import audit

RECOVERY_CODE_COUNT = 10
# Codes of the previous and next 30-second step are accepted too (clocks drift).
VALID_WINDOW = 1
_TOTP_RE = re.compile(r"^\d{6}$")
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
_RECOVERY_LENGTH = 16  # 16 symbols of 31: 79 bits


class CodeKind(StrEnum):
    """Which kind of code a user typed."""

    TOTP = "totp"
    RECOVERY = "recovery"


def _wrong_code() -> ValidationError:
    return ValidationError(
        M_("Wrong code."), {"code": M_("That code is not valid; try the current one.")}
    )


def hash_recovery_code(code: str) -> str:
    """The stored form of a recovery code (spaces, dashes and case ignored)."""
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def normalise_code(code: str) -> str:
    """A code as typed, without spaces or dashes, lower case."""
    return re.sub(r"[\s-]", "", code).lower()[:64]


def provisioning_uri(user: User, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads (from the QR code or typed)."""
    if user.totp_secret is None:
        raise ValueError("no secret: start the enrolment first")
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=issuer)


def start_enrolment(session: Session, user: User) -> str:
    """Give the user a new secret to enrol, keeping one already shown if not yet confirmed."""
    if user.two_factor_enabled:
        raise ValidationError(M_("Two-factor sign-in is already on."))
    if user.totp_secret is None:
        user.totp_secret = pyotp.random_base32()  # 160 bits, as RFC 4226 recommends
        session.flush()
    return user.totp_secret


def _matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for candidate in range(step - VALID_WINDOW, step + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def _accept_totp(user: User, code: str, now: dt.datetime) -> bool:
    if user.totp_secret is None or not _TOTP_RE.match(code):
        return False
    step = _matching_step(user.totp_secret, code, now)
    # A code is good once: the same or an older step is a replay (RFC 6238 section 5.2).
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        code = "-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4))
        session.add(RecoveryCode(user_id=user.id, code_hash=hash_recovery_code(code)))
        codes.append(code)
    session.flush()
    return codes


def confirm_enrolment(
    session: Session, user: User, code: str, now: dt.datetime | None = None
) -> list[str]:
    """Turn two-factor sign-in on when `code` matches the new secret; return the recovery codes."""
    now = now or utcnow()
    if user.two_factor_enabled:
        raise ValidationError(M_("Two-factor sign-in is already on."))
    if user.totp_secret is None or not _accept_totp(user, normalise_code(code), now):
        raise _wrong_code()
    user.totp_confirmed_at = now
    codes = _new_recovery_codes(session, user)
    audit.record(session, user, "auth.2fa_enrol", "user", user.id)
    return codes


def use_code(
    session: Session, user: User, code: str, now: dt.datetime | None = None
) -> CodeKind | None:
    """Accept a current TOTP or an unused recovery code (then used up); None when neither."""
    now = now or utcnow()
    if not user.two_factor_enabled:
        return None
    typed = normalise_code(code)
    if _accept_totp(user, typed, now):
        session.flush()
        return CodeKind.TOTP
    if len(typed) != _RECOVERY_LENGTH:
        return None
    row = session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == hash_recovery_code(typed),
            RecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        return None
    row.used_at = now
    session.flush()
    left = unused_recovery_codes(session, user)
    audit.record(session, user, "auth.recovery_code_used", "user", user.id, remaining=left)
    return CodeKind.RECOVERY


def unused_recovery_codes(session: Session, user: User) -> int:
    """How many recovery codes the user has left."""
    return len(
        session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def _clear(session: Session, user: User) -> None:
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.flush()


def disable(session: Session, user: User, code: str, now: dt.datetime | None = None) -> None:
    """Turn the user's own two-factor sign-in off; needs a current code or a recovery code."""
    if use_code(session, user, code, now) is None:
        raise _wrong_code()
    _clear(session, user)
    audit.record(session, user, "auth.2fa_disable", "user", user.id)


def regenerate_recovery_codes(
    session: Session, user: User, code: str, now: dt.datetime | None = None
) -> list[str]:
    """Replace every recovery code with ten new ones; needs a current code."""
    if use_code(session, user, code, now) is None:
        raise _wrong_code()
    codes = _new_recovery_codes(session, user)
    audit.record(session, user, "auth.recovery_codes_regenerate", "user", user.id)
    return codes


def reset(session: Session, actor: User | None, user: User) -> None:
    """An admin turns a user's two-factor sign-in off (a lost phone) and signs them out."""
    _clear(session, user)
    user.session_token = new_session_token()
    session.flush()
    audit.record(session, actor, "auth.2fa_reset", "user", user.id)
