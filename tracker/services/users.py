"""Create staff users and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.domain.errors import NotFound, ValidationError
from tracker.domain.vocabulary import Role
from tracker.models import ApiToken, User, utcnow
from tracker.models.user import new_session_token
from tracker.services import audit
from tracker.services.passwords import check_password_policy, hash_password


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
