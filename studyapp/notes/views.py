from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_safe

from studyapp.htmx import render_page
from studyapp.noteformat.vocabulary import category_name, domain_name, domain_order, task_for
from studyapp.notes.models import Note, PreviousId, Tag
from studyapp.notes.rendering import note_page_html
from studyapp.notes.task_statements import all_task_labels, task_coverage, task_label

FILTERS = ("category", "domain", "tag", "task")


def _filters(request) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip()[:200] for name in FILTERS}


@require_safe
def note_list(request):
    filters = _filters(request)
    # "?domain=D3" filters and shows as the canonical name the select offers.
    filters["category"], filters["domain"] = category_name(filters["category"]), domain_name(filters["domain"])
    task = task_for(filters["task"])
    filters["task"] = task.code if task else ""
    visible = Note.objects.visible_to(request.user)
    notes = (
        visible.filtered(**filters)
        .with_card_counts()
        .prefetch_related("tags")
        .only("note_id", "title", "category", "domain", "is_published")
    )
    context = {
        "notes": notes,
        "filters": filters,
        "categories": visible.exclude(category="").order_by("category").values_list("category", flat=True).distinct(),
        # In exam order; a callable, so that a results fragment does not query it.
        "domains": lambda: sorted(set(visible.exclude(domain="").values_list("domain", flat=True)), key=domain_order),
        "tags": Tag.objects.filter(notes__in=visible).distinct().values_list("name", flat=True),
        "task_labels": all_task_labels,
        # A callable too: only the full page shows the coverage table.
        "coverage": lambda: task_coverage(visible),
    }
    return render_page(request, "notes/note_list.html", context, partial="results")


@require_safe
def note_detail(request, note_id):
    try:
        note = get_object_or_404(
            Note.objects.visible_to(request.user).with_card_counts().prefetch_related("tags"),
            note_id=note_id,
        )
    except Http404:
        # An id the note had before a rename leads to the note, if you may see it.
        renamed = PreviousId.objects.filter(old_id=note_id, note__in=Note.objects.visible_to(request.user))
        current = renamed.values_list("note__note_id", flat=True).first()
        if current is None:
            raise
        return redirect("note_detail", note_id=current)
    # The HTML stored when the note was imported or published: no Markdown per view.
    body_html, rendered = note_page_html(note)
    tasks = [label for label in map(task_label, note.tasks) if label is not None]
    context = {"note": note, "body_html": body_html, "rendered": rendered, "tasks": tasks}
    return render_page(request, "notes/note_detail.html", context)
