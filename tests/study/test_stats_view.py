"""The statistics page: the learner's own figures, only for them, in a fixed
number of queries."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from studyapp.notes.models import Card, Note
from studyapp.notes.services import NoteReport, note_import
from studyapp.study.exam_bridge import target_recall
from studyapp.study.models import CardState, ReviewLog
from tests import samples
from tests.study.test_stats_selectors import import_notes, log, new_state, review_state, set_zone

pytestmark = pytest.mark.django_db

URL = "/stats/"


def study_day(user):
    return user.profile.clock().study_day(timezone.now())


def alice_data(alice):
    """A small history: a streak of 3, 4 reviews due today, one leech."""
    first, second = import_notes()
    set_zone(alice)
    now = timezone.now()
    today = study_day(alice)
    for card in first[:4]:
        review_state(alice, card, due=now - timedelta(hours=1), stability=10.0, last_review=now - timedelta(days=10))
    review_state(alice, first[4], due=now + timedelta(days=3), is_leech=True, suspended=True)
    for card in first[5:] + second:
        new_state(alice, card)
    for days_ago, rating in ((0, 3), (1, 1), (2, 3)):
        log(alice, first[0], day=today - timedelta(days=days_ago), rating=rating, elapsed=30)
    return first, second


def page(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def tile(body: str, name: str) -> str:
    match = re.search(rf"<dt>{re.escape(name)}</dt>\s*<dd>(.*?)</dd>", body, re.S)
    assert match, f"no tile {name!r}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_rejects_post(client, alice):
    client.force_login(alice)
    assert client.post(URL).status_code == 405


def test_it_shows_the_learners_own_figures(client, alice):
    first, _ = alice_data(alice)
    client.force_login(alice)

    body = page(client)

    assert tile(body, "Due today") == "4"
    assert tile(body, "New") == "17"  # 6 + 11 new cards in scope
    assert tile(body, "Learned") == "5"
    assert tile(body, "Streak") == "3 days"
    assert tile(body, "Retention, 30 days") == "66.7%"  # 2 of 3 mature reviews passed
    assert "n = 3" in body
    assert tile(body, "Leeches") == "1"
    assert 'href="/notes/TST-1/"' in body and 'id="leeches"' in body
    assert "Design for New Solutions" in body and "Continuous Improvement" in body
    assert "5 of 11 cards studied" in body
    assert "How these numbers are computed" in body
    assert '<link rel="stylesheet" href="/static/css/stats.css">' in body


def test_bob_sees_only_his_own_empty_numbers(client, alice, bob):
    alice_data(alice)
    client.force_login(bob)

    body = page(client)

    assert "Nothing to show yet" in body
    assert "Design for New Solutions" not in body and "TST-1" not in body
    assert 'class="tiles"' not in body


def test_bob_with_one_card_does_not_see_alices(client, alice, bob):
    first, _ = alice_data(alice)
    new_state(bob, first[0])
    client.force_login(bob)

    body = page(client)

    assert tile(body, "Due today") == "0"
    assert tile(body, "New") == "1"
    assert tile(body, "Learned") == "0"
    assert tile(body, "Streak") == "0 days"
    assert tile(body, "Retention, 30 days") == "—"
    assert "Leeches" not in body
    assert "No reviews due in the next 30 days." in body


def test_a_learner_with_no_data_gets_a_friendly_page(client, alice):
    client.force_login(alice)

    body = page(client)

    assert "Nothing to show yet" in body
    assert 'href="/notes/"' in body


def test_readiness_appears_only_with_an_exam_date(client, alice):
    alice_data(alice)
    client.force_login(alice)
    assert "Set an exam date" in page(client)

    set_zone(alice, exam_date=study_day(alice) + timedelta(days=12))
    body = page(client)

    assert "12 days left" in body and "at 09:00" in body
    assert re.search(r'id="readiness-recall">[\d.]+%<', body)
    target = round(100 * target_recall(alice.profile))
    assert f"Cards at the plan's target ({target}%) or more" in body
    assert "Cards at your desired retention (90%) or more" in body
    assert "How this is computed" in body and "in days and hours" in body
    assert "Memory model: FSRS's default parameters" in body


def test_the_basis_line_says_when_a_fit_was_set_aside_in_english_and_japanese(client, alice):
    alice_data(alice)
    set_zone(alice, exam_date=study_day(alice) + timedelta(days=12), parameters_set_aside_on=study_day(alice))
    client.force_login(alice)

    body = page(client)
    assert "Memory model: FSRS's default parameters" in body
    assert "The parameters fitted to your reviews were set aside on" in body

    set_zone(alice, language="ja")
    client.cookies["django_language"] = "ja"
    body = page(client)
    assert 'id="parameters-set-aside"' in body
    assert "推定したパラメーターは使用をやめました" in body


def test_the_charts_are_inline_svg_without_scripts_or_styles(client, alice):
    alice_data(alice)
    client.force_login(alice)

    body = page(client)

    svgs = re.findall(r"<svg.*?</svg>", body, re.S)
    assert len(svgs) >= 4  # heatmap, forecast, a bar per domain
    for svg in svgs:
        root = ET.fromstring(svg)  # noqa: S314 - our own markup, not untrusted input
        assert all(el.tag.rsplit("}", 1)[-1] != "script" for el in root.iter())
    assert "<script>" not in body  # only the static files from base.html
    assert "style=" not in body


def test_it_renders_in_japanese(client, alice):
    alice_data(alice)
    set_zone(alice, exam_date=study_day(alice) + timedelta(days=3))
    client.force_login(alice)

    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="ja")

    assert response.status_code == 200
    assert 'lang="ja"' in response.content.decode()


def grow(alice, *, cards: int, logs_per_card: int):
    """Add data: notes enough for ``cards`` more card states, and their history."""
    now = timezone.now()
    today = study_day(alice)
    existing = set(CardState.objects.filter(user=alice).values_list("card_id", flat=True))
    first_new_note = Note.objects.count() + 1
    for n in range(first_new_note, first_new_note + cards // 11 + 1):
        note_import(raw=samples.with_id(samples.CANONICAL, f"GRW-{n}").encode(), report=NoteReport(path="x.md"))
    extra = list(Card.objects.exclude(pk__in=existing)[:cards])
    CardState.objects.bulk_create(
        CardState(
            user=alice,
            card=card,
            state=CardState.State.REVIEW,
            due=now + timedelta(days=i % 40),
            stability=5.0 + i,
            difficulty=5.0,
            last_review=now - timedelta(days=i % 7),
            is_leech=i % 5 == 0,
        )
        for i, card in enumerate(extra)
    )
    ReviewLog.objects.bulk_create(
        ReviewLog(
            user=alice,
            card=card,
            rating=1 + (i + j) % 4,
            reviewed_at=now - timedelta(days=j),
            study_day=today - timedelta(days=j),
            previous_state=CardState.State.REVIEW,
            elapsed_days=float(j),
            interval_days=1,
        )
        for i, card in enumerate(extra)
        for j in range(logs_per_card)
    )


def test_the_number_of_queries_does_not_grow_with_the_data(client, alice, django_assert_max_num_queries):
    alice_data(alice)
    client.force_login(alice)

    # session, user (+ profile, unless it comes with the user), then five: card states,
    # answers per day, true retention, leeches, the notes' task statements
    with django_assert_max_num_queries(8) as small:
        page(client)

    grow(alice, cards=33, logs_per_card=40)
    assert ReviewLog.objects.filter(user=alice).count() > 1000
    with django_assert_max_num_queries(8) as large:
        body = page(client)

    assert len(small.captured_queries) == len(large.captured_queries)
    assert tile(body, "Leeches") == "8"  # 1 + every fifth of the 33 new ones
