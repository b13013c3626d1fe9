"""A floor for benchmarks: a logged-in page of about the study page's size
that runs one query of its own. bench/review_loop.py measures the study loop
against it on the same server in the same run."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from studyapp.study.models import ReviewLog


@require_GET
@login_required
def floor(request):
    today = request.user.profile.study_day(timezone.now())
    answers = ReviewLog.objects.filter(user=request.user, study_day=today).count()
    return render(request, "study/floor.html", {"answers": answers})
