"""Exam-date scheduling as the app runs it: simulated learners that drive the
app's own services with a fake clock.

Run from the repository root:

    .venv/bin/python bench/exam_app.py [--seeds 5] [--scenarios fits,cards_800] [--json]
    (or: make bench, which runs every benchmark; bench/exam_sim.py --mode app)

Each simulated learner is a user of a real (SQLite) database with the app's
migrations and notes imported by the importer. Every study day they open the
study page and answer what it shows, through the very functions the study
views call: ``study_session_open`` (the queue in line with their scope and,
with an exam date, the day planned by the exam policy), ``today_for`` and
``next_state`` (the next card), ``card_grade`` (fsrs, the policy's due date,
the log). The background task that plans study days runs every night, and the
one that fits FSRS parameters (for a learner due for a fit) as well, as the
worker does in production.

* **Session times vary.** A learner starts at a random time between 08:00 and
  20:00 (Asia/Tokyo) each day and answers every 10 seconds until the page
  says "done for today". Learning steps are answered when the queue shows them.
* **Ground truth independent of the app's model.** Each card has a true memory:
  an fsrs card with the default parameters, reviewed with the same grades,
  whose stability is multiplied by the learner's factor (``truth``: 1.0 fits
  the defaults, 0.6 and 0.4 forget faster, 1.4 slower) and by a per-card
  factor (log-normal, ``spread``). Recall is drawn from that memory at the
  answer's real time (fractional days); the exam-day figure is the true
  recall at the exam's start (09:00), not a draw. A card never introduced
  counts 0. The app never sees any of this: it fits its own parameters from
  the answers.
* **Grades**: Again on a failure; on a success Hard, Good or Easy with the FSRS
  simulator's default shares (22.4 / 63.1 / 14.5 %); a new card's first grade
  with its first-rating shares (24 / 9.4 / 49.5 / 17.1 %); same-day learning
  steps Good.
* **Policies**: ``fsrs90`` (the same app, no exam date: plain FSRS at 90 %)
  and ``exam`` (the exam date set). Fuzz is on, as in the app, seeded per run.
* **Dates that move** (``date_set_on``): the learner enters the exam date in
  Settings (``accounts.services.profile_update``) at the start of that day's
  session; before it they studied with ``earlier_exam_day`` or no date.
* **Sessions that cross 4 a.m.** (``session_hours`` past 24): the session
  starts before the study day ends and goes on after it; the hourly plan task
  runs for the learner at 04:05, mid-session, as the worker would.
* **A pool** (``learners`` > 1): that many learners in one database, day by
  day, and the nightly task is the app's ``memory_models_fit`` over all of
  them (pooled fit, fits set aside, own fits); with one learner, the same
  services for that learner alone (``memory_model_learner_update``).
* **Every change of parameters** a learner is scheduled with (after the
  nightly task) is scored: the log loss of the parameters put in use and of
  FSRS's defaults on the answers given while they were in use.

Figures (keys ``exam_app_*`` in bench/results.json): per scenario and policy,
the mean true exam-day recall over seeds, the worst seed, the share of cards
at 0.9 or more, total reviews, the busiest day, the last week's busiest day
over the mean daily load; and the exam policy's reviews over plain FSRS's.
Across scenarios: ``exam_app_params_no_worse_than_default_share`` (changes to
fitted parameters whose log loss on the answers while in use was no worse than
the defaults') and ``exam_app_max_day_over_budget_any`` (any study day of any
learner with more review answers than the budget).
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import mean, median
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script, only bench/ is on the path

from bench.exam_figures import ExamFigures  # noqa: E402

ZONE = ZoneInfo("Asia/Tokyo")
START_DAY = date(2026, 1, 5)
SESSION_FROM_HOUR, SESSION_TO_HOUR = 8.0, 20.0
ANSWER_EVERY = timedelta(seconds=10)
EXAM_HOUR = 9
CARDS_PER_NOTE = 20
DEFAULT_SEEDS = 5
# Tasks run at night, as the worker would: the fit (for a learner due for one:
# studyapp.study.memory.due_for_fit) and the day plan at the day's start.
PLAN_TASK_AT = timedelta(hours=4, minutes=30)

FIRST_GRADE_SHARES = ((1, 0.24), (2, 0.094), (3, 0.495), (4, 0.171))
SUCCESS_GRADE_SHARES = ((2, 0.224), (3, 0.631), (4, 0.145))


@dataclass(frozen=True)
class Scenario:
    truth: float = 1.0  # the learner's true stability over the default model's
    spread: float = 0.0  # sigma of the per-card log-normal factor
    cards: int = 400
    budget: int = 120  # reviews per day
    new_per_day: int = 30
    exam_day: int = 45  # the exam is on the morning of this day (day 0 is the first)
    skip_share: float = 0.0  # the share of days the learner skips, at random (the same days under both policies)
    # The day the exam date (``exam_day``) is entered in Settings; before it the
    # learner studied with ``earlier_exam_day`` (None: without a date).
    date_set_on: int = 0
    earlier_exam_day: int | None = None
    # When sessions start, in hours after the local midnight of the calendar
    # day (27.6: 03:36 the next morning, still the same study day).
    session_hours: tuple[float, float] = (SESSION_FROM_HOUR, SESSION_TO_HOUR)
    learners: int = 1  # more: one database, the nightly fit pooled over all of them
    policies: tuple[str, ...] = ("fsrs90", "exam")


SCENARIOS: dict[str, Scenario] = {
    "fits": Scenario(),
    "forgets_faster_0.6": Scenario(truth=0.6),
    "forgets_faster_0.4": Scenario(truth=0.4),
    "remembers_longer_1.4": Scenario(truth=1.4),
    "card_spread_0.5": Scenario(spread=0.5),
    "cards_800": Scenario(cards=800),
    "budget_60": Scenario(budget=60),
    "exam_day_30": Scenario(exam_day=30),
    "exam_day_90": Scenario(exam_day=90),
    "skips_one_day_in_five": Scenario(skip_share=0.2),
    "moved_earlier": Scenario(exam_day=38, earlier_exam_day=45, date_set_on=20),
    "known_from_start_38": Scenario(exam_day=38),
    "set_late": Scenario(date_set_on=20),
    "crosses_4am": Scenario(session_hours=(27.5, 27.9)),
    # Twenty learners of a smaller deck (100 cards, 10 new and 40 reviews a
    # day, exam on day 30), so that one process runs them all in minutes.
    "pool_20": Scenario(learners=20, cards=100, new_per_day=10, budget=40, exam_day=30, policies=("exam",)),
}
# Fewer seeds for the pool: each seed is 20 learners in one database, one process.
POOL_SEEDS = 2
TARGETS = {
    "fits": 0.985,
    "forgets_faster_0.6": 0.975,
    "forgets_faster_0.4": 0.965,
    "cards_800": 0.975,
    "budget_60": 0.975,
    "skips_one_day_in_five": 0.985,
    "exam_day_30": 0.985,
    "exam_day_90": 0.99,
    "set_late": 0.98,
}
# The exam moved earlier must end within this of the same date known from the start.
MOVED_EARLIER_GAP = 0.005
PARAMS_NO_WORSE_SHARE = 0.95
MAX_REVIEW_RATIO = 1.25
MAX_LAST_WEEK_PEAK = 1.5


@dataclass
class RunResult(ExamFigures):
    scenario: str
    policy: str
    seed: int
    exam_recalls: list[float]
    daily_reviews: list[int]  # answers to review cards per study day, day 0 first
    answers: int
    parameters_source: str
    seconds: float
    # How the parameters in use at the end and FSRS's defaults predict the
    # answers given after the fit that produced them (which never saw them): log loss, RMSE over bins.
    held_out: dict = field(default_factory=dict)
    # Each change of the parameters in use: study day, source, and the log loss
    # of them and of the defaults on the answers while they were in use.
    param_changes: list = field(default_factory=list)
    max_reviews_any_day: int = 0  # over every study day, the exam's morning included


# -----------------------------------------------------------------------------
# The app, set up in a worker process
# -----------------------------------------------------------------------------


class FakeClock:
    """What ``django.utils.timezone.now`` returns inside the simulation."""

    now = datetime(2026, 1, 5, tzinfo=UTC)


CLOCK = FakeClock()


def _app_setup(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-exam-app-not-a-secret-3c7f1b9e5d2a4c6e8f0a1b3c5d7e9f1a")
    os.environ["DJANGO_SETTINGS_MODULE"] = "studyapp.settings"
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", interactive=False, verbosity=0)
    # The app reads the time through timezone.now() wherever it is not given one.
    timezone.now = lambda: CLOCK.now
    _import_deck()


def _note_text(number: int) -> str:
    """The review-loop benchmark's 20-card note (bench/loop_data.py), tagged by
    which decks it belongs to (the first 5 notes: 100 cards; 20: 400; 40: 800)."""
    from bench.loop_data import note_text

    decks = [size for size, last in ((100, 5), (400, 20), (800, 40)) if number <= last]
    tags = "\n  - ".join(f"deck{size}" for size in decks)
    text = note_text(number)
    return text.replace('tags:\n  - "S3"\n  - "Replication"\n  - "KMS"\n', f"tags:\n  - {tags}\n")


def _import_deck() -> None:
    from studyapp.notes.services import notes_import

    with tempfile.TemporaryDirectory(prefix="exam-app-notes-") as folder:
        for number in range(1, 41):
            (Path(folder) / f"SIM-{number:03d}.md").write_text(_note_text(number), encoding="utf-8")
        run = notes_import(paths=[Path(folder)])
    failed = [r for r in run.notes if r.status == "failed"]
    if failed:
        raise RuntimeError(f"{len(failed)} simulated notes did not import: {failed[0].errors[:2]}")


# -----------------------------------------------------------------------------
# The ground truth
# -----------------------------------------------------------------------------


@dataclass
class _Memory:
    card: object  # fsrs Card with the default parameters
    factor: float
    last_answer: datetime | None = None
    last_day: date | None = None


class Truth:
    """The learner's real memory, which the app never sees."""

    def __init__(self, scenario: Scenario, seed: int) -> None:
        from fsrs import Card, Scheduler

        self.scheduler = Scheduler(enable_fuzzing=False)
        self.scenario = scenario
        self.seed = seed
        self.memories: dict[int, _Memory] = {}
        self._card_type = Card
        self.streams: dict[int, random.Random] = {}

    def _stream(self, card_id: int) -> random.Random:
        if card_id not in self.streams:
            self.streams[card_id] = random.Random(self.seed * 1_000_003 + card_id)
        return self.streams[card_id]

    def _memory(self, card_id: int) -> _Memory:
        memory = self.memories.get(card_id)
        if memory is None:
            stream = self._stream(card_id)
            spread = math.exp(self.scenario.spread * stream.gauss(0, 1)) if self.scenario.spread else 1.0
            memory = self.memories[card_id] = _Memory(self._card_type(card_id=card_id), self.scenario.truth * spread)
        return memory

    def recall(self, card_id: int, at: datetime) -> float:
        from studyapp.scheduling.clock import fractional_recall

        memory = self.memories.get(card_id)
        if memory is None or memory.card.stability is None or memory.last_answer is None:
            return 0.0
        elapsed = (at - memory.last_answer).total_seconds() / 86400
        return fractional_recall(
            parameters=self.scheduler.parameters,
            stability=memory.card.stability * memory.factor,
            elapsed_days=elapsed,
        )

    def answer(self, card_id: int, at: datetime, study_day: date) -> int:
        memory = self._memory(card_id)
        stream = self._stream(card_id)
        if memory.last_answer is None:
            grade = _draw(stream, FIRST_GRADE_SHARES)
        elif memory.last_day == study_day:
            grade = 3  # a same-day step: the answer was just shown
        elif stream.random() < self.recall(card_id, at):
            grade = _draw(stream, SUCCESS_GRADE_SHARES)
        else:
            grade = 1
        self._learn(memory, grade, at, study_day)
        return grade

    def _learn(self, memory: _Memory, grade: int, at: datetime, study_day: date) -> None:
        from fsrs import Rating

        from studyapp.scheduling.clock import fsrs_day

        memory.card, _ = self.scheduler.review_card(memory.card, Rating(grade), review_datetime=fsrs_day(study_day))
        memory.last_answer, memory.last_day = at, study_day


