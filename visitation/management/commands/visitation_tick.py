"""Run visitation's periodic work once, by hand (demo mode has no Celery beat)."""

from django.core.management.base import BaseCommand

from visitation import services


class Command(BaseCommand):
    help = "Send due reminders and activate planned courses whose start date has come."

    def handle(self, *args: object, **options: object) -> None:
        reminders = services.reminders_send()
        activated = services.courses_activate_due()
        self.stdout.write(f"Påmindelser sendt: {reminders}; forløb aktiveret: {activated}")
