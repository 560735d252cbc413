"""Services for the family's network (netværk), reached per course (issue 4, item 4).

The network belongs to the family: people around it (relatives, friends, neighbours, a
football coach …, and professionals), how each relates to the family's members, what support
they give or could give and how close they are (1–5). The network is revisited as dated
snapshots that keep the map as it stood, and network meetings are recorded with who took
part; both carry the family's own words, entered with them.

Access is the plan's (cases/safety_plan_services.py): Perm.PLAN_VIEW reads, Perm.PLAN_EDIT
writes, on the courses of the user's course scope; 403 without the function, 404 outside the
scope. A closed course is refused for writes. Reads and writes are audited.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from cases import course_access
from cases.models import (
    Course,
    FamilyMember,
    NetworkMeeting,
    NetworkMember,
    NetworkRelation,
    NetworkSnapshot,
)
from familieberedskab.audit import audit_log, audit_log_list
from familieberedskab.models import AuditAction
from familieberedskab.permissions import Perm
from staffing.models import User

MEMBER_FIELDS = ("name", "kind", "support_given", "support_possible", "closeness")
AUDIT_DETAIL = "network"


# Reads --------------------------------------------------------------------------------------


def get_course_for_user(user: User, course_pk: int, *, perm: Perm = Perm.PLAN_VIEW) -> Course:
    """The course for this screen (see :func:`cases.course_access.get_course_for_user`)."""
    return course_access.get_course_for_user(user, course_pk, perm=perm, detail=AUDIT_DETAIL)


def network_members(course: Course, *, active_only: bool = True) -> QuerySet[NetworkMember]:
    """The family's network, nearest first, with each person's relations."""
    qs = NetworkMember.objects.filter(family_id=course.family_id).prefetch_related(
        Prefetch(
            "relations",
            queryset=NetworkRelation.objects.select_related("family_member").order_by(
                "family_member__kind", "family_member__birth_date", "pk"
            ),
        )
    )
    return qs.filter(is_active=True) if active_only else qs


def get_member(course: Course, pk: int) -> NetworkMember:
    """One network person of the course's family (404 otherwise)."""
    try:
        return network_members(course, active_only=False).get(pk=pk)
    except NetworkMember.DoesNotExist:
        raise Http404 from None


def family_members(course: Course) -> QuerySet[FamilyMember]:
    return FamilyMember.objects.filter(family_id=course.family_id)


def snapshots_for_course(course: Course) -> QuerySet[NetworkSnapshot]:
    return NetworkSnapshot.objects.select_related("created_by").filter(family_id=course.family_id)


def get_snapshot(user: User, course: Course, pk: int) -> NetworkSnapshot:
    """One snapshot of the course's family (404 otherwise). Writes the read to the audit."""
    try:
        snapshot = snapshots_for_course(course).get(pk=pk)
    except NetworkSnapshot.DoesNotExist:
        raise Http404 from None
    audit_log(
        by=user,
        action=AuditAction.VIEW,
        obj=snapshot,
        family_id=course.family_id,
        course_id=course.pk,
    )
    return snapshot


def meetings_for_course(course: Course) -> QuerySet[NetworkMeeting]:
    return (
        NetworkMeeting.objects.filter(course=course)
        .select_related("created_by")
        .prefetch_related("network_participants", "family_participants", "staff_participants")
    )


def team_users(course: Course) -> QuerySet[User]:
    """The staff who may be recorded at a network meeting: the course's team and the
    family's rådgiver."""
    team = Q(pk__in=course.team.values("user_id"))
    if course.family.caseworker_id:
        team |= Q(pk=course.family.caseworker_id)
    return User.objects.filter(team).order_by("full_name", "pk")


def audit_list(by: User, course: Course, objects: list) -> None:
    audit_log_list(
        by=by,
        objects=objects,
        family_ids=[course.family_id] * len(objects),
        detail=AUDIT_DETAIL,
    )


def network_data(members: Iterable[NetworkMember]) -> list[dict[str, Any]]:
    """The network as plain data (what a snapshot stores and the map draws)."""
    return [
        {
            "name": m.name,
            "kind": m.kind,
            "closeness": m.closeness,
            "relations": [
                {"member": str(r.family_member), "description": r.description}
                for r in m.relations.all()
            ],
        }
        for m in members
    ]


# Writes -------------------------------------------------------------------------------------


def _family_words(model: type[NetworkSnapshot | NetworkMeeting], text: str) -> str:
    """The family's own words, stripped. A TextField's max_length is only a form limit in
    Django, so the service holds the line itself (with Django's own message)."""
    text = (text or "").strip()
    limit = model._meta.get_field("family_perspective").max_length
    try:
        MaxLengthValidator(limit)(text)
    except ValidationError as exc:
        raise ValidationError({"family_perspective": exc.messages}) from None
    return text


def _writable_course(by: User, course: Course) -> Course:
    return course_access.course_for_writing(
        by, course, closed_message=_("Forløbet er afsluttet. Netværket kan ikke ændres.")
    )


