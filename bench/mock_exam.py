"""Mock exams as the app runs them: starting a 75-question SAP-C02 mock
drawn from a bank of 1,000 questions, saving answers, the report page; and,
in the same run and the same way, the study page's grade to compare with.

Run from the repository root:

    .venv/bin/python bench/mock_exam.py [--starts 30] [--bank 1000] [--json]
    (or: make bench, which runs every benchmark)

What it does:

1. A PostgreSQL database of its own (``studyapp_bench_mock_exam``, dropped
   at the end; bench/database.py) with production settings, migrated; the
   bank (bench/mock_bank.py): copies of the 100 notes in notes/ under new
   ids, imported by ``notes_import`` and rendered as the worker does.
2. With 100 notes, then with 1,000: the SQL statements of a start, an answer,
   a submit and a report, each a whole request through Django's test client
   (session, user, the work): they must be the same at both sizes.
3. With 1,000 notes, ``--starts`` learners each sit a whole mock through the
   views, as the page does: POST start (the draw; timed), the exam page,
   each of the 75 answers posted as the page posts them (JSON; timed), the
   submit, the report page (timed). Then learners grade cards on the study
   page (htmx POST /study/grade/, the card on screen and the next; timed),
   the review loop's request, in this process, on this database.

Times are wall-clock times of the whole request inside this process (no
network), median and 95th percentile. Targets (issue 16): start at most
100 ms, an answer at most 1.5 x the grade (medians), the report at most
200 ms (95th percentile), statements independent of the bank's size.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import busy_warning, machine, print_table  # noqa: E402
from bench.database import DEFAULT_SERVER_URL, django_setup, drop_database, production_env, recreate_database  # noqa: E402
from bench.loadgen import percentile  # noqa: E402
from bench.machine import wait_for_quiet  # noqa: E402
from bench.mock_bank import bank_grow, learners_create  # noqa: E402

DATABASE = "studyapp_bench_mock_exam"
BANK = 1_000
SMALL_BANK = 100
STARTS = 30
GRADES_PER_LEARNER = 20
GRADERS = 4
WARM_UP = 2
# How long to wait for the other processes on the machine to quieten down.
QUIET_WAIT_S = 60
TARGET_START_MS = 100.0
TARGET_ANSWER_TO_GRADE = 1.5
TARGET_REPORT_MS = 200.0
JSON = {"Accept": "application/json"}
# The requests whose statements must not grow with the bank.
CONSTANT = ("start", "page", "answer", "report")
HTMX = {"HX-Request": "true"}


@dataclass
class Timings:
    start: list[float] = field(default_factory=list)
    page: list[float] = field(default_factory=list)
    answer: list[float] = field(default_factory=list)
    submit: list[float] = field(default_factory=list)
    report: list[float] = field(default_factory=list)
    grade: list[float] = field(default_factory=list)

    def summary(self, name: str) -> dict[str, float]:
        values = sorted(getattr(self, name))
        return {"p50": round(percentile(values, 0.5), 2), "p95": round(percentile(values, 0.95), 2), "n": len(values)}


# This process's CPU time of each timed request, by the name of its list
# (a busy shared machine inflates wall-clock times, far less CPU time).
CPU: dict[str, list[float]] = {}


def _timed(call, name: str = "") -> tuple[float, object]:
    started, started_cpu = time.perf_counter(), time.process_time()
    response = call()
    if name:
        CPU.setdefault(name, []).append((time.process_time() - started_cpu) * 1000)
    return (time.perf_counter() - started) * 1000, response


def _check(response, *statuses: int) -> None:
    if response.status_code not in statuses:
        raise RuntimeError(f"{response.request['PATH_INFO']} answered {response.status_code}, not {statuses}")


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    # A client loads the middleware on its first request (whitenoise reads
    # the static files then): a server does that once, before any request.
    _check(client.get("/exams/"), 200)
    return client


def _chosen(item) -> list[str]:
    """What a learner picks: the first options shown, as many as the question asks."""
    return item.option_order[: item.needed]


def _wrong(item) -> list[str]:
    """A wrong answer (the submission then also pulls the note's trigger
    cards forward: the longer path, and the same whatever the draw)."""
    from studyapp.notes.models import Option

    key = set(Option.objects.filter(note_id=item.note_id, is_correct=True).values_list("letter", flat=True))
    wrong = next(letter for letter in item.option_order if letter not in key)
    return [wrong, *[letter for letter in item.option_order if letter != wrong][: item.needed - 1]]


def sit_mock(client, blueprint_id: int, timings: Timings | None = None) -> int:
    """One whole mock through the views; ``timings`` collects the times."""
    from studyapp.exams.models import AttemptItem

    ms, response = _timed(lambda: client.post(f"/exams/start/{blueprint_id}/"), "start" if timings else "")
    _check(response, 302)
    attempt_url = response["Location"].split("?")[0]
    attempt_id = int(attempt_url.rstrip("/").rsplit("/", 1)[1])
    page_ms, page = _timed(lambda: client.get(response["Location"]))
    _check(page, 200)
    items = list(AttemptItem.objects.filter(attempt_id=attempt_id).order_by("position"))
    answers = []
    for item in items:
        data = {"position": item.position, "choice": _chosen(item), "time_ms": 40_000}
        answer_ms, answered = _timed(
            lambda data=data: client.post(f"{attempt_url}answer/", data, headers=JSON), "answer" if timings else ""
        )
        _check(answered, 200)
        answers.append(answer_ms)
    submit_ms, submitted = _timed(lambda: client.post(f"{attempt_url}submit/", headers=JSON))
    _check(submitted, 200)
    report_ms, report = _timed(lambda: client.get(f"{attempt_url}report/"), "report" if timings else "")
    _check(report, 200)
    if timings is not None:
        timings.start.append(ms)
        timings.page.append(page_ms)
        timings.answer += answers
        timings.submit.append(submit_ms)
        timings.report.append(report_ms)
    return attempt_id


def _questions_set_aside(user_id: int) -> None:
    from studyapp.notes.models import Card
    from studyapp.study.models import CardState

    CardState.objects.filter(user_id=user_id, card__kind=Card.Kind.QUESTION).update(suspended=True)


def grade_cards(client, count: int, timings: Timings | None = None) -> int:
    """Grade up to ``count`` cards on the study page as it does (htmx), Good
    each; returns how many were graded."""
    from bench.loop_load import read_reply

    _check(client.get("/study/"), 200)
    # The grade compared with is a flashcard's: set the learner's scenario
    # questions aside (questions come first in a new learner's day).
    _questions_set_aside(int(client.session["_auth_user_id"]))
    reply = read_reply(client.get("/study/card/", headers=HTMX).content.decode())
    card, held, left = (reply.card, reply.held, reply.left) if reply else (None, None, None)
    graded = 0
    while card is not None and graded < count:
        form = {"rating": 3, "version": card.version, "left": left, "expect": held.key if held else ""}
        ms, response = _timed(
            lambda form=form, card=card: client.post(f"/study/grade/{card.state_id}/", form, headers=HTMX),
            "grade" if timings else "",
        )
        _check(response, 200)
        if timings is not None:
            timings.grade.append(ms)
        graded += 1
        reply = read_reply(response.content.decode())
        if reply is None or reply.done:
            break
        card = held if reply.confirmed == held else reply.card
        held, left = reply.held, reply.left
    return graded


def count_statements(user, blueprint_id: int) -> dict[str, int]:
    """Statements of each request of a mock (the session and user included),
    for one learner who has sat one before (so that "not seen in a mock" has
    something to exclude)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from studyapp.exams.models import AttemptItem

    client = _client(user)
    sit_mock(client, blueprint_id)
    counts = {}
    with CaptureQueriesContext(connection) as start:
        response = client.post(f"/exams/start/{blueprint_id}/")
    counts["start"] = len(start)
    url = response["Location"].split("?")[0]
    item = AttemptItem.objects.filter(attempt_id=int(url.rstrip("/").rsplit("/", 1)[1]), position=2).get()
    with CaptureQueriesContext(connection) as page:
        client.get(response["Location"])
    counts["page"] = len(page)
    data = {"position": item.position, "choice": _wrong(item), "time_ms": 1000}
    with CaptureQueriesContext(connection) as answer:
        _check(client.post(f"{url}answer/", data, headers=JSON), 200)
    counts["answer"] = len(answer)
    with CaptureQueriesContext(connection) as submit:
        _check(client.post(f"{url}submit/", headers=JSON), 200)
    counts["submit"] = len(submit)
    with CaptureQueriesContext(connection) as report:
        _check(client.get(f"{url}report/"), 200)
    counts["report"] = len(report)
    return counts


