"""Every page the three kinds of users see, checked by axe-core in Chromium:
desktop and phone, English and Japanese, 0 serious or critical violations.

The pages are listed by URL name, and a separate test walks the project's
URL patterns: a new page that is neither checked here nor set aside with a
reason (POST-only actions, downloads, htmx fragments) fails the suite, so the
check cannot silently miss a page. The admin is Django's own and is for
staff, not for the three users; it is left out on purpose (docs/accessibility.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from studyapp.accounts.services import instructors_group_ensure, profile_get
from studyapp.authoring import services as authoring
from studyapp.authoring.uploads import Entry
from studyapp.exams import services as exams
from studyapp.exams.models import Attempt, Blueprint
from studyapp.exams.practice import practice_start
from studyapp.exams.shipped import blueprints_shipped_ensure
from studyapp.notes.models import Card, Note
from studyapp.notes.services import NoteReport, note_import
from studyapp.study import services as study
from studyapp.study.models import CardState
from studyapp.teams import services as teams
from tests.browser_fixtures import session_cookie, wait_until_settled
from tests.conftest import NOTES

pytestmark = pytest.mark.django_db(transaction=True)

SERIOUS = {"serious", "critical"}
# The error pages are pages too: what a person sees who followed a dead link
# or reached what they may not use.
EXPECTED_STATUS = {"not_found": 404, "forbidden": 403}
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True},
}
LANGUAGES = ("en", "ja")

# URL names that are not pages a person looks at, with the reason.
NOT_PAGES = {
    # POST-only actions: they redirect or answer a fragment of a page checked here.
    "logout": "POST action",
    "language_switch": "POST action",
    "study_grade": "POST action (its fragment is the study page, checked)",
    "study_answer": "POST action (its fragment is the study page, checked)",
    "study_undo": "POST action",
    "study_scope": "POST action (the scope picker is on the study page, checked)",
    "study_bury": "POST action",
    "study_suspend": "POST action",
    "study_unsuspend": "POST action",
    "study_unbury": "POST action",
    "study_cram_answer": "POST action (its fragment is the cram page, checked)",
    "authoring_create": "POST action",
    "authoring_save": "POST action",
    "authoring_publish": "POST action",
    "authoring_retire": "POST action",
    "authoring_revert": "POST action",
    "authoring_preview": "htmx fragment of the editor, checked with it",
    "authoring_preview_new": "htmx fragment of the new-note editor, checked with it",
    "authoring_report_resolve": "POST action",
    "report_card": "htmx fragment of the study page (the report box)",
    "reports_news": "htmx fragment of the study page",
    "reports_news_seen": "POST action",
    "study_card": "htmx fragment of the study page",
    "study_offline_bundle": "JSON for the device's offline store (no page)",
    "study_offline_sync": "POST action (JSON: answers recorded offline)",
    "stats_tasks": "htmx fragment of the notes list (a signed-in learner's list loads it, checked with it)",
    "instructor_add": "POST action",
    "instructor_remove": "POST action",
    "team_sharing": "POST action",
    "team_leave": "POST action",
    "team_invite_create": "POST action",
    "team_invite_revoke": "POST action",
    "team_assignment_create": "POST action",
    "team_assignment_delete": "POST action",
    "team_assignment_study": "POST action",
    "team_member_remove": "POST action",
    "team_lead_transfer": "POST action",
    "team_close": "POST action",
    "team_mock_create": "POST action",
    "team_mock_delete": "POST action",
    # Downloads: not HTML.
    "data_download_json": "download (JSON)",
    "data_download_csv": "download (zip of CSV)",
    "authoring_export_md": "download (Markdown)",
    "authoring_export_zip": "download (zip)",
    "authoring_export_apkg": "download (Anki)",
    "authoring_export_csv": "download (CSV)",
    "team_dashboard_csv": "download (CSV)",
    "exams:start": "POST action",
    "exams:answer": "POST action (JSON for the exam page, checked)",
    "exams:flag": "POST action (JSON for the exam page, checked)",
    "exams:move": "POST action (JSON for the exam page, checked)",
    "exams:submit": "POST action",
    # The installable app (docs/offline.md): not pages; the study page in
    # device mode and the offline page are checked in tests/browser/test_offline_accessibility.py too.
    "service_worker": "the service worker's script (JavaScript)",
    "web_manifest": "the web app manifest (JSON)",
    "exams:practice_start": "POST action",
    # Django's set_language view under /i18n/.
    "set_language": "POST action (Django's)",
}


@dataclass
class World:
    """Everything the pages need to show something: notes, a learner with
    reviews, buried and reported cards, an instructor with a draft, versions,
    an upload and an open report, and a team with a lead and members."""

    learner: User
    quizzer: User
    instructor: User
    staff: User
    lead: User
    team_id: int
    invite_token: str
    job_id: int
    note_id: str
    versions: tuple[int, int]
    blueprint_id: int = 1
    clients: dict[str, Client] = field(default_factory=dict)
    exam_open: int = 0
    exam_done: int = 0
    practice_open: int = 0


def _user(name: str, **extra) -> User:
    return User.objects.create_user(name, f"{name}@example.com", f"{name}-password-2026", **extra)


def _studied(user: User) -> None:
    profile = profile_get(user=user)
    profile.exam_date = timezone.localdate() + timedelta(days=5)
    profile.save()
    study.study_session_open(user=user, profile=profile)
    states = list(CardState.objects.filter(user=user).order_by("pk")[:6])
    now = timezone.now()
    for state in states[:4]:
        study.card_grade(user=user, profile=profile, state_id=state.pk, version=state.version, rating=3, now=now)
    hidden = CardState.objects.get(pk=states[4].pk)
    study.card_bury(user=user, profile=profile, state_id=hidden.pk, version=hidden.version, now=now)


def _question_next(user: User) -> None:
    """A learner whose next card is SAP-102's scenario question (the others suspended)."""
    profile = profile_get(user=user)
    study.study_scope_set(user=user, profile=profile, kind="note", value="SAP-102")
    study.study_session_open(user=user, profile=profile)
    CardState.objects.filter(user=user).exclude(card__kind=Card.Kind.QUESTION).update(suspended=True)


