from celery import shared_task

from visitation import services


@shared_task(name="visitation.tasks.reminders_send")
def reminders_send() -> int:
    """Acute referrals undecided after 12 hours; agendas for tomorrow's meetings."""
    return services.reminders_send()


@shared_task(name="visitation.tasks.courses_activate_due")
def courses_activate_due() -> int:
    """Planned courses whose start date has come become active."""
    return services.courses_activate_due()
