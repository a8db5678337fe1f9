"""Sign-in throttling by client address, so a stranger cannot lock an account's owner out.

Failures are rows in the database (not process memory), so every gunicorn worker counts the
same ones. Three limits, each over a 15-minute window, each making the caller wait 15 minutes
after the failure that reached it:

- one address and one account: 10 failed passwords or codes (guessing one person's password);
- one address, any accounts: 50 failures (spraying one password over many accounts);
- one account's second step, any address: 10 wrong codes. Only someone who knows the password
  reaches that step, so a stranger who knows just the email cannot trigger it.

The old limit (10 failures for an email from anywhere locked that email for everyone) let
anyone keep the owner out; now the owner's own address is untouched by a stranger's failures.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from tracker.models import FailedLogin, utcnow

WINDOW = dt.timedelta(minutes=15)
WAIT = dt.timedelta(minutes=15)
PER_ADDRESS_AND_ACCOUNT = 10
PER_ADDRESS = 50
CODES_PER_ACCOUNT = 10
MAX_ADDRESS_LENGTH = 64
# A failure older than this can no longer lock anyone out (WINDOW + WAIT); kept a day for a
# look at an attack, then deleted by the worker's housekeeping.
KEEP_FAILURES = dt.timedelta(days=1)


class Stage(StrEnum):
    """Which step of the sign-in failed."""

    PASSWORD = "password"  # noqa: S105 (a stage name, not a password)
    CODE = "code"


def _locked_until(
    session: Session, where: ColumnElement[bool], limit: int, now: dt.datetime
) -> dt.datetime | None:
    recent = session.scalars(
        select(FailedLogin.at)
        .where(where, FailedLogin.at > now - WINDOW - WAIT)
        .order_by(FailedLogin.at.desc())
        .limit(limit)
    ).all()
    # Attempts while waiting are not recorded, so the newest `limit` are the run that locked.
    if len(recent) < limit or recent[0] - recent[-1] > WINDOW:
        return None
    until = recent[0] + WAIT
    return until if until > now else None


def locked_until(
    session: Session, email: str, address: str, stage: Stage, now: dt.datetime | None = None
) -> dt.datetime | None:
    """When this address may try this account again, or None when it may now."""
    now = now or utcnow()
    address = address[:MAX_ADDRESS_LENGTH]
    checks: list[tuple[ColumnElement[bool], int]] = [
        ((FailedLogin.address == address) & (FailedLogin.email == email), PER_ADDRESS_AND_ACCOUNT),
        (FailedLogin.address == address, PER_ADDRESS),
    ]
    if stage is Stage.CODE:
        codes = (FailedLogin.email == email) & (FailedLogin.stage == Stage.CODE.value)
        checks.append((codes, CODES_PER_ACCOUNT))
    waits = [w for where, limit in checks if (w := _locked_until(session, where, limit, now))]
    return max(waits) if waits else None


def record_failure(
    session: Session, email: str, address: str, stage: Stage, now: dt.datetime | None = None
) -> None:
    """Count one failed password or code from this address for this account."""
    session.add(
        FailedLogin(
            email=email[:254],
            address=address[:MAX_ADDRESS_LENGTH],
            stage=stage.value,
            at=now or utcnow(),
        )
    )
    session.flush()


def prune_failures(session: Session, now: dt.datetime | None = None) -> int:
    """Delete failed sign-ins older than KEEP_FAILURES (they lock nobody out); how many."""
    cutoff = (now or utcnow()) - KEEP_FAILURES
    result = session.execute(delete(FailedLogin).where(FailedLogin.at < cutoff))
    return int(getattr(result, "rowcount", 0))  # a DML result (CursorResult) has one
