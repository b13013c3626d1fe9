"""The SAP-C02 task statements as the pages show them, in the active language."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation

from studyapp.noteformat.vocabulary import TASK_STATEMENTS, TaskStatement, task_for


@dataclass(frozen=True)
class TaskLabel:
    code: str
    name: str
    domain: int


def task_label(code: str) -> TaskLabel | None:
    task = task_for(code)
    if task is None:
        return None
    return TaskLabel(task.code, _name(task), task.domain.number)


def _name(task: TaskStatement) -> str:
    language = translation.get_language() or ""
    return task.name_ja if language.startswith("ja") else task.name


def all_task_labels() -> list[TaskLabel]:
    return [TaskLabel(task.code, _name(task), task.domain.number) for task in TASK_STATEMENTS]


@dataclass(frozen=True)
class TaskCoverage:
    """How well the bank covers one task statement: the notes that test it
    and their cards (active ones)."""

    task: TaskLabel
    notes: int
    cards: int

    @property
    def studied(self) -> None:
        """Nobody's progress: the bank's figures only (see study.stats.TaskProgress)."""
        return None


def note_tasks(notes) -> list[tuple[int, list[str], int]]:
    """(pk, task codes, active cards) of each note of ``notes``: one query."""
    return list(notes.with_card_counts().values_list("pk", "tasks", "card_count"))


def task_coverage(notes) -> list[TaskCoverage]:
    """Every task statement in exam order, with the notes of ``notes`` (a
    Note queryset, or the rows ``note_tasks`` read) that test it. A note that
    tests two task statements counts for both."""
    rows = note_tasks(notes) if hasattr(notes, "with_card_counts") else notes
    note_count: dict[str, int] = dict.fromkeys((t.code for t in TASK_STATEMENTS), 0)
    card_count = dict(note_count)
    for _pk, tasks, cards in rows:
        for code in tasks or ():
            if code in note_count:
                note_count[code] += 1
                card_count[code] += cards
    return [TaskCoverage(label, note_count[label.code], card_count[label.code]) for label in all_task_labels()]
