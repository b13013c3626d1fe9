"""Restarting the app keeps an instructor's work (issue 14, finding 1).

`make run` runs `make db` at every start, and `make db` imports notes/ again.
Here the commands of `make db` (read from the Makefile, so that the test
follows it) run as subprocesses against a database of the test's own (a
SQLite file; a PostgreSQL database of its own when the suite runs on
PostgreSQL), the way a developer's machine runs them, around what an
instructor did in Chromium between two starts:

- SAP-101: correct answer changed C -> D and published, then a restore of
  version 1 (the file's text) saved as a pending draft;
- SAP-102: a draft saved in the editor;
- a learner who studied every card of SAP-101 before and after the edit.

After each restart (a second with notes/ untouched, a third after the file
of SAP-101 changed too) nothing of the edit is lost, both drafts are still
drafts, the import report says "kept", and no learner's card is reset."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench.database import drop_database, recreate_database
from bench.servers import HOST, free_port
from tests.browser.test_authoring_journey import log_in, replace_in_editor
from tests.browser_fixtures import wait_until_settled
from tests.support.services import postgres_server_url

ROOT = Path(__file__).resolve().parent.parent
MAKE_DB = [
    ["manage.py", "migrate", "--noinput"],
    ["manage.py", "import_notes", "notes/"],
    ["manage.py", "create_demo_accounts"],
    ["manage.py", "study_tasks_start"],
]
REASONING_C = "**論理的根拠 (C)**"
REASONING_D = "**論理的根拠 (D)**"
# A guard against a server that never starts, not a measure of speed.
READY_LIMIT_SECONDS = 120

LEARNER_STUDIES = """
import json
from django.contrib.auth.models import User
from studyapp.accounts.services import profile_get
from studyapp.notes.models import Card
from studyapp.study import services
from studyapp.study.models import CardState

user = User.objects.get(username="learner")
profile = profile_get(user=user)
if profile.scope_kind != "note":
    services.study_scope_set(user=user, profile=profile, kind="note", value="SAP-101")
services.study_session_open(user=user, profile=profile)
answered = 0
for state in CardState.objects.filter(user=user, in_scope=True).select_related("card").order_by("pk"):
    if state.last_review is not None and (state.card.answer_changed_at or state.last_review) <= state.last_review:
        continue
    if state.card.kind == Card.Kind.QUESTION:
        correct = state.card.note.correct_letters
        services.question_answer(user=user, profile=profile, state_id=state.pk, version=state.version, chosen=correct)
    else:
        services.card_grade(user=user, profile=profile, state_id=state.pk, version=state.version, rating=3)
    answered += 1
print(json.dumps({"answered": answered}))
"""

LEARNER_OPENS_STUDY = """
from django.contrib.auth.models import User
from studyapp.accounts.services import profile_get
from studyapp.study import services

user = User.objects.get(username="learner")
services.study_session_open(user=user, profile=profile_get(user=user))
"""

SNAPSHOT = """
import json
from studyapp.authoring.models import NoteVersion
from studyapp.notes.models import Card, Note
from studyapp.study.models import CardState, ReviewLog

notes = {}
for note in Note.objects.filter(note_id__in=["SAP-101", "SAP-102"]):
    notes[note.note_id] = {
        "source": note.source,
        "correct": note.correct_letters,
        "published": note.is_published,
        "versions": list(NoteVersion.objects.filter(note=note).order_by("number").values_list(
            "number", "origin", "applied", "source_hash")),
    }
