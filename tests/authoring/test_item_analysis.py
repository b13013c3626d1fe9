"""Item analysis figures against an independent computation on answers
whose pattern is known: 24 learners, four scenario questions (correct A and
C of A-D each), and flashcards with known lapses and leeches.

Q-1 misleads the strong: those who do well on the others fall for D. Q-2 and
Q-3 separate the learners as they should. Q-4 is answered right by everyone."""

import math
import statistics
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.authoring import analysis, services
from studyapp.authoring.models import ProblemReport
from studyapp.notes.models import Card, Note
from studyapp.study import questions
from studyapp.study.models import CardState, ReviewLog
from tests import samples
from tests.authoring.conftest import create_note

pytestmark = pytest.mark.django_db

LEARNERS = 24
CORRECT = {"A", "C"}


def first_choice(question: str, i: int) -> list[str]:
    """Learner i's first answer to each question (i < 12: the strong half)."""
    strong = i < 12
    if question == "Q-1":  # the strong fall for D; a third of the weak get it right
        return ["A", "D"] if strong else (["A", "C"] if i % 3 == 0 else ["A", "B"])
    if question == "Q-2":  # the strong get it, the weak half-way
        return ["A", "C"] if strong else ["A"]
    if question == "Q-3":  # the strong get it; the weak choose B or only A
        return ["A", "C"] if strong else (["B"] if i % 2 else ["A"])
    return ["A", "C"]  # everyone


QUESTIONS = ("Q-1", "Q-2", "Q-3", "Q-4")


@pytest.fixture
def answers(ines, django_user_model):
    for note_id in QUESTIONS:
        create_note(ines, samples.with_id(samples.CANONICAL, note_id))
    cards = {c.note.note_id: c for c in Card.objects.filter(kind="question").select_related("note")}
    now = timezone.now()
    logs = []
    users = [django_user_model.objects.create_user(f"learner{i:02d}") for i in range(LEARNERS)]
    for i, user in enumerate(users):
        for note_id, card in cards.items():
            chosen = first_choice(note_id, i)
            score = questions.score(set(chosen), CORRECT)
            logs.append(_log(user, card, now, chosen, score))
            # A later answer (after the explanation): never counted as the first.
            logs.append(_log(user, card, now + timedelta(days=3), ["A", "C"], 1.0))
    ReviewLog.objects.bulk_create(logs)
    return cards, users


def _log(user, card, when, chosen, score):
    return ReviewLog(
        user=user,
        card=card,
        rating=3 if score == 1 else 1,
        reviewed_at=when,
        study_day=when.date(),
        previous_state=0,
        chosen=chosen,
        score=score,
    )


def independent(question: str):
    """Figures computed here from the design, not from the database."""
    firsts = {q: [first_choice(q, i) for i in range(LEARNERS)] for q in QUESTIONS}
    scores = {q: [questions.score(set(c), CORRECT) for c in firsts[q]] for q in firsts}
    full = [1 if s == 1 else 0 for s in scores[question]]
    rest = [
        statistics.mean(scores[q][i] for q in scores if q != question) for i in range(LEARNERS)
    ]  # each learner's mean over the other questions
    p = sum(full) / LEARNERS
    m1 = statistics.mean(r for r, x in zip(rest, full, strict=True) if x) if any(full) else 0
    m0 = statistics.mean(r for r, x in zip(rest, full, strict=True) if not x) if not all(full) else 0
    sd = statistics.pstdev(rest)
    r_pb = None if p in (0, 1) or sd == 0 else (m1 - m0) / sd * math.sqrt(p * (1 - p))
    shares = {letter: sum(letter in c for c in firsts[question]) / LEARNERS for letter in "ABCD"}
    return {"facility": p, "discrimination": r_pb, "shares": shares, "mean": statistics.mean(scores[question])}


