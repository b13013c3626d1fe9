"""A note's versions: the list, the difference between any two, a revert."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from studyapp.authoring import services
from studyapp.authoring.access import note_writable
from studyapp.authoring.models import NoteVersion
from studyapp.authoring.versions import version_baseline, versions_diff
from studyapp.htmx import render_page

# A version number is a PositiveIntegerField: anything beyond is no version.
MAX_VERSION = 2**31 - 1


def _number(value, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if 0 <= number <= MAX_VERSION else -1


@require_safe
@login_required
def versions(request, note_id: str):
    note = note_writable(request.user, note_id)
    latest = version_baseline(note=note)
    rows = note.versions.select_related("author").defer("source").order_by("-number")
    return render_page(request, "authoring/versions.html", {"note": note, "versions": rows, "latest": latest})


@require_safe
@login_required
def diff(request, note_id: str):
    """?a=<number>&b=<number>: what changed from version a to version b
    (by default from the one before the latest to the latest)."""
    note = note_writable(request.user, note_id)
    latest = version_baseline(note=note)
    b = _number(request.GET.get("b"), latest.number)
    a = _number(request.GET.get("a"), b - 1)
    found = {v.number: v for v in NoteVersion.objects.filter(note=note, number__in=[a, b])}
    if b not in found or (a not in found and a != 0):
        raise Http404("no such version")
    old = found.get(a) or NoteVersion(note=note, number=0, source="", source_hash="")
    context = {
        "note": note,
        "old": old,
        "new": found[b],
        "diff": versions_diff(old=old, new=found[b]),
        "numbers": list(NoteVersion.objects.filter(note=note).order_by("-number").values_list("number", flat=True)),
    }
    return render_page(request, "authoring/diff.html", context)


@require_POST
@login_required
def revert(request, note_id: str, number: int):
    note = note_writable(request.user, note_id)
    version = NoteVersion.objects.filter(note=note, number=number).first()
    if version is None:
        raise Http404("no such version")
    outcome = services.note_revert(user=request.user, note=note, version=version)
    if outcome.status == "draft":
        messages.success(
            request,
            _("Version %(n)d is now a draft of this note: publish it to apply it for learners.") % {"n": number},
        )
    elif outcome.ok:
        messages.success(request, _("Version %(n)d is the note's text again (a new version).") % {"n": number})
    else:
        messages.error(request, _("Version %(n)d cannot be restored: it does not import any more.") % {"n": number})
    return redirect("authoring_editor", note_id=(outcome.note or note).note_id)
