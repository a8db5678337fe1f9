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
from tracker.domain.vocabulary import Role
from tracker.models import ApiToken, FailedLogin, User, utcnow
from tracker.models.user import new_session_token
from tracker.services import audit
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
        raise ValidationError("Invalid email.", {"email": "Enter a valid email address."})
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError(
            "Unknown role.", {"role": "Choose admin, caseworker or viewer."}
        ) from None
    if session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise ValidationError(
            "A user with this email exists.", {"email": "This email is already in use."}
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

SIGNIN_LIMIT = 10
SIGNIN_WINDOW = dt.timedelta(minutes=15)
SIGNIN_WAIT = dt.timedelta(minutes=15)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Verified when the email is unknown, so a wrong email costs as long as a wrong password;
    # hashed at the first such sign-in, not when the module is imported.
    return hash_password("no-such-user-placeholder")


@dataclass(frozen=True, slots=True)
class SignIn:
    """The outcome of a sign-in: the user, or why not (never which of email or password)."""

    user: User | None
    locked_until: dt.datetime | None = None


def signin_locked_until(
    session: Session, email: str, now: dt.datetime | None = None
) -> dt.datetime | None:
    """When sign-ins for this email may resume, if 10 failures fell within 15 minutes."""
    now = now or utcnow()
    recent = session.scalars(
        select(FailedLogin.at)
        .where(
            FailedLogin.email == normalise_email(email)[:254],
            FailedLogin.at > now - SIGNIN_WINDOW - SIGNIN_WAIT,
        )
        .order_by(FailedLogin.at.desc())
        .limit(SIGNIN_LIMIT)
    ).all()
    # Attempts while locked are not recorded, so the newest ten are the run that locked it.
    if len(recent) < SIGNIN_LIMIT or recent[0] - recent[-1] > SIGNIN_WINDOW:
        return None
    until = recent[0] + SIGNIN_WAIT
    return until if until > now else None


def sign_in(session: Session, email: str, password: str, now: dt.datetime | None = None) -> SignIn:
    """Check an email and password, counting failures in the database; audit either way."""
    now = now or utcnow()
    email = normalise_email(email)[:254]
    locked = signin_locked_until(session, email, now)
    if locked is not None:
        audit.record(session, None, "auth.login_blocked", email=email)
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
        user.last_login_at = now
        session.flush()
        audit.record(session, user, "auth.login", "user", user.id)
        return SignIn(user)
    session.add(FailedLogin(email=email, at=now))
    session.flush()
    audit.record(
        session,
        None,
        "auth.login_failed",
        "user" if user else None,
        user.id if user else None,
        email=email,
    )
    return SignIn(None, signin_locked_until(session, email, now))


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
            "Unknown role.", {"role": "Choose admin, caseworker or viewer."}
        ) from None
    if new.value == user.role:
        return
    if user.role == Role.ADMIN.value and user.active and not _other_active_admins(session, user):
        raise ValidationError(
            "The last admin cannot lose the admin role.", {"role": "Make someone else admin first."}
        )
    old = user.role
    user.role = new.value
    session.flush()
    audit.record(session, actor, "user.role", "user", user.id, ["role"], old=old, new=new.value)


def deactivate(session: Session, actor: User | None, user: User) -> None:
    """Stop a user signing in and end their sessions; their API tokens stop working too."""
    if not user.active:
        return
    if user.role == Role.ADMIN.value and not _other_active_admins(session, user):
        raise ValidationError(
            "The last admin cannot be deactivated.", {"user": "Make someone else admin first."}
        )
    user.active = False
    user.session_token = new_session_token()
    session.flush()
    audit.record(session, actor, "user.deactivate", "user", user.id, ["active"])


def reactivate(session: Session, actor: User | None, user: User) -> None:
    """Let a deactivated user sign in again."""
    if user.active:
        return
    user.active = True
    session.flush()
    audit.record(session, actor, "user.reactivate", "user", user.id, ["active"])
