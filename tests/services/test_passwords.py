"""Passwords: argon2id hashes and the policy (12 to 128 characters, common ones refused)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tracker.domain.errors import ValidationError
from tracker.models import User
from tracker.services.accounts.passwords import check_password_policy, verify_password
from tracker.services.accounts.users import create_user

GOOD = "plum-orbit-sketch-41"


def test_argon2id_password_hashes(db: Any) -> None:
    create_user(db, None, "hash@example.org", GOOD, "viewer")
    stored = db.scalar(select(User.password_hash).where(User.email == "hash@example.org"))
    assert stored.startswith("$argon2id$")
    assert GOOD not in stored
    assert verify_password(stored, GOOD)
    assert not verify_password(stored, GOOD + "x")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pw-11", "at least 12"),
        ("x" * 129 + "Ab1", "at most 128"),
        ("password1234", "too common"),
        ("Password1234", "too common"),
        ("aaaaaaaaaaaaaaaa", "too common"),
    ],
)
def test_password_policy_refuses_weak_passwords(password: str, message: str) -> None:
    with pytest.raises(ValidationError) as err:
        check_password_policy(password)
    assert message in err.value.field_errors["password"]


def test_long_passphrases_up_to_128_characters_are_accepted() -> None:
    check_password_policy("a quiet river bends past the old mill " * 3)
