"""What the public may see: frozen data built by queries that select public columns only.

Public pages, feeds and letters receive these objects, never ORM rows, so a template cannot
reach a private column. Only cases that are public AND have publicity consent are found;
everything else is NotFound, exactly as if it did not exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, event, func, select
from sqlalchemy.orm import Session

from tracker.domain.dates import days_between, format_partial_date
from tracker.domain.errors import NotFound
from tracker.domain.vocabulary import (
    HELD_STATUSES,
    AppealStatus,
    Category,
    ReleaseKind,
    Status,
)
from tracker.models import Addressee, Appeal, Campaign, Case, StatusChange, appeal_copies
from tracker.services.cases.editing import country_name

PUBLISHABLE = and_(Case.is_public.is_(True), Case.consent_publicity.is_(True))

_CASE_COLUMNS = (
    Case.id,
    Case.slug,
    Case.full_name,
    Case.name_native,
    Case.country,
    Case.category,
    Case.profession,
    Case.arrested_on,
    Case.place_of_detention,
    Case.charges,
    Case.sentence,
    Case.summary,
    Case.status,
    Case.status_since,
    Case.status_since_precision,
    Case.consent_photo,
    Case.photo_type,
)
_CHANGE_COLUMNS = (
    StatusChange.id,
    StatusChange.case_id,
    StatusChange.from_status,
    StatusChange.to_status,
    StatusChange.effective_on,
    StatusChange.precision,
    StatusChange.release_kind,
    StatusChange.public_note,
    StatusChange.recorded_at,
)
_ADDRESSEE_COLUMNS = (
    Addressee.id,
    Addressee.honorific,
    Addressee.name,
    Addressee.position,
    Addressee.institution,
    Addressee.address_lines,
    Addressee.country,
    Addressee.email,
    Addressee.salutation,
    Addressee.language,
    Addressee.version,
)
_APPEAL_COLUMNS = (
    Appeal.id,
    Appeal.case_id,
    Appeal.kind,
    Appeal.language,
    Appeal.addressee_id,
    Appeal.subject,
    Appeal.body,
    Appeal.asks,
    Appeal.deadline,
    Appeal.status,
    Appeal.version,
    Appeal.updated_at,
    Campaign.slug.label("campaign_slug"),
    Campaign.name.label("campaign_name"),
)


@dataclass(frozen=True, slots=True)
class PublicStatusChange:
    """One step of a person's public timeline."""

    id: int
    case_id: int
    case_slug: str
    case_name: str
    from_status: str | None
    to_status: str
    effective_on: dt.date
    precision: str
    release_kind: str | None
    public_note: str
    recorded_at: dt.datetime

    @property
    def status_label(self) -> str:
        return Status(self.to_status).label

    @property
    def release_kind_label(self) -> str:
        return ReleaseKind(self.release_kind).label if self.release_kind else ""

    @property
    def when(self) -> str:
        return format_partial_date(self.effective_on, self.precision)


