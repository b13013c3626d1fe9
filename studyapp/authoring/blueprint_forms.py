"""The form an instructor fills to describe an exam: its code and name, how
many questions, how long, the pass mark, and the domains with their weights.

The domains are chosen among those the bank knows (SAP-C02's four and any
other domain a published note names), so that a blueprint never names a
domain no question can be drawn from; the weights are whole percents that
sum to 100."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from studyapp.noteformat.vocabulary import DOMAINS, domain_name, domain_order
from studyapp.notes.models import Note

# Rows offered for domains: SAP-C02 has 4, AWS's other exams at most 6.
DOMAIN_ROWS = 6
CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,39}$")
# What a mock exam may ask for: the real exams run 65 to 85 questions, 130 to 180 minutes.
MAX_QUESTIONS = 200
MAX_MINUTES = 600
MAX_SCORE = 1000


def domain_choices() -> list[str]:
    """SAP-C02's domains, then every other domain a published note names (canonical names)."""
    names = {d.name for d in DOMAINS}
    names |= {domain_name(d) for d in Note.objects.published().exclude(domain="").values_list("domain", flat=True)}
    return sorted(names, key=domain_order)


class BlueprintForm(forms.Form):
    code = forms.CharField(
        label=pgettext_lazy("blueprint", "Code"),
        max_length=40,
        help_text=_("As the exam is known, e.g. SAA-C03: letters, digits and hyphens."),
    )
    name = forms.CharField(label=pgettext_lazy("blueprint", "Name"), max_length=200)
    question_count = forms.IntegerField(
        label=pgettext_lazy("blueprint", "Questions"), min_value=1, max_value=MAX_QUESTIONS
    )
    minutes = forms.IntegerField(label=_("Time limit (minutes)"), min_value=1, max_value=MAX_MINUTES)
    pass_mark = forms.IntegerField(
        label=pgettext_lazy("blueprint", "Pass mark"),
        min_value=1,
        max_value=MAX_SCORE,
        help_text=_("On the exam's scale of 1,000, as AWS publishes it (SAP-C02: 750)."),
    )
    is_active = forms.BooleanField(label=_("Offered to learners and teams"), required=False, initial=True)

    def __init__(self, *args, domains: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.domain_names = domains
        choices = [("", "—"), *((name, name) for name in domains)]
        for row in range(1, DOMAIN_ROWS + 1):
            self.fields[f"domain_{row}"] = forms.ChoiceField(
                label=pgettext_lazy("blueprint", "Domain %(row)s") % {"row": row}, choices=choices, required=False
            )
            self.fields[f"weight_{row}"] = forms.IntegerField(
                label=_("Weight of domain %(row)s (%%)") % {"row": row}, min_value=1, max_value=100, required=False
            )

    @property
    def domain_rows(self):
        return [(self[f"domain_{row}"], self[f"weight_{row}"]) for row in range(1, DOMAIN_ROWS + 1)]

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        if not CODE.match(code):
            raise forms.ValidationError(
                _("Use 2 to 40 letters, digits and hyphens, starting with a letter or digit."), code="code_format"
            )
        return code

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the exam a name."), code="blank")
        return name

    def clean(self):
        cleaned = super().clean()
        domains, seen = [], set()
        for row in range(1, DOMAIN_ROWS + 1):
            name, weight = cleaned.get(f"domain_{row}"), cleaned.get(f"weight_{row}")
            if f"domain_{row}" in self.errors or f"weight_{row}" in self.errors:
                continue
            if not name and weight is None:
                continue
            if not name:
                self.add_error(f"domain_{row}", _("Choose the domain this weight is for."))
            elif weight is None:
                self.add_error(f"weight_{row}", _("Give this domain a weight."))
            elif name in seen:
                self.add_error(f"domain_{row}", _("This domain is already listed above."))
            else:
                seen.add(name)
                domains.append({"name": name, "weight": weight})
        if not self.errors:
            total = sum(d["weight"] for d in domains)
            if not domains:
                self.add_error("domain_1", _("List at least one domain with its weight."))
            elif total != 100:
                self.add_error(
                    f"weight_{len(domains)}",
                    _("The weights add up to %(total)s %%; they must add up to 100 %%.") % {"total": total},
                )
            count = cleaned.get("question_count")
            if count is not None and domains and count < len(domains):
                self.add_error("question_count", _("Ask at least one question per domain."))
        cleaned["domains"] = domains
        return cleaned

    @classmethod
    def initial_for(cls, blueprint) -> dict:
        initial = {
            "code": blueprint.code,
            "name": blueprint.name,
            "question_count": blueprint.question_count,
            "minutes": blueprint.minutes,
            "pass_mark": blueprint.pass_mark,
            "is_active": blueprint.is_active,
        }
        for row, (name, weight) in enumerate(blueprint.weights(), start=1):
            initial |= {f"domain_{row}": name, f"weight_{row}": weight}
        return initial