def _draw(stream: random.Random, shares) -> int:
    pick = stream.random() * sum(share for _, share in shares)
    for grade, share in shares:
        pick -= share
        if pick < 0:
            return grade
    return shares[-1][0]


# -----------------------------------------------------------------------------
# One learner
# -----------------------------------------------------------------------------


@dataclass
class _Learner:
    """One simulated learner in the database, with their truth and record."""

    user: object
    profile: object
    truth: Truth
    sessions: random.Random
    answers: int = 0
    parameters: tuple | None = None
    changes: list = field(default_factory=list)  # (study day ordinal, parameters or None, source)


def _exam_date(scenario: Scenario, policy: str, day_index: int) -> date | None:
    """The date in Settings on ``day_index`` (plain FSRS: never one)."""
    if policy != "exam":
        return None
    if day_index >= scenario.date_set_on:
        return START_DAY + timedelta(days=scenario.exam_day)
    return START_DAY + timedelta(days=scenario.earlier_exam_day) if scenario.earlier_exam_day is not None else None


def _new_learner(name: str, scenario: Scenario, policy: str, seed: int, number: int = 0) -> _Learner:
    from django.contrib.auth.models import User

    suffix = f"-{number}" if scenario.learners > 1 else ""
    user = User.objects.create_user(f"{name}-{policy}-{seed}{suffix}")
    profile = user.profile
    profile.time_zone = "Asia/Tokyo"
    profile.new_per_day = scenario.new_per_day
    profile.reviews_per_day = scenario.budget
    profile.desired_retention = 0.9
    profile.scope_kind, profile.scope_value = "tag", f"deck{scenario.cards}"
    profile.exam_date = _exam_date(scenario, policy, 0)
    profile.save()
    # The same session times for both policies; each learner of a pool their own.
    sessions = random.Random(f"{name}/{seed}/sessions{suffix}")
    # One learner's truth is seeded as it always was; a pool's per learner.
    truth = Truth(scenario, seed if scenario.learners == 1 else seed * 1_000 + number)
    return _Learner(user, profile, truth, sessions)


