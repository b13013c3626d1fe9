"""Exam dates are bounded (not in the past, within five years) in the form
and in the model, and a date that reached the database anyway never reaches
fsrs: the study pages still answer."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from studyapp.accounts.forms import ProfileSettingsForm
from studyapp.accounts.models import Profile, latest_exam_date
from studyapp.study.models import CardState, ReviewLog

pytestmark = pytest.mark.django_db
# What static/js/study.js sends: it swaps the card.
HTMX = {"HX-Request": "true", "HX-Target": "study-card"}


def form_data(**changes):
    data = {
        "language": "en",
        "time_zone": "UTC",
        "desired_retention": "0.9",
        "new_per_day": "20",
        "reviews_per_day": "200",
        "exam_date": "",
    }
    return data | changes


def today() -> date:
    return timezone.now().date()


@pytest.mark.parametrize(
    "exam",
    ["9999-12-31", "3000-01-01", (lambda: (latest_exam_date(today()) + timedelta(days=1)).isoformat())],
    ids=["year-9999", "year-3000", "five-years-and-a-day"],
)
def test_the_settings_form_refuses_an_exam_too_far_away(client, alice, exam):
    exam = exam() if callable(exam) else exam
    client.force_login(alice)
    response = client.post("/accounts/settings/", form_data(exam_date=exam, new_per_day="33"))
    assert response.status_code == 200
    assert "The exam date must be within 5 years." in response.content.decode()
    profile = Profile.objects.get(user=alice)
    assert profile.exam_date is None and profile.new_per_day == 20


def test_an_exam_exactly_five_years_ahead_is_fine(alice):
    exam = latest_exam_date(today())
    form = ProfileSettingsForm(form_data(exam_date=exam.isoformat()), instance=alice.profile)
    assert form.is_valid(), form.errors


def test_the_date_picker_offers_only_what_the_server_accepts(client, alice):
    client.force_login(alice)
    body = client.get("/accounts/settings/").content.decode()
    assert f'max="{latest_exam_date(today()).isoformat()}"' in body


def test_the_model_refuses_an_exam_too_far_away(alice):
    profile = Profile.objects.get(user=alice)
    profile.exam_date = date(9999, 12, 31)
    with pytest.raises(ValidationError) as error:
        profile.full_clean()
    assert "exam_date" in error.value.message_dict


def test_the_model_refuses_a_new_exam_date_in_the_past(alice):
    profile = Profile.objects.get(user=alice)
    profile.exam_date = today() - timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        profile.full_clean()
    assert "exam_date" in error.value.message_dict


def test_an_exam_date_that_has_passed_does_not_block_other_settings(client, alice):
    """The exam was last week: changing the language must still work."""
    passed = today() - timedelta(days=7)
    Profile.objects.filter(user=alice).update(exam_date=passed)
    Profile.objects.get(user=alice).full_clean()
    client.force_login(alice)
    response = client.post("/accounts/settings/", form_data(exam_date=passed.isoformat(), new_per_day="33"))
    assert response.status_code == 302
    assert Profile.objects.get(user=alice).new_per_day == 33


@pytest.mark.parametrize("stored", [date(9999, 12, 31), date(2200, 1, 1)])
def test_a_far_exam_date_stored_directly_never_reaches_fsrs(client, alice_deck, stored):
    """Stored from the shell or a restore, past the form and the model."""
    Profile.objects.filter(user=alice_deck).update(exam_date=stored)
    profile = Profile.objects.get(user=alice_deck)
    assert profile.clock().exam_date is None and profile.clock().exam_at is None
    client.force_login(alice_deck)
    page = client.get(reverse("study"))
    assert page.status_code == 200
    assert "Exam in" not in page.content.decode()
    state = CardState.objects.filter(user=alice_deck, state=0, card__kind="trigger").order_by("new_rank").first()
    response = client.post(reverse("study_grade", args=[state.pk]), {"rating": 3, "version": 0}, headers=HTMX)
    assert response.status_code == 200
    assert ReviewLog.objects.count() == 1
    assert client.get(reverse("study_card"), headers=HTMX).status_code == 200
    question = CardState.objects.get(user=alice_deck, card__key="TST-1:question:scenario")
    response = client.post(reverse("study_answer", args=[question.pk]), {"version": 0, "choice": ["A"]}, headers=HTMX)
    assert response.status_code == 200
    assert client.get(reverse("stats")).status_code == 200


def test_an_exam_date_within_reach_is_planned_for(alice):
    alice.profile.exam_date = today() + timedelta(days=30)
    assert alice.profile.clock().exam_date == alice.profile.exam_date
