"""Notifications: in-app messages, and an e-mail nudge that carries no personal data.

The in-app text may name the family (the recipient may see it); the e-mail only says that
there is something new and links to the app, because e-mail leaves our control.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from familieberedskab.models import Notification
from staffing.models import User


def notify(
    *, recipients: Iterable[User], text: str, url: str = "", key: str = ""
) -> list[Notification]:
    """Create one notification per recipient (skipping those who already have ``key``)."""
    recipients = [u for u in {u.pk: u for u in recipients}.values() if u.is_active]
    if key:
        already = set(
            Notification.objects.filter(key=key, recipient__in=recipients).values_list(
                "recipient_id", flat=True
            )
        )
        recipients = [u for u in recipients if u.pk not in already]
    rows = [Notification(recipient=u, text=text[:300], url=url, key=key) for u in recipients]
    if key:
        # A concurrent run may have inserted the same key meanwhile: skip those rows.
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        created = list(Notification.objects.filter(key=key, recipient__in=recipients, read_at=None))
    else:
        created = Notification.objects.bulk_create(rows)
    if settings.NOTIFICATION_EMAIL and created:
        from familieberedskab.tasks import notification_emails_send

        ids = [n.pk for n in created]  # PostgreSQL and SQLite return the new keys
        transaction.on_commit(lambda: notification_emails_send.delay(ids))
    return created


def notification_mark_read(*, by: User, notification_ids: Iterable[int]) -> int:
    """Mark the user's own notifications read; other users' ids are ignored."""
    return Notification.objects.filter(
        recipient=by, pk__in=list(notification_ids), read_at=None
    ).update(read_at=timezone.now())
