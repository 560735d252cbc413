"""Periodic housekeeping and the health round trip."""

from axes.handlers.proxy import AxesProxyHandler
from celery import shared_task
from django.core.management import call_command
from django.utils import timezone


@shared_task(name="familieberedskab.tasks.healthcheck_ping", ignore_result=False, acks_late=False)
def healthcheck_ping() -> str:
    """A round trip through the broker and a worker, for /healthz."""
    return timezone.now().isoformat()


@shared_task(name="familieberedskab.tasks.sessions_clear_expired")
def sessions_clear_expired() -> None:
    """Expired sessions are deleted hourly so no stale session data lingers."""
    call_command("clearsessions")


@shared_task(name="familieberedskab.tasks.lockouts_clear_expired")
def lockouts_clear_expired() -> None:
    """Lockout records past their cool-off period are removed (they hold usernames and IPs)."""
    AxesProxyHandler.reset_failure_logs(age_days=30)
    AxesProxyHandler.reset_logs(age_days=30)
