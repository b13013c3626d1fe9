"""Item analysis: the author's questions and flashcards, what most needs
attention first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_safe

from studyapp.authoring.access import instructor_required, notes_writable_by
from studyapp.authoring.analysis import MIN_ATTEMPTS, cards_analyse, questions_analyse
from studyapp.htmx import render_page


@require_safe
@login_required
def analysis(request):
    instructor_required(request.user)
    notes = notes_writable_by(request.user)
    note = request.GET.get("note", "")
    if note:
        notes = notes.filter(note_id=note)
    context = {
        "questions": questions_analyse(notes=notes),
        "cards": cards_analyse(notes=notes),
        "min_attempts": MIN_ATTEMPTS,
        "note_filter": note,
    }
    return render_page(request, "authoring/analysis.html", context)
