"""Questions first in daily study: the study page ranks a note's scenario
question before its cards (for new learners and for those who started
before), hiding an unanswered question hides its note's new cards with it,
and "questions only" is a scope."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from studyapp.accounts.models import Profile
from studyapp.notes.models import Card
from studyapp.study import services
from studyapp.study.introduction import PULLED_RANK
from studyapp.study.models import CardState
from tests import samples
from tests.study.conftest import import_note, option_b_names_the_lambda_row
from tests.support.study import study_next

pytestmark = pytest.mark.django_db
S = CardState.State
QUESTION = "TST-1:question:scenario"


def new_in_order(user):
    return list(
        CardState.objects.filter(user=user, state=S.NEW, in_scope=True)
        .select_related("card")
        .order_by("new_rank", "id")
    )


def first_card(user):
    return study_next(user=user, profile=user.profile)[0]


def test_a_new_learner_meets_the_question_before_the_cards_of_its_note(alice_deck):
    order = new_in_order(alice_deck)
    tst1 = [s.card.key for s in order if s.card.note.note_id == "TST-1"]
    assert tst1[0] == QUESTION
    assert first_card(alice_deck).card.key == QUESTION


def test_a_learner_who_started_before_gets_the_new_order_when_the_page_opens(alice_deck):
    # Note order, the question after its cards, as ranked before questions came first.
    old = CardState.objects.filter(user=alice_deck).order_by("card__note__note_id", "card__position")
    for rank, state in enumerate(old):
        CardState.objects.filter(pk=state.pk).update(new_rank=rank)
    assert first_card(alice_deck).card.key != QUESTION
    services.study_session_open(user=alice_deck, profile=alice_deck.profile)
    assert first_card(alice_deck).card.key == QUESTION


def test_studying_in_order_rewrites_no_rank(alice_deck):
    profile = alice_deck.profile
    for _ in range(4):
        state = first_card(alice_deck)
        services.card_grade(user=alice_deck, profile=profile, state_id=state.pk, version=state.version, rating=3)
    ranks = dict(CardState.objects.filter(user=alice_deck, state=S.NEW).values_list("id", "new_rank"))
    with CaptureQueriesContext(connection) as queries:
        services.study_queue_sync(user=alice_deck, profile=profile)
    assert not [q for q in queries.captured_queries if '"new_rank"' in q["sql"] and "UPDATE" in q["sql"].upper()]
    assert dict(CardState.objects.filter(user=alice_deck, state=S.NEW).values_list("id", "new_rank")) == ranks


def test_the_page_opening_runs_the_same_queries_with_more_notes(alice_deck, django_assert_max_num_queries):
    profile = alice_deck.profile
    services.study_queue_sync(user=alice_deck, profile=profile)
    with CaptureQueriesContext(connection) as small:
        services.study_queue_sync(user=alice_deck, profile=profile)
    for n in range(3, 9):
        import_note(samples.with_id(samples.CANONICAL, f"TST-{n}"))
    services.study_queue_sync(user=alice_deck, profile=profile)
    with django_assert_max_num_queries(len(small.captured_queries)):
        services.study_queue_sync(user=alice_deck, profile=profile)


def test_new_notes_bring_their_questions_before_their_cards(alice_deck):
    import_note(samples.with_id(samples.CANONICAL, "TST-3"))
    services.study_queue_sync(user=alice_deck, profile=alice_deck.profile)
    keys = [s.card.key for s in new_in_order(alice_deck) if s.card.note.note_id == "TST-3"]
    assert keys[0] == "TST-3:question:scenario"


def test_a_card_a_wrong_answer_pulled_forward_stays_first(alice_deck):
    profile = alice_deck.profile
    question = CardState.objects.get(user=alice_deck, card__key=QUESTION)
    option_b_names_the_lambda_row(question.card.note)
    outcome = services.question_answer(
        user=alice_deck, profile=profile, state_id=question.pk, version=question.version, chosen=["B"]
    )
    assert outcome.pulled >= 1
    pulled = CardState.objects.get(user=alice_deck, card__key="TST-1:compare:lambda-copy")
    assert pulled.new_rank == PULLED_RANK
    services.study_queue_sync(user=alice_deck, profile=profile)
    pulled.refresh_from_db()
    assert pulled.new_rank == PULLED_RANK


def note_cards(user, *, exclude_question=True):
    states = CardState.objects.filter(user=user, card__note__note_id="TST-1")
    return states.exclude(card__kind=Card.Kind.QUESTION) if exclude_question else states


def test_burying_an_unanswered_question_buries_its_note_s_new_cards_until_tomorrow(alice_deck):
    profile = alice_deck.profile
    question = first_card(alice_deck)
    assert services.card_bury(user=alice_deck, profile=profile, state_id=question.pk, version=question.version)
    assert not note_cards(alice_deck).filter(buried_until__isnull=True).exists()
    shown = first_card(alice_deck)
    assert shown is None or shown.card.note.note_id != "TST-1"
    outcome = services.review_undo(user=alice_deck, profile=profile)
    assert outcome.kind == "bury"
    assert not note_cards(alice_deck).filter(buried_until__isnull=False).exists()
    assert first_card(alice_deck).card.key == QUESTION


def test_suspending_an_unanswered_question_suspends_its_note_s_new_cards_until_it_returns(alice_deck):
    profile = alice_deck.profile
    question = first_card(alice_deck)
    assert services.card_suspend(user=alice_deck, profile=profile, state_id=question.pk, version=question.version)
    assert not note_cards(alice_deck).filter(suspended=False).exists()
    assert services.card_unsuspend(user=alice_deck, state_id=question.pk)
    assert not note_cards(alice_deck, exclude_question=False).filter(suspended=True).exists()
    assert first_card(alice_deck).card.key == QUESTION


def test_hiding_an_answered_question_hides_only_it(alice_deck):
    profile = alice_deck.profile
    question = first_card(alice_deck)
    services.question_answer(
        user=alice_deck, profile=profile, state_id=question.pk, version=question.version, chosen=["A", "C"]
    )
    question.refresh_from_db()
    assert services.card_bury(user=alice_deck, profile=profile, state_id=question.pk, version=question.version)
    assert not note_cards(alice_deck).filter(buried_until__isnull=False).exists()


def test_the_bury_button_of_a_new_question_waits_for_the_server(client, alice_deck):
    client.force_login(alice_deck)
    body = client.get(reverse("study")).content.decode()
    state = first_card(alice_deck)
    assert state.card.key == QUESTION
    assert f'action="{reverse("study_bury", args=[state.pk])}" data-study="wait"' in body
    assert f'action="{reverse("study_suspend", args=[state.pk])}" data-study="wait"' in body


def test_questions_only_is_a_scope_without_a_value(client, alice_deck):
    client.force_login(alice_deck)
    response = client.post(reverse("study_scope"), {"kind": "questions", "value": "TST-1"})
    assert response.status_code == 302
    profile = Profile.objects.get(user=alice_deck)
    assert (profile.scope_kind, profile.scope_value) == ("questions", "")
    in_scope = CardState.objects.filter(user=alice_deck, in_scope=True)
    assert set(in_scope.values_list("card__kind", flat=True)) == {Card.Kind.QUESTION}
    body = client.get(reverse("study")).content.decode()
    assert "Scenario questions only" in body
    assert 'data-mode="question"' in body or "kind-question" in body


def test_questions_only_in_japanese(client, alice_deck):
    alice_deck.profile.language = "ja"
    alice_deck.profile.save(update_fields=["language"])
    client.force_login(alice_deck)
    client.post(reverse("study_scope"), {"kind": "questions"})
    body = client.get(reverse("study"), headers={"Accept-Language": "ja"}).content.decode()
    assert "シナリオ問題のみ" in body


def test_leaving_questions_only_brings_the_cards_back_questions_first(alice_deck):
    profile = alice_deck.profile
    services.study_scope_set(user=alice_deck, profile=profile, kind="questions", value="")
    services.study_scope_set(user=alice_deck, profile=profile, kind="all", value="")
    assert first_card(alice_deck).card.key == QUESTION
