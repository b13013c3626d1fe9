"""Background tasks of the notes app (django-tasks; see studyapp.study.tasks)."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from studyapp.notes.rendering import cards_render, notes_render


@task()
def render_cards() -> int:
    """Render the HTML of every card whose stored HTML is missing or stale."""
    return cards_render()


def cards_render_soon() -> None:
    """Have the cards rendered once the current transaction (if any) commits:
    by the task worker, so that the caller does not wait for Markdown."""
    transaction.on_commit(render_cards.enqueue)


@task()
def render_notes() -> int:
    """Render the page of every note whose stored HTML is missing or stale."""
    return notes_render()


def notes_render_soon() -> None:
    """Have the note pages rendered once the current transaction commits."""
    transaction.on_commit(render_notes.enqueue)
