"""URL matrix rows for the stories of change and the school/daycare screens
(tests/integration/kernel/test_url_matrix.py).

The course of ``family`` gains a story told by Mette and Noah's school with a month of
attendance; outside every matrix user's scope: the same on a course of ``other_family``
(Vallensbæk) at another provider.
"""

import datetime as dt

from django.utils import timezone

from cases.models import AttendancePeriod, ChangeStory, Course, Institution, MemberKind
from familieberedskab.permissions import Perm
from tests.factories.cases import CourseFactory
from tests.factories.staffing import ProviderFactory
from tests.integration.routes import Route


def _furnish(course: Course, prefix: str, ctx: dict) -> None:
    members = list(course.family.members.all())
    child = next(m for m in members if m.kind == MemberKind.CHILD)
    by = course.family.caseworker
    story = ChangeStory.objects.create(
        course=course,
        teller_member=members[0],
        told_on=timezone.localdate() - dt.timedelta(days=3),
        domain="daily_life",
        title="Morgenerne",
        story="Vi kommer ud ad døren uden råb.",
        why_significant="Det er første gang i lang tid.",
        consent_to_use=True,
        created_by=by,
    )
    school = Institution.objects.create(child=child, kind="school", name="Ishøj Skole")
    start = timezone.localdate() - dt.timedelta(days=90)
    AttendancePeriod.objects.create(
        institution=school,
        period_start=start,
        period_end=start + dt.timedelta(days=27),
        unit="days",
        possible=20,
        absent=4,
        unlawful=2,
        created_by=by,
    )
    ctx[f"{prefix}_course"] = course
    ctx[f"{prefix}_child"] = child
    ctx[f"{prefix}_story"] = story
    ctx[f"{prefix}_school"] = school


def extend_world(ctx: dict) -> None:
    _furnish(ctx["family"].courses.first(), "outcome", ctx)
    elsewhere = ProviderFactory(name="Anden udfører (fortællinger)")
    _furnish(CourseFactory(family=ctx["other_family"], provider=elsewhere), "other_outcome", ctx)


def _course(prefix: str) -> object:
    def kwargs(ctx: dict) -> dict:
        return {"course_pk": ctx[f"{prefix}_course"].pk}

    return kwargs


def _object(prefix: str, name: str) -> object:
    def kwargs(ctx: dict) -> dict:
        return {"course_pk": ctx[f"{prefix}_course"].pk, "pk": ctx[f"{prefix}_{name}"].pk}

    return kwargs


def _story(ctx: dict) -> dict:
    return {
        "teller_member": str(ctx["outcome_story"].teller_member_id),
        "told_on": timezone.localdate().isoformat(),
        "domain": "parenting",
        "title": "Sengetid",
        "story": "Nu læser vi en historie hver aften.",
        "why_significant": "Vi er tættere på hinanden.",
        "consent_to_use": "no",
    }


def _institution(ctx: dict) -> dict:
    return {
        "child": str(ctx["outcome_child"].pk),
        "kind": "sfo",
        "name": "Ishøj SFO",
        "contact_person": "Pædagog Lise",
    }


def _attendance(ctx: dict) -> dict:
    start = timezone.localdate() - dt.timedelta(days=40)
    return {
        "period_start": start.isoformat(),
        "period_end": (start + dt.timedelta(days=27)).isoformat(),
        "unit": "days",
        "possible": "20",
        "absent": "2",
        "unlawful": "0",
    }


ROUTES: dict[str, Route] = {
    "cases:story_list": Route(
        perm=Perm.PLAN_VIEW, kwargs=_course("outcome"), outside=_course("other_outcome")
    ),
    "cases:story_create": Route(
        perm=Perm.OUTCOME_RECORD,
        method="post",
        ok=302,
        kwargs=_course("outcome"),
        outside=_course("other_outcome"),
        data=_story,
    ),
    "cases:story_edit": Route(
        perm=Perm.OUTCOME_RECORD,
        method="post",
        ok=302,
        kwargs=_object("outcome", "story"),
        outside=_object("other_outcome", "story"),
        data=_story,
    ),
    "cases:school_detail": Route(
        perm=Perm.PLAN_VIEW, kwargs=_course("outcome"), outside=_course("other_outcome")
    ),
    "cases:school_institution_create": Route(
        perm=Perm.OUTCOME_RECORD,
        method="post",
        ok=302,
        kwargs=_course("outcome"),
        outside=_course("other_outcome"),
        data=_institution,
    ),
    "cases:school_institution_edit": Route(
        perm=Perm.OUTCOME_RECORD,
        method="post",
        ok=302,
        kwargs=_object("outcome", "school"),
        outside=_object("other_outcome", "school"),
        data=_institution,
    ),
    "cases:school_contact_create": Route(
        perm=Perm.OUTCOME_RECORD,
        method="post",
        ok=302,
        kwargs=_object("outcome", "school"),
        outside=_object("other_outcome", "school"),
        data=lambda ctx: {
            "contacted_on": timezone.localdate().isoformat(),
            "kind": "bridge",
            "note": "Fulgte Noah i skole.",
        },
    ),
    "cases:school_attendance_create": Route(
        perm=Perm.OUTCOME_RECORD,
        method="post",
        ok=302,
        kwargs=_object("outcome", "school"),
        outside=_object("other_outcome", "school"),
        data=_attendance,
    ),
}
