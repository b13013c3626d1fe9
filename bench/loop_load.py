"""Driving the load: virtual learners that study as the page does, a floor
reader, and phases of the floor and the review loop in turn with the CPU
time each costs.

A virtual learner behaves like studyapp's study page (static/js/study.js):
it grades the card on screen, and the reply's card held ready
(``<template id="study-next">``) is the next card it grades, sent with
``expect`` set to that card's key, so that the server only confirms it; when
the server names another card (a learning card came due meanwhile, the day's
limit was reached), that card is the next one instead."""

from __future__ import annotations

import random
import re
import urllib.parse
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bench.loadgen import Http, Response, Samples, Summary, VirtualUser, run_phase, summarize
from bench.loop_data import SEED, Learner, draw_rating
from bench.loop_ledger import AnswerBook
from bench.machine import QUIET_WAIT_S, CpuSnapshot

VIRTUAL_LEARNERS = 8
# Alternating floor/loop rounds: a slow patch of the machine (a checkpoint, a
# worker recycled by max_requests) then lands in both measurements, not one.
ROUNDS = 2
PHASE_SECONDS = 10.0
WARMUP_SECONDS = 3.0
SOLO_SECONDS = 5.0
# A count bound next to the time bound (far above what 2 cores can serve).
MAX_REQUESTS_PER_PHASE = 20_000
DUPLICATE_EVERY = 10
# A learner answers this many cards, then the virtual learner moves on to the
# next of its learners: 8 at a time, all 200 over the run, none of them
# reaching the default 200 reviews a day.
ANSWERS_PER_SITTING = 40

# A card's grade form: its state and the version it answers.
GRADE_FORM = re.compile(r'action="/study/grade/(\d+)/"[^>]*>\s*<input type="hidden" name="version" value="(\d+)">')
HELD = '<template id="study-next"'
CONFIRM = re.compile(r'<div id="study-confirm" data-key="(\d+):(\d+)"')
LEFT = re.compile(r'id="study-progress"[^>]*data-left="(\d+)"')
DONE_FOR_TODAY = 'data-mode="done"'
FLOOR_MARKER = "You have answered"
FLOOR_PATH = "/floor/"


@dataclass(frozen=True)
class Card:
    """A card to grade: its state, the version shown."""

    state_id: int
    version: int

    @property
    def key(self) -> str:
        return f"{self.state_id}:{self.version}"


@dataclass(frozen=True)
class Reply:
    """What a study fragment says: the card now (None: done for today, or a
    confirmation of ``confirmed``), the card held ready, what is left today."""

    card: Card | None
    held: Card | None
    left: int | None
    confirmed: Card | None = None
    done: bool = False


def read_reply(body: str) -> Reply | None:
    """The study fragment's cards, or None when it is not one."""
    now, _, held_part = body.partition(HELD)
    confirmed = CONFIRM.search(now)
    card = GRADE_FORM.search(now)
    held = GRADE_FORM.search(held_part)
    left = LEFT.search(body)
    if not (confirmed or card or DONE_FOR_TODAY in now):
        return None
    return Reply(
        card=Card(int(card.group(1)), int(card.group(2))) if card else None,
        held=Card(int(held.group(1)), int(held.group(2))) if held else None,
        left=int(left.group(1)) if left else None,
        confirmed=Card(int(confirmed.group(1)), int(confirmed.group(2))) if confirmed else None,
        done=DONE_FOR_TODAY in now,
    )