def _note_parameters(learner: _Learner) -> None:
    """After the night's tasks: record a change of the parameters in use."""
    profile = learner.profile = type(learner.profile).objects.get(pk=learner.profile.pk)
    parameters = tuple(profile.fsrs_parameters) if profile.fsrs_parameters else None
    if parameters != learner.parameters:
        learner.parameters = parameters
        learner.changes.append(
            (profile.clock().study_day(CLOCK.now).toordinal(), parameters, profile.parameters_source)
        )


def _session(learner: _Learner, scenario: Scenario, policy: str, day_index: int) -> None:
    """One day's sitting: open the study page and answer until it says done."""
    from studyapp.accounts.services import profile_update
    from studyapp.study import services
    from studyapp.study.planning import study_day_plan
    from studyapp.study.queue import next_state

    day = START_DAY + timedelta(days=day_index)
    start_hour = learner.sessions.uniform(*scenario.session_hours)
    if learner.sessions.random() < scenario.skip_share:
        return
    now = datetime.combine(day, datetime.min.time(), tzinfo=ZONE) + timedelta(hours=start_hour)
    CLOCK.now = now
    user, profile = learner.user, type(learner.profile).objects.get(pk=learner.profile.pk)
    if day_index == scenario.date_set_on and day_index and policy == "exam":
        # The learner enters the (new) exam date in Settings before studying.
        profile_update(profile=profile, data={"exam_date": _exam_date(scenario, policy, day_index)})
        profile = type(profile).objects.get(pk=profile.pk)
    # The hourly plan task meets a session that runs past the study day's end.
    next_day_start = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=ZONE) + timedelta(hours=4)
    hourly_plan_at = next_day_start + timedelta(minutes=5) if now < next_day_start else None
    services.study_session_open(user=user, profile=profile, now=now)
    today = services.today_for(user=user, profile=profile, now=now)
    state, _left = next_state(user, today, count=False)
    while state is not None:
        grade = learner.truth.answer(state.card_id, now, profile.clock().study_day(now))
        outcome = services.card_grade(
            user=user, profile=profile, state_id=state.pk, version=state.version, rating=grade, now=now
        )
        learner.answers += 1
        now += ANSWER_EVERY
        CLOCK.now = now
        counts = outcome.counts
        if hourly_plan_at is not None and now >= hourly_plan_at:
            hourly_plan_at = None
            study_day_plan(user=user, profile=type(profile).objects.get(pk=profile.pk), now=now)
            counts = None  # a new study day: the page reads its counters again
        today = services.today_for(user=user, profile=profile, now=now, counts=counts)
        state, _left = next_state(user, today, count=False)


