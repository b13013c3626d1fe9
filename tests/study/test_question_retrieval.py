"""A question answered in a mock exam is a retrieval: Again or Good on the
question's card through fsrs, a log row like the study session's, misses
bringing the note's trigger-word cards forward, and the exam policy's plan
changed only where these tests say."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

from studyapp.notes.models import Card
from studyapp.study import services
from studyapp.study.exam_bridge import target_recall
from studyapp.study.fsrs_bridge import scheduler_for, to_fsrs
from studyapp.study.models import CardState, ReviewLog, StudyDay
from studyapp.study.planning import study_day_plan
from studyapp.study.retrieval import question_retrieval_record

pytestmark = pytest.mark.django_db
S = CardState.State
# TST-1 (tests/samples.py): A and C are right; two trigger words.
TRIGGER_KEYS = {"TST-1:trigger:sse-kms", "TST-1:trigger:最小限の運用"}
# Behind other new cards in line, until a miss brings a card to the front.
LATER_RANK = 50


def question_card():
    return Card.objects.get(key__startswith="TST-1:question")


def state_of(user, card):
    return CardState.objects.get(user=user, card=card)


def make_review(state, *, last_review, stability=6.0, difficulty=5.0, due):
    state.state, state.step = S.REVIEW, None
    state.stability, state.difficulty = stability, difficulty
    state.last_review, state.due = last_review, due
    state.reps = 3
    state.save()


def rows(user):
    """Every state of the learner as plain values, by card key."""
    return {
        s.card.key: {f.attname: getattr(s, f.attname) for f in CardState._meta.fields}
        for s in CardState.objects.filter(user=user).select_related("card")
    }


def test_a_wrong_answer_is_a_lapse_on_the_question_card(alice_deck):
    card = question_card()
    at = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    make_review(state_of(alice_deck, card), last_review=at - timedelta(days=5), due=at - timedelta(days=1))
    log = question_retrieval_record(user=alice_deck, card=card, chosen={"B"}, correct=False, at=at)
    state = state_of(alice_deck, card)
    assert (state.state, state.lapses, state.reps) == (S.RELEARNING, 1, 4)
    assert state.due == at + timedelta(minutes=10)  # the relearning step
    assert state.last_review == at
    stored = ReviewLog.objects.get()
    assert stored.pk == log.pk
    assert (stored.rating, stored.previous_state, stored.chosen, stored.score) == (Rating.Again, S.REVIEW, ["B"], 0.0)
    assert stored.reviewed_at == at and stored.elapsed_days == 5


def test_a_right_answer_before_the_due_date_is_fsrs_early_review(alice_deck):
    """Stability and difficulty as fsrs computes them by itself for a review
    three study days after the last one, though the card was due in ten."""
    card = question_card()
    at = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    last = at - timedelta(days=3)
    make_review(state_of(alice_deck, card), last_review=last, due=at + timedelta(days=7))
    question_retrieval_record(user=alice_deck, card=card, chosen={"A", "C"}, correct=True, at=at)
    state = state_of(alice_deck, card)

    # Independent: plain fsrs, the study days (UTC, 4 a.m.) as midnights.
    def good_on(day):
        fsrs_card = FsrsCard(
            card_id=1,
            state=State.Review,
            stability=6.0,
            difficulty=5.0,
            last_review=datetime(2026, 3, 7, tzinfo=UTC),
            due=datetime(2026, 3, 17, tzinfo=UTC),
        )
        return Scheduler(enable_fuzzing=False).review_card(fsrs_card, Rating.Good, review_datetime=day)[0]

    expected = good_on(datetime(2026, 3, 10, tzinfo=UTC))
    assert state.stability == pytest.approx(expected.stability)
    assert state.difficulty == pytest.approx(expected.difficulty)
    # Early: less gained than by the same answer on the due date.
    assert 6.0 < state.stability < good_on(datetime(2026, 3, 17, tzinfo=UTC)).stability
    assert (state.state, state.lapses) == (S.REVIEW, 0)
    log = ReviewLog.objects.get()
    assert (log.rating, log.chosen, log.score) == (Rating.Good, ["A", "C"], 1.0)


def test_a_right_answer_schedules_as_the_study_session_would(alice_deck, bob):
    """The same state answered Good in a mock by alice and in the study
    session by bob: the same schedule (fuzz drawn from the same seed)."""
    services.study_queue_sync(user=bob, profile=bob.profile)
    card = question_card()
    at = timezone.now()
    for user in (alice_deck, bob):
        make_review(state_of(user, card), last_review=at - timedelta(days=6), due=at)
    random.seed(7)
    question_retrieval_record(user=alice_deck, card=card, chosen={"A", "C"}, correct=True, at=at)
    bobs = state_of(bob, card)
    random.seed(7)
    services.card_grade(user=bob, profile=bob.profile, state_id=bobs.pk, version=bobs.version, rating=3, now=at)
    mock, study = state_of(alice_deck, card), state_of(bob, card)
    for name in ("state", "stability", "difficulty", "due", "last_review", "reps", "lapses", "version"):
        assert getattr(mock, name) == getattr(study, name), name


def test_a_miss_brings_the_notes_trigger_word_cards_forward(alice_deck):
    card = question_card()
    at = timezone.now()
    triggers = CardState.objects.filter(user=alice_deck, card__key__in=TRIGGER_KEYS)
    assert triggers.count() == 2
    first = triggers.first()
    make_review(first, last_review=at - timedelta(days=2), due=at + timedelta(days=20))
    CardState.objects.filter(user=alice_deck, state=S.NEW).update(new_rank=LATER_RANK)
    # Chose D only (Transfer Acceleration): no trap card of its own.
    question_retrieval_record(user=alice_deck, card=card, chosen={"D"}, correct=False, at=at)
    first.refresh_from_db()
    assert first.due == at
    other = triggers.exclude(pk=first.pk).get()
    assert other.state == S.NEW and other.new_rank == 0


def test_a_right_answer_pulls_nothing_forward_and_changes_no_other_card(alice_deck):
    card = question_card()
    at = timezone.now()
    make_review(state_of(alice_deck, card), last_review=at - timedelta(days=6), due=at)
    before = rows(alice_deck)
    question_retrieval_record(user=alice_deck, card=card, chosen={"A", "C"}, correct=True, at=at)
    after = rows(alice_deck)
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {card.key}


def test_a_question_never_met_gets_its_state(alice, deck):
    card = question_card()
    at = timezone.now()
    question_retrieval_record(user=alice, card=card, chosen={"A"}, correct=False, at=at)
    state = state_of(alice, card)
    assert state.in_scope  # the learner studies everything
    assert (state.state, state.lapses, state.due) == (S.LEARNING, 0, at + timedelta(minutes=1))
    assert ReviewLog.objects.get().previous_state == S.NEW


def test_a_question_outside_what_the_learner_studies_is_recorded_out_of_the_queue(alice, deck):
    alice.profile.scope_kind, alice.profile.scope_value = "note", "TST-2"
    alice.profile.save()
    question_retrieval_record(user=alice, card=question_card(), chosen={"A", "C"}, correct=True, at=timezone.now())
    assert not state_of(alice, question_card()).in_scope
    assert ReviewLog.objects.count() == 1


def test_a_suspended_question_stays_suspended(alice_deck):
    card = question_card()
    CardState.objects.filter(user=alice_deck, card=card).update(suspended=True)
    question_retrieval_record(user=alice_deck, card=card, chosen={"B"}, correct=False, at=timezone.now())
    assert state_of(alice_deck, card).suspended


def test_only_a_question_card_is_a_retrieval(alice_deck):
    card = Card.objects.get(key="TST-1:trigger:sse-kms")
    with pytest.raises(ValueError, match="not a question"):
        question_retrieval_record(user=alice_deck, card=card, chosen={"A"}, correct=True, at=timezone.now())
    assert not ReviewLog.objects.exists()


def test_a_study_answer_to_the_version_before_is_a_duplicate(alice_deck):
    """The study page showed the question before the mock recorded it: its
    answer names a version that is gone, and is not recorded twice."""
    card = question_card()
    shown = state_of(alice_deck, card)
    question_retrieval_record(user=alice_deck, card=card, chosen={"A", "C"}, correct=True, at=timezone.now())
    outcome = services.card_grade(
        user=alice_deck, profile=alice_deck.profile, state_id=shown.pk, version=shown.version, rating=1
    )
    assert outcome.duplicate
    assert ReviewLog.objects.count() == 1


def test_the_mock_answer_counts_among_todays_answers(alice_deck):
    card = question_card()
    at = timezone.now()
    make_review(state_of(alice_deck, card), last_review=at - timedelta(days=6), due=at)
    profile = alice_deck.profile
    before = services.today_for(user=alice_deck, profile=profile, now=at)
    question_retrieval_record(user=alice_deck, card=card, chosen={"A", "C"}, correct=True, at=at)
    after = services.today_for(user=alice_deck, profile=profile, now=at)
    assert after.reviews_left == before.reviews_left - 1
    assert after.new_left == before.new_left


class TestWithAnExamDate:
    """The exam policy: the question's due date is the policy's (as for a
    study answer); the day's plan, the calibration and every other card stay
    as they were, except the trigger-word cards a miss brings forward."""

    @pytest.fixture
    def learner(self, alice_deck):
        profile = alice_deck.profile
        now = timezone.now()
        profile.exam_date = profile.clock().study_day(now) + timedelta(days=30)
        profile.save()
        study_day_plan(user=alice_deck, profile=profile, now=now)
        return alice_deck

    def plan(self, user):
        return list(StudyDay.objects.filter(user=user).values())

    def profile_figures(self, user):
        user.profile.refresh_from_db()
        return (user.profile.stability_scale, user.profile.calibrated_on, user.profile.fsrs_parameters)

    def test_a_right_answer_is_due_before_the_exam_and_nothing_else_moves(self, learner):
        card = question_card()
        at = timezone.now()
        make_review(state_of(learner, card), last_review=at - timedelta(days=6), due=at)
        before, plan, figures = rows(learner), self.plan(learner), self.profile_figures(learner)
        question_retrieval_record(user=learner, card=card, chosen={"A", "C"}, correct=True, at=at)
        state = state_of(learner, card)
        profile = learner.profile
        exam_at = profile.clock().exam_at
        scheduler, clock = scheduler_for(profile, fuzz=False), profile.clock()
        # Without another review it would be below the target on exam day:
        # the policy brings it back before (plain FSRS would not).
        recall = scheduler.get_card_retrievability(to_fsrs(state, clock=clock, now=at), clock.fsrs_time(exam_at))
        assert recall < target_recall(profile)
        assert at < state.due < exam_at
        assert state.exam_recall == pytest.approx(recall, abs=0.05)
        after = rows(learner)
        assert {key for key in before if before[key] != after[key]} == {card.key}
        assert self.plan(learner) == plan
        assert self.profile_figures(learner) == figures

    def test_a_miss_moves_only_the_question_and_its_trigger_words(self, learner):
        card = question_card()
        at = timezone.now()
        make_review(state_of(learner, card), last_review=at - timedelta(days=6), due=at + timedelta(days=3))
        before, plan, figures = rows(learner), self.plan(learner), self.profile_figures(learner)
        question_retrieval_record(user=learner, card=card, chosen={"D"}, correct=False, at=at)
        after = rows(learner)
        assert {key for key in before if before[key] != after[key]} == {card.key} | TRIGGER_KEYS
        assert state_of(learner, card).due == at + timedelta(minutes=10)
        assert self.plan(learner) == plan
        assert self.profile_figures(learner) == figures


@pytest.mark.django_db
def test_an_outsiders_state_is_never_touched(alice_deck, bob):
    services.study_queue_sync(user=bob, profile=bob.profile)
    before = rows(bob)
    question_retrieval_record(user=alice_deck, card=question_card(), chosen={"B"}, correct=False, at=timezone.now())
    assert rows(bob) == before
    assert not ReviewLog.objects.filter(user=bob).exists()
    assert User.objects.count() == 2


def test_an_answer_older_than_the_last_review_is_not_recorded(alice_deck):
    """An attempt submitted at a deadline long past, after the learner
    studied the card: the newer answer stands (fsrs takes reviews in order)."""
    card = question_card()
    at = timezone.now()
    make_review(state_of(alice_deck, card), last_review=at + timedelta(hours=1), due=at + timedelta(days=3))
    before = rows(alice_deck)
    assert question_retrieval_record(user=alice_deck, card=card, chosen={"B"}, correct=False, at=at) is None
    assert rows(alice_deck) == before
    assert not ReviewLog.objects.exists()
