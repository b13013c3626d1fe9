"""bench/mock_exam.py's builder and requests, tiny and untimed: the bank it
builds is what a mock draws from, a mock sat through the views is stored as
answered, and the statements of a start, an answer, a submit and a report do
not grow with the bank (8 and 40 notes here; the benchmark measures 100 and
1,000; a submission's follow its answers). Performance is measured by the benchmark only (make bench)."""

import pytest

from bench import mock_exam
from bench.mock_bank import bank_grow, bank_texts, learners_create
from studyapp.exams.models import Attempt, AttemptItem, Blueprint
from studyapp.exams.shipped import blueprints_shipped_ensure
from studyapp.notes.models import Note
from studyapp.study.models import ReviewLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def sap(db):
    blueprints_shipped_ensure(Blueprint)  # a transactional test before this one may have emptied the table
    return Blueprint.objects.get(code="SAP-C02")


def test_the_bank_copies_the_notes_under_new_ids():
    texts = bank_texts(98, 102)
    assert [name for name, _text in texts] == ["MOCK-00098.md", "MOCK-00099.md", "MOCK-00100.md", "MOCK-00101.md"]
    assert 'id: "MOCK-00100"' in texts[2][1] and "SAP-" not in texts[2][1]


def test_a_mock_sat_through_the_views_is_stored_answered_and_recorded(sap):
    assert bank_grow(to=8) == 8
    learner = learners_create("sitter", 1)[0]
    timings = mock_exam.Timings()
    attempt_id = mock_exam.sit_mock(mock_exam._client(learner), sap.pk, timings)
    attempt = Attempt.objects.get(pk=attempt_id)
    assert attempt.submitted_at is not None and attempt.question_count == 8
    assert not AttemptItem.objects.filter(attempt=attempt, chosen=[]).exists()
    assert ReviewLog.objects.filter(user=learner, chosen__isnull=False).count() == 8
    assert (len(timings.start), len(timings.answer), len(timings.report)) == (1, 8, 1)


def test_the_statements_of_a_mock_do_not_grow_with_the_bank(sap):
    bank_grow(to=8)
    small = mock_exam.count_statements(learners_create("small", 1)[0], sap.pk)
    bank_grow(to=40)
    assert Note.objects.count() == 40
    large = mock_exam.count_statements(learners_create("large", 1)[0], sap.pk)
    assert {name: small[name] for name in mock_exam.CONSTANT} == {name: large[name] for name in mock_exam.CONSTANT}
    assert set(small) == {"start", "page", "answer", "submit", "report"}


def test_the_grade_it_compares_with_is_the_study_pages(sap):
    bank_grow(to=2)
    timings = mock_exam.Timings()
    graded = mock_exam.grade_cards(mock_exam._client(learners_create("grader", 1)[0]), 5, timings)
    assert graded == 5 == len(timings.grade)
    assert ReviewLog.objects.filter(chosen__isnull=True).count() == 5
