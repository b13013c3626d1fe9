"""The exam services against the database: drawing, saving, flagging,
submitting, the deadline (with a fake clock: ``now`` is always passed in)."""

from collections import Counter
from datetime import timedelta

import pytest

from studyapp.exams import services
from studyapp.exams.models import Attempt, AttemptItem
from studyapp.notes.askable import cards_askable_refresh
from studyapp.notes.models import Note, Option
from tests.exams.bank import bank_build
from tests.exams.conftest import T0


def start(user, blueprint, now=T0, **kwargs):
    return services.attempt_start(user=user, blueprint=blueprint, kind=Attempt.Kind.MOCK, now=now, **kwargs)


def correct_letters(item) -> list[str]:
    return sorted(Option.objects.filter(note_id=item.note_id, is_correct=True).values_list("letter", flat=True))


def test_a_mock_draws_75_by_the_sap_c02_weights(alice, sap_c02, bank):
    attempt = start(alice, sap_c02)
    domains = Counter(attempt.items.values_list("domain", flat=True))
    assert sorted(domains.values()) == [15, 19, 19, 22]
    assert domains["Design for New Solutions"] == 22
    assert attempt.question_count == 75 and attempt.deadline == T0 + timedelta(minutes=180)
    assert sorted(attempt.items.values_list("position", flat=True)) == list(range(1, 76))
    assert attempt.shortfall == []


def test_only_published_notes_with_valid_options_are_drawn(alice, short_blueprint):
    notes = bank_build(size=8)
    Note.objects.filter(pk=notes[0].pk).update(is_published=False)
    Option.objects.filter(note=notes[1]).update(text="")  # an option without text
    Option.objects.filter(note=notes[2]).update(is_correct=False)  # no key
    cards_askable_refresh(note_ids=[notes[1].pk, notes[2].pk])  # as an import of those options would
    attempt = start(alice, short_blueprint, count=8)
    drawn = set(attempt.items.values_list("note_id", flat=True))
    assert drawn == {n.pk for n in notes[3:]}


def test_the_next_mock_prefers_questions_not_seen_in_a_mock(alice, bob, short_blueprint):
    bank_build(size=8)
    first = start(alice, short_blueprint)
    services.attempt_submit(user=alice, attempt_id=first.pk, now=T0)
    second = start(alice, short_blueprint, now=T0 + timedelta(hours=1))
    seen = set(first.items.values_list("note_id", flat=True))
    assert not seen & set(second.items.values_list("note_id", flat=True))
    # Another learner's mocks do not count as alice's.
    assert start(bob, short_blueprint).items.count() == 4


def test_a_short_domain_is_filled_from_others_and_said(alice, sap_c02):
    bank_build(size=100, per_domain=[5, 35, 30, 30])
    attempt = start(alice, sap_c02)
    assert attempt.items.count() == 75
    assert attempt.shortfall == [{"name": "Design Solutions for Organizational Complexity", "wanted": 19, "drawn": 5}]


def test_options_are_shuffled_and_the_key_follows(alice, sap_c02, bank):
    attempt = start(alice, sap_c02, seed=7)
    items = list(attempt.items.all())
    assert all(sorted(item.option_order) == sorted(set(item.option_order)) for item in items)
    assert any(item.option_order != sorted(item.option_order) for item in items)
    # Answer each with its key, found by letter wherever the shuffle put it.
    for item in items:
        services.attempt_answer(
            user=alice,
            attempt_id=attempt.pk,
            position=item.position,
            chosen=correct_letters(item),
            time_ms=1000,
            now=T0,
        )
    services.attempt_submit(user=alice, attempt_id=attempt.pk, now=T0 + timedelta(minutes=5))
    assert set(attempt.items.values_list("correct", flat=True)) == {True}
    assert set(attempt.items.values_list("score", flat=True)) == {1.0}


def test_starting_twice_gives_back_the_open_mock(alice, short_blueprint, bank):
    first = start(alice, short_blueprint)
    assert start(alice, short_blueprint, now=T0 + timedelta(minutes=1)).pk == first.pk
    assert Attempt.objects.filter(user=alice).count() == 1


