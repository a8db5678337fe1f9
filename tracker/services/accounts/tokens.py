"""When each API token was last used: written at most once per interval, not per request."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.models import ApiToken
from tracker.services.accounts.users import hash_token

# last_used_at tells an admin whether a token is still in use; to the minute is plenty, and
# writing it on every request would turn every read into a write.
TOUCH_INTERVAL = dt.timedelta(minutes=10)


def _row(session: Session, token: str) -> ApiToken | None:
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))


def touch_due(session: Session, token: str, now: dt.datetime) -> bool:
    """True when the token's last use is unknown or older than TOUCH_INTERVAL."""
    row = _row(session, token)
    if row is None:
        return False
    return row.last_used_at is None or now - row.last_used_at >= TOUCH_INTERVAL


def touch(session: Session, token: str, now: dt.datetime) -> None:
    """Record that the token was used at `now`."""
    row = _row(session, token)
    if row is not None:
        row.last_used_at = now
        session.flush()
