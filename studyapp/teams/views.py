"""Team pages. Every view finds the signed-in user's membership of the team
first: someone outside the team gets 404 (the team does not exist for them),
a member 403 on what only the lead may do (docs/teams.md, "Access")."""

from __future__ import annotations

from operator import attrgetter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from studyapp.htmx import render_page
from studyapp.study.scope import scope_choices
from studyapp.teams import charts, services
from studyapp.teams.aggregates import MIN_CONTRIBUTORS
from studyapp.teams.forms import AssignmentForm, InviteForm, MockAssignmentForm, SharingForm, TeamForm
from studyapp.teams.mock_figures import member_latest_mock, mock_figures
from studyapp.teams.models import Assignment, Membership
from studyapp.teams.presenters import (
    cached_rows_html,
    domain_label,
    header_html,
    member_columns,
    member_table,
    table_csv,
)
from studyapp.teams.selectors import (
    active_invites,
    chosen_assignment,
    invite_by_token,
    membership_for,
    memberships_of,
    team_assignments,
    team_lead,
    team_members,
    team_mock_assignments,
)


def _membership(request, team_id: int) -> Membership:
    membership = membership_for(user=request.user, team_id=team_id)
    if membership is None:
        raise Http404("no such team")
    return membership


def _lead(request, team_id: int) -> Membership:
    membership = _membership(request, team_id)
    if not membership.is_lead:
        raise PermissionDenied("only the team's lead may do this")
    return membership


def _conflict(request, team_id: int | None, error: services.TeamError):
    """An action that lost a race with another change to the team (a
    transfer, a leave, a close, a revocation): 409, saying what happened."""
    messages_by_code = {
        "not_lead": _("You no longer lead this team: someone changed it at the same moment. Nothing was changed."),
        "team_closed": _("This team was closed at the same moment. Nothing was changed."),
        "invite_revoked": _("This invite link was revoked at the same moment. You did not join."),
        "invite_expired": _("This invite link has just expired. You did not join."),
        "lead_must_transfer": _("You now lead this team: hand the lead to another member before you leave."),
        "lead_cannot_be_removed": _("The lead cannot be removed: hand the lead over, or close the team."),
        "no_such_member": _("This person is no longer in the team: the lead was not handed over."),
    }
    message = messages_by_code.get(error.code, _("Someone changed this team at the same moment. Nothing was changed."))
    back = (
        reverse("team_detail", args=[team_id])
        if team_id and membership_for(user=request.user, team_id=team_id)
        else None
    )
    return render(request, "teams/conflict.html", {"message": message, "code": error.code, "back": back}, status=409)


def _assignment(membership: Membership, assignment_id: int) -> Assignment:
    assignment = Assignment.objects.filter(team_id=membership.team_id, pk=assignment_id).first()
    if assignment is None:
        raise Http404("no such assignment")
    return assignment


# ---------------------------------------------------------------- teams


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def team_list(request):
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = services.team_create(user=request.user, name=form.cleaned_data["name"])
        messages.success(request, _("Team created. Invite its members with a link."))
        return redirect("team_manage", team.pk)
    context = {"memberships": memberships_of(user=request.user), "form": form}
    return render(request, "teams/team_list.html", context, status=400 if form.errors else 200)


@require_safe
@login_required
def team_detail(request, team_id: int):
    """The member's page: their own progress on each assignment, the team's
    aggregate beside it, and what they share with whom."""
    membership = _membership(request, team_id)
    team = membership.team
    now = timezone.now()
    assignments = []
    for assignment in team_assignments(team=team):
        figures = services.figures_refresh_if_stale(team=team, assignment=assignment, now=now)
        mine = next((row for row in figures.rows if row.member.user_id == request.user.pk), None)
        assignments.append({"assignment": assignment, "figures": figures, "mine": mine})
    mocks = [
        {
            "assignment": mock,
            "mine": member_latest_mock(user=request.user, assignment=mock),
            "team": mock_figures(assignment=mock),
        }
        for mock in team_mock_assignments(team=team)
    ]
    context = {
        "membership": membership,
        "team": team,
        "lead": team_lead(team=team),
        "member_count": team.memberships.count(),
        "assignments": assignments,
        "mocks": mocks,
        "min_contributors": MIN_CONTRIBUTORS,
        "tab": "team",
    }
    return render(request, "teams/team_detail.html", context)


