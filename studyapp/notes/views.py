from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from studyapp.htmx import render_page
from studyapp.noteformat.parser import body_of
from studyapp.notes.models import Note, Tag

FILTERS = ("category", "domain", "tag")


def _filters(request) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip()[:200] for name in FILTERS}


@require_safe
def note_list(request):
    filters = _filters(request)
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
        "domains": visible.exclude(domain="").order_by("domain").values_list("domain", flat=True).distinct(),
        "tags": Tag.objects.filter(notes__in=visible).distinct().values_list("name", flat=True),
    }
    return render_page(request, "notes/note_list.html", context, partial="results")


@require_safe
def note_detail(request, note_id):
    note = get_object_or_404(
        Note.objects.visible_to(request.user).with_card_counts().prefetch_related("tags"),
        note_id=note_id,
    )
    return render_page(request, "notes/note_detail.html", {"note": note, "body": body_of(note.source)})
