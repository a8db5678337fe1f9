"""Staff users, their API tokens, two-factor secrets and recovery codes, and failed sign-ins."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.crypto import EncryptedText
from tracker.domain.vocabulary import Role
from tracker.models.base import Base, UTCDateTime, utcnow


def new_session_token() -> str:
    """A random token that ties sessions to the user; rotating it signs every session out."""
    return secrets.token_urlsafe(32)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20), default=Role.VIEWER.value)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The language of this user's mail (the daily digest); empty: the site's DEFAULT_LANGUAGE.
    language: Mapped[str] = mapped_column(String(16), default="", server_default="")
    # Two-factor sign-in (RFC 6238): the base32 secret, set when enrolment starts and confirmed
    # by a first valid code; the time step of the last accepted code, so none is used twice.
    # A credential: stored encrypted like every private value (tracker.crypto).
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText)
    totp_confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column()

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # Flask-Login's user protocol; the session stores the session token, not the id, so
    # sign-out and deactivation (which rotate it) invalidate every captured cookie.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_secret is not None and self.totp_confirmed_at is not None

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def can_edit(self) -> bool:
        return self.role_enum.can_edit_cases

    @property
    def is_admin(self) -> bool:
        return self.role_enum is Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    # SHA-256 of the token: tokens are 256-bit random strings, so a fast hash is enough
    # and lets every request look its token up by index.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")


class RecoveryCode(Base):
    """One single-use two-factor recovery code, kept as a SHA-256 hash of its 80 random bits."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="recovery_codes")


class FailedLogin(Base):
    """One failed sign-in (password or code) from one client address; counted in the database
    so the throttle holds across processes."""

    __tablename__ = "failed_logins"
    __table_args__ = (
        Index("ix_failed_logins_email_at", "email", "at"),
        Index("ix_failed_logins_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    # The client address as the app sees it (after ProxyFix); "" for sign-ins without one.
    address: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # "password" or "code" (the second step of a two-factor sign-in).
    stage: Mapped[str] = mapped_column(String(10), default="password", server_default="password")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
