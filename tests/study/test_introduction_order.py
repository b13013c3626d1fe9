"""The order new cards are introduced in (studyapp.study.introduction), as
plain rows: a note's question before its cards, questions spread through the
new cards, and ranks left alone while the order they make is kept."""

from studyapp.study.introduction import (
    FLASHCARDS_PER_QUESTION,
    PULLED_RANK,
    NewCard,
    interleave,
    new_ranks,
    order_is_kept,
)


def deck(notes: int, flashcards: int = 17) -> list[NewCard]:
    """``notes`` notes in note order, each its flashcards then its question (as positions run)."""
    cards, next_id = [], 1
    for note in range(1, notes + 1):
        for _ in range(flashcards):
            cards.append(NewCard(next_id, note, False))
            next_id += 1
        cards.append(NewCard(next_id, note, True))
        next_id += 1
    return cards


def test_each_note_s_question_comes_before_every_card_of_its_note():
    order = interleave(deck(10))
    for note in range(1, 11):
        first = next(i for i, card in enumerate(order) if card.note == note)
        assert order[first].is_question


def test_questions_come_one_before_every_two_flashcards_while_any_remain():
    order = interleave(deck(10))
    assert [card.is_question for card in order[:9]] == [True, False, False] * 3
    last_question = max(i for i, card in enumerate(order) if card.is_question)
    run = 0
    for card in order[:last_question]:
        run = 0 if card.is_question else run + 1
        assert run <= FLASHCARDS_PER_QUESTION
    assert sum(card.is_question for card in order[:20]) >= 6  # a day's 20 new cards


def test_short_notes_still_get_their_question_first():
    order = interleave(deck(6, flashcards=1))
    seen_questions = set()
    for card in order:
        if card.is_question:
            seen_questions.add(card.note)
        else:
            assert card.note in seen_questions


def test_every_card_is_placed_once():
    cards = deck(7, flashcards=5)
    assert sorted(c.card_id for c in interleave(cards)) == sorted(c.card_id for c in cards)


def test_notes_without_a_question_are_plain_flashcards_in_note_order():
    cards = [NewCard(1, 1, False), NewCard(2, 1, False), NewCard(3, 2, False)]
    assert interleave(cards) == cards


def test_a_flashcard_before_its_unanswered_question_breaks_the_order():
    question, flashcard = NewCard(2, 1, True), NewCard(1, 1, False)
    assert not order_is_kept([flashcard, question])
    assert order_is_kept([question, flashcard])


def test_a_long_run_of_flashcards_before_the_next_question_breaks_the_order():
    flashcards = [NewCard(i, 1, False) for i in range(1, 4)]
    assert not order_is_kept([*flashcards, NewCard(9, 2, True)])
    assert order_is_kept([*flashcards[:2], NewCard(9, 2, True), flashcards[2]])
    assert order_is_kept(flashcards)  # no question left: any run


def test_fresh_cards_are_ranked_from_one_in_the_interleaved_order():
    cards = deck(3, flashcards=3)
    ranks = new_ranks(cards)
    by_rank = sorted(cards, key=lambda c: ranks[c.card_id])
    assert by_rank == interleave(cards)
    assert sorted(ranks.values()) == list(range(1, len(cards) + 1))


def with_ranks(cards: list[NewCard], ranks: dict[int, int]) -> list[NewCard]:
    return [NewCard(c.card_id, c.note, c.is_question, rank=ranks[c.card_id], state_id=c.card_id) for c in cards]


def test_what_is_left_of_a_kept_order_keeps_its_ranks():
    cards = deck(4, flashcards=4)
    ranks = new_ranks(cards)
    order = sorted(with_ranks(cards, ranks), key=lambda c: c.rank)
    for studied in (1, 2, 5, 11):
        left = [c for c in cards if c.card_id in {o.card_id for o in order[studied:]}]
        assert new_ranks(with_ranks(left, ranks)) == {c.card_id: ranks[c.card_id] for c in left}


def test_note_order_from_before_questions_first_is_ranked_afresh():
    cards = deck(2, flashcards=3)
    old = with_ranks(cards, {c.card_id: i for i, c in enumerate(cards)})  # the question last, as before
    ranks = new_ranks(old)
    first = min(ranks, key=ranks.get)
    assert next(c for c in cards if c.card_id == first).is_question


def test_a_card_pulled_forward_by_its_answered_question_stays_first():
    cards = deck(2, flashcards=3)
    note_one_answered = [c for c in cards if not (c.note == 1 and c.is_question)]
    ranks = new_ranks(note_one_answered)
    pulled = note_one_answered[1]
    ranks[pulled.card_id] = PULLED_RANK
    again = new_ranks(with_ranks(note_one_answered, ranks))
    assert again[pulled.card_id] == PULLED_RANK


def test_rank_zero_from_before_questions_first_is_not_taken_for_a_pull():
    cards = deck(1, flashcards=2)  # note 1's question still unanswered
    old = with_ranks(cards, {c.card_id: i for i, c in enumerate(cards)})
    ranks = new_ranks(old)
    assert ranks[cards[0].card_id] != PULLED_RANK
    assert min(ranks, key=ranks.get) == cards[-1].card_id  # the question


def test_newcomers_join_a_kept_order_after_it():
    cards = deck(2, flashcards=2)
    ranks = new_ranks(cards)
    added = NewCard(99, 3, True)
    again = new_ranks([*with_ranks(cards, ranks), added])
    assert {k: v for k, v in again.items() if k != 99} == ranks
    assert again[99] == max(ranks.values()) + 1
