"""The study session: one card at a time, answered through htmx fragments.

Every view acts on request.user's own card states: an id that belongs to
someone else is simply not found (404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from studyapp.accounts.models import Profile
from studyapp.forms_parse import int_or_none
from studyapp.htmx import fragment_wanted, render_page
from studyapp.study import services
from studyapp.study.forms import ScopeForm
from studyapp.study.hidden import LISTS, hidden_cards, hidden_counts
from studyapp.study.offline_texts import offline_texts
from studyapp.study.presenters import scenario_for, showing_for, showing_key
from studyapp.study.queue import held_after, left_after, next_two, shown_again
from studyapp.study.scope import scope_choices

TEMPLATE = "study/study.html"
ANSWERED = "study/answered.html"
FRAGMENT = "study/_fragment.html"
MAX_DURATION_MS = 30 * 60 * 1000
HIDDEN_PER_PAGE = 50


def _duration(request) -> int | None:
    # The browser measures it; a missing or absurd value is not worth a 400.
    value = int_or_none(request.POST.get("duration_ms"), 0, 10**9)
    return min(value, MAX_DURATION_MS) if value is not None else None


def _left(data) -> int | None:
    """What the page said was left today: display only, so a forged value
    only misleads its sender's own progress bar."""
    return int_or_none(data.get("left"), 0, 100_000)


def _card_response(request, profile, *, now, counts=None, left=None, answered=None, status=200, notice="", expect=""):
    """The card to show next, as the study script wants it (studyapp's
    ``study/_fragment.html``), with the card to hold ready after it and the
    progress bar. ``left`` carried by the page and the card just ``answered``
    give today's remaining count without counting; without them it is
    counted. ``expect`` is the key of the card the page shows already (it
    showed the card it held ready): when that is the next card, the reply
    only confirms it."""
    today = services.today_for(user=request.user, profile=profile, now=now, counts=counts)
    carried = left is not None and answered is not None
    shown, held, counted = next_two(request.user, today, count=not carried)
    if carried:
        left = left_after(left, answered, today) if shown else 0
    else:
        left = counted
    return _fragment(
        request,
        profile,
        now=now,
        today=today,
        shown=shown,
        held=held,
        left=left,
        notice=notice,
        expect=expect,
        status=status,
    )


