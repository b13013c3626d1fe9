from django import template

from studyapp.teams.presenters import domain_label, percent

register = template.Library()


@register.filter(name="percent")
def percent_filter(value):
    """0.553 -> "55%"; nothing for None."""
    return percent(value)


@register.filter
def domain_name(value):
    """An exam domain's full name in the page's language."""
    return domain_label(value)[1]


@register.filter
def mock_cells(member, domains):
    """A member's score in each of ``domains`` (None where they had no question of it)."""
    return member.cells(domains)


@register.filter
def mock_on_time(member, due):
    return member.on_time(due)
