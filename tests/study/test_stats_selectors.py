"""The statistics selectors, figure by figure, on data built with the ORM.

The learner lives in Tokyo (UTC+9), so study days (4 a.m. local) begin at
19:00 UTC the day before; NOW is 21:00 on 10 March 2026 in Tokyo."""

from datetime import UTC, date, datetime, timedelta

import pytest
from fsrs import Card as FsrsCard
from fsrs import Scheduler, State

from studyapp.notes.models import Card
from studyapp.notes.services import NoteReport, note_import
from studyapp.study import stats
from studyapp.study.models import CardState, ReviewLog, StudyDay
from tests import samples

pytestmark = pytest.mark.django_db

UTC = UTC
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # 21:00 in Tokyo
TODAY = date(2026, 3, 10)
END_OF_TODAY = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)  # 04:00 on the 11th in Tokyo
OTHER_DOMAIN = "Continuous Improvement"
DAY = timedelta(days=1)


# ---------------------------------------------------------------- builders (used by test_stats_view too)


def import_notes() -> tuple[list[Card], list[Card]]:
    """Two notes of 11 cards each, in two exam domains."""
    for text in (
        samples.CANONICAL,
        samples.with_id(samples.CANONICAL, "TST-2").replace(
            'domain: "Design for New Solutions"', f'domain: "{OTHER_DOMAIN}"'
        ),
    ):
        report = note_import(raw=text.encode(), report=NoteReport(path="x.md"))
        assert report.status != "failed", report.errors
    first = list(Card.objects.filter(note__note_id="TST-1").order_by("position"))
    second = list(Card.objects.filter(note__note_id="TST-2").order_by("position"))
    return first, second


def set_zone(user, zone="Asia/Tokyo", **fields):
    profile = user.profile
    profile.time_zone = zone
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()
    return profile


def new_state(user, card, **fields) -> CardState:
    return CardState.objects.create(user=user, card=card, **fields)


def review_state(user, card, *, due, stability=10.0, last_review=None, **fields) -> CardState:
    return CardState.objects.create(
        user=user,
        card=card,
        state=CardState.State.REVIEW,
        due=due,
        stability=stability,
        difficulty=5.0,
        last_review=last_review or NOW - timedelta(days=1),
        reps=3,
        **fields,
    )


def log(user, card, *, day, rating=3, previous_state=CardState.State.REVIEW, elapsed=5.0, at=None) -> ReviewLog:
    return ReviewLog.objects.create(
        user=user,
        card=card,
        rating=rating,
        reviewed_at=at or datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10),
        study_day=day,
        previous_state=previous_state,
        elapsed_days=None if previous_state == CardState.State.NEW else elapsed,
        interval_days=3,
    )


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


# ---------------------------------------------------------------- due today, new, learned, leeches


def test_counts_due_new_learned_and_leeches(alice):
    first, second = import_notes()
    profile = set_zone(alice)
    review_state(alice, first[0], due=NOW - timedelta(days=3))  # overdue: due today
    review_state(alice, first[1], due=END_OF_TODAY - timedelta(minutes=1))  # 03:59 tomorrow local: today
    review_state(alice, first[2], due=END_OF_TODAY)  # 04:00 tomorrow local: tomorrow
    review_state(alice, first[3], due=NOW, suspended=True)  # suspended: not due
    review_state(alice, first[4], due=NOW, in_scope=False)  # out of scope: not due, still learned
    review_state(alice, first[5], due=NOW, buried_until=END_OF_TODAY)  # buried until tomorrow
    review_state(alice, first[6], due=NOW, is_leech=True)  # a leech, due
    CardState.objects.create(user=alice, card=first[7], state=CardState.State.LEARNING, due=NOW + timedelta(minutes=10))
    new_state(alice, first[8])
    new_state(alice, first[9])
    new_state(alice, first[10], suspended=True)  # suspended new: not counted as new
    new_state(alice, second[0], in_scope=False)  # out of scope new: not counted

    counts = stats.card_counts(stats.card_rows(user=alice), profile=profile, now=NOW)

    assert counts.due_today == 4  # first[0], first[1], first[6], first[7]
    assert counts.new == 2
    assert counts.learned == 8  # every state but NEW, in scope or not
    assert counts.leeches == 1
    assert counts.in_scope == 10


