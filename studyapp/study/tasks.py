"""Background tasks of the study app (django-tasks; the database backend by
default, so SQLite needs no extra server). Each task only calls a service;
the recurring ones enqueue their next run before they return.

``manage.py study_tasks_start`` (run by ``make run`` and at each deploy)
enqueues the recurring tasks that are not pending yet; ``manage.py
db_worker`` runs them (with REDIS_URL: ``manage.py rqworker --with-scheduler
--job-class django_tasks_rq.Job default``, on as many machines as wanted)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from studyapp.study.memory import memory_models_fit
from studyapp.study.planning import study_days_plan

# Learners' study days start at 4 a.m. in every time zone: an hourly run plans
# each of them within the hour it starts.
PLAN_EVERY = timedelta(hours=1)
FIT_EVERY = timedelta(days=1)


@task()
def plan_study_days() -> int:
    """The day plan of every learner with an exam ahead whose study day has
    started and who has not opened the study page yet."""
    planned = study_days_plan(now=timezone.now())
    _again(plan_study_days, PLAN_EVERY)
    return planned


@task()
def fit_memory_models() -> dict:
    """The pooled FSRS fit, and each learner's own where enough new answers came."""
    counts = memory_models_fit(now=timezone.now())
    _again(fit_memory_models, FIT_EVERY)
    return counts


RECURRING = (plan_study_days, fit_memory_models)


def _again(recurring, after: timedelta) -> None:
    """Enqueue the next run, where the backend can hold a task until later (an
    immediate backend, in tests, would run it at once, for ever)."""
    backend = recurring.get_backend()
    if backend.supports_defer:
        recurring.using(run_after=timezone.now() + after).enqueue()


def recurring_tasks_start() -> list[str]:
    """Enqueue each recurring task that has no run pending; returns their names."""
    started = []
    for recurring in RECURRING:
        if not _pending(recurring):
            recurring.enqueue()
            started.append(recurring.name)
    return started


def _pending(recurring) -> bool:
    """A run of ``recurring`` waits or runs already, in the database or in
    Redis, whichever backend holds the tasks."""
    backend = recurring.get_backend()
    if not backend.supports_defer:
        return False
    if type(backend).__module__.startswith("django_tasks_rq"):
        return _pending_in_rq(recurring)
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=recurring.module_path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).exists()


def _pending_in_rq(recurring) -> bool:
    import django_rq
    from rq.job import Job
    from rq.registry import ScheduledJobRegistry, StartedJobRegistry

    queue = django_rq.get_queue(recurring.queue_name)
    ids = {*queue.get_job_ids(), *ScheduledJobRegistry(queue=queue).get_job_ids()}
    ids |= set(StartedJobRegistry(queue=queue).get_job_ids())
    jobs = Job.fetch_many(sorted(ids), connection=queue.connection)
    return any(job is not None and job.func_name == recurring.module_path for job in jobs)
