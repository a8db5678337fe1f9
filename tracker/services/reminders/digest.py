"""Each caseworker's digest: one section per reason a case needs action.

A reason is a `Source`: a code and a query returning (user id, item) pairs; the mail templates
print a section per code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.domain.vocabulary import HELD_STATUSES, AppealStatus, Role
from tracker.models import Appeal, Case, Hearing, User

DEADLINE_DAYS = 7
HEARING_DAYS = 14
HELD_QUIET_DAYS = 90


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One case that needs action, and why (`on`: the date the reason is about)."""

    case_id: int
    reference: str
    name: str
    on: dt.date | None
    detail: str = ""


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


def appeal_deadlines(session: Session, today: dt.date) -> Iterable[tuple[int, DigestItem]]:
    """Active or draft appeals whose deadline falls within the next DEADLINE_DAYS days."""
    rows = session.execute(
        select(
            Case.assigned_to_id,
            Case.id,
            Case.reference,
            Case.full_name,
            Appeal.deadline,
            Appeal.subject,
        )
        .join(Appeal, Appeal.case_id == Case.id)
        .where(
            Case.assigned_to_id.is_not(None),
            Appeal.status.in_([AppealStatus.ACTIVE.value, AppealStatus.DRAFT.value]),
            Appeal.deadline >= today,
            Appeal.deadline <= today + dt.timedelta(days=DEADLINE_DAYS),
        )
        .order_by(Appeal.deadline, Case.reference)
    ).all()
    for r in rows:
        yield r.assigned_to_id, DigestItem(r.id, r.reference, r.full_name, r.deadline, r.subject)


def held_without_change(session: Session, today: dt.date) -> Iterable[tuple[int, DigestItem]]:
    """People still held whose case has not changed in HELD_QUIET_DAYS days."""
    cutoff = dt.datetime.combine(
        today - dt.timedelta(days=HELD_QUIET_DAYS), dt.time(), tzinfo=dt.UTC
    )
    rows = session.execute(
        select(Case.assigned_to_id, Case.id, Case.reference, Case.full_name, Case.updated_at)
        .where(
            Case.assigned_to_id.is_not(None),
            Case.status.in_([s.value for s in HELD_STATUSES]),
            Case.updated_at < cutoff,
        )
        .order_by(Case.updated_at, Case.reference)
    ).all()
    for r in rows:
        yield r.assigned_to_id, DigestItem(r.id, r.reference, r.full_name, r.updated_at.date())


def hearings_soon(session: Session, today: dt.date) -> Iterable[tuple[int, DigestItem]]:
    """Days in court within the next HEARING_DAYS days, for people still held."""
    rows = session.execute(
        select(
            Case.assigned_to_id,
            Case.id,
            Case.reference,
            Case.full_name,
            Hearing.on,
            Hearing.kind,
            Hearing.court,
        )
        .join(Hearing, Hearing.case_id == Case.id)
        .where(
            Case.assigned_to_id.is_not(None),
            Case.status.in_([s.value for s in HELD_STATUSES]),
            Hearing.on >= today,
            Hearing.on <= today + dt.timedelta(days=HEARING_DAYS),
        )
        .order_by(Hearing.on, Case.reference)
    ).all()
    for r in rows:
        detail = r.kind.replace("_", " ") + (f", {r.court}" if r.court else "")
        yield r.assigned_to_id, DigestItem(r.id, r.reference, r.full_name, r.on, detail)


SOURCES: list[Source] = [
    Source("appeal_deadline", appeal_deadlines),
    Source("hearing", hearings_soon),
    Source("held_no_change", held_without_change),
]


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