def test_leech_list_names_the_front_and_the_note(alice, bob):
    first, second = import_notes()
    review_state(alice, second[3], due=NOW, is_leech=True, suspended=True)
    review_state(alice, first[0], due=NOW, is_leech=True)
    review_state(alice, first[1], due=NOW, is_leech=True, in_scope=False)  # retired: not listed
    review_state(bob, first[2], due=NOW, is_leech=True)

    leeches = stats.leech_cards(user=alice)

    assert leeches == [
        stats.LeechCard(first[0].front, "TST-1"),
        stats.LeechCard(second[3].front, "TST-2"),
    ]


# ---------------------------------------------------------------- forecast


def test_forecast_buckets_follow_the_local_4am_boundary(alice):
    first, second = import_notes()
    profile = set_zone(alice)
    review_state(alice, first[0], due=NOW - timedelta(days=10))  # overdue: today
    review_state(alice, first[1], due=END_OF_TODAY - timedelta(seconds=1))  # today
    review_state(alice, first[2], due=END_OF_TODAY)  # tomorrow
    review_state(alice, first[3], due=END_OF_TODAY + timedelta(hours=23))  # still tomorrow (03:00 local day+2)
    review_state(alice, first[4], due=END_OF_TODAY + timedelta(days=1))  # day 2
    review_state(alice, first[5], due=NOW, buried_until=END_OF_TODAY)  # buried: tomorrow
    review_state(alice, first[6], due=END_OF_TODAY + timedelta(days=28, hours=23))  # day 29, the last shown
    review_state(alice, first[7], due=END_OF_TODAY + timedelta(days=29))  # day 30: beyond the forecast
    review_state(alice, first[8], due=END_OF_TODAY + timedelta(days=2), suspended=True)  # suspended: never
    review_state(alice, first[9], due=END_OF_TODAY + timedelta(days=2), in_scope=False)  # out of scope: never
    new_state(alice, first[10])  # new cards are not reviews

    forecast = stats.due_forecast(stats.card_rows(user=alice), profile=profile, now=NOW)

    assert len(forecast) == 30
    assert [d.day for d in forecast[:2]] == [TODAY, TODAY + timedelta(days=1)]
    assert forecast[-1].day == TODAY + timedelta(days=29)
    counts = {i: d.count for i, d in enumerate(forecast) if d.count}
    assert counts == {0: 2, 1: 3, 2: 1, 29: 1}


def test_the_same_moments_fall_on_other_days_in_utc(alice):
    first, _ = import_notes()
    profile = set_zone(alice, "UTC")
    review_state(alice, first[0], due=END_OF_TODAY)  # 19:00 UTC on the 10th: still today in UTC

    forecast = stats.due_forecast(stats.card_rows(user=alice), profile=profile, now=NOW)

    assert forecast[0].count == 1


# ---------------------------------------------------------------- streak and heatmap


def test_streak_counts_back_from_yesterday_until_the_gap(alice):
    first, _ = import_notes()
    set_zone(alice)
    for days_ago in (1, 1, 2, 3, 5, 6):  # gap on day 4
        log(alice, first[0], day=ago(days_ago))

    per_day = stats.answers_per_day(user=alice)

    assert stats.study_streak(per_day, today=TODAY) == 3
    assert per_day[ago(1)] == 2


def test_streak_includes_today_once_answered(alice):
    first, _ = import_notes()
    for days_ago in (0, 1, 2, 4):
        log(alice, first[0], day=ago(days_ago))

    assert stats.study_streak(stats.answers_per_day(user=alice), today=TODAY) == 3


