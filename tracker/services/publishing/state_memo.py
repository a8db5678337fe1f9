"""A per-process memo of letter states, emptied by any write of this process to printed rows.

create_app makes one memo per application (`install`) and registers the session listeners
that empty it; nothing is attached at import.
"""

from __future__ import annotations

import weakref

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from tracker.models import Addressee, Appeal, Case, StatusChange, appeal_copies
from tracker.services.publishing.letter_state import AppealState, appeal_state


class StateMemo:
    """Recently read letter states, per process, for `ttl` seconds.

    At a campaign peak the same few letters are downloaded hundreds of times a second; this
    spares each repeat download its database round trip. Every flush or bulk statement of this
    process that writes a case, status change, appeal or addressee empties the memo at once
    (see `install`), so an edit made here is served here immediately; another server
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
        """Forget every state."""
        self._states.clear()


_PRINTED = (Case, StatusChange, Appeal, Addressee)
_PRINTED_TABLES = frozenset(
    {"cases", "status_changes", "appeals", "addressees", appeal_copies.name}
)
# Every memo of this process (one per application); the listeners empty them all.
_MEMOS: weakref.WeakSet[StateMemo] = weakref.WeakSet()


def install() -> StateMemo:
    """A new memo for one application, with the session listeners that empty it on writes."""
    memo = StateMemo()
    _MEMOS.add(memo)
    if not event.contains(Session, "after_flush", _forget_on_flush):
        event.listen(Session, "after_flush", _forget_on_flush)
        event.listen(Session, "do_orm_execute", _forget_on_write)
    return memo


def _forget_all() -> None:
    for memo in list(_MEMOS):
        memo.clear()


def _forget_on_flush(session: Session, _context: UOWTransaction) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, _PRINTED):
            _forget_all()
            return


def _forget_on_write(state: ORMExecuteState) -> None:
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        if table is None or getattr(table, "name", None) in _PRINTED_TABLES:
            _forget_all()
