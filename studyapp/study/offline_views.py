"""Offline study (docs/offline.md): the day's bundle for the device, and the
answers it recorded offline, sent back in one batch."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from studyapp.request_size import body_limit
from studyapp.study import services
from studyapp.study.offline_bundle import bundle_json, offline_bundle
from studyapp.study.offline_entries import BatchInvalid, entries_parse
from studyapp.study.offline_sync import offline_answers_apply, sync_notices

# A full batch (offline_entries.MAX_ANSWERS answers of about 250 bytes) with room to spare.
SYNC_MAX_BYTES = 1_000_000


@require_safe
@login_required
def offline_bundle_view(request):
    """The day's queue as JSON, planned as the study page plans it."""
    profile, now = request.user.profile, timezone.now()
    services.study_session_open(user=request.user, profile=profile, now=now)
    today = services.today_for(user=request.user, profile=profile, now=now)
    bundle = offline_bundle(user=request.user, profile=profile, today=today, study_day=profile.clock().study_day(now))
    response = HttpResponse(bundle_json(bundle), content_type="application/json")
    # The learner's own schedule: never kept by a shared cache; the device
    # keeps it in IndexedDB, not in the HTTP cache.
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
@body_limit(SYNC_MAX_BYTES)
def offline_sync_view(request):
    """Answers recorded offline, as JSON (docs/offline.md, "Sync"): one
    result per entry; 200 when every entry was recorded, 207 when some were
    refused (each says why, with the status it would have had alone: 404 for
    a card the learner cannot see), 400 for a body that is no batch."""
    try:
        body = json.loads(request.body)
    except (UnicodeDecodeError, ValueError):
        return _json({"error": "the body must be JSON"}, status=400)
    except RawPostDataException:
        # A multipart form: the middleware that checks posted characters has
        # read it as a stream already, and a form is no batch anyway.
        return _json({"error": "the body must be JSON"}, status=400)
    try:
        entries, refused = entries_parse(body, now=timezone.now())
    except BatchInvalid as exc:
        return _json({"error": str(exc)}, status=400)
    results = offline_answers_apply(user=request.user, profile=request.user.profile, entries=entries, refused=refused)
    status = 200 if all(r.code == 200 for r in results) else 207
    return _json({"results": [r.as_json() for r in results], "notices": sync_notices(results)}, status=status)


def _json(data: dict, *, status: int) -> JsonResponse:
    response = JsonResponse(data, status=status)
    response["Cache-Control"] = "no-store"
    return response