def test_no_answer_today_or_yesterday_means_no_streak(alice):
    first, _ = import_notes()
    log(alice, first[0], day=ago(2))

    assert stats.study_streak(stats.answers_per_day(user=alice), today=TODAY) == 0


def test_heatmap_covers_365_days_ending_today(alice, bob):
    first, _ = import_notes()
    log(alice, first[0], day=TODAY)
    log(alice, first[1], day=TODAY)
    log(alice, first[0], day=ago(364))  # first day shown
    log(alice, first[0], day=ago(365))  # one day too old
    log(bob, first[0], day=ago(10))  # not alice's

    heat = stats.heatmap(stats.answers_per_day(user=alice), today=TODAY)

    assert len(heat.days) == 365
    assert heat.days[0].day == ago(364) and heat.days[-1].day == TODAY
    assert {d.day: d.count for d in heat.days if d.count} == {ago(364): 1, TODAY: 2}
    assert heat.total == 3 and heat.active_days == 2
    assert heat.busiest == stats.DayCount(TODAY, 2)


def test_a_planned_day_without_answers_is_not_a_study_day(alice):
    # Honest numbers: the heatmap and streak count answers in the review log,
    # not the day's plan.
    StudyDay.objects.create(user=alice, day=TODAY, new_limit=40)

    per_day = stats.answers_per_day(user=alice)

    assert per_day == {}
    assert stats.study_streak(per_day, today=TODAY) == 0


# ---------------------------------------------------------------- true retention


def test_true_retention_counts_the_first_review_of_a_card_each_day(alice):
    first, _ = import_notes()
    profile = set_zone(alice)
    a, b, c, d, e, f, g = first[:7]
    morning = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)
    # Card a, young: passed on day 5, then failed again the same day (ignored).
    log(alice, a, day=ago(5), rating=3, elapsed=4, at=morning)
    log(alice, a, day=ago(5), rating=1, elapsed=0, at=morning + timedelta(hours=1))
    # ... and failed on another day: counts.
    log(alice, a, day=ago(2), rating=1, elapsed=3)
    # Card b: the earlier review of the day (created second) is the one that counts.
    log(alice, b, day=ago(5), rating=1, elapsed=2, at=morning + timedelta(hours=2))
    log(alice, b, day=ago(5), rating=4, elapsed=2, at=morning)
    # Mature: 21 days is mature; Hard (2) is a pass.
    log(alice, c, day=ago(1), rating=2, elapsed=21)
    log(alice, d, day=ago(1), rating=1, elapsed=40)
    log(alice, e, day=ago(29), rating=3, elapsed=60)  # the oldest day of the window
    log(alice, e, day=ago(30), rating=1, elapsed=60)  # outside the window
    # Not reviews of cards in the review state: learning, relearning, first sight.
    log(alice, f, day=ago(1), rating=1, previous_state=CardState.State.LEARNING)
    log(alice, f, day=ago(1), rating=1, previous_state=CardState.State.RELEARNING)
    log(alice, g, day=ago(1), rating=1, previous_state=CardState.State.NEW)

    retention = stats.true_retention(user=alice, profile=profile, now=NOW)

    assert (retention.young.passed, retention.young.total) == (2, 3)  # a day 5 pass, a day 2 fail, b pass
    assert (retention.mature.passed, retention.mature.total) == (2, 3)  # c pass, d fail, e pass
    assert retention.all == stats.RetentionFigure(4, 6)
    assert retention.young.percent == pytest.approx(200 / 3)
    assert (retention.first_day, retention.last_day) == (ago(29), TODAY)


def test_retention_is_undefined_without_reviews(alice, bob):
    first, _ = import_notes()
    log(bob, first[0], day=ago(1), rating=3)

    retention = stats.true_retention(user=alice, profile=set_zone(alice), now=NOW)

    assert retention.young.total == retention.mature.total == 0
    assert retention.all.percent is None