def _night(learners: list[_Learner], day_index: int) -> None:
    """The night's background tasks: the memory-model fit (pooled over every
    learner of a pool; one learner's own services alone), then the day plan."""
    from studyapp.study.memory import memory_model_learner_update, memory_models_fit
    from studyapp.study.planning import study_day_plan

    day_start = datetime.combine(START_DAY + timedelta(days=day_index), datetime.min.time(), tzinfo=ZONE)
    # A session past 4 a.m. may still have run at this hour: time never goes back.
    CLOCK.now = max(CLOCK.now, day_start + PLAN_TASK_AT)
    if len(learners) > 1:
        memory_models_fit(now=CLOCK.now)
    for learner in learners:
        if len(learners) == 1:
            profile = type(learner.profile).objects.get(pk=learner.profile.pk)
            memory_model_learner_update(user=learner.user, profile=profile, now=CLOCK.now)
        _note_parameters(learner)
        study_day_plan(user=learner.user, profile=learner.profile, now=CLOCK.now)


def simulate(name: str, scenario: Scenario, policy: str, seed: int) -> list[RunResult]:
    """The learners of ``scenario`` under ``policy`` (one, or a pool), through the app."""
    from django.contrib.auth.models import User

    from studyapp.study.models import MemoryModel, ReviewLog

    started = time.perf_counter()
    random.seed(f"{name}/{policy}/{seed}/fuzz")
    CLOCK.now = datetime.combine(START_DAY, datetime.min.time(), tzinfo=ZONE) + timedelta(hours=6)
    if scenario.learners > 1:
        # A pool is every learner in the database: start from none.
        ReviewLog.objects.all().delete()
        MemoryModel.objects.all().delete()
        User.objects.all().delete()
    learners = [_new_learner(name, scenario, policy, seed, number) for number in range(scenario.learners)]
    for day_index in range(scenario.exam_day):
        _night(learners, day_index)
        for learner in learners:
            _session(learner, scenario, policy, day_index)
    seconds = round((time.perf_counter() - started) / len(learners), 1)
    return [_result(learner, name, scenario, policy, seed, seconds) for learner in learners]


