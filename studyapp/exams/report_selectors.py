"""Reads for the report page (never write): an attempt's items with their
notes, the figures (studyapp.exams.report), and the trend over the
learner's attempts of the same blueprint. A fixed number of queries,
whatever the number of questions or attempts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from studyapp.exams.models import Attempt, AttemptItem, Blueprint
from studyapp.exams.presenters import ITEM_FIELDS, ExamQuestion, exam_question
from studyapp.exams.report import ItemFigures, Tally, TimeFigures, TrendPoint, tallies_by_domain, tally, time_figures
from studyapp.exams.selectors import items_of
from studyapp.noteformat.vocabulary import DOMAINS, domain_for
from studyapp.study import questions

# The trend shows at most this many of the latest attempts: enough to see a
# course of study, bounded so the page costs the same after a hundred mocks.
TREND_ATTEMPTS = 30


@dataclass
class ReportQuestion:
    question: ExamQuestion
    item: AttemptItem
    note_id: str
    title: str
    domain: str

    @property
    def chosen_letters(self) -> str:
        """The options chosen, by the letters shown in the exam."""
        return ", ".join(o.display for o in self.question.scenario.options if o.chosen)

    @property
    def correct_letters(self) -> str:
        return ", ".join(o.display for o in self.question.scenario.options if o.choice.correct)

    @property
    def time_text(self) -> str:
        return duration_text(self.item.time_ms / 1000)


@dataclass
class DomainRow:
    label: str
    tally: Tally


@dataclass
class AttemptReport:
    attempt: Attempt
    blueprint: Blueprint | None
    overall: Tally
    domains: list[DomainRow]
    time: TimeFigures
    questions: list[ReportQuestion]
    trend: list[TrendPoint]


def duration_text(seconds: float | None) -> str:
    """ "1 h 05 min", "12 min 30 s", "45 s"."""
    if seconds is None:
        return "—"
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("%(h)s h %(m)02d min") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)s min %(s)02d s") % {"m": minutes, "s": secs}
    return _("%(s)s s") % {"s": secs}


def domain_label(name: str) -> str:
    """The exam guide's name in the page's language, numbered."""
    exam = domain_for(name) if name else None
    if exam is None:
        return name or _("No exam domain")
    local = exam.name_ja if (get_language() or "").startswith("ja") else exam.name
    return _("Domain %(number)s: %(name)s") % {"number": exam.number, "name": local}


def figures_of(item: AttemptItem) -> ItemFigures:
    return ItemFigures(
        domain=item.domain,
        correct=bool(item.correct),
        answered=bool(item.chosen),
        time_ms=item.time_ms,
        predicted_recall=item.predicted_recall,
    )


def attempt_report(*, attempt: Attempt) -> AttemptReport:
    """The report of a submitted attempt."""
    items = list(
        items_of(attempt=attempt)
        .select_related("note")
        .only(*ITEM_FIELDS, "correct", "score", "predicted_recall", "note__parsed", "note__note_id", "note__title")
    )
    figures = [figures_of(item) for item in items]
    blueprint = attempt.blueprint
    order = [name for name, _weight in blueprint.weights()] if blueprint else [d.name for d in DOMAINS]
    shown = []
    for item in items:
        question = exam_question(item, current=False)
        question.scenario.terms = questions.terms(item.note.parsed)
        shown.append(ReportQuestion(question, item, item.note.note_id, item.note.title, domain_label(item.domain)))
    return AttemptReport(
        attempt=attempt,
        blueprint=blueprint,
        overall=tally(figures),
        domains=[DomainRow(domain_label(name), figures) for name, figures in tallies_by_domain(figures, order)],
        time=time_figures(
            started_at=attempt.started_at, submitted_at=attempt.submitted_at, deadline=attempt.deadline, items=figures
        ),
        questions=shown,
        trend=trend_of(attempt=attempt),
    )


def trend_of(*, attempt: Attempt) -> list[TrendPoint]:
    """The learner's submitted attempts of the same blueprint and kind, oldest
    first (the latest TREND_ATTEMPTS), with their counts: one query. An
    attempt outside a blueprint (practice) has no trend."""
    if attempt.blueprint_id is None:
        return []
    rows = (
        Attempt.objects.submitted()
        .filter(user_id=attempt.user_id, blueprint_id=attempt.blueprint_id, kind=attempt.kind)
        .annotate(n=Count("items"), right=Count("items", filter=Q(items__correct=True)))
        .order_by("-submitted_at", "-pk")
        .values_list("pk", "submitted_at", "n", "right")[:TREND_ATTEMPTS]
    )
    return [TrendPoint(pk, at, n, right) for pk, at, n, right in reversed(list(rows))]
