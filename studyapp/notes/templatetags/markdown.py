from django import template

from studyapp.sanitizer import render_highlighted, render_inline, render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    return render_markdown(text)


@register.filter(name="markdown_inline")
def markdown_inline_filter(text):
    return render_inline(text)


@register.filter(name="markdown_marked")
def markdown_marked_filter(text, terms):
    """Markdown with the given terms (a list) highlighted."""
    return render_highlighted(text, list(terms or []))


@register.filter(name="markdown_inline_marked")
def markdown_inline_marked_filter(text, terms):
    return render_highlighted(text, list(terms or []), inline=True)
