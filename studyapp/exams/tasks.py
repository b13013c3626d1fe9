"""Background work of the exams app: only enqueues services.

An attempt is submitted at its deadline even if the learner never comes
back: a task queued with ``run_after=deadline`` when the backend can defer
(the database and RQ backends can; the immediate one, used by tests, cannot:
see docs/exams.md). Without it, the next view or service that touches the
attempt submits it at the deadline (submission.attempt_expire): the result is
the same, only written later."""

from django.utils import timezone
from django_tasks import default_task_backend, task

from studyapp.exams.models import Attempt
from studyapp.exams.submission import attempt_expire


@task()
def attempt_deadline_submit(attempt_id: int) -> bool:
    attempt = Attempt.objects.filter(pk=attempt_id).first()
    return attempt is not None and attempt_expire(attempt=attempt, now=timezone.now())


def schedule_deadline(attempt: Attempt) -> bool:
    """Queue the deadline's submission; False when the backend cannot defer."""
    if attempt.deadline is None or not default_task_backend.supports_defer:
        return False
    attempt_deadline_submit.using(run_after=attempt.deadline).enqueue(attempt.pk)
    return True
