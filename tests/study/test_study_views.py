"""The study views: personas, methods, fragments, and a fixed query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from studyapp.study.models import CardState, ReviewLog
from studyapp.study.services import study_queue_sync
from tests import samples
from tests.study.conftest import import_note

pytestmark = pytest.mark.django_db
# What static/js/study.js sends: it swaps the card.
HTMX = {"HX-Request": "true", "HX-Target": "study-card"}


def current_state(user):
    return CardState.objects.filter(user=user, state=0).order_by("new_rank").first()


@pytest.mark.parametrize(
    ("name", "args"),
    [("study", []), ("study_card", []), ("stats", [])],
)
def test_anonymous_users_are_sent_to_log_in(client, deck, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["study_grade", "study_answer", "study_bury", "study_suspend"])
def test_anonymous_posts_change_nothing(client, alice_deck, name):
    state = current_state(alice_deck)
    response = client.post(reverse(name, args=[state.pk]), {"rating": 3, "version": 0})
    assert response.status_code == 302
    assert ReviewLog.objects.count() == 0


@pytest.mark.parametrize("name", ["study_grade", "study_answer", "study_bury", "study_suspend"])
def test_another_learner_gets_404_for_my_cards(client, alice_deck, bob, name):
    state = current_state(alice_deck)
    client.force_login(bob)
    response = client.post(reverse(name, args=[state.pk]), {"rating": 3, "version": 0, "choice": ["A"]}, headers=HTMX)
    assert response.status_code == 404
    assert CardState.objects.get(pk=state.pk).version == 0


@pytest.mark.parametrize("name", ["study_grade", "study_answer", "study_bury", "study_suspend"])
def test_get_is_not_allowed_on_actions(client, alice_deck, name):
    client.force_login(alice_deck)
    assert client.get(reverse(name, args=[current_state(alice_deck).pk])).status_code == 405


@pytest.mark.parametrize("name", ["study_undo", "study_scope"])
def test_get_is_not_allowed_on_undo_and_scope(client, alice_deck, name):
    client.force_login(alice_deck)
    assert client.get(reverse(name)).status_code == 405


def test_the_study_page_shows_my_first_card(client, alice, deck):
    client.force_login(alice)
    response = client.get("/study/")
    assert response.status_code == 200
    body = response.content.decode()
    state = current_state(alice)
    # Questions first: the note's scenario question, before the cards that name its answer.
    assert state.card.kind == "question"
    assert 'id="study-card"' in body and 'id="submit-answer"' in body
    assert reverse("study_answer", args=[state.pk]) in body


def test_another_learner_sees_only_their_own_session(client, alice_deck, bob):
    client.force_login(alice_deck)
    client.post(reverse("study_grade", args=[current_state(alice_deck).pk]), {"rating": 3, "version": 0}, headers=HTMX)
    client.force_login(bob)
    body = client.get("/study/").content.decode()
    assert "0 done" in body
    assert ReviewLog.objects.filter(user=bob).count() == 0


def test_grading_returns_the_next_card_as_a_fragment(client, alice_deck):
    client.force_login(alice_deck)
    state = current_state(alice_deck)
    response = client.post(reverse("study_grade", args=[state.pk]), {"rating": 3, "version": 0}, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="study-card"')
    assert 'hx-swap-oob="true"' in body and "1 done" in body
    assert ReviewLog.objects.get().rating == 3


@pytest.mark.parametrize("data", [{"rating": 5, "version": 0}, {"rating": "x", "version": 0}, {"rating": 3}])
def test_bad_grades_are_rejected(client, alice_deck, data):
    client.force_login(alice_deck)
    response = client.post(reverse("study_grade", args=[current_state(alice_deck).pk]), data, headers=HTMX)
    assert response.status_code == 400
    assert ReviewLog.objects.count() == 0


def test_undo_shows_the_card_again(client, alice_deck):
    client.force_login(alice_deck)
    state = current_state(alice_deck)  # the note's question
    client.post(reverse("study_answer", args=[state.pk]), {"choice": ["A", "C"], "version": 0}, headers=HTMX)
    assert ReviewLog.objects.count() == 1
    body = client.post(reverse("study_undo"), headers=HTMX).content.decode()
    assert reverse("study_answer", args=[state.pk]) in body
    assert ReviewLog.objects.count() == 0


def test_answering_a_question_explains_every_option(client, alice_deck):
    client.force_login(alice_deck)
    state = CardState.objects.get(user=alice_deck, card__key="TST-1:question:scenario")
    response = client.post(reverse("study_answer", args=[state.pk]), {"version": 0, "choice": ["A", "B"]}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('class="option-result') == 4
    for reasoning in [
        "マネージドな複製機能",
        "運用負荷が高い",
        "ロールに復号と暗号化の権限が必要",
        "転送の高速化であって複製ではない",
    ]:
        assert reasoning in body
    assert "Score: 0%" in body
    assert "<mark>" in body


def test_scope_choice_rejects_unknown_values(client, alice_deck):
    client.force_login(alice_deck)
    assert client.post(reverse("study_scope"), {"kind": "tag", "value": "nope"}).status_code == 400
    assert client.post(reverse("study_scope"), {"kind": "galaxy", "value": ""}).status_code == 400
    assert client.post(reverse("study_scope"), {"kind": "tag", "value": "KMS"}).status_code == 302


def grow(user, prefix: str, notes: int, logs_per_card: int):
    """More notes, more card states and a long review history."""
    from datetime import timedelta

    from django.utils import timezone

    for i in range(notes):
        import_note(samples.with_id(samples.CANONICAL, f"{prefix}-{i}"), path=f"{prefix}{i}.md")
    study_queue_sync(user=user, profile=user.profile)
    now = timezone.now()
    states = list(CardState.objects.filter(user=user))
    CardState.objects.filter(user=user).update(
        state=2,
        stability=5.0,
        difficulty=5.0,
        due=now - timedelta(days=1),
        last_review=now - timedelta(days=6),
        step=None,
    )
    ReviewLog.objects.bulk_create(
        ReviewLog(
            user=user,
            card_id=s.card_id,
            state=s,
            rating=3,
            reviewed_at=now - timedelta(days=k + 1),
            study_day=(now - timedelta(days=k + 1)).date(),
            previous_state=2,
        )
        for s in states
        for k in range(logs_per_card)
    )


def grade_queries(client, user) -> int:
    state = CardState.objects.filter(user=user, state=2).order_by("due").first()
    url = reverse("study_grade", args=[state.pk])
    client.post(url, {"rating": 3, "version": state.version}, headers=HTMX)  # today's counters exist from here on
    state = CardState.objects.filter(user=user, state=2).order_by("due").first()
    url = reverse("study_grade", args=[state.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {"rating": 3, "version": state.version}, headers=HTMX)
    assert response.status_code == 200 and 'id="study-card"' in response.content.decode()
    return len(queries)


def test_a_grade_runs_a_fixed_number_of_queries_whatever_the_database_size(client, alice, bob, deck):
    client.force_login(alice)
    grow(alice, "SMALL", notes=1, logs_per_card=1)
    small = grade_queries(client, alice)
    client.force_login(bob)
    grow(bob, "LARGE", notes=25, logs_per_card=20)
    large = grade_queries(client, bob)
    assert small == large
    # Inside the test's transaction BEGIN and COMMIT are not sent; a real
    # request sends them too: 8 statements at most.
    assert large <= 6


def test_the_app_serves_no_benchmark_page(client, alice):
    # Benchmarks bring their own floor (bench/floor_site), outside the app's URLs.
    client.force_login(alice)
    assert client.get("/study/floor/").status_code == 404


def test_home_sends_learners_to_study_and_visitors_to_the_notes(client, alice):
    assert client.get("/")["Location"] == reverse("note_list")
    client.force_login(alice)
    assert client.get("/")["Location"] == reverse("study")


def test_with_an_exam_date_a_grade_still_runs_a_fixed_number_of_queries(client, alice, bob, deck):
    from datetime import timedelta

    from django.utils import timezone

    for user in (alice, bob):
        user.profile.exam_date = timezone.localdate() + timedelta(days=10)
        user.profile.save()
    client.force_login(alice)
    grow(alice, "SMALL", notes=1, logs_per_card=1)
    small = grade_queries(client, alice)
    client.force_login(bob)
    grow(bob, "LARGE", notes=25, logs_per_card=20)
    large = grade_queries(client, bob)
    assert small == large <= 6  # + BEGIN and COMMIT outside a test: 8


def test_the_progress_carried_by_the_page_counts_down_without_counting(client, alice_deck):
    client.force_login(alice_deck)
    state = current_state(alice_deck)
    url = reverse("study_grade", args=[state.pk])
    # Easy on a new card: it leaves today's queue, so one less is left.
    body = client.post(url, {"rating": 4, "version": 0, "left": 7}, headers=HTMX).content.decode()
    assert "6 left today" in body
    # Again on the next new card: it comes back today, so as many are left.
    state = current_state(alice_deck)
    body = client.post(
        reverse("study_grade", args=[state.pk]), {"rating": 1, "version": 0, "left": 6}, headers=HTMX
    ).content.decode()
    assert "6 left today" in body


def test_without_a_carried_count_the_page_counts(client, alice_deck):
    client.force_login(alice_deck)
    state = current_state(alice_deck)
    body = client.post(reverse("study_grade", args=[state.pk]), {"rating": 4, "version": 0}, headers=HTMX)
    expected = alice_deck.profile.new_per_day - 1
    total_new = CardState.objects.filter(user=alice_deck, state=0).count()
    assert f"{min(expected, total_new)} left today" in body.content.decode()
