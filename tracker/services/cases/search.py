"""The staff case list: full-text search and filters, on SQLite (FTS5) and PostgreSQL (GIN)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, column, func, select, text
from sqlalchemy.orm import Session

from tracker.domain.messages import N_
from tracker.domain.text import without_controls
from tracker.models import Case
from tracker.services.pagination import MAX_PAGE, Page, paginate

# References split at - _ . (PostgreSQL reads "-2015" as a signed number otherwise).
# Must match the expression of the GIN index created by migration 0002 exactly, or
# PostgreSQL will not use the index.
PG_TSVECTOR = (
    "to_tsvector('simple'::regconfig, "
    "translate(reference, '-_.', '   ') || ' ' || full_name || ' ' || name_native"
    " || ' ' || summary)"
)

SORTS: dict[str, tuple[str, Any]] = {
    "-updated": (N_("Recently changed"), lambda: (Case.updated_at.desc(), Case.id.desc())),
    "updated": (N_("Longest unchanged"), lambda: (Case.updated_at.asc(), Case.id.asc())),
    "name": (N_("Name"), lambda: (Case.full_name.asc(), Case.id.asc())),
    "reference": (N_("Reference"), lambda: (Case.reference.asc(),)),
    "-status_since": (
        N_("Latest status change"),
        lambda: (Case.status_since.desc(), Case.id.desc()),
    ),
    "-created": (N_("Newest first"), lambda: (Case.created_at.desc(), Case.id.desc())),
}
DEFAULT_SORT = "-updated"
PER_PAGE = 25
_WORD_RE = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class CaseQuery:
    """What the case list asks for; every field comes from the bookmarkable query string."""

    q: str = ""
    status: str = ""
    country: str = ""
    category: str = ""
    public: str = ""  # "yes", "no" or "" (either)
    assigned: str = ""  # a user id, "none" or "" (anyone)
    sort: str = DEFAULT_SORT
    page: int = 1
    per_page: int = PER_PAGE

    def normalised(self) -> CaseQuery:
        """The same query with unknown values dropped and the page kept in range."""
        return replace(
            self,
            # A search box removes what the text rule refuses (NUL would be a 500 on PostgreSQL).
            q=without_controls(self.q).strip()[:200],
            status=without_controls(self.status),
            category=without_controls(self.category),
            country=without_controls(self.country).strip().upper()[:2],
            public=self.public if self.public in ("yes", "no") else "",
            assigned=self.assigned if self.assigned == "none" or self.assigned.isdigit() else "",
            sort=self.sort if self.sort in SORTS else DEFAULT_SORT,
            page=min(max(self.page, 1), MAX_PAGE),
            per_page=min(max(self.per_page, 1), 100),
        )


def search_words(q: str) -> list[str]:
    """The words of a search, lower-cased; punctuation and operators are dropped."""
    return [w.lower() for w in _WORD_RE.findall(q)][:12]


def text_match(session: Session, q: str) -> ColumnElement[bool] | None:
    """A condition matching cases whose names, reference or summary hold every word of `q`."""
    words = search_words(q)
    if not words:
        return None
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        # Each word quoted (no FTS syntax gets through) and prefix-matched: "nar" finds Narges.
        match = " ".join('"' + w.replace('"', "") + '"*' for w in words)
        ids = text("SELECT rowid FROM cases_fts WHERE cases_fts MATCH :match").bindparams(
            match=match
        )
        return Case.id.in_(ids.columns(column("rowid", Integer)))
    if dialect == "postgresql":
        tsquery = " & ".join(f"'{w}':*" for w in words)  # \w+ holds no quote or operator
        # and_() of one clause is that clause, typed as a condition.
        return and_(
            text(f"{PG_TSVECTOR} @@ to_tsquery('simple', :tsquery)").bindparams(tsquery=tsquery)
        )
    like = [  # any other database: correct, not fast
        func.lower(
            Case.full_name + " " + Case.name_native + " " + Case.reference + " " + Case.summary
        ).contains(w)
        for w in words
    ]
    return and_(*like)


def conditions(session: Session, query: CaseQuery) -> list[ColumnElement[bool]]:
    """The WHERE conditions of the query's search and filters."""
    where: list[ColumnElement[bool]] = []
    match = text_match(session, query.q)
    if match is not None:
        where.append(match)
    if query.status:
        where.append(Case.status == query.status)
    if query.country:
        where.append(Case.country == query.country)
    if query.category:
        where.append(Case.category == query.category)
    if query.public:
        where.append(Case.is_public.is_(query.public == "yes"))
    if query.assigned == "none":
        where.append(Case.assigned_to_id.is_(None))
    elif query.assigned:
        where.append(Case.assigned_to_id == int(query.assigned))
    return where


def _count(session: Session, query: CaseQuery, where: list[ColumnElement[bool]]) -> int:
    """How many cases match. A bare search on SQLite is counted inside the FTS index alone
    (its rows are the cases, kept in step by triggers): a word in half of 100,000 cases is
    then counted without visiting the cases table."""
    words = search_words(query.q)
    if len(where) == 1 and words and session.get_bind().dialect.name == "sqlite":
        match = " ".join('"' + w.replace('"', "") + '"*' for w in words)
        counted = session.execute(
            text("SELECT count(*) FROM cases_fts WHERE cases_fts MATCH :match"),
            {"match": match},
        ).scalar()
        return int(counted or 0)
    # Counting ids (not a subquery of whole rows) lets the database answer from an index.
    return session.scalar(select(func.count(Case.id)).where(*where)) or 0


def search_cases(session: Session, query: CaseQuery) -> Page[Case]:
    """One page of cases matching the query, in the requested order."""
    query = query.normalised()
    where = conditions(session, query)
    total = _count(session, query, where)
    order = SORTS[query.sort][1]()
    stmt = select(Case).where(*where).order_by(*order)
    return paginate(session, stmt, query.page, query.per_page, total=total)


def cases_by_id(session: Session, query: CaseQuery, page: int, per_page: int) -> Page[Case]:
    """One page of cases matching the query's search and filters, in id order (the API)."""
    query = query.normalised()
    where = conditions(session, query)
    stmt = select(Case).where(*where).order_by(Case.id)
    return paginate(session, stmt, page, per_page, total=_count(session, query, where))
