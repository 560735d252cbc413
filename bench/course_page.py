"""Benchmark: a course's pages with 1,000 visits on the course and 100,000 in the database.

    python -m bench.course_page                       # SQLite file bench.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1/fb_bench python -m bench.course_page

Builds the data once and reuses it on the next run: the demo world (``demo_load``), one
course — "Familien Målestok", started 400 days ago, 20 hours a week — with ``--course-visits``
visits recorded through ``visit_services.visit_record`` (with ORS and SRS, so alerts are
raised as in real use), and filler visits bulk-inserted on the demo's other courses until the
database holds ``--visits``. Then, signed in as the course's familiebehandler with Django's
test client, it prints the median and 95th percentile server time and the query count for
the course page, the visit list and the hours page (12 and 52 weeks). Target (median on a
2-core machine): each page < 150 ms, and query counts that do not move with the data.
"""

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familieberedskab.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:///bench.sqlite3")  # shared with family_list

BENCH_FAMILY = "Familien Målestok"
COURSE_DAYS = 400
FILLER_BATCH = 5_000


def _bench_course(users: dict, rng: random.Random):
    """The course the pages are measured on: made once, found by its family's name."""
    from decimal import Decimal

    from django.utils import timezone

    from cases.models import (
        Course,
        CourseStatus,
        Family,
        FamilyMember,
        FamilyPlan,
        MemberKind,
        TeamAssignment,
    )
    from staffing.models import Organisation, Role

    course = Course.objects.filter(family__name=BENCH_FAMILY).first()
    if course is not None:
        return course
    radgiver = users["radgiver"]
    family = Family.objects.create(
        name=BENCH_FAMILY,
        municipality_id=radgiver.organisation_id,
        caseworker=radgiver,
        created_by=radgiver,
    )
    for kind, first, born in (
        (MemberKind.CAREGIVER, "Maja", dt.date(1987, 4, 2)),
        (MemberKind.CAREGIVER, "Kasper", dt.date(1985, 9, 17)),
        (MemberKind.CHILD, "Ella", dt.date(2015, 6, 1)),
        (MemberKind.CHILD, "Oskar", dt.date(2019, 1, 20)),
    ):
        FamilyMember.objects.create(
            family=family, kind=kind, first_name=first, last_name="Målestok", birth_date=born
        )
    start = timezone.localdate() - dt.timedelta(days=COURSE_DAYS)
    course = Course.objects.create(
        family=family,
        provider=Organisation.objects.get(name="Familieværkstedet"),
        status=CourseStatus.ACTIVE,
        start_date=start,
        granted_hours=Decimal("20.0"),
    )
    FamilyPlan.objects.create(course=course)
    for name, role, hours in (
        ("behandler", Role.BEHANDLER, "12"),
        ("paedagog", Role.PAEDAGOG, "10"),
    ):
        TeamAssignment.objects.create(
            course=course,
            user=users[name],
            role=role,
            hours_per_week=Decimal(hours),
            starts_on=start,
        )
    return course


def _record_course_visits(course, users: dict, wanted: int, rng: random.Random) -> int:
    """Visits on the bench course through the service, as a practitioner records them."""
    from django.utils import timezone

    from cases import visit_services as visits
    from cases.models import ActivityType, FitScale

    missing = wanted - course.visits.count()
    if missing <= 0:
        return 0
    members = list(course.family.members.order_by("birth_date"))
    parents = [m for m in members if m.kind == "caregiver"]
    activities = list(ActivityType.objects.filter(is_active=True).values_list("pk", flat=True))
    team = [users["behandler"], users["paedagog"]]
    start_day = course.start_date
    days = (timezone.localdate() - start_day).days - 1
    for i in range(missing):
        day = start_day + dt.timedelta(days=int(i * days / missing))
        hour = rng.choice([6, 7, 9, 13, 15, 18, 19])
        starts_at = timezone.make_aware(
            dt.datetime.combine(day, dt.time(hour, rng.choice([0, 30])))
        )
        ends_at = starts_at + dt.timedelta(minutes=rng.choice([60, 90, 120, 150]))
        staff = team if rng.random() < 0.4 else [team[i % 2]]
        parent = parents[i % len(parents)]
        ors = [str(round(min(10, 3 + i / 200 + rng.random() * 2), 1)) for _ in range(4)]
        # Mostly a good alliance; now and then a low score raises an alert.
        low = rng.random() < 0.05
        srs = [str(round((7.5 if low else 9.0) + rng.random(), 1)) for _ in range(4)]
        visits.visit_record(
            by=staff[0],
            course=course,
            data=visits.VisitInput(
                starts_at=starts_at,
                ends_at=ends_at,
                place=rng.choice(["home", "home", "home", "workshop", "school"]),
                staff_ids=[u.pk for u in staff],
                family_ids=[parent.pk, members[-1].pk],
                activity_ids=rng.sample(activities, 2),
                note="Morgenrutine med madpakker og påklædning. Gik roligt.",
                fit=[
                    visits.FitEntry(client_id=parent.pk, scale=FitScale.ORS, items=ors),
                    visits.FitEntry(client_id=parent.pk, scale=FitScale.SRS, items=srs),
                ],
            ),
        )
    return missing


