"""The staff page that gives and takes the instructor role.

Who may: staff who may view accounts read the list, staff who may change
accounts (as the admin's user page asks) give and take the role; a
superuser does both. Everyone else logged in gets 404 (the page is not
theirs to know of); anonymous visitors are sent to log in."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from studyapp.accounts.services import (
    INSTRUCTORS,
    NoSuchUser,
    instructor_add,
    instructor_remove,
    is_instructor,
    user_by_username,
)


class InstructorAddForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)

    def clean_username(self):
        try:
            return user_by_username(username=self.cleaned_data["username"])
        except NoSuchUser:
            raise forms.ValidationError(
                _("No account has this username. The person signs up first, then you make them an instructor.")
            ) from None


def _staff_only(user, *, change: bool) -> None:
    if not (user.is_active and user.is_staff):
        raise Http404("no such page")
    needed = ("auth.change_user",) if change else ("auth.view_user", "auth.change_user")
    if not any(user.has_perm(permission) for permission in needed):
        raise PermissionDenied("staff who may change accounts only")


def _instructors():
    # The group's members and anyone given the permission directly; superusers
    # hold every permission and are listed apart.
    return (
        User.objects.filter(
            Q(groups__name=INSTRUCTORS)
            | Q(user_permissions__content_type__app_label="authoring", user_permissions__codename="author_notes")
        )
        .filter(is_superuser=False)
        .distinct()
        .order_by("username")
    )


def _page(request, form, *, status=200):
    context = {
        "form": form,
        "instructors": _instructors(),
        "superusers": User.objects.filter(is_superuser=True, is_active=True).order_by("username"),
        "may_change": request.user.has_perm("auth.change_user"),
    }
    return render(request, "accounts/instructors.html", context, status=status)


@login_required
@require_safe
def instructor_list(request):
    _staff_only(request.user, change=False)
    return _page(request, InstructorAddForm())


@login_required
@require_POST
def instructor_add_view(request):
    _staff_only(request.user, change=True)
    form = InstructorAddForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    user = form.cleaned_data["username"]
    if instructor_add(user=user):
        messages.success(request, _("%(name)s is now an instructor.") % {"name": user.username})
    else:
        messages.info(request, _("%(name)s was already an instructor.") % {"name": user.username})
    return redirect("instructor_list")


@login_required
@require_POST
def instructor_remove_view(request, user_id: int):
    _staff_only(request.user, change=True)
    user = get_object_or_404(User, pk=user_id)
    if instructor_remove(user=user):
        messages.success(request, _("%(name)s is no longer an instructor.") % {"name": user.username})
    elif is_instructor(user):
        messages.error(
            request,
            _("%(name)s is still an instructor: a superuser, or through another group.") % {"name": user.username},
        )
    else:
        messages.info(request, _("%(name)s was not an instructor.") % {"name": user.username})
    return redirect("instructor_list")
