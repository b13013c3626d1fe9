"""Render a whole page, or only the named partial of it when htmx asks for it."""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def render_page(
    request, template_name: str, context: dict, *, partial: str | None = None, target: str | None = None, status=200
):
    """The page, or its ``partial`` when an htmx request targets the element
    the partial renders (id ``target``, by default the partial's name).

    The target is checked as radiofeed's render_partial_response does: a
    boosted navigation, a history restore (no target) or a request aimed at
    another element of the page wants the whole page, and swapping a fragment
    into the wrong element would break the page."""
    if partial and fragment_wanted(request, target or partial):
        template_name = f"{template_name}#{partial}"
    response = render(request, template_name, context, status=status)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def fragment_wanted(request, target: str) -> bool:
    """Whether this is an htmx request that swaps the element with id
    ``target``. A view whose fragment needs less context than its page asks
    this before building the context, the same question render_page asks."""
    return bool(request.htmx) and not request.htmx.boosted and request.htmx.target == target
