"""The report page: its figures equal an independent computation from the
stored answers (tests/exams/report_oracle.py), personas, a fixed number of
queries whatever the number of questions and attempts, Japanese; and the
submission that feeds the schedule (misses due in the next session)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from studyapp.exams import services
from studyapp.exams.models import Attempt, Blueprint
from studyapp.exams.report_selectors import attempt_report
from studyapp.noteformat.vocabulary import DOMAINS
from studyapp.notes.models import Option
from studyapp.study import services as study
from studyapp.study.models import CardState, ReviewLog
from tests.exams.conftest import T0
from tests.exams.report_oracle import expected_report
from tests.support.study import study_next

S = CardState.State


def key_of(item) -> list[str]:
    return sorted(Option.objects.filter(note_id=item.note_id, is_correct=True).values_list("letter", flat=True))


def wrong_of(item) -> list[str]:
    return [next(letter for letter in item.option_order if letter not in key_of(item))]


def sit(user, blueprint, *, answers, start=T0, minutes=5):
    """Start a mock at ``start``, answer by position ("right", "wrong" or
    None for unanswered), submit ``minutes`` later."""
    attempt = services.attempt_start(user=user, blueprint=blueprint, kind=Attempt.Kind.MOCK, now=start)
    for item in attempt.items.order_by("position"):
        answer = answers[(item.position - 1) % len(answers)]
        if answer is None:
            continue
        chosen = key_of(item) if answer == "right" else wrong_of(item)
        services.attempt_answer(
            user=user,
            attempt_id=attempt.pk,
            position=item.position,
            chosen=chosen,
            time_ms=30_000 * item.position,
            now=start + timedelta(minutes=1),
        )
    return services.attempt_submit(user=user, attempt_id=attempt.pk, now=start + timedelta(minutes=minutes))


@pytest.fixture
def submitted(alice, short_blueprint, bank):
    return sit(alice, short_blueprint, answers=["right", "wrong", None, "right"])


def test_the_figures_equal_an_independent_computation_from_the_stored_answers(submitted):
    expected = expected_report(submitted)
    report = attempt_report(attempt=submitted)
    assert (report.overall.questions, report.overall.correct) == (expected["questions"], expected["correct"])
    assert report.overall.percent == pytest.approx(expected["percent"])
    assert (report.overall.interval.low, report.overall.interval.high) == pytest.approx(expected["interval"])
    by_domain = {name: (t.correct, t.questions) for name, t in [(d.label, d.tally) for d in report.domains]}
    assert sorted(by_domain.values()) == sorted(expected["domains"].values())
    assert report.time.used_seconds == expected["used_seconds"]
    assert report.time.per_question_seconds == pytest.approx(expected["per_question_seconds"])


def test_the_page_shows_the_figures_each_question_and_says_there_is_no_scaled_score(client, alice, submitted):
    expected = expected_report(submitted)
    client.force_login(alice)
    page = client.get(reverse("exams:report", args=[submitted.pk])).content.decode()
    assert f"{expected['correct']} of {expected['questions']} correct" in page
    low, high = expected["interval"]
    assert f"{round(low)}–{round(high)}%" in page
    assert "does not publish how correct answers map to that scale" in page and "750 of 1000" in page
    assert "5 min 00 s of 10 min 00 s" in page and "1 min 15 s per question" in page
    for position in range(1, 5):
        assert f'id="q{position}"' in page
    assert page.count("Why ") >= 16  # every option's reasoning, four options each
    assert "Not answered" in page


def test_the_reasoning_goes_through_the_sanitizer(client, alice, submitted):
    item = submitted.items.get(position=1)
    note = item.note
    note.parsed["options"][0]["reasoning"] = "<script>alert(1)</script>**bold**"
    note.save(update_fields=["parsed"])
    client.force_login(alice)
    page = client.get(reverse("exams:report", args=[submitted.pk])).content.decode()
    assert "<script>alert(1)" not in page and "<strong>bold</strong>" in page


def test_personas(client, alice, bob, submitted):
    url = reverse("exams:report", args=[submitted.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(bob)
    assert client.get(url).status_code == 404
    client.force_login(alice)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405
    assert client.head(url).status_code == 200


def test_an_open_attempt_is_not_reported_but_resumed(client, alice, short_blueprint, bank):
    attempt = services.attempt_start(user=alice, blueprint=short_blueprint, kind=Attempt.Kind.MOCK, now=T0)
    client.force_login(alice)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("studyapp.exams.report_views.timezone.now", lambda: T0 + timedelta(minutes=1))
        response = client.get(reverse("exams:report", args=[attempt.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("exams:attempt", args=[attempt.pk]) + "?q=1"


def test_the_trend_shows_every_attempt_of_the_blueprint_as_a_chart_and_a_table(client, alice, short_blueprint, bank):
    first = sit(alice, short_blueprint, answers=["wrong"], start=T0)
    latest = sit(alice, short_blueprint, answers=["right"], start=T0 + timedelta(days=1))
    client.force_login(alice)
    page = client.get(reverse("exams:report", args=[latest.pk])).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart trend"' in page
    assert "from 0% to 100% correct" in page
    assert reverse("exams:report", args=[first.pk]) in page  # the table links the earlier attempt
    assert page.count('class="trend-dot') == 2


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_page_takes_the_same_queries_whatever_the_questions_and_attempts(client, alice, bank):
    domains = [{"name": d.name, "weight": 25} for d in DOMAINS]
    small = Blueprint.objects.create(code="S-4", name="Small", question_count=4, minutes=10, domains=domains)
    large = Blueprint.objects.create(code="L-40", name="Large", question_count=40, minutes=60, domains=domains)
    few = sit(alice, small, answers=["right", "wrong"])
    for day in range(1, 6):
        sit(alice, large, answers=["right", "wrong", None], start=T0 + timedelta(days=day))
    many = sit(alice, large, answers=["right", "wrong", None], start=T0 + timedelta(days=7))
    client.force_login(alice)
    small_url, large_url = (reverse("exams:report", args=[a.pk]) for a in (few, many))
    _queries(client, small_url)  # warm: the session, the first request's caches
    assert _queries(client, small_url) == _queries(client, large_url)


def test_the_report_in_japanese(client, alice, submitted):
    client.force_login(alice)
    page = client.get(reverse("exams:report", args=[submitted.pk]), headers={"Accept-Language": "ja"})
    text = page.content.decode()
    assert 'lang="ja"' in text
    assert "ドメイン別" in text and "換算スコア" in text and "信頼区間" in text


class TestMissesBackIntoTheSchedule:
    def test_each_answered_question_is_a_retrieval_and_an_unanswered_one_is_not(self, alice, submitted):
        items = {i.position: i for i in submitted.items.all()}
        logs = {log.card_id: log for log in ReviewLog.objects.filter(user=alice)}
        assert set(logs) == {items[1].card_id, items[2].card_id, items[4].card_id}
        assert logs[items[1].card_id].rating == 3 and logs[items[2].card_id].rating == 1
        assert logs[items[2].card_id].chosen == wrong_of(items[2])
        assert all(log.reviewed_at == submitted.submitted_at for log in logs.values())
        assert not CardState.objects.filter(user=alice, card_id=items[3].card_id).exists()

    def test_a_miss_is_the_first_card_of_the_next_session(self, alice, submitted):
        missed = submitted.items.get(position=2)
        later = submitted.submitted_at + timedelta(hours=2)
        study.study_session_open(user=alice, profile=alice.profile, now=later)
        shown, _left = study_next(user=alice, profile=alice.profile, now=later)
        assert shown.card_id == missed.card_id
        due = CardState.objects.filter(user=alice, due__lte=later).values_list("card_id", flat=True)
        assert missed.card_id in set(due)

    def test_the_models_prediction_is_kept_from_before_the_answers(self, alice, short_blueprint, bank):
        attempt = services.attempt_start(user=alice, blueprint=short_blueprint, kind=Attempt.Kind.MOCK, now=T0)
        studied = attempt.items.get(position=1)
        CardState.objects.create(
            user=alice,
            card_id=studied.card_id,
            state=S.REVIEW,
            stability=10.0,
            difficulty=5.0,
            last_review=T0 - timedelta(days=5),
            due=T0 + timedelta(days=5),
        )
        services.attempt_answer(
            user=alice, attempt_id=attempt.pk, position=1, chosen=key_of(studied), time_ms=1, now=T0
        )
        services.attempt_submit(user=alice, attempt_id=attempt.pk, now=T0 + timedelta(minutes=5))
        # FSRS-6 with its default parameters, five days after a review with stability 10.
        from fsrs import Scheduler

        decay = -Scheduler().parameters[20]
        expected = (1 + (0.9 ** (1 / decay) - 1) * 5 / 10) ** decay
        predictions = dict(attempt.items.values_list("position", "predicted_recall"))
        assert predictions[1] == pytest.approx(expected)
        assert predictions[2] is None  # never studied: the model knows nothing of it
        report = attempt_report(attempt=Attempt.objects.get(pk=attempt.pk))
        assert report.overall.predicted == pytest.approx(100 * expected)
        assert report.overall.predicted_questions == 1 and report.overall.observed_on_predicted == 100


def test_an_id_too_large_for_the_database_is_not_found(client, alice):
    from studyapp.converters import MAX_DIGITS

    client.force_login(alice)
    for digits in (MAX_DIGITS, 20):
        assert client.get(f"/exams/attempts/{'9' * digits}/report/").status_code == 404
