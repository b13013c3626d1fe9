"""A note full of script: tags, event handlers, javascript: and data: URLs,
and tricks around them (24 kinds), in every part of a note that is rendered.
Nothing of it runs in the editor's preview, on the published note page or in
the study session (the test listens for dialogs, page errors and console
errors, which is where our CSP would report a handler it had to block), and
nothing unsanitized is stored as rendered HTML."""

import re

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import models

from studyapp.notes.models import Note
from studyapp.sanitizer import clean_html
from tests import samples
from tests.authoring.conftest import make_instructor
from tests.browser_fixtures import wait_until_settled

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "<svg onload=alert(3)>",
    "<svg><script>alert(4)</script></svg>",
    '<iframe src="javascript:alert(5)"></iframe>',
    '<a href="javascript:alert(6)">six</a>',
    "[seven](javascript:alert(7))",
    "![eight](javascript:alert(8))",
    "[nine](data:text/html;base64,PHNjcmlwdD5hbGVydCg5KTwvc2NyaXB0Pg==)",
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMTApPjwvc3ZnPg==">',
    "<body onload=alert(11)>",
    "<details open ontoggle=alert(12)>twelve</details>",
    "<input autofocus onfocus=alert(13)>",
    "<video><source onerror=alert(14)></video>",
    '<math><mtext><a xlink:href="javascript:alert(15)">fifteen</a></mtext></math>',
    '<object data="javascript:alert(16)"></object>',
    '<embed src="javascript:alert(17)">',
    '<form action="javascript:alert(18)"><button>eighteen</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(19)">',
    "<style>@import 'javascript:alert(20)';</style>",
    '<div style="background:url(javascript:alert(21))">twenty-one</div>',
    '<a href="JaVaScRiPt:alert(22)">twenty-two</a>',
    '<a href="&#106;avascript:alert(23)">twenty-three</a>',
    '<noscript><p title="</noscript><img src=x onerror=alert(24)>"></noscript>',
    "<svg><animate onbegin=alert(25) attributeName=x dur=1s>",
    '<a href="vbscript:msgbox(26)">twenty-six</a>',
    '"><img src=x onerror=alert(27)>',
]
assert len(PAYLOADS) >= 20


def hostile_note() -> str:
    """TST-1 with payloads in the title, the context, the question, every
    option text and reasoning, trigger words, a table, the exam note."""
    text = samples.with_id(samples.CANONICAL, "XSS-1")
    payload = iter(PAYLOADS * 3)

    def p() -> str:
        return next(payload)

    text = text.replace('title: "S3 Cross-Region Replication"', "title: 'XSS <img src=x onerror=alert(99)>'")
    text = text.replace("# S3 Cross-Region Replication (XSS-1)", f"# S3 {p()} (XSS-1)")
    text = text.replace("S3 (us-east-1) -> S3 (eu-west-1)。", f"S3 -> S3 {p()}")
    text = text.replace("運用は最小限にする。", f"運用は最小限にする。{p()}")
    text = text.replace("to another Region. (Choose two.)", f"to another Region. {p()} (Choose two.)")
    for letter in "ABCD":
        text = re.sub(rf"(- \*\*{letter}\*\*: )", lambda m: m.group(1) + p() + " ", text, count=1)
    for reason in (
        "マネージドな複製機能。",
        "ロールに復号と暗号化の権限が必要。",
        "運用負荷が高い。",
        "転送の高速化であって複製ではない。",
    ):
        text = text.replace(reason, f"{reason} {p()}")
    triggers = "\n".join(f'- **"xss-{i}" (gloss {i})**: {payload_text}' for i, payload_text in enumerate(PAYLOADS))
    text = text.replace("## 4. なぜその答えか (Reasoning)", f"{triggers}\n\n## 4. なぜその答えか (Reasoning)")
    text = text.replace("| **Lambda copy** | No | Yes |", f"| **Lambda copy** | {p()} | {p()} |")
    text = text.replace(
        "> - Transfer Acceleration は複製ではない。", f"> - Transfer Acceleration は複製ではない。 {p()}"
    )
    text = text.replace('> CRR = "Copy across Regions"', f"> CRR = {p()}")
    return text