def measure(*, bank: int, starts: int) -> dict:
    from studyapp.exams.models import Blueprint

    sap = Blueprint.objects.get(code="SAP-C02").pk
    setup = {"questions_small": bank_grow(to=min(SMALL_BANK, bank))}
    small = count_statements(learners_create("small", 1)[0], sap)
    setup["questions"] = bank_grow(to=bank)
    large = count_statements(learners_create("large", 1)[0], sap)
    setup["cpu_busy_before"] = wait_for_quiet(QUIET_WAIT_S)
    setup["load_average_at_start"] = round(os.getloadavg()[0], 2)
    timings = Timings()
    for i, learner in enumerate(learners_create("sitter", starts + WARM_UP)):
        sit_mock(_client(learner), sap, timings if i >= WARM_UP else None)
    for i, learner in enumerate(learners_create("grader", GRADERS + 1)):
        grade_cards(_client(learner), GRADES_PER_LEARNER, timings if i >= 1 else None)
    setup["load_average_at_end"] = round(os.getloadavg()[0], 2)
    return _figures(timings, small, large, setup | {"bank_notes": bank, "starts": starts})


def _figures(timings: Timings, small: dict, large: dict, setup: dict) -> dict:
    start, answer, grade, report = (timings.summary(n) for n in ("start", "answer", "grade", "report"))
    ratio = round(answer["p50"] / grade["p50"], 2) if grade["p50"] else None
    cpu = {name: percentile(sorted(values), 0.5) for name, values in CPU.items()}
    cpu_ratio = round(cpu["answer"] / cpu["grade"], 2) if cpu.get("grade") else None
    # A submission records each answered question (question_retrieval_record):
    # its statements follow the answers and the learner's states, not the bank.
    constant = all(small[name] == large[name] for name in CONSTANT)
    return {
        "mock_start_ms_p50": start["p50"],
        "mock_start_ms_p95": start["p95"],
        "mock_answer_ms_p50": answer["p50"],
        "mock_answer_ms_p95": answer["p95"],
        "mock_grade_ms_p50": grade["p50"],
        "mock_grade_ms_p95": grade["p95"],
        "mock_answer_to_grade_ratio": ratio,
        "mock_answer_to_grade_cpu_ratio": cpu_ratio,
        "mock_report_ms_p50": report["p50"],
        "mock_report_ms_p95": report["p95"],
        "mock_statements_per_answer": large["answer"],
        "mock_statements_per_start": large["start"],
        "mock_statements_per_report": large["report"],
        "mock_statements_constant_in_bank_size": constant,
        "targets_met": {
            "start_p95_at_most_100_ms": start["p95"] <= TARGET_START_MS,
            "answer_at_most_1.5x_grade": ratio is not None and ratio <= TARGET_ANSWER_TO_GRADE,
            "report_p95_at_most_200_ms": report["p95"] <= TARGET_REPORT_MS,
            "statements_constant_in_bank_size": constant,
        },
        "details": {
            "statements_small_bank": small,
            "statements_large_bank": large,
            "exam_page_ms": timings.summary("page"),
            "submit_ms": timings.summary("submit"),
            "samples": {n: timings.summary(n)["n"] for n in ("start", "answer", "report", "grade")},
            "cpu_ms_p50": {name: round(percentile(sorted(values), 0.5), 2) for name, values in CPU.items()},
        },
        "setup": setup | machine() | {"database": "postgresql", "client": "django.test.Client, in process"},
    }


