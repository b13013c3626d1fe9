"""The day's bundle for studying offline (GET /study/offline/bundle/)."""

import json

import pytest
from django.urls import reverse

from studyapp.study.models import CardState
from studyapp.study.offline_bundle import bundle_json

pytestmark = pytest.mark.django_db
S = CardState.State
URL = "study_offline_bundle"


def fetch(client, user):
    client.force_login(user)
    response = client.get(reverse(URL))
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_the_bundle_holds_the_days_new_cards_with_their_html_and_versions(client, alice_deck):
    alice_deck.profile.new_per_day = 5
    alice_deck.profile.save()
    response, bundle = fetch(client, alice_deck)
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/json"
    assert bundle["version"] == 1
    assert bundle["new_left"] == 5
    cards = bundle["cards"]
    expected = list(
        CardState.objects.filter(user=alice_deck, state=S.NEW).order_by("new_rank", "id").values_list("id", flat=True)
    )[:5]
    assert [c["state_id"] for c in cards] == expected
    for card in cards:
        assert card["version"] == CardState.objects.get(pk=card["state_id"]).version
        assert card["fsrs"]["state"] == S.NEW
        if card["question"] is None:
            assert card["front_html"] and "<script" not in card["front_html"]
    assert bundle["bytes"] == len(response.content)


def test_a_question_comes_with_its_options_and_their_reasoning(client, alice_deck):
    CardState.objects.filter(user=alice_deck).exclude(card__kind="question").update(suspended=True)
    _response, bundle = fetch(client, alice_deck)
    (card,) = [c for c in bundle["cards"] if c["note_id"] == "TST-1"]
    question = card["question"]
    assert question["mode"] == "choice"
    assert question["choose"] == sum(o["correct"] for o in question["options"]) >= 1
    assert all(o["text_html"] and o["reasoning_html"] for o in question["options"])
    assert "<p>" in question["stem_html"]


def test_the_bundle_follows_the_daily_limits(client, alice_deck):
    from django.utils import timezone

    now = timezone.now()
    states = list(CardState.objects.filter(user=alice_deck).order_by("id"))
    for state in states[:4]:
        CardState.objects.filter(pk=state.pk).update(
            state=S.REVIEW, stability=3.0, difficulty=5.0, due=now, last_review=now, step=None
        )
    alice_deck.profile.new_per_day = 0
    alice_deck.profile.reviews_per_day = 3
    alice_deck.profile.save()
    _response, bundle = fetch(client, alice_deck)
    assert bundle["new_left"] == 0 and bundle["reviews_left"] == 3
    assert len(bundle["cards"]) == 3
    assert {c["fsrs"]["state"] for c in bundle["cards"]} == {S.REVIEW}


def test_the_scheduler_is_the_one_grading_uses(client, alice_deck):
    from fsrs.scheduler import DEFAULT_PARAMETERS

    fitted = [round(p * 1.01, 4) for p in DEFAULT_PARAMETERS]
    alice_deck.profile.fsrs_parameters = fitted
    alice_deck.profile.desired_retention = 0.85
    alice_deck.profile.save()
    _response, bundle = fetch(client, alice_deck)
    assert bundle["scheduler"]["parameters"] == fitted
    assert bundle["scheduler"]["desired_retention"] == 0.85
    assert bundle["scheduler"]["learning_steps_s"] == [60, 600]
    assert bundle["scheduler"]["relearning_steps_s"] == [600]


def test_another_learners_cards_are_never_in_the_bundle(client, alice_deck, bob):
    _response, bundle = fetch(client, bob)
    mine = set(CardState.objects.filter(user=bob).values_list("id", flat=True))
    assert {c["state_id"] for c in bundle["cards"]} <= mine
    assert not {c["state_id"] for c in bundle["cards"]} & set(
        CardState.objects.filter(user=alice_deck).values_list("id", flat=True)
    )


def test_anonymous_is_sent_to_log_in(client, deck):
    response = client.get(reverse(URL))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_post_is_not_allowed(client, alice_deck):
    client.force_login(alice_deck)
    assert client.post(reverse(URL)).status_code == 405


def test_bytes_is_the_size_of_the_json():
    bundle = {"cards": ["x" * 1000], "bytes": 0}
    from studyapp.study.offline_bundle import bundle_sized

    sized = bundle_sized(bundle)
    assert sized["bytes"] == len(bundle_json(sized))


def bundle_statements(user) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from studyapp.study import services
    from studyapp.study.offline_bundle import offline_bundle

    profile, now = user.profile, timezone.now()
    services.study_session_open(user=user, profile=profile, now=now)
    today = services.today_for(user=user, profile=profile, now=now)
    with CaptureQueriesContext(connection) as queries:
        bundle = offline_bundle(user=user, profile=profile, today=today, study_day=profile.clock().study_day(now))
    return len(queries), len(bundle["cards"])


def test_the_bundle_costs_the_same_statements_for_more_cards(alice_deck):
    from tests import samples
    from tests.study.conftest import import_note

    alice_deck.profile.new_per_day = 200
    alice_deck.profile.save()
    few_statements, few_cards = bundle_statements(alice_deck)
    for number in range(3, 6):
        import_note(samples.with_id(samples.CANONICAL, f"TST-{number}"), path=f"n{number}.md")
    many_statements, many_cards = bundle_statements(alice_deck)
    assert many_cards > few_cards
    assert many_statements == few_statements <= 6


def test_the_bundle_follows_the_exam_plans_new_card_limit(client, alice_deck):
    from datetime import timedelta

    from django.utils import timezone

    from studyapp.study.models import StudyDay

    profile = alice_deck.profile
    profile.new_per_day = 1
    profile.exam_date = timezone.now().date() + timedelta(days=20)
    profile.save()
    _response, bundle = fetch(client, alice_deck)
    planned = StudyDay.objects.get(user=alice_deck, day=bundle["study_day"])
    assert planned.planned_at is not None
    assert planned.new_limit > 1
    assert bundle["new_left"] == planned.new_limit
    assert sum(c["fsrs"]["state"] == S.NEW for c in bundle["cards"]) == planned.new_limit
