"""When no worker runs (tasks queued in the database, nobody taking them),
the dashboard says "being updated" only while a worker could still be coming,
then says that the figures are not being updated and stops asking
(issue 14, finding 9: "being updated" for ever)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.teams.models import Assignment
from tests.teams.conftest import assign, team_with, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_worker(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_dashboard_says_when_no_worker_takes_the_refresh(client, deck, no_worker):
    lead = user("lena")
    team = team_with(lead, [user("mika"), user("noa")])
    assignment = assign(team)
    client.force_login(lead)
    url = reverse("team_dashboard", args=[team.pk])

    first = client.get(url).content.decode()
    assert 'id="pending"' in first and "hx-trigger" in first  # queued: it polls

    # Nobody took it: three minutes later, still queued.
    Assignment.objects.filter(pk=assignment.pk).update(refresh_queued_at=timezone.now() - timedelta(minutes=3))
    later = client.get(url).content.decode()
    assert 'id="worker-silent"' in later
    assert 'id="pending"' not in later and 'hx-trigger="load delay' not in later
