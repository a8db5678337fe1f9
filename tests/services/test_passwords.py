"""Passwords: argon2id hashes and the policy (12 to 128 characters, common ones refused)."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import Type
from sqlalchemy import select

from tracker.config import defaults
from tracker.domain.errors import ValidationError
from tracker.models import User
from tracker.services.accounts.passwords import PRODUCTION, check_password_policy, verify_password
from tracker.services.accounts.users import create_user

GOOD = "plum-orbit-sketch-41"


def test_argon2id_password_hashes(db: Any) -> None:
    create_user(db, None, "hash@example.org", GOOD, "viewer")
    stored = db.scalar(select(User.password_hash).where(User.email == "hash@example.org"))
    assert stored.startswith("$argon2id$")
    assert GOOD not in stored
    assert verify_password(stored, GOOD)
    assert not verify_password(stored, GOOD + "x")
    # The suite hashes cheaply (PASSWORD_HASH_PARAMETERS); production keeps argon2id at the
    # RFC 9106 low-memory costs: 3 passes over 64 MiB with 4 lanes.
    production = PRODUCTION.hash(GOOD)
    assert production.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert verify_password(production, GOOD)


def test_an_app_without_the_setting_hashes_with_production_costs() -> None:
    assert "PASSWORD_HASH_PARAMETERS" not in defaults("/nonexistent")
    assert (PRODUCTION.type, PRODUCTION.time_cost, PRODUCTION.memory_cost) == (
        Type.ID,
        3,
        65536,
    )


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
