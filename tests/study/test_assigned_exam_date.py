"""A team assignment's exam date (Profile.assigned_exam_date, kept by the
teams app) plans a learner's reviews unless they set a date of their own."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_without_a_date_of_their_own_the_assigned_one_plans(alice):
    profile = alice.profile
    assigned = timezone.now().date() + timedelta(days=30)
    profile.assigned_exam_date = assigned
    assert profile.clock().exam_date == assigned
    assert profile.clock().exam_at == datetime.combine(assigned, time(9), tzinfo=UTC)


def test_a_date_of_their_own_wins(alice):
    profile = alice.profile
    profile.assigned_exam_date = timezone.now().date() + timedelta(days=30)
    profile.exam_date = timezone.now().date() + timedelta(days=60)
    assert profile.clock().exam_date == profile.exam_date
    assert profile.clock().exam_at.date() == profile.exam_date


def test_an_assigned_date_beyond_the_horizon_is_ignored(alice):
    alice.profile.assigned_exam_date = date(9999, 12, 31)
    assert alice.profile.clock().exam_date is None


def test_the_study_page_counts_down_to_the_assigned_date(client, alice):
    alice.profile.assigned_exam_date = timezone.now().date() + timedelta(days=30)
    alice.profile.save()
    client.force_login(alice)
    body = client.get(reverse("study")).content.decode()
    assert "Exam in" in body
