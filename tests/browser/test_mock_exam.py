"""The acceptance test of issue 16: a learner takes a whole 75-question
SAP-C02 mock exam in Chromium by keyboard, on the bank of 100 notes in
notes/: answers every question with the number keys (a "Choose N" question
with N of them), flags three, reloads the page in the middle and carries on
where it was, loses the network for one answer (which is saved once the
network is back), moves with N, submits. Then:

- what the server stored is what was pressed, every question, nothing twice;
- the report's figures (overall and per domain: questions, correct, percent)
  equal a computation made here from the stored answers and the notes' keys,
  independently of the app's scoring;
- every question missed is due in the learner's next study session (the day
  after), and every one answered right is not due before it."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

from studyapp.accounts.services import profile_get
from studyapp.exams.models import Attempt, AttemptItem, Blueprint
from studyapp.exams.shipped import blueprints_shipped_ensure
from studyapp.noteformat.vocabulary import domain_for
from studyapp.notes.models import Option
from studyapp.notes.services import NoteReport, note_import
from studyapp.study import services as study
from studyapp.study.models import CardState, ReviewLog
from tests.browser_fixtures import session_cookie
from tests.conftest import NOTES
from tests.support.study import study_next

pytestmark = pytest.mark.django_db(transaction=True)

QUESTIONS = 75
FLAGGED = (7, 33, 61)
RELOAD_AT = 38
OFFLINE_AT = 52
# A guard against a page that never saves, not a measure of speed.
SAVE_LIMIT_MS = 60_000


@pytest.fixture
def bank(db):
    blueprints_shipped_ensure(Blueprint)  # a transactional test before this one may have emptied the table
    for path in sorted(NOTES.glob("*.md")):
        report = note_import(raw=path.read_bytes(), report=NoteReport(path=str(path)))
        assert not report.errors, (path, report.errors)


@pytest.fixture
def candidate(bank, django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return django_user_model.objects.create_user("kenji", "kenji@example.com", "sap-pro-2026-pass")


def presses(position: int, needed: int) -> list[str]:
    """The keys pressed for question ``position``: option numbers, as many as
    it asks for, varied so that some answers are right and some wrong."""
    first = (position * 7) % 4 + 1
    return [str((first + i - 1) % 4 + 1) for i in range(needed)]


def saved(page) -> None:
    """Until the page has nothing left to send."""
    page.wait_for_selector('#exam[data-pending="0"]', timeout=SAVE_LIMIT_MS)


def current(page) -> int:
    return int(page.locator("#exam").get_attribute("data-position"))


def answer_here(page, position: int, pressed: dict[int, list[str]]) -> None:
    section = page.locator(f"#q-{position}")
    section.wait_for(state="visible")
    needed = int(section.locator("fieldset.choices").get_attribute("data-choices"))
    keys = presses(position, needed)
    for key in keys:
        page.keyboard.press(key)
    pressed[position] = keys
    if position in FLAGGED:
        page.keyboard.press("f")


def letters_pressed(item: AttemptItem, keys: list[str]) -> list[str]:
    """Display positions to original letters: the shuffled order as stored."""
    return sorted(item.option_order[int(k) - 1] for k in keys)


def test_a_whole_sap_c02_mock_by_keyboard(browser, live_server, candidate):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([session_cookie(live_server, candidate)])
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/exams/")
    page.locator("#start-sap-c02").click()
    page.locator("#exam").wait_for()
    attempt = Attempt.objects.get(user=candidate)
    assert attempt.question_count == QUESTIONS and attempt.blueprint.code == "SAP-C02"

    pressed: dict[int, list[str]] = {}
    for position in range(1, QUESTIONS + 1):
        assert current(page) == position
        if position == OFFLINE_AT:
            context.set_offline(True)
            answer_here(page, position, pressed)
            page.locator('#exam-save[data-state="retrying"]').wait_for()
            assert not AttemptItem.objects.get(attempt=attempt, position=position).chosen
            context.set_offline(False)
        else:
            answer_here(page, position, pressed)
        if position == RELOAD_AT:
            saved(page)
            page.reload()
            page.locator("#exam").wait_for()
            # Back where it was, with what was answered.
            assert current(page) == RELOAD_AT
            assert page.locator("#exam-navigator a.nav-q.answered").count() == RELOAD_AT
            assert page.locator("#exam-navigator a.nav-q.flagged").count() == 2
        page.keyboard.press("n")
    saved(page)
    page.locator("#exam-review").wait_for(state="visible")
    assert page.locator("#review-unanswered").inner_text().strip() in ("None.", "")
    page.locator("#exam-submit").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/exams/attempts/\d+/report/", page.url)

    attempt.refresh_from_db()
    assert attempt.submitted_at is not None and attempt.submitted_reason == "learner"
    items = {item.position: item for item in AttemptItem.objects.filter(attempt=attempt).select_related("card")}
    assert len(items) == QUESTIONS
    for position, keys in pressed.items():
        assert items[position].chosen == letters_pressed(items[position], keys), position
    assert sorted(p for p, item in items.items() if item.flagged) == list(FLAGGED)
    # Each answer is one retrieval of its card, recorded once.
    assert ReviewLog.objects.filter(user=candidate, chosen__isnull=False).count() == QUESTIONS
    figures = independent_figures(items.values())
    check_report(page, figures)
    check_misses_due_next_session(candidate, items.values())
    context.close()


def independent_figures(items) -> dict:
    """Overall and per domain: (questions, correct), right meaning exactly the
    key's options, from the stored answers and the notes' options."""
    keys: dict[int, set[str]] = {}
    for note_id, letter in Option.objects.filter(is_correct=True).values_list("note_id", "letter"):
        keys.setdefault(note_id, set()).add(letter)
    questions, correct = Counter(), Counter()
    for item in items:
        questions[item.domain] += 1
        correct[item.domain] += set(item.chosen) == keys[item.note_id]
    return {
        "total": (sum(questions.values()), sum(correct.values())),
        "domains": {name: (questions[name], correct[name]) for name in questions},
    }


def whole_percent(correct: int, questions: int) -> str:
    """As the page rounds (Django's floatformat:0, half up)."""
    value = Decimal(100 * correct) / Decimal(questions)
    return f"{value.quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def check_report(page, figures: dict) -> None:
    questions, correct = figures["total"]
    summary = " ".join(page.locator("#report-summary").inner_text().split())
    assert summary == f"{correct} of {questions} correct. {whole_percent(correct, questions)}", summary
    rows = {}
    for row in page.locator("table.report-domains tbody tr").all():
        label = row.locator("th").inner_text().strip()
        cells = [cell.inner_text().strip() for cell in row.locator("td").all()]
        rows[label] = cells[:2]
    expected = {}
    for name, (asked, right) in figures["domains"].items():
        domain = domain_for(name)
        expected[f"Domain {domain.number}: {domain.name}"] = [f"{right} / {asked}", whole_percent(right, asked)]
    assert rows == expected


def check_misses_due_next_session(user, items) -> None:
    """Tomorrow, when the learner opens the study page: every missed
    question's card is due, in what they study, not hidden."""
    tomorrow = timezone.now() + timedelta(days=1)
    missed = [item.card_id for item in items if not item.correct]
    assert missed, "the answers pressed were meant to miss some questions"
    study.study_session_open(user=user, profile=profile_get(user=user), now=tomorrow)
    due = CardState.objects.filter(user=user, due__lte=tomorrow, in_scope=True, suspended=False)
    assert set(missed) <= set(due.values_list("card_id", flat=True))
    state, _left = study_next(user=user, profile=profile_get(user=user), now=tomorrow)
    assert state is not None
