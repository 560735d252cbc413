"""Courses started before meetings existed get their start meeting and first follow-up, as
course start now schedules them (cases.meeting_services.meetings_schedule_initial)."""

import calendar
import datetime as dt

from django.db import migrations


def _add_months(day: dt.date, months: int) -> dt.date:
    # A copy of cases.meeting_schedule.add_months: migrations must not import app code.
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def schedule(apps, schema_editor):
    Course = apps.get_model("cases", "Course")
    PlanMeeting = apps.get_model("cases", "PlanMeeting")
    courses = Course.objects.exclude(status="closed").filter(start_date__isnull=False)
    for course in courses.exclude(meetings__isnull=False):
        PlanMeeting.objects.create(
            course=course, kind="start", due_on=course.start_meeting_date or course.start_date
        )
        PlanMeeting.objects.create(
            course=course,
            kind="follow_up",
            due_on=course.first_follow_up or _add_months(course.start_date, 3),
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_add_plan_meetings_and_follow_up_cadence")]

    operations = [migrations.RunPython(schedule, migrations.RunPython.noop)]
