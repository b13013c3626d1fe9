"""Imported notes, filters, study scopes, mastery per domain and stored data
all speak the exam's vocabulary: SAP-56's "Continuous Improvement" is domain 3
like every other domain 3 note."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from studyapp.accounts.models import Profile
from studyapp.noteformat.vocabulary import DOMAINS
from studyapp.notes.models import Note
from studyapp.notes.services import notes_import
from studyapp.study import services
from studyapp.study.scope import Scope, cards_in_scope, notes_in_scope, scope_choices
from tests.conftest import NOTES

D1, D2, D3, D4 = (d.name for d in DOMAINS)
DOMAIN_3_NOTES = {"SAP-56", "SAP-104", "SAP-107", "SAP-108"}
# The notes these tests were written against (the bank has grown since): the
# ways of writing a domain and a category that they exercise are theirs.
SHIPPED = [NOTES / f"{note_id}.md" for note_id in ["SAP-56", *(f"SAP-{n}" for n in range(101, 113))]]


@pytest.fixture
def shipped(db):
    run = notes_import(paths=SHIPPED)
    assert not run.failed, [(r.path, r.errors) for r in run.notes if r.errors]
    return run


def test_sap_56_lands_in_domain_3_with_the_other_notes(shipped):
    assert set(Note.objects.filter(domain=D3).values_list("note_id", flat=True)) == DOMAIN_3_NOTES
    assert set(Note.objects.values_list("domain", flat=True)) == {D1, D2, D3, D4}
    # The file is stored as the user wrote it.
    assert 'domain: "Continuous Improvement"\n' in Note.objects.get(note_id="SAP-56").source


def test_categories_are_stored_under_the_taxonomy(shipped):
    categories = dict(Note.objects.values_list("note_id", "category"))
    assert categories["SAP-102"] == "Management & Governance"  # written "Organizations"
    assert categories["SAP-107"] == "Cost Management"  # written "Cost Optimization"
    assert categories["SAP-56"] == categories["SAP-101"] == "Networking"


def test_an_unknown_domain_is_reported_with_its_line_and_kept(write_note, db):
    text = (NOTES / "SAP-56.md").read_text(encoding="utf-8").replace("Continuous Improvement", "Continuous Improvment")
    run = notes_import(paths=[write_note("x.md", text)])
    (report,) = run.notes
    assert report.status == "created"
    line = text.split("\n").index('domain: "Continuous Improvment"') + 1
    assert [w.line for w in report.warnings if "domain 'Continuous Improvment'" in w.message] == [line]
    assert Note.objects.get().domain == "Continuous Improvment"


@pytest.mark.parametrize("spelling", ["D3", "Domain 3", "Continuous Improvement", "既存のソリューションの継続的な改善"])
def test_the_note_list_filters_by_any_spelling(client, shipped, spelling):
    body = client.get("/notes/", {"domain": spelling}).content.decode()
    shown = set(re.findall(r"SAP-\d+", body))
    assert shown == DOMAIN_3_NOTES
    # The option's value is the stored name; its text is the name in the page's language (English here).
    assert f'<option value="{D3}" selected>{D3}</option>' in body


def test_the_note_list_offers_the_domains_in_exam_order(client, shipped):
    body = client.get("/notes/").content.decode()
    select = re.search(r'<select name="domain">(.*?)</select>', body, re.S).group(1)
    assert re.findall(r'<option value="([^"]+)">([^<]+)</option>', select) == [(d, d) for d in (D1, D2, D3, D4)]


def test_the_note_list_filters_categories_by_any_spelling(client, shipped):
    body = client.get("/notes/", {"category": "Organizations"}).content.decode()
    assert set(re.findall(r"SAP-\d+", body)) == {"SAP-102"}


def test_study_scopes_offer_the_canonical_domains_in_exam_order(shipped):
    assert scope_choices()[Profile.Scope.DOMAIN] == [D1, D2, D3, D4]
    assert "Continuous Improvement" not in scope_choices()[Profile.Scope.DOMAIN]
    assert "Organizations" not in scope_choices()[Profile.Scope.CATEGORY]


def test_a_domain_scope_studies_every_note_of_the_domain(shipped, alice):
    services.study_scope_set(user=alice, profile=alice.profile, kind=Profile.Scope.DOMAIN, value=D3)
    assert set(notes_in_scope(Scope.of(alice.profile)).values_list("note_id", flat=True)) == DOMAIN_3_NOTES


def test_a_scope_saved_with_an_old_spelling_still_finds_its_notes(shipped, alice):
    profile = alice.profile
    profile.scope_kind, profile.scope_value = Profile.Scope.DOMAIN, "Continuous Improvement"
    profile.save()
    assert set(notes_in_scope(Scope.of(profile)).values_list("note_id", flat=True)) == DOMAIN_3_NOTES
    profile.scope_kind, profile.scope_value = Profile.Scope.CATEGORY, "Cost Optimization"
    assert set(notes_in_scope(Scope.of(profile)).values_list("note_id", flat=True)) == {"SAP-107"}


def test_the_statistics_page_lists_the_four_domains_in_exam_order_with_weights(client, shipped, alice):
    services.study_scope_set(user=alice, profile=alice.profile, kind=Profile.Scope.DOMAIN, value=D3)
    client.force_login(alice)
    body = client.get("/stats/").content.decode()
    names = re.findall(r'<span class="mastery-name">([^<]+)</span>', body)
    assert names == [f"Domain {d.number}: {d.name}" for d in DOMAINS]
    for domain in DOMAINS:
        assert f"{domain.weight}% of the exam" in body
    # Only domain 3 is in scope: one bar; the others say they have no cards.
    assert body.count("No cards of this domain in your study scope.") == 3
    assert f"0 of {cards_in_scope(Scope.of(alice.profile)).count()} cards studied" in body


def test_the_statistics_page_names_the_domains_in_japanese(client, shipped, alice):
    profile = alice.profile
    profile.language = "ja"
    profile.exam_date = timezone.localdate() + timedelta(days=30)
    profile.save()
    services.study_queue_sync(user=alice, profile=profile)
    client.force_login(alice)
    client.cookies["django_language"] = "ja"
    body = client.get("/stats/").content.decode()
    names = re.findall(r'<span class="mastery-name">([^<]+)</span>', body)
    assert names == [f"第 {d.number} 分野: {d.name_ja}" for d in DOMAINS]
    assert "試験の 25%" in body


# ---------------------------------------------------------------- upgrade


def _vocabulary_migration(executor):
    (key,) = [
        k
        for k in executor.loader.disk_migrations
        if k[0] == "notes" and k[1].endswith("canonical_domains_and_categories")
    ]
    (before,) = [p for p in executor.loader.graph.node_map[key].parents if p.key[0] == "notes"]
    return key, before.key


def _before(executor, leaf, target):
    """The latest migration of ``leaf``'s app that does not need ``target``:
    other apps' later migrations may depend on the notes app's latest."""
    graph = executor.loader.graph
    node = leaf
    while target in graph.forwards_plan(node):
        parents = [p.key for p in graph.node_map[node].parents if p.key[0] == leaf[0]]
        if not parents:
            # Even the app's first migration needs the target (an app newer
            # than it, e.g. exams): the app is unapplied altogether.
            return (leaf[0], None)
        (node,) = parents
    return node


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_maps_stored_notes_and_learners_scopes():
    executor = MigrationExecutor(connection)
    target, before = _vocabulary_migration(executor)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        others = [_before(executor, leaf, target) for leaf in leaves if leaf[0] != "notes"]
        executor.migrate([before, *others])
        old = executor.loader.project_state([before, *(n for n in others if n[1] is not None)]).apps
        OldNote, OldProfile = old.get_model("notes", "Note"), old.get_model("accounts", "Profile")
        OldUser = old.get_model("auth", "User")
        for note_id, domain, category in (
            ("SAP-56", "Continuous Improvement", "Networking"),
            ("SAP-104", "Continuous Improvement for Existing Solutions", "Database"),
            ("SAP-102", "D1", "Organizations"),
            ("X-1", "Some Other Exam's Domain", "Reliability"),
        ):
            OldNote.objects.create(
                note_id=note_id,
                title=note_id,
                domain=domain,
                category=category,
                source="",
                raw_hash=note_id,
                source_hash=note_id,
                parsed={"meta": {"id": note_id, "domain": domain, "category": category}},
            )
        scopes = {
            "ann": ("domain", "Continuous Improvement"),
            "ben": ("category", "Cost Optimization"),
            "cat": ("domain", "Some Other Exam's Domain"),
            "dan": ("note", "SAP-56"),
        }
        for name, (kind, value) in scopes.items():
            user = OldUser.objects.create(username=name)
            OldProfile.objects.create(user_id=user.pk, scope_kind=kind, scope_value=value)

        executor = MigrationExecutor(connection)
        executor.migrate([target])

        # Only the columns that migration knows: later ones are not there yet.
        rows = Note.objects.values_list("note_id", "domain", "category", "parsed")
        stored = {note_id: (domain, category, parsed["meta"]["domain"]) for note_id, domain, category, parsed in rows}
        assert stored == {
            "SAP-56": (D3, "Networking", D3),
            "SAP-104": (D3, "Database", D3),
            "SAP-102": (D1, "Management & Governance", D1),
            "X-1": ("Some Other Exam's Domain", "Reliability", "Some Other Exam's Domain"),
        }
        profiles = dict(Profile.objects.values_list("user__username", "scope_value"))
        assert profiles == {"ann": D3, "ben": "Cost Management", "cat": "Some Other Exam's Domain", "dan": "SAP-56"}
    finally:
        MigrationExecutor(connection).migrate(leaves)
