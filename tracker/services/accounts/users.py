"""Create staff users and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.domain.errors import NotFound, ValidationError
from tracker.domain.messages import M_
from tracker.domain.vocabulary import Role
from tracker.models import ApiToken, User, utcnow
from tracker.models.user import new_session_token
from tracker.services import audit
from tracker.services.accounts import throttle, two_factor
from tracker.services.accounts.passwords import (
    check_password_policy,
    hash_password,
    needs_rehash,
    verify_password,
)


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding space."""
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    """The user with this email, or None."""
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    session: Session,
    actor: User | None,
    email: str,
    password: str,
    role: Role | str = Role.VIEWER,
    name: str = "",
) -> User:
    """Add a user after checking the email, the role and the password policy."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise ValidationError(M_("Invalid email."), {"email": M_("Enter a valid email address.")})
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError(
            M_("Unknown role."), {"role": M_("Choose admin, caseworker or viewer.")}
        ) from None
    if session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise ValidationError(
            M_("A user with this email exists."), {"email": M_("This email is already in use.")}
        )
    check_password_policy(password)
    user = User(
        email=email, name=name.strip(), role=role.value, password_hash=hash_password(password)
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", "user", user.id, ["email", "role"], role=role.value)
    return user


def set_password(session: Session, actor: User | None, user: User, password: str) -> None:
    """Change a password and sign the user out everywhere."""
    check_password_policy(password)
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    session.flush()
    audit.record(session, actor, "user.password", "user", user.id, ["password"])


def hash_token(token: str) -> str:
    """The stored form of an API token."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, actor: User | None, user: User, name: str = "") -> str:
    """Create an API token for a user and return it; only its hash is kept."""
    token = "trk_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name, token_hash=hash_token(token), prefix=token[:10])
    session.add(row)
    session.flush()
    audit.record(session, actor, "token.create", "user", user.id, [], token_id=row.id)
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user owning a valid, unrevoked token, or None."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    return row.user


def revoke_token(session: Session, actor: User | None, token_id: int) -> None:
    """Revoke a token so it no longer authenticates."""
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound("No such token.")
    row.revoked_at = utcnow()
    session.flush()
    audit.record(session, actor, "token.revoke", "user", row.user_id, [], token_id=row.id)


# --- Sign-in, sign-out and account changes -------------------------------------------------


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Verified when the email is unknown, so a wrong email costs as long as a wrong password;
    # hashed at the first such sign-in, not when the module is imported.
    return hash_password("no-such-user-placeholder")


@dataclass(frozen=True, slots=True)
class SignIn:
    """The outcome of a sign-in step: the user, or why not (never which of email or password).

    `needs_code` means the password was right and the second step (a TOTP or recovery code)
    comes next: the user is not signed in yet.
    """

    user: User | None
    locked_until: dt.datetime | None = None
    needs_code: bool = False


def _signed_in(session: Session, user: User, now: dt.datetime, **detail: str) -> SignIn:
    user.last_login_at = now
    session.flush()
    audit.record(session, user, "auth.login", "user", user.id, **detail)
    return SignIn(user)


def sign_in(
    session: Session, email: str, password: str, address: str = "", now: dt.datetime | None = None
) -> SignIn:
    """Check an email and password from a client address, throttled per address; audit either
    way (never the password tried)."""
    now = now or utcnow()
    email = normalise_email(email)[:254]
    locked = throttle.locked_until(session, email, address, throttle.Stage.PASSWORD, now)
    if locked is not None:
        audit.record(session, None, "auth.login_blocked", email=email, address=address)
        return SignIn(None, locked)
    user = find_user(session, email) if email else None
    if user is None:
        verify_password(_dummy_hash(), password)
        ok = False
    else:
        ok = verify_password(user.password_hash, password) and user.active
    if user is not None and ok:
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        if user.two_factor_enabled:
            session.flush()
            return SignIn(user, needs_code=True)
        return _signed_in(session, user, now, address=address)
    throttle.record_failure(session, email, address, throttle.Stage.PASSWORD, now)
    audit.record(
        session,
        None,
        "auth.login_failed",
        "user" if user else None,
        user.id if user else None,
        email=email,
        address=address,
    )
    return SignIn(
        None, throttle.locked_until(session, email, address, throttle.Stage.PASSWORD, now)
    )


def sign_in_second_step(
    session: Session, user: User, code: str, address: str = "", now: dt.datetime | None = None
) -> SignIn:
    """Check the code of a user whose password was right: a TOTP or an unused recovery code."""
    now = now or utcnow()
    locked = throttle.locked_until(session, user.email, address, throttle.Stage.CODE, now)
    if locked is not None:
        audit.record(session, None, "auth.login_blocked", "user", user.id, address=address)
        return SignIn(None, locked)
    kind = two_factor.use_code(session, user, code, now) if user.active else None
    if kind is not None:
        return _signed_in(session, user, now, address=address, second_factor=kind.value)
    throttle.record_failure(session, user.email, address, throttle.Stage.CODE, now)
    audit.record(session, None, "auth.code_failed", "user", user.id, address=address)
    return SignIn(
        None, throttle.locked_until(session, user.email, address, throttle.Stage.CODE, now)
    )


def sign_out(session: Session, user: User) -> None:
    """Sign the user out of every session by rotating their session token."""
    user.session_token = new_session_token()
    session.flush()
    audit.record(session, user, "auth.logout", "user", user.id)


def _other_active_admins(session: Session, user: User) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.ADMIN.value, User.active.is_(True), User.id != user.id)
        )
        or 0
    )


def change_role(session: Session, actor: User | None, user: User, role: Role | str) -> None:
    """Give a user another role; the last active admin keeps theirs."""
    try:
        new = Role(role)
    except ValueError:
        raise ValidationError(
            M_("Unknown role."), {"role": M_("Choose admin, caseworker or viewer.")}
        ) from None
    if new.value == user.role:
        return
    if user.role == Role.ADMIN.value and user.active and not _other_active_admins(session, user):
        raise ValidationError(
            M_("The last admin cannot lose the admin role."),
            {"role": M_("Make someone else admin first.")},
        )
    old = user.role
    user.role = new.value
    session.flush()
    audit.record(session, actor, "user.role", "user", user.id, ["role"], old=old, new=new.value)


def _revoke_all_tokens(session: Session, user: User) -> list[int]:
    now = utcnow()
    rows = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    for row in rows:
        row.revoked_at = now
    return [row.id for row in rows]


def deactivate(session: Session, actor: User | None, user: User) -> None:
    """Stop a user signing in, end their sessions and revoke their API tokens for good."""
    if not user.active:
        return
    if user.role == Role.ADMIN.value and not _other_active_admins(session, user):
        raise ValidationError(
            M_("The last admin cannot be deactivated."),
            {"user": M_("Make someone else admin first.")},
        )
    user.active = False
    user.session_token = new_session_token()
    revoked = _revoke_all_tokens(session, user)
    session.flush()
    audit.record(
        session, actor, "user.deactivate", "user", user.id, ["active"], revoked_tokens=revoked
    )


def reactivate(session: Session, actor: User | None, user: User) -> None:
    """Let a deactivated user sign in again; no API token of before comes back (new ones are
    made on purpose)."""
    if user.active:
        return
    user.active = True
    # Tokens of users deactivated before deactivation revoked them are revoked now.
    revoked = _revoke_all_tokens(session, user)
    session.flush()
    audit.record(
        session, actor, "user.reactivate", "user", user.id, ["active"], revoked_tokens=revoked
    )
