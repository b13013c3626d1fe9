"""Exam blueprints at /author/blueprints/: instructors add and change their
own; the shipped SAP-C02 is read-only; another instructor's offered
blueprint is theirs to see, not to change (403), one they do not offer is
not found (404); a learner is refused the authoring area (403); an
anonymous visitor is sent to log in. Bad input names its field and changes
nothing."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from studyapp.authoring.blueprint_forms import DOMAIN_ROWS
from studyapp.exams.models import Attempt, Blueprint
from studyapp.noteformat.vocabulary import DOMAINS
from tests import samples
from tests.authoring.conftest import import_text
from tests.authoring.test_japanese import english_left

pytestmark = pytest.mark.django_db

D1, D2, D3, D4 = (d.name for d in DOMAINS)


def form(**changes) -> dict:
    data = {
        "code": "SAA-C03",
        "name": "Solutions Architect – Associate",
        "question_count": "65",
        "minutes": "130",
        "pass_mark": "720",
        "is_active": "on",
        "domain_1": D1,
        "weight_1": "30",
        "domain_2": D2,
        "weight_2": "26",
        "domain_3": D3,
        "weight_3": "24",
        "domain_4": D4,
        "weight_4": "20",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def alice(db):
    return User.objects.create_user("alice", "alice@example.com", "alice-password-1")


@pytest.fixture
def sap():
    return Blueprint.objects.get(code="SAP-C02")


def own(user, code="SAA-C03", **extra) -> Blueprint:
    values = {"name": "Associate", "question_count": 65, "minutes": 130, "pass_mark": 720}
    values["domains"] = [{"name": D1, "weight": 50}, {"name": D2, "weight": 50}]
    return Blueprint.objects.create(code=code, created_by=user, **(values | extra))


def test_sap_c02_ships_as_a_read_only_blueprint(client, ines, sap):
    assert sap.created_by is None and sap.question_count == 75 and sap.minutes == 180 and sap.pass_mark == 750
    assert [w for _n, w in sap.weights()] == [26, 29, 25, 20]
    client.force_login(ines)
    page = client.get(reverse("authoring_blueprints"))
    assert page.status_code == 200
    assert "SAP-C02" in page.content.decode() and "shipped, read-only" in page.content.decode()
    before = Blueprint.objects.values().get(pk=sap.pk)
    assert client.get(reverse("authoring_blueprint_edit", args=[sap.pk])).status_code == 403
    assert client.post(reverse("authoring_blueprint_edit", args=[sap.pk]), form(code="SAP-C02")).status_code == 403
    assert Blueprint.objects.values().get(pk=sap.pk) == before


def test_an_instructor_adds_a_blueprint_that_learners_and_teams_are_offered(client, ines):
    client.force_login(ines)
    assert client.get(reverse("authoring_blueprint_new")).status_code == 200
    response = client.post(reverse("authoring_blueprint_new"), form(code="saa-c03"))
    assert response.status_code == 302
    made = Blueprint.objects.get(code="SAA-C03")
    assert (made.created_by, made.question_count, made.minutes, made.pass_mark, made.is_active) == (
        ines,
        65,
        130,
        720,
        True,
    )
    assert made.domains == [
        {"name": D1, "weight": 30},
        {"name": D2, "weight": 26},
        {"name": D3, "weight": 24},
        {"name": D4, "weight": 20},
    ]
    assert made in Blueprint.objects.active()


def test_an_instructor_changes_their_own_blueprint(client, ines):
    mine = own(ines)
    client.force_login(ines)
    page = client.get(reverse("authoring_blueprint_edit", args=[mine.pk]))
    assert page.status_code == 200 and 'value="SAA-C03"' in page.content.decode()
    changed = form(name="Associate, 2027", is_active=None, domain_3=None, weight_3=None, domain_4=None, weight_4=None)
    changed |= {"weight_1": "40", "weight_2": "60"}
    assert client.post(reverse("authoring_blueprint_edit", args=[mine.pk]), changed).status_code == 302
    mine.refresh_from_db()
    assert mine.name == "Associate, 2027" and not mine.is_active
    assert mine.weights() == [(D1, 40), (D2, 60)]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"weight_4": "25"}, "weight_4", "add up to 105 %"),
        ({"code": "no spaces"}, "code", "letters, digits and hyphens"),
        ({"code": "SAP-C02"}, "code", "Another blueprint has this code"),
        ({"name": "   "}, "name", "This field is required"),
        ({"question_count": "0"}, "question_count", "greater than or equal to 1"),
        ({"question_count": "3"}, "question_count", "at least one question per domain"),
        ({"minutes": "x"}, "minutes", "Enter a whole number"),
        ({"pass_mark": "1001"}, "pass_mark", "less than or equal to 1000"),
        ({"domain_2": D1}, "domain_2", "already listed above"),
        ({"domain_3": ""}, "domain_3", "Choose the domain"),
        ({"weight_3": ""}, "weight_3", "Give this domain a weight"),
        ({"domain_1": "Not a domain"}, "domain_1", "Select a valid choice"),
        (
            {f"domain_{i}": "" for i in range(1, 5)} | {f"weight_{i}": "" for i in range(1, 5)},
            "domain_1",
            "at least one",
        ),
    ],
)
def test_a_wrong_field_is_named_and_nothing_is_saved(client, ines, changes, field, message):
    client.force_login(ines)
    before = list(Blueprint.objects.values())
    response = client.post(reverse("authoring_blueprint_new"), form(**changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(message in error for error in errors[field]), errors[field]
    assert f'href="#id_{field}"' in response.content.decode()
    assert list(Blueprint.objects.values()) == before


def test_the_shape_of_an_exam_someone_sat_does_not_change_but_its_name_may(client, ines, alice):
    mine = own(ines)
    Attempt.objects.create(user=alice, blueprint=mine, kind="mock", started_at=timezone.now())
    client.force_login(ines)
    base = form(domain_3=None, weight_3=None, domain_4=None, weight_4=None) | {"weight_1": "50", "weight_2": "50"}
    response = client.post(reverse("authoring_blueprint_edit", args=[mine.pk]), base | {"question_count": "70"})
    assert response.status_code == 400 and "Learners have sat this exam" in response.content.decode()
    mine.refresh_from_db()
    assert mine.question_count == 65
    assert (
        client.post(reverse("authoring_blueprint_edit", args=[mine.pk]), base | {"name": "Renamed"}).status_code == 302
    )
    mine.refresh_from_db()
    assert mine.name == "Renamed" and mine.question_count == 65


def test_another_instructors_blueprint_is_seen_when_offered_never_changed(client, ines, otto):
    offered, hidden = own(otto, "OTTO-1"), own(otto, "OTTO-2", is_active=False)
    client.force_login(ines)
    listing = client.get(reverse("authoring_blueprints")).content.decode()
    assert "OTTO-1" in listing and "OTTO-2" not in listing
    assert client.get(reverse("authoring_blueprint_edit", args=[offered.pk])).status_code == 403
    assert client.post(reverse("authoring_blueprint_edit", args=[offered.pk]), form(code="OTTO-1")).status_code == 403
    assert client.get(reverse("authoring_blueprint_edit", args=[hidden.pk])).status_code == 404
    assert client.post(reverse("authoring_blueprint_edit", args=[hidden.pk]), form(code="OTTO-2")).status_code == 404
    assert client.get(reverse("authoring_blueprint_edit", args=[999999])).status_code == 404
    assert Blueprint.objects.get(pk=offered.pk).name == "Associate"


@pytest.mark.parametrize("name", ["authoring_blueprints", "authoring_blueprint_new"])
def test_a_learner_is_refused_and_an_anonymous_visitor_sent_to_log_in(client, alice, name):
    assert client.get(reverse(name)).status_code == 302
    assert client.post(reverse("authoring_blueprint_new"), form()).status_code == 302
    client.force_login(alice)
    assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse("authoring_blueprint_new"), form()).status_code == 403
    assert not Blueprint.objects.filter(code="SAA-C03").exists()


def test_a_learner_is_refused_an_instructors_blueprint(client, ines, alice):
    mine = own(ines)
    client.force_login(alice)
    assert client.get(reverse("authoring_blueprint_edit", args=[mine.pk])).status_code == 403
    assert client.post(reverse("authoring_blueprint_edit", args=[mine.pk]), form()).status_code == 403
    client.logout()
    assert client.get(reverse("authoring_blueprint_edit", args=[mine.pk])).status_code == 302


@pytest.mark.parametrize("name", ["authoring_blueprints", "authoring_blueprint_new"])
def test_wrong_methods_are_refused(client, ines, name):
    client.force_login(ines)
    assert client.put(reverse(name)).status_code == 405
    if name == "authoring_blueprints":
        assert client.post(reverse(name)).status_code == 405


def test_the_form_offers_sap_c02s_domains_and_those_of_published_notes(client, ines):
    text = samples.with_id(samples.CANONICAL, "SAA-1").replace(
        'domain: "Design for New Solutions"', 'domain: "Design Secure Architectures"'
    )
    import_text(text)
    client.force_login(ines)
    page = client.get(reverse("authoring_blueprint_new"))
    choices = [value for value, _label in page.context["form"].fields["domain_1"].choices]
    assert choices == ["", D1, D2, D3, D4, "Design Secure Architectures"]
    assert page.content.decode().count('<option value="Design Secure Architectures">') == DOMAIN_ROWS


def test_the_pages_read_in_japanese(client, ines):
    mine = own(ines)
    client.cookies["django_language"] = "ja"
    ines.profile.language = "ja"
    ines.profile.save()
    client.force_login(ines)
    for url in (reverse("authoring_blueprints"), reverse("authoring_blueprint_edit", args=[mine.pk])):
        assert english_left(client.get(url).content.decode()) == [], url
    listing = client.get(reverse("authoring_blueprints")).content.decode()
    assert "試験の設計図" in listing and "組織の複雑さに対応するソリューションの設計" in listing
    wrong = client.post(reverse("authoring_blueprint_new"), form(weight_4="25"))
    assert english_left(wrong.content.decode()) == [] and "合計が 105 %" in wrong.content.decode()


def test_two_instructors_racing_for_one_code_make_one_blueprint(ines, otto):
    from studyapp.authoring.blueprint_services import BlueprintError, blueprint_create

    data = {
        "code": "SAA-C03",
        "name": "x",
        "question_count": 65,
        "minutes": 130,
        "pass_mark": 720,
        "is_active": True,
        "domains": [{"name": D1, "weight": 100}],
    }
    blueprint_create(user=ines, data=data)
    with pytest.raises(BlueprintError) as refused:
        blueprint_create(user=otto, data=data | {"code": "saa-c03"})
    assert refused.value.code == "code_taken"
    assert Blueprint.objects.filter(code__iexact="SAA-C03").count() == 1
