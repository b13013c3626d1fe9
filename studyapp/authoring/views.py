"""The instructor's desk and the note editor: write, check as you type,
save a draft, publish, retire.

Every view starts from the user: ``note_writable`` answers 404 for a note the
person may not know exists and 403 for one they may read but not write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from studyapp.accounts.ratelimit import editor_check_authorize
from studyapp.authoring import services
from studyapp.authoring.access import instructor_required, note_writable, notes_writable_by, reports_for_author
from studyapp.authoring.checks import text_check, text_size
from studyapp.authoring.impact import impact_of
from studyapp.authoring.models import NoteVersion, ProblemReport, RepairDoubt
from studyapp.authoring.note_template import new_note_text
from studyapp.authoring.versions import version_baseline
from studyapp.forms_parse import int_or_none
from studyapp.htmx import fragment_wanted, render_page
from studyapp.notes.models import Note
from studyapp.notes.services import MAX_NOTE_BYTES

EDITOR = "authoring/editor.html"


def _text(request) -> str:
    return request.POST.get("text", "")


@require_safe
@login_required
def dashboard(request):
    """The notes this instructor writes, with what waits for them."""
    instructor_required(request.user)
    notes = (
        notes_writable_by(request.user)
        .annotate(
            open_reports=Count(
                "cards__problem_reports",
                filter=Q(cards__problem_reports__status=ProblemReport.Status.OPEN),
                distinct=True,
            ),
            doubts=Count("repair_doubts", filter=Q(repair_doubts__decided_at__isnull=True), distinct=True),
            # The latest version not applied yet: a draft waits for publishing.
            latest_applied=Subquery(
                NoteVersion.objects.filter(note=OuterRef("pk")).order_by("-number").values("applied")[:1]
            ),
        )
        .only("note_id", "title", "is_published", "updated_at")
        .order_by("note_id")
    )
    context = {
        "notes": notes,
        "open_reports": reports_for_author(request.user).filter(status=ProblemReport.Status.OPEN).count(),
        "uploads": request.user.upload_jobs.all()[:5],
    }
    return render_page(request, "authoring/dashboard.html", context)


def _too_large(size: int) -> str:
    """Why a text is neither checked nor previewed."""
    return _(
        "The text is %(size)s KB; a note may have at most %(limit)s KB. It is not checked or previewed, "
        "and cannot be saved: split it into several notes."
    ) % {"size": f"{size / 1000:,.0f}", "limit": f"{MAX_NOTE_BYTES // 1000:,}"}


def _editor_context(request, *, note: Note | None, text: str, version: NoteVersion | None, refusal: str = "") -> dict:
    """The editor with the check and preview of ``text``; or, given a
    ``refusal`` (or a text over the note limit), with that message instead of
    any parsing or rendering."""
    size = text_size(text)
    if not refusal and size > MAX_NOTE_BYTES:
        refusal = _too_large(size)
    check = None if refusal else text_check(text=text, user=request.user, note=note)
    context = {
        "note": note,
        "text": text,
        "version": version,
        "pending_draft": version is not None and not version.applied,
        "check": check,
        "refusal": refusal,
        "impact": impact_of(note=note, parsed=check.parsed) if note is not None and check and check.parsed else None,
    }
    if note is not None:
        context["doubts"] = RepairDoubt.objects.filter(note=note, decided_at__isnull=True).count()
        context["open_reports"] = (
            reports_for_author(request.user).filter(card__note=note, status=ProblemReport.Status.OPEN).count()
        )
        context["jump"] = int_or_none(request.GET.get("line"))
    return context


@require_safe
@login_required
def note_new(request):
    instructor_required(request.user)
    text = new_note_text(today=timezone.localdate())
    return render_page(request, EDITOR, _editor_context(request, note=None, text=text, version=None))


@require_safe
@login_required
def editor(request, note_id: str):
    return _editor_page(request, note_writable(request.user, note_id))


def _editor_page(request, note: Note, *, status: int = 200):
    version = version_baseline(note=note)
    # A pending draft is what the author was writing: it opens, not the applied text.
    text = version.source if not version.applied else note.source
    return render_page(request, EDITOR, _editor_context(request, note=note, text=text, version=version), status=status)


def _preview(request, note: Note | None):
    """The check and preview of what the author typed, sent as they type: a
    text over the note limit is refused before it is parsed (413), and each
    author has a budget of checks by size (429 with Retry-After, which the
    editor's script waits for)."""
    text = _text(request)
    size = text_size(text)
    if size > MAX_NOTE_BYTES:
        context = _editor_context(request, note=note, text=text, version=None, refusal=_too_large(size))
        return render_page(request, EDITOR, context, partial="preview", status=413)
    wait = editor_check_authorize(user=request.user, size=size)
    if wait:
        refusal = ngettext(
            "Checking paused: too many checks in a short time. It resumes in %(seconds)d second.",
            "Checking paused: too many checks in a short time. It resumes in %(seconds)d seconds.",
            wait,
        ) % {"seconds": wait}
        context = _editor_context(request, note=note, text=text, version=None, refusal=refusal)
        response = render_page(request, EDITOR, context, partial="preview", status=429)
        response["Retry-After"] = str(wait)
        return response
    context = _editor_context(request, note=note, text=text, version=None)
    return render_page(request, EDITOR, context, partial="preview")


@require_POST
@login_required
def preview_new(request):
    instructor_required(request.user)
    return _preview(request, None)


@require_POST
@login_required
def preview(request, note_id: str):
    return _preview(request, note_writable(request.user, note_id))


def _save_response(request, outcome: services.SaveOutcome, *, note: Note | None):
    if outcome.status == "conflict":
        status = 409
    elif outcome.status == "failed":
        status = 400
    else:
        status = 200
    target = outcome.note or note
    if outcome.ok and target is not None and (note is None or target.note_id != note.note_id):
        # A new note, or a renamed one: its editor has another address.
        url = reverse("authoring_editor", args=[target.note_id])
        messages.success(request, _("Saved."))
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
    if not request.htmx and outcome.ok:
        messages.success(request, _("Saved."))
        return redirect("authoring_editor", note_id=target.note_id)
    version = outcome.version or outcome.latest
    if fragment_wanted(request, "save-status"):
        context = {"outcome": outcome, "note": target, "version": version, "now": timezone.now()}
        return render_page(request, EDITOR, context, partial="status", target="save-status", status=status)
    # Without script: the editor again, with the text sent and why it was not saved.
    context = _editor_context(request, note=note, text=_text(request), version=version)
    context.update(outcome=outcome, now=timezone.now())
    return render_page(request, EDITOR, context, status=status)


@require_POST
@login_required
def note_create(request):
    instructor_required(request.user)
    outcome = services.note_create(
        user=request.user, text=_text(request), publish=request.POST.get("action") == "publish"
    )
    return _save_response(request, outcome, note=None)


@require_POST
@login_required
def save(request, note_id: str):
    note = note_writable(request.user, note_id)
    outcome = services.note_save(
        user=request.user,
        note=note,
        text=_text(request),
        base_version=int_or_none(request.POST.get("base_version")),
        publish=request.POST.get("action") == "publish",
    )
    return _save_response(request, outcome, note=note)


@require_POST
@login_required
def publish(request, note_id: str):
    note = note_writable(request.user, note_id)
    shown = int_or_none(request.POST.get("version"))
    if shown is None or not 0 < shown < 2**31:
        raise BadRequest(_("Which version to publish is missing: reload the editor and publish again."))
    outcome = services.note_publish(user=request.user, note=note, version=shown)
    if outcome.status == "conflict":
        messages.error(
            request,
            _(
                "Nothing was published: version %(newer)s was saved after version %(shown)s, which you were "
                "looking at. It is shown below: read it, then publish it if it is right."
            )
            % {"newer": outcome.latest.number, "shown": shown},
        )
        return _editor_page(request, outcome.note, status=409)
    if outcome.ok:
        messages.success(request, _("Published: learners study this text from now on."))
    else:
        messages.error(request, _("The draft could not be published; see its problems in the editor."))
    return redirect("authoring_editor", note_id=(outcome.note or note).note_id)


@require_POST
@login_required
def retire(request, note_id: str):
    note = note_writable(request.user, note_id)
    services.note_retire(user=request.user, note=note)
    messages.success(
        request, _("Retired: its cards left every learner's queue. Their history is kept; publish to bring it back.")
    )
    return redirect("authoring_editor", note_id=note.note_id)
