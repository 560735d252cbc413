"""Fetching a course for the screens that hang off it (Signs of Safety, safety plan, network):
one implementation of the access rule — 403 without the function, 404 outside the policy's
``course_scope``, the read audited — and of the rule that a closed course is read-only."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cases.models import Course, CourseStatus
from familieberedskab.audit import audit_log
from familieberedskab.models import AuditAction
from familieberedskab.permissions import Perm, course_scope, permissions_of
from staffing.models import User


def get_course_for_user(
    user: User, course_pk: int, *, perm: Perm = Perm.PLAN_VIEW, detail: str = ""
) -> Course:
    """The course if ``user`` may ``perm`` it: 403 without the function, 404 outside their
    course scope. Writes the read to the audit trail (``detail`` names the screen)."""
    if perm not in permissions_of(user):
        raise PermissionDenied
    try:
        course = (
            Course.objects.select_related("family__caseworker", "provider")
            .filter(course_scope(user))
            .get(pk=course_pk)
        )
    except Course.DoesNotExist:
        raise Http404 from None
    audit_log(
        by=user,
        action=AuditAction.VIEW,
        obj=course,
        family_id=course.family_id,
        course_id=course.pk,
        detail=detail,
    )
    return course


def course_for_writing(by: User, course: Course, *, closed_message: str) -> Course:
    """Lock ``course`` for a write by ``by``: 403 without Perm.PLAN_EDIT, 404 outside scope,
    refused with ``closed_message`` when the course is closed. Call inside a transaction."""
    if Perm.PLAN_EDIT not in permissions_of(by):
        raise PermissionDenied
    if not Course.objects.filter(course_scope(by), pk=course.pk).exists():
        raise Http404
    course = Course.objects.select_for_update().select_related("family").get(pk=course.pk)
    if course.status == CourseStatus.CLOSED:
        raise ValidationError(closed_message)
    return course
