"""Practice (issue 16, "Practice modes"): by domain or task statement, my
misses, the diagnostic after sign-up; answered on the exam page in its
feedback mode. Personas: the owner, another learner (404 on the owner's
attempt), a visitor (sent to log in); wrong methods 405; bad input 400
with the page and the field named, nothing written."""

from datetime import timedelta

import pytest
from django.urls import reverse

from studyapp.exams import practice, services
from studyapp.exams.misses import missed_card_ids
from studyapp.exams.models import Attempt, AttemptItem
from studyapp.notes.models import Card
from studyapp.study.models import ReviewLog
from tests.exams.conftest import T0

pytestmark = pytest.mark.django_db
START = reverse("exams:practice_start")


def test_visitors_are_sent_to_log_in(client, bank):
    for response in (client.get(reverse("exams:practice")), client.post(START, {"kind": "diagnostic"})):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Attempt.objects.exists()


def test_wrong_methods_are_refused(client, alice):
    client.force_login(alice)
    assert client.get(START).status_code == 405
    assert client.post(reverse("exams:practice")).status_code == 405


def test_the_page_offers_every_mode(client, alice, bank):
    client.force_login(alice)
    body = client.get(reverse("exams:practice")).content.decode()
    for marker in (
        'id="practice-topic-start"',
        'id="practice-diagnostic-start"',
        'value="task:1.3"',
        'value="domain:4"',
    ):
        assert marker in body
    assert 'id="practice-misses-start"' not in body  # nothing missed yet


def test_practice_by_domain_draws_that_domain_untimed(client, alice, bank):
    client.force_login(alice)
    response = client.post(START, {"kind": "practice", "topic": "domain:2", "count": "5"})
    attempt = Attempt.objects.get(user=alice)
    assert response.status_code == 302 and response["Location"].startswith(reverse("exams:attempt", args=[attempt.pk]))
    assert (attempt.kind, attempt.filter_kind, attempt.filter_value, attempt.deadline) == (
        "practice",
        "domain",
        "2",
        None,
    )
    domains = set(attempt.items.values_list("domain", flat=True))
    assert domains == {"Design for New Solutions"} and attempt.items.count() == 5


