"""Counts of one read "1 note", "1 learner", "1 option", in English and
Japanese (before: "1 learners", "1 notes", "1 options")."""

import re
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from studyapp.noteformat.parser import parse_note
from tests import samples

SINGULAR_AS_PLURAL = re.compile(r"\b1 (notes|learners|options|cards|trigger words)\b")


def _impact(**figures):
    base = {"reworded": 0, "reset": 0, "reset_learners": 0, "retired": 0, "added": 0}
    return SimpleNamespace(**{**base, **figures})


def test_one_card_reset_for_one_learner():
    html = render_to_string("authoring/_impact_summary.html", {"impact": _impact(reset=1, reset_learners=1)})
    assert "1 card reset for 1 learner (its answer changed)" in html


def test_two_cards_reset_for_one_learner_and_one_card_for_three():
    html = render_to_string("authoring/_impact_summary.html", {"impact": _impact(reset=2, reset_learners=1)})
    assert "2 cards reset for 1 learner (their answers changed)" in html
    html = render_to_string("authoring/_impact_summary.html", {"impact": _impact(reset=1, reset_learners=3)})
    assert "1 card reset for 3 learners (its answer changed)" in html


def test_the_impact_in_japanese():
    with translation.override("ja"):
        html = render_to_string("authoring/_impact_summary.html", {"impact": _impact(reset=2, reset_learners=1)})
    assert "学習者 1 人" in html and "2 枚" in html


def _job(total, done):
    summary = {"total": total, "created": total, "updated": 0, "unchanged": 0, "failed": 0, "repaired": 0}
    return SimpleNamespace(
        pk=1, status="done", finished=True, done=done, total=total, percent=100, error="", report={"summary": summary}
    )


@pytest.mark.django_db
def test_an_upload_of_one_note():
    html = render_to_string("authoring/upload_job.html#progress", {"job": _job(1, 1), "rows": []})
    assert "1 of 1 note (100%)" in html and "1 note: 1 created" in html
    assert not SINGULAR_AS_PLURAL.search(html)


@pytest.mark.django_db
def test_an_upload_of_one_note_in_japanese():
    with translation.override("ja"):
        html = render_to_string("authoring/upload_job.html#progress", {"job": _job(1, 1), "rows": []})
    assert "1 件中 1 件" in html and "ノート 1 件" in html


def test_the_anki_export_asks_for_one_option():
    from studyapp.authoring.exports import _question_sides

    parsed = {"options": [{"letter": "A", "correct": True}, {"letter": "B", "correct": False}]}
    front, _back = _question_sides(SimpleNamespace(note=SimpleNamespace(parsed=parsed)))
    assert "Which option is correct, and why?" in front
    assert not SINGULAR_AS_PLURAL.search(front)


def test_the_parser_warning_for_one_declared_option():
    text = samples.CANONICAL.replace("**論理的根拠 (A & C)**", "**論理的根拠 (A)**")
    messages = [w.message for w in parse_note(text).warnings]
    assert any("but 1 option is declared correct" in m for m in messages), messages
    assert not any(SINGULAR_AS_PLURAL.search(m) for m in messages), messages


@pytest.mark.django_db
def test_the_import_command_counts_one_note(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    (tmp_path / "one.md").write_text(samples.CANONICAL, encoding="utf-8")
    out = StringIO()
    call_command("import_notes", str(tmp_path), stdout=out)
    assert "1 note: 1 created" in out.getvalue()
    assert not SINGULAR_AS_PLURAL.search(out.getvalue())