@pytest.fixture
def world(settings) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for path in sorted(NOTES.glob("*.md")):
        report = note_import(raw=path.read_bytes(), report=NoteReport(path=str(path)))
        assert not report.errors, (path, report.errors)
    learner = _user("keiko")
    instructor = _user("ines")
    instructor.groups.add(instructors_group_ensure())
    lead = _user("lena")
    staff = _user("root", is_staff=True, is_superuser=True)
    quizzer = _user("quinn")
    _question_next(quizzer)
    member = _user("mika")
    _studied(learner)
    note = Note.objects.get(note_id="SAP-101")
    text = (NOTES / "SAP-101.md").read_text(encoding="utf-8")
    authoring.note_save(user=instructor, note=note, text=text.replace("## 1.", "## 1.", 1) + "\n<!-- draft -->\n")
    numbers = sorted(note.versions.values_list("number", flat=True))
    card = Card.objects.filter(note=note).first()
    authoring.report_create(user=learner, card=card, kind="wrong", comment="**Option C** looks right to me")
    job = authoring.upload_job_create(user=instructor, entries=[Entry(name="SAP-56.md", data=b"x")])
    team = teams.team_create(user=lead, name="SAP cohort")
    invite = teams.invite_create(team=team)
    for person in (learner, member):
        teams.team_join(user=person, invite=invite, share_details=True)
    teams.assignment_create(team=team, kind="note", value="SAP-56", exam_date=timezone.localdate() + timedelta(30))
    exam_open, exam_done = _mock_exams(learner)
    blueprint = _blueprint_and_mock(instructor, team)
    return World(
        learner=learner,
        quizzer=quizzer,
        instructor=instructor,
        staff=staff,
        lead=lead,
        team_id=team.pk,
        invite_token=invite.token,
        job_id=job.pk,
        note_id="SAP-101",
        versions=(numbers[0], numbers[-1]),
        blueprint_id=blueprint.pk,
        exam_open=exam_open,
        exam_done=exam_done,
        practice_open=_practice(learner),
    )


def _mock_exams(user: User) -> tuple[int, int]:
    """An SAP-C02 mock in progress (an answer, a flag) and a submitted one."""
    blueprints_shipped_ensure(Blueprint)  # a transactional test before this one emptied the table
    sap_c02 = Blueprint.objects.get(code="SAP-C02")
    now = timezone.now()
    done = exams.attempt_start(user=user, blueprint=sap_c02, kind=Attempt.Kind.MOCK, now=now - timedelta(days=2))
    # The report shows right, wrong and unanswered questions, with a trend.
    for item in done.items.filter(position__lte=6):
        exams.attempt_answer(
            user=user,
            attempt_id=done.pk,
            position=item.position,
            chosen=item.option_order[:1],
            time_ms=9000,
            now=now - timedelta(days=2),
        )
    exams.attempt_submit(user=user, attempt_id=done.pk, now=now - timedelta(days=2))
    current = exams.attempt_start(user=user, blueprint=sap_c02, kind=Attempt.Kind.MOCK, now=now)
    first = current.items.get(position=1)
    exams.attempt_answer(
        user=user, attempt_id=current.pk, position=1, chosen=first.option_order[:1], time_ms=5, now=now
    )
    exams.attempt_flag(user=user, attempt_id=current.pk, position=2, flagged=True, now=now)
    return current.pk, done.pk