def test_practice_by_task_statement(client, alice, bank):
    client.force_login(alice)
    client.post(START, {"kind": "practice", "topic": "task:3.1", "count": "5"})
    attempt = Attempt.objects.get(user=alice)
    assert (attempt.filter_kind, attempt.filter_value) == ("task", "3.1")
    assert all("3.1" in item.note.tasks for item in attempt.items.select_related("note"))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "practice", "topic": "", "count": "10"}, "Domain or task statement"),
        ({"kind": "practice", "topic": "domain:9", "count": "10"}, "Domain or task statement"),
        ({"kind": "practice", "topic": "domain:1", "count": "7"}, "Questions"),
        ({"kind": "mock"}, "Practice"),
        ({}, "Practice"),
    ],
)
def test_bad_choices_show_the_page_with_the_field_and_write_nothing(client, alice, bank, data, field):
    client.force_login(alice)
    response = client.post(START, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="practice-errors"' in body and field in body
    assert not Attempt.objects.exists()


def test_an_empty_choice_says_no_question_matches(client, alice, db):
    client.force_login(alice)
    response = client.post(START, {"kind": "practice", "topic": "domain:1", "count": "5"})
    assert response.status_code == 400 and "No question matches" in response.content.decode()


def test_the_diagnostic_is_fifteen_questions_across_every_domain(client, alice, bank, sap_c02):
    client.force_login(alice)
    client.post(START, {"kind": "diagnostic"})
    attempt = Attempt.objects.get(user=alice)
    assert attempt.kind == "diagnostic" and attempt.question_count == 15 and attempt.deadline is None
    assert len(set(attempt.items.values_list("domain", flat=True))) == 4


def test_the_welcome_page_offers_the_diagnostic(client, alice):
    client.force_login(alice)
    body = client.get(reverse("study_welcome")).content.decode()
    assert 'id="welcome-diagnostic"' in body and f'action="{START}"' in body


def test_an_answer_in_practice_comes_back_with_every_option_s_reasoning(client, alice, bank):
    client.force_login(alice)
    client.post(START, {"kind": "practice", "topic": "domain:1", "count": "5"})
    attempt = Attempt.objects.get(user=alice)
    page = client.get(reverse("exams:attempt", args=[attempt.pk])).content.decode()
    assert 'data-feedback="1"' in page and 'id="check-1"' in page
    response = client.post(reverse("exams:answer", args=[attempt.pk]), {"position": "1", "choice": ["A"]})
    assert response["Location"].endswith("?q=1")  # the same question, now explained
    body = client.get(response["Location"]).content.decode()
    # From the feedback to the end of the question's section.
    feedback = body.split('id="feedback-1"', 1)[1].split("</section>", 1)[0]
    item = attempt.items.get(position=1)
    assert feedback.count('class="option-result') == len(item.option_order)
    for letter in item.option_order:
        assert f"Why {letter}" in feedback


def test_a_mock_keeps_no_feedback(client, alice, bank, short_blueprint):
    client.force_login(alice)
    attempt = services.attempt_start(user=alice, blueprint=short_blueprint, kind="mock", now=T0)
    services.attempt_answer(user=alice, attempt_id=attempt.pk, position=1, chosen=["A"], time_ms=1, now=T0)
    body = client.get(reverse("exams:attempt", args=[attempt.pk])).content.decode()
    assert 'data-feedback="1"' not in body and 'id="feedback-1"' not in body and "Why " not in body


def test_another_learner_cannot_open_or_answer_my_practice(client, alice, bob, bank):
    attempt = practice.practice_start(user=alice, kind="practice", filter_kind="domain", filter_value="1", now=T0)
    client.force_login(bob)
    assert client.get(reverse("exams:attempt", args=[attempt.pk])).status_code == 404
    response = client.post(reverse("exams:answer", args=[attempt.pk]), {"position": "1", "choice": ["A"]})
    assert response.status_code == 404
    assert not AttemptItem.objects.filter(attempt=attempt, answered_at__isnull=False).exists()


def question_cards(n):
    return list(Card.objects.filter(kind=Card.Kind.QUESTION).order_by("pk")[:n])


def log(user, card, *, score, at):
    ReviewLog.objects.create(
        user=user,
        card=card,
        rating=1 if score < 1 else 3,
        reviewed_at=at,
        study_day=at.date(),
        previous_state=2,
        score=score,
        chosen=["A"],
    )


def test_my_misses_are_questions_answered_wrong_and_not_right_since(alice, bob, bank):
    wrong, righted, wrong_again = question_cards(3)
    log(alice, wrong, score=0.0, at=T0)
    log(alice, righted, score=0.0, at=T0)
    log(alice, righted, score=1.0, at=T0 + timedelta(hours=1))
    log(alice, wrong_again, score=1.0, at=T0)
    log(alice, wrong_again, score=0.5, at=T0 + timedelta(days=1))
    log(bob, righted, score=0.0, at=T0 + timedelta(days=2))  # another learner's miss
    assert missed_card_ids(user=alice) == {wrong.pk, wrong_again.pk}


def test_a_mock_miss_counts_until_answered_right_in_a_later_mock(alice, bank, short_blueprint):
    attempt = services.attempt_start(user=alice, blueprint=short_blueprint, kind="mock", now=T0)
    item = attempt.items.get(position=1)
    wrong_letter = next(x for x in item.option_order if x != "B")
    AttemptItem.objects.filter(pk=item.pk).update(correct=False, chosen=[wrong_letter])
    Attempt.objects.filter(pk=attempt.pk).update(submitted_at=T0 + timedelta(minutes=5))
    assert item.card_id in missed_card_ids(user=alice)
    later = Attempt.objects.create(user=alice, kind="practice", started_at=T0, submitted_at=T0 + timedelta(days=1))
    AttemptItem.objects.create(attempt=later, position=1, note_id=item.note_id, card_id=item.card_id, correct=True)
    assert item.card_id not in missed_card_ids(user=alice)


def test_practising_my_misses_draws_only_them(client, alice, bank):
    missed = question_cards(2)
    for card in missed:
        log(alice, card, score=0.0, at=T0)
    client.force_login(alice)
    page = client.get(reverse("exams:practice")).content.decode()
    assert 'id="practice-misses-start"' in page and "2 questions you answered wrong" in page
    client.post(START, {"kind": "misses", "count": "10"})
    attempt = Attempt.objects.get(user=alice)
    assert set(attempt.items.values_list("card_id", flat=True)) == {c.pk for c in missed}


def test_the_study_page_links_to_practice(client, alice):
    client.force_login(alice)
    assert f'href="{reverse("exams:practice")}"' in client.get(reverse("study")).content.decode()
