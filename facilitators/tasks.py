"""Background work: the daily certification sweep, for the db_worker to run."""

import datetime

from django.tasks import task

from facilitators.services import certification_sweep


@task
def certification_sweep_task(today: str | None = None) -> dict:
    """Enqueue daily (e.g. from cron: `certification_sweep_task.enqueue()`); returns the counts."""
    result = certification_sweep(today=datetime.date.fromisoformat(today) if today else None)
    return {
        "expiring_soon": result.expiring_soon,
        "expired": result.expired,
        "reminders_sent": result.reminders_sent,
        "reminders_skipped": result.reminders_skipped,
    }