# ---------------------------------------------------------------- mastery and readiness


def fsrs_recall(stability: float, last_review: datetime, at: datetime) -> float:
    card = FsrsCard(card_id=1, state=State.Review, stability=stability, difficulty=5.0, due=at, last_review=last_review)
    return Scheduler().get_card_retrievability(card, at)


def test_mastery_is_mean_predicted_recall_per_domain(alice):
    first, second = import_notes()
    profile = set_zone(alice)
    # FSRS defines stability as the days after which recall falls to 90 %.
    review_state(alice, first[0], due=NOW, stability=10.0, last_review=NOW - timedelta(days=10))
    review_state(alice, first[1], due=NOW, stability=200.0, last_review=NOW - timedelta(days=3))
    new_state(alice, first[2])  # counts as 0
    new_state(alice, first[3], suspended=True)  # suspended: still exam material, 0
    review_state(alice, first[4], due=NOW, in_scope=False)  # out of scope: not counted
    review_state(alice, second[0], due=NOW, stability=10.0, last_review=NOW - timedelta(days=10))

    mastery = stats.domain_mastery(stats.card_rows(user=alice), profile=profile, now=NOW)

    # The four exam domains in exam order, each with its weight; TST-2's
    # "Continuous Improvement" is domain 3 under its exam-guide name.
    assert [(m.domain, m.exam_domain.weight) for m in mastery] == [
        ("Design Solutions for Organizational Complexity", 26),
        ("Design for New Solutions", 29),
        ("Continuous Improvement for Existing Solutions", 25),
        ("Accelerate Workload Migration and Modernization", 20),
    ]
    organizational, design, other, migration = mastery
    assert (organizational.total, migration.total) == (0, 0)
    assert other.recall == pytest.approx(0.9)
    assert (other.studied, other.total) == (1, 1)
    expected = (0.9 + fsrs_recall(200.0, NOW - timedelta(days=3), NOW)) / 4
    assert design.recall == pytest.approx(expected)
    assert (design.studied, design.total) == (2, 4)


def independent_recall(stability: float, elapsed_days: float, scale: float = 1.0) -> float:
    """FSRS-6's published forgetting curve with the default w20, written out
    here, not taken from the app: R = (1 + f t / S) ^ -w20, f = 0.9 ^ (-1 / w20) - 1."""
    w20 = 0.1542
    factor = 0.9 ** (-1 / w20) - 1
    return (1 + factor * elapsed_days / (stability * scale)) ** -w20


def test_readiness_is_recall_at_the_exams_start_in_fractional_days_with_the_learners_calibration(alice):
    first, _ = import_notes()
    exam = TODAY + timedelta(days=20)
    profile = set_zone(alice, exam_date=exam, desired_retention=0.9, stability_scale=0.8)
    exam_at = datetime(2026, 3, 30, 0, 0, tzinfo=UTC)  # 09:00 on 30 March in Tokyo, the default exam time
    assert profile.clock().exam_at == exam_at
    evening = NOW + timedelta(hours=1)  # 22:00 in Tokyo: 19 days and 11 hours before the exam
    review_state(alice, first[0], due=NOW + 40 * DAY, stability=300.0, last_review=evening)
    review_state(alice, first[1], due=NOW + 40 * DAY, stability=30.0, last_review=NOW)
    review_state(alice, first[2], due=NOW, stability=2.0, last_review=NOW)
    new_state(alice, first[3])  # 0
    review_state(alice, first[4], due=NOW, stability=400.0, last_review=NOW, in_scope=False)  # not counted

    readiness = stats.exam_readiness(stats.card_rows(user=alice), profile=profile, now=NOW, reviews=7)

    assert (readiness.days_left, readiness.cards, readiness.exam_at) == (20, 4, exam_at)
    elapsed = [(exam_at - evening).total_seconds() / 86400, 19.5, 19.5]
    assert elapsed[0] == pytest.approx(19 + 11 / 24)
    expected = [independent_recall(s, t, 0.8) for s, t in zip((300.0, 30.0, 2.0), elapsed, strict=True)] + [0.0]
    assert readiness.recall == pytest.approx(sum(expected) / 4)
    # The policy's target (at least 97 %) and the desired retention, separately.
    assert readiness.target >= 0.97 and readiness.desired == 0.9
    assert readiness.at_target == sum(1 for r in expected if r >= readiness.target)
    assert readiness.at_desired == sum(1 for r in expected if r >= 0.9)
    assert readiness.at_desired >= readiness.at_target
    # Two studied cards are not due before the exam: they will not come back.
    assert readiness.not_coming_back == 2
    assert readiness.basis == stats.ModelBasis("default", 0, 0.8, 7)


