"""URL matrix rows for closing a course (tests/integration/kernel/test_url_matrix.py).

A second family of ``radgiver`` in Ishøj, whose course at the provider closed five days ago
with the whole matrix team on it (the team keeps reading a closed course for a while), with a
check after closure due today; the closure form is posted on the active course of ``family``.
Outside every matrix user's scope: the same closed course for ``other_family`` (Vallensbæk)
at another provider.
"""

import datetime as dt

from django.utils import timezone

from cases import closure_services as closing
from cases.models import (
    ChildAtClosure,
    Closure,
    ClosureCriterion,
    CourseStatus,
    Criterion,
    Family,
    MemberKind,
    PostClosureCheck,
)
from familieberedskab.permissions import Perm
from staffing.models import PRACTITIONER_ROLES
from tests.factories.cases import (
    CourseFactory,
    FamilyFactory,
    FamilyMemberFactory,
    TeamAssignmentFactory,
)
from tests.factories.staffing import ProviderFactory
from tests.integration.routes import Route


def _closed_course(family: Family, provider: object, ctx: dict, prefix: str, *, team: bool) -> None:
    today = timezone.localdate()
    course = CourseFactory(
        family=family,
        provider=provider,
        status=CourseStatus.CLOSED,
        start_date=today - dt.timedelta(days=200),
        end_date=today - dt.timedelta(days=5),
    )
    for role, user in ctx["users"].items():
        if team and role in PRACTITIONER_ROLES:
            TeamAssignmentFactory(course=course, user=user, role=role, starts_on=course.start_date)
    child = FamilyMemberFactory(family=family, first_name="Sofie", birth_date=dt.date(2014, 6, 1))
    closure = Closure.objects.create(
        course=course,
        closed_on=course.end_date,
        reason="goals_reached",
        destination="ordinary_treatment",
        summary="Hverdagen hænger sammen.",
        closed_by=family.caseworker,
    )
    ClosureCriterion.objects.bulk_create(
        ClosureCriterion(closure=closure, criterion=c.value, status="met") for c in Criterion
    )
    ChildAtClosure.objects.create(closure=closure, child=child, lives_at_home=True)
    check = PostClosureCheck.objects.create(
        closure=closure, child=child, months_after=3, due_on=today
    )
    ctx[f"{prefix}_course"] = course
    ctx[f"{prefix}_check"] = check


def extend_world(ctx: dict) -> None:
    family = ctx["family"]
    provider = family.courses.first().provider
    closed = FamilyFactory(
        name="Familien Afsluttet",
        municipality=family.municipality,
        caseworker=family.caseworker,
        created_by=family.caseworker,
    )
    _closed_course(closed, provider, ctx, "closure", team=True)
    elsewhere = ProviderFactory(name="Anden udfører (afslutning)")
    _closed_course(ctx["other_family"], elsewhere, ctx, "other_closure", team=False)
    ctx["closure_active_course"] = family.courses.first()


def _course(prefix: str) -> object:
    def kwargs(ctx: dict) -> dict:
        return {"course_pk": ctx[f"{prefix}_course"].pk}

    return kwargs


def _check(prefix: str) -> object:
    def kwargs(ctx: dict) -> dict:
        return {"course_pk": ctx[f"{prefix}_course"].pk, "pk": ctx[f"{prefix}_check"].pk}

    return kwargs


def _close(ctx: dict) -> dict:
    """The closure form filled in for the active course: every criterion, every child, and a
    waiver for each final measurement not made (other matrix rows measure at baseline)."""
    course = ctx["closure_active_course"]
    data = {
        "closed_on": timezone.localdate().isoformat(),
        "reason": "goals_reached",
        "destination": "nothing",
        **{f"criterion_{c.value}": "met" for c in Criterion},
    }
    for child in course.family.members.filter(kind=MemberKind.CHILD):
        data[f"child_{child.pk}"] = "yes"
    for final in closing.final_measures(course):
        if not final.done:
            data[f"waiver_{final.key}"] = "Mor ønskede ikke at svare."
    return data


ROUTES: dict[str, Route] = {
    "cases:closure_detail": Route(
        perm=Perm.PLAN_VIEW, kwargs=_course("closure"), outside=_course("other_closure")
    ),
    "cases:closure_summary_pdf": Route(
        perm=Perm.PLAN_VIEW, kwargs=_course("closure"), outside=_course("other_closure")
    ),
    "cases:closure_create": Route(
        perm=Perm.COURSE_CLOSE,
        method="post",
        ok=302,
        kwargs=lambda ctx: {"course_pk": ctx["closure_active_course"].pk},
        outside=_course("other_closure"),
        data=_close,
    ),
    "cases:closure_reopen": Route(
        perm=Perm.COURSE_REOPEN,
        method="post",
        ok=302,
        kwargs=_course("closure"),
        outside=_course("other_closure"),
        data={"reopen-reason": "Ny bekymring fra skolen."},
    ),
    "cases:closure_check_record": Route(
        perm=Perm.POST_CLOSURE_RECORD,
        method="post",
        ok=302,
        kwargs=_check("closure"),
        outside=_check("other_closure"),
        data=lambda ctx: {f"check-{ctx['closure_check'].pk}-lives_at_home": "yes"},
    ),
}