@dataclass(frozen=True, slots=True)
class PublicCase:
    """The public facts of a person."""

    id: int
    slug: str
    name: str
    name_native: str
    country: str
    country_name: str
    category: str
    profession: str
    arrested_on: dt.date | None
    place_of_detention: str
    charges: str
    sentence: str
    summary: str
    status: str
    status_since: dt.date | None
    status_since_precision: str
    has_photo: bool
    history: tuple[PublicStatusChange, ...] = field(default=())

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def category_label(self) -> str:
        return Category(self.category).label if self.category else ""

    @property
    def is_held(self) -> bool:
        return Status(self.status) in HELD_STATUSES

    @property
    def detention_start(self) -> tuple[dt.date, str] | None:
        """When the current (or last) period in custody began, with its precision."""
        start: tuple[dt.date, str] | None = None
        for change in self.history:
            held = Status(change.to_status) in HELD_STATUSES
            was_held = (
                change.from_status is not None and Status(change.from_status) in HELD_STATUSES
            )
            if held and not was_held:
                start = (change.effective_on, change.precision)
        if start is None and self.arrested_on is not None:
            start = (self.arrested_on, "day")
        return start

    @property
    def detained_since(self) -> str:
        start = self.detention_start
        return format_partial_date(*start) if start else ""

    def days_detained(self, today: dt.date) -> int | None:
        """Days in custody so far (held) or in the last period (not held)."""
        start = self.detention_start
        if start is None:
            return None
        end = today if self.is_held else (self.status_since or today)
        return days_between(start[0], end)

    @property
    def release(self) -> PublicStatusChange | None:
        """The newest release, when the person is out."""
        if self.is_held:
            return None
        for change in reversed(self.history):
            if change.to_status == Status.RELEASED:
                return change
        return None

    def placeholder_values(self, today: dt.date) -> dict[str, Any]:
        """The case part of the letter placeholder context."""
        return {
            "name": self.name,
            "name_native": self.name_native,
            "country": self.country_name,
            "country_code": self.country,
            "profession": self.profession,
            "category": self.category_label,
            "place_of_detention": self.place_of_detention,
            "charges": self.charges,
            "sentence": self.sentence,
            "status": self.status_label,
            "detained_since": self.detained_since,
            "days_detained": self.days_detained(today) or 0,
        }

    def fingerprint(self) -> dict[str, Any]:
        """Every public value (for cache keys: any change gives a new key)."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class PublicAddressee:
    """An official as printed on a letter."""

    id: int
    honorific: str
    name: str
    position: str
    institution: str
    address_lines: tuple[str, ...]
    country: str
    country_name: str
    email: str
    salutation: str
    language: str
    version: int

    @property
    def full_name(self) -> str:
        return f"{self.honorific} {self.name}".strip()

    def placeholder_values(self) -> dict[str, Any]:
        """The addressee part of the letter placeholder context."""
        return {
            "honorific": self.honorific,
            "name": self.name,
            "full_name": self.full_name,
            "position": self.position,
            "institution": self.institution,
            "salutation": self.salutation,
            "country": self.country_name,
        }


@dataclass(frozen=True, slots=True)
class PublicAppeal:
    """An appeal as supporters see it."""

    id: int
    case_id: int
    kind: str
    language: str
    subject: str
    body: str
    asks: tuple[str, ...]
    deadline: dt.date | None
    status: str
    version: int
    updated_at: dt.datetime
    campaign_slug: str | None
    campaign_name: str | None
    addressee: PublicAddressee | None
    copies_to: tuple[PublicAddressee, ...]

    def is_open(self, today: dt.date) -> bool:
        """Active and not past its take-action-before date."""
        return self.status == AppealStatus.ACTIVE and (
            self.deadline is None or self.deadline >= today
        )

    def fingerprint(self) -> dict[str, Any]:
        """Every value that is printed (for cache keys)."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class AppealCard:
    """A home-page card: one active appeal and its person."""

    case: PublicCase
    appeal: PublicAppeal


# -- queries --------------------------------------------------------------------------------------


def _cases(session: Session, query: Select[Any]) -> list[PublicCase]:
    rows = session.execute(query).all()
    histories = _histories(session, [(r.id, r.slug, r.full_name) for r in rows])
    return [
        PublicCase(
            id=r.id,
            slug=r.slug,
            name=r.full_name,
            name_native=r.name_native or "",
            country=r.country,
            country_name=country_name(r.country),
            category=r.category,
            profession=r.profession or "",
            arrested_on=r.arrested_on,
            place_of_detention=r.place_of_detention or "",
            charges=r.charges or "",
            sentence=r.sentence or "",
            summary=r.summary or "",
            status=r.status,
            status_since=r.status_since,
            status_since_precision=r.status_since_precision,
            has_photo=bool(r.consent_photo and r.photo_type),
            history=histories.get(r.id, ()),
        )
        for r in rows
    ]


def _histories(
    session: Session, cases: Sequence[tuple[int, str, str]]
) -> dict[int, tuple[PublicStatusChange, ...]]:
    if not cases:
        return {}
    names = {ident: (slug, name) for ident, slug, name in cases}
    rows = session.execute(
        select(*_CHANGE_COLUMNS)
        .where(StatusChange.case_id.in_(list(names)))
        .order_by(StatusChange.case_id, StatusChange.effective_on, StatusChange.id)
    ).all()
    out: dict[int, list[PublicStatusChange]] = {}
    for r in rows:
        slug, name = names[r.case_id]
        out.setdefault(r.case_id, []).append(_change(r, slug, name))
    return {k: tuple(v) for k, v in out.items()}


def _change(r: Any, slug: str, name: str) -> PublicStatusChange:
    return PublicStatusChange(
        id=r.id,
        case_id=r.case_id,
        case_slug=slug,
        case_name=name,
        from_status=r.from_status,
        to_status=r.to_status,
        effective_on=r.effective_on,
        precision=r.precision,
        release_kind=r.release_kind,
        public_note=r.public_note or "",
        recorded_at=r.recorded_at,
    )


