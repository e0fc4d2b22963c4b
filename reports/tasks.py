"""Background work: rendering a report, for the db_worker to run (enqueued on commit by services)."""

from django.tasks import task

from reports.services import render_run


@task
def render_report(render_id: int, attempt: int) -> dict:
    """Render one attempt of a ReportRender; progress and errors are recorded on the row."""
    return render_run(render_id=render_id, attempt=attempt)