def _result(learner: _Learner, name: str, scenario: Scenario, policy: str, seed: int, seconds: float) -> RunResult:
    from studyapp.study.models import CardState, ReviewLog

    user = learner.user
    exam_date = START_DAY + timedelta(days=scenario.exam_day)
    exam_at = datetime.combine(exam_date, datetime.min.time(), tzinfo=ZONE) + timedelta(hours=EXAM_HOUR)
    card_ids = CardState.objects.filter(user=user, in_scope=True).values_list("card_id", flat=True)
    recalls = [learner.truth.recall(card_id, exam_at) for card_id in card_ids]
    per_day = Counter(
        ReviewLog.objects.filter(user=user, previous_state=CardState.State.REVIEW).values_list("study_day", flat=True)
    )
    daily = [per_day.get(START_DAY + timedelta(days=i), 0) for i in range(scenario.exam_day)]
    profile = type(learner.profile).objects.get(pk=learner.profile.pk)
    return RunResult(
        name,
        policy,
        seed,
        recalls,
        daily,
        learner.answers,
        profile.parameters_source,
        seconds,
        _held_out(user, profile),
        _param_changes(user, learner.changes),
        max(per_day.values(), default=0),
    )


def _param_changes(user, changes: list) -> list[dict]:
    """Each change of the parameters in use, scored on the answers given
    while they were in use (every card's history before them too): their log
    loss and the defaults'."""
    from studyapp.scheduling import fitting
    from studyapp.study.models import ReviewLog

    if not changes:
        return []
    logs = ReviewLog.objects.filter(user=user).order_by("id").values_list("state_id", "rating", "study_day")
    answers = [fitting.Answer(s, r, d.toordinal()) for s, r, d in logs]
    scored = []
    for index, (day, parameters, source) in enumerate(changes):
        until = changes[index + 1][0] if index + 1 < len(changes) else None
        in_use = fitting.evaluate_after(
            parameters or fitting.DEFAULT_PARAMETERS, answers, since_day=day, until_day=until
        )
        default = fitting.evaluate_after(fitting.DEFAULT_PARAMETERS, answers, since_day=day, until_day=until)
        scored.append(
            {
                "day": day - START_DAY.toordinal(),
                "source": source,
                "fitted": parameters is not None,
                "items": in_use.items if in_use else 0,
                "log_loss": in_use.log_loss if in_use else None,
                "log_loss_default": default.log_loss if default else None,
            }
        )
    return scored


def _held_out(user, profile) -> dict:
    """The parameters in use against FSRS's defaults, on the answers given
    after the fit that produced them (which never saw them; every card's
    history up to them, scored only on them). Without an accepted fit, the
    answers after the last fit."""
    from studyapp.scheduling import fitting
    from studyapp.study.models import MemoryModel, ReviewLog

    fits = MemoryModel.objects.filter(user=user).order_by("-fitted_at").values_list("fitted_at", flat=True)
    last_fit = fits.filter(accepted=True).first() or fits.first()
    if last_fit is None:
        return {}
    logs = (
        ReviewLog.objects.filter(user=user).order_by("id").values_list("state_id", "rating", "study_day", "reviewed_at")
    )
    answers = [fitting.Answer(s, r, d.toordinal()) for s, r, d, _ in logs]
    since = profile.clock().study_day(last_fit).toordinal()
    in_use = tuple(profile.fsrs_parameters or fitting.DEFAULT_PARAMETERS)
    scores = {}
    for name, parameters in (("in_use", in_use), ("default", fitting.DEFAULT_PARAMETERS)):
        evaluation = fitting.evaluate_after(parameters, answers, since_day=since)
        if evaluation is not None:
            scores[name] = {
                "log_loss": evaluation.log_loss,
                "rmse_bins": evaluation.rmse_bins,
                "items": evaluation.items,
            }
    return scores


# -----------------------------------------------------------------------------
# Many learners, two processes
# -----------------------------------------------------------------------------

_WORKER_DB: Path | None = None


def _worker_init(folder: str, tuning: dict) -> None:
    global _WORKER_DB
    _WORKER_DB = Path(folder) / f"exam-app-{os.getpid()}.sqlite3"
    _app_setup(_WORKER_DB)
    if tuning:
        tune(**tuning)