cards = {
    key: [str(changed), back]
    for key, changed, back in Card.objects.filter(note__note_id="SAP-101").values_list(
        "key", "answer_changed_at", "previous_back")
}
states = {
    key: [str(v) for v in rest]
    for key, *rest in CardState.objects.filter(user__username="learner").values_list(
        "card__key", "state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses",
        "answer_reset_at", "changed_notice", "version")
}
print(json.dumps({
    "notes": notes,
    "cards": cards,
    "states": states,
    "reviews": ReviewLog.objects.filter(user__username="learner").count(),
}))
"""


def make_db_commands() -> list[list[str]]:
    """The manage.py commands of `make db`, as `make -n` prints them."""
    done = subprocess.run(["make", "-n", "db"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60)
    commands = []
    for line in done.stdout.splitlines():
        words = shlex.split(line)
        if "manage.py" in words:
            assert words[0] == "DEBUG=true", line
            commands.append(words[words.index("manage.py") :])
    return commands


class App:
    """The app's database file and notes/ folder of this test, and its commands."""

    def __init__(self, folder: Path, database_url: str):
        self.notes = folder / "notes"
        shutil.copytree(ROOT / "notes", self.notes)
        self.env = {
            **os.environ,
            "DEBUG": "true",
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "studyapp.settings",
        }

    def manage(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, (args, done.stdout[-3000:], done.stderr[-3000:])
        return done.stdout

    def make_db(self) -> str:
        """What `make db` runs; the import's report."""
        report = ""
        for command in make_db_commands():
            args = [str(self.notes) if a == "notes/" else a for a in command[1:]]
            output = self.manage(*args)
            if args[0] == "import_notes":
                report = output
        return report

    def shell(self, code: str) -> str:
        return self.manage("shell", stdin=code)

    def snapshot(self) -> dict:
        return json.loads(self.shell(SNAPSHOT).strip().splitlines()[-1])


class Server:
    def __init__(self, app: App):
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log = open(app.notes.parent / f"server-{self.port}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"{HOST}:{self.port}"],
            cwd=ROOT,
            env=app.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + READY_LIMIT_SECONDS
        while True:
            assert self.process.poll() is None, "the server stopped"
            try:
                with urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=5):  # noqa: S310 (http://127.0.0.1)
                    return
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "the server never answered"
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def answer_d(text: str) -> str:
    """SAP-101 with D as its one correct answer: the reasoning for C and the
    analysis of D trade places."""
    lines = text.split("\n")
    c = next(i for i, line in enumerate(lines) if line.startswith("    - **C ("))
    d = next(i for i, line in enumerate(lines) if line.startswith("    - **D ("))
    lines[c], lines[d] = lines[d], lines[c]
    return "\n".join(lines).replace(REASONING_C, REASONING_D)


def kept_lines(report: str) -> dict[str, str]:
    return {line.split()[1]: line for line in report.splitlines() if line.startswith("kept")}


def test_make_db_runs_the_commands_this_test_runs():
    assert make_db_commands() == MAKE_DB


@pytest.fixture
def database_url(tmp_path):
    """On the engine the suite runs on, in a database of this test's own."""
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}"
        return
    server_url = postgres_server_url()
    name = f"studyapp_test_restart_{os.getpid()}"
    try:
        yield recreate_database(server_url, name)
    finally:
        drop_database(server_url, name)


def test_a_restart_keeps_a_browser_edit_its_drafts_and_learners_schedules(browser, tmp_path, database_url):
    app = App(tmp_path, database_url)
    first = app.make_db()
    assert "created   SAP-101" in first
    assert json.loads(app.shell(LEARNER_STUDIES).splitlines()[-1])["answered"] > 1

    server = Server(app)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        log_in(page, server.url, "instructor", "teach-sap-2026")
        # SAP-101: the correct answer becomes D, published.
        page.goto(f"{server.url}/author/notes/SAP-101/")
        page.fill("#source", answer_d((app.notes / "SAP-101.md").read_text(encoding="utf-8")))
        page.wait_for_selector("#check-summary.ok")
        wait_until_settled(page)
        page.locator("#publish-button").click()
        page.wait_for_selector("#save-status:has-text('Saved as version 2')")
        # Then the file's text restored as a draft (not published).
        page.goto(f"{server.url}/author/notes/SAP-101/versions/")
        page.locator("#version-1 button:has-text('Restore this text')").click()
        page.wait_for_load_state("networkidle")
        # SAP-102: a draft saved in the editor.
        page.goto(f"{server.url}/author/notes/SAP-102/")
        replace_in_editor(page, 'title: "', 'title: "Draft: ')
        wait_until_settled(page)
        page.locator("#save-button").click()
        page.wait_for_selector("#save-status:has-text('Draft saved as version 2')")
    finally:
        context.close()
        server.stop()

    # The learner's next visit: the changed question once back to learning, answered again.
    assert json.loads(app.shell(LEARNER_STUDIES).splitlines()[-1])["answered"] == 1
    before = app.snapshot()
    sap101, sap102 = before["notes"]["SAP-101"], before["notes"]["SAP-102"]
    assert sap101["correct"] == ["D"] and REASONING_D in sap101["source"]
    assert [v[1:3] for v in sap101["versions"]] == [["import", True], ["editor", True], ["revert", False]]
    assert [v[1:3] for v in sap102["versions"]] == [["import", True], ["editor", False]]
    assert before["reviews"] > len(before["states"]) - 1

    # Restart with notes/ as it was; then again after SAP-101's file changed too.
    for restart in ("files unchanged", "file changed"):
        if restart == "file changed":
            path = app.notes / "SAP-101.md"
            path.write_text(path.read_text(encoding="utf-8").replace("Shared Services", "Shared-services"), "utf-8")
        report = app.make_db()
        app.shell(LEARNER_OPENS_STUDY)
        after = app.snapshot()

        assert after == before, restart
        kept = kept_lines(report)
        assert set(kept) == {"SAP-101", "SAP-102"}, report
        assert str(app.notes / "SAP-101.md") in kept["SAP-101"]
        assert re.search(rf"{re.escape(str(app.notes / 'SAP-101.md'))}:\d+: warning: kept: SAP-101 was edited", report)
