"""Exam blueprints at /author/blueprints/: every instructor sees the ones
learners are offered and their own; they add blueprints and change their
own. The shipped ones (SAP-C02) are read-only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from studyapp.authoring.access import blueprint_writable, instructor_required
from studyapp.authoring.blueprint_forms import BlueprintForm, domain_choices
from studyapp.authoring.blueprint_services import BlueprintError, blueprint_create, blueprint_update
from studyapp.exams.models import Blueprint
from studyapp.htmx import render_page
from studyapp.noteformat.vocabulary import domain_order

ERRORS = {
    "code_taken": ("code", gettext_lazy("Another blueprint has this code already.")),
    "taken": (
        None,
        gettext_lazy(
            "Learners have sat this exam: its questions, time, pass mark and domains stay as they were, so that "
            "their reports still read right. Make a new blueprint for the new shape (you may turn this one off)."
        ),
    ),
}


@require_safe
@login_required
def blueprint_list(request):
    instructor_required(request.user)
    blueprints = Blueprint.objects.filter(Q(is_active=True) | Q(created_by=request.user)).select_related("created_by")
    return render_page(request, "authoring/blueprints.html", {"blueprints": blueprints})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def blueprint_new(request):
    instructor_required(request.user)
    form = BlueprintForm(request.POST or None, domains=domain_choices())
    return _form_handled(
        request,
        form,
        blueprint=None,
        save=lambda data: blueprint_create(user=request.user, data=data),
        message=_("Blueprint %(code)s added."),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def blueprint_edit(request, blueprint_id: int):
    blueprint = blueprint_writable(request.user, blueprint_id)
    # Its own domains stay choosable, even one no published note names any more.
    domains = sorted(set(domain_choices()) | {name for name, _w in blueprint.weights()}, key=domain_order)
    form = BlueprintForm(request.POST or None, initial=BlueprintForm.initial_for(blueprint), domains=domains)
    return _form_handled(
        request,
        form,
        blueprint=blueprint,
        save=lambda data: blueprint_update(blueprint=blueprint, data=data),
        message=_("Blueprint %(code)s saved."),
    )


def _form_handled(request, form: BlueprintForm, *, blueprint: Blueprint | None, save, message: str):
    """A valid form saved (then back to the list, saying so), or the form
    again with what was wrong at its fields (400)."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except BlueprintError as error:
            field, refusal = ERRORS[error.code]
            form.add_error(field, refusal)
        else:
            messages.success(request, message % {"code": saved.code})
            return redirect("authoring_blueprints")
    return _form_page(request, form, blueprint=blueprint)


def _form_page(request, form: BlueprintForm, *, blueprint: Blueprint | None):
    context = {"form": form, "blueprint": blueprint, "taken": blueprint is not None and blueprint.attempts.exists()}
    return render_page(request, "authoring/blueprint_form.html", context, status=400 if form.errors else 200)