def test_question_figures_equal_an_independent_computation(answers):
    stats = {s.card.note.note_id: s for s in analysis.questions_analyse(notes=services_notes())}
    for question in QUESTIONS:
        s, expected = stats[question], independent(question)
        assert (s.learners, s.attempts) == (LEARNERS, 2 * LEARNERS)
        assert s.facility == pytest.approx(expected["facility"])
        assert s.mean_score == pytest.approx(expected["mean"])
        if expected["discrimination"] is None:
            assert s.discrimination is None
        else:
            assert s.discrimination == pytest.approx(expected["discrimination"])
        assert {o.letter: o.share for o in s.options} == pytest.approx(expected["shares"])
    assert stats["Q-1"].discrimination < 0 < min(stats["Q-2"].discrimination, stats["Q-3"].discrimination)
    assert stats["Q-4"].discrimination is None  # everyone right: nothing to separate


def services_notes():
    return Note.objects.all()


def test_flags_name_what_looks_broken(answers):
    stats = {s.card.note.note_id: s for s in analysis.questions_analyse(notes=services_notes())}
    assert stats["Q-1"].flags == ["negative_discrimination", "distractor_over_key", "too_hard"]
    assert stats["Q-2"].flags == ["option_never_chosen"]  # B and D
    assert stats["Q-3"].flags == ["option_never_chosen"]  # D
    assert stats["Q-4"].flags == ["option_never_chosen", "too_easy"]
    # Most in need of attention first.
    order = [s.card.note.note_id for s in analysis.questions_analyse(notes=services_notes())]
    assert order[0] == "Q-1" and order[1] == "Q-4"


def test_no_flags_before_enough_answers(ines):
    create_note(ines, samples.with_id(samples.CANONICAL, "Q-9"))
    card = Card.objects.get(kind="question")
    _log(ines, card, timezone.now(), ["B"], 0.0).save()
    (stats,) = analysis.questions_analyse(notes=services_notes())
    assert (stats.learners, stats.facility, stats.flags) == (1, 0, [])


def test_flashcards_lapse_rate_and_leeches(answers):
    cards, users = answers
    card = Card.objects.get(key="Q-1:trigger:sse-kms")
    now = timezone.now()
    rows = [
        ReviewLog(
            user=users[i % LEARNERS],
            card=card,
            rating=1 if i < 7 else 3,
            reviewed_at=now,
            study_day=now.date(),
            previous_state=CardState.State.REVIEW,
        )
        for i in range(20)
    ]
    rows += [ReviewLog(user=users[0], card=card, rating=3, reviewed_at=now, study_day=now.date(), previous_state=0)]
    ReviewLog.objects.bulk_create(rows)
    for user in users[:2]:
        CardState.objects.create(user=user, card=card, is_leech=True, lapses=8, state=CardState.State.REVIEW)
    ProblemReport.objects.create(card=card, reporter=users[3], kind="unclear")
    (top, *_rest) = analysis.cards_analyse(notes=services_notes())
    assert top.card == card
    assert (top.reviews, top.review_answers, top.lapses, top.leeches, top.open_reports) == (21, 20, 7, 2, 1)
    assert top.lapse_rate == pytest.approx(7 / 20)
    assert top.flags == ["leech", "high_lapse_rate"]


def test_the_page_lists_questions_with_links_to_the_editor_and_reports(client, ines, answers):
    card = Card.objects.get(key="Q-1:question:scenario")
    services.report_create(user=answers[1][0], card=card, kind="wrong", comment="D is right")
    client.force_login(ines)
    body = client.get(reverse("authoring_analysis")).content.decode()
    first_row = body[body.index('<tr data-key="Q-1:question:scenario">') :]
    first_row = first_row[: first_row.index("</tr>")]
    assert reverse("authoring_editor", args=["Q-1"]) in first_row
    assert "misleads the strong learners" in first_row and "1 open report" in first_row
    assert body.index('data-key="Q-1:question:scenario"') < body.index('data-key="Q-2:question:scenario"')