def test_saving_the_same_answer_twice_changes_nothing_but_the_version(alice, short_blueprint, bank):
    attempt = start(alice, short_blueprint)
    item = attempt.items.get(position=2)
    letter = item.option_order[0]
    for _ in range(2):
        services.attempt_answer(user=alice, attempt_id=attempt.pk, position=2, chosen=[letter], time_ms=4000, now=T0)
    item.refresh_from_db()
    assert item.chosen == [letter] and item.time_ms == 4000 and item.answered_at == T0
    # A resend with an older running total keeps the larger one.
    services.attempt_answer(user=alice, attempt_id=attempt.pk, position=2, chosen=[letter], time_ms=3000, now=T0)
    item.refresh_from_db()
    assert item.time_ms == 4000
    attempt.refresh_from_db()
    assert attempt.version == 3 and attempt.position == 2


def test_an_answer_can_be_changed_and_cleared(alice, short_blueprint, bank):
    attempt = start(alice, short_blueprint)
    item = attempt.items.get(position=1)
    services.attempt_answer(
        user=alice, attempt_id=attempt.pk, position=1, chosen=[item.option_order[0]], time_ms=1, now=T0
    )
    services.attempt_answer(user=alice, attempt_id=attempt.pk, position=1, chosen=[], time_ms=2, now=T0)
    item.refresh_from_db()
    assert item.chosen == [] and item.answered_at is None


def test_more_options_than_asked_or_unknown_letters_are_refused_and_nothing_is_saved(alice, short_blueprint, bank):
    attempt = start(alice, short_blueprint, count=4)
    item = attempt.items.get(position=1)
    too_many = item.option_order[: item.needed + 1]
    with pytest.raises(services.TooManyChoices):
        services.attempt_answer(user=alice, attempt_id=attempt.pk, position=1, chosen=too_many, time_ms=1, now=T0)
    with pytest.raises(services.InvalidAnswer, match="no option Z"):
        services.attempt_answer(user=alice, attempt_id=attempt.pk, position=1, chosen=["Z"], time_ms=1, now=T0)
    item.refresh_from_db()
    attempt.refresh_from_db()
    assert item.chosen == [] and attempt.version == 0


def test_another_learners_attempt_is_not_found(alice, bob, short_blueprint, bank):
    attempt = start(alice, short_blueprint)
    with pytest.raises(services.AttemptNotFound):
        services.attempt_answer(user=bob, attempt_id=attempt.pk, position=1, chosen=[], time_ms=0, now=T0)
    with pytest.raises(services.AttemptNotFound):
        services.attempt_submit(user=bob, attempt_id=attempt.pk, now=T0)
    with pytest.raises(services.AttemptNotFound):
        services.attempt_answer(user=alice, attempt_id=attempt.pk, position=99, chosen=[], time_ms=0, now=T0)


def test_flags_are_kept(alice, short_blueprint, bank):
    attempt = start(alice, short_blueprint)
    services.attempt_flag(user=alice, attempt_id=attempt.pk, position=3, flagged=True, now=T0)
    assert list(attempt.items.filter(flagged=True).values_list("position", flat=True)) == [3]
    services.attempt_flag(user=alice, attempt_id=attempt.pk, position=3, flagged=False, now=T0)
    assert not attempt.items.filter(flagged=True).exists()


def test_the_deadline_refuses_later_answers_and_submits_with_what_was_saved(alice, short_blueprint, bank):
    """The fake clock: answers before the deadline are kept, one after it is
    refused, and the attempt is submitted at the deadline, not when noticed."""
    attempt = start(alice, short_blueprint)
    deadline = attempt.deadline
    first, second = attempt.items.get(position=1), attempt.items.get(position=2)
    services.attempt_answer(
        user=alice,
        attempt_id=attempt.pk,
        position=1,
        chosen=correct_letters(first),
        time_ms=1,
        now=deadline - timedelta(seconds=1),
    )
    with pytest.raises(services.AttemptClosed):
        services.attempt_answer(
            user=alice, attempt_id=attempt.pk, position=2, chosen=correct_letters(second), time_ms=1, now=deadline
        )
    attempt.refresh_from_db()
    assert attempt.submitted_at == deadline and attempt.submitted_reason == Attempt.Reason.DEADLINE
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.correct is True and second.chosen == [] and second.correct is False
    # Later still: still refused, still submitted at the deadline.
    with pytest.raises(services.AttemptClosed):
        services.attempt_flag(
            user=alice, attempt_id=attempt.pk, position=1, flagged=True, now=deadline + timedelta(hours=2)
        )
    attempt.refresh_from_db()
    assert attempt.submitted_at == deadline


