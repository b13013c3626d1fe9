"""Item analysis counts mock exam answers, each exactly once: an answered
question of a submitted mock is one answer (the review log row the
submission writes, with the options chosen); an unanswered one is none; a
second submission, the deadline's submission and a late submit after it add
nothing; a learner's first answer is their first, in a mock or in study."""

from datetime import timedelta

import pytest
from django.utils import timezone

from studyapp.authoring.analysis import questions_analyse
from studyapp.exams import services, submission
from studyapp.exams.models import Attempt, Blueprint
from studyapp.exams.shipped import blueprints_shipped_ensure
from studyapp.notes.models import Note, Option
from studyapp.study.models import ReviewLog
from tests.exams.bank import bank_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam(db):
    blueprints_shipped_ensure(Blueprint)  # a transactional test before this one may have emptied the table
    bank_build(size=8)
    sap = Blueprint.objects.get(code="SAP-C02")
    return Blueprint.objects.create(code="TINY-1", name="Tiny", question_count=4, minutes=30, domains=sap.domains)


def analysed() -> dict:
    return {s.card.pk: s for s in questions_analyse(notes=Note.objects.all())}


def sit(user, exam, *, answered: int, now):
    """Start a mock, answer the first ``answered`` questions with the first option shown."""
    attempt = services.attempt_start(user=user, blueprint=exam, kind=Attempt.Kind.MOCK, now=now, seed=7)
    items = list(attempt.items.order_by("position"))
    for item in items[:answered]:
        services.attempt_answer(
            user=user, attempt_id=attempt.pk, position=item.position, chosen=item.option_order[:1], time_ms=900, now=now
        )
    return attempt, items


def test_each_answered_mock_question_counts_once_and_an_unanswered_one_not(exam, django_user_model):
    user = django_user_model.objects.create_user("mia")
    now = timezone.now()
    attempt, items = sit(user, exam, answered=3, now=now)
    services.attempt_submit(user=user, attempt_id=attempt.pk, now=now + timedelta(minutes=5))
    services.attempt_submit(user=user, attempt_id=attempt.pk, now=now + timedelta(minutes=6))
    stats = analysed()
    for item in items[:3]:
        s = stats[item.card_id]
        assert (s.attempts, s.learners) == (1, 1)
        shares = {o.letter: o.chosen for o in s.options}
        assert shares == {o.letter: int(o.letter == item.option_order[0]) for o in s.options}
        right = set(Option.objects.filter(note_id=item.note_id, is_correct=True).values_list("letter", flat=True))
        assert s.facility == (1.0 if right == {item.option_order[0]} else 0.0)
    unanswered = stats[items[3].card_id]
    assert (unanswered.attempts, unanswered.learners, unanswered.facility) == (0, 0, None)
    assert ReviewLog.objects.filter(user=user, chosen__isnull=False).count() == 3


def test_the_deadline_and_a_late_submit_record_the_answers_once(exam, django_user_model):
    user = django_user_model.objects.create_user("mia")
    now = timezone.now()
    attempt, items = sit(user, exam, answered=2, now=now)
    late = now + timedelta(minutes=exam.minutes + 1)
    attempt.refresh_from_db()
    assert submission.attempt_expire(attempt=attempt, now=late)
    services.attempt_submit(user=user, attempt_id=attempt.pk, now=late)
    with pytest.raises(services.AttemptClosed):
        services.attempt_answer(
            user=user,
            attempt_id=attempt.pk,
            position=items[2].position,
            chosen=items[2].option_order[:1],
            time_ms=1,
            now=late,
        )
    assert [analysed()[item.card_id].attempts for item in items] == [1, 1, 0, 0]


def test_a_second_mock_adds_answers_but_not_first_answers(exam, django_user_model):
    user = django_user_model.objects.create_user("mia")
    now = timezone.now()
    first, items = sit(user, exam, answered=4, now=now)
    services.attempt_submit(user=user, attempt_id=first.pk, now=now)
    # A second mock of a bank of 8 asks the 4 unseen first; a third meets 4 seen ones again.
    for day in (1, 2):
        again, _items = sit(user, exam, answered=4, now=now + timedelta(days=day))
        services.attempt_submit(user=user, attempt_id=again.pk, now=now + timedelta(days=day))
    stats = analysed()
    assert sum(s.attempts for s in stats.values()) == 12
    assert {s.learners for s in stats.values()} == {1}
    assert sorted(s.attempts for s in stats.values()) == [1, 1, 1, 1, 2, 2, 2, 2]
