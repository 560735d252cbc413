"""Writes and audited reads of families and their members."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.meeting_services import meetings_schedule_initial
from cases.models import Course, CourseStatus, Family, FamilyMember, TeamAssignment
from cases.outcome_services import measurements_plan_initial
from cases.plan_services import plan_create
from familieberedskab.audit import audit_log, audit_log_list
from familieberedskab.models import AuditAction
from familieberedskab.permissions import Perm, has_permission, permissions_of
from staffing.models import Organisation, Role, User

# Fields whose values are personal data: the audit trail records their names only.
_FAMILY_FIELDS = (
    "name",
    "municipality_id",
    "caseworker_id",
    "street_address",
    "postal_code",
    "city",
)
_MEMBER_FIELDS = (
    "kind",
    "first_name",
    "last_name",
    "birth_date",
    "relation",
    "language",
    "interpreter_needed",
    "cpr_hash",
)
_NON_PERSONAL = {"municipality_id", "caseworker_id", "kind", "interpreter_needed", "language"}


@dataclass(frozen=True)
class MemberInput:
    """One member as entered: ``member`` is None for a new one; ``cpr`` is '' to keep."""

    data: dict[str, object]
    cpr: str = ""
    member: FamilyMember | None = None
    delete: bool = False


def get_family_for_user(user: User, pk: int, *, perm: Perm = Perm.FAMILY_VIEW) -> Family:
    """The family if ``user`` may ``perm`` it: 403 without the function, 404 outside the scope.

    Writes the read to the audit trail.
    """
    if perm not in permissions_of(user):
        raise PermissionDenied
    scope = (
        Family.objects.changeable_by(user)
        if perm == Perm.FAMILY_CHANGE
        else Family.objects.visible_to(user)
    )
    try:
        family = scope.select_related("municipality", "caseworker").get(pk=pk)
    except Family.DoesNotExist:
        raise Http404 from None
    audit_log(by=user, action=AuditAction.VIEW, obj=family, family_id=family.pk)
    return family


def families_listed(*, by: User, families: list[Family], detail: str = "") -> None:
    """A list of families was shown: one audit row per family shown."""
    audit_log_list(by=by, objects=families, family_ids=[f.pk for f in families], detail=detail)


def family_search_logged(*, by: User, query: str, looks_like_cpr: bool) -> None:
    """Searches are audited with their criterion; a CPR number only as 'CPR-søgning'."""
    detail = _("CPR-søgning") if looks_like_cpr else f"navn: {query}"
    audit_log(by=by, action=AuditAction.SEARCH, object_type="cases.family", detail=detail)


def family_cpr_clash_logged(*, by: User) -> None:
    """Entering a CPR number that is registered elsewhere reveals that the person is known:
    the attempt is audited like a CPR search (without the number)."""
    audit_log(
        by=by, action=AuditAction.SEARCH, object_type="cases.familymember", detail="CPR-kollision"
    )


def _check_municipality(by: User, municipality: Organisation) -> None:
    if not municipality.is_municipality or municipality.pk != by.organisation_id:
        raise ValidationError(_("Du kan kun registrere familier i din egen kommune."))


def _audit_values(instance: object, names: list[str]) -> dict[str, object]:
    return {n: getattr(instance, n) for n in names if n in _NON_PERSONAL}


def _save_members(*, by: User, family: Family, members: list[MemberInput]) -> None:
    # Compare with what is stored, not with the instance: a bound ModelForm has already
    # copied the new values onto it.
    stored = {
        row["pk"]: row
        for row in FamilyMember.objects.filter(family=family).values("pk", *_MEMBER_FIELDS)
    }
    for entry in members:
        member = entry.member
        if entry.delete:
            if member is not None and member.pk:
                pk = member.pk
                try:
                    with transaction.atomic():
                        member.delete()
                except ProtectedError:
                    raise ValidationError(
                        _("%(name)s indgår i en henvisning og kan ikke slettes.")
                        % {"name": member.full_name}
                    ) from None
                audit_log(
                    by=by,
                    action=AuditAction.DELETE,
                    object_type="cases.familymember",
                    family_id=family.pk,
                    detail=f"id {pk}",
                )
            continue
        is_new = member is None or member.pk is None
        member = member or FamilyMember(family=family)
        before = stored.get(member.pk, {})
        for name, value in entry.data.items():
            setattr(member, name, value)
        if entry.cpr:
            member.set_cpr(entry.cpr)
        member.family = family
        member.full_clean(exclude=["family"])
        member.save()
        changed = [n for n in _MEMBER_FIELDS if before.get(n) != getattr(member, n)]
        if is_new or changed:
            fields = ["cpr" if n == "cpr_hash" else n for n in changed]
            audit_log(
                by=by,
                action=AuditAction.CREATE if is_new else AuditAction.UPDATE,
                obj=member,
                family_id=family.pk,
                fields=fields,
                values=_audit_values(member, changed),
            )


@transaction.atomic
def family_create(*, by: User, data: dict[str, object], members: list[MemberInput]) -> Family:
    """A rådgiver registers a family of their own municipality with its members."""
    if not has_permission(by, Perm.FAMILY_CREATE) or not by.has_role(Role.RADGIVER):
        raise PermissionDenied
    _check_municipality(by, data["municipality"])
    family = Family(**data, caseworker=by, created_by=by)
    family.full_clean()
    family.save()
    audit_log(
        by=by,
        action=AuditAction.CREATE,
        obj=family,
        family_id=family.pk,
        fields=list(_FAMILY_FIELDS),
        values=_audit_values(family, list(_FAMILY_FIELDS)),
    )
    _save_members(by=by, family=family, members=members)
    return family


@transaction.atomic
def family_update(
    *, by: User, family: Family, data: dict[str, object], members: list[MemberInput]
) -> Family:
    """The family's rådgiver corrects master data and members."""
    if not has_permission(by, Perm.FAMILY_CHANGE, obj=family):
        raise PermissionDenied
    _check_municipality(by, data.get("municipality", family.municipality))
    before = Family.objects.filter(pk=family.pk).values(*_FAMILY_FIELDS).get()
    for name, value in data.items():
        setattr(family, name, value)
    family.full_clean()
    family.save()
    changed = [n for n in _FAMILY_FIELDS if before[n] != getattr(family, n)]
    if changed:
        audit_log(
            by=by,
            action=AuditAction.UPDATE,
            obj=family,
            family_id=family.pk,
            fields=changed,
            values=_audit_values(family, changed),
        )
    _save_members(by=by, family=family, members=members)
    return family