def tune(*, target_recall: float | None = None, **knobs) -> None:
    """Try other policy knobs in this process (``--tuning``, for the
    experiments docs/scheduling.md reports): the app's own code, other values."""
    from dataclasses import replace as replaced

    from studyapp.scheduling import exam

    if target_recall is not None:
        exam.DEFAULT_TARGET_RECALL = target_recall
    if knobs:
        tuning = replaced(exam.DEFAULT_TUNING, **knobs)
        exam.DEFAULT_TUNING = tuning
        for function in vars(exam).values():
            defaults = getattr(function, "__kwdefaults__", None)
            if defaults and "tuning" in defaults:
                defaults["tuning"] = tuning


def _job(args: tuple[str, Scenario, str, int]) -> list[RunResult]:
    return simulate(*args)


def simulate_all(scenarios: dict[str, Scenario], seeds: int, processes: int, tuning: dict) -> list[RunResult]:
    jobs = [
        (name, scenario, policy, seed)
        for name, scenario in scenarios.items()
        for policy in scenario.policies
        for seed in range(min(seeds, POOL_SEEDS) if scenario.learners > 1 else seeds)
    ]
    # The longest first, so that two processes finish together.
    jobs.sort(key=lambda job: -(job[1].cards * job[1].exam_day * job[1].learners))
    with tempfile.TemporaryDirectory(prefix="exam-app-") as folder:
        context = multiprocessing.get_context("spawn")
        with context.Pool(processes, initializer=_worker_init, initargs=(folder, tuning)) as pool:
            results = []
            started = time.perf_counter()
            for done, runs in enumerate(pool.imap_unordered(_job, jobs), start=1):
                results.extend(runs)
                # Progress on stderr: a full run takes minutes.
                first = runs[0]
                print(
                    f"  {done}/{len(jobs)} {first.scenario}/{first.policy} seed {first.seed} "
                    f"recall {mean(r.mean_recall for r in runs):.4f} ({time.perf_counter() - started:.0f} s)",
                    file=sys.stderr,
                    flush=True,
                )
            return results


def summarize(results: list[RunResult], scenarios: dict[str, Scenario]) -> dict:
    by_case: dict[tuple[str, str], list[RunResult]] = {}
    for result in results:
        by_case.setdefault((result.scenario, result.policy), []).append(result)
    details = {}
    for (name, policy), runs in sorted(by_case.items()):
        details[f"{name}/{policy}"] = {
            "mean_exam_recall": round(mean(r.mean_recall for r in runs), 4),
            "worst_seed_exam_recall": round(min(r.mean_recall for r in runs), 4),
            "share_at_or_above_0.9": round(mean(r.share_at_90 for r in runs), 4),
            "total_reviews": round(mean(r.total_reviews for r in runs), 1),
            "max_daily_reviews": max(max(r.daily_reviews) for r in runs),
            "worst_last_week_peak_to_mean": round(max(r.last_week_peak_to_mean for r in runs), 3),
            "answers": round(mean(r.answers for r in runs), 1),
            "parameters": dict(Counter(r.parameters_source for r in runs)),
            "held_out": _held_out_summary(runs),
            "max_reviews_any_study_day": max(r.max_reviews_any_day for r in runs),
            "param_changes": sum(len(r.param_changes) for r in runs),
            "daily_reviews_mean": [round(mean(day), 1) for day in zip(*(r.daily_reviews for r in runs), strict=True)],
        }
    figures: dict = {}
    for name, scenario in scenarios.items():
        exam, plain = details.get(f"{name}/exam"), details.get(f"{name}/fsrs90")
        if not exam or not plain:
            continue
        figures[f"exam_app_{name}_recall"] = exam["mean_exam_recall"]
        figures[f"exam_app_{name}_worst_seed"] = exam["worst_seed_exam_recall"]
        figures[f"exam_app_{name}_fsrs90_recall"] = plain["mean_exam_recall"]
        figures[f"exam_app_{name}_review_ratio"] = round(exam["total_reviews"] / max(1, plain["total_reviews"]), 3)
        figures[f"exam_app_{name}_last_week_peak_to_mean"] = exam["worst_last_week_peak_to_mean"]
        figures[f"exam_app_{name}_max_day_over_budget"] = exam["max_daily_reviews"] > scenario.budget
        held = _held_out_summary([r for r in results if r.scenario == name])
        if held:
            figures[f"exam_app_{name}_held_out_log_loss_fitted"] = held["log_loss_in_use"]
            figures[f"exam_app_{name}_held_out_log_loss_default"] = held["log_loss_default"]
            figures[f"exam_app_{name}_held_out_rmse_fitted"] = held["rmse_bins_in_use"]
            figures[f"exam_app_{name}_held_out_rmse_default"] = held["rmse_bins_default"]
            figures[f"exam_app_{name}_fitted_no_worse_share"] = round(held["in_use_no_worse"] / held["learners"], 3)
    for name, scenario in scenarios.items():
        exam = details.get(f"{name}/exam")
        if exam and f"exam_app_{name}_recall" not in figures:  # a scenario without plain FSRS (the pool)
            figures[f"exam_app_{name}_recall"] = exam["mean_exam_recall"]
            figures[f"exam_app_{name}_worst_seed"] = exam["worst_seed_exam_recall"]
            figures[f"exam_app_{name}_max_day_over_budget"] = exam["max_daily_reviews"] > scenario.budget
    figures["exam_app_max_day_over_budget_any"] = any(
        r.max_reviews_any_day > scenarios[r.scenario].budget for r in results
    )
    figures.update(_param_change_figures(results))
    ratios = [v for k, v in figures.items() if k.endswith("_review_ratio")]
    peaks = [v for k, v in figures.items() if k.endswith("_last_week_peak_to_mean")]
    if ratios:
        figures["exam_app_review_ratio_max"] = max(ratios)
        figures["exam_app_last_week_peak_to_mean_max"] = max(peaks)
    figures["exam_app_targets"] = _targets(figures, details, scenarios)
    figures["exam_app_details"] = details
    return figures