def _fragment(request, profile, *, now, today, shown, held, left, notice, expect="", status=200):
    if request.method == "POST" and not request.htmx:
        # A plain form post (no script): back to the page, which shows what is next.
        return redirect("study")
    confirmed = bool(shown) and expect == showing_key(shown)
    context = {
        "showing": showing_for(shown, profile, now) if shown and not confirmed else None,
        "confirmed": showing_key(shown) if confirmed else "",
        "held": showing_for(held, profile, now) if held else None,
        "left": left,
        "done_today": today.done,
        "notice": notice,
    }
    # Without the request: the fragment needs none of the context processors
    # (user, messages, CSRF), and running them was a third of its rendering.
    response = HttpResponse(render_to_string(FRAGMENT, context), status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _expect(data) -> str:
    """The key ("state:version") of the card the page already shows, if any."""
    value = data.get("expect", "")
    return value if len(value) <= 40 else ""


@require_safe
def home(request):
    # Learners land on today's session; visitors on the catalogue of notes.
    return redirect("study" if request.user.is_authenticated else "note_list")


def _study_page(request, *, scope_form: ScopeForm | None = None, status: int = 200):
    profile = request.user.profile
    now = timezone.now()
    services.study_session_open(user=request.user, profile=profile, now=now)
    today = services.today_for(user=request.user, profile=profile, now=now)
    state, held, left = next_two(request.user, today, count=True)
    clock = profile.clock()
    exam_date = clock.exam_date
    # After a refused choice the form shows what the learner chose, with the error.
    chosen = scope_form.data if scope_form is not None else {"kind": profile.scope_kind, "value": profile.scope_value}
    context = {
        "showing": showing_for(state, profile, now) if state else None,
        "held": showing_for(held, profile, now) if held else None,
        "left": left,
        "done_today": today.done,
        "profile": profile,
        # (kind, its label in the page's language, its values): the picker's groups.
        "scope_groups": [(kind, Profile.Scope(kind).label, values) for kind, values in scope_choices().items()],
        "scope_kinds": Profile.Scope.choices,
        "scope_form": scope_form,
        "selected_kind": chosen.get("kind", ""),
        "selected_value": chosen.get("value", ""),
        "days_to_exam": (exam_date - clock.study_day(now)).days if exam_date else None,
        # To run from the device when the network is gone (docs/offline.md).
        "offline_texts": offline_texts(),
    }
    return render_page(request, TEMPLATE, context, status=status)


@require_safe
@login_required
def study(request):
    return _study_page(request)


@require_safe
@login_required
def study_card(request):
    """The card to show now, as a fragment (after a question's result)."""
    return _card_response(request, request.user.profile, now=timezone.now())


def _answering(request, state_id: int, service, respond, *, malformed: str, expect: str = "", **posted):
    """What grading a card and answering a question share: the posted
    version checked (and ``posted``, the other values already parsed, None
    when malformed), ``service`` called with the learner, their profile and
    one ``now``, its refusals answered alike (400 for a malformed post or too
    many choices, 404 for a card not theirs, the next card for one they no
    longer study), and ``respond(outcome, profile=, now=, version=)``."""
    version = int_or_none(request.POST.get("version"), 0, 2**31)
    if version is None or None in posted.values():
        return HttpResponseBadRequest(malformed)
    profile, now = request.user.profile, timezone.now()
    try:
        outcome = service(
            user=request.user,
            profile=profile,
            state_id=state_id,
            version=version,
            duration_ms=_duration(request),
            now=now,
            **posted,
        )
    except services.NotFound:
        raise Http404("no such card") from None
    except services.Unavailable:
        return _card_response(request, profile, now=now, notice="unavailable", expect=expect)
    except services.TooManyChoices as error:
        return HttpResponseBadRequest(error.message())
    return respond(outcome, profile=profile, now=now, version=version)


@require_POST
@login_required
def grade(request, state_id: int):
    expect = _expect(request.POST)

    def respond(outcome, *, profile, now, version):
        left = _left(request.POST)
        return _card_response(
            request, profile, now=now, counts=outcome.counts, left=left, answered=outcome.state, expect=expect
        )

    rating = int_or_none(request.POST.get("rating"), 1, 4)
    malformed = "rating must be 1-4 and version a number"
    return _answering(
        request, state_id, services.card_grade, respond, malformed=malformed, expect=expect, rating=rating
    )


@require_POST
@login_required
def answer(request, state_id: int):
    def respond(outcome, *, profile, now, version):
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
        if fragment_wanted(request, "study-card"):
            return render_page(request, TEMPLATE, context, partial="result", target="study-card")
        # A plain form post (no script): the result is a page of its own, since the
        # study page shows the next card, not an answered one.
        return render_page(request, ANSWERED, context)

    chosen = [c for c in request.POST.getlist("choice") if len(c) == 1][:26]
    malformed = "version must be a number"
    return _answering(request, state_id, services.question_answer, respond, malformed=malformed, chosen=chosen)


@require_POST
@login_required
def undo(request):
    profile, now = request.user.profile, timezone.now()
    outcome = services.review_undo(user=request.user, profile=profile)
    if outcome.state is None:
        return _card_response(request, profile, now=now, notice="cannot-undo" if outcome.refused else "nothing-to-undo")
    notice = f"undone-{outcome.kind}"
    state = shown_again(request.user, outcome.state.pk)
    if state is None:
        # Undone, but the card has left the queue since: show what is next.
        return _card_response(request, profile, now=now, notice=notice)
    today = services.today_for(user=request.user, profile=profile, now=now)
    held, left = held_after(request.user, today, state)
    return _fragment(request, profile, now=now, today=today, shown=state, held=held, left=left, notice=notice)


def _hide(request, state_id: int, action, notice: str) -> object:
    version = int_or_none(request.POST.get("version"), 0, 2**31)
    if version is None:
        return HttpResponseBadRequest("version must be a number")
    profile = request.user.profile
    try:
        hidden = action(user=request.user, profile=profile, state_id=state_id, version=version)
    except services.NotFound:
        raise Http404("no such card") from None
    # A stale version (a second click) hid nothing: no notice then.
    return _card_response(
        request, profile, now=timezone.now(), notice=notice if hidden else "", expect=_expect(request.POST)
    )


@require_POST
@login_required
def bury(request, state_id: int):
    return _hide(request, state_id, services.card_bury, "buried")


@require_POST
@login_required
def suspend(request, state_id: int):
    return _hide(request, state_id, services.card_suspend, "suspended")


@require_POST
@login_required
def choose_scope(request):
    form = ScopeForm(request.POST, choices=scope_choices())
    if not form.is_valid():
        # The study page again, its scope form open with the error: no dead end.
        return _study_page(request, scope_form=form, status=400)
    services.study_scope_set(
        user=request.user,
        profile=request.user.profile,
        kind=form.cleaned_data["kind"],
        value=form.cleaned_data["value"],
    )
    return redirect("study")


@require_safe
@login_required
def hidden(request):
    """The learner's suspended and buried cards, and leeches, one list at a time."""
    which = request.GET.get("show", "")
    which = which if which in LISTS else LISTS[0]
    now = timezone.now()
    page = Paginator(hidden_cards(user=request.user, which=which, now=now), HIDDEN_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"which": which, "page": page, "counts": hidden_counts(user=request.user, now=now), "lists": LISTS}
    return render_page(request, "study/hidden.html", context)


def _unhide(request, state_id: int, action, done: str, not_hidden: str):
    try:
        changed = action(user=request.user, state_id=state_id)
    except services.NotFound:
        raise Http404("no such card") from None
    if changed:
        messages.success(request, done)
    else:
        messages.info(request, not_hidden)
    which = request.POST.get("show", "")
    return redirect(f"{reverse('study_hidden')}?show={which if which in LISTS else LISTS[0]}")


@require_POST
@login_required
def unsuspend(request, state_id: int):
    return _unhide(
        request,
        state_id,
        services.card_unsuspend,
        _("Card unsuspended: it is back in your study queue."),
        _("That card was not suspended."),
    )


@require_POST
@login_required
def unbury(request, state_id: int):
    return _unhide(
        request,
        state_id,
        services.card_unbury,
        _("Card unburied: it can come up again today."),
        _("That card was not buried."),
    )
