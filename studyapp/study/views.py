"""The study session: one card at a time, answered through htmx fragments.

Every view acts on request.user's own card states: an id that belongs to
someone else is simply not found (404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from studyapp.accounts.models import Profile
from studyapp.htmx import render_page
from studyapp.study import services
from studyapp.study.exam_bridge import exam_day_plan
from studyapp.study.presenters import scenario_for, showing_for
from studyapp.study.queue import left_after, next_state
from studyapp.study.scope import scope_choices

TEMPLATE = "study/study.html"
MAX_DURATION_MS = 30 * 60 * 1000


def _int(value, low: int, high: int) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def _duration(request) -> int | None:
    # The browser measures it; a missing or absurd value is not worth a 400.
    value = _int(request.POST.get("duration_ms"), 0, 10**9)
    return min(value, MAX_DURATION_MS) if value is not None else None


def _left(data) -> int | None:
    """What the page said was left today: display only, so a forged value
    only misleads its sender's own progress bar."""
    return _int(data.get("left"), 0, 100_000)


def _card_response(request, profile, *, now, counts=None, left=None, answered=None, status=200, notice=""):
    """The next card as a fragment, with the progress bar. ``left`` carried by
    the page and the card just ``answered`` give today's remaining count
    without counting; without them it is counted."""
    today = services.today_for(user=request.user, profile=profile, now=now, counts=counts)
    carried = left is not None and answered is not None
    state, counted = next_state(request.user, today, count=not carried)
    if carried:
        left = left_after(left, answered, today) if state else 0
    else:
        left = counted
    context = {
        "showing": showing_for(state, profile, now) if state else None,
        "left": left,
        "done_today": today.done,
        "oob": True,
        "notice": notice,
    }
    return render_page(request, TEMPLATE, context, partial="card", status=status)


@require_GET
def home(request):
    # Learners land on today's session; visitors on the catalogue of notes.
    return redirect("study" if request.user.is_authenticated else "note_list")


@require_GET
@login_required
def study(request):
    profile = request.user.profile
    now = timezone.now()
    services.study_queue_sync(user=request.user, profile=profile, now=now)
    exam_day_plan(user=request.user, profile=profile, now=now)
    today = services.today_for(user=request.user, profile=profile, now=now)
    state, left = next_state(request.user, today)
    context = {
        "showing": showing_for(state, profile, now) if state else None,
        "left": left,
        "done_today": today.done,
        "profile": profile,
        "scopes": scope_choices(),
        "scope_kinds": Profile.Scope.choices,
        "days_to_exam": (profile.exam_date - profile.study_day(now)).days if profile.exam_date else None,
    }
    return render_page(request, TEMPLATE, context)


@require_GET
@login_required
def study_card(request):
    """The card to show now, as a fragment (after a question's result)."""
    return _card_response(request, request.user.profile, now=timezone.now())


@require_POST
@login_required
def grade(request, state_id: int):
    rating = _int(request.POST.get("rating"), 1, 4)
    version = _int(request.POST.get("version"), 0, 2**31)
    if rating is None or version is None:
        return HttpResponseBadRequest("rating must be 1-4 and version a number")
    profile, now = request.user.profile, timezone.now()
    try:
        outcome = services.card_grade(
            user=request.user,
            profile=profile,
            state_id=state_id,
            version=version,
            rating=rating,
            duration_ms=_duration(request),
            now=now,
        )
    except services.NotFound:
        raise Http404("no such card") from None
    return _card_response(
        request, profile, now=now, counts=outcome.counts, left=_left(request.POST), answered=outcome.state
    )


@require_POST
@login_required
def answer(request, state_id: int):
    version = _int(request.POST.get("version"), 0, 2**31)
    if version is None:
        return HttpResponseBadRequest("version must be a number")
    chosen = [c for c in request.POST.getlist("choice") if len(c) == 1][:26]
    profile, now = request.user.profile, timezone.now()
    try:
        outcome = services.question_answer(
            user=request.user,
            profile=profile,
            state_id=state_id,
            version=version,
            chosen=chosen,
            duration_ms=_duration(request),
            now=now,
        )
    except services.NotFound:
        raise Http404("no such question") from None
    state = outcome.state
    # Show the options in the order the learner saw them (the version they answered).
    state.version = version
    context = {
        "state": state,
        "scenario": scenario_for(state, chosen=outcome.chosen),
        "score": outcome.score,
        "pulled": outcome.pulled,
        "duplicate": outcome.duplicate,
    }
    return render_page(request, TEMPLATE, context, partial="result")


@require_POST
@login_required
def undo(request):
    profile, now = request.user.profile, timezone.now()
    state = services.review_undo(user=request.user, profile=profile)
    if state is None:
        return _card_response(request, profile, now=now, notice="nothing-to-undo")
    state = type(state).objects.select_related("card__note").get(pk=state.pk)
    today = services.today_for(user=request.user, profile=profile, now=now)
    _next, left = next_state(request.user, today)
    context = {
        "showing": showing_for(state, profile, now),
        "left": left,
        "done_today": today.done,
        "oob": True,
        "notice": "undone",
    }
    return render_page(request, TEMPLATE, context, partial="card")


def _hide(request, state_id: int, action) -> object:
    version = _int(request.POST.get("version"), 0, 2**31)
    if version is None:
        return HttpResponseBadRequest("version must be a number")
    profile = request.user.profile
    try:
        action(user=request.user, profile=profile, state_id=state_id, version=version)
    except services.NotFound:
        raise Http404("no such card") from None
    return _card_response(request, profile, now=timezone.now())


@require_POST
@login_required
def bury(request, state_id: int):
    return _hide(request, state_id, services.card_bury)


@require_POST
@login_required
def suspend(request, state_id: int):
    return _hide(request, state_id, services.card_suspend)


@require_POST
@login_required
def choose_scope(request):
    kind = request.POST.get("kind", "")
    value = request.POST.get("value", "").strip()[:200]
    if kind not in Profile.Scope.values:
        return HttpResponseBadRequest("unknown kind of scope")
    if kind != Profile.Scope.ALL and value not in scope_choices().get(kind, []):
        return HttpResponseBadRequest("unknown value for this kind of scope")
    services.study_scope_set(user=request.user, profile=request.user.profile, kind=kind, value=value)
    return redirect("study")
