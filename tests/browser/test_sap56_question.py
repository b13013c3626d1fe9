"""SAP-56, the seed note, can be answered as a scenario question in the
browser: its question and five options in exam English, choose two, and
every option's reasoning after the answer."""

import pytest
from django.contrib.auth.models import User

from studyapp.accounts.services import profile_get
from studyapp.notes.models import Card
from studyapp.notes.services import NoteReport, note_import
from studyapp.study import services as study
from studyapp.study.models import CardState
from tests.browser_fixtures import session_cookie, wait_until_settled
from tests.conftest import NOTES

pytestmark = pytest.mark.django_db(transaction=True)


def test_sap56_is_answered_as_a_scenario_question(browser, live_server):
    report = note_import(raw=(NOTES / "SAP-56.md").read_bytes(), report=NoteReport(path="SAP-56.md"))
    assert report.status == "created", report.errors
    user = User.objects.create_user("keiko", "keiko@example.com", "sap-pro-2026-pass")
    profile = profile_get(user=user)
    study.study_scope_set(user=user, profile=profile, kind="note", value="SAP-56")
    study.study_session_open(user=user, profile=profile)
    CardState.objects.filter(user=user).exclude(card__kind=Card.Kind.QUESTION).update(suspended=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([session_cookie(live_server, user)])
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(f"{live_server.url}/study/")
        card = page.locator("#study-card")
        assert card.get_attribute("data-mode") == "question"
        text = card.inner_text()
        assert "Amazon CloudFront" in text and "(Choose two.)" in text
        assert "origin response timeout" in text
        assert card.locator("input[type=checkbox]").count() == 5
        # The two correct options are A and E (shown in any order): the crashed
        # pods (502) and the slow pods (504).
        for letter in ("A", "E"):
            card.locator(f"input[name=choice][value={letter}]").check()
        page.locator("#submit-answer").click()
        page.locator("#study-card[data-mode=result]").wait_for()
        wait_until_settled(page)
        assert "Score: 100%" in page.locator(".score").inner_text()
        results = page.locator(".option-result")
        assert results.count() == 5
        for i in range(5):
            assert results.nth(i).locator(".why").inner_text().strip()
        assert "fail open" in page.locator("#study-card").inner_text()
    finally:
        context.close()
