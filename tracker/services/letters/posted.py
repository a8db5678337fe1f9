"""One-time "I posted it" tokens: a letter counts as posted once per token, never twice.

A token is `APPEAL.ISSUED.RANDOM.SIGNATURE`: the appeal it is for, the day it was issued (days
since 1970), a random id and an HMAC of the three under the app's secret. It carries nothing
about the supporter. Redeeming records the random id as used (its primary key), so a replay,
from the same browser or a thousand others, finds it there and counts nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import secrets

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tracker.models import PostedToken
from tracker.services.letters.counters import add_counts

# A letter is posted within weeks of its download; an older token is refused, and the ids of
# used tokens are kept only this long (after that their tokens are refused as too old anyway).
TOKEN_MAX_AGE_DAYS = 180
_EPOCH = dt.date(1970, 1, 1)


class Redeemed(enum.StrEnum):
    """What became of a token; the page says it politely."""

    COUNTED = "counted"
    ALREADY = "already"  # used before: nothing changes
    INVALID = "invalid"  # missing, malformed, forged, for another appeal or too old


def _signature(secret: str, payload: str) -> str:
    mac = hmac.new(secret.encode(), f"posted:{payload}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def issue_token(secret: str, appeal_id: int, today: dt.date) -> str:
    """A fresh token for one letter of `appeal_id` (put on the letter page with the download)."""
    payload = f"{appeal_id}.{(today - _EPOCH).days}.{secrets.token_hex(12)}"
    return f"{payload}.{_signature(secret, payload)}"


def token_id(secret: str, token: str, appeal_id: int, today: dt.date) -> str | None:
    """The random id of a valid token for this appeal; None for anything else."""
    parts = (token or "").strip().split(".")
    if len(parts) != 4 or len(token) > 120:
        return None
    appeal, issued, random_id, signature = parts
    expected = _signature(secret, ".".join(parts[:3]))
    if not hmac.compare_digest(signature, expected):
        return None
    if not (appeal.isdigit() and issued.isdigit()) or int(appeal) != appeal_id:
        return None
    age = (today - _EPOCH).days - int(issued)
    if not 0 <= age <= TOKEN_MAX_AGE_DAYS or len(random_id) != 24:
        return None
    return random_id


def redeem(session: Session, secret: str, token: str, appeal_id: int, today: dt.date) -> Redeemed:
    """Count one letter posted for a valid, unused token; nothing for any other."""
    found = token_id(secret, token, appeal_id, today)
    if found is None:
        return Redeemed.INVALID
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # One statement decides, whatever number of processes redeem the same token at once.
    inserted = session.execute(
        insert(PostedToken)
        .values(id=found, appeal_id=appeal_id, used_on=today)
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(PostedToken.id)
    ).first()
    if inserted is None:
        return Redeemed.ALREADY
    add_counts(session, appeal_id, today, sent=1)
    _forget_old(session, today)
    return Redeemed.COUNTED


def _forget_old(session: Session, today: dt.date) -> None:
    oldest = today - dt.timedelta(days=TOKEN_MAX_AGE_DAYS + 1)
    if session.scalar(select(PostedToken.id).where(PostedToken.used_on < oldest).limit(1)):
        session.execute(delete(PostedToken).where(PostedToken.used_on < oldest))
