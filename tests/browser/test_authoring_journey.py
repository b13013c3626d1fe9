"""The instructor's and the learner's journey in Chromium (issue 8's
acceptance): an instructor writes a note from the template, sees a
validation error appear at its line while typing, fixes it, sees the preview
follow, saves a draft (Ctrl+S) and publishes; a learner studies it and
reports a typo; the instructor sees the report, fixes the typo and changes
one answer, and resolves the report; the learner's schedule is kept for the
first card and restarted for the second, they see the change notice and that
their report was resolved. On a laptop and on a phone."""

import pytest
from django.contrib.auth.models import User

from studyapp.authoring.models import NoteVersion, ProblemReport
from studyapp.notes.models import Card, Note
from studyapp.study.models import CardState
from studyapp.study.services import study_queue_sync
from tests.authoring.conftest import make_instructor
from tests.browser_fixtures import no_horizontal_scroll, wait_until_settled

pytestmark = pytest.mark.django_db(transaction=True)

TYPO = "CloudFront tries a secnd origin"
FIXED = "CloudFront tries a second origin"
ROW_BEFORE = "| Second origin on errors | One origin fails |"
ROW_AFTER = "| Second origin on errors | The primary origin returns 5xx |"
REASONING_OK = "**論理的根拠 (A)**"
REASONING_BAD = "**論理的根拠 (A & G)**"


def log_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")


def replace_in_editor(page, old: str, new: str) -> None:
    """Select ``old`` in the textarea and type ``new`` over it, key by key."""
    found = page.locator("#source").evaluate(
        "(el, old) => { const i = el.value.indexOf(old); if (i < 0) return false;"
        " el.focus(); el.setSelectionRange(i, i + old.length); return true; }",
        old,
    )
    assert found, f"{old!r} is not in the editor"
    page.keyboard.type(new, delay=5)


def editor_line(page, needle: str) -> int:
    return page.locator("#source").evaluate(
        "(el, needle) => el.value.split('\\n').findIndex(l => l.includes(needle)) + 1", needle
    )


def selected_line(page) -> int:
    return page.locator("#source").evaluate("(el) => el.value.slice(0, el.selectionStart).split('\\n').length")