@require_POST
@login_required
def sharing_update(request, team_id: int):
    membership = _membership(request, team_id)
    form = SharingForm(request.POST)
    form.is_valid()  # a checkbox: absent means off
    services.sharing_set(membership=membership, share_details=form.cleaned_data.get("share_details", False))
    if membership.share_details:
        message = _("You now share your details with the lead of this team.")
    else:
        message = _("You no longer share your details: the lead and the team's aggregates no longer show them.")
    context = {
        "membership": membership,
        "team": membership.team,
        "lead": team_lead(team=membership.team),
        "min_contributors": MIN_CONTRIBUTORS,
        "saved": message,
    }
    if not request.htmx:
        messages.success(request, message)
        return redirect("team_detail", team_id)
    return render_page(request, "teams/team_detail.html", context, partial="sharing")


@require_POST
@login_required
def team_leave(request, team_id: int):
    membership = _membership(request, team_id)
    try:
        outcome = services.membership_leave(membership=membership)
    except services.TeamError as error:
        if not membership.is_lead:  # they became the lead while asking to leave
            return _conflict(request, team_id, error)
        messages.error(request, _("Hand the lead to another member before you leave the team."))
        return redirect("team_manage", team_id)
    if outcome == "closed":
        messages.success(request, _("You were the team's only member: the team is closed."))
    else:
        messages.success(request, _("You left the team. Its lead no longer sees any of your figures."))
    return redirect("team_list")


@require_POST
@login_required
def assignment_study(request, team_id: int, assignment_id: int):
    membership = _membership(request, team_id)
    assignment = _assignment(membership, assignment_id)
    services.assignment_study(user=request.user, assignment=assignment)
    return redirect("study")


# ---------------------------------------------------------------- the lead's dashboard


def _dashboard_figures(request, membership: Membership) -> dict:
    """What the dashboard and its CSV show: the chosen assignment, its
    figures and the members' table."""
    team = membership.team
    assignments = team_assignments(team=team)
    now = timezone.now()
    assignment = chosen_assignment(assignments, request.GET.get("assignment"), today=now.date())
    context = {"membership": membership, "team": team, "assignments": assignments, "tab": "dashboard", "now": now}
    if assignment is None:
        return context
    figures = services.figures_refresh_if_stale(team=team, assignment=assignment, now=now)
    return context | {"assignment": assignment, "figures": figures}


def _mock_context(request, team, *, today) -> dict:
    """The mock exam the lead looks at (``?mock=<id>``, else the nearest due),
    with its figures."""
    mocks = team_mock_assignments(team=team)
    mock = chosen_assignment(mocks, request.GET.get("mock"), today=today, when=attrgetter("due_date"))
    return {"mocks": mocks, "mock": mock, "mock_figures": mock_figures(assignment=mock) if mock else None}


def _dashboard_context(request, membership: Membership) -> dict:
    context = _dashboard_figures(request, membership)
    context |= _mock_context(request, membership.team, today=context["now"].date())
    if "assignment" not in context:
        return context
    assignment, figures = context["assignment"], context["figures"]
    columns_all = member_columns(figures)
    members_rows, details_rows = cached_rows_html(figures)
    aggregate = figures.aggregate or {}
    # The team's mastery per exam domain, as a heatmap row; each member's is
    # in the details table, whose domain cells are shaded the same way.
    team_domains = [(name, recall) for name, recall, _n in aggregate.get("domains", [])]
    columns = [domain_label(name) for name, _recall in team_domains]
    heatmap = charts.heatmap_svg(
        columns, [(_("Team"), [recall for _name, recall in team_domains])], label=_("Team mastery per exam domain")
    )
    return context | {
        "members_head": header_html([c for c in columns_all if not c.detail]),
        "members_rows": members_rows,
        "details_head": header_html(columns_all[:1] + [c for c in columns_all if c.detail]),
        "details_rows": details_rows,
        "bands_svg": charts.bands_svg(figures.band_counts, figures.forecast_counts),
        "heatmap_svg": heatmap,
        "domain_columns": columns,
        "days_left": (assignment.exam_date - context["now"].date()).days,
    }


