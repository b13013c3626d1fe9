from django.core.management.base import BaseCommand

from studyapp.notes.tasks import render_cards, render_notes
from studyapp.study.tasks import recurring_tasks_start


class Command(BaseCommand):
    help = "Enqueue the study app's recurring background tasks that are not pending yet (idempotent)."

    def handle(self, *args, **options):
        started = recurring_tasks_start()
        # Cards whose stored HTML a new release's sanitizer would render differently.
        render_cards.enqueue()
        started.append(render_cards.name)
        render_notes.enqueue()
        started.append(render_notes.name)
        self.stdout.write(f"enqueued: {', '.join(started)}" if started else "every recurring task is pending already")