def _param_change_figures(results: list[RunResult]) -> dict:
    """Every change to fitted parameters (own or pooled) with answers after
    it: the share whose log loss on the answers while in use was no worse
    than the defaults', and the differences. Returns to the defaults are
    counted apart: no worse by construction."""
    changes = [c for r in results for c in r.param_changes if c["log_loss"] is not None]
    fitted = [c for c in changes if c["fitted"]]
    deltas = sorted(c["log_loss"] - c["log_loss_default"] for c in fitted)
    figures = {
        "exam_app_param_changes": len(fitted),
        "exam_app_param_changes_to_defaults": len(changes) - len(fitted),
        "exam_app_param_changes_by_source": dict(Counter(c["source"] for c in changes)),
    }
    if fitted:
        figures["exam_app_params_no_worse_than_default_share"] = round(
            sum(delta <= 1e-9 for delta in deltas) / len(deltas), 3
        )
        figures["exam_app_params_log_loss_delta_median"] = round(median(deltas), 4)
        figures["exam_app_params_log_loss_delta_worst"] = round(deltas[-1], 4)
    else:
        figures["exam_app_params_no_worse_than_default_share"] = 1.0
    return figures


def _held_out_summary(runs: list[RunResult]) -> dict:
    scored = [r.held_out for r in runs if "in_use" in r.held_out and "default" in r.held_out]
    if not scored:
        return {}
    return {
        "learners": len(scored),
        "log_loss_in_use": round(mean(h["in_use"]["log_loss"] for h in scored), 4),
        "log_loss_default": round(mean(h["default"]["log_loss"] for h in scored), 4),
        "rmse_bins_in_use": round(mean(h["in_use"]["rmse_bins"] for h in scored), 4),
        "rmse_bins_default": round(mean(h["default"]["rmse_bins"] for h in scored), 4),
        "in_use_no_worse": sum(h["in_use"]["log_loss"] <= h["default"]["log_loss"] + 1e-9 for h in scored),
    }


def _targets(figures: dict, details: dict, scenarios: dict[str, Scenario]) -> dict:
    met = {}
    for name, target in TARGETS.items():
        if f"exam_app_{name}_worst_seed" in figures:
            met[f"{name}: worst seed >= {target}"] = figures[f"exam_app_{name}_worst_seed"] >= target
    moved, known = (
        figures.get("exam_app_moved_earlier_worst_seed"),
        figures.get("exam_app_known_from_start_38_worst_seed"),
    )
    if moved is not None and known is not None:
        met[f"moved_earlier: worst seed within {MOVED_EARLIER_GAP} of known_from_start_38"] = (
            moved >= known - MOVED_EARLIER_GAP
        )
    met[f"fitted parameters no worse than the defaults in >= {PARAMS_NO_WORSE_SHARE:.0%} of changes"] = (
        figures["exam_app_params_no_worse_than_default_share"] >= PARAMS_NO_WORSE_SHARE
    )
    met["no study day above budget, any scenario"] = not figures["exam_app_max_day_over_budget_any"]
    for name in scenarios:
        if f"exam_app_{name}_review_ratio" in figures:
            met[f"{name}: reviews <= {MAX_REVIEW_RATIO}x fsrs90"] = (
                figures[f"exam_app_{name}_review_ratio"] <= MAX_REVIEW_RATIO
            )
            met[f"{name}: no day above budget"] = not figures[f"exam_app_{name}_max_day_over_budget"]
            if f"exam_app_{name}_fitted_no_worse_share" in figures:
                met[f"{name}: fitted parameters no worse than the defaults on later answers, every learner"] = (
                    figures[f"exam_app_{name}_fitted_no_worse_share"] == 1.0
                )
            met[f"{name}: last-week peak <= {MAX_LAST_WEEK_PEAK}x mean"] = (
                figures[f"exam_app_{name}_last_week_peak_to_mean"] <= MAX_LAST_WEEK_PEAK
            )
    return met


