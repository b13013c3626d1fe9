"""What the hand-written statements of the hot paths share: reading rows into
model instances, and a cursor that keeps each statement prepared.

Why hand-written: a grade and the card after it run hundreds of times a day per
learner, and every request of a learner reads its session and its user; built
as querysets they cost more CPU to build and compile than the database spends
running them (measured: 43 % of a grade's CPU building querysets, 25 %
compiling their SQL; docs/benchmarks.md, "Review loop"). Each statement is a
constant string, built once per connection, its parameters passed apart and by
name; rows become model instances through the ORM's own converters and
``Model.from_db``, so what comes back is what the ORM would have returned. The
database sees the same text every time, and PostgreSQL keeps each statement
prepared on its connection (``hot_cursor``): planning the next-card statement
cost it more than running it. docs/benchmarks.md has the figures.

The statements live with the app that owns their rows: the study loop's in
``studyapp.study.sql``, the session and the user with their profile in
``studyapp.accounts.sql``. This module knows no app's models.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models

# -- reading rows into model instances ----------------------------------------


@dataclass(frozen=True)
class Reader:
    """Turns a run of columns of a row into one model instance, with the
    converters the ORM applies to those columns on this database."""

    model: type[models.Model]
    attnames: tuple[str, ...]
    # (position, converters, expression) for each column that needs converting
    conversions: tuple[tuple[int, tuple[Callable, ...], Any], ...]
    columns: str  # "alias"."column", ... in the model's field order

    @property
    def width(self) -> int:
        return len(self.attnames)

    def value(self, row: Sequence[Any], start: int, attname: str, connection) -> Any:
        """One column, converted as ``read`` converts it."""
        position = self.attnames.index(attname)
        value = row[start + position]
        for at, converters, expression in self.conversions:
            if at == position:
                for convert in converters:
                    value = convert(value, expression, connection)
        return value

    def read(self, row: Sequence[Any], start: int, connection) -> models.Model:
        values = list(row[start : start + self.width])
        for position, converters, expression in self.conversions:
            value = values[position]
            for convert in converters:
                value = convert(value, expression, connection)
            values[position] = value
        return self.model.from_db(connection.alias, self.attnames, values)


def reader(connection, model: type[models.Model], alias: str, names: Iterable[str] | None = None) -> Reader:
    wanted = set(names) if names is not None else None
    fields = [f for f in model._meta.concrete_fields if wanted is None or f.name in wanted]
    conversions = []
    for position, field in enumerate(fields):
        expression = field.get_col(alias)
        converters = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
        if converters:
            conversions.append((position, tuple(converters), expression))
    quote = connection.ops.quote_name
    return Reader(
        model,
        tuple(f.attname for f in fields),
        tuple(conversions),
        ", ".join(f"{alias}.{quote(f.column)}" for f in fields),
    )


def db_param(connection, value: datetime | date) -> Any:
    """A date or a moment as this database takes it (SQLite: text in UTC)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return connection.ops.adapt_datefield_value(value)


# -- statements, built once per connection -------------------------------------

_STATEMENTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def default_connection():
    return connections[DEFAULT_DB_ALIAS]


# psycopg never prepares a statement by itself beyond this many runs: Django
# turns automatic preparing off (prepare_threshold None), and only our
# cursors below ask for it, per statement.
_NEVER_BY_ITSELF = 2**31 - 1


def hot_cursor(connection):
    """A cursor for the hot statements. On PostgreSQL each is prepared on the
    connection the first time and only executed afterwards: planning the
    next-card statement took longer (1.2 ms of the server's CPU) than running
    it (0.4 ms). Not behind PgBouncer in transaction mode, whose server
    connections change between transactions (settings.DATABASE_BEHIND_PGBOUNCER).
    The cursor is Django's wrapper all the same (query logging, execute
    wrappers, error translation)."""
    if connection.vendor != "postgresql" or settings.DATABASE_BEHIND_PGBOUNCER:
        return connection.cursor()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = _NEVER_BY_ITSELF
    preparing, logging = _postgresql_cursor_classes()
    cursor = preparing(raw)
    return logging(cursor, connection) if connection.queries_logged else connection.make_cursor(cursor)


@functools.cache
def _postgresql_cursor_classes():
    from django.db.backends.postgresql.base import CursorDebugWrapper, ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        """Server-side binding (the parameters apart from the text, which a
        prepared statement needs), and every statement prepared."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    class LoggingCursor(CursorDebugWrapper):
        """Django's query log (DEBUG, tests counting statements) records the
        statement's text: psycopg keeps none for a prepared statement."""

        def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):
            return super().debug_sql(sql, params, use_last_executed_query=False, many=many)

    return PreparingCursor, LoggingCursor


def plans_for(connection) -> dict:
    plans = _STATEMENTS.get(connection)
    if plans is None:
        plans = _STATEMENTS[connection] = {}
    return plans


def table_name(connection, model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column_name(connection, model: type[models.Model], name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)