@transaction.atomic
def network_member_save(
    *,
    by: User,
    course: Course,
    data: dict[str, Any],
    relations: dict[int, str] | None = None,
    member: NetworkMember | None = None,
) -> NetworkMember:
    """Add a network person to the course's family, or edit ``member``. ``relations`` maps a
    family member's pk to how the person relates to them; only this family's members are
    accepted, and the relations given replace the earlier ones."""
    course = _writable_course(by, course)
    if member is not None and member.family_id != course.family_id:
        raise Http404
    relations = {int(k): (v or "").strip() for k, v in (relations or {}).items()}
    relations = {k: v for k, v in relations.items() if v}
    own = set(family_members(course).filter(pk__in=relations).values_list("pk", flat=True))
    if set(relations) - own:
        raise ValidationError(
            {"relations": [_("En relation kan kun være til et medlem af denne familie.")]}
        )
    created = member is None
    if created:
        member = NetworkMember(family=course.family)
    for name in MEMBER_FIELDS:
        if name not in data:
            continue  # a field not given keeps its value (or the model's default)
        value = data[name]
        setattr(member, name, value.strip() if isinstance(value, str) else value)
    member.full_clean(exclude=["family"])
    member.save()
    NetworkRelation.objects.filter(network_member=member).exclude(
        family_member_id__in=relations
    ).delete()
    existing = {r.family_member_id: r for r in member.relations.all()}
    for pk, description in relations.items():
        relation = existing.get(pk) or NetworkRelation(network_member=member, family_member_id=pk)
        relation.description = description
        relation.full_clean(exclude=["network_member", "family_member"])
        relation.save()
    audit_log(
        by=by,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=member,
        family_id=course.family_id,
        course_id=course.pk,
        fields=[*MEMBER_FIELDS, "relations"],
    )
    return member


@transaction.atomic
def network_member_deactivate(*, by: User, course: Course, member: NetworkMember) -> None:
    """Take a person off the live network; snapshots keep them as they were."""
    course = _writable_course(by, course)
    if member.family_id != course.family_id:
        raise Http404
    member.is_active = False
    member.save(update_fields=["is_active"])
    audit_log(
        by=by,
        action=AuditAction.UPDATE,
        obj=member,
        family_id=course.family_id,
        course_id=course.pk,
        fields=["is_active"],
    )


@transaction.atomic
def network_snapshot_take(
    *,
    by: User,
    course: Course,
    taken_on: dt.date,
    note: str = "",
    family_perspective: str = "",
) -> NetworkSnapshot:
    """Store the current (active) network as a dated snapshot, with the family's own words
    about their network (entered with them)."""
    course = _writable_course(by, course)
    if not taken_on:
        raise ValidationError({"taken_on": [_("Skriv datoen for netværkskortet.")]})
    snapshot = NetworkSnapshot(
        family=course.family,
        taken_on=taken_on,
        note=(note or "").strip(),
        family_perspective=_family_words(NetworkSnapshot, family_perspective),
        data=network_data(network_members(course)),
        created_by=by,
    )
    snapshot.full_clean(exclude=["family", "created_by", "data"])
    snapshot.save()
    audit_log(
        by=by,
        action=AuditAction.CREATE,
        obj=snapshot,
        family_id=course.family_id,
        course_id=course.pk,
        fields=["taken_on", "note", "family_perspective", "data"],
    )
    return snapshot


@transaction.atomic
def network_meeting_record(
    *,
    by: User,
    course: Course,
    held_on: dt.date,
    notes: str = "",
    family_perspective: str = "",
    network_ids: Iterable[int] = (),
    family_ids: Iterable[int] = (),
    staff_ids: Iterable[int] = (),
) -> NetworkMeeting:
    """Record a network meeting with who took part: people of this family's network, members
    of this family, and staff of the course's team (or the family's rådgiver); and the
    family's own words about the meeting."""
    course = _writable_course(by, course)
    if not held_on:
        raise ValidationError({"held_on": [_("Skriv datoen for mødet.")]})
    network_ids = {int(pk) for pk in network_ids}
    family_ids = {int(pk) for pk in family_ids}
    staff_ids = {int(pk) for pk in staff_ids}
    errors: dict[str, list[str]] = {}
    known = NetworkMember.objects.filter(family_id=course.family_id, pk__in=network_ids)
    if set(known.values_list("pk", flat=True)) != network_ids:
        errors["network_participants"] = [_("Deltagerne skal høre til familiens netværk.")]
    if set(family_members(course).filter(pk__in=family_ids).values_list("pk", flat=True)) != (
        family_ids
    ):
        errors["family_participants"] = [_("Deltagerne skal høre til familien.")]
    staff = team_users(course).filter(pk__in=staff_ids)
    if set(staff.values_list("pk", flat=True)) != staff_ids:
        errors["staff_participants"] = [_("Medarbejderne skal høre til forløbets team.")]
    if errors:
        raise ValidationError(errors)
    meeting = NetworkMeeting(
        course=course,
        held_on=held_on,
        notes=(notes or "").strip(),
        family_perspective=_family_words(NetworkMeeting, family_perspective),
        created_by=by,
    )
    meeting.full_clean(exclude=["course", "created_by"])
    meeting.save()
    meeting.network_participants.set(network_ids)
    meeting.family_participants.set(family_ids)
    meeting.staff_participants.set(staff_ids)
    audit_log(
        by=by,
        action=AuditAction.CREATE,
        obj=meeting,
        family_id=course.family_id,
        course_id=course.pk,
        fields=["held_on", "notes", "family_perspective", "participants"],
    )
    return meeting
