"""A per-process memo of letter states, emptied by any write to printed rows.

create_app makes one memo per application (`install`) and registers the session listeners
that empty it; nothing is attached at import. A write of this process empties its memos at
once; a commit of such a write replaces the publication stamp (services.publishing.changes),
which every other process checks before trusting its memo.
"""

from __future__ import annotations

import logging
import os
import weakref
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from tracker.models import (
    Addressee,
    Appeal,
    Campaign,
    Case,
    Facility,
    Placement,
    StatusChange,
    appeal_copies,
)
from tracker.services.publishing.changes import PublicationStamp, Stamp
from tracker.services.publishing.letter_state import AppealState, appeal_state

log = logging.getLogger(__name__)
_CHANGED = "tracker_published_data_changed"


class StateMemo:
    """Recently read letter states, per process, for `ttl` seconds.

    At a campaign peak the same few letters are downloaded hundreds of times a second; this
    spares each repeat download its database round trip. Every flush or bulk statement of this
    process that writes a case, status change, appeal or addressee empties the memo at once
    (see `install`), so an edit made here is served here immediately; another server
    process sees it as soon as the commit that made it has replaced the publication stamp.
    With a stamp that cannot be used (a read-only instance folder, Redis away) nothing is
    memoised; a memo
    made without a stamp trusts what it read for `ttl` seconds.
    """

    def __init__(self, stamp: PublicationStamp | None = None) -> None:
        self._states: dict[tuple[str, int], tuple[float, AppealState]] = {}
        self.stamp = stamp
        self._seen: object = None

    def get(
        self, session: Session, slug: str, appeal_id: int, *, ttl: float, now: float
    ) -> AppealState:
        """The state of a letter, from memory when read less than `ttl` seconds ago."""
        if self.stamp is not None:
            current = self.stamp.current()
            if current is None:
                ttl = 0.0
            elif current != self._seen:
                self._states.clear()
                self._seen = current
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
        """Forget every state."""
        self._states.clear()


# What public pages and letters show (a campaign's name is on the home page and its cards).
_PRINTED = (Case, StatusChange, Appeal, Addressee, Facility, Placement, Campaign)
_PRINTED_TABLES = frozenset(
    {
        "cases",
        "campaigns",
        "status_changes",
        "appeals",
        "addressees",
        "facilities",
        "placements",
        appeal_copies.name,
    }
)


class Forgetful(Protocol):
    """A memo of published data: the listeners empty it and replace its stamp."""

    stamp: PublicationStamp | None

    def clear(self) -> None: ...


# Every memo of this process (letter states and pages, per application); the listeners empty
# them all.
_MEMOS: weakref.WeakSet[Forgetful] = weakref.WeakSet()


def install(
    instance_path: str | os.PathLike[str] | None = None,
    *,
    stamp: PublicationStamp | None = None,
) -> StateMemo:
    """A new memo for one application, with the session listeners that empty it on writes.

    With a stamp (given, or the file of an instance folder), the memo trusts itself only while
    the stamp is unchanged, and commits of printed rows replace the stamp.
    """
    if stamp is None and instance_path is not None:
        stamp = Stamp(instance_path)
    memo = StateMemo(stamp)
    register(memo)
    return memo


def register(memo: Forgetful) -> None:
    """Empty `memo` on every write of printed rows, and replace its stamp on their commit."""
    _MEMOS.add(memo)
    if not event.contains(Session, "after_flush", _forget_on_flush):
        event.listen(Session, "after_flush", _forget_on_flush)
        event.listen(Session, "do_orm_execute", _forget_on_write)
        event.listen(Session, "after_commit", _stamp_on_commit)
        event.listen(Session, "after_soft_rollback", _unmark_on_rollback)


def _forget_all(session: Session) -> None:
    session.info[_CHANGED] = True
    for memo in list(_MEMOS):
        memo.clear()


def _stamp_on_commit(session: Session) -> None:
    if not session.info.pop(_CHANGED, False):
        return
    touched: set[object] = set()
    for memo in list(_MEMOS):
        stamp = memo.stamp
        if stamp is None or not stamp.usable or stamp.ident in touched:
            continue  # the memos of one application share one stamp: replace it once
        touched.add(stamp.ident)
        try:
            stamp.touch()
        except OSError as exc:
            log.warning("cannot replace the publication stamp %s: %s", stamp.ident, exc)


def _unmark_on_rollback(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: nothing was committed
        session.info.pop(_CHANGED, None)


def written_past_the_session(session: Session, table_name: str) -> None:
    """A write sent on the session's connection, where the listeners do not see it (an
    import's bulk inserts): empties the memos as the same statement through the session would."""
    if table_name in _PRINTED_TABLES:
        _forget_all(session)


def _forget_on_flush(session: Session, _context: UOWTransaction) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, _PRINTED):
            _forget_all(session)
            return


def _forget_on_write(state: ORMExecuteState) -> None:
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        if table is None or getattr(table, "name", None) in _PRINTED_TABLES:
            _forget_all(state.session)
