"""Reads the learners' pages share."""

from studyapp.authoring.models import ProblemReport

NEWS_SHOWN = 5


def report_news_for(*, user) -> list[ProblemReport]:
    """Outcomes of the learner's reports they have not been shown yet."""
    return list(
        ProblemReport.objects.filter(reporter=user, reporter_told_at__isnull=True)
        .exclude(status=ProblemReport.Status.OPEN)
        .select_related("card__note", "fixed_in")
        .order_by("-resolved_at")[:NEWS_SHOWN]
    )
