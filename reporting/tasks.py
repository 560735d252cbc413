import contextlib
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from reporting import runner, services

logger = logging.getLogger(__name__)

# A delivery that finds the run being built by another (a redelivery after the visibility
# timeout) comes back this much later: if that build dies, this one takes over.
BUSY_RETRY_SECONDS = 60


@shared_task(
    bind=True,
    name="reporting.tasks.report_run_build",
    acks_late=True,  # a run cut off by a dying worker is delivered again …
    reject_on_worker_lost=True,  # … also when the worker process is killed
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=30 * 60,
    time_limit=35 * 60,
)
def report_run_build(self, run_id: int) -> str:
    """Build one report run (idempotent: see reporting/runner.py)."""
    try:
        status = runner.run_build(run_id, task_id=self.request.id or "")
    except runner.TRANSIENT as exc:
        if self.request.retries >= self.max_retries:  # the last try: end the run visibly
            # If the database is still away, the error is raised below all the same.
            with contextlib.suppress(*runner.TRANSIENT):
                runner.run_fail(run_id, exc)
        raise
    if status == "busy" and not self.request.is_eager:
        # This message is acknowledged on return: without a fresh one the run would be lost
        # if the build that holds the lock dies later. Not a retry: it spends no retries.
        logger.info("report run %s is being built elsewhere; looking again later", run_id)
        report_run_build.apply_async((run_id,), countdown=BUSY_RETRY_SECONDS)
    return status


@shared_task(name="reporting.tasks.schedules_run_due")
def schedules_run_due() -> int:
    return len(services.schedules_run_due())


@shared_task(name="reporting.tasks.reports_expire")
def reports_expire() -> int:
    return services.reports_expire()