@require_safe
@never_cache
@login_required
def team_dashboard(request, team_id: int):
    membership = _lead(request, team_id)
    return render_page(request, "teams/dashboard.html", _dashboard_context(request, membership), partial="figures")


@require_safe
@never_cache
@login_required
def team_dashboard_csv(request, team_id: int):
    membership = _lead(request, team_id)
    context = _dashboard_figures(request, membership)
    content = table_csv(member_table(context["figures"])) if "figures" in context else ""
    response = HttpResponse(content.encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    assignment = context.get("assignment")
    name = f"team-{membership.team_id}" + (f"-assignment-{assignment.pk}" if assignment else "")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


# ---------------------------------------------------------------- managing a team


@require_safe
@login_required
def team_manage(request, team_id: int):
    membership = _lead(request, team_id)
    return _manage_page(request, membership)


def _manage_page(request, membership, *, assignment_form=None, mock_form=None, status=200):
    team = membership.team
    invites = [
        (invite, request.build_absolute_uri(reverse("team_join", args=[invite.token])))
        for invite in active_invites(team=team)
    ]
    choices = scope_choices()
    form = assignment_form or AssignmentForm(choices=choices)
    context = {
        "membership": membership,
        "team": team,
        "invites": invites,
        "invite_form": InviteForm(),
        "assignments": team_assignments(team=team),
        "assignment_form": form,
        "mocks": team_mock_assignments(team=team),
        "mock_form": mock_form or MockAssignmentForm(),
        "scopes": choices,
        "members": team_members(team_id=team.pk),
        "tab": "manage",
    }
    return render(request, "teams/manage.html", context, status=status)


@require_POST
@login_required
def invite_create(request, team_id: int):
    membership = _lead(request, team_id)
    form = InviteForm(request.POST)
    days = form.cleaned_data["days"] if form.is_valid() else services.DEFAULT_INVITE_DAYS
    services.invite_create(team=membership.team, days=days)
    messages.success(request, _("Invite link made. Copy it and send it to the people you want in the team."))
    return redirect(reverse("team_manage", args=[team_id]) + "#invites")


@require_POST
@login_required
def invite_revoke(request, team_id: int, invite_id: int):
    membership = _lead(request, team_id)
    try:
        revoked = services.invite_revoke(team=membership.team, invite_id=invite_id, by=request.user)
    except services.TeamError as error:
        return _conflict(request, team_id, error)
    if not revoked:
        raise Http404("no such invite")
    messages.success(request, _("Invite link revoked: it no longer lets anyone join."))
    return redirect(reverse("team_manage", args=[team_id]) + "#invites")


@require_POST
@login_required
def assignment_create(request, team_id: int):
    membership = _lead(request, team_id)
    form = AssignmentForm(request.POST, choices=scope_choices())
    if not form.is_valid():
        return _manage_page(request, membership, assignment_form=form, status=400)
    services.assignment_create(team=membership.team, **form.cleaned_data)
    messages.success(request, _("Assignment added. Members see it on the team's page."))
    return redirect(reverse("team_manage", args=[team_id]) + "#assignments")


@require_POST
@login_required
def assignment_delete(request, team_id: int, assignment_id: int):
    membership = _lead(request, team_id)
    if not services.assignment_delete(team=membership.team, assignment_id=assignment_id):
        raise Http404("no such assignment")
    messages.success(request, _("Assignment removed."))
    return redirect(reverse("team_manage", args=[team_id]) + "#assignments")


@require_POST
@login_required
def mock_assignment_create(request, team_id: int):
    membership = _lead(request, team_id)
    form = MockAssignmentForm(request.POST)
    if not form.is_valid():
        return _manage_page(request, membership, mock_form=form, status=400)
    services.mock_assignment_create(team=membership.team, **form.cleaned_data)
    messages.success(request, _("Mock exam assigned. Members see it on the team's page."))
    return redirect(reverse("team_manage", args=[team_id]) + "#mocks")


@require_POST
@login_required
def mock_assignment_delete(request, team_id: int, mock_id: int):
    membership = _lead(request, team_id)
    if not services.mock_assignment_delete(team=membership.team, mock_assignment_id=mock_id):
        raise Http404("no such mock exam assignment")
    messages.success(request, _("Mock exam assignment removed."))
    return redirect(reverse("team_manage", args=[team_id]) + "#mocks")


@require_POST
@login_required
def member_remove(request, team_id: int, membership_id: int):
    membership = _lead(request, team_id)
    try:
        removed = services.membership_remove(team=membership.team, membership_id=membership_id, by=request.user)
    except services.TeamError as error:
        if error.code == "no_such_member":
            raise Http404("no such member") from None
        if error.code in ("not_lead", "team_closed"):
            return _conflict(request, team_id, error)
        messages.error(request, _("The lead cannot be removed: hand the lead over, or close the team."))
        return redirect(reverse("team_manage", args=[team_id]) + "#members")
    messages.success(request, _("%(name)s is no longer in the team.") % {"name": removed.user.get_username()})
    return redirect(reverse("team_manage", args=[team_id]) + "#members")


@require_POST
@login_required
def lead_transfer(request, team_id: int):
    membership = _lead(request, team_id)
    try:
        to = int(request.POST.get("membership", ""))
    except ValueError:
        raise Http404("no such member") from None
    try:
        new_lead = services.lead_transfer(team=membership.team, to_membership_id=to, by=request.user)
    except services.TeamError as error:
        # "no_such_member" too: the form offers only members, so one who is
        # not there has left (or been removed) since the page was shown.
        return _conflict(request, team_id, error)
    messages.success(request, _("%(name)s now leads the team.") % {"name": new_lead.user.get_username()})
    return redirect("team_detail", team_id)


@require_POST
@login_required
def team_close(request, team_id: int):
    membership = _lead(request, team_id)
    if not request.POST.get("confirm"):
        messages.error(request, _("Tick the box to confirm that the team should be closed."))
        return redirect(reverse("team_manage", args=[team_id]) + "#close")
    name = membership.team.name
    try:
        services.team_close(team=membership.team, by=request.user)
    except services.TeamError as error:
        return _conflict(request, team_id, error)
    messages.success(request, _("The team “%(name)s” is closed.") % {"name": name})
    return redirect("team_list")


# ---------------------------------------------------------------- joining


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def team_join(request, token: str):
    """The invite link: who the team is and what its lead will see, then join."""
    invite = invite_by_token(token=token)
    if invite is None:
        return render(request, "teams/invite_refused.html", {"reason": "unknown"}, status=404)
    status = invite.status()
    if status != invite.Status.ACTIVE:
        return render(request, "teams/invite_refused.html", {"reason": status}, status=410)
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    team = invite.team
    existing = membership_for(user=request.user, team_id=team.pk)
    if request.method == "POST":
        form = SharingForm(request.POST)
        form.is_valid()
        try:
            _membership, created = services.team_join(
                user=request.user, invite=invite, share_details=form.cleaned_data.get("share_details", False)
            )
        except services.TeamError as error:
            return _conflict(request, None, error)
        if created:
            messages.success(request, _("Welcome to %(team)s.") % {"team": team.name})
        return redirect("team_detail", team.pk)
    context = {
        "invite": invite,
        "team": team,
        "lead": team_lead(team=team),
        "member_count": team.memberships.count(),
        "existing": existing,
        "min_contributors": MIN_CONTRIBUTORS,
    }
    return render(request, "teams/join.html", context)
