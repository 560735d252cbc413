from celery import shared_task

from cases import closure_services, meeting_services


@shared_task(name="cases.tasks.meeting_reminders_send")
def meeting_reminders_send() -> int:
    """Start and follow-up meetings: 14 days ahead, and on the day one becomes overdue."""
    return meeting_services.meeting_reminders_send()


@shared_task(name="cases.tasks.post_closure_reminders_send")
def post_closure_reminders_send() -> int:
    """3, 6 and 12 months after closure: does the child still live at home? (the rådgiver)"""
    return closure_services.post_closure_reminders_send()
