from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from studyapp.notes.models import Note
from studyapp.study import charts
from studyapp.study.cram import cram_open
from studyapp.study.stats import MATURE_DAYS, card_rows, learner_stats, task_progress


def _recall_bar(fraction: float, name: str):
    label = _("%(name)s: %(percent)s%% predicted recall") % {"name": name, "percent": round(100 * fraction)}
    return charts.bar_svg(fraction, label=label)


def _domain_label(item) -> str:
    """The exam guide's name in the page's language, e.g. "Domain 3:
    Continuous Improvement for Existing Solutions"."""
    exam = item.exam_domain
    if exam is None:
        return item.domain or _("No exam domain")
    name = exam.name_ja if (get_language() or "").startswith("ja") else exam.name
    return _("Domain %(number)s: %(name)s") % {"number": exam.number, "name": name}


@require_safe
@login_required
def stats(request):
    # Always the signed-in learner's own figures: there is no user in the URL.
    profile = request.user.profile
    figures = learner_stats(user=request.user, profile=profile, now=timezone.now())
    readiness = figures.readiness
    context = {
        "stats": figures,
        "heatmap_svg": charts.heatmap_svg(figures.heatmap.days),
        "forecast_svg": charts.forecast_svg(figures.forecast),
        "retention_rows": [
            (_("Young"), figures.retention.young),
            (_("Mature"), figures.retention.mature),
            (_("Total"), figures.retention.all),
        ],
        "mastery": [
            (item, label, _recall_bar(item.recall, label) if item.total else "")
            for item, label in ((item, _domain_label(item)) for item in figures.mastery)
        ],
        "readiness_bar": _recall_bar(readiness.recall, _("Exam readiness"))
        if readiness and readiness.recall is not None
        else "",
        "mature_days": MATURE_DAYS,
        "cram_open": cram_open(profile, timezone.now()),
    }
    return render(request, "study/stats.html", context)


@require_safe
@login_required
def task_coverage(request):
    """The notes list's coverage table with the learner's own mastery (the
    notes app knows the bank, not the learner)."""
    rows = task_progress(
        card_rows(user=request.user),
        notes=Note.objects.published(),
        profile=request.user.profile,
        now=timezone.now(),
    )
    return render(request, "notes/_task_coverage.html", {"rows": rows})