def _practice(user: User) -> int:
    """A practice by domain, its first question answered: the page shows its feedback."""
    attempt = practice_start(user=user, kind="practice", filter_kind="domain", filter_value="2", now=timezone.now())
    first = attempt.items.get(position=1)
    exams.attempt_answer(
        user=user, attempt_id=attempt.pk, position=1, chosen=first.option_order[:1], time_ms=5, now=timezone.now()
    )
    return attempt.pk


def _blueprint_and_mock(instructor: User, team) -> Blueprint:
    """An instructor's blueprint, and a mock exam assigned to the team (the
    learner, who shares details, has sat one: _mock_exams)."""
    sap = Blueprint.objects.get(code="SAP-C02")
    mine = Blueprint.objects.create(code="SAA-C03", name="Associate", created_by=instructor, domains=sap.domains)
    teams.mock_assignment_create(team=team, blueprint=sap, due_date=timezone.localdate() + timedelta(14))
    return mine


def _pages(w: World) -> list[tuple[str, str, str]]:
    """(persona, URL name, path): every page, as the person who sees it."""
    t = w.team_id
    return [
        ("anonymous", "home", "/"),
        ("anonymous", "login", "/accounts/login/"),
        ("anonymous", "signup", "/accounts/signup/"),
        ("anonymous", "password_reset", "/accounts/password/reset/"),
        ("anonymous", "password_reset_done", "/accounts/password/reset/done/"),
        ("anonymous", "password_reset_confirm", "/accounts/reset/MQ/invalid-token/"),
        ("anonymous", "password_reset_complete", "/accounts/reset/done/"),
        ("anonymous", "account_deleted", "/accounts/deleted/"),
        ("anonymous", "team_join", f"/teams/join/{w.invite_token}/"),
        ("anonymous", "not_found", "/no-such-page/"),
        ("anonymous", "search", "/search/?q=S3"),
        ("anonymous", "offline_page", "/offline/"),
        ("learner", "home", "/"),
        ("learner", "note_list", "/notes/"),
        ("learner", "note_detail", "/notes/SAP-56/"),
        ("learner", "study", "/study/"),
        ("learner", "study_welcome", "/study/welcome/"),
        ("learner", "search", "/search/?q=%E5%8F%AF%E7%94%A8%E6%80%A7"),
        ("learner", "study_hidden", "/study/hidden/"),
        ("learner", "offline_page", "/offline/"),
        ("learner", "study_cram", "/study/cram/"),
        ("learner", "stats", "/stats/"),
        ("learner", "account_settings", "/accounts/settings/"),
        ("learner", "password_change", "/accounts/password/"),
        ("learner", "account_delete", "/accounts/delete/"),
        ("learner", "reports_mine", "/reports/mine/"),
        ("learner", "team_list", "/teams/"),
        ("learner", "team_detail", f"/teams/{t}/"),
        ("learner", "forbidden", "/author/"),
        ("learner", "exams:list", "/exams/"),
        ("learner", "exams:attempt", f"/exams/attempts/{w.exam_open}/?q=1"),
        ("learner", "exams:attempt", f"/exams/attempts/{w.exam_open}/?review=1"),
        ("learner", "exams:report", f"/exams/attempts/{w.exam_done}/report/"),
        ("learner", "exams:practice", "/exams/practice/"),
        ("learner", "exams:attempt", f"/exams/attempts/{w.practice_open}/?q=1"),
        ("quizzer", "study_question", "/study/"),
        ("instructor", "authoring_dashboard", "/author/"),
        ("instructor", "authoring_new", "/author/new/"),
        ("instructor", "authoring_editor", f"/author/notes/{w.note_id}/"),
        ("instructor", "authoring_versions", f"/author/notes/{w.note_id}/versions/"),
        ("instructor", "authoring_diff", f"/author/notes/{w.note_id}/diff/?a={w.versions[0]}&b={w.versions[1]}"),
        ("instructor", "authoring_repair", "/author/notes/SAP-56/repair/"),
        ("instructor", "authoring_upload", "/author/upload/"),
        ("instructor", "authoring_upload_job", f"/author/uploads/{w.job_id}/"),
        ("instructor", "authoring_reports", "/author/reports/"),
        ("instructor", "authoring_analysis", "/author/analysis/"),
        ("instructor", "authoring_blueprints", "/author/blueprints/"),
        ("instructor", "authoring_blueprint_new", "/author/blueprints/new/"),
        ("instructor", "authoring_blueprint_edit", f"/author/blueprints/{w.blueprint_id}/"),
        ("lead", "team_list", "/teams/"),
        ("lead", "team_detail", f"/teams/{t}/"),
        ("lead", "team_dashboard", f"/teams/{t}/dashboard/"),
        ("lead", "team_manage", f"/teams/{t}/manage/"),
        ("staff", "instructor_list", "/accounts/instructors/"),
    ]


