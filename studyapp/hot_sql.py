"""The SQL of the study loop's hot path, in one module.

Why hand-written: a grade and the card after it run hundreds of times a day per
learner, and built as querysets they cost more CPU to build and compile than
the database spends running them (measured: 43 % of a grade's CPU building
querysets, 25 % compiling their SQL; docs/benchmarks.md, "Review loop"). Here
each statement is a constant string, built once per connection, its parameters
passed apart; rows become model instances through the ORM's own converters and
``Model.from_db``, so what comes back is what the ORM would have returned. The
database sees the same text every time, and PostgreSQL keeps each statement
prepared on its connection (``_cursor``): planning the next-card statement
cost it more than running it. docs/benchmarks.md has the figures.

The rules these statements carry out are written as querysets where they are
read: the next card and what is left today in ``studyapp.study.queue``, a
state with today's answer counts in ``studyapp.study.services``. The tests
(tests/study/test_hot_sql.py) check on a fixture that covers every branch
(due, new, learning, learn-ahead, buried, suspended, out of scope, exam order,
daily limits) that both return exactly the same, on SQLite and PostgreSQL.

Nothing here decides anything: no scheduling, no limits; only reads and
writes of the rows the services ask for.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from studyapp.accounts.models import Profile
from studyapp.notes.models import Card, Note
from studyapp.study.models import CardState, ReviewLog, StudyDay

# Each ordered subquery of the next-card statement keeps this many rows: the
# first is the card to show, the second what the page holds ready after it.
CANDIDATES_PER_SOURCE = 2
# Sources of the next-card candidates. Cards due now come from two: learning
# steps due and reviews due, each an ordered range of the index state_queue
# (user, in_scope, suspended, state, due), merged here; as one OR-ed source
# PostgreSQL read every state of the learner to sort the due ones.
LEARNING_DUE, REVIEW_DUE, NEW, AHEAD = 0, 1, 2, 3
# The note's parsed structure is read only for scenario questions (the other
# cards never look at it, and it is the largest column of the join).
QUESTION = Card.Kind.QUESTION.value
# Fields of a card and of its note that the study card shows (the rest stay
# deferred: read on first use, as with the ORM's only()).
CARD_FIELDS = (
    "id",
    "note",
    "key",
    "kind",
    "position",
    "front",
    "back",
    "content_hash",
    "front_html",
    "back_html",
    "html_key",
    # The change notice: when the answer changed and what it said before.
    "answer_changed_at",
    "previous_back",
)
NOTE_FIELDS = ("id", "note_id", "title")
S = CardState.State


# -- reading rows into model instances ----------------------------------------


@dataclass(frozen=True)
class _Reader:
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


def _reader(connection, model: type[models.Model], alias: str, names: Iterable[str] | None = None) -> _Reader:
    wanted = set(names) if names is not None else None
    fields = [f for f in model._meta.concrete_fields if wanted is None or f.name in wanted]
    conversions = []
    for position, field in enumerate(fields):
        expression = field.get_col(alias)
        converters = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
        if converters:
            conversions.append((position, tuple(converters), expression))
    quote = connection.ops.quote_name
    return _Reader(
        model,
        tuple(f.attname for f in fields),
        tuple(conversions),
        ", ".join(f"{alias}.{quote(f.column)}" for f in fields),
    )


def _adapter(connection, field: models.Field) -> Callable[[Any], Any] | None:
    """How the ORM turns a value of ``field`` into a query parameter; None
    when the Python value is passed as it is (numbers, text, booleans)."""
    if isinstance(field, models.DateTimeField | models.DateField | models.JSONField | models.UUIDField):
        return lambda value: None if value is None else field.get_db_prep_save(value, connection)
    return None


def _param(connection, value: datetime | date) -> Any:
    """A date or a moment as this database takes it (SQLite: text in UTC)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return connection.ops.adapt_datefield_value(value)


# -- statements, built once per connection -------------------------------------

