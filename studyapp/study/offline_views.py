"""Offline study (docs/offline.md): the day's bundle for the device, and the
answers it recorded offline, sent back in one batch."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from studyapp.study import services
from studyapp.study.offline_bundle import bundle_json, offline_bundle


@require_safe
@login_required
def offline_bundle_view(request):
    """The day's queue as JSON, planned as the study page plans it."""
    profile, now = request.user.profile, timezone.now()
    services.study_session_open(user=request.user, profile=profile, now=now)
    today = services.today_for(user=request.user, profile=profile, now=now)
    bundle = offline_bundle(user=request.user, profile=profile, today=today, study_day=profile.study_day(now))
    response = HttpResponse(bundle_json(bundle), content_type="application/json")
    # The learner's own schedule: never kept by a shared cache; the device
    # keeps it in IndexedDB, not in the HTTP cache.
    response["Cache-Control"] = "no-store"
    return response
