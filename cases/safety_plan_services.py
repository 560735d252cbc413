"""Services for the safety plan (sikkerhedsplan) of a course where there is danger (issue 4).

A safety plan says in plain words the family can read: the rules in everyday life, who in
the network does what, how the professionals check, what happens if the plan is not kept,
and the family's own words. It is adopted on a date and reviewed again on a later date.
Each revision is a new dated row, so earlier plans stay readable; the current plan is the
latest adopted.

Access is the plan's, as for Signs of Safety (cases/safety_services.py): Perm.PLAN_VIEW
reads, Perm.PLAN_EDIT writes, on the courses of the user's course scope; 403 without the
function, 404 outside the scope. Reads and writes are audited.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import course_access
from cases.models import Course, SafetyPlan
from familieberedskab.audit import audit_log, audit_log_list
from familieberedskab.models import AuditAction
from familieberedskab.permissions import Perm, course_scope, permissions_of
from staffing.models import User

PLAN_FIELDS = (
    "adopted_on",
    "review_on",
    "everyday_rules",
    "network_roles",
    "professional_checks",
    "if_broken",
    "family_perspective",
)
TEXT_FIELDS = PLAN_FIELDS[2:]
AUDIT_DETAIL = "safety_plan"


# Reads --------------------------------------------------------------------------------------


def get_course_for_user(user: User, course_pk: int, *, perm: Perm = Perm.PLAN_VIEW) -> Course:
    """The course for this screen (see :func:`cases.course_access.get_course_for_user`)."""
    return course_access.get_course_for_user(user, course_pk, perm=perm, detail=AUDIT_DETAIL)


def get_safety_plan_for_user(
    user: User, course_pk: int, pk: int, *, perm: Perm = Perm.PLAN_VIEW
) -> SafetyPlan:
    """One safety plan of a course in ``user``'s scope (403/404 as
    :func:`get_course_for_user`). Writes the read to the audit trail."""
    if perm not in permissions_of(user):
        raise PermissionDenied
    scope = Course.objects.filter(course_scope(user)).values("pk")
    try:
        plan = (
            SafetyPlan.objects.select_related(
                "created_by", "course__family__caseworker", "course__provider"
            )
            .filter(course__in=scope)
            .get(pk=pk, course_id=course_pk)
        )
    except SafetyPlan.DoesNotExist:
        raise Http404 from None
    audit_log(
        by=user,
        action=AuditAction.VIEW,
        obj=plan,
        family_id=plan.course.family_id,
        course_id=plan.course_id,
    )
    return plan


def safety_plans_for_course(course: Course) -> QuerySet[SafetyPlan]:
    """The course's safety plans, the current (latest adopted) first."""
    return SafetyPlan.objects.select_related("created_by").filter(course=course)


def current_safety_plan(course: Course) -> SafetyPlan | None:
    return safety_plans_for_course(course).first()


def is_review_overdue(plan: SafetyPlan, today: dt.date | None = None) -> bool:
    """True when the plan's review date has passed."""
    return plan.review_on < (today or timezone.localdate())


def audit_safety_plan_list(by: User, course: Course, plans: list[SafetyPlan]) -> None:
    audit_log_list(
        by=by,
        objects=plans,
        family_ids=[course.family_id] * len(plans),
        detail=AUDIT_DETAIL,
    )


def audit_safety_plan_view(by: User, plan: SafetyPlan) -> None:
    audit_log(
        by=by,
        action=AuditAction.VIEW,
        obj=plan,
        family_id=plan.course.family_id,
        course_id=plan.course_id,
    )


# Writes -------------------------------------------------------------------------------------


@transaction.atomic
def safety_plan_save(*, by: User, course: Course, data: dict[str, Any]) -> SafetyPlan:
    """Adopt a new revision of ``course``'s safety plan. Earlier revisions are kept as they
    were. The review date may not be before the adoption date; a closed course is refused."""
    course = course_access.course_for_writing(
        by, course, closed_message=_("Forløbet er afsluttet. Sikkerhedsplanen kan ikke ændres.")
    )
    adopted_on, review_on = data.get("adopted_on"), data.get("review_on")
    if not adopted_on:
        raise ValidationError({"adopted_on": [_("Skriv datoen, hvor planen blev aftalt.")]})
    if not review_on:
        raise ValidationError({"review_on": [_("Skriv datoen, hvor planen skal gennemgås.")]})
    if review_on < adopted_on:
        raise ValidationError(
            {"review_on": [_("Planen kan ikke gennemgås før den dato, hvor den blev aftalt.")]}
        )
    plan = SafetyPlan(course=course, created_by=by, adopted_on=adopted_on, review_on=review_on)
    for name in TEXT_FIELDS:
        setattr(plan, name, (data.get(name) or "").strip())
    plan.full_clean(exclude=["course", "created_by"])
    plan.save()
    audit_log(
        by=by,
        action=AuditAction.CREATE,
        obj=plan,
        family_id=course.family_id,
        course_id=course.pk,
        fields=list(PLAN_FIELDS),
    )
    return plan
