"""Exam readiness on the statistics page, read in Chromium, in English and
Japanese: the figure, its basis and what it is computed from."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from studyapp.study import stats
from studyapp.study.models import CardState
from studyapp.study.services import study_queue_sync
from tests import samples
from tests.study.conftest import import_note

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "sap-pro-2026-pass"  # noqa: S105 - a test account


@pytest.fixture
def keiko():
    import_note(samples.CANONICAL)
    user = User.objects.create_user("keiko", password=PASSWORD)
    profile = user.profile
    profile.time_zone = "Asia/Tokyo"
    profile.exam_date = profile.clock().study_day(timezone.now()) + timedelta(days=12)
    profile.save()
    study_queue_sync(user=user, profile=profile)
    now = timezone.now()
    for state, stability in zip(
        CardState.objects.filter(user=user).order_by("new_rank")[:4], (3.0, 20.0, 90.0, 400.0), strict=True
    ):
        CardState.objects.filter(pk=state.pk).update(
            state=CardState.State.REVIEW, stability=stability, difficulty=5.0, last_review=now - timedelta(days=1),
            due=now + timedelta(days=2), reps=2,
        )  # fmt: skip
    return user


def log_in(page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "keiko")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_the_statistics_page_reads_the_readiness_and_its_basis(page, live_server, keiko):
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/stats/")
    expected = stats.exam_readiness(stats.card_rows(user=keiko), profile=keiko.profile, now=timezone.now())
    shown = page.locator("#readiness-recall").inner_text()
    assert float(shown.rstrip("%")) == pytest.approx(expected.percent, abs=0.06)
    assert re.fullmatch(r"\d+%", page.locator("#readiness-at-target").inner_text())
    basis = page.locator("#readiness-basis").inner_text()
    assert "FSRS's default parameters" in basis and "calibration factor is 1.00" in basis
    help_text = page.locator("#readiness-help").inner_text()
    assert "start of your exam" in help_text and "in days and hours" in help_text

    # The same page in Japanese.
    with page.expect_navigation():  # the language switch submits itself and comes back here
        page.select_option("#language", "ja")
    assert page.url.endswith("/stats/")
    assert page.locator("#readiness-recall").inner_text() == shown
    assert "試験" in page.locator("#readiness-help").inner_text()
    assert "FSRS" in page.locator("#readiness-basis").inner_text()
