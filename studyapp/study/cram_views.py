"""The "review before the exam" page (studyapp.study.cram)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from studyapp.htmx import render_page
from studyapp.study.cram import cram_answer, cram_empty_reason, cram_next, cram_open

TEMPLATE = "study/cram.html"


def _context(request, now) -> dict:
    profile = request.user.profile
    context = {
        "open": cram_open(profile, now),
        "exam_at": profile.clock().exam_at,
        "cram": cram_next(user=request.user, profile=profile, now=now),
    }
    if context["open"] and context["cram"] is None:
        context["empty"], context["looked"] = cram_empty_reason(user=request.user, profile=profile, now=now)
    return context


@require_safe
@login_required
def cram(request):
    return render_page(request, TEMPLATE, _context(request, timezone.now()), partial="card", target="study-card")


@require_POST
@login_required
def cram_answer_view(request, card_id: int):
    now = timezone.now()
    remembered = request.POST.get("rating") in {"2", "3", "4"}
    if (
        cram_answer(user=request.user, profile=request.user.profile, card_id=card_id, remembered=remembered, now=now)
        is None
    ):
        raise Http404("no such card in today's review before the exam")
    return render_page(request, TEMPLATE, _context(request, now), partial="card", target="study-card")
