"""The admin opens for staff on every model page, and not for learners."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

from studyapp.notes.services import NoteReport, note_import
from tests import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return User.objects.create_superuser("root", "root@example.com", "root-password-1")


def test_every_admin_changelist_opens(client, superuser):
    note_import(raw=samples.CANONICAL.encode(), report=NoteReport(path="a.md"))
    client.force_login(superuser)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


def test_learners_cannot_open_the_admin(client, alice):
    client.force_login(alice)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_review_logs_cannot_be_changed_in_the_admin(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:study_reviewlog_add")).status_code == 403
