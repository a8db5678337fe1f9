"""Bulk inserts of an import: one statement per table, its values bound as SQLAlchemy binds them.

On SQLite the statement is written once and each column's own bind processor (a private
value's encryption, dates and moments as SQLite stores them, JSON) is applied here to each
row's values, and once to the values every row shares (the moment of the import, who ran
it): SQLAlchemy's executemany builds and processes a dictionary of parameters per row, which
cost more than the rest of the write. Rows that return values (the new cases' ids) go in
statements of many rows: FTS5 writes out its pending index at the end of every statement, so
the search trigger of `cases` made one statement per row three times slower. Elsewhere
(PostgreSQL) the rows go through SQLAlchemy. The session's listeners do not see a statement
sent past it: they are told (state_memo).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain, repeat
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Table, TypeDecorator, insert
from sqlalchemy.orm import Session

from tracker.services.publishing.state_memo import written_past_the_session

Processor = Callable[[Any], Any]
ROWS_PER_STATEMENT = 500
PAGE_CACHE_KIB = 65_536  # SQLite's default is 2,000 KiB
SQLITE_VARIABLES = 999  # the smallest limit SQLite may be built with


class Inserter:
    """Inserts rows into `table`, each with the `shared` values: a row is a mapping holding a
    value for every other column but the primary key. With `returning` (column names), a call
    returns those columns of the rows it inserted, in no particular order."""

    def __init__(
        self,
        session: Session,
        table: Table,
        shared: Mapping[str, Any],
        returning: tuple[str, ...] = (),
    ) -> None:
        self.session = session
        self.table = table
        self.shared = dict(shared)
        self.returning = returning
        self.keys = tuple(
            c.name for c in table.columns if not c.primary_key and c.name not in self.shared
        )
        if len(self.keys) < 2:  # itemgetter of one key gives its value, not a tuple
            raise ValueError(f"{table.name}: the rows must hold two columns or more")
        self.getter = itemgetter(*self.keys)
        dialect = session.get_bind().dialect
        self.fast = dialect.name == "sqlite"
        if not self.fast:
            return
        names = (*self.keys, *self.shared)
        processors = {
            name: table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
        }
        # A type of SQLAlchemy's own binds the same value the same way; a TypeDecorator (such as
        # the encryption, with a random nonce per value) is asked for every value.
        self.processors = tuple(
            (i, process, not isinstance(table.c[name].type, TypeDecorator))
            for i, name in enumerate(self.keys)
            if (process := processors[name])
        )
        self.bound = [
            value if (process := processors[name]) is None else process(value)
            for name, value in self.shared.items()
        ]
        quote = dialect.identifier_preparer
        columns = ", ".join(quote.format_column(table.c[name]) for name in names)
        # Names from the table's declaration, quoted by the dialect; values only as parameters.
        self.head = f"INSERT INTO {quote.format_table(table)} ({columns}) VALUES "  # noqa: S608
        self.marks = "(" + ", ".join("?" for _ in names) + ")"
        self.tail = ""
        if returning:
            self.tail = " RETURNING " + ", ".join(
                quote.format_column(table.c[n]) for n in returning
            )
        self.per_statement = max(1, min(ROWS_PER_STATEMENT, _variables(session) // len(names)))
        self._statements: dict[int, str] = {}

    def __call__(self, rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
        """Insert the rows; the `returning` columns of each (none without)."""
        if not rows:
            return []
        if not self.fast:
            statement = insert(self.table)
            params = [{name: row[name] for name in self.keys} | self.shared for row in rows]
            if not self.returning:
                self.session.execute(statement, params)
                return []
            columns = [self.table.c[name] for name in self.returning]
            return [tuple(r) for r in self.session.execute(statement.returning(*columns), params)]
        values = self._bound(rows)
        connection = self.session.connection()
        found: list[tuple[Any, ...]] = []
        if not self.returning:
            connection.exec_driver_sql(self.head + self.marks, values)
        else:
            step = self.per_statement
            for start in range(0, len(values), step):
                part = values[start : start + step]
                flat = tuple(chain.from_iterable(part))
                result = connection.exec_driver_sql(self._statement(len(part)), flat)
                found.extend(tuple(r) for r in result.all())
        written_past_the_session(self.session, self.table.name)
        return found

    def _bound(self, rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
        # Column by column: each processor mapped over its column, the rest done in C.
        columns: list[Sequence[Any] | Iterable[Any]] = list(
            zip(*map(self.getter, rows), strict=True)
        )
        for i, process, pure in self.processors:
            column = cast(Sequence[Any], columns[i])
            first = column[0]
            if pure and all(value is first for value in column):  # one value, bound once
                columns[i] = repeat(process(first), len(column))
            else:
                columns[i] = list(map(process, column))
        columns.extend(repeat(value, len(rows)) for value in self.bound)
        return list(zip(*columns, strict=True))

    def _statement(self, count: int) -> str:
        statement = self._statements.get(count)
        if statement is None:
            statement = self.head + ", ".join([self.marks] * count) + self.tail
            self._statements[count] = statement
        return statement


@contextlib.contextmanager
def page_cache(session: Session, kib: int = PAGE_CACHE_KIB) -> Iterator[None]:
    """A larger SQLite page cache while an import writes (the indexes of status_changes are
    written at places all over the table); the connection's own size is set back after."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    before = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
    connection.exec_driver_sql(f"PRAGMA cache_size = {-abs(kib)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {before}")


def _variables(session: Session) -> int:
    """How many parameters one statement may carry on this SQLite connection."""
    dbapi = session.connection().connection.dbapi_connection
    getlimit = getattr(dbapi, "getlimit", None)  # Python 3.11
    if getlimit is None:
        return SQLITE_VARIABLES
    limit: int = getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return limit
