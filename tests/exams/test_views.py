"""The exam views: personas (owner, another learner 404, anonymous to log in,
wrong method 405), the JSON the page gets, refusals with a message, the
deadline, and a page that resumes where the learner was."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.exams import services
from studyapp.exams.models import Attempt
from studyapp.notes.models import Option

JSON = {"Accept": "application/json"}
POSTS = ["exams:answer", "exams:flag", "exams:move", "exams:submit"]


@pytest.fixture
def attempt(alice, short_blueprint, bank):
    return services.attempt_start(user=alice, blueprint=short_blueprint, kind=Attempt.Kind.MOCK, now=timezone.now())


def form(attempt, position=1, **extra):
    item = attempt.items.get(position=position if isinstance(position, int) else 1)
    return {"position": position, "choice": item.option_order[:1], "time_ms": 1200, "flagged": "1", **extra}


def test_anonymous_users_are_sent_to_log_in(client, attempt):
    for url in (
        reverse("exams:list"),
        reverse("exams:attempt", args=[attempt.pk]),
        reverse("exams:report", args=[attempt.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for name in POSTS:
        response = client.post(reverse(name, args=[attempt.pk]), form(attempt))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(reverse("exams:start", args=[attempt.blueprint_id]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    attempt.refresh_from_db()
    assert attempt.version == 0 and attempt.is_open


def test_another_learner_gets_404_and_changes_nothing(client, attempt, bob):
    client.force_login(bob)
    for name in ("exams:attempt", "exams:report"):
        assert client.get(reverse(name, args=[attempt.pk])).status_code == 404
    for name in POSTS:
        assert client.post(reverse(name, args=[attempt.pk]), form(attempt), headers=JSON).status_code == 404
    attempt.refresh_from_db()
    assert attempt.version == 0 and attempt.is_open and not attempt.items.exclude(chosen=[]).exists()


def test_wrong_methods_are_refused(client, attempt, alice):
    client.force_login(alice)
    for name in POSTS:
        assert client.get(reverse(name, args=[attempt.pk])).status_code == 405
    assert client.get(reverse("exams:start", args=[attempt.blueprint_id])).status_code == 405
    assert client.post(reverse("exams:attempt", args=[attempt.pk])).status_code == 405
    assert client.post(reverse("exams:list")).status_code == 405


def test_the_list_offers_the_exams_the_open_attempt_and_past_ones(client, alice, attempt, sap_c02):
    client.force_login(alice)
    page = client.get(reverse("exams:list")).content.decode()
    assert "SAP-C02" in page and "75 questions, 180 minutes, pass mark 750 of 1000." in page
    assert f'id="resume-{attempt.pk}"' in page
    services.attempt_submit(user=alice, attempt_id=attempt.pk, now=timezone.now())
    page = client.get(reverse("exams:list")).content.decode()
    assert f'id="resume-{attempt.pk}"' not in page
    assert reverse("exams:report", args=[attempt.pk]) in page and "0 / 4" in page


def test_starting_opens_the_exam_page_at_question_1(client, alice, short_blueprint, bank):
    client.force_login(alice)
    response = client.post(reverse("exams:start", args=[short_blueprint.pk]))
    attempt = Attempt.objects.get(user=alice)
    assert response["Location"] == reverse("exams:attempt", args=[attempt.pk]) + "?q=1"
    # A second start (a double click) resumes the same attempt.
    client.post(reverse("exams:start", args=[short_blueprint.pk]))
    assert Attempt.objects.filter(user=alice).count() == 1


def test_an_empty_bank_says_so(client, alice, short_blueprint):
    client.force_login(alice)
    response = client.post(reverse("exams:start", args=[short_blueprint.pk]))
    assert response.status_code == 400 and b"no question" in response.content


def test_the_exam_page_shows_one_question_with_radio_buttons_and_the_time_left(client, alice, attempt):
    client.force_login(alice)
    page = client.get(reverse("exams:attempt", args=[attempt.pk]) + "?q=2").content.decode()
    assert page.count('class="exam-question"') == 4
    assert (
        'id="q-2" data-position="2"' in page
        and 'id="q-1" data-position="1" data-time-ms="0" tabindex="-1" aria-labelledby="q-1-head" hidden' in page
    )
    assert 'type="radio"' in page and "Choose one option." in page
    assert 'data-seconds-left="' in page and "10 minutes" in page


def test_an_answer_is_saved_and_answered_with_json(client, alice, attempt):
    client.force_login(alice)
    response = client.post(reverse("exams:answer", args=[attempt.pk]), form(attempt, 3), headers=JSON)
    assert response.status_code == 200
    assert response.json()["chosen"] == attempt.items.get(position=3).option_order[:1]
    item = attempt.items.get(position=3)
    assert item.chosen and item.time_ms == 1200
    attempt.refresh_from_db()
    assert attempt.position == 3


def test_without_a_script_an_answer_goes_on_to_the_next_question(client, alice, attempt):
    client.force_login(alice)
    response = client.post(reverse("exams:answer", args=[attempt.pk]), form(attempt, 1))
    assert response.status_code == 302 and response["Location"].endswith("?q=2")


def test_the_page_resumes_where_the_learner_was(client, alice, attempt):
    client.force_login(alice)
    client.post(reverse("exams:flag", args=[attempt.pk]), {"position": 2, "flagged": "1"}, headers=JSON)
    client.post(reverse("exams:move", args=[attempt.pk]), {"position": 3}, headers=JSON)
    page = client.get(reverse("exams:attempt", args=[attempt.pk])).content.decode()
    assert 'id="q-3" data-position="3" data-time-ms="0" tabindex="-1" aria-labelledby="q-3-head">' in page
    assert 'class="nav-q flagged"' in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"position": "x"}, "position"),
        ({"position": "99"}, None),
        ({"choice": ["AB"]}, "choice"),
        ({"choice": ["Z"]}, "no option Z"),
    ],
)
def test_bad_answers_are_refused_with_a_message(client, alice, attempt, fields, message):
    client.force_login(alice)
    response = client.post(reverse("exams:answer", args=[attempt.pk]), {**form(attempt), **fields}, headers=JSON)
    if message is None:
        assert response.status_code == 404
    else:
        assert response.status_code == 400 and message in response.json()["error"]
    assert not attempt.items.exclude(chosen=[]).exists()


def test_more_options_than_asked_are_refused(client, alice, attempt):
    client.force_login(alice)
    item = attempt.items.get(position=1)
    response = client.post(
        reverse("exams:answer", args=[attempt.pk]),
        form(attempt, choice=item.option_order[: item.needed + 1]),
        headers=JSON,
    )
    assert response.status_code == 400
    assert "asks for 1 option; you chose 2" in response.json()["error"]


def test_after_the_deadline_answers_are_refused_and_the_page_goes_to_the_report(client, alice, attempt):
    client.force_login(alice)
    client.post(reverse("exams:answer", args=[attempt.pk]), form(attempt, 1), headers=JSON)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    response = client.post(reverse("exams:answer", args=[attempt.pk]), form(attempt, 2), headers=JSON)
    assert response.status_code == 409
    assert "Time is up" in response.json()["error"]
    assert response.json()["report"] == reverse("exams:report", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.submitted_reason == "deadline"
    assert list(attempt.items.exclude(chosen=[]).values_list("position", flat=True)) == [1]
    assert client.get(reverse("exams:attempt", args=[attempt.pk]))["Location"] == reverse(
        "exams:report", args=[attempt.pk]
    )


def test_a_page_opened_after_the_deadline_submits_the_attempt_at_it(client, alice, attempt):
    client.force_login(alice)
    deadline = timezone.now() - timedelta(minutes=1)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=deadline)
    client.get(reverse("exams:list"))
    attempt.refresh_from_db()
    assert attempt.submitted_at == deadline


def test_submit_goes_to_the_report(client, alice, attempt):
    client.force_login(alice)
    item = attempt.items.get(position=1)
    key = list(Option.objects.filter(note_id=item.note_id, is_correct=True).values_list("letter", flat=True))
    client.post(reverse("exams:answer", args=[attempt.pk]), form(attempt, 1, choice=key), headers=JSON)
    response = client.post(reverse("exams:submit", args=[attempt.pk]))
    assert response["Location"] == reverse("exams:report", args=[attempt.pk])
    page = client.get(response["Location"]).content.decode()
    assert "1 of 4 correct." in page
    # Closed: an answer now is refused.
    assert client.post(reverse("exams:answer", args=[attempt.pk]), form(attempt, 2), headers=JSON).status_code == 409


def test_the_exam_page_in_japanese(client, alice, attempt):
    client.force_login(alice)
    client.cookies["django_language"] = "ja"
    page = client.get(reverse("exams:attempt", args=[attempt.pk]), headers={"Accept-Language": "ja"}).content.decode()
    assert "残り時間" in page and "見直し" in page
    page = client.get(reverse("exams:list"), headers={"Accept-Language": "ja"}).content.decode()
    assert "模擬試験" in page


@pytest.mark.parametrize("count", [4, 75])
def test_the_exam_page_takes_the_same_number_of_queries_whatever_the_length(
    client, alice, sap_c02, bank, count, django_assert_max_num_queries
):
    attempt = services.attempt_start(
        user=alice, blueprint=sap_c02, kind=Attempt.Kind.MOCK, now=timezone.now(), count=count
    )
    client.force_login(alice)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("exams:attempt", args=[attempt.pk]))
    assert response.content.decode().count('class="exam-question"') == count
