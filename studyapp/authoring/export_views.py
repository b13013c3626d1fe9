"""Exports of the notes an instructor writes: Markdown, Anki, CSV."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from studyapp.authoring.access import instructor_required, note_writable, notes_writable_by
from studyapp.authoring.exports import cards_csv, deck_apkg, note_markdown, notes_markdown_zip


def _download(content, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _notes(request):
    """Every note the instructor writes, or the one named by ?note=."""
    instructor_required(request.user)
    note_id = request.GET.get("note", "")
    if note_id:
        note = note_writable(request.user, note_id)
        return notes_writable_by(request.user).filter(pk=note.pk), note_id
    return notes_writable_by(request.user), "studyapp"


@require_safe
@login_required
def note_md(request, note_id: str):
    note = note_writable(request.user, note_id)
    return _download(
        note_markdown(note=note), content_type="text/markdown; charset=utf-8", filename=f"{note.note_id}.md"
    )


@require_safe
@login_required
def notes_zip(request):
    notes, name = _notes(request)
    stamp = timezone.localdate().isoformat()
    return _download(notes_markdown_zip(notes=notes), content_type="application/zip", filename=f"{name}-{stamp}.zip")


@require_safe
@login_required
def apkg(request):
    notes, name = _notes(request)
    return _download(deck_apkg(notes=notes), content_type="application/octet-stream", filename=f"{name}.apkg")


@require_safe
@login_required
def csv(request):
    notes, name = _notes(request)
    return _download(cards_csv(notes=notes), content_type="text/csv; charset=utf-8", filename=f"{name}-cards.csv")
