"""/study/welcome/: the first step after sign-up (studyapp.study.welcome)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from studyapp.accounts.models import Profile
from studyapp.accounts.services import profile_get
from studyapp.accounts.timezones import time_zone_links
from studyapp.htmx import render_page
from studyapp.study.forms import ScopeForm
from studyapp.study.scope import scope_choices
from studyapp.study.welcome import WelcomeForm, initial_time_zone, welcome_save


def _next(request) -> str:
    # Where the learner was going (an invite link), else the study page.
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("study")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def welcome(request):
    profile = profile_get(user=request.user)
    next_url = _next(request)
    choices = scope_choices()
    status = 200
    if request.method == "POST":
        form = WelcomeForm(request.POST, instance=profile)
        scope_form = ScopeForm(request.POST, choices=choices)
        if form.is_valid() and scope_form.is_valid():
            welcome_save(
                user=request.user,
                profile=profile,
                settings=form.cleaned_data,
                kind=scope_form.cleaned_data["kind"],
                value=scope_form.cleaned_data["value"],
            )
            return redirect(next_url)
        # Nothing was written; the page again with what was chosen and why not.
        profile.refresh_from_db()
        status = 400
        chosen = scope_form.data
    else:
        form = WelcomeForm(instance=profile, initial={"time_zone": initial_time_zone(profile)})
        scope_form = None
        chosen = {"kind": profile.scope_kind, "value": profile.scope_value}
    context = {
        "form": form,
        "scope_form": scope_form,
        "scope_groups": [(kind, Profile.Scope(kind).label, values) for kind, values in choices.items()],
        "scope_kinds": Profile.Scope.choices,
        "selected_kind": chosen.get("kind", ""),
        "selected_value": chosen.get("value", ""),
        # The browser's zone replaces the guess only while the learner has not chosen one.
        "zone_from_browser": profile.time_zone == "UTC" and request.method != "POST",
        "time_zone_links": time_zone_links(),
        "next": next_url,
    }
    return render_page(request, "study/welcome.html", context, status=status)