@pytest.mark.parametrize("screen", ["laptop", "phone"])
def test_an_instructor_writes_and_fixes_a_note_that_a_learner_studies_and_reports(browser, live_server, screen):
    make_instructor("ines")
    ines = User.objects.get(username="ines")
    ines.set_password("teach-sap-2026")
    ines.save()
    User.objects.create_user("keiko", "keiko@example.com", "learn-sap-2026")
    size = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 800}}[screen]
    phone = screen == "phone"
    teacher = browser.new_context(viewport=size, locale="en-US", is_mobile=phone, has_touch=phone)
    learner = browser.new_context(viewport=size, locale="en-US", is_mobile=phone, has_touch=phone)
    base = live_server.url
    problems = []
    try:
        page = teacher.new_page()
        page.set_default_timeout(15_000)
        page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
        page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
        log_in(page, base, "ines", "teach-sap-2026")

        # 1. A new note from the template; it checks clean.
        page.goto(f"{base}/author/new/")
        assert page.locator("#check-summary").get_attribute("class") == "check-summary ok"
        assert no_horizontal_scroll(page)
        # A typo for the learner to find later.
        replace_in_editor(page, "CloudFront tries a second origin", TYPO)
        # 2. A correct letter with no option: the error appears at its line while typing.
        replace_in_editor(page, REASONING_OK, REASONING_BAD)
        line = editor_line(page, "論理的根拠")
        page.wait_for_selector(f'#problems li.error[data-line="{line}"]')
        assert page.locator(f'#gutter span.error[data-line="{line}"]').count() == 1
        assert page.locator(f'#marks .mark.error[data-line="{line}"]').count() == 1
        page.locator(f'#problems li.error[data-line="{line}"] button.jump').click()
        assert selected_line(page) == line
        # F8 goes to the next problem from wherever the cursor is.
        page.locator("#source").evaluate("(el) => el.setSelectionRange(0, 0)")
        page.keyboard.press("F8")
        assert selected_line(page) == line
        # 3. Fixed: the error goes and the preview follows the text.
        replace_in_editor(page, REASONING_BAD, REASONING_OK)
        replace_in_editor(page, 'title: "New exam note"', 'title: "Origin failover"')
        replace_in_editor(page, "# New exam note (NOTE-1)", "# Origin failover (NOTE-1)")
        page.wait_for_selector("#check-summary.ok")
        page.wait_for_selector("#note-preview h1:has-text('Origin failover')")
        wait_until_settled(page)
        assert page.locator("#problems li.error").count() == 0
        assert page.locator("#gutter span.error").count() == 0
        # 4. Ctrl+S saves a draft: the new note's editor opens.
        page.locator("#source").focus()
        page.keyboard.press("Control+s")
        page.wait_for_url("**/author/notes/NOTE-1/")
        note = Note.objects.get(note_id="NOTE-1")
        assert not note.is_published and note.title == "Origin failover"
        # 5. Publish.
        page.locator("#publish-button").click()
        page.wait_for_selector("#save-status:has-text('Published: learners study this text now.')")
        # The note's state follows the server's answer, without a reload (issue 14).
        assert page.locator("#note-state").inner_text() == "published"
        assert page.locator("#save-button").inner_text().startswith("Save draft")
        assert Note.objects.get(note_id="NOTE-1").is_published

        # 6. The learner studies the first two cards (Easy) and reports the typo on the first.
        study = learner.new_page()
        study.set_default_timeout(15_000)
        study.on("pageerror", lambda error: problems.append(f"learner pageerror: {error}"))
        log_in(study, base, "keiko", "learn-sap-2026")
        # The note's flashcards: set its scenario question (first of its note) aside.
        keiko = User.objects.get(username="keiko")
        study_queue_sync(user=keiko, profile=keiko.profile)
        CardState.objects.filter(user=keiko, card__kind="question").update(suspended=True)
        study.goto(f"{base}/study/")
        assert "origin failover" in study.locator("#study-card .front").inner_text()
        study.locator("#reveal-button").click()
        assert TYPO in study.locator("#card-back").inner_text()
        report = study.locator("details.report-problem")
        report.locator("summary").click()
        report.locator("input[value=typo]").check()
        report.locator("textarea").fill("secnd → second")
        report.locator("button[type=submit]").click()
        study.wait_for_selector("details.report-problem .report-sent")
        study.locator("#grades .grade.easy").click()
        study.wait_for_selector("#study-card.kind-compare")
        wait_until_settled(study)
        study.locator("#reveal-button").click()
        study.locator("#grades .grade.easy").click()
        study.wait_for_selector("#study-card:not(.kind-compare)")
        assert no_horizontal_scroll(study)
        first = CardState.objects.get(user=keiko, card__key="NOTE-1:trigger:origin-failover")
        second = CardState.objects.get(user=keiko, card__key="NOTE-1:compare:origin-failover")
        assert first.state == second.state == CardState.State.REVIEW

        # 7. The instructor sees the report, with the card, and opens the editor at its line.
        page.goto(f"{base}/author/reports/")
        item = page.locator("article.report-item").first
        assert "Typo" in item.inner_text() and "secnd → second" in item.inner_text() and TYPO in item.inner_text()
        item.get_by_role("link", name="Open in the editor").click()
        page.wait_for_url("**/author/notes/NOTE-1/?line=*")
        assert selected_line(page) == editor_line(page, '"origin failover"')
        # 8. Fix the typo and change one answer: the impact is shown before publishing.
        replace_in_editor(page, TYPO, FIXED)
        replace_in_editor(page, ROW_BEFORE, ROW_AFTER)
        page.wait_for_selector("#impact-summary:has-text('1 card reset for 1 learner')")
        summary = page.locator("#impact-summary").inner_text()
        assert "1 card reworded (schedules kept)" in summary
        wait_until_settled(page)
        page.locator("#publish-button").click()
        page.wait_for_selector("#save-status:has-text('Saved as version 2')")
        assert no_horizontal_scroll(page)
        # 9. Resolve the report, linked to the version that fixed it.
        page.goto(f"{base}/author/reports/")
        item = page.locator("article.report-item").first
        assert item.locator("select[name=fixed_in]").input_value() == "2"
        item.locator("input[name=reply]").fill("Thank you!")
        item.get_by_role("button", name="Resolved").click()
        page.wait_for_load_state("networkidle")
        assert ProblemReport.objects.get().fixed_in == NoteVersion.objects.get(note__note_id="NOTE-1", number=2)

        # 10. The learner: the typo fix kept the first card's schedule; the new answer restarted the second.
        study.goto(f"{base}/study/")
        study.wait_for_selector("#report-news:has-text('fixed on')")
        assert "version 2" in study.locator("#report-news").inner_text()
        assert "Thank you!" in study.locator("#report-news").inner_text()
        kept = CardState.objects.get(pk=first.pk)
        reset = CardState.objects.get(pk=second.pk)
        assert (kept.state, kept.due, kept.stability, kept.changed_notice) == (
            first.state,
            first.due,
            first.stability,
            False,
        )
        assert (reset.state, reset.step, reset.changed_notice) == (CardState.State.LEARNING, 0, True)
        assert Card.objects.get(key="NOTE-1:trigger:origin-failover").answer_changed_at is None
        # The changed card comes up with its notice; its back shows what it said before.
        assert "kind-compare" in study.locator("#study-card").get_attribute("class")
        assert "Changed on" in study.locator("#changed-notice").inner_text()
        study.locator("#reveal-button").click()
        assert "One origin fails" in study.locator("#changed-before").inner_text()
        assert "The primary origin returns 5xx" in study.locator("#card-back").inner_text()
        study.goto(f"{base}/reports/mine/")
        assert "Resolved on" in study.locator("#my-reports").inner_text()
        assert "fixed in version 2" in study.locator("#my-reports").inner_text()
        assert no_horizontal_scroll(study)
    finally:
        teacher.close()
        learner.close()
    assert problems == []