def public_case(session: Session, slug: str) -> PublicCase:
    """The public case with this slug; NotFound when missing or not publishable."""
    found = _cases(session, select(*_CASE_COLUMNS).where(Case.slug == slug, PUBLISHABLE))
    if not found:
        raise NotFound("No such case.")
    return found[0]


def public_cases_by_id(session: Session, ids: Iterable[int]) -> dict[int, PublicCase]:
    """Publishable cases among `ids`."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    cases = _cases(session, select(*_CASE_COLUMNS).where(Case.id.in_(wanted), PUBLISHABLE))
    return {c.id: c for c in cases}


def _addressees(session: Session, ids: Iterable[int]) -> dict[int, PublicAddressee]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = session.execute(select(*_ADDRESSEE_COLUMNS).where(Addressee.id.in_(wanted))).all()
    return {
        r.id: PublicAddressee(
            id=r.id,
            honorific=r.honorific or "",
            name=r.name,
            position=r.position or "",
            institution=r.institution or "",
            address_lines=tuple(r.address_lines or ()),
            country=r.country,
            country_name=country_name(r.country),
            email=r.email or "",
            salutation=r.salutation or "",
            language=r.language or "en",
            version=r.version,
        )
        for r in rows
    }


def _appeals(session: Session, query: Select[Any]) -> list[PublicAppeal]:
    rows = session.execute(query).all()
    if not rows:
        return []
    ids = [r.id for r in rows]
    copies = session.execute(
        select(appeal_copies.c.appeal_id, appeal_copies.c.addressee_id)
        .where(appeal_copies.c.appeal_id.in_(ids))
        .order_by(appeal_copies.c.appeal_id, appeal_copies.c.position)
    ).all()
    copy_ids: dict[int, list[int]] = {}
    for appeal_id, addressee_id in copies:
        copy_ids.setdefault(appeal_id, []).append(addressee_id)
    addressees = _addressees(
        session,
        [r.addressee_id for r in rows if r.addressee_id] + [a for _, a in copies],
    )
    return [
        PublicAppeal(
            id=r.id,
            case_id=r.case_id,
            kind=r.kind,
            language=r.language or "en",
            subject=r.subject or "",
            body=r.body or "",
            asks=tuple(r.asks or ()),
            deadline=r.deadline,
            status=r.status,
            version=r.version,
            updated_at=r.updated_at,
            campaign_slug=r.campaign_slug,
            campaign_name=r.campaign_name,
            addressee=addressees.get(r.addressee_id) if r.addressee_id else None,
            copies_to=tuple(addressees[a] for a in copy_ids.get(r.id, []) if a in addressees),
        )
        for r in rows
    ]


def _appeal_query() -> Select[Any]:
    return (
        select(*_APPEAL_COLUMNS)
        .join(Case, Case.id == Appeal.case_id)
        .outerjoin(Campaign, Campaign.id == Appeal.campaign_id)
        .where(PUBLISHABLE, Appeal.status != AppealStatus.DRAFT)
    )


def appeals_of_case(session: Session, case: PublicCase) -> list[PublicAppeal]:
    """The non-draft appeals of a public case, newest first."""
    return _appeals(
        session,
        _appeal_query().where(Appeal.case_id == case.id).order_by(Appeal.id.desc()),
    )


def public_appeal(session: Session, slug: str, appeal_id: int) -> tuple[PublicCase, PublicAppeal]:
    """A non-draft appeal of a public case; NotFound otherwise."""
    case = public_case(session, slug)
    found = _appeals(
        session, _appeal_query().where(Appeal.id == appeal_id, Appeal.case_id == case.id)
    )
    if not found:
        raise NotFound("No such letter.")
    return case, found[0]


def active_appeal_cards(
    session: Session,
    today: dt.date,
    *,
    country: str | None = None,
    campaign: str | None = None,
) -> list[AppealCard]:
    """Open appeals of public cases for the home page, filterable by country and campaign."""
    query = _appeal_query().where(Appeal.status == AppealStatus.ACTIVE)
    query = query.where((Appeal.deadline.is_(None)) | (Appeal.deadline >= today))
    if country:
        query = query.where(Case.country == country.upper())
    if campaign:
        query = query.where(Campaign.slug == campaign)
    appeals = _appeals(session, query.order_by(Appeal.updated_at.desc(), Appeal.id.desc()))
    cases = public_cases_by_id(session, [a.case_id for a in appeals])
    return [AppealCard(cases[a.case_id], a) for a in appeals if a.case_id in cases]


def active_campaign_appeals(session: Session, campaign_slug: str) -> list[AppealCard]:
    """Every active appeal of a campaign (deadline included or not), for the printed pack."""
    query = _appeal_query().where(
        Appeal.status == AppealStatus.ACTIVE, Campaign.slug == campaign_slug
    )
    appeals = _appeals(session, query.order_by(Case.full_name, Appeal.id))
    cases = public_cases_by_id(session, [a.case_id for a in appeals])
    return [AppealCard(cases[a.case_id], a) for a in appeals if a.case_id in cases]


def filter_choices(
    session: Session, today: dt.date
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Countries and campaigns that have open public appeals: (value, label) pairs."""
    cards = active_appeal_cards(session, today)
    countries = sorted({(c.case.country, c.case.country_name) for c in cards}, key=lambda x: x[1])
    campaigns = sorted(
        {
            (c.appeal.campaign_slug, c.appeal.campaign_name or "")
            for c in cards
            if c.appeal.campaign_slug
        },
        key=lambda x: x[1],
    )
    return countries, campaigns  # type: ignore[return-value]


