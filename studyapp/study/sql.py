"""The study loop's statements, hand-written: the next card, a card state with
today's answer counts, and recording an answer (studyapp/sql.py says why
they are not querysets, and how rows become model instances).

The rules these statements carry out are the queue's (``studyapp.study.queue``)
and the grade's (``studyapp.study.services``); their readable definition as
querysets is the tests' oracle (tests/support/queue_oracle.py). The tests
(tests/study/test_study_sql.py) check on a fixture that covers every branch
(due, new, learning, learn-ahead, buried, suspended, out of scope, exam order,
daily limits), for every shape of the next-card statement, that both return
exactly the same, on SQLite and PostgreSQL.

Nothing here decides anything: no scheduling, no limits; only reads and
writes of the rows the services ask for. Parameters are passed by name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import models, transaction

from studyapp.notes.models import Card, Note
from studyapp.sql import Reader, column_name, db_param, default_connection, hot_cursor, plans_for, reader, table_name
from studyapp.study.models import CardState, ReviewLog, StudyDay

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


def _adapter(connection, field: models.Field) -> Callable[[Any], Any] | None:
    """How the ORM turns a value of ``field`` into a query parameter; None
    when the Python value is passed as it is (numbers, text, booleans)."""
    if isinstance(field, models.DateTimeField | models.DateField | models.JSONField | models.UUIDField):
        return lambda value: None if value is None else field.get_db_prep_save(value, connection)
    return None


# -- a card state with today's answer counts -------------------------------------


@dataclass(frozen=True)
class DayAnswers:
    """Today's answers to new cards and to reviews, and the day's planned new limit."""

    new_done: int
    reviews_done: int
    new_limit: int | None


def _answers_today_sql(connection, user_column: str, previous: str) -> str:
    """How many of the day's answers were to cards in the state named by the
    parameter ``previous``: counted over the day's rows only (index user,
    study_day, previous_state)."""
    log = table_name(connection, ReviewLog)
    return (
        f"(SELECT COUNT(*) FROM {log} l WHERE l.{column_name(connection, ReviewLog, 'user')} = {user_column} "  # noqa: S608
        f"AND l.{column_name(connection, ReviewLog, 'study_day')} = %(day)s "
        f"AND l.{column_name(connection, ReviewLog, 'previous_state')} = %({previous})s)"
    )


def _day_limit_sql(connection, user_column: str) -> str:
    return (
        f"(SELECT d.{column_name(connection, StudyDay, 'new_limit')} FROM {table_name(connection, StudyDay)} d "  # noqa: S608
        f"WHERE d.{column_name(connection, StudyDay, 'user')} = {user_column} "
        f"AND d.{column_name(connection, StudyDay, 'day')} = %(day)s)"
    )


def state_with_answers(user_id: int, state_id: int, day: date) -> tuple[CardState, DayAnswers] | None:
    """The learner's card state and today's answer counts, in one statement."""
    connection = default_connection()
    plans = plans_for(connection)
    if "state" not in plans:
        state = reader(connection, CardState, "s")
        user = f"s.{column_name(connection, CardState, 'user')}"
        plans["state"] = (
            f"SELECT {state.columns}, {_answers_today_sql(connection, user, 'new_state')}, "  # noqa: S608
            f"{_answers_today_sql(connection, user, 'review_state')}, {_day_limit_sql(connection, user)} "
            f"FROM {table_name(connection, CardState)} s "
            f"WHERE s.{column_name(connection, CardState, 'id')} = %(state_id)s AND {user} = %(user)s",
            state,
        )
    sql, state = plans["state"]
    params = {
        "day": db_param(connection, day),
        "new_state": S.NEW,
        "review_state": S.REVIEW,
        "state_id": state_id,
        "user": user_id,
    }
    with hot_cursor(connection) as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    new_done, reviews_done, new_limit = row[state.width :]
    return state.read(row, 0, connection), DayAnswers(new_done or 0, reviews_done or 0, new_limit)


# -- recording an answer ---------------------------------------------------------


# (parameter's name, attname, how the ORM adapts the value or None)
_Param = tuple[str, str, Callable[[Any], Any] | None]


@dataclass(frozen=True)
class _AnswerPlan:
    update: str
    update_fields: tuple[_Param, ...]
    insert: str
    insert_fields: tuple[_Param, ...]
    returns_id: bool
    # PostgreSQL: the UPDATE and the INSERT as one statement (see answer_record).
    both: str | None


def _answer_plan(connection, fields: tuple[str, ...]) -> _AnswerPlan:
    plans = plans_for(connection)
    key = ("answer", fields)
    if key not in plans:
        quote = connection.ops.quote_name
        state_id = column_name(connection, CardState, "id")
        states = [CardState._meta.get_field(name) for name in fields]
        sets = ", ".join(f"{quote(f.column)} = %(new_{f.attname})s" for f in states)
        update = (
            f"UPDATE {table_name(connection, CardState)} SET {sets} "  # noqa: S608
            f"WHERE {state_id} = %(state_id)s AND {column_name(connection, CardState, 'version')} = %(version)s "
            f"AND {column_name(connection, CardState, 'in_scope')} = %(in_scope)s"
        )
        logs = [f for f in ReviewLog._meta.concrete_fields if not f.primary_key]
        columns = ", ".join(quote(f.column) for f in logs)
        log_id = column_name(connection, ReviewLog, "id")
        returns_id = connection.features.can_return_columns_from_insert
        insert = (
            f"INSERT INTO {table_name(connection, ReviewLog)} ({columns}) "  # noqa: S608
            f"VALUES ({', '.join(f'%(log_{f.attname})s' for f in logs)})"
            + (f" RETURNING {log_id}" if returns_id else "")
        )
        both = None
        if connection.vendor == "postgresql":
            # Each value cast to its column's type: in a SELECT list a NULL
            # parameter would otherwise be text.
            casts = ", ".join(f"CAST(%(log_{f.attname})s AS {f.db_type(connection)})" for f in logs)
            both = (
                f"WITH answered AS ({update} RETURNING {state_id}) "  # noqa: S608
                f"INSERT INTO {table_name(connection, ReviewLog)} ({columns}) SELECT {casts} FROM answered "
                f"RETURNING {log_id}"
            )
        plans[key] = _AnswerPlan(
            update,
            tuple((f"new_{f.attname}", f.attname, _adapter(connection, f)) for f in states),
            insert,
            tuple((f"log_{f.attname}", f.attname, _adapter(connection, f)) for f in logs),
            returns_id,
            both,
        )
    return plans[key]


def _values(fields: tuple[_Param, ...], source) -> dict[str, Any]:
    values = {}
    for param, name, adapt in fields:
        value = getattr(source, name)
        values[param] = value if adapt is None else adapt(value)
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
    connection = default_connection()
    plan = _answer_plan(connection, fields)
    where = {"state_id": state.pk, "version": version, "in_scope": True}
    if plan.both is not None:
        with hot_cursor(connection) as cursor:
            cursor.execute(plan.both, _values(plan.update_fields, state) | where | _values(plan.insert_fields, log))
            row = cursor.fetchone()
        if row is None:
            return False
        log.pk = row[0]
    else:
        with transaction.atomic(savepoint=False), hot_cursor(connection) as cursor:
            cursor.execute(plan.update, _values(plan.update_fields, state) | where)
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
    state: Reader
    card: Reader
    note: Reader
    parsed: Reader


def _open_sql(connection) -> str:
    col = lambda name: column_name(connection, CardState, name)  # noqa: E731
    return (
        f"{col('user')} = %(user)s AND {col('in_scope')} = %(in_scope)s AND {col('suspended')} = %(suspended)s "
        f"AND ({col('buried_until')} IS NULL OR {col('buried_until')} <= %(now)s)"
    )


def _next_plan(connection, window: Window) -> _NextPlan:
    """The statement for a window's shape: which sources (reviews due while
    the review limit leaves room, new cards while the new limit does), which
    order (exam or normal), counted or not; 2 x 2 x 2 x 2 = 16 shapes. Its
    parameters come from ``_next_params``."""
    shape = next_shape(window)
    plans = plans_for(connection)
    if shape in plans:
        return plans[shape]
    col = lambda name: column_name(connection, CardState, name)  # noqa: E731
    table = table_name(connection, CardState)
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

    sources = [source(LEARNING_DUE, f"{learning} AND {col('due')} <= %(now)s", due_order)]
    if window.reviews:
        sources.append(source(REVIEW_DUE, f"{col('state')} = {S.REVIEW} AND {col('due')} < %(day_end)s", due_order))
    if window.new:
        sources.append(source(NEW, f"{col('state')} = {S.NEW}", f"{col('new_rank')}, {col('id')}"))
    ahead = f"{learning} AND {col('due')} <= %(learn_ahead_until)s"
    sources.append(source(AHEAD, ahead, f"{col('due')}, {col('id')}"))
    state = reader(connection, CardState, "s")
    card = reader(connection, Card, "c", CARD_FIELDS)
    note = reader(connection, Note, "n", NOTE_FIELDS)
    parsed = reader(connection, Note, "n", ("parsed",))
    kind = f"c.{column_name(connection, Card, 'kind')}"
    counts = ""
    if window.count_caps is not None:
        capped = (
            (f"{learning} AND {col('due')} < %(day_end)s", "learning_cap"),
            (f"{col('state')} = {S.REVIEW} AND {col('due')} < %(day_end)s", "reviews_cap"),
            (f"{col('state')} = {S.NEW}", "new_cap"),
        )
        counts = "".join(
            f", (SELECT COUNT(*) FROM (SELECT {col('id')} FROM {table} "  # noqa: S608 - names from _meta
            f"WHERE {open_} AND {where} LIMIT %({cap})s) capped{i})"
            for i, (where, cap) in enumerate(capped)
        )
    card_id, note_id = column_name(connection, Card, "id"), column_name(connection, Note, "id")
    sql = (
        f"SELECT picked.source, {state.columns}, {card.columns}, {note.columns}, "  # noqa: S608
        f"CASE WHEN {kind} = '{QUESTION}' THEN {parsed.columns} END{counts} "
        f"FROM ({' UNION ALL '.join(sources)}) picked "
        f"JOIN {table} s ON s.{col('id')} = picked.id "
        f"JOIN {table_name(connection, Card)} c ON c.{card_id} = s.{col('card')} "
        f"JOIN {table_name(connection, Note)} n ON n.{note_id} = c.{column_name(connection, Card, 'note')}"
    )
    plans[shape] = _NextPlan(sql, state, card, note, parsed)
    return plans[shape]


def next_shape(window: Window) -> tuple:
    """What the next-card statement's text depends on (one statement each)."""
    return ("next", window.reviews, window.new, window.exam_order, window.count_caps is not None)


def _next_params(connection, user_id: int, window: Window) -> dict[str, Any]:
    """The parameters the window's statement names, and only those."""
    params = {
        "user": user_id,
        "in_scope": True,
        "suspended": False,
        "now": db_param(connection, window.now),
        "learn_ahead_until": db_param(connection, window.learn_ahead_until),
    }
    if window.reviews or window.count_caps is not None:
        params["day_end"] = db_param(connection, window.day_end)
    if window.count_caps is not None:
        params["learning_cap"], params["reviews_cap"], params["new_cap"] = window.count_caps
    return params


def next_candidates(user_id: int, window: Window) -> Candidates:
    """The first cards due now, new, and learning soon (each in the queue's
    order, at most CANDIDATES_PER_SOURCE), with their cards and notes, in
    one statement; and what is left today when the window asks for counts."""
    connection = default_connection()
    plan = _next_plan(connection, window)
    with hot_cursor(connection) as cursor:
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