def run(bank: int = BANK, starts: int = STARTS, server_url: str | None = None, keep_database: bool = False) -> dict:
    server_url = server_url or os.environ.get("MOCK_EXAM_PG_URL", DEFAULT_SERVER_URL)
    database_url = recreate_database(server_url, DATABASE)
    try:
        django_setup(production_env(database_url, secrets.token_urlsafe(50)))
        return measure(bank=bank, starts=starts)
    finally:
        from django.db import connections

        connections.close_all()
        if not keep_database:
            drop_database(server_url, DATABASE)


def print_report(figures: dict) -> None:
    def row(name: str, prefix: str, statements) -> tuple[str, ...]:
        return (name, f"{figures[f'{prefix}_p50']:.1f}", f"{figures[f'{prefix}_p95']:.1f}", str(statements))

    details = figures["details"]
    print_table(
        f"Mock exam (PostgreSQL, {figures['setup']['questions']} questions, test client in process)",
        ("request", "p50 ms", "p95 ms", "statements"),
        [
            row("start a 75-question mock", "mock_start_ms", figures["mock_statements_per_start"]),
            row("save an answer", "mock_answer_ms", figures["mock_statements_per_answer"]),
            row("report page", "mock_report_ms", figures["mock_statements_per_report"]),
            row("grade on the study page", "mock_grade_ms", "-"),
        ],
    )
    print(f"\nanswer / grade (medians): {figures['mock_answer_to_grade_ratio']}")
    print(f"statements at {SMALL_BANK} notes: {details['statements_small_bank']}")
    print(f"statements at {figures['setup']['bank_notes']} notes: {details['statements_large_bank']}")
    for target, met in figures["targets_met"].items():
        print(f"{target}: {'met' if met else 'MISSED'}")
    warning = busy_warning()
    if warning:
        print(warning)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", type=int, default=BANK, help="notes in the bank")
    parser.add_argument("--starts", type=int, default=STARTS, help="mocks sat (each by a new learner)")
    parser.add_argument("--server-url", default=None, help=f"PostgreSQL server (default {DEFAULT_SERVER_URL})")
    parser.add_argument("--keep-database", action="store_true", help=f"leave {DATABASE} in place")
    parser.add_argument("--json", action="store_true", help="print only a JSON object")
    args = parser.parse_args(argv)
    figures = run(bank=args.bank, starts=args.starts, server_url=args.server_url, keep_database=args.keep_database)
    print(json.dumps(figures) if args.json else "", end="")
    if not args.json:
        print_report(figures)
    return figures


if __name__ == "__main__":
    main()
