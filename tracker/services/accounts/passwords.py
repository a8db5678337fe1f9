"""Password hashing with argon2id and the password policy."""

from __future__ import annotations

from collections.abc import Mapping

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from tracker.domain.errors import ValidationError
from tracker.domain.messages import M_

# argon2id with the library's recommended parameters (RFC 9106, low-memory profile).
PRODUCTION = PasswordHasher()
_hasher = PRODUCTION

MIN_LENGTH = 12
MAX_LENGTH = 128

# The most common passwords of at least 12 characters in public breach lists.
COMMON_PASSWORDS = frozenset(
    {
        "123456789012",
        "1234567890123",
        "12345678910",
        "123456789123",
        "qwertyuiopas",
        "qwertyuiop123",
        "password1234",
        "password12345",
        "passwordpassword",
        "iloveyou1234",
        "111111111111",
        "000000000000",
        "abcdefghijkl",
        "abc123abc123",
        "qwerty123456",
        "1q2w3e4r5t6y",
        "1qaz2wsx3edc",
        "letmein12345",
        "welcome12345",
        "administrator",
        "changeme1234",
        "trustno1trustno1",
        "football1234",
        "baseball1234",
        "superman1234",
        "qwertyqwerty",
        "asdfghjklasdf",
        "zaq12wsxcde3",
        "monkey123456",
        "dragon123456",
        "sunshine1234",
        "princess1234",
        "password123!",
        "Password1234",
        "P@ssw0rd1234",
        "correcthorsebatterystaple",
        "123123123123",
        "987654321987",
        "aaaaaaaaaaaa",
    }
)


def use_parameters(parameters: Mapping[str, int] | None) -> None:
    """Hash with other argon2id costs (time_cost, memory_cost, parallelism); None: production.

    Set from the PASSWORD_HASH_PARAMETERS setting by create_app; only the test suite sets it,
    to hash its passwords in microseconds instead of a tenth of a second each.
    """
    global _hasher
    if not parameters:
        _hasher = PRODUCTION
        return
    _hasher = PasswordHasher(
        time_cost=parameters["time_cost"],
        memory_cost=parameters["memory_cost"],
        parallelism=parameters["parallelism"],
        type=Type.ID,
    )


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches the hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with older parameters."""
    return _hasher.check_needs_rehash(password_hash)


def check_password_policy(password: str) -> None:
    """Raise ValidationError for a password that is too short, too long or too common."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(
            M_("Password too short."),
            {"password": M_("Use at least %(min)s characters.", min=MIN_LENGTH)},
        )
    if len(password) > MAX_LENGTH:
        raise ValidationError(
            M_("Password too long."),
            {"password": M_("Use at most %(max)s characters.", max=MAX_LENGTH)},
        )
    if password.lower() in {p.lower() for p in COMMON_PASSWORDS} or len(set(password)) < 4:
        raise ValidationError(
            M_("Password too common."),
            {"password": M_("This password is too common; choose another.")},
        )