def other_open_cards(
    session: Session, today: dt.date, exclude_case: int, limit: int = 3
) -> list[AppealCard]:
    """Open appeals of other people, to point to when a letter is no longer served."""
    return [c for c in active_appeal_cards(session, today) if c.case.id != exclude_case][:limit]


def public_changes(
    session: Session, *, to_status: str | None = None, limit: int = 50
) -> list[PublicStatusChange]:
    """Status changes of public cases, newest first (releases only with to_status)."""
    query = (
        select(*_CHANGE_COLUMNS, Case.slug, Case.full_name)
        .join(Case, Case.id == StatusChange.case_id)
        .where(PUBLISHABLE)
    )
    if to_status:
        query = query.where(StatusChange.to_status == to_status)
    query = query.order_by(StatusChange.effective_on.desc(), StatusChange.id.desc()).limit(limit)
    return [_change(r, r.slug, r.full_name) for r in session.execute(query).all()]


def good_news(session: Session, limit: int = 100) -> list[tuple[PublicStatusChange, PublicCase]]:
    """Releases of public cases, newest first, with the person."""
    releases = public_changes(session, to_status=Status.RELEASED, limit=limit)
    cases = public_cases_by_id(session, [r.case_id for r in releases])
    return [(r, cases[r.case_id]) for r in releases if r.case_id in cases]


def case_photo(session: Session, slug: str) -> tuple[bytes, str]:
    """The photo of a public case with photo consent; NotFound otherwise."""
    row = session.execute(
        select(Case.photo, Case.photo_type).where(
            Case.slug == slug, PUBLISHABLE, Case.consent_photo.is_(True), Case.photo.is_not(None)
        )
    ).first()
    if row is None or not row.photo_type:
        raise NotFound("No photo.")
    return bytes(row.photo), str(row.photo_type)


@dataclass(frozen=True, slots=True)
class AppealState:
    """What decides whether and which letter PDF to serve, from one small query."""

    case_id: int
    case_name: str
    appeal_id: int
    status: str
    deadline: dt.date | None
    versions: tuple[Any, ...]

    def is_open(self, today: dt.date) -> bool:
        """Active and not past its take-action-before date."""
        return self.status == AppealStatus.ACTIVE and (
            self.deadline is None or self.deadline >= today
        )


@lru_cache(maxsize=1)
def _state_query() -> Select[Any]:
    """The one query behind every letter download, built once (only its parameters change)."""
    copies = (
        select(
            func.count(Addressee.id),
            func.coalesce(func.sum(Addressee.version), 0),
            func.coalesce(func.sum(Addressee.id * 1000 + appeal_copies.c.position), 0),
        )
        .join(appeal_copies, appeal_copies.c.addressee_id == Addressee.id)
        .where(appeal_copies.c.appeal_id == Appeal.id)
    )
    counted, version_sum, placed = (
        copies.with_only_columns(column).scalar_subquery() for column in copies.selected_columns
    )
    return (
        select(
            Appeal.id,
            Appeal.case_id,
            Appeal.status,
            Appeal.deadline,
            Appeal.version,
            Appeal.created_at,
            Case.full_name,
            Case.version.label("case_version"),
            Case.created_at.label("case_created_at"),
            Addressee.version.label("addressee_version"),
            counted.label("copies_count"),
            version_sum.label("copies_versions"),
            placed.label("copies_places"),
        )
        .join(Case, Case.id == Appeal.case_id)
        .outerjoin(Addressee, Addressee.id == Appeal.addressee_id)
        .where(
            Appeal.id == bindparam("appeal_id"),
            Case.slug == bindparam("slug"),
            PUBLISHABLE,
            Appeal.status != AppealStatus.DRAFT,
        )
    )


