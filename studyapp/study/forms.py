"""The study page's form: what to study."""

from django import forms
from django.utils.translation import gettext_lazy as _

from studyapp.accounts.models import Profile


class ScopeForm(forms.Form):
    """A kind of scope and, unless it is everything, one of the values the
    published notes offer for it (``choices``, from scope.scope_choices)."""

    kind = forms.ChoiceField(label=_("What to study"), choices=Profile.Scope.choices)
    value = forms.CharField(label=_("Which"), required=False)

    def __init__(self, *args, choices: dict[str, list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices

    def clean(self):
        cleaned = super().clean()
        kind, value = cleaned.get("kind"), cleaned.get("value", "")
        if kind is None:
            return cleaned
        if kind in Profile.Scope.without_value():
            cleaned["value"] = ""
        elif not value:
            self.add_error("value", _("Choose which one to study under “Which”."))
        elif value not in self.choices.get(kind, []):
            self.add_error("value", _("That is not one of the published notes' values for this kind."))
        return cleaned