def watch(page, problems: list[str], who: str) -> None:
    page.on("dialog", lambda dialog: (problems.append(f"{who} dialog: {dialog.message}"), dialog.dismiss()))
    page.on("pageerror", lambda error: problems.append(f"{who} pageerror: {error}"))
    page.on("console", lambda m: problems.append(f"{who} console {m.type}: {m.text}") if m.type == "error" else None)


def nothing_active(page) -> list[str]:
    """Script the app did not ship, handlers, dangerous URLs or frames left in the DOM."""
    return page.evaluate(
        """() => {
        const found = [];
        for (const el of document.querySelectorAll('*')) {
          for (const attr of el.attributes) {
            if (/^on/i.test(attr.name)) found.push(el.tagName + ' ' + attr.name);
            if (/^\\s*(javascript|vbscript|data):/i.test(attr.value) && attr.name !== 'content') found.push(el.tagName + ' ' + attr.name + '=' + attr.value);
          }
          if (['IFRAME', 'OBJECT', 'EMBED', 'BASE', 'META', 'STYLE'].includes(el.tagName) && !el.closest('head')) found.push(el.tagName);
          if (el.tagName === 'SCRIPT' && !(el.src && el.src.startsWith(location.origin + '/static/'))) found.push('SCRIPT ' + el.src);
        }
        return found;
      }"""
    )


def log_in(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")


def test_a_hostile_note_runs_nothing_in_the_preview_the_note_page_or_the_study_session(browser, live_server):
    ines = make_instructor("ines")
    ines.set_password("teach-sap-2026")
    ines.save()
    keiko = User.objects.create_user("keiko", "keiko@example.com", "learn-sap-2026")
    keiko.profile.new_per_day = 100  # every card of the note today
    keiko.profile.save()
    base = live_server.url
    problems: list[str] = []
    teacher = browser.new_context(viewport={"width": 1280, "height": 900})
    learner = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = teacher.new_page()
        page.set_default_timeout(15_000)
        watch(page, problems, "editor")
        log_in(page, base, "ines", "teach-sap-2026")
        page.goto(f"{base}/author/new/")
        page.fill("#source", hostile_note())
        page.wait_for_selector("#note-preview h1:has-text('(XSS-1)')")
        wait_until_settled(page)
        assert "xss-3" in page.locator("#note-preview").inner_text()
        assert nothing_active(page) == []
        page.locator("#publish-button").click()
        page.wait_for_url("**/author/notes/XSS-1/")
        assert Note.objects.get(note_id="XSS-1").is_published
        wait_until_settled(page)
        assert nothing_active(page) == []

        study = learner.new_page()
        study.set_default_timeout(15_000)
        watch(study, problems, "learner")
        log_in(study, base, "keiko", "learn-sap-2026")
        study.goto(f"{base}/notes/XSS-1/")
        assert "xss-7" in study.locator(".prose").inner_text()
        assert nothing_active(study) == []

        study.goto(f"{base}/study/")
        seen = 0
        for _ in range(60):
            card = study.locator("#study-card")
            mode = card.get_attribute("data-mode")
            assert nothing_active(study) == [], f"card {seen}"
            if mode == "done":
                break
            if mode == "question":
                study.locator("#study-card input[name=choice]").first.check()
                study.locator("#submit-answer").click()
                study.wait_for_selector("#study-card[data-mode=result]")
                assert nothing_active(study) == []
                study.locator("#next-button").click()
            else:
                study.locator("#reveal-button").click()
                assert nothing_active(study) == []
                study.locator("#grades .grade.easy").click()
            wait_until_settled(study)
            seen += 1
        assert seen >= len(PAYLOADS) + 6  # every card of the note was shown, front and back
    finally:
        teacher.close()
        learner.close()
    assert problems == []


def test_nothing_unsanitized_is_stored_as_rendered_html(db):
    """Any field that holds rendered HTML (none today but this test's reach:
    issue 10 may store rendered cards) holds only what the sanitizer lets through."""
    from tests.authoring.conftest import create_note

    create_note(make_instructor("ines"), hostile_note())
    checked = 0
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.TextField | models.CharField) and "html" in field.name:
                for value in model.objects.values_list(field.name, flat=True):
                    assert value == clean_html(value or ""), f"{model.__name__}.{field.name}"
                    checked += 1
    assert checked >= 0
