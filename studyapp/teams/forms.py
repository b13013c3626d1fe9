from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from studyapp.accounts.models import EXAM_HORIZON_YEARS, latest_exam_date
from studyapp.exams.models import Blueprint
from studyapp.teams.models import Assignment
from studyapp.teams.services import DEFAULT_INVITE_DAYS, INVITE_DAYS


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=100)

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the team a name."), code="blank")
        return name


class InviteForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        initial=DEFAULT_INVITE_DAYS,
        # A callable, read at each rendering: a list made at import would be in
        # the language active then (English), whatever the page's.
        choices=lambda: [(d, ngettext("%(count)d day", "%(count)d days", d) % {"count": d}) for d in INVITE_DAYS],
    )


def _exam_date_field(label, help_text) -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), help_text=help_text
    )


def _date_bounds(field: forms.DateField) -> None:
    """The date picker offers today to the horizon, as the form accepts."""
    today = timezone.now().date()
    field.widget.attrs.update({"min": today.isoformat(), "max": latest_exam_date(today).isoformat()})


def _date_within_horizon(day, *, past: str):
    today = timezone.now().date()
    # A day of slack each way: the lead's today may differ from UTC's.
    if day < today - timezone.timedelta(days=1):
        raise forms.ValidationError(past, code="past")
    if day > latest_exam_date(today):
        raise forms.ValidationError(
            _("The exam date must be within %(years)s years."), code="too_far", params={"years": EXAM_HORIZON_YEARS}
        )
    return day


class AssignmentForm(forms.Form):
    """What to study, chosen among the published notes' values like a study
    scope (``choices`` from study.scope.scope_choices), and the exam date."""

    kind = forms.ChoiceField(label=_("Assign"), choices=Assignment.Kind.choices)
    value = forms.CharField(label=_("Which"), max_length=200)
    exam_date = _exam_date_field(
        _("Exam date"), _("Members' reviews are planned towards it, unless they set an exam date of their own.")
    )

    def __init__(self, *args, choices: dict[str, list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        _date_bounds(self.fields["exam_date"])

    def clean_exam_date(self):
        return _date_within_horizon(self.cleaned_data["exam_date"], past=_("The exam date cannot be in the past."))

    def clean(self):
        cleaned = super().clean()
        kind, value = cleaned.get("kind"), cleaned.get("value")
        if kind and value and value not in self.choices.get(kind, []):
            self.add_error("value", _("That is not one of the published notes' values for this kind."))
        return cleaned


class MockAssignmentForm(forms.Form):
    """A mock exam to sit: any blueprint offered to learners, and a due date."""

    blueprint = forms.ModelChoiceField(
        label=pgettext_lazy("team", "Mock exam"),
        queryset=Blueprint.objects.active(),
        empty_label="—",
        error_messages={"invalid_choice": _("That exam is not offered: choose one of the list.")},
    )
    due_date = _exam_date_field(
        pgettext_lazy("team", "Due by"), _("Members sit the mock exam from the exams page before this date.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _date_bounds(self.fields["due_date"])

    def clean_due_date(self):
        return _date_within_horizon(self.cleaned_data["due_date"], past=_("The due date cannot be in the past."))


class SharingForm(forms.Form):
    share_details = forms.BooleanField(label=_("Share my details with the lead"), required=False)
