"""Check the rows of an import one by one, by the case field declaration and the vocabulary."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tracker.domain.case_fields import (
    CaseField,
    Kind,
    precision_field_of,
    transfer_column,
    transfer_fields,
)
from tracker.domain.dates import PartialDate, parse_iso_date
from tracker.domain.messages import M_, Message
from tracker.domain.values import is_web_address
from tracker.domain.vocabulary import Precision, ReleaseKind, Status
from tracker.services.cases.fields import (
    check_not_future,
    clean_line,
    clean_partial_date,
    clean_value,
)
from tracker.services.cases.transfer.read import Problems

STATUSES = frozenset(s.value for s in Status)
RELEASE_KINDS = frozenset(k.value for k in ReleaseKind)
PRECISIONS = frozenset(p.value for p in Precision)


@dataclass(slots=True)
class Event:
    """One status change of an import, with where it came from."""

    line: int
    file: str
    to_status: str
    effective_on: dt.date
    precision: str
    release_kind: str | None
    public_note: str = ""
    source_url: str = ""
    sort_on: dt.date | None = None  # set when the history is checked (domain.dates.order_day)

    def key(self) -> tuple[Any, ...]:
        """What makes two history entries the same event (see history.EVENT_KEY)."""
        return (
            self.to_status,
            self.effective_on,
            self.precision,
            self.release_kind,
            self.public_note,
            self.source_url,
        )


@dataclass(slots=True)
class Row:
    """One checked cases.csv row: the reference, the case fields and the status columns."""

    line: int
    reference: str
    fields: dict[str, Any]
    status: str | None
    status_on: dt.date | None
    release_kind: str | None
    events: list[Event] = field(default_factory=list)
    has_event_rows: bool = False


# Each imported field with its column and, for a date, the field of its precision.
Layout = tuple[tuple[CaseField, str, CaseField | None, Callable[[Any], Any]], ...]

# Kinds with few values, repeated from row to row (a country, a category, true or false): each
# value is checked once per import and the answer kept (a refused one is checked every time).
_REPEATED = frozenset({Kind.COUNTRY, Kind.CHOICE, Kind.BOOL})


def case_layout() -> Layout:
    """The fields an import reads, as the declaration is now, each with the function that
    checks its value; worked out once per import."""
    return tuple(
        (spec, column, precision_field_of(spec.name), _cleaner(spec))
        for spec in transfer_fields(include_private=True)
        if (column := transfer_column(spec)) is not None
    )


def _cleaner(spec: CaseField) -> Callable[[Any], Any]:
    check = functools.partial(clean_value, spec)
    return functools.lru_cache(maxsize=1024)(check) if spec.kind in _REPEATED else check


# A date read once for the many rows that carry it: what it gives depends only on its text,
# and a date accepted today is accepted later too (refused ones are not kept).
_clean_date = functools.lru_cache(maxsize=16_384)(clean_partial_date)


def parse_case(
    file: str, line: int, raw: dict[str, str], problems: Problems, layout: Layout | None = None
) -> Row | None:
    """Check one cases.csv row; report every problem in it."""
    before = len(problems.items)

    def bad(message: Message) -> None:
        problems.add(file, line, message)

    values: dict[str, Any] = {}
    for spec, column, precision, clean in case_layout() if layout is None else layout:
        if column not in raw:
            continue  # a further field the file does not carry: left as it is
        if spec.kind is Kind.USER:
            values[spec.name] = raw[column].strip() or None  # an email, resolved later
            continue
        if precision is not None:
            # `arrested_on` is written at its precision: YYYY, YYYY-MM or YYYY-MM-DD.
            try:
                values[spec.name], values[precision.name] = _clean_date(raw[spec.name])
            except ValueError as exc:
                bad(_field_problem(spec.name, exc))
            continue
        try:
            value = clean(raw[spec.name])
        except ValueError as exc:
            bad(_field_problem(spec.name, exc))
            continue
        if spec.required and not value:
            bad(M_("%(field)s is required", field=spec.name))
        values[spec.name] = value
    status = raw["status"].strip() or None
    if status is not None and status not in STATUSES:
        bad(M_("unknown status '%(status)s'", status=status))
    status_on = _date(raw, "status_on", bad)
    release_kind = _release_kind(raw, bad)
    if len(problems.items) > before:
        return None
    reference = values.pop("reference")
    return Row(line, reference, values, status, status_on, release_kind)


def parse_event(file: str, line: int, raw: dict[str, str], problems: Problems) -> Event | None:
    """Check one events.csv row on its own (its place in the history is checked later)."""
    before = len(problems.items)

    def bad(message: Message) -> None:
        problems.add(file, line, message)

    status = raw["status"].strip()
    if not status:
        bad(M_("%(field)s is required", field="status"))
    elif status not in STATUSES:
        bad(M_("unknown status '%(status)s'", status=status))
    effective_on, written = _partial_date(raw, "effective_on", bad)
    if effective_on is None and raw["effective_on"].strip() == "":
        bad(M_("%(field)s is required", field="effective_on"))
    # `2020-09` says the month by itself; a precision column, when given, may only be coarser.
    precision = raw["precision"].strip() or written
    if precision not in PRECISIONS:
        bad(M_("unknown precision '%(precision)s' (use day, month or year)", precision=precision))
    elif effective_on is not None and _finer(precision, written):
        text = raw["effective_on"].strip()
        bad(
            M_(
                "effective_on %(date)s is known to the %(known)s, not the %(asked)s",
                date=text,
                known=written,
                asked=precision,
            )
        )
    release_kind = _release_kind(raw, bad)
    texts: dict[str, str] = {}
    for name in ("public_note", "source_url"):
        try:
            texts[name] = clean_line(raw[name], multiline=name == "public_note")
        except ValueError as exc:
            bad(_field_problem(name, exc))
    if texts.get("source_url") and not is_web_address(texts["source_url"]):
        bad(M_("source_url: use an http(s):// address"))
    if len(problems.items) > before or effective_on is None:
        return None
    if precision != written:  # `2020-09-17` with precision month: 2020-09-01
        effective_on = PartialDate.of(effective_on, precision).value
    return Event(
        line,
        file,
        status,
        effective_on,
        precision,
        release_kind,
        texts["public_note"],
        texts["source_url"],
    )


_FINENESS = {Precision.DAY.value: 2, Precision.MONTH.value: 1, Precision.YEAR.value: 0}


def _finer(precision: str, than: str) -> bool:
    return _FINENESS[precision] > _FINENESS[than]


def _partial_date(
    raw: dict[str, str], name: str, bad: Callable[[Message], None]
) -> tuple[dt.date | None, str]:
    try:
        return _clean_date(raw[name])
    except ValueError as exc:
        bad(_field_problem(name, exc))
        return None, Precision.DAY.value


def _release_kind(raw: dict[str, str], bad: Callable[[Message], None]) -> str | None:
    release_kind = raw["release_kind"].strip() or None
    if release_kind is not None and release_kind not in RELEASE_KINDS:
        bad(M_("unknown release kind '%(kind)s'", kind=release_kind))
    return release_kind


def _date(raw: dict[str, str], name: str, bad: Callable[[Message], None]) -> dt.date | None:
    text = raw[name].strip()
    if not text:
        return None
    try:
        return check_not_future(parse_iso_date(text))
    except ValueError as exc:
        bad(_field_problem(name, exc))
        return None


def _field_problem(name: str, exc: ValueError) -> Message:
    """ "country: 'XX' is not ...": the column, then what the field's check said."""
    return M_("%(field)s: %(problem)s", field=name, problem=str(exc))
