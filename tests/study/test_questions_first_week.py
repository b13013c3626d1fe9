"""Issue 16's measure of questions first: a new learner with the defaults
(20 new cards a day) meets at least 5 scenario questions on every study day
of the first week, and never meets a question after a card of its own note
(which names its answer) unless they had answered it already. Driven through
the app's services with a fake clock by bench/study_week.py, the driver the
benchmark (bench/questions_first.py) uses too."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from bench.study_week import study_week
from studyapp.notes.services import notes_import
from studyapp.study.models import CardState
from tests.conftest import NOTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(db):
    run = notes_import(paths=sorted(NOTES.glob("*.md")))
    assert not run.failed
    return run


def test_week_one_with_defaults_meets_five_questions_a_day_none_given_away(bank):
    learner = get_user_model().objects.create_user("week-one", password="not-used-here")
    week = study_week(user=learner, start=date(2026, 3, 2))
    assert len(week.cards) == 7  # seven study days; the session past midnight counts for the day before
    assert min(week.questions_per_day()) >= 5, week.questions_per_day()
    # No question met after a card of its own note unless answered before,
    # though the learner buried one new question and suspended another
    # (their notes' new cards went with them) and unsuspended it later.
    assert week.given_away == []
    assert [kind for kind, _ in week.hid] == ["bury", "suspend"]
    assert all(siblings > 0 for _, siblings in week.hid)
    assert not CardState.objects.filter(user=learner, suspended=True).exists()
