"""The learners' search page (and the box in the navigation that leads to it)."""

from django.views.decorators.http import require_safe

from studyapp.htmx import render_page
from studyapp.notes.models import Card
from studyapp.notes.rendering import card_faces
from studyapp.notes.search import MAX_QUERY, notes_search


@require_safe
def search(request):
    # Reads only: a search never writes, so anyone may search the published notes.
    results = notes_search(query=request.GET.get("q", "")[: MAX_QUERY * 4], page_number=request.GET.get("page", 1))
    for hit in results.hits:
        # A scenario question's front is the whole scenario: its name says enough here.
        hit.faces = [(card, None if card.kind == Card.Kind.QUESTION else card_faces(card)[0]) for card in hit.cards]
    return render_page(
        request,
        "notes/search.html",
        {"results": results, "max_query": MAX_QUERY},
        partial="results",
        target="search-results",
    )
