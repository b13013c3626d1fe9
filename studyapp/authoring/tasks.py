"""Background tasks of the authoring app (django-tasks; the database backend
by default, ``manage.py db_worker`` runs them). Each task only calls a service."""

from __future__ import annotations

from django_tasks import task

from studyapp.authoring.services import upload_job_run


@task()
def import_upload(job_id: int) -> dict:
    """Import an upload's files, recording progress as it goes."""
    job = upload_job_run(job_id=job_id)
    return {"status": job.status if job else "missing", "done": job.done if job else 0}
