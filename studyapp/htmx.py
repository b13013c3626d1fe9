"""Render a whole page, or only the named partial of it when htmx asks for it."""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def render_page(request, template_name: str, context: dict, *, partial: str | None = None, status: int = 200):
    # A boosted request navigates to a page and wants all of it; a targeted
    # htmx request wants just the fragment the page defines for it.
    if partial and request.htmx and not request.htmx.boosted:
        template_name = f"{template_name}#{partial}"
    response = render(request, template_name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
