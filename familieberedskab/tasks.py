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


@shared_task(
    name="familieberedskab.tasks.notification_emails_send",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def notification_emails_send(notification_ids: list[int]) -> int:
    """E-mail a content-free nudge for each notification whose recipient has an address."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.utils.translation import gettext as _

    from familieberedskab.models import Notification

    sent = 0
    for notification in Notification.objects.filter(pk__in=notification_ids).select_related(
        "recipient"
    ):
        if notification.recipient.email:
            send_mail(
                subject=_("Ny besked i Familieberedskab"),
                message=_(
                    "Du har en ny besked i Familieberedskab. Log ind for at læse den: %(url)s"
                )
                % {"url": settings.SITE_URL.rstrip("/") + "/notifikationer/"},
                from_email=None,
                recipient_list=[notification.recipient.email],
            )
            sent += 1
    return sent