def _bulk_filler(course, users: dict, wanted_total: int, rng: random.Random) -> int:
    """Visits on the demo's other courses, bulk-inserted (with staff and an activity) until the
    database holds ``wanted_total``."""
    from django.utils import timezone

    from cases import visit_time
    from cases.models import ActivityType, Course, Visit

    missing = wanted_total - Visit.objects.count()
    if missing <= 0:
        return 0
    courses = list(
        Course.objects.exclude(pk=course.pk)
        .exclude(start_date=None)
        .values_list("pk", "start_date")
    )
    if not courses:
        sys.exit("no other courses to fill: load more families (--families)")
    staff = [users["behandler"].pk, users["paedagog"].pk]
    activity = ActivityType.objects.filter(is_active=True).values_list("pk", flat=True).first()
    today = timezone.localdate()
    author = users["behandler"]
    StaffLink = Visit.staff_participants.through
    ActivityLink = Visit.activities.through
    made = 0
    while made < missing:
        batch = []
        for _ in range(min(FILLER_BATCH, missing - made)):
            course_pk, start = courses[rng.randrange(len(courses))]
            span = max(1, (today - start).days - 1)
            day = start + dt.timedelta(days=rng.randrange(span))
            starts_at = timezone.make_aware(
                dt.datetime.combine(day, dt.time(rng.choice([7, 9, 13, 17, 19])))
            )
            ends_at = starts_at + dt.timedelta(minutes=rng.choice([60, 90, 120]))
            split = visit_time.split(starts_at, ends_at)
            batch.append(
                Visit(
                    course_id=course_pk,
                    author=author,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    place="home",
                    note="Fyldbesøg til benchmark.",
                    minutes=split.minutes(split.seconds),
                    evening_minutes=split.minutes(split.evening),
                    early_minutes=split.minutes(split.early),
                    weekend_minutes=split.minutes(split.weekend),
                    flexible_minutes=split.minutes(split.flexible),
                )
            )
        created = Visit.objects.bulk_create(batch, batch_size=1000)
        StaffLink.objects.bulk_create(
            [StaffLink(visit_id=v.pk, user_id=staff[v.pk % 2]) for v in created], batch_size=5000
        )
        if activity:
            ActivityLink.objects.bulk_create(
                [ActivityLink(visit_id=v.pk, activitytype_id=activity) for v in created],
                batch_size=5000,
            )
        made += len(created)
        print(f"  filler visits: {made}/{missing}", file=sys.stderr)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--visits", type=int, default=100_000, help="visits in the database")
    parser.add_argument("--course-visits", type=int, default=1_000, help="on the one course")
    parser.add_argument("--families", type=int, default=300, help="demo families to load")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from cases.models import Family, Visit
    from staffing.models import User

    call_command("migrate", verbosity=0)
    rng = random.Random(2635)
    started = time.perf_counter()
    missing_families = max(args.families - Family.objects.count(), 0)
    call_command("demo_load", families=missing_families, stdout=io.StringIO())
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["radgiver", "behandler", "paedagog"])
    }
    course = _bench_course(users, rng)
    recorded = _record_course_visits(course, users, args.course_visits, rng)
    filled = _bulk_filler(course, users, args.visits, rng)
    if connection.vendor == "postgresql" and (recorded or filled):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"database: {connection.vendor}; visits: {Visit.objects.count()} in total, "
        f"{course.visits.count()} on the course (recorded {recorded}, bulk {filled} in "
        f"{time.perf_counter() - started:.1f} s)"
    )

    client = Client()
    client.force_login(users["behandler"])
    last = -(-course.visits.count() // settings.PAGE_SIZE)
    cases = [
        ("course page", reverse("cases:course_detail", args=[course.pk])),
        ("visit list", reverse("cases:visit_list", args=[course.pk])),
        ("visit list, last page", reverse("cases:visit_list", args=[course.pk]) + f"?page={last}"),
        ("hours page (12 weeks)", reverse("cases:course_hours", args=[course.pk])),
        ("hours page (52 weeks)", reverse("cases:course_hours", args=[course.pk]) + "?uger=52"),
    ]
    print(f"{'request':<28}{'median ms':>10}{'p95 ms':>9}{'queries':>9}")
    for label, url in cases:
        client.get(url)  # warm up (templates, session)
        timings = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - t0) * 1000)
            if response.status_code != 200:
                sys.exit(f"{label}: HTTP {response.status_code}")
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(f"{label:<28}{statistics.median(timings):>10.1f}{p95:>9.1f}{len(queries):>9}")


if __name__ == "__main__":
    main()
