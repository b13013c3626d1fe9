"""A mock answer racing another write of the same card state on two real
connections (PostgreSQL): another attempt's submission, or a study answer to
the version the page showed. The state row is locked while a retrieval is
recorded, so whatever the order, every retrieval is recorded on the state
the one before left, and a study answer to a version that is gone is a
duplicate (never both applied to the same "before")."""

import pytest
from django.utils import timezone

from studyapp.notes.models import Card
from studyapp.study import services
from studyapp.study.models import CardState, ReviewLog
from studyapp.study.retrieval import question_retrieval_record
from tests import samples
from tests.study.conftest import import_note
from tests.teams.test_races import postgresql_only, race  # noqa: F401 - the fixture guards this module

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def learner(alice):
    import_note(samples.CANONICAL)
    services.study_queue_sync(user=alice, profile=alice.profile)
    return alice


def question():
    return Card.objects.get(key__startswith="TST-1:question")


def retrieval(user, *, correct):
    def record():
        card = Card.objects.select_related("note").get(pk=question().pk)
        return question_retrieval_record(user=user, card=card, chosen={"A", "C"}, correct=correct, at=timezone.now())

    return record


@pytest.mark.parametrize("right_first", [True, False])
def test_two_submissions_each_record_on_the_state_the_other_left(learner, right_first):
    right, wrong = retrieval(learner, correct=True), retrieval(learner, correct=False)
    a, b, second_done_while_held = race(right, wrong) if right_first else race(wrong, right)
    assert a.error is None and b.error is None, (a.error, b.error)
    assert not second_done_while_held  # it waited for the lock
    first, second = ReviewLog.objects.order_by("id")
    assert second.state_before == first.state_after
    state = CardState.objects.get(user=learner, card=question())
    assert (state.reps, state.version) == (2, 2)


@pytest.mark.parametrize("mock_first", [True, False])
def test_a_study_answer_to_the_version_before_the_mock_is_a_duplicate(learner, mock_first):
    shown = CardState.objects.get(user=learner, card=question())

    def study_answer():
        return services.card_grade(
            user=learner, profile=learner.profile, state_id=shown.pk, version=shown.version, rating=1
        )

    mock = retrieval(learner, correct=True)
    a, b, _ = race(mock, study_answer) if mock_first else race(study_answer, mock)
    assert a.error is None and b.error is None, (a.error, b.error)
    logs = list(ReviewLog.objects.order_by("id"))
    if mock_first:
        # The study answer waited for the mock's lock, then met the version
        # the mock moved on: not applied.
        assert b.value.duplicate
        assert [log.rating for log in logs] == [3]
    else:
        # On PostgreSQL the study answer is one statement (state and log,
        # studyapp.study.sql.answer_record) that race() cannot hold before:
        # it is recorded whole, and the mock records on the state it left.
        assert not a.value.duplicate
        assert [log.rating for log in logs] == [1, 3]
        assert logs[1].state_before == logs[0].state_after
