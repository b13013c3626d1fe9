"""The report of a submitted attempt (owner only: another learner's id is
not found). An attempt still open is not reported: the learner goes back to
it; one past its deadline is submitted at the deadline first, as every exam
view does (submission.attempt_expire)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from studyapp.exams import selectors, submission
from studyapp.exams.report_chart import trend_svg
from studyapp.exams.report_selectors import attempt_report, duration_text
from studyapp.htmx import render_page


@require_safe
@login_required
def exam_report(request, attempt_id: int):
    attempt = selectors.attempt_for(user=request.user, attempt_id=attempt_id)
    if attempt is None:
        raise Http404("no such attempt")
    if not submission.attempt_expire(attempt=attempt, now=timezone.now()):
        return redirect(f"{reverse('exams:attempt', args=[attempt.pk])}?q={attempt.position}")
    report = attempt_report(attempt=attempt)
    time = report.time
    context = {
        "report": report,
        "trend_svg": trend_svg(report.trend, current_id=attempt.pk),
        "time_used": duration_text(time.used_seconds),
        "time_limit": duration_text(time.limit_seconds),
        "time_per_question": duration_text(time.per_question_seconds),
    }
    return render_page(request, "exams/report.html", context)
