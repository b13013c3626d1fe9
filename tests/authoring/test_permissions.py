"""Every authoring URL for every persona: an anonymous visitor is sent to log
in; 404 for what a person may not know exists (a draft of someone else's,
another's upload or report); 403 for what they may see but not change (a
published note, the authoring area for a learner); 405 for a wrong method.

ines writes TST-1 (published) and TST-3 (a draft); TST-2 is the house's
(imported from the command line); otto is an instructor of another
organisation; alice and bob are learners; alice reported a problem on TST-1."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from studyapp.authoring import services
from studyapp.authoring.models import ProblemReport, UploadJob
from studyapp.authoring.uploads import Entry
from studyapp.notes.models import Card
from tests import samples

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "alice", "ines", "otto")
LOGIN = 302
NOTE_TEXT = samples.CANONICAL


@pytest.fixture
def world(alice, ines, otto, ines_note, ines_draft, house_note):
    card = Card.objects.get(key="TST-1:trigger:sse-kms")
    report = services.report_create(user=alice, card=card, kind="typo", comment="KMS")
    job = services.upload_job_create(user=ines, entries=[Entry("a.md", NOTE_TEXT.encode())])
    draft_card = Card.objects.get(key="TST-3:trigger:sse-kms")
    return {"card": card, "report": report, "job": job, "draft_card": draft_card}


def client_for(client, persona, users):
    if persona != "anonymous":
        client.force_login(users[persona])
    return client


def url(name, *args, query=""):
    return reverse(name, args=args) + query


# (name, method, url, data, {persona: status}), run in this order in one session per persona.
def cases(w):
    report, job, card, draft_card = w["report"], w["job"], w["card"], w["draft_card"]
    text = {"text": NOTE_TEXT}
    page = {"anonymous": LOGIN, "alice": 403, "ines": 200, "otto": 200}
    published = {"anonymous": LOGIN, "alice": 403, "ines": 200, "otto": 403}
    draft = {"anonymous": LOGIN, "alice": 404, "ines": 200, "otto": 404}
    house = {"anonymous": LOGIN, "alice": 403, "ines": 200, "otto": 200}
    learner = {"anonymous": LOGIN, "alice": 200, "ines": 200, "otto": 200}
    return [
        ("dashboard", "get", url("authoring_dashboard"), None, page),
        ("new note", "get", url("authoring_new"), None, page),
        ("create", "post", url("authoring_create"), {"text": "not a note"}, {**page, "ines": 400, "otto": 400}),
        ("preview new", "post", url("authoring_preview_new"), text, page),
        ("editor published", "get", url("authoring_editor", "TST-1"), None, published),
        ("editor draft", "get", url("authoring_editor", "TST-3"), None, draft),
        ("editor house", "get", url("authoring_editor", "TST-2"), None, house),
        ("editor missing", "get", url("authoring_editor", "NOPE"), None, {**draft, "ines": 404}),
        ("preview published", "post", url("authoring_preview", "TST-1"), text, published),
        ("preview draft", "post", url("authoring_preview", "TST-3"), text, draft),
        ("save published", "post", url("authoring_save", "TST-1"), text, {**published, "ines": 302}),
        ("save draft", "post", url("authoring_save", "TST-3"), {"text": samples.with_id(NOTE_TEXT, "TST-3")}, {**draft, "ines": 302}),
        ("save house", "post", url("authoring_save", "TST-2"), {"text": samples.with_id(NOTE_TEXT, "TST-2")}, {**house, "ines": 302, "otto": 302}),
        ("publish published", "post", url("authoring_publish", "TST-1"), {"version": 1}, {**published, "ines": 302}),
        ("versions", "get", url("authoring_versions", "TST-1"), None, published),
        ("versions draft", "get", url("authoring_versions", "TST-3"), None, draft),
        ("diff", "get", url("authoring_diff", "TST-1", query="?a=1&b=1"), None, published),
        ("diff draft", "get", url("authoring_diff", "TST-3"), None, draft),
        ("diff missing version", "get", url("authoring_diff", "TST-1", query="?a=1&b=99"), None, {**published, "ines": 404}),
        ("revert", "post", url("authoring_revert", "TST-1", 1), None, {**published, "ines": 302}),
        ("revert draft", "post", url("authoring_revert", "TST-3", 1), None, {**draft, "ines": 302}),
        ("revert missing", "post", url("authoring_revert", "TST-1", 99), None, {**published, "ines": 404}),
        ("repair", "get", url("authoring_repair", "TST-1"), None, published),
        ("repair post", "post", url("authoring_repair", "TST-1"), {}, {**published, "ines": 302}),
        ("repair draft", "get", url("authoring_repair", "TST-3"), None, draft),
        ("export md", "get", url("authoring_export_md", "TST-1"), None, published),
        ("export md draft", "get", url("authoring_export_md", "TST-3"), None, draft),
        ("export zip", "get", url("authoring_export_zip"), None, page),
        ("export apkg", "get", url("authoring_export_apkg"), None, page),
        ("export csv", "get", url("authoring_export_csv"), None, page),
        ("export csv of a draft", "get", url("authoring_export_csv", query="?note=TST-3"), None, {**draft, "alice": 403}),
        ("export apkg of a published note", "get", url("authoring_export_apkg", query="?note=TST-1"), None, published),
        ("upload", "get", url("authoring_upload"), None, page),
        ("upload nothing", "post", url("authoring_upload"), {}, {**page, "ines": 400, "otto": 400}),
        ("upload job", "get", url("authoring_upload_job", job.pk), None, {**draft, "alice": 404}),
        ("upload job missing", "get", url("authoring_upload_job", job.pk + 99), None, {**draft, "alice": 404, "ines": 404}),
        ("reports queue", "get", url("authoring_reports"), None, page),
        ("resolve", "post", url("authoring_report_resolve", report.pk), {"status": "resolved"}, {"anonymous": LOGIN, "alice": 403, "ines": 302, "otto": 404}),
        ("resolve missing", "post", url("authoring_report_resolve", report.pk + 99), {"status": "resolved"}, {"anonymous": LOGIN, "alice": 404, "ines": 404, "otto": 404}),
        ("analysis", "get", url("authoring_analysis"), None, page),
        ("report a card", "post", url("report_card", card.pk), {"kind": "typo"}, {**learner, "alice": 302, "ines": 302, "otto": 302}),
        ("report a draft's card", "post", url("report_card", draft_card.pk), {"kind": "typo"}, {"anonymous": LOGIN, "alice": 404, "ines": 404, "otto": 404}),
        ("report a bad kind", "post", url("report_card", card.pk), {"kind": "rude"}, {"anonymous": LOGIN, "alice": 400, "ines": 400, "otto": 400}),
        ("my reports", "get", url("reports_mine"), None, learner),
        ("report news", "get", url("reports_news"), None, learner),
        ("report news seen", "post", url("reports_news_seen"), {"report": report.pk}, learner),
        # Last: these change what the cases above see.
        ("publish draft", "post", url("authoring_publish", "TST-3"), {"version": 1}, {**draft, "ines": 302}),
        ("retire published", "post", url("authoring_retire", "TST-1"), None, {**published, "ines": 302}),
        ("retire draft", "post", url("authoring_retire", "TST-3"), None, {**draft, "ines": 302}),
    ]  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_authoring_url_answers_each_persona_as_it_should(client, world, persona):
    users = {u.username: u for u in User.objects.all()}
    client = client_for(client, persona, users)
    wrong = []
    for name, method, address, data, expected in cases(world):
        response = getattr(client, method)(address, data or {})
        if response.status_code != expected[persona]:
            wrong.append(f"{name} {method.upper()} {address}: {response.status_code}, expected {expected[persona]}")
        if persona == "anonymous" and response.status_code == LOGIN:
            assert "/accounts/login/" in response["Location"], name
    assert wrong == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_wrong_method_is_refused_with_405(client, world, persona):
    users = {u.username: u for u in User.objects.all()}
    client = client_for(client, persona, users)
    post_only = {"create", "preview new", "preview published", "save published", "publish draft", "retire published", "revert", "resolve", "report a card", "report news seen"}  # fmt: skip
    wrong = []
    for name, method, address, _data, _expected in cases(world):
        if method == "post" and name in post_only:
            response = client.get(address)
        elif method == "get":
            if name.startswith(("upload", "repair")) and "job" not in name:
                continue  # these pages take a POST too
            response = client.post(address, {})
        else:
            continue
        if response.status_code != 405:
            wrong.append(f"{name} {address}: {response.status_code}")
    for address in (url("authoring_upload"), url("authoring_repair", "TST-1")):
        if client.put(address).status_code != 405:
            wrong.append(f"PUT {address}")
    assert wrong == []


def test_an_instructor_of_another_organisation_sees_none_of_her_notes_or_reports(client, world, otto):
    client.force_login(otto)
    body = client.get(reverse("authoring_dashboard")).content.decode()
    assert "TST-2" in body  # the house's note
    assert "TST-1" not in body and "TST-3" not in body
    assert "KMS" not in client.get(reverse("authoring_reports")).content.decode()
    csv = client.get(reverse("authoring_export_csv")).content.decode()
    assert "TST-2:" in csv and "TST-1:" not in csv and "TST-3:" not in csv


def test_the_report_a_learner_may_see_is_only_their_own(client, world, bob):
    client.force_login(bob)
    assert "KMS" not in client.get(reverse("reports_mine")).content.decode()
    response = client.post(reverse("authoring_report_resolve", args=[world["report"].pk]), {"status": "resolved"})
    assert response.status_code == 404
    assert ProblemReport.objects.get().status == "open"


def test_nothing_changes_when_a_request_is_refused(client, world, alice, otto):
    client.force_login(otto)
    client.post(reverse("authoring_save", args=["TST-1"]), {"text": samples.CANONICAL.replace("最小限", "最大限")})
    client.post(reverse("authoring_retire", args=["TST-1"]))
    client.force_login(alice)
    client.post(reverse("authoring_retire", args=["TST-1"]))
    note = world["card"].note
    note.refresh_from_db()
    assert note.is_published and note.source == samples.CANONICAL
    assert UploadJob.objects.count() == 1


def test_head_answers_wherever_get_does(client, world, ines):
    client.force_login(ines)
    wrong = [
        name
        for name, method, address, _data, expected in cases(world)
        if method == "get" and expected["ines"] == 200 and client.head(address).status_code != 200
    ]
    assert wrong == []