def test_no_readiness_without_an_exam_date(alice):
    first, _ = import_notes()
    profile = set_zone(alice)
    review_state(alice, first[0], due=NOW)

    assert stats.exam_readiness(stats.card_rows(user=alice), profile=profile, now=NOW) is None


def test_a_past_exam_has_no_prediction(alice):
    first, _ = import_notes()
    profile = set_zone(alice, exam_date=ago(1))
    review_state(alice, first[0], due=NOW)

    readiness = stats.exam_readiness(stats.card_rows(user=alice), profile=profile, now=NOW)

    assert readiness.passed and readiness.recall is None


# ---------------------------------------------------------------- the whole page's figures


def test_a_learner_without_data_gets_zeros_not_errors(alice):
    figures = stats.learner_stats(user=alice, profile=alice.profile, now=NOW)

    assert not figures.has_data
    assert figures.counts == stats.CardCounts(due_today=0, new=0, learned=0, leeches=0, in_scope=0)
    assert figures.streak == 0 and figures.heatmap.total == 0 and figures.forecast_total == 0
    assert figures.mastery == [] and figures.readiness is None and figures.leeches == []


def test_share_at_target_counts_the_same_calibrated_predictions_as_the_mean(alice):
    """Twenty-two cards whose calibrated recall at the exam straddles the
    target, under fitted parameters (another w20) and a calibration factor:
    the mean and both shares match a computation written out here."""
    first, second = import_notes()
    w20 = 0.3
    parameters = [*DEFAULT_W[:20], w20]
    profile = set_zone(
        alice,
        exam_date=TODAY + timedelta(days=10),
        desired_retention=0.9,
        stability_scale=0.7,
        fsrs_parameters=parameters,
        parameters_source="own",
        parameters_reviews=1200,
    )
    exam_at = profile.clock().exam_at
    stabilities = [20.0 + 5.0 * i for i in range(len(first + second))]  # 20 .. 125 days
    for card, stability in zip(first + second, stabilities, strict=True):
        review_state(alice, card, due=exam_at + DAY, stability=stability, last_review=NOW)

    readiness = stats.exam_readiness(stats.card_rows(user=alice), profile=profile, now=NOW)

    elapsed = (exam_at - NOW).total_seconds() / 86400
    factor = 0.9 ** (-1 / w20) - 1
    truth = [(1 + factor * elapsed / (s * 0.7)) ** -w20 for s in stabilities]
    below, above = sum(r < readiness.target for r in truth), sum(r >= readiness.target for r in truth)
    assert below >= 3 and above >= 3  # the fixture straddles the target
    assert readiness.recall == pytest.approx(sum(truth) / len(truth))
    assert readiness.at_target == above
    assert readiness.at_target_percent == pytest.approx(100 * above / len(truth))
    assert readiness.at_desired == sum(r >= 0.9 for r in truth)
    # Without the calibration factor both would be higher: it is applied to each card.
    uncalibrated = [(1 + factor * elapsed / s) ** -w20 for s in stabilities]
    assert sum(r >= readiness.target for r in uncalibrated) > above


DEFAULT_W = (
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666,
    0.796, 1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
)  # fmt: skip