@transaction.atomic
def member_cpr_reveal(*, by: User, member: FamilyMember) -> str:
    """The full CPR number, for a role that needs it; every reveal is audited."""
    if not has_permission(by, Perm.FAMILY_VIEW_FULL_CPR, obj=member.family):
        raise PermissionDenied
    audit_log(by=by, action=AuditAction.CPR_REVEAL, obj=member, family_id=member.family_id)
    return member.cpr_digits()


@dataclass(frozen=True)
class TeamMember:
    user: User
    role: str
    hours_per_week: Decimal


@transaction.atomic
def course_start(
    *,
    by: User,
    family: Family,
    provider: Organisation,
    start_date: dt.date,
    granted_hours: Decimal,
    first_follow_up: dt.date,
    team: list[TeamMember],
    start_meeting_date: dt.date | None = None,
) -> Course:
    """A granted, matched referral becomes a course with its team (called by visitation).

    The team's access starts today, so the assigned staff see the family at once even when
    the course itself starts later; the course is active from its start date.
    """
    today = timezone.localdate()
    course = Course(
        family=family,
        provider=provider,
        status=CourseStatus.ACTIVE if start_date <= today else CourseStatus.PLANNED,
        start_date=start_date,
        granted_hours=granted_hours,
        first_follow_up=first_follow_up,
        start_meeting_date=start_meeting_date,
        follow_up_months=settings.FOLLOW_UP_CADENCE_MONTHS,
    )
    course.full_clean()
    course.save()
    plan_create(by=by, course=course)
    meetings_schedule_initial(by=by, course=course)
    measurements_plan_initial(course=course)
    audit_log(
        by=by,
        action=AuditAction.CREATE,
        obj=course,
        family_id=family.pk,
        course_id=course.pk,
        fields=["status", "start_date", "granted_hours", "first_follow_up", "start_meeting_date"],
        values={
            "status": course.status,
            "start_date": str(start_date),
            "granted_hours": str(granted_hours),
            "first_follow_up": str(first_follow_up),
        },
    )
    for member in team:
        if member.role not in member.user.roles:
            # The label, never the code; an unknown code is shown as given rather than crash.
            label = Role(member.role).label if member.role in Role.values else member.role
            raise ValidationError(
                _("%(user)s har ikke rollen %(role)s.") % {"user": member.user, "role": label}
            )
        assignment = TeamAssignment.objects.create(
            course=course,
            user=member.user,
            role=member.role,
            hours_per_week=member.hours_per_week,
            starts_on=today,
        )
        audit_log(
            by=by,
            action=AuditAction.CREATE,
            obj=assignment,
            family_id=family.pk,
            course_id=course.pk,
            fields=["user", "role", "hours_per_week"],
            values={
                "user_id": member.user.pk,
                "role": member.role,
                "hours_per_week": str(member.hours_per_week),
            },
        )
    return course