class GradingLearner:
    """Grades the card on screen, goes on with the card held ready (or the
    one the server names instead), repeats; moves to its next learner after a
    sitting of ``ANSWERS_PER_SITTING``."""

    def __init__(
        self,
        learners: list[Learner],
        origin: str,
        rng: random.Random,
        *,
        duplicate_every: int = DUPLICATE_EVERY,
        double_clicks: bool = True,
        answers_per_sitting: int = ANSWERS_PER_SITTING,
    ) -> None:
        self.learners, self.origin, self.rng = learners, origin, rng
        self.duplicate_every, self.double_clicks = duplicate_every, double_clicks
        self.answers_per_sitting = answers_per_sitting
        self.book = AnswerBook()
        self._learner_index = -1
        self._card: Card | None = None
        self._held: Card | None = None
        self._left: int | None = None
        self._answered_in_sitting = 0
        self._answers = 0
        self.corrections = 0

    @property
    def learner(self) -> Learner:
        return self.learners[self._learner_index % len(self.learners)]

    def step(self, http: Http) -> None:
        if self._card is None or self._answered_in_sitting >= self.answers_per_sitting:
            self._start_sitting(http)
        else:
            self._grade(http)

    def _start_sitting(self, http: Http) -> None:
        """The next learner opens the study page: their current card, as a fragment."""
        self._learner_index += 1
        self._answered_in_sitting = 0
        self.book.sittings += 1
        reply = http.request(
            "sitting_start", "GET", "/study/card/", headers=self.learner.headers(self.origin, htmx=True)
        )
        self._follow(reply, expected=None)

    def _grade(self, http: Http) -> None:
        card, held = self._card, self._held
        duration = self.rng.randint(1_500, 15_000)
        form = {"rating": draw_rating(self.rng), "version": card.version, "duration_ms": duration}
        if self._left is not None:
            form["left"] = self._left
        if held is not None:
            form["expect"] = held.key
        body = urllib.parse.urlencode(form)
        path = f"/study/grade/{card.state_id}/"
        headers = self.learner.headers(self.origin, htmx=True, form=True)
        self._answers += 1
        self._answered_in_sitting += 1
        if self._answers % self.duplicate_every:
            replies: Sequence[Response] = [http.request("grade", "POST", path, headers=headers, body=body)]
        elif self.double_clicks and self._answers // self.duplicate_every % 2:
            self.book.double_clicks += 1
            replies = http.request_twice_at_once("grade", "POST", path, headers=headers, body=body)
        else:
            self.book.retries += 1
            first = http.request("grade", "POST", path, headers=headers, body=body)
            replies = [first, http.request("grade", "POST", path, headers=headers, body=body)]
        self.book.record((card.state_id, card.version), replies)
        ok = [reply for reply in replies if reply.ok]
        if ok:
            self._follow(ok[0], expected=held)
        else:
            self._card = None

    def _follow(self, response: Response, *, expected: Card | None) -> None:
        """The next card: the one held ready when the server confirms it,
        else the one it sends instead."""
        reply = read_reply(response.body) if response.ok else None
        if reply is None:
            if response.ok:
                self.book.unreadable += 1
            self._card = None
            return
        if reply.confirmed is not None and reply.confirmed == expected:
            self._card = expected
        else:
            if expected is not None:
                self.corrections += 1
            self._card = reply.card
            if reply.done:
                self.book.done_for_today += 1
        self._held, self._left = reply.held, reply.left


class FloorReader:
    """Opens the floor page as one learner after another."""

    def __init__(self, learners: list[Learner]) -> None:
        self.learners = learners
        self._turn = 0
        self.wrong_pages = 0

    def step(self, http: Http) -> None:
        learner = self.learners[self._turn % len(self.learners)]
        self._turn += 1
        reply = http.request("floor", "GET", FLOOR_PATH, headers=learner.floor_headers())
        if reply.ok and FLOOR_MARKER not in reply.body:
            self.wrong_pages += 1


FLOOR, LOOP = "floor", "loop"
# The request label each phase is measured on (sitting starts are not the loop).
MEASURED_LABEL = {FLOOR: "floor", LOOP: "grade"}


@dataclass
class CpuSpent:
    """CPU seconds spent during measured phases, and the requests served meanwhile."""

    workers: float = 0.0
    postgres: float = 0.0
    load_generator: float = 0.0
    requests: int = 0
    # A phase in which a worker was recycled (max_requests) cannot be counted:
    # the new worker's start-up would be charged to the requests.
    phases_skipped: int = 0

    def per_request_ms(self) -> dict[str, float | None]:
        if not self.requests:
            return {"workers": None, "postgres": None, "load_generator": None}
        return {
            "workers": round(self.workers / self.requests * 1000, 2),
            "postgres": round(self.postgres / self.requests * 1000, 2),
            "load_generator": round(self.load_generator / self.requests * 1000, 2),
        }


@dataclass
class LoadOutcome:
    """Measurements pooled per phase kind, plus everything sent (warm-up
    included) for the checks."""

    measured: dict[str, dict[str, Samples]] = field(default_factory=dict)
    cpu: dict[str, CpuSpent] = field(default_factory=dict)
    all_statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    graders: list[GradingLearner] = field(default_factory=list)
    readers: list[FloorReader] = field(default_factory=list)

    def summary(self, phase: str) -> Summary | None:
        samples = self.measured.get(phase, {}).get(MEASURED_LABEL.get(phase.removesuffix("_solo"), "grade"))
        return summarize(samples) if samples else None

    def failed_requests(self) -> int:
        return sum(n for status, n in self.all_statuses.items() if not 200 <= status < 300)

    def book(self) -> AnswerBook:
        merged = AnswerBook()
        for grader in self.graders:
            merged.answers.update(grader.book.answers)
            merged.retries += grader.book.retries
            merged.double_clicks += grader.book.double_clicks
            merged.sittings += grader.book.sittings
            merged.done_for_today += grader.book.done_for_today
            merged.unreadable += grader.book.unreadable
        return merged


