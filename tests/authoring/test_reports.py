"""Learners report problems on cards and questions; the notes' authors see
them as a queue with the card in context, resolve them (linking the version
that fixed them), and the reporter is told."""

import pytest
from django.urls import reverse

from studyapp.authoring import services
from studyapp.authoring.models import NoteVersion, ProblemReport
from studyapp.notes.models import Card
from studyapp.study.services import study_queue_sync
from tests import samples
from tests.authoring.conftest import HTMX, htmx

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(ines_note):
    return Card.objects.get(key="TST-1:trigger:sse-kms")


def test_a_learner_reports_a_typo_from_the_study_page(client, alice, card):
    study_queue_sync(user=alice, profile=alice.profile)
    client.force_login(alice)
    page = client.get(reverse("study")).content.decode()
    assert "Report a problem with this card" in page
    assert 'id="report-news"' in page
    response = client.post(
        reverse("report_card", args=[card.pk]),
        {"kind": "typo", "comment": "KMS の前に「の」が抜けている"},
        headers=htmx(f"report-{card.pk}"),
    )
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    report = ProblemReport.objects.get()
    assert (report.reporter, report.kind, report.status) == (alice, "typo", "open")
    assert (report.card_front, report.card_back) == (card.front, card.back)


def test_every_question_has_the_report_form_after_its_answer(client, alice, ines_note):
    from studyapp.study.models import CardState

    study_queue_sync(user=alice, profile=alice.profile)
    state = CardState.objects.get(user=alice, card__key="TST-1:question:scenario")
    client.force_login(alice)
    body = client.post(
        reverse("study_answer", args=[state.pk]), {"version": 0, "choice": ["A", "C"]}, headers=htmx("study-card")
    ).content.decode()
    assert f'action="{reverse("report_card", args=[state.card_id])}"' in body


def test_a_second_report_while_the_first_is_open_replaces_it(alice, card):
    services.report_create(user=alice, card=card, kind="typo", comment="one")
    services.report_create(user=alice, card=card, kind="wrong", comment="two")
    assert list(ProblemReport.objects.values_list("kind", "comment")) == [("wrong", "two")]


def test_the_authors_queue_shows_the_card_in_context_and_opens_the_editor_at_its_line(client, alice, ines, card):
    services.report_create(user=alice, card=card, kind="typo", comment="KMS")
    client.force_login(ines)
    body = client.get(reverse("authoring_reports")).content.decode()
    assert "TST-1:trigger:sse-kms" in body and "レプリケーションには KMS 権限が必要。" in body
    line = next(i for i, t in enumerate(samples.CANONICAL.split("\n"), 1) if '"SSE-KMS"' in t)
    assert f"{reverse('authoring_editor', args=['TST-1'])}?line={line}" in body


def test_resolving_links_the_fixing_version_and_the_reporter_is_told_once(client, alice, ines, ines_note, card):
    report = services.report_create(user=alice, card=card, kind="typo", comment="KMS")
    fixed = samples.CANONICAL.replace(
        "レプリケーションには KMS 権限が必要。", "レプリケーションには KMS の権限が必要。"
    )
    services.note_save(user=ines, note=ines_note, text=fixed, publish=True)
    client.force_login(ines)
    response = client.post(
        reverse("authoring_report_resolve", args=[report.pk]),
        {"status": "resolved", "fixed_in": 2, "reply": "Thanks, fixed."},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.fixed_in.number, report.resolved_by) == ("resolved", 2, ines)

    client.force_login(alice)
    news = client.get(reverse("reports_news")).content.decode()
    assert "fixed on" in news and "version 2" in news and "Thanks, fixed." in news
    mine = client.get(reverse("reports_mine")).content.decode()
    assert "Resolved on" in mine and "fixed in version 2" in mine
    client.post(reverse("reports_news_seen"), {"report": report.pk}, headers=HTMX)
    assert "fixed on" not in client.get(reverse("reports_news")).content.decode()
    assert "fixed in version 2" in client.get(reverse("reports_mine")).content.decode()


def test_a_version_of_another_note_cannot_be_linked(client, alice, ines, card, ines_draft):
    report = services.report_create(user=alice, card=card, kind="typo", comment="")
    client.force_login(ines)
    other = NoteVersion.objects.get(note=ines_draft)
    response = client.post(
        reverse("authoring_report_resolve", args=[report.pk]), {"status": "resolved", "fixed_in": other.number + 5}
    )
    assert response.status_code == 400
    assert ProblemReport.objects.get().status == "open"


def test_declining_tells_the_reporter_too(client, alice, ines, card):
    report = services.report_create(user=alice, card=card, kind="wrong", comment="I think B")
    services.report_resolve(user=ines, report=report, status="declined", reply="B is a distractor: see the reasoning.")
    client.force_login(alice)
    news = client.get(reverse("reports_news")).content.decode()
    assert "declined on" in news and "B is a distractor" in news


def test_the_queue_shows_closed_reports_apart(client, alice, ines, card):
    report = services.report_create(user=alice, card=card, kind="typo", comment="")
    services.report_resolve(user=ines, report=report, status="resolved")
    client.force_login(ines)
    assert "No open reports." in client.get(reverse("authoring_reports")).content.decode()
    assert f'id="report-{report.pk}"' in client.get(reverse("authoring_reports") + "?show=closed").content.decode()
