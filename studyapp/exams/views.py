"""The mock exam pages: the list of exams, starting one, the timed page and
the posts it makes (answer, flag, move, submit).

Every view acts on request.user's own attempts: another learner's id is not
found (404). The page posts with ``Accept: application/json`` and gets JSON
back; a plain form post (no script) is redirected to the next page instead.
The deadline is the server's: a view that finds an attempt past it submits
it at the deadline first (submission.attempt_expire)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from studyapp.exams import selectors, services, submission
from studyapp.exams.models import Attempt
from studyapp.exams.presenters import exam_page_context
from studyapp.htmx import render_page


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _position(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= services.MAX_COUNT else None


def _attempt_url(attempt: Attempt, position: int | None = None) -> str:
    url = reverse("exams:attempt", args=[attempt.pk])
    return f"{url}?q={position}" if position else url


def _report_url(attempt: Attempt) -> str:
    return reverse("exams:report", args=[attempt.pk])


def _closed(request, attempt: Attempt):
    """An answer or a flag for a submitted attempt: 409 with what happened."""
    if attempt.submitted_reason == Attempt.Reason.DEADLINE:
        message = _("Time is up: the exam was submitted at its deadline with the answers saved before it.")
    else:
        message = _("This exam is already submitted: answers can no longer change.")
    if _wants_json(request):
        return JsonResponse({"error": message, "closed": True, "report": _report_url(attempt)}, status=409)
    return redirect(_report_url(attempt))


def _refused(request, message: str):
    if _wants_json(request):
        return JsonResponse({"error": message}, status=400)
    return HttpResponseBadRequest(message)


@require_safe
@login_required
def exam_list(request):
    now = timezone.now()
    attempts = list(selectors.attempts_of(user=request.user, kind=Attempt.Kind.MOCK)[:50])
    for attempt in attempts:
        # Past its deadline and never touched since: submitted now, at the deadline.
        submission.attempt_expire(attempt=attempt, now=now)
    past = [a for a in attempts if not a.is_open]
    scores = selectors.attempt_scores(attempts=past)
    for attempt in past:
        attempt.figures = scores.get(attempt.pk)
    context = {
        "blueprints": selectors.blueprints_for(user=request.user),
        "open_attempts": [a for a in attempts if a.is_open],
        "past_attempts": past,
    }
    return render_page(request, "exams/exam_list.html", context)


@require_POST
@login_required
def exam_start(request, blueprint_id: int):
    blueprint = get_object_or_404(selectors.blueprints_for(user=request.user), pk=blueprint_id)
    try:
        attempt = services.attempt_start(
            user=request.user, blueprint=blueprint, kind=Attempt.Kind.MOCK, now=timezone.now()
        )
    except services.NoQuestions:
        return _refused(request, _("The question bank has no question for this exam yet."))
    return redirect(_attempt_url(attempt, attempt.position))


@require_safe
@login_required
def exam_attempt(request, attempt_id: int):
    now = timezone.now()
    attempt = selectors.attempt_for(user=request.user, attempt_id=attempt_id)
    if attempt is None:
        raise Http404("no such attempt")
    if submission.attempt_expire(attempt=attempt, now=now):
        return redirect(_report_url(attempt))
    position = _position(request.GET.get("q")) or attempt.position
    if position > attempt.question_count:
        position = attempt.position
    context = exam_page_context(attempt=attempt, position=position, now=now)
    context["reviewing"] = "review" in request.GET
    return render_page(request, "exams/exam.html", context)


def _write(request, write):
    """Run ``write(position=..., now=...)`` for the posted question and answer
    what every post of the exam page answers alike: 400 for a position that
    is not a number, 404 for another learner's attempt or a position it does
    not have, 409 once submitted, 400 with the message for a refused answer."""
    position = _position(request.POST.get("position"))
    if position is None:
        return _refused(request, _("position: a question number is needed"))
    try:
        return write(position=position, now=timezone.now())
    except services.AttemptNotFound:
        raise Http404("no such attempt or question") from None
    except services.AttemptClosed as closed:
        return _closed(request, closed.attempt)
    except services.InvalidAnswer as error:
        return _refused(request, error.message() if isinstance(error, services.TooManyChoices) else str(error))


def _saved(request, attempt: Attempt, position: int, figures: dict):
    """JSON for the page; without a script, the question to show next."""
    if _wants_json(request):
        return JsonResponse({"position": position, "version": attempt.version, **figures})
    return redirect(_attempt_url(attempt, position))


@require_POST
@login_required
def exam_answer(request, attempt_id: int):
    chosen = request.POST.getlist("choice")
    if any(len(letter) != 1 for letter in chosen) or len(chosen) > 26:
        return _refused(request, _("choice: each choice is one option letter"))
    time_ms = _time_ms(request.POST.get("time_ms"))

    def write(*, position, now):
        item = services.attempt_answer(
            user=request.user, attempt_id=attempt_id, position=position, chosen=chosen, time_ms=time_ms, now=now
        )
        # Without a script, "Save and go on" shows the next question.
        following = min(position + 1, item.attempt.question_count) if not _wants_json(request) else position
        if item.attempt.kind != Attempt.Kind.MOCK:
            following = position  # practice: the same question again, now with its reasoning
        return _saved(request, item.attempt, following, {"chosen": item.chosen, "time_ms": item.time_ms})

    return _write(request, write)


def _time_ms(value) -> int:
    # The page measures it; a missing or absurd value is not worth a 400.
    try:
        return max(0, min(int(value), services.MAX_TIME_MS))
    except (TypeError, ValueError):
        return 0


@require_POST
@login_required
def exam_flag(request, attempt_id: int):
    flagged = request.POST.get("flagged") in ("1", "true", "on")

    def write(*, position, now):
        item = services.attempt_flag(
            user=request.user, attempt_id=attempt_id, position=position, flagged=flagged, now=now
        )
        return _saved(request, item.attempt, position, {"flagged": item.flagged})

    return _write(request, write)


@require_POST
@login_required
def exam_move(request, attempt_id: int):
    def write(*, position, now):
        attempt = services.attempt_move(user=request.user, attempt_id=attempt_id, position=position, now=now)
        return _saved(request, attempt, position, {})

    return _write(request, write)


@require_POST
@login_required
def exam_submit(request, attempt_id: int):
    try:
        attempt = services.attempt_submit(user=request.user, attempt_id=attempt_id, now=timezone.now())
    except services.AttemptNotFound:
        raise Http404("no such attempt") from None
    if _wants_json(request):
        return JsonResponse({"report": _report_url(attempt), "reason": attempt.submitted_reason})
    return redirect(_report_url(attempt))
