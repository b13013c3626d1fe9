"""The exam's vocabulary in the page's language: ``{{ note.domain|exam_term }}``
shows a stored domain or category name (always English) in Japanese on a
Japanese page. Only for display: forms and links keep the stored value."""

from django import template
from django.utils.translation import get_language

from studyapp.noteformat.vocabulary import display_name

register = template.Library()


@register.filter
def exam_term(value) -> str:
    return display_name(str(value or ""), japanese=(get_language() or "").startswith("ja"))