def test_submitting_late_counts_as_the_deadline(alice, short_blueprint, bank):
    attempt = start(alice, short_blueprint)
    done = services.attempt_submit(user=alice, attempt_id=attempt.pk, now=attempt.deadline + timedelta(minutes=3))
    assert done.submitted_at == attempt.deadline and done.submitted_reason == Attempt.Reason.DEADLINE


def test_submitting_twice_changes_nothing(alice, short_blueprint, bank):
    attempt = start(alice, short_blueprint)
    services.attempt_submit(user=alice, attempt_id=attempt.pk, now=T0 + timedelta(minutes=1))
    again = services.attempt_submit(user=alice, attempt_id=attempt.pk, now=T0 + timedelta(minutes=2))
    assert again.submitted_at == T0 + timedelta(minutes=1) and again.submitted_reason == Attempt.Reason.LEARNER


def test_the_deadline_task_submits_an_attempt_left_alone(alice, short_blueprint, bank, monkeypatch):
    from studyapp.exams import tasks

    attempt = start(alice, short_blueprint)
    monkeypatch.setattr(tasks.timezone, "now", lambda: attempt.deadline + timedelta(seconds=1))
    assert tasks.attempt_deadline_submit.call(attempt.pk) is True
    attempt.refresh_from_db()
    assert attempt.submitted_at == attempt.deadline


def test_partial_credit_is_kept_but_correct_needs_every_right_option(alice, short_blueprint):
    bank_build(size=5)  # note 4 asks for two of five (A and C)
    attempt = start(alice, short_blueprint, count=5)
    multi = next(item for item in attempt.items.all() if item.needed == 2)
    services.attempt_answer(user=alice, attempt_id=attempt.pk, position=multi.position, chosen=["A"], time_ms=1, now=T0)
    services.attempt_submit(user=alice, attempt_id=attempt.pk, now=T0)
    multi.refresh_from_db()
    assert multi.correct is False and multi.score == 0.5


@pytest.mark.parametrize("size", [100, 400])
def test_starting_a_mock_takes_the_same_number_of_queries_whatever_the_bank(
    alice, sap_c02, size, django_assert_max_num_queries
):
    bank_build(size=size)
    with django_assert_max_num_queries(10):
        start(alice, sap_c02)
    assert AttemptItem.objects.count() == 75


@pytest.mark.parametrize("size", [100, 400])
def test_saving_an_answer_takes_a_few_queries(alice, sap_c02, size, django_assert_max_num_queries):
    bank_build(size=size)
    attempt = start(alice, sap_c02)
    item = attempt.items.get(position=5)
    with django_assert_max_num_queries(6):
        services.attempt_answer(
            user=alice, attempt_id=attempt.pk, position=5, chosen=item.option_order[:1], time_ms=9, now=T0
        )


def test_a_backend_that_can_defer_gets_the_deadline_task_at_the_deadline(
    alice, short_blueprint, bank, settings, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        attempt = start(alice, short_blueprint)
    queued = default_task_backend.results
    assert [(r.task.name, r.args, r.task.run_after) for r in queued] == [
        ("attempt_deadline_submit", [attempt.pk], attempt.deadline)
    ]


def test_a_backend_that_cannot_defer_leaves_the_deadline_to_the_next_visit(alice, short_blueprint, bank):
    from studyapp.exams.tasks import schedule_deadline

    attempt = start(alice, short_blueprint)
    assert schedule_deadline(attempt) is False  # the immediate backend of the tests
