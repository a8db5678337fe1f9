"""Record a case's moves between facilities (placements) and its days in court (hearings)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from tracker.domain.custody import HearingKind
from tracker.domain.dates import PartialDate
from tracker.domain.errors import raise_problems
from tracker.domain.messages import M_
from tracker.domain.values import is_web_address
from tracker.domain.vocabulary import HELD_STATUSES, Precision
from tracker.models import Case, Facility, Hearing, Placement, User
from tracker.services import audit
from tracker.services.cases.fields import check_not_future, clean_line

MAX_NOTE = 2000
MAX_COURT = 300
# Hearings further ahead than this are typing mistakes (a year 2205 instead of 2025).
MAX_HEARING_YEARS_AHEAD = 10


def _texts(
    values: Sequence[tuple[str, str, bool, int]], problems: dict[str, str]
) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value, multiline, limit in values:
        try:
            out[name] = clean_line(value, multiline=multiline, max_length=limit)
        except ValueError as exc:
            problems[name] = str(exc)
    return out


def _raise(problems: dict[str, str]) -> None:
    raise_problems(problems)


def add_placement(
    session: Session,
    actor: User | None,
    case: Case,
    facility_id: int,
    effective_on: dt.date,
    *,
    precision: Precision | str = Precision.DAY,
    source_url: str = "",
    public_note: str = "",
) -> Placement:
    """Record that the person was moved into a facility; the newest is where they are now."""
    problems: dict[str, str] = {}
    facility = session.get(Facility, facility_id) if facility_id else None
    if facility is None:
        problems["facility_id"] = M_("No facility with id %(id)s.", id=str(facility_id))
    try:
        when = PartialDate.of(effective_on, precision)
    except ValueError:
        problems["precision"] = M_("Use day, month or year.")
        when = PartialDate(effective_on)
    try:
        check_not_future(when.value)
    except ValueError as exc:
        problems["effective_on"] = str(exc)
    texts = _texts(
        [("source_url", source_url, False, 2000), ("public_note", public_note, True, MAX_NOTE)],
        problems,
    )
    if texts.get("source_url") and not is_web_address(texts["source_url"]):
        problems["source_url"] = M_("Use an http(s):// address.")
    _raise(problems)
    placement = Placement(
        case_id=case.id,
        facility_id=facility_id,
        effective_on=when.value,
        precision=when.precision.value,
        source_url=texts["source_url"],
        public_note=texts["public_note"],
        recorded_by_id=actor.id if actor is not None else None,
    )
    session.add(placement)
    session.flush()
    session.expire(case, ["placements"])  # reloaded in date order: the newest is current
    audit.record(
        session,
        actor,
        "case.placement",
        "case",
        case.id,
        ["facility_id"],
        placement_id=placement.id,
        facility_id=facility_id,
        effective_on=when.value.isoformat(),
        is_current=case.facility_id == facility_id,
    )
    return placement


def add_hearing(
    session: Session,
    actor: User | None,
    case: Case,
    on: dt.date,
    *,
    kind: HearingKind | str = HearingKind.HEARING,
    court: str = "",
    public_note: str = "",
) -> Hearing:
    """Record a day in court (past or coming)."""
    problems: dict[str, str] = {}
    if str(kind) not in {k.value for k in HearingKind}:
        problems["kind"] = M_("Use %(kinds)s.", kinds=", ".join(k.value for k in HearingKind))
    if on.year > dt.date.today().year + MAX_HEARING_YEARS_AHEAD:
        problems["on"] = M_(
            "%(day)s is more than %(years)s years ahead.", day=on, years=MAX_HEARING_YEARS_AHEAD
        )
    texts = _texts(
        [("court", court, False, MAX_COURT), ("public_note", public_note, True, MAX_NOTE)],
        problems,
    )
    _raise(problems)
    hearing = Hearing(
        case_id=case.id,
        on=on,
        kind=str(kind),
        court=texts["court"],
        public_note=texts["public_note"],
        recorded_by_id=actor.id if actor is not None else None,
    )
    session.add(hearing)
    session.flush()
    audit.record(
        session,
        actor,
        "case.hearing",
        "case",
        case.id,
        ["hearing"],
        hearing_id=hearing.id,
        on=on.isoformat(),
        kind=str(kind),
    )
    return hearing


def placements_of(session: Session, case_id: int) -> Sequence[Placement]:
    """A case's placements, oldest first, with their facilities and recorders."""
    return session.scalars(
        select(Placement)
        .where(Placement.case_id == case_id)
        .options(selectinload(Placement.facility), selectinload(Placement.recorded_by))
        .order_by(Placement.effective_on, Placement.id)
    ).all()


def hearings_of(session: Session, case_id: int) -> Sequence[Hearing]:
    """A case's hearings, earliest first."""
    return session.scalars(
        select(Hearing)
        .where(Hearing.case_id == case_id)
        .options(selectinload(Hearing.recorded_by))
        .order_by(Hearing.on, Hearing.id)
    ).all()


def next_hearing(session: Session, case_id: int, today: dt.date) -> Hearing | None:
    """The case's first hearing from today on, if any."""
    return session.scalars(
        select(Hearing)
        .where(Hearing.case_id == case_id, Hearing.on >= today)
        .order_by(Hearing.on, Hearing.id)
        .limit(1)
    ).first()


@dataclass(frozen=True, slots=True)
class ComingHearing:
    """A hearing in the coming days, with its person, for the dashboard."""

    hearing: Hearing
    case_id: int
    case_name: str


def coming_hearings(
    session: Session, today: dt.date, days: int = 30, limit: int = 10
) -> list[ComingHearing]:
    """Hearings of held people from today to `days` ahead, soonest first (the dashboard)."""
    rows = session.execute(
        select(Hearing, Case.id, Case.full_name)
        .join(Case, Case.id == Hearing.case_id)
        .where(
            Hearing.on >= today,
            Hearing.on <= today + dt.timedelta(days=days),
            Case.status.in_([s.value for s in HELD_STATUSES]),
        )
        .order_by(Hearing.on, Hearing.id)
        .limit(limit)
    ).all()
    return [ComingHearing(r[0], r[1], r[2]) for r in rows]


@dataclass(frozen=True, slots=True)
class HeldHere:
    """A person whose newest placement is at a facility (staff only)."""

    case_id: int
    name: str
    status: str
    since: dt.date
    precision: str


def people_placed_at(session: Session, facility_id: int) -> list[HeldHere]:
    """Cases whose newest placement is at this facility, by name (the staff facility page)."""
    ever_here = select(Placement.case_id).where(Placement.facility_id == facility_id)
    ranked = (
        select(
            Placement.case_id,
            Placement.facility_id,
            Placement.effective_on,
            Placement.precision,
            func.row_number()
            .over(
                partition_by=Placement.case_id,
                order_by=(Placement.effective_on.desc(), Placement.id.desc()),
            )
            .label("rank"),
        )
        .where(Placement.case_id.in_(ever_here))
        .subquery()
    )
    rows = session.execute(
        select(Case.id, Case.full_name, Case.status, ranked.c.effective_on, ranked.c.precision)
        .join(ranked, ranked.c.case_id == Case.id)
        .where(ranked.c.rank == 1, ranked.c.facility_id == facility_id)
        .order_by(Case.full_name, Case.id)
    ).all()
    return [HeldHere(r[0], r[1], r[2], r[3], r[4]) for r in rows]
