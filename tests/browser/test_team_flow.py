"""A team's journey in Chromium, with two people in two browser contexts: a
lead on a laptop and a member on a phone.

The lead creates a team and copies its invite link; the member signs up
through it and joins, seeing what will be shared; the lead assigns a tag with
an exam date; the member studies it and answers a scenario question wrongly;
the lead's dashboard shows the member's coverage, activity and readiness
band, but not the trap they chose until they opt in to details; the team's
aggregate of traps appears only once three members share; and the CSV holds
the same figures as the page."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from studyapp.notes.models import Card
from studyapp.notes.services import NoteReport, note_import
from studyapp.study.models import CardState, ReviewLog
from studyapp.teams import services
from studyapp.teams.models import Membership, Team
from tests import samples
from tests.browser.test_study_flow import mode, press_and_wait
from tests.browser_fixtures import no_horizontal_scroll

pytestmark = pytest.mark.django_db(transaction=True)

LEAD_PASSWORD = "lead-the-cohort-2026"


@pytest.fixture(autouse=True)
def no_cached_rows():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def notes_to_study():
    report = note_import(raw=samples.CANONICAL.encode(), report=NoteReport(path="tst-1.md"))
    assert report.status == "created"


def new_context(browser, *, phone: bool):
    size = {"width": 375, "height": 740} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(viewport=size, locale="en-US", is_mobile=phone, has_touch=phone)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def log_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form button.primary")
    page.wait_for_url("**/study/")


def dashboard_cells(page) -> dict[str, dict[str, str]]:
    """The dashboard's tables as {member: {column: text}}."""
    return page.evaluate(
        """() => {
          const out = {};
          for (const table of document.querySelectorAll("table.members")) {
            const keys = [...table.querySelectorAll("thead th[data-col]")].map((th) => th.dataset.col);
            for (const tr of table.querySelectorAll("tbody tr[data-member]")) {
              const row = out[tr.dataset.member] ||= {};
              [...tr.children].forEach((cell, i) => { row[keys[i]] = cell.textContent.trim(); });
            }
          }
          return out;
        }"""
    )


def another_member_who_shares(team: Team, name: str) -> None:
    """Someone else in the team who shares details and fell for trap B."""
    member = User.objects.create_user(name, password="another-member-2026")
    services.team_join(user=member, invite=services.invite_create(team=team), share_details=True)
    question = Card.objects.get(note__note_id="TST-1", kind="question")
    now = timezone.now()
    CardState.objects.create(user=member, card=question, state=2, stability=3, difficulty=5, last_review=now, due=now)
    ReviewLog.objects.create(
        user=member,
        card=question,
        rating=1,
        reviewed_at=now,
        study_day=(now - timedelta(hours=4)).date(),
        previous_state=0,
        chosen=["B"],
        score=0.0,
    )


