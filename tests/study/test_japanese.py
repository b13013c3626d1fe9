"""Every UI string has a Japanese translation, and the study and statistics
pages rendered in Japanese show no English UI text."""

import gettext
import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.notes.models import Note
from studyapp.study import services
from studyapp.study.models import CardState
from tests.conftest import ROOT

PO = ROOT / "locale" / "ja" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PAGES_SOURCES = ("templates/study/", "templates/base.html", "studyapp/study/", "studyapp/accounts/models.py")


def po_entries() -> list[dict]:
    """(msgid, msgstr forms, references, flags) of each entry of the .po file."""
    entries = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        refs = " ".join(line[3:] for line in block.splitlines() if line.startswith("#: "))
        flags = " ".join(line[3:] for line in block.splitlines() if line.startswith("#, "))
        strings: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$', line)
            if match:
                key = match.group(1)
                strings[key] = eval(match.group(2))  # noqa: S307 - a quoted .po string
            elif line.startswith('"') and key:
                strings[key] += eval(line)  # noqa: S307
        if strings.get("msgid"):
            forms = [v for k, v in strings.items() if k.startswith("msgstr")]
            # A message with a context is compiled under "context\x04msgid".
            key = f"{strings['msgctxt']}\x04{strings['msgid']}" if "msgctxt" in strings else strings["msgid"]
            entries.append({"msgid": key, "forms": forms, "refs": refs, "flags": flags})
    return entries


def test_every_string_is_translated_and_none_is_fuzzy():
    entries = po_entries()
    assert len(entries) > 100
    untranslated = [e["msgid"] for e in entries if not all(e["forms"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [] and fuzzy == []


def test_the_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog
    for entry in po_entries():
        if entry["msgid"] in catalog:
            assert catalog[entry["msgid"]] == entry["forms"][0]
        else:
            assert (entry["msgid"], 0) in catalog, f"not compiled: {entry['msgid']!r} (run make messages)"


def visible_text(page: str) -> str:
    page = re.sub(r"(?s)<(script|style|title)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<[^>]+>", " ", page)
    return " ".join(html.unescape(page).split())


def ui_patterns(sources: tuple[str, ...] = PAGES_SOURCES) -> list[re.Pattern]:
    """English msgids used by the study and statistics pages, as patterns of
    the text they would show (placeholders match the values put in them)."""
    patterns = []
    for entry in po_entries():
        if not any(source in entry["refs"] for source in sources):
            continue
        if entry["forms"][0] == entry["msgid"] or not re.search("[A-Za-z]{3}", entry["msgid"]):
            continue
        parts = re.split(r"%\(\w+\)(?:\.\d)?[sdf]|%%", entry["msgid"].strip())
        body = r".{1,40}?".join(re.escape(" ".join(p.split())) for p in parts)
        patterns.append(re.compile(rf"(?<![A-Za-z]){body}(?![A-Za-z])"))
    return patterns


def english_left(page: str, sources: tuple[str, ...] = PAGES_SOURCES) -> list[str]:
    text = visible_text(page)
    return sorted({p.pattern for p in ui_patterns(sources) if p.search(text)})


@pytest.fixture
def japanese_learner(client, alice_deck):
    profile = alice_deck.profile
    profile.language = "ja"
    profile.exam_date = timezone.localdate() + timedelta(days=30)
    profile.save()
    # Note content is the author's, not UI text: keep English words that are
    # also UI strings ("New" in "Design for New Solutions") out of the page.
    Note.objects.update(domain="新しいソリューションの設計")
    client.force_login(alice_deck)
    client.cookies["django_language"] = "ja"
    return alice_deck


@pytest.mark.django_db
def test_the_study_page_in_japanese_has_no_english_ui_text(client, japanese_learner):
    assert english_left(client.get(reverse("study")).content.decode()) == []


@pytest.mark.django_db
def test_a_question_result_in_japanese_has_no_english_ui_text(client, japanese_learner):
    state = CardState.objects.get(user=japanese_learner, card__key="TST-1:question:scenario")
    response = client.post(
        reverse("study_answer", args=[state.pk]),
        {"version": 0, "choice": ["A", "B"]},
        headers={"HX-Request": "true", "HX-Target": "study-card"},
    )
    assert english_left(response.content.decode()) == []


@pytest.mark.django_db
def test_the_statistics_page_in_japanese_has_no_english_ui_text(client, japanese_learner):
    state = CardState.objects.filter(user=japanese_learner, state=0).first()
    services.card_grade(user=japanese_learner, profile=japanese_learner.profile, state_id=state.pk, version=0, rating=3)
    assert english_left(client.get(reverse("stats")).content.decode()) == []


@pytest.mark.django_db
def test_the_done_page_in_japanese_has_no_english_ui_text(client, japanese_learner):
    CardState.objects.filter(user=japanese_learner).update(suspended=True)
    assert english_left(client.get(reverse("study")).content.decode()) == []