_PLANS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _connection():
    return connections[DEFAULT_DB_ALIAS]


# psycopg never prepares a statement by itself beyond this many runs: Django
# turns automatic preparing off (prepare_threshold None), and only our
# cursors below ask for it, per statement.
_NEVER_BY_ITSELF = 2**31 - 1


def _cursor(connection):
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


def _plans(connection) -> dict:
    plans = _PLANS.get(connection)
    if plans is None:
        plans = _PLANS[connection] = {}
    return plans


def _table(connection, model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(connection, model: type[models.Model], name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


# -- the user and their profile ------------------------------------------------


@dataclass(frozen=True)
class _UserPlan:
    sql: str
    user: _Reader
    profile: _Reader


def _user_plan(connection) -> _UserPlan:
    plans = _plans(connection)
    if "user" not in plans:
        from django.contrib.auth import get_user_model

        user_model = get_user_model()
        user = _reader(connection, user_model, "u")
        profile = _reader(connection, Profile, "p")
        pk = connection.ops.quote_name(user_model._meta.pk.column)
        plans["user"] = _UserPlan(
            f"SELECT {user.columns}, {profile.columns}, {_writes_notes_sql(connection, user_model, pk)} "  # noqa: S608
            f"FROM {_table(connection, user_model)} u "
            f"LEFT JOIN {_table(connection, Profile)} p ON p.{_column(connection, Profile, 'user')} = u.{pk} "
            f"WHERE u.{pk} = %s",
            user,
            profile,
        )
    return plans["user"]


# The instructor's permission (studyapp.authoring.access), constant text.
WRITER_PERMISSION = ("authoring", "author_notes")


def _writes_notes_sql(connection, user_model, pk: str) -> str:
    """1 when user ``u`` holds the instructor's permission as ``has_perm``
    finds it (a superuser, through a group, or given directly), else 0: the
    top bar of every page asks, and Django's permission lookup would cost two
    more statements per request."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    quote = connection.ops.quote_name
    app_label, codename = WRITER_PERMISSION
    in_groups = user_model.groups.through
    user_perms = user_model.user_permissions.through
    group_perms = Group.permissions.through
    # Only names from the models and the constants above: nothing of a request.
    permission = (
        f"(SELECT ap.{quote('id')} FROM {_table(connection, Permission)} ap "  # noqa: S608
        f"JOIN {_table(connection, ContentType)} ct "
        f"ON ct.{quote('id')} = ap.{_column(connection, Permission, 'content_type')} "
        f"WHERE ct.{_column(connection, ContentType, 'app_label')} = '{app_label}' "
        f"AND ap.{_column(connection, Permission, 'codename')} = '{codename}')"
    )
    through_group = (
        f"EXISTS (SELECT 1 FROM {_table(connection, in_groups)} ug "  # noqa: S608
        f"JOIN {_table(connection, group_perms)} gp ON gp.{_column(connection, group_perms, 'group')} = "
        f"ug.{_column(connection, in_groups, 'group')} "
        f"WHERE ug.{_column(connection, in_groups, 'user')} = u.{pk} "
        f"AND gp.{_column(connection, group_perms, 'permission')} IN {permission})"
    )
    directly = (
        f"EXISTS (SELECT 1 FROM {_table(connection, user_perms)} up "  # noqa: S608
        f"WHERE up.{_column(connection, user_perms, 'user')} = u.{pk} "
        f"AND up.{_column(connection, user_perms, 'permission')} IN {permission})"
    )
    superuser = f"u.{_column(connection, user_model, 'is_superuser')}"
    return f"CASE WHEN {superuser} OR {through_group} OR {directly} THEN 1 ELSE 0 END"


def user_with_profile(user_id) -> models.Model | None:
    """The user with their profile attached (as ``select_related("profile")``
    leaves it), or None. Every request of a logged-in learner asks for it."""
    connection = _connection()
    plan = _user_plan(connection)
    with _cursor(connection) as cursor:
        cursor.execute(plan.sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    user = plan.user.read(row, 0, connection)
    # Read by the top bar's "Write" (studyapp.authoring.context_processors).
    user.writes_notes = user.is_active and bool(row[-1])
    if row[plan.user.width] is not None:  # the profile's id: None when it has none
        profile = plan.profile.read(row, plan.user.width, connection)
        Profile._meta.get_field("user").set_cached_value(profile, user)
        type(user).profile.related.set_cached_value(user, profile)
    return user


# -- the session ---------------------------------------------------------------


def session_row(session_key: str, now: datetime) -> Session | None:
    """An unexpired session (Django's database sessions), as
    ``Session.objects.get(session_key=..., expire_date__gt=now)`` finds it."""
    connection = _connection()
    plans = _plans(connection)
    if "session" not in plans:
        session = _reader(connection, Session, "s")
        plans["session"] = (
            f"SELECT {session.columns} FROM {_table(connection, Session)} s "  # noqa: S608
            f"WHERE s.{_column(connection, Session, 'session_key')} = %s "
            f"AND s.{_column(connection, Session, 'expire_date')} > %s",
            session,
        )
    sql, reader = plans["session"]
    with _cursor(connection) as cursor:
        cursor.execute(sql, [session_key, _param(connection, now)])
        row = cursor.fetchone()
    return reader.read(row, 0, connection) if row else None


# -- a card state with today's answer counts -------------------------------------


@dataclass(frozen=True)
class DayAnswers:
    """Today's answers to new cards and to reviews, and the day's planned new limit."""

    new_done: int
    reviews_done: int
    new_limit: int | None


def _answers_today_sql(connection, user_column: str) -> str:
    """How many of the day's answers were to cards in a given state: counted
    over the day's rows only (index user, study_day, previous_state)."""
    log = _table(connection, ReviewLog)
    return (
        f"(SELECT COUNT(*) FROM {log} l WHERE l.{_column(connection, ReviewLog, 'user')} = {user_column} "  # noqa: S608
        f"AND l.{_column(connection, ReviewLog, 'study_day')} = %s "
        f"AND l.{_column(connection, ReviewLog, 'previous_state')} = %s)"
    )


def _day_limit_sql(connection, user_column: str) -> str:
    return (
        f"(SELECT d.{_column(connection, StudyDay, 'new_limit')} FROM {_table(connection, StudyDay)} d "  # noqa: S608
        f"WHERE d.{_column(connection, StudyDay, 'user')} = {user_column} "
        f"AND d.{_column(connection, StudyDay, 'day')} = %s)"
    )


def state_with_answers(user_id: int, state_id: int, day: date) -> tuple[CardState, DayAnswers] | None:
    """The learner's card state and today's answer counts, in one statement."""
    connection = _connection()
    plans = _plans(connection)
    if "state" not in plans:
        state = _reader(connection, CardState, "s")
        user = f"s.{_column(connection, CardState, 'user')}"
        plans["state"] = (
            f"SELECT {state.columns}, {_answers_today_sql(connection, user)}, "  # noqa: S608
            f"{_answers_today_sql(connection, user)}, {_day_limit_sql(connection, user)} "
            f"FROM {_table(connection, CardState)} s "
            f"WHERE s.{_column(connection, CardState, 'id')} = %s AND {user} = %s",
            state,
        )
    sql, reader = plans["state"]
    day_param = _param(connection, day)
    with _cursor(connection) as cursor:
        cursor.execute(sql, [day_param, S.NEW, day_param, S.REVIEW, day_param, state_id, user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    new_done, reviews_done, new_limit = row[reader.width :]
    return reader.read(row, 0, connection), DayAnswers(new_done or 0, reviews_done or 0, new_limit)


# -- recording an answer ---------------------------------------------------------


@dataclass(frozen=True)
class _AnswerPlan:
    update: str
    update_fields: tuple[tuple[str, Callable | None], ...]
    insert: str
    insert_fields: tuple[tuple[str, Callable | None], ...]
    returns_id: bool
    # PostgreSQL: the UPDATE and the INSERT as one statement (see answer_record).
    both: str | None


def _answer_plan(connection, fields: tuple[str, ...]) -> _AnswerPlan:
    plans = _plans(connection)
    key = ("answer", fields)
    if key not in plans:
        quote = connection.ops.quote_name
        state_id = _column(connection, CardState, "id")
        states = [CardState._meta.get_field(name) for name in fields]
        sets = ", ".join(f"{quote(f.column)} = %s" for f in states)
        update = (
            f"UPDATE {_table(connection, CardState)} SET {sets} "  # noqa: S608
            f"WHERE {state_id} = %s AND {_column(connection, CardState, 'version')} = %s "
            f"AND {_column(connection, CardState, 'in_scope')} = %s"
        )
        logs = [f for f in ReviewLog._meta.concrete_fields if not f.primary_key]
        columns = ", ".join(quote(f.column) for f in logs)
        log_id = _column(connection, ReviewLog, "id")
        returns_id = connection.features.can_return_columns_from_insert
        insert = (
            f"INSERT INTO {_table(connection, ReviewLog)} ({columns}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(logs))})" + (f" RETURNING {log_id}" if returns_id else "")
        )
        both = None
        if connection.vendor == "postgresql":
            # Each value cast to its column's type: in a SELECT list a NULL
            # parameter would otherwise be text.
            casts = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in logs)
            both = (
                f"WITH answered AS ({update} RETURNING {state_id}) "  # noqa: S608
                f"INSERT INTO {_table(connection, ReviewLog)} ({columns}) SELECT {casts} FROM answered "
                f"RETURNING {log_id}"
            )
        plans[key] = _AnswerPlan(
            update,
            tuple((f.attname, _adapter(connection, f)) for f in states),
            insert,
            tuple((f.attname, _adapter(connection, f)) for f in logs),
            returns_id,
            both,
        )
    return plans[key]


def _values(fields: tuple[tuple[str, Callable | None], ...], source) -> list[Any]:
    values = []
    for name, adapt in fields:
        value = getattr(source, name)
        values.append(value if adapt is None else adapt(value))
    return values


def answer_record(*, state: CardState, version: int, fields: tuple[str, ...], log: ReviewLog) -> bool:
    """Write the answered state over ``version`` (only while that version is
    current and the card still in scope) and, if it was, insert ``log`` (its
    id set); both or neither. False when the state was not at ``version``
    (a repeated answer) or has left the queue.

    On PostgreSQL one statement does both (the INSERT takes its row from the
    UPDATE's RETURNING): atomic by itself, so no BEGIN and COMMIT around it,
    three round trips fewer per answer. Elsewhere the two statements run in
    one transaction (no savepoint: nothing here is ever inside another one
    that it could spoil)."""
    connection = _connection()
    plan = _answer_plan(connection, fields)
    where = [state.pk, version, True]
    if plan.both is not None:
        with _cursor(connection) as cursor:
            cursor.execute(plan.both, [*_values(plan.update_fields, state), *where, *_values(plan.insert_fields, log)])
            row = cursor.fetchone()
        if row is None:
            return False
        log.pk = row[0]
    else:
        with transaction.atomic(savepoint=False), _cursor(connection) as cursor:
            cursor.execute(plan.update, [*_values(plan.update_fields, state), *where])
            if cursor.rowcount != 1:
                return False
            cursor.execute(plan.insert, _values(plan.insert_fields, log))
            log.pk = cursor.fetchone()[0] if plan.returns_id else cursor.lastrowid
    log._state.adding = False
    log._state.db = connection.alias
    return True


# -- the next card ----------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The queue's parameters (studyapp.study.queue.Today, as SQL needs them)."""

    now: datetime
    learn_ahead_until: datetime
    day_end: datetime
    reviews: bool  # the daily review limit leaves room: due reviews count as due
    new: bool  # the daily new limit leaves room
    exam_order: bool
    # Caps of the "left today" counts (None: the statement does not count).
    count_caps: tuple[int, int, int] | None = None  # (learning, reviews, new)


@dataclass
class Candidates:
    """The first cards of each source, in the queue's order, and (when
    counted) how many answers are left today."""

    due: list[Candidate]
    new: list[Candidate]
    ahead: list[Candidate]
    left: int | None = None


class Candidate:
    """One row of the next-card statement: what the queue orders and picks
    by, and the state with its card and note, built only for the cards the
    page shows (a model instance costs more than the rest of the row)."""

    __slots__ = ("pk", "state", "due", "new_rank", "exam_recall", "_row", "_plan", "_connection", "_loaded")

    def __init__(self, row: Sequence[Any], plan: _NextPlan, connection) -> None:
        self._row, self._plan, self._connection, self._loaded = row, plan, connection, None
        value = lambda name: plan.state.value(row, 1, name, connection)  # noqa: E731
        self.pk, self.state, self.due = value("id"), value("state"), value("due")
        self.new_rank, self.exam_recall = value("new_rank"), value("exam_recall")

    def load(self) -> CardState:
        """The CardState with its card and its note (the note's parsed
        structure only for a scenario question), as select_related leaves them."""
        if self._loaded is None:
            plan, row, connection = self._plan, self._row, self._connection
            at = 1
            state = plan.state.read(row, at, connection)
            at += plan.state.width
            card = plan.card.read(row, at, connection)
            at += plan.card.width
            note = plan.note.read(row, at, connection)
            at += plan.note.width
            if card.kind == QUESTION:
                note.parsed = plan.parsed.read(row, at, connection).parsed
            Card._meta.get_field("note").set_cached_value(card, note)
            CardState._meta.get_field("card").set_cached_value(state, card)
            self._loaded = state
        return self._loaded


@dataclass(frozen=True)
class _NextPlan:
    sql: str
    state: _Reader
    card: _Reader
    note: _Reader
    parsed: _Reader


def _open_sql(connection) -> str:
    col = lambda name: _column(connection, CardState, name)  # noqa: E731
    return (
        f"{col('user')} = %s AND {col('in_scope')} = %s AND {col('suspended')} = %s "
        f"AND ({col('buried_until')} IS NULL OR {col('buried_until')} <= %s)"
    )


def _next_plan(connection, window: Window) -> _NextPlan:
    """The statement for a window's shape (which sources, which order,
    counted or not); its parameters come from ``_next_params``."""
    shape = ("next", window.reviews, window.new, window.exam_order, window.count_caps is not None)
    plans = _plans(connection)
    if shape in plans:
        return plans[shape]
    col = lambda name: _column(connection, CardState, name)  # noqa: E731
    table = _table(connection, CardState)
    open_ = _open_sql(connection)
    learning = f"{col('state')} IN ({S.LEARNING}, {S.RELEARNING})"
    if window.exam_order:
        recall = col("exam_recall")
        due_order = f"{recall} IS NOT NULL, {recall}, {col('due')}, {col('id')}"
    else:
        due_order = f"{col('due')}, {col('id')}"
    limit = CANDIDATES_PER_SOURCE

    def source(number: int, where: str, order: str) -> str:
        return (
            f"SELECT {col('id')} AS id, {number} AS source FROM (SELECT {col('id')} FROM {table} "  # noqa: S608
            f"WHERE {open_} AND {where} ORDER BY {order} LIMIT {limit}) s{number}"
        )

    sources = [source(LEARNING_DUE, f"{learning} AND {col('due')} <= %s", due_order)]
    if window.reviews:
        sources.append(source(REVIEW_DUE, f"{col('state')} = {S.REVIEW} AND {col('due')} < %s", due_order))
    if window.new:
        sources.append(source(NEW, f"{col('state')} = {S.NEW}", f"{col('new_rank')}, {col('id')}"))
    sources.append(source(AHEAD, f"{learning} AND {col('due')} <= %s", f"{col('due')}, {col('id')}"))
    state = _reader(connection, CardState, "s")
    card = _reader(connection, Card, "c", CARD_FIELDS)
    note = _reader(connection, Note, "n", NOTE_FIELDS)
    parsed = _reader(connection, Note, "n", ("parsed",))
    kind = f"c.{_column(connection, Card, 'kind')}"
    counts = ""
    if window.count_caps is not None:
        capped = (
            f"{learning} AND {col('due')} < %s",
            f"{col('state')} = {S.REVIEW} AND {col('due')} < %s",
            f"{col('state')} = {S.NEW}",
        )
        counts = "".join(
            f", (SELECT COUNT(*) FROM (SELECT {col('id')} FROM {table} "  # noqa: S608 - names from _meta
            f"WHERE {open_} AND {where} LIMIT %s) capped{i})"
            for i, where in enumerate(capped)
        )
    card_id, note_id = _column(connection, Card, "id"), _column(connection, Note, "id")
    sql = (
        f"SELECT picked.source, {state.columns}, {card.columns}, {note.columns}, "  # noqa: S608
        f"CASE WHEN {kind} = '{QUESTION}' THEN {parsed.columns} END{counts} "
        f"FROM ({' UNION ALL '.join(sources)}) picked "
        f"JOIN {table} s ON s.{col('id')} = picked.id "
        f"JOIN {_table(connection, Card)} c ON c.{card_id} = s.{col('card')} "
        f"JOIN {_table(connection, Note)} n ON n.{note_id} = c.{_column(connection, Card, 'note')}"
    )
    plans[shape] = _NextPlan(sql, state, card, note, parsed)
    return plans[shape]


def _next_params(connection, user_id: int, window: Window) -> list[Any]:
    now, day_end = _param(connection, window.now), _param(connection, window.day_end)
    open_ = [user_id, True, False, now]
    params: list[Any] = []
    if window.count_caps is not None:
        learning_cap, reviews_cap, new_cap = window.count_caps
        params += [*open_, day_end, learning_cap, *open_, day_end, reviews_cap, *open_, new_cap]
    params += [*open_, now] + ([*open_, day_end] if window.reviews else [])
    if window.new:
        params += open_
    params += [*open_, _param(connection, window.learn_ahead_until)]
    return params


def next_candidates(user_id: int, window: Window) -> Candidates:
    """The first cards due now, new, and learning soon (each in the queue's
    order, at most CANDIDATES_PER_SOURCE), with their cards and notes, in
    one statement; and what is left today when the window asks for counts."""
    connection = _connection()
    plan = _next_plan(connection, window)
    with _cursor(connection) as cursor:
        cursor.execute(plan.sql, _next_params(connection, user_id, window))
        rows = cursor.fetchall()
    found = Candidates([], [], [])
    lists = {LEARNING_DUE: found.due, REVIEW_DUE: found.due, NEW: found.new, AHEAD: found.ahead}
    for row in rows:
        lists[row[0]].append(Candidate(row, plan, connection))
    if window.count_caps is not None:
        found.left = sum(rows[0][-3:]) if rows else 0
    # The two due sources each gave their first rows: the first of both, merged.
    found.due.sort(key=_due_key if not window.exam_order else _exam_key)
    del found.due[CANDIDATES_PER_SOURCE:]
    found.new.sort(key=lambda s: (s.new_rank, s.pk))
    found.ahead.sort(key=_due_key)
    return found


def _due_key(state: Candidate) -> tuple:
    return (state.due, state.pk)


def _exam_key(state: Candidate) -> tuple:
    # exam_recall ascending, unknown (NULL) first, as the SQL orders it.
    return (state.exam_recall is not None, state.exam_recall or 0.0, state.due, state.pk)
