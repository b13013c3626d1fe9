"""Learners report problems with cards; the notes' authors work through them.

A learner reports on any card of a note they may read (404 otherwise) and
sees their own reports; the queue shows an instructor the reports on the
notes they write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from studyapp.authoring import services
from studyapp.authoring.access import cards_reportable_by, instructor_required, report_resolvable, reports_for_author
from studyapp.authoring.locate import card_lines
from studyapp.authoring.models import NoteVersion, ProblemReport
from studyapp.authoring.selectors import report_news_for
from studyapp.htmx import render_page

PER_PAGE = 30


@require_POST
@login_required
def report_card(request, card_id: int):
    card = cards_reportable_by(request.user).select_related("note").filter(pk=card_id).first()
    if card is None:
        raise Http404("no such card")
    kind = request.POST.get("kind", "")
    if kind not in ProblemReport.Kind.values:
        return HttpResponseBadRequest("kind must be one of " + ", ".join(ProblemReport.Kind.values))
    report = services.report_create(user=request.user, card=card, kind=kind, comment=request.POST.get("comment", ""))
    if request.htmx:
        return render_page(
            request,
            "authoring/_report_form.html",
            {"card": card, "sent": report},
            partial="form",
            target=f"report-{card.pk}",
        )
    messages.success(request, _("Thank you: the note's authors will look at it."))
    return redirect("reports_mine")


@require_safe
@login_required
def mine(request):
    reports = ProblemReport.objects.filter(reporter=request.user).select_related("card__note", "fixed_in")
    page = Paginator(reports, PER_PAGE).get_page(request.GET.get("page"))
    return render_page(request, "authoring/my_reports.html", {"page": page})


@require_safe
@login_required
def news(request):
    """Outcomes of the learner's reports they have not been shown yet (the
    fragment the study page shows when it opens)."""
    return render_page(request, "authoring/_report_news.html", {"reports": report_news_for(user=request.user)})


@require_POST
@login_required
def news_seen(request):
    ids = [int(i) for i in request.POST.getlist("report") if i.isdigit()][:50]
    services.reports_told(user=request.user, ids=ids)
    return render_page(request, "authoring/_report_news.html", {"reports": []})


@require_safe
@login_required
def queue(request):
    instructor_required(request.user)
    show = request.GET.get("show", "open")
    show = show if show in ("open", "closed") else "open"
    reports = reports_for_author(request.user).select_related("card__note", "reporter", "fixed_in")
    if show == "open":
        reports = reports.filter(status=ProblemReport.Status.OPEN).order_by("created_at")
    else:
        reports = reports.exclude(status=ProblemReport.Status.OPEN).order_by("-resolved_at")
    if request.GET.get("note"):
        reports = reports.filter(card__note__note_id=request.GET["note"])
    page = Paginator(reports, PER_PAGE).get_page(request.GET.get("page"))
    # Per note on the page: the versions a fix may be in, and each card's line.
    versions: dict[int, list] = {}
    lines: dict[int, dict[str, int]] = {}
    for report in page:
        note = report.card.note
        if note.pk not in versions:
            versions[note.pk] = list(NoteVersion.objects.filter(note=note).defer("source").order_by("-number")[:10])
            lines[note.pk] = card_lines(note.source)
        report.version_choices = versions[note.pk]
        report.line = lines[note.pk].get(report.card.key)
    context = {"page": page, "show": show, "note_filter": request.GET.get("note", "")}
    return render_page(request, "authoring/reports.html", context)


@require_POST
@login_required
def resolve(request, report_id: int):
    report = report_resolvable(request.user, report_id)
    status = request.POST.get("status", "")
    if status not in (ProblemReport.Status.RESOLVED, ProblemReport.Status.DECLINED):
        return HttpResponseBadRequest("status must be resolved or declined")
    fixed_in = None
    number = request.POST.get("fixed_in", "")
    if number.isdigit():
        fixed_in = NoteVersion.objects.filter(note_id=report.card.note_id, number=int(number)).first()
        if fixed_in is None:
            return HttpResponseBadRequest("no such version of this note")
    services.report_resolve(
        user=request.user, report=report, status=status, reply=request.POST.get("reply", ""), fixed_in=fixed_in
    )
    messages.success(request, _("Report closed; the learner will see it on their next study session."))
    return redirect(reverse("authoring_reports") + "?show=open")
