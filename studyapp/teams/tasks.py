"""Background work of the teams app (docs/teams.md, "Figures computed
ahead"), queued by services.figures_refresh_request. Run by `manage.py
db_worker`; under the immediate backend (tests, DEBUG) inside the request
that queues it."""

from django_tasks import task

from studyapp.teams.refresh import figures_refresh


@task()
def assignment_figures_refresh(assignment_id: int) -> int:
    return figures_refresh(assignment_id=assignment_id)