def run(
    seeds: int = DEFAULT_SEEDS,
    scenarios: list[str] | None = None,
    processes: int = 2,
    tuning: dict | None = None,
    show_table: bool = True,
    policies: tuple[str, ...] = (),
) -> dict:
    chosen = {name: SCENARIOS[name] for name in (scenarios or SCENARIOS)}
    if policies:  # only these (a quicker check of one policy; figures comparing the two are left out)
        chosen = {
            name: replace(s, policies=tuple(p for p in s.policies if p in policies)) for name, s in chosen.items()
        }
    started = time.perf_counter()
    results = simulate_all(chosen, seeds, processes, tuning or {})
    figures = summarize(results, chosen)
    figures["exam_app_setup"] = {
        "seeds": seeds,
        "scenarios": {name: asdict(s) for name, s in chosen.items()},
        "session_hours": [SESSION_FROM_HOUR, SESSION_TO_HOUR],
        "answer_every_seconds": ANSWER_EVERY.total_seconds(),
        "exam_hour": EXAM_HOUR,
        "tuning": tuning or {},
        "seconds": round(time.perf_counter() - started, 1),
    }
    if show_table:  # make bench prints the app-mode table, not only the flat figures
        print(table(figures), flush=True)
    return figures


def table(figures: dict) -> str:
    header = (
        f"{'scenario/policy':<34} {'recall':>7} {'worst':>7} {'>=0.9':>6} {'reviews':>8} {'max/day':>7} "
        f"{'wk peak/mean':>12}  params"
    )
    lines = [header, "-" * len(header)]
    for name, d in figures["exam_app_details"].items():
        lines.append(
            f"{name:<34} {d['mean_exam_recall']:>7.4f} {d['worst_seed_exam_recall']:>7.4f} "
            f"{d['share_at_or_above_0.9']:>6.3f} {d['total_reviews']:>8.1f} {d['max_daily_reviews']:>7} "
            f"{d['worst_last_week_peak_to_mean']:>12.3f}  {d['parameters']}"
        )
    lines.append("")
    lines.append(
        f"{'held out: answers after the fit in use':<34} "
        f"{'log loss fitted/default':>24} {'RMSE(bins) fitted/default':>26}"
    )
    for name, d in figures["exam_app_details"].items():
        h = d.get("held_out")
        if h:
            lines.append(
                f"{name:<34} {h['log_loss_in_use']:>11.4f} / {h['log_loss_default']:<10.4f} "
                f"{h['rmse_bins_in_use']:>12.4f} / {h['rmse_bins_default']:<10.4f} "
                f"({h['in_use_no_worse']}/{h['learners']} no worse)"
            )
    lines.append("")
    lines.extend(
        f"{key:<60} {figures[key]}"
        for key in (
            "exam_app_param_changes",
            "exam_app_param_changes_to_defaults",
            "exam_app_param_changes_by_source",
            "exam_app_params_no_worse_than_default_share",
            "exam_app_params_log_loss_delta_median",
            "exam_app_params_log_loss_delta_worst",
            "exam_app_max_day_over_budget_any",
        )
        if key in figures
    )
    lines.append("")
    lines.extend(f"{'target ' + name:<60} {'yes' if ok else 'NO'}" for name, ok in figures["exam_app_targets"].items())
    lines.append(f"{figures['exam_app_setup']['seeds']} seeds, {figures['exam_app_setup']['seconds']} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="The exam policy as the app runs it, simulated learners.")
    parser.add_argument("--seeds", type=int, default=DEFAULT_SEEDS)
    parser.add_argument("--scenarios", default="", help=f"comma-separated, of: {', '.join(SCENARIOS)}")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--policies", default="", help="comma-separated, of: fsrs90, exam (default: each scenario's)")
    parser.add_argument("--tuning", default="", help="policy knobs to try, e.g. target_recall=0.98,load_factor=1.3")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    names = [n for n in args.scenarios.split(",") if n] or None
    policies = tuple(p for p in args.policies.split(",") if p)
    tuning = {k: float(v) for k, v in (pair.split("=") for pair in args.tuning.split(",") if pair)}
    tuning = {k: int(v) if k.endswith("_days") else v for k, v in tuning.items()}
    figures = run(args.seeds, names, args.processes, tuning, show_table=not args.json, policies=policies)
    if args.json:
        print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
