"""What the admin pages and the API read about staff users and their tokens."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.domain.vocabulary import Role
from tracker.models import ApiToken, User


def users_for_admin(session: Session) -> Sequence[User]:
    """Every user, active ones first, by email."""
    return session.scalars(select(User).order_by(User.active.desc(), User.email)).all()


def users_by_email(session: Session) -> Sequence[User]:
    """Every user, by email."""
    return session.scalars(select(User).order_by(User.email)).all()


def assignable_staff(session: Session) -> list[tuple[str, str]]:
    """Active admins and caseworkers as (id, name) choices for assigning a case."""
    rows = session.scalars(
        select(User)
        .where(User.active.is_(True), User.role.in_([Role.ADMIN.value, Role.CASEWORKER.value]))
        .order_by(User.name, User.email)
    )
    return [(str(u.id), u.name or u.email) for u in rows]


def tokens_of(session: Session, user_id: int) -> Sequence[ApiToken]:
    """A user's API tokens, newest first."""
    return session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
    ).all()


def any_user(session: Session) -> bool:
    """True when at least one user exists."""
    return session.scalar(select(User.id).limit(1)) is not None