@dataclass(frozen=True)
class Schedule:
    """Phase lengths in seconds; None: a phase ends on its request budget
    alone (``max_requests``), as the tests need, whatever the machine's speed."""

    rounds: int = ROUNDS
    seconds: float | None = PHASE_SECONDS
    warmup_seconds: float | None = WARMUP_SECONDS
    # One virtual learner alone: the time a request takes without queueing.
    solo_seconds: float | None = SOLO_SECONDS
    max_requests: int = MAX_REQUESTS_PER_PHASE
    virtual_learners: int = VIRTUAL_LEARNERS
    duplicate_every: int = DUPLICATE_EVERY
    double_clicks: bool = True
    answers_per_sitting: int = ANSWERS_PER_SITTING
    quiet_wait_s: float = QUIET_WAIT_S


class CpuMeter(Protocol):
    def snapshot(self) -> CpuSnapshot: ...


def drive_load(
    learners: list[Learner],
    *,
    host: str,
    port: int,
    floor_port: int,
    schedule: Schedule,
    seed: int = SEED,
    cpu: dict[str, CpuMeter] | None = None,
) -> LoadOutcome:
    """Warm-up, alternating floor / review-loop rounds with 8 virtual
    learners, then each alone; the same sessions throughout. The app listens
    on ``port``, the floor project on ``floor_port``; ``cpu`` reads the CPU
    time of the server of each (FLOOR, LOOP)."""
    origin = f"http://{host}:{port}"
    count = min(schedule.virtual_learners, len(learners))
    shares = [learners[i::count] for i in range(count)]
    outcome = LoadOutcome(
        graders=[grader(share, origin, seed + i, schedule) for i, share in enumerate(shares)],
        readers=[FloorReader(share) for share in shares],
    )
    crowd = {FLOOR: outcome.readers, LOOP: outcome.graders}
    driver = Driver(outcome, host, {FLOOR: floor_port, LOOP: port}, schedule.max_requests, cpu or {})
    if schedule.warmup_seconds is None or schedule.warmup_seconds > 0:
        for phase, users in crowd.items():
            driver.run(phase, users, schedule.warmup_seconds, measured=False)
    for _ in range(schedule.rounds):
        for phase, users in crowd.items():
            driver.run(phase, users, schedule.seconds, measured=True)
    if schedule.solo_seconds is None or schedule.solo_seconds > 0:
        # A fresh grader: it opens its learner's current card, whatever the crowd left.
        solo_grader = grader(learners, origin, seed + count, schedule)
        outcome.graders.append(solo_grader)
        driver.run(f"{FLOOR}_solo", [FloorReader(learners)], schedule.solo_seconds, measured=True)
        driver.run(f"{LOOP}_solo", [solo_grader], schedule.solo_seconds, measured=True)
    return outcome


def grader(learners: list[Learner], origin: str, seed: int, schedule: Schedule) -> GradingLearner:
    return GradingLearner(
        learners,
        origin,
        random.Random(seed),
        duplicate_every=schedule.duplicate_every,
        double_clicks=schedule.double_clicks,
        answers_per_sitting=schedule.answers_per_sitting,
    )


@dataclass
class Driver:
    outcome: LoadOutcome
    host: str
    ports: dict[str, int | list[int]]  # FLOOR and LOOP: each phase kind has its server(s)
    max_requests: int
    cpu: dict[str, CpuMeter]  # FLOOR and LOOP, like ports

    def run(self, phase: str, users: Sequence[VirtualUser], seconds: float | None, *, measured: bool) -> None:
        kind = phase.removesuffix("_solo")
        meter = self.cpu.get(kind) if measured else None
        before = meter.snapshot() if meter else None
        result = run_phase(
            users, host=self.host, port=self.ports[kind], seconds=seconds, max_requests=self.max_requests
        )
        after = meter.snapshot() if meter else None
        self.outcome.errors.extend(result.errors)
        for samples in result.samples.values():
            self.outcome.all_statuses.update(samples.statuses)
        if not measured:
            return
        pooled = self.outcome.measured.setdefault(phase, {})
        for label, samples in result.samples.items():
            pooled.setdefault(label, Samples()).extend(samples)
        if before and after:
            requests = sum(len(samples.latencies) for samples in result.samples.values())
            charge(self.outcome.cpu.setdefault(phase, CpuSpent()), before, after, requests)


def charge(spent: CpuSpent, before: CpuSnapshot, after: CpuSnapshot, requests: int) -> None:
    """Add the CPU the servers spent between two snapshots, for ``requests``."""
    import os

    if set(before.workers) != set(after.workers):
        spent.phases_skipped += 1
        return
    tick = os.sysconf("SC_CLK_TCK")
    spent.workers += sum(after.workers[pid] - before.workers[pid] for pid in after.workers) / tick
    # A backend opened during the phase (a worker's first query) counts from zero.
    spent.postgres += sum(ticks - before.postgres.get(pid, 0) for pid, ticks in after.postgres.items()) / tick
    spent.load_generator += after.own_seconds - before.own_seconds
    spent.requests += requests
