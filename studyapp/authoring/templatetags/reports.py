"""The outcome of a learner's problem reports, shown on the study page when
it opens (a template tag, so that the study app needs no import of this one
and the page no second request)."""

from django import template

from studyapp.authoring.selectors import report_news_for

register = template.Library()


@register.inclusion_tag("authoring/_report_news.html", takes_context=True)
def report_news(context):
    user = context["request"].user
    return {"reports": report_news_for(user=user) if user.is_authenticated else []}
