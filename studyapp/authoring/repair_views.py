"""Settling what the encoding repair was unsure of, character by character."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from studyapp.authoring import services
from studyapp.authoring.access import note_writable
from studyapp.authoring.models import RepairDoubt
from studyapp.htmx import render_page


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def repair(request, note_id: str):
    note = note_writable(request.user, note_id)
    doubts = list(RepairDoubt.objects.filter(note=note, decided_at__isnull=True).order_by("line", "column"))
    if request.method == "POST":
        choices = {
            d.pk: request.POST[f"doubt-{d.pk}"] for d in doubts if request.POST.get(f"doubt-{d.pk}") in d.candidates
        }
        outcome = services.repair_choices_apply(user=request.user, note=note, choices=choices)
        if outcome.save is not None and not outcome.save.ok:
            messages.error(request, _("The choices could not be saved: the note does not import with them."))
        else:
            messages.success(
                request,
                ngettext("%(n)d character settled.", "%(n)d characters settled.", outcome.decided)
                % {"n": outcome.decided},
            )
            if outcome.save is not None and outcome.save.status == "draft":
                messages.info(request, _("The changed characters are in a draft: publish it from the editor."))
        for doubt in outcome.not_found:
            messages.warning(
                request,
                _("Line %(line)d: the text around “%(char)s” has changed since; edit it in the editor.")
                % {"line": doubt.line, "char": doubt.char},
            )
        return redirect("authoring_repair", note_id=note.note_id)
    return render_page(request, "authoring/repair.html", {"note": note, "doubts": doubts})
