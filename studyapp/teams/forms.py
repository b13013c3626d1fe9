from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from studyapp.accounts.models import EXAM_HORIZON_YEARS, latest_exam_date
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


class AssignmentForm(forms.Form):
    """What to study, chosen among the published notes' values like a study
    scope (``choices`` from study.scope.scope_choices), and the exam date."""

    kind = forms.ChoiceField(label=_("Assign"), choices=Assignment.Kind.choices)
    value = forms.CharField(label=_("Which"), max_length=200)
    exam_date = forms.DateField(
        label=_("Exam date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Members' reviews are planned towards it, unless they set an exam date of their own."),
    )

    def __init__(self, *args, choices: dict[str, list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        today = timezone.now().date()
        self.fields["exam_date"].widget.attrs.update(
            {"min": today.isoformat(), "max": latest_exam_date(today).isoformat()}
        )

    def clean_exam_date(self):
        exam_date = self.cleaned_data["exam_date"]
        today = timezone.now().date()
        # A day of slack each way: the lead's today may differ from UTC's.
        if exam_date < today - timezone.timedelta(days=1):
            raise forms.ValidationError(_("The exam date cannot be in the past."), code="past")
        if exam_date > latest_exam_date(today):
            raise forms.ValidationError(
                _("The exam date must be within %(years)s years."), code="too_far", params={"years": EXAM_HORIZON_YEARS}
            )
        return exam_date

    def clean(self):
        cleaned = super().clean()
        kind, value = cleaned.get("kind"), cleaned.get("value")
        if kind and value and value not in self.choices.get(kind, []):
            self.add_error("value", _("That is not one of the published notes' values for this kind."))
        return cleaned


class SharingForm(forms.Form):
    share_details = forms.BooleanField(label=_("Share my details with the lead"), required=False)
