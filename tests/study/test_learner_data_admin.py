"""Learner data is read-only in the admin: staff can look, never add, change
or delete (a state deleted by hand made every undo answer 500)."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from fsrs import Rating

from studyapp.study import services
from studyapp.study.models import CardState, HideAction, ReviewLog, StudyDay

pytestmark = pytest.mark.django_db
MODELS = [CardState, ReviewLog, StudyDay, HideAction]


@pytest.fixture
def learner_rows(alice_deck):
    profile = alice_deck.profile
    first, second = CardState.objects.filter(user=alice_deck).order_by("new_rank")[:2]
    services.card_grade(user=alice_deck, profile=profile, state_id=first.pk, version=0, rating=Rating.Good)
    services.card_bury(user=alice_deck, profile=profile, state_id=second.pk, version=0)
    StudyDay.objects.create(user=alice_deck, day=profile.clock().study_day(first.created_at), new_limit=30)
    return {model: model.objects.filter(user=alice_deck).first() for model in MODELS}


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "root-password-1"))
    return client


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_staff_can_look_at_learner_data(staff_client, learner_rows, model):
    assert staff_client.get(admin_url(model, "changelist")).status_code == 200
    page = staff_client.get(admin_url(model, "change", learner_rows[model].pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_staff_cannot_add_change_or_delete_learner_data(staff_client, learner_rows, model):
    row = learner_rows[model]
    before = {f.attname: getattr(row, f.attname) for f in model._meta.fields}
    assert staff_client.get(admin_url(model, "add")).status_code == 403
    assert staff_client.post(admin_url(model, "change", row.pk), {}).status_code == 403
    assert staff_client.post(admin_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    response = staff_client.post(
        admin_url(model, "changelist"), {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    )
    assert response.status_code in {200, 302}
    row = model.objects.get(pk=row.pk)
    assert {f.attname: getattr(row, f.attname) for f in model._meta.fields} == before