def test_a_lead_and_a_member_in_two_browsers(browser, live_server, notes_to_study):
    base = live_server.url
    User.objects.create_user("lena", password=LEAD_PASSWORD)
    lead_context, lead = new_context(browser, phone=False)
    member_context, member = new_context(browser, phone=True)
    try:
        # The lead creates a team and copies a new invite link.
        log_in(lead, base, "lena", LEAD_PASSWORD)
        lead.click("nav >> text=Teams")
        lead.fill("#id_name", "Cloud cohort")
        lead.click("text=Create the team")
        lead.wait_for_url("**/manage/")
        lead.click("#make-invite")
        lead.click("button[data-copy]")
        lead.locator(".copied").wait_for()  # the copy is asynchronous
        link = lead.evaluate("navigator.clipboard.readText()")
        assert link == lead.locator(".invite-link").input_value()
        assert "/teams/join/" in link
        team = Team.objects.get(name="Cloud cohort")

        # The member opens it, signs up through it, and joins, seeing what will be shared.
        member.goto(link)
        assert "your readiness band" in member.locator(".shared-what").inner_text()
        member.click("#signup-to-join")
        member.fill("#id_username", "miko")
        member.fill("#id_password1", "sap-pro-2026-pass")
        member.fill("#id_password2", "sap-pro-2026-pass")
        member.click("form button.primary")
        member.wait_for_url(link)
        shared = member.locator(".shared-what").inner_text()
        assert (
            "your coverage" in shared and "your activity" in shared and "Only if you choose to share details" in shared
        )
        assert not member.locator("#id_share_details").is_checked()
        assert no_horizontal_scroll(member)
        member.click("#join-button")
        member.wait_for_url(f"**/teams/{team.pk}/")
        assert Membership.objects.filter(team=team, user__username="miko", share_details=False).exists()

        # The lead assigns the tag S3 with an exam date.
        exam = date.today() + timedelta(days=30)
        lead.goto(f"{base}/teams/{team.pk}/manage/")
        lead.select_option("#assign-kind", "tag")
        lead.select_option("#assign-value", "S3")
        lead.fill("#id_exam_date", exam.isoformat())
        lead.click("#assign-button")
        lead.wait_for_url("**/manage/#assignments")
        assert "S3" in lead.locator("#assignments").inner_text()

        # The member studies the assignment and answers the scenario question wrongly (B and D).
        member.goto(f"{base}/teams/{team.pk}/")
        member.click("text=Study this assignment")
        member.wait_for_url("**/study/")
        # The assignment's exam date is the member's now (they set none of their own).
        miko = User.objects.get(username="miko")
        days = (exam - miko.profile.clock().study_day(timezone.now())).days
        assert f"Exam in {days} days" in member.locator(".exam-countdown").inner_text()
        # Questions first: the note's scenario question before its flashcards.
        assert mode(member) == "question"
        question = member.locator("#study-card").get_attribute("data-key").split(":")[0]  # state id:version
        member.check("input[name=choice][value=B]")
        member.check("input[name=choice][value=D]")
        with member.expect_response(lambda response: "/study/answer/" in response.url):
            member.click("#submit-answer")
        member.locator(".option-result").first.wait_for()
        assert no_horizontal_scroll(member)
        # Then the rest of the assignment (Easy), so that all of it is studied.
        member.locator("#study-card").focus()
        press_and_wait(member, "Space")
        for _ in range(20):
            if mode(member) != "front":
                break
            member.locator("#study-card").focus()
            member.keyboard.press("Space")
            press_and_wait(member, "4")
        # Nothing else left: the question answered wrongly comes back (learn ahead).
        assert mode(member) == "question"
        assert member.locator("#study-card").get_attribute("data-key").split(":")[0] == question
        answers = ReviewLog.objects.filter(user__username="miko").count()

        # The lead sees coverage, activity and band, and not the trap.
        lead.goto(f"{base}/teams/{team.pk}/dashboard/")
        miko = dashboard_cells(lead)["miko"]
        assert miko["studied"] == "11" and miko["assigned"] == "11" and miko["coverage"] == "100%"
        assert miko["reviews_7"] == str(answers) and miko["streak"] == "1"
        assert miko["band"] in {"On track", "At risk", "Behind"}
        assert "traps" not in miko and miko["shares"] == "no"
        assert "TST-1 B" not in lead.content()

        # The member opts in to details; now the lead sees the trap.
        member.goto(f"{base}/teams/{team.pk}/")
        member.check("#share-details")
        with member.expect_response(lambda response: "/sharing/" in response.url):
            member.click("#sharing button[type=submit]")
        # htmx swaps the answer in after the response has arrived: wait for the swap.
        expect(member.locator("#sharing-state")).to_have_text("You share your details now.", timeout=30_000)
        lead.reload()
        assert dashboard_cells(lead)["miko"]["traps"].startswith("TST-1 B")
        assert lead.locator("#team-traps").count() == 0

        # Team aggregates: not with two members who share, yes with three.
        another_member_who_shares(team, "nao")
        lead.reload()
        assert lead.locator("#aggregate-threshold").is_visible()
        assert lead.locator("#team-traps").count() == 0
        another_member_who_shares(team, "ren")
        lead.reload()
        traps = lead.locator("#team-traps").inner_text()
        assert "TST-1 B" in traps and "3 members" in traps
        for name in ("miko", "nao", "ren"):
            assert name not in traps

        # The CSV holds what the page shows.
        cells = dashboard_cells(lead)
        response = lead.request.get(f"{base}/teams/{team.pk}/dashboard.csv")
        rows = list(csv.DictReader(io.StringIO(response.body().decode("utf-8-sig"))))
        assert {row["Member"] for row in rows} == set(cells) == {"lena", "miko", "nao", "ren"}
        by_member = {row["Member"]: row for row in rows}
        for name, shown in cells.items():
            row = by_member[name]
            assert row["Cards studied"] == shown["studied"]
            assert row["Coverage"] == shown["coverage"]
            assert row["Answers, 7 days"] == shown["reviews_7"]
            assert row["Readiness"] == shown["band"]
            assert row["Wrong options chosen"] == shown.get("traps", "")
    finally:
        lead_context.close()
        member_context.close()
