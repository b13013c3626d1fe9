"""The practice page's form: which practice, of what, how many questions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from studyapp.exams.models import Attempt
from studyapp.exams.practice import PRACTICE_COUNTS
from studyapp.noteformat.vocabulary import DOMAINS, TASK_STATEMENTS

KINDS = [(k, label) for k, label in Attempt.Kind.choices if k != Attempt.Kind.MOCK]
TOPICS = [(f"domain:{d.number}", d.name) for d in DOMAINS] + [(f"task:{t.code}", t.name) for t in TASK_STATEMENTS]


class PracticeForm(forms.Form):
    """``topic`` is "domain:<n>" or "task:<code>" (practice only); ``count``
    one of PRACTICE_COUNTS (practice and misses; a diagnostic has its own)."""

    kind = forms.ChoiceField(label=_("Practice"), choices=KINDS)
    topic = forms.ChoiceField(label=_("Domain or task statement"), choices=TOPICS, required=False)
    count = forms.TypedChoiceField(
        label=_("Questions"), choices=[(n, n) for n in PRACTICE_COUNTS], coerce=int, required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Attempt.Kind.PRACTICE and not cleaned.get("topic"):
            self.add_error("topic", _("Choose a domain or a task statement."))
        return cleaned

    def start_arguments(self) -> dict:
        """What practice.practice_start takes, from the cleaned data."""
        kind = self.cleaned_data["kind"]
        filter_kind, _sep, filter_value = (self.cleaned_data.get("topic") or "").partition(":")
        return {
            "kind": kind,
            "filter_kind": filter_kind if kind == Attempt.Kind.PRACTICE else "",
            "filter_value": filter_value if kind == Attempt.Kind.PRACTICE else "",
            "count": self.cleaned_data.get("count") or None,
        }
