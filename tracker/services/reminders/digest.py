"""Each caseworker's digest: one section per reason a case needs action.

The reasons are services/attention's (the dashboard's too); each `Source` gives a reason's
items on the cases assigned to someone as (user id, item) pairs, and the mail templates print a
section per code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.domain.vocabulary import Role
from tracker.models import User
from tracker.services.attention.reasons import REASONS, Find


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One case that needs action, and why (`on`: the date the reason is about).

    `detail` is what was typed (an appeal's subject, a court, a facility's name, who gave a
    consent) and `kind` a token (which hearing, which consent): the mail templates say them in
    the reader's language (templates/mail/_detail.txt).
    """

    case_id: int
    reference: str
    name: str
    on: dt.date | None
    detail: str = ""
    reason: str = ""
    kind: str = ""


@dataclass(frozen=True, slots=True)
class DigestSection:
    """The items of one reason, e.g. `appeal_deadline`."""

    code: str
    items: tuple[DigestItem, ...]


@dataclass(frozen=True, slots=True)
class Digest:
    """What one caseworker is sent."""

    user_id: int
    email: str
    name: str
    sections: tuple[DigestSection, ...] = field(default=())
    language: str = ""  # the user's language for mail; empty: the site's default

    @property
    def count(self) -> int:
        """How many items (a case can appear under two reasons)."""
        return sum(len(s.items) for s in self.sections)


@dataclass(frozen=True, slots=True)
class Source:
    """A reason a case needs action."""

    code: str
    find: Callable[[Session, dt.date], Iterable[tuple[int, DigestItem]]]


def _assigned(find: Find) -> Callable[[Session, dt.date], Iterable[tuple[int, DigestItem]]]:
    """A reason of services/attention, as (caseworker, item) pairs of the cases assigned."""

    def pairs(session: Session, today: dt.date) -> Iterable[tuple[int, DigestItem]]:
        for item in find(session, today, None):
            if item.assigned_to_id is not None:
                yield (
                    item.assigned_to_id,
                    DigestItem(
                        item.case_id,
                        item.reference,
                        item.name,
                        item.on,
                        item.detail,
                        item.reason.value,
                        item.kind,
                    ),
                )

    return pairs


# One section per reason of services/attention, in its order.
SOURCES: list[Source] = [Source(reason.value, _assigned(find)) for reason, find in REASONS]


def build_digests(session: Session, today: dt.date) -> list[Digest]:
    """A digest for each active caseworker or admin with something to act on."""
    found: dict[int, dict[str, list[DigestItem]]] = {}
    for source in SOURCES:
        for user_id, item in source.find(session, today):
            found.setdefault(user_id, {}).setdefault(source.code, []).append(item)
    if not found:
        return []
    users = session.scalars(
        select(User)
        .where(
            User.id.in_(found),
            User.active.is_(True),
            User.role.in_([Role.CASEWORKER.value, Role.ADMIN.value]),
        )
        .order_by(User.id)
    ).all()
    return [
        Digest(
            user.id,
            user.email,
            user.name,
            tuple(
                DigestSection(s.code, tuple(found[user.id][s.code]))
                for s in SOURCES
                if s.code in found[user.id]
            ),
            user.language,
        )
        for user in users
    ]