def appeal_state(session: Session, slug: str, appeal_id: int) -> AppealState:
    """Versions of everything printed on a letter (case, appeal, addressees); NotFound if hidden.

    Every UPDATE of a case, appeal or addressee row grows its version (status changes too),
    so these versions change whenever the printed letter can change. The copies-to addressees
    enter as their count, the sum of their versions (which only grow) and the sum of
    id x 1000 + position, so editing, adding, removing or reordering one changes the key.
    One prepared Core query: a cached download costs a single round trip.
    """
    row = (
        session.connection().execute(_state_query(), {"slug": slug, "appeal_id": appeal_id}).first()
    )
    if row is None:
        raise NotFound("No such letter.")
    versions = (
        row.version,
        row.case_version,
        row.addressee_version,
        (row.copies_count, row.copies_versions, row.copies_places),
        # Which rows these are, not only their versions: after a restore or a re-import into
        # a new database, ids and versions start again while the disk cache remains.
        (slug, row.case_id, row.created_at, row.case_created_at),
    )
    return AppealState(row.case_id, row.full_name, row.id, row.status, row.deadline, versions)


class StateMemo:
    """Recently read letter states, per process, for `ttl` seconds.

    At a campaign peak the same few letters are downloaded hundreds of times a second; this
    spares each repeat download its database round trip. Every flush or bulk statement of this
    process that writes a case, status change, appeal or addressee empties the memo at once
    (see `_forget_on_write`), so an edit made here is served here immediately; another server
    process sees it after at most `ttl` seconds.
    """

    def __init__(self) -> None:
        self._states: dict[tuple[str, int], tuple[float, AppealState]] = {}

    def get(
        self, session: Session, slug: str, appeal_id: int, *, ttl: float, now: float
    ) -> AppealState:
        """The state of a letter, from memory when read less than `ttl` seconds ago."""
        found = self._states.get((slug, appeal_id))
        if found is not None and now - found[0] < ttl:
            return found[1]
        state = appeal_state(session, slug, appeal_id)
        if ttl > 0:
            if len(self._states) >= 4096:
                self._states.clear()
            self._states[(slug, appeal_id)] = (now, state)
        return state

    def clear(self) -> None:
        self._states.clear()


letter_states = StateMemo()
_PRINTED = (Case, StatusChange, Appeal, Addressee)
_PRINTED_TABLES = frozenset(
    {"cases", "status_changes", "appeals", "addressees", appeal_copies.name}
)


@event.listens_for(Session, "after_flush")
def _forget_on_flush(session: Session, _context: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, _PRINTED):
            letter_states.clear()
            return


@event.listens_for(Session, "do_orm_execute")
def _forget_on_write(state: Any) -> None:
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        if table is None or getattr(table, "name", None) in _PRINTED_TABLES:
            letter_states.clear()


# -- the same printable views for staff ----------------------------------------------------------
# Staff preview and print letters of any case and any appeal status; the letter still holds only
# the public columns, so a staff PDF can be handed out without leaking private fields.


def printable_case(session: Session, case_id: int) -> PublicCase | None:
    """The public columns of any case (published or not), as a letter prints them."""
    found = _cases(session, select(*_CASE_COLUMNS).where(Case.id == case_id))
    return found[0] if found else None


def printable_appeal(session: Session, appeal_id: int) -> PublicAppeal | None:
    """Any appeal (draft, active or closed), as a letter prints it."""
    query = (
        select(*_APPEAL_COLUMNS)
        .outerjoin(Campaign, Campaign.id == Appeal.campaign_id)
        .where(Appeal.id == appeal_id)
    )
    found = _appeals(session, query)
    return found[0] if found else None


def printable_addressees(session: Session, ids: Iterable[int]) -> dict[int, PublicAddressee]:
    """Addressees by id, as a letter prints them."""
    return _addressees(session, ids)
