"""Scenario questions: partial credit, the grade it earns, reshuffled options,
and the trap's cards pulled forward."""

import pytest
from django.utils import timezone
from fsrs import Rating

from studyapp.notes.models import Card
from studyapp.study import questions, services
from studyapp.study.models import CardState, ReviewLog
from studyapp.study.presenters import scenario_for
from tests.study.conftest import option_b_names_the_lambda_row

S = CardState.State


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [({"A", "C"}, 1.0), ({"A"}, 0.5), ({"A", "B"}, 0.0), ({"B", "D"}, 0.0), (set(), 0.0), ({"A", "C", "B"}, 0.5)],
)
def test_partial_credit_counts_right_choices_and_charges_wrong_ones(chosen, expected):
    assert questions.score(chosen, {"A", "C"}) == expected


@pytest.mark.parametrize(
    ("result", "rating"), [(1.0, Rating.Good), (0.5, Rating.Hard), (0.3, Rating.Again), (0, Rating.Again)]
)
def test_the_score_decides_the_grade(result, rating):
    assert questions.rating_for(result) == rating


def question_state(user):
    return CardState.objects.select_related("card__note").get(user=user, card__key="TST-1:question:scenario")


@pytest.mark.django_db
def test_options_are_reshuffled_after_each_answer(alice_deck):
    state = question_state(alice_deck)
    orders = set()
    for version in range(12):
        state.version = version
        orders.add(tuple(o.choice.letter for o in scenario_for(state).options))
    assert len(orders) > 1
    assert all(sorted(order) == ["A", "B", "C", "D"] for order in orders)


@pytest.mark.django_db
def test_answering_logs_the_choice_and_score(alice_deck):
    state = question_state(alice_deck)
    outcome = services.question_answer(
        user=alice_deck, profile=alice_deck.profile, state_id=state.pk, version=state.version, chosen=["A", "B"]
    )
    assert outcome.score == 0.0
    log = ReviewLog.objects.get()
    assert log.chosen == ["A", "B"] and log.score == 0.0 and log.rating == Rating.Again


@pytest.mark.django_db
def test_a_wrong_choice_pulls_its_trap_cards_forward(alice_deck):
    now = timezone.now()
    # Learn the comparison row that explains option B (the Lambda copy) far ahead.
    lambda_row = CardState.objects.get(user=alice_deck, card__key="TST-1:compare:lambda-copy")
    services.card_grade(
        user=alice_deck, profile=alice_deck.profile, state_id=lambda_row.pk, version=0, rating=4, now=now
    )
    lambda_row.refresh_from_db()
    assert lambda_row.due > now + timezone.timedelta(days=1)
    # Option B's reasoning mentions "Lambda" only through its label; make the row head appear in it.
    state = question_state(alice_deck)
    option_b_names_the_lambda_row(state.card.note)
    outcome = services.question_answer(
        user=alice_deck, profile=alice_deck.profile, state_id=state.pk, version=state.version, chosen=["B"], now=now
    )
    assert outcome.pulled >= 1
    lambda_row.refresh_from_db()
    assert lambda_row.due <= now


@pytest.mark.django_db
def test_a_note_without_option_texts_asks_for_recall_without_leaking_labels(alice_deck, client):
    client.force_login(alice_deck)
    services.study_scope_set(user=alice_deck, profile=alice_deck.profile, kind="note", value="TST-2")
    CardState.objects.filter(user=alice_deck).exclude(card__kind=Card.Kind.QUESTION).update(suspended=True)
    body = client.get("/study/").content.decode()
    front = body.split('id="card-back"')[0]
    assert "Which 2 options are correct" in front
    assert "S3 Replication" not in front  # the label of a correct option stays hidden
    assert "S3 Replication" in body.split('id="card-back"')[1]