def _url_names(patterns, prefix="") -> set[str]:
    names = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            # Names in a namespace as reverse() takes them ("exams:report").
            inner = _url_names(entry.url_patterns)
            names |= {f"{entry.namespace}:{name}" for name in inner} if entry.namespace else inner
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(entry.name)
    return names


def test_every_page_of_the_project_is_checked_or_set_aside_with_a_reason():
    """Adding a page without adding it to the accessibility check fails here."""
    placeholder = World(None, None, None, None, None, 1, "token", 1, "SAP-56", (1, 2))
    checked = {name for _persona, name, _path in _pages(placeholder)}
    unknown = _url_names(get_resolver().url_patterns) - checked - set(NOT_PAGES)
    assert not unknown, f"pages neither checked for accessibility nor set aside: {sorted(unknown)}"
    stale = set(NOT_PAGES) - _url_names(get_resolver().url_patterns)
    assert not stale, f"set aside but no longer in the URLs: {sorted(stale)}"


def _context(browser, live_server, w: World, persona: str, viewport: str, language: str):
    context = browser.new_context(locale="ja-JP" if language == "ja" else "en-US", **VIEWPORTS[viewport])
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    user = {
        "learner": w.learner,
        "quizzer": w.quizzer,
        "staff": w.staff,
        "instructor": w.instructor,
        "lead": w.lead,
    }.get(persona)
    if user is not None:
        profile = profile_get(user=user)
        profile.language = language
        profile.save(update_fields=["language"])
        cookies.append(session_cookie(live_server, user))
    context.add_cookies(cookies)
    return context


def _violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    found = []
    for violation in result.response["violations"]:
        if violation["impact"] in SERIOUS:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            found.append(f"{violation['impact']} {violation['id']}: {violation['help']} at {targets}")
    return found


def _check(page, label: str, problems: list[str]) -> None:
    wait_until_settled(page)
    for violation in _violations(page):
        problems.append(f"{label}: {violation}")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_page_has_no_serious_or_critical_accessibility_violation(browser, live_server, world, viewport, language):
    problems: list[str] = []
    by_persona: dict[str, list[tuple[str, str]]] = {}
    for persona, name, path in _pages(world):
        by_persona.setdefault(persona, []).append((name, path))
    for persona, pages in by_persona.items():
        context = _context(browser, live_server, world, persona, viewport, language)
        page = context.new_page()
        page.set_default_timeout(20_000)
        try:
            for name, path in pages:
                response = page.goto(f"{live_server.url}{path}")
                expected = EXPECTED_STATUS.get(name, 200)
                if response.status != expected:
                    problems.append(f"{persona} {path}: HTTP {response.status}, not {expected}")
                    continue
                _check(page, f"{persona} {path} ({viewport}, {language})", problems)
                if name == "study":
                    # The card's other side, and the grade buttons under it.
                    page.keyboard.press("Space")
                    _check(page, f"{persona} {path} answer shown ({viewport}, {language})", problems)
                if name == "study_question":
                    # The question, then every option's verdict and reasoning.
                    assert page.locator("#study-card").get_attribute("data-mode") == "question"
                    page.keyboard.press("1")
                    page.keyboard.press("Enter")
                    page.locator("#study-card[data-mode=result]").wait_for()
                    _check(page, f"{persona} {path} question answered ({viewport}, {language})", problems)
        finally:
            context.close()
    assert not problems, "\n".join(problems)
