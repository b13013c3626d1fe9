from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from studyapp.accounts.forms import ProfileSettingsForm
from studyapp.accounts.models import Profile

pytestmark = pytest.mark.django_db

URL = "/accounts/settings/"


def _form_data(**changes):
    data = {
        "language": "en",
        "time_zone": "UTC",
        "desired_retention": "0.9",
        "new_per_day": "20",
        "reviews_per_day": "200",
        "exam_date": "",
    }
    return data | changes


def _profile(user) -> Profile:
    return Profile.objects.get(user=user)


def _future(days=30) -> date:
    return timezone.now().date() + timedelta(days=days)


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_login(client, method):
    response = getattr(client, method)(URL)
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/accounts/settings/"


def test_it_shows_the_owner_s_settings(client, alice):
    Profile.objects.filter(user=alice).update(time_zone="Asia/Tokyo", new_per_day=35, exam_date=date(2099, 3, 1))
    client.force_login(alice)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<option value="Asia/Tokyo" selected>' in body
    assert 'value="35"' in body
    assert 'type="date"' in body and 'value="2099-03-01"' in body


def test_another_user_sees_only_their_own(client, alice, bob):
    Profile.objects.filter(user=alice).update(new_per_day=35, time_zone="Asia/Tokyo")
    client.force_login(bob)
    body = client.get(URL).content.decode()
    assert 'value="35"' not in body
    assert '<option value="UTC" selected>' in body


def test_another_user_cannot_change_the_owner_s(client, alice, bob):
    client.force_login(bob)
    client.post(URL, _form_data(new_per_day="7"))
    assert _profile(bob).new_per_day == 7
    assert _profile(alice).new_per_day == 20


def test_it_lists_common_time_zones_first(client, alice):
    client.force_login(alice)
    body = client.get(URL).content.decode()
    select = body[body.index('name="time_zone"') :]
    assert select.index('value="Asia/Tokyo"') < select.index('value="Africa/Abidjan"')
    assert 'value="Pacific/Auckland"' in select


@pytest.mark.parametrize(
    ("field", "posted", "stored"),
    [
        ("language", "ja", "ja"),
        ("time_zone", "Asia/Tokyo", "Asia/Tokyo"),
        ("desired_retention", "0.85", 0.85),
        ("new_per_day", "0", 0),
        ("reviews_per_day", "999", 999),
        ("exam_date", _future().isoformat(), _future()),
    ],
)
def test_it_saves_each_field(client, alice, field, posted, stored):
    client.force_login(alice)
    response = client.post(URL, _form_data(**{field: posted}))
    assert response.status_code == 302
    assert response.url == URL
    assert getattr(_profile(alice), field) == stored


def test_it_says_the_settings_are_saved(client, alice):
    client.force_login(alice)
    response = client.post(URL, _form_data(), follow=True)
    assert "Settings saved." in response.content.decode()


def test_an_empty_exam_date_clears_it(client, alice):
    Profile.objects.filter(user=alice).update(exam_date=_future())
    client.force_login(alice)
    client.post(URL, _form_data(exam_date=""))
    assert _profile(alice).exam_date is None


def test_it_accepts_an_exam_today(client, alice):
    client.force_login(alice)
    today = timezone.now().date().isoformat()
    assert client.post(URL, _form_data(exam_date=today)).status_code == 302


@pytest.mark.parametrize(
    ("field", "posted", "message"),
    [
        ("desired_retention", "0.5", "greater than or equal to 0.7"),
        ("desired_retention", "1.0", "less than or equal to 0.99"),
        ("desired_retention", "ninety", "Enter a number."),
        ("new_per_day", "-1", "greater than or equal to 0"),
        ("reviews_per_day", "-5", "greater than or equal to"),
        ("reviews_per_day", "0", "greater than or equal to 1"),
        ("exam_date", "2000-01-01", "The exam date cannot be in the past."),
        ("time_zone", "Mars/Olympus_Mons", "Select a valid choice."),
        ("language", "fr", "Select a valid choice."),
    ],
)
def test_it_rejects_bad_values_and_saves_nothing(client, alice, field, posted, message):
    client.force_login(alice)
    # new_per_day changes too, valid or not, so "nothing saved" is visible.
    response = client.post(URL, _form_data(new_per_day="33") | {field: posted})
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    # The error is on the field's own group, not only at the top.
    group = body[body.index(f'for="id_{field}"') :]
    assert group.index('class="errorlist"') < group.index(f'name="{field}"')
    assert _profile(alice).new_per_day == 20


def test_it_ignores_fields_outside_the_form(client, alice, bob):
    client.force_login(alice)
    client.post(URL, _form_data(scope_kind="note", scope_value="SAP-1", user=str(bob.id)))
    profile = _profile(alice)
    assert profile.scope_kind == "all" and profile.scope_value == ""
    assert Profile.objects.filter(user=bob).exists()


def test_saving_the_language_switches_the_interface_at_once(client, alice):
    client.force_login(alice)
    response = client.post(URL, _form_data(language="ja"))
    assert response.cookies["django_language"].value == "ja"
    page = client.get(URL).content.decode()
    assert '<html lang="ja">' in page


def test_wrong_methods_get_405(client, alice):
    client.force_login(alice)
    assert client.put(URL).status_code == 405


def test_head_is_answered_like_get(client, alice):
    client.force_login(alice)
    assert client.head(URL).status_code == 200


JUNK_ZONES = ["Factory", "localtime", "Etc/GMT+5", "Etc/UTC", "GMT", "US/Eastern", "EST5EDT", "Japan", "posixrules"]


def test_the_time_zone_list_offers_no_junk_zones(client, alice):
    client.force_login(alice)
    body = client.get(URL).content.decode()
    select = body[body.index('name="time_zone"') :]
    for zone in JUNK_ZONES:
        assert f'value="{zone}"' not in select
    for zone in ("UTC", "Asia/Tokyo", "America/Argentina/Buenos_Aires", "Antarctica/Troll", "Pacific/Chatham"):
        assert f'value="{zone}"' in select


@pytest.mark.parametrize("zone", JUNK_ZONES)
def test_a_junk_zone_is_refused_by_the_form_and_the_model(client, alice, zone):
    client.force_login(alice)
    response = client.post(URL, _form_data(time_zone=zone))
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    profile = _profile(alice)
    profile.time_zone = zone
    with pytest.raises(ValidationError):
        profile.full_clean()


def test_the_page_loads_user_and_profile_in_one_query(client, alice, django_assert_num_queries):
    client.force_login(alice)
    # One query for the session, one for the user with the profile joined.
    with django_assert_num_queries(2):
        assert client.get(URL).status_code == 200


class TestExamDateIsJudgedInTheLearnersTimeZone:
    # 00:30 UTC on 10 January: already the 10th in Tokyo, still the 9th in Los Angeles.
    NOW = datetime(2031, 1, 10, 0, 30, tzinfo=UTC)

    @pytest.fixture(autouse=True)
    def frozen_now(self, monkeypatch):
        monkeypatch.setattr("studyapp.accounts.forms.timezone.now", lambda: self.NOW)

    def _form(self, alice, zone):
        return ProfileSettingsForm(_form_data(time_zone=zone, exam_date="2031-01-09"), instance=_profile(alice))

    def test_yesterday_in_tokyo_is_past(self, alice):
        form = self._form(alice, "Asia/Tokyo")
        assert not form.is_valid()
        assert "exam_date" in form.errors

    def test_today_in_los_angeles_is_fine(self, alice):
        assert self._form(alice, "America/Los_Angeles").is_valid()
