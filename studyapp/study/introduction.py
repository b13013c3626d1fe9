"""The order in which new cards are introduced (``CardState.new_rank``):
questions first.

A note's scenario question comes before every other card of that note: its
trigger words, comparison rows and exam tips name the answer (SAP-101's
"PrivateLink が本命"), so a question met after them tests reading, not
judgement. And questions are spread through the new cards, one before every
``FLASHCARDS_PER_QUESTION`` flashcards while questions remain, drawn from the
notes ahead: with the default 20 new cards a day that is 6 or 7 questions a
day, where note order (the question after its 17 flashcards) gave about one.

Pure Python over plain rows, no database: ``study_queue_sync`` feeds it the
learner's new cards in scope and writes the ranks it returns. It rewrites
ranks only when the order it finds breaks a rule (``order_is_kept``), so a
learner who studies in order never has a rank rewritten: what is left of a
kept order is itself kept."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# At most this many flashcards between two new questions while questions
# remain: 20 new cards a day hold at least 6 questions.
FLASHCARDS_PER_QUESTION = 2
# A card that answering its note's question pulled forward
# (services.traps_pull_forward) sits at this rank and is left there.
PULLED_RANK = 0


@dataclass(frozen=True)
class NewCard:
    """One new card in the learner's scope: ``note`` is the note's id,
    ``rank`` its current new_rank (None when its state does not exist yet)."""

    card_id: int
    note: int
    is_question: bool
    rank: int | None = None
    state_id: int | None = None


def is_pulled(card: NewCard, unanswered_notes: set[int]) -> bool:
    """Pulled forward by a wrong answer to its note's question: such a card
    stays first in line, and since that question is answered it gives nothing away."""
    return card.rank == PULLED_RANK and not card.is_question and card.note not in unanswered_notes


def order_is_kept(cards: Sequence[NewCard]) -> bool:
    """Whether ``cards``, in the order the queue serves them, follow both
    rules: no flashcard before its note's unanswered question, and no more
    than FLASHCARDS_PER_QUESTION flashcards in a row while questions remain."""
    questions_left = sum(card.is_question for card in cards)
    waiting = {card.note for card in cards if card.is_question}
    run = 0
    for card in cards:
        if card.is_question:
            waiting.discard(card.note)
            questions_left -= 1
            run = 0
            continue
        if card.note in waiting:
            return False
        run += 1
        if questions_left and run > FLASHCARDS_PER_QUESTION:
            return False
    return True


def interleave(cards: Sequence[NewCard]) -> list[NewCard]:
    """``cards`` (in note order, then card position) in the order to
    introduce them: a question, then up to FLASHCARDS_PER_QUESTION
    flashcards, and so on; a note's question always before its flashcards
    (placed early when the flashcards catch up with the questions)."""
    questions = [card for card in cards if card.is_question]
    flashcards = [card for card in cards if not card.is_question]
    waiting = {card.note for card in questions}
    order: list[NewCard] = []
    qi = fi = 0
    run = FLASHCARDS_PER_QUESTION  # start with a question
    while qi < len(questions) or fi < len(flashcards):
        following = flashcards[fi] if fi < len(flashcards) else None
        question_due = following is None or run >= FLASHCARDS_PER_QUESTION or following.note in waiting
        if qi < len(questions) and question_due:
            waiting.discard(questions[qi].note)
            order.append(questions[qi])
            qi, run = qi + 1, 0
        else:
            order.append(following)
            fi, run = fi + 1, run + 1
    return order


def new_ranks(cards: Iterable[NewCard]) -> dict[int, int]:
    """The new_rank each card should have, by card id, for ``cards`` (the
    learner's new cards in scope, in note order then position; those without
    a state yet have ``rank`` None). Cards already in a kept order keep
    their rank and newcomers are ranked after them; otherwise every card but
    the pulled ones is ranked afresh from 1."""
    cards = list(cards)
    unanswered = {card.note for card in cards if card.is_question}
    pulled = [card for card in cards if is_pulled(card, unanswered)]
    pulled_ids = {card.card_id for card in pulled}
    ranked = sorted(
        (card for card in cards if card.rank is not None and card.card_id not in pulled_ids),
        key=lambda card: (card.rank, card.state_id or 0),
    )
    newcomers = interleave([card for card in cards if card.rank is None])
    ranks = {card.card_id: PULLED_RANK for card in pulled}
    if order_is_kept(ranked + newcomers):
        top = max((card.rank for card in ranked), default=PULLED_RANK)
        ranks |= {card.card_id: card.rank for card in ranked}
        ranks |= {card.card_id: top + i for i, card in enumerate(newcomers, start=1)}
        return ranks
    rest = [card for card in cards if card.card_id not in pulled_ids]
    ranks |= {card.card_id: i for i, card in enumerate(interleave(rest), start=1)}
    return ranks
